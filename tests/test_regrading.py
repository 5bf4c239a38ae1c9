"""Grading a case again (重新定级) through the service layer, the pages and the API, on the real engine and diagram:
during rectification the review's score interrupts the round and starts a new period by the new grade; at
assignment the project lead's reviewed score in the assignment form does the same before the deadline is set."""
from app.clock import clock
from app.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, Notification, Timer
from app.services import regrading, tasks
from app.services.calendar import add_workdays
from app.services.uow import UnitOfWork
from tests.test_lifecycle_service import ASSIGN, case_row, complete, open_tasks, register

import pytest


def assigned(people, score=90, **extra):
    case_id = register(people, score=score)
    complete(people.project_lead, open_tasks(case_id)["assignment"], {**ASSIGN, **extra})
    return case_id


def do_regrade(user, case_id, score=60, legal_major=False, reason="评审小组复核：涉及重大危险源", deadline_days=None):
    with UnitOfWork() as uow:
        regrading.regrade(uow, user, case_id, score, legal_major, reason, deadline_days)
        uow.commit()


def test_regrading_during_rectification_starts_a_new_period_by_the_new_grade(people):
    case_id = assigned(people)
    first = open_tasks(case_id)["rectification"]
    assert case_row(case_id).grade == "general"
    clock.advance(days=2)
    do_regrade(people.project_lead, case_id, score=60)
    case = case_row(case_id)
    assert (case.grade, case.score, case.round, case.status) == ("major", 60, 1, "rectifying")
    expected_due = add_workdays(clock.now(), 30).moment
    assert case.rectification_due == expected_due
    task = open_tasks(case_id)["rectification"]
    assert task.id != first.id and task.due_at == expected_due and task.grade == "major"
    timers = {t.bpmn_id: t.due_at for t in db.session.query(Timer).filter_by(case_id=case_id)}
    assert timers["Timer_rect_due"] == expected_due and len(timers) == 3
    event = db.session.query(AuditEvent).filter_by(case_id=case_id, action="case_regraded").one()
    assert event.actor_id == people.project_lead.id and event.reason.startswith("评审小组复核")
    assert event.changes["score"] == [90, 60]
    updated = db.session.query(AuditEvent).filter_by(case_id=case_id, action="case_updated") \
        .order_by(AuditEvent.id.desc()).first()
    assert updated.changes["grade"] == ["general", "major"]
    kinds = {(n.kind, n.user_id) for n in db.session.query(Notification).filter_by(case_id=case_id)}
    assert ("major_hazard_report", people.bureau.id) in kinds  # newly major: reported to the bureau
    assert ("case_regraded", people.ent_a.id) in kinds and ("case_regraded", people.project_lead.id) in kinds


def test_an_upgrade_to_especially_major_is_reported_again_and_orders_a_stop_work(people):
    case_id = assigned(people, score=60)  # major: reported at registration
    do_regrade(people.bureau, case_id, score=30, deadline_days=10)
    case = case_row(case_id)
    assert case.grade == "especially_major"
    assert set(open_tasks(case_id)) == {"rectification", "stop_work_order"}
    reports = db.session.query(Notification).filter_by(case_id=case_id, kind="major_hazard_report",
                                                       user_id=people.bureau.id).count()
    assert reports == 2  # once at registration, once for the new grade
    assert case.rectification_due == add_workdays(clock.now(), 10).moment


def test_the_enterprises_draft_is_carried_to_the_new_round(people):
    case_id = assigned(people)
    task = open_tasks(case_id)["rectification"]
    with UnitOfWork() as uow:
        tasks.save_draft(uow, people.ent_a, task.id, {"measures": "正在更换线路"})
        uow.commit()
    do_regrade(people.project_lead, case_id, score=75)
    new = open_tasks(case_id)["rectification"]
    assert new.id != task.id and new.draft == {"measures": "正在更换线路"}


