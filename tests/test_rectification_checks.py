"""Supervision checks of rectifications on site (整改过程督导检查): due by grade (一般 30 days, 较大 14, 重大 7) from the
round's start or the last check, recorded by the supervision group and project leads, lagging tells the enterprise,
an interview tells the bureau too and goes on the credit record; the list, the case page card, the form, who may."""
from datetime import timedelta

import pytest

from app.clock import clock
from app.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, CreditRecord, Notification
from app.services import rectification_checks
from app.services.uow import UnitOfWork
from tests.test_lifecycle_service import ASSIGN, case_row, complete, open_tasks, register


def rectifying(people, score=90):
    case_id = register(people, score=score)
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    return case_id


def check(user, case_id, conclusion="on_track", progress=40, findings="已更换部分线路", when=None):
    with UnitOfWork() as uow:
        row = rectification_checks.record(uow, user, case_id, when or clock.local_now().strftime("%Y-%m-%dT%H:%M"),
                                          "赵督导", progress, findings, conclusion)
        uow.commit()
        return row


def due_ids(within=0):
    return [d.case.id for d in rectification_checks.due_checks(db.session, within_days=within)]


def test_checks_fall_due_by_grade(people):
    general, major = rectifying(people, 90), rectifying(people, 60)
    assert due_ids() == []
    clock.advance(days=7, minutes=1)
    assert due_ids() == [major]  # weekly for a major hazard
    check(people.supervision, major)
    assert due_ids() == []  # counted again from the check
    clock.advance(days=6)
    assert due_ids() == [] and due_ids(within=3) == [major]  # the list shows what falls due in 3 days too
    clock.advance(days=17)
    assert due_ids() == [major, general]  # monthly for a general one; the longest overdue first
    assert rectification_checks.next_due(db.session, case_row(major)) is not None


def test_lagging_and_interview_tell_and_record(people):
    case_id = rectifying(people)
    check(people.project_lead, case_id, conclusion="lagging", progress=10, findings="材料未到位")
    told = {(n.kind, n.user_id) for n in db.session.query(Notification).filter_by(case_id=case_id)}
    assert ("rectification_lagging", people.ent_a.id) in told
    assert ("rectification_lagging", people.bureau.id) not in told
    check(people.supervision, case_id, conclusion="interview", progress=10, findings="两次督导均无进展")
    told = {(n.kind, n.user_id) for n in db.session.query(Notification).filter_by(case_id=case_id)}
    assert ("rectification_interview", people.bureau.id) in told and ("rectification_interview", people.ent_a.id) in told
    record = db.session.query(CreditRecord).filter_by(case_id=case_id).one()
    assert record.kind == "interview" and record.enterprise_id == people.enterprise_a.id
    event = db.session.query(AuditEvent).filter_by(case_id=case_id, action="rectification_checked") \
        .order_by(AuditEvent.id.desc()).first()
    assert event.changes["conclusion"] == [None, "interview"]


def test_who_when_and_bad_input(people):
    case_id = register(people)
    with pytest.raises(Conflict):
        check(people.supervision, case_id)  # not under rectification yet
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    for user in (people.inspector, people.ent_a, people.bureau):
        with pytest.raises(NotAllowed):
            check(user, case_id)
    with pytest.raises(NotFound):
        check(people.ent_b, case_id)
    with pytest.raises(ValidationFailed) as bad, UnitOfWork() as uow:
        rectification_checks.record(uow, people.supervision, case_id, (clock.local_now() + timedelta(days=1))
                                    .strftime("%Y-%m-%dT%H:%M"), " ", 101, "", "fine")
    assert set(bad.value.fields) == {"checked_on", "checkers", "progress_percent", "findings", "conclusion"}