def test_a_reviewed_score_in_the_assignment_form_grades_before_the_deadline(people):
    case_id = assigned(people, score=90, review_score=75, review_reason="复核：配电房涉及多台设备")
    case = case_row(case_id)
    assert (case.grade, case.score) == ("larger", 75)
    assert case.rectification_due == add_workdays(clock.now(), 15).moment


def test_who_and_when(people, make_user):
    case_id = register(people)
    with pytest.raises(Conflict, match="整改指派表"):
        do_regrade(people.project_lead, case_id)  # still awaiting assignment
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    for user in (people.inspector, people.ent_a, people.manager):
        with pytest.raises(NotAllowed):
            do_regrade(user, case_id)
    with pytest.raises(NotFound):
        do_regrade(people.ent_b, case_id)  # another enterprise's case does not exist for it
    with pytest.raises(ValidationFailed) as bad, UnitOfWork() as uow:
        regrading.regrade(uow, people.project_lead, case_id, 101, "yes", " ", 0)
    assert set(bad.value.fields) == {"review_score", "review_legal_major", "review_reason", "deadline_days"}
    assert case_row(case_id).grade == "general"  # nothing changed


def test_the_page_for_project_leads_and_the_bureau(people, login):
    case_id = assigned(people)
    lead = login("project_lead")
    assert "重新定级" in lead.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "重新定级" not in login("ent_a").get(f"/cases/{case_id}").get_data(as_text=True).split("page-head")[1][:600]
    assert login("ent_a").get(f"/cases/{case_id}/regrade").status_code == 403
    assert login("inspector").post(f"/cases/{case_id}/regrade", data={"review_score": "60"}).status_code == 403
    assert login("ent_b").get(f"/cases/{case_id}/regrade").status_code == 404
    bad = lead.post(f"/cases/{case_id}/regrade", data={"review_score": "六十", "review_legal_major": "false",
                                                         "review_reason": "复核", "deadline_days": ""})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400 and 'id="err-review_score"' in page and "复核</textarea>" in page  # kept
    missing = lead.post(f"/cases/{case_id}/regrade", data={"review_score": "60", "review_legal_major": "false",
                                                             "review_reason": " "})
    assert missing.status_code == 400 and 'id="err-review_reason"' in missing.get_data(as_text=True)
    ok = lead.post(f"/cases/{case_id}/regrade", data={"review_score": "60", "review_legal_major": "false",
                                                        "review_reason": "评审小组复核", "deadline_days": "20"})
    assert ok.status_code == 302 and ok.headers["Location"].endswith(f"/cases/{case_id}")
    case = case_row(case_id)
    assert case.grade == "major" and case.rectification_due == add_workdays(clock.now(), 20).moment
    history = lead.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "重新定级" in history and "评审小组复核" in history


def test_a_case_awaiting_verification_cannot_be_regraded(people, login):
    case_id = assigned(people)
    from tests.test_lifecycle_service import rectify_data
    complete(people.ent_a, open_tasks(case_id)["rectification"], rectify_data(people.ent_a))
    response = login("bureau").post(f"/cases/{case_id}/regrade", data={
        "review_score": "60", "review_legal_major": "false", "review_reason": "复核"})
    assert response.status_code == 409 and "只有整改中的隐患" in response.get_data(as_text=True)


def test_the_api(people, api):
    case_id = assigned(people)
    url = f"/api/v1/hazards/{case_id}/regrade"
    body = {"review_score": 65, "review_reason": "评审小组复核", "deadline_days": 12}
    assert api("ent_a").post(url, json=body).status_code == 403
    assert api("ent_b").post(url, json=body).status_code == 404
    bad = api("project_lead").post(url, json={"review_score": "65", "review_reason": ""})
    assert bad.status_code == 400 and set(bad.get_json()["fields"]) == {"review_score", "review_reason"}
    ok = api("project_lead").post(url, json=body)
    assert ok.status_code == 200 and ok.get_json()["grade"] == "major"
    assert case_row(case_id).rectification_due == add_workdays(clock.now(), 12).moment
    history = api("project_lead").get(f"/api/v1/hazards/{case_id}/history").get_json()
    assert any(e["action"] == "case_regraded" for e in history["items"])