def test_the_pages(people, login):
    case_id = rectifying(people, 60)
    clock.advance(days=8)
    listing = login("supervision").get("/supervision/checks").get_data(as_text=True)
    assert f'data-case="{case_id}"' in listing and f"/cases/{case_id}/checks/new" in listing
    assert login("ent_a").get("/supervision/checks").status_code == 403
    assert login("inspector").get(f"/cases/{case_id}/checks/new").status_code == 403
    assert login("ent_b").get(f"/cases/{case_id}/checks/new").status_code == 404
    form = login("supervision")
    bad = form.post(f"/cases/{case_id}/checks/new", data={"checked_on": clock.local_now().strftime("%Y-%m-%dT%H:%M"),
                                                           "checkers": "赵",
                                                           "progress_percent": "一半", "findings": "已整改一半",
                                                           "conclusion": "on_track"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400 and 'id="err-progress_percent"' in page and "已整改一半</textarea>" in page
    ok = form.post(f"/cases/{case_id}/checks/new", data={
        "checked_on": clock.local_now().strftime("%Y-%m-%dT%H:%M"), "checkers": "赵督导", "progress_percent": "50",
        "findings": "已整改一半", "conclusion": "on_track"})
    assert ok.status_code == 302
    case_page = login("ent_a").get(f"/cases/{case_id}").get_data(as_text=True)
    assert "整改督导检查" in case_page and "已整改一半" in case_page and f"/cases/{case_id}/checks/new" not in case_page


def test_the_api(people, api):
    case_id = rectifying(people)
    url = f"/api/v1/hazards/{case_id}/checks"
    body = {"checked_at": clock.local_now().strftime("%Y-%m-%dT%H:%M"), "checkers": "赵督导", "progress_percent": 30,
            "findings": "线路更换过半", "conclusion": "lagging"}
    assert api("ent_a").post(url, json=body).status_code == 403
    assert api("ent_b").get(url).status_code == 404
    bad = api("supervision").post(url, json={**body, "progress_percent": "30", "conclusion": "meh"})
    assert bad.status_code == 400 and set(bad.get_json()["fields"]) == {"progress_percent", "conclusion"}
    made = api("supervision").post(url, json=body)
    assert made.status_code == 201 and made.get_json()["recorded_by"] == "supervision"
    listed = api("ent_a").get(url).get_json()
    assert [c["conclusion"] for c in listed["items"]] == ["lagging"] and listed["next_due"]


def test_a_random_draw_is_reproducible_and_tells_the_checkers(people, make_user):
    from app.models import SiteCheckDraw
    from app.services import site_check_draws
    second = make_user("supervision2", "supervision")
    cases = [rectifying(people) for _ in range(4)]
    register(people)  # awaiting assignment: not drawn
    with UnitOfWork() as uow:
        row = site_check_draws.draw(uow, people.project_lead, 3, seed="fixed-seed")
        uow.commit()
    assert row.population == 4 and len(row.picks) == 3 and {p["case_id"] for p in row.picks} <= set(cases)
    assert {p["checker_id"] for p in row.picks} <= {people.supervision.id, second.id}
    from app.models import HazardCase, User
    again = site_check_draws.pick(db.session.query(HazardCase).filter_by(status="rectifying").order_by(HazardCase.id)
                                  .all(), sorted(db.session.query(User).filter(User.username.like("supervision%")),
                                                 key=lambda u: u.id), 3, "fixed-seed")
    assert again == row.picks  # the seed reproduces the draw
    told = db.session.query(Notification).filter_by(kind="site_checks_drawn").all()
    assert {n.user_id for n in told} == {p["checker_id"] for p in row.picks}
    with pytest.raises(NotAllowed), UnitOfWork() as uow:
        site_check_draws.draw(uow, people.supervision, 1)
    with pytest.raises(ValidationFailed), UnitOfWork() as uow:
        site_check_draws.draw(uow, people.bureau, 0)
    assert db.session.query(SiteCheckDraw).count() == 1


def test_the_draw_on_the_page(people, login):
    rectifying(people)
    lead = login("project_lead")
    assert 'action="/supervision/checks/draw"' in lead.get("/supervision/checks").get_data(as_text=True)
    assert 'action="/supervision/checks/draw"' not in login("supervision").get("/supervision/checks").get_data(
        as_text=True)
    assert login("supervision").post("/supervision/checks/draw", data={"count": "1"}).status_code == 403
    bad = lead.post("/supervision/checks/draw", data={"count": "几件"})
    assert bad.status_code == 400 and 'id="err-count"' in bad.get_data(as_text=True)
    assert lead.post("/supervision/checks/draw", data={"count": "2"}).status_code == 302
    page = login("bureau").get("/supervision/checks").get_data(as_text=True)
    assert 'data-draw="' in page and "随机种子" in page
