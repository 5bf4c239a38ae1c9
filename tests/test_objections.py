"""Enterprises' objections (异议): raised by the case's enterprise, answered once by a project lead within three
working days, the objector told; overdue ones urge the bureau and the leads once; who may do and see what, through
the services, the pages and the API."""
from datetime import timedelta

import pytest

from app.clock import SHANGHAI, clock
from app.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, CaseObjection, HazardCase, Notification
from app.services import objections
from app.services.uow import UnitOfWork
from scheduler import jobs
from tests.test_lifecycle_service import register
from tests.test_web_support import text


def raise_one(user, case_id, subject="deadline", text="设备采购周期长，申请延长整改期限"):
    with UnitOfWork() as uow:
        row = objections.raise_objection(uow, user, case_id, subject, text)
        uow.commit()
        return row.id


def answer(user, objection_id, reply="同意延长，下一轮指派时调整", accepted=True):
    with UnitOfWork() as uow:
        objections.answer(uow, user, objection_id, reply, accepted)
        uow.commit()


def notices(user, kind):
    return db.session.query(Notification).filter_by(user_id=user.id, kind=kind).count()


def test_raised_answered_audited_and_told(people):
    case_id = register(people)  # Monday 2026-11-23 09:00
    objection_id = raise_one(people.ent_a, case_id)
    row = db.session.get(CaseObjection, objection_id)
    assert row.reply_due.astimezone(SHANGHAI).isoformat() == "2026-11-26T09:00:00+08:00"  # 3 working days
    assert notices(people.project_lead, "objection_raised") == 1
    answer(people.project_lead, objection_id)
    db.session.expire_all()
    row = db.session.get(CaseObjection, objection_id)
    assert (row.accepted, row.replied_by_id) == (True, people.project_lead.id) and row.replied_at is not None
    assert notices(people.ent_a, "objection_answered") == 1
    actions = [e.action for e in db.session.query(AuditEvent).filter_by(case_id=case_id).order_by(AuditEvent.id)]
    assert actions[-2:] == ["objection_raised", "objection_answered"]
    with pytest.raises(Conflict):  # answered once
        answer(people.admin, objection_id, accepted=False)


def test_who_raises_and_who_answers(people):
    case_id = register(people)
    with pytest.raises(NotFound):
        raise_one(people.ent_b, case_id)  # another enterprise's case is not there
    for who in ("inspector", "project_lead", "bureau"):
        with pytest.raises(NotAllowed):
            raise_one(people[who], case_id)
    objection_id = raise_one(people.ent_a, case_id)
    for who in ("ent_a", "bureau", "inspector"):
        with pytest.raises(NotAllowed):
            answer(people[who], objection_id)
    with pytest.raises(NotFound):
        answer(people.project_lead, 99999)


@pytest.mark.parametrize("subject, text, wrong", [
    ("nonsense", "理由", {"subject"}),
    ("grade", "  ", {"text"}),
    ("grade", "x" * 2001, {"text"}),
    ("", "", {"subject", "text"}),
])
def test_bad_fields_are_named_and_nothing_is_stored(people, subject, text, wrong):
    case_id = register(people)
    with pytest.raises(ValidationFailed) as caught:
        raise_one(people.ent_a, case_id, subject, text)
    assert set(caught.value.fields) == wrong
    assert db.session.query(CaseObjection).count() == 0


def test_limits_a_closed_case_and_a_bad_answer(people):
    case_id = register(people)
    ids = [raise_one(people.ent_a, case_id) for _ in range(objections.MAX_OPEN_PER_CASE)]
    with pytest.raises(Conflict):
        raise_one(people.ent_a, case_id)
    with pytest.raises(ValidationFailed) as caught:
        answer(people.project_lead, ids[0], reply=" ", accepted=None)
    assert set(caught.value.fields) == {"reply", "accepted"}
    db.session.get(HazardCase, case_id).status = "closed"
    db.session.commit()
    with pytest.raises(Conflict):
        raise_one(people.ent_a, case_id)


def test_overdue_objections_urge_the_bureau_and_leads_once(people):
    case_id = register(people)
    objection_id = raise_one(people.ent_a, case_id)
    assert jobs.urge_objections() == 0
    clock.set(clock.now() + timedelta(days=3, hours=1))  # Thursday 10:00, past Thursday 09:00
    assert jobs.urge_objections() == 1 and jobs.urge_objections() == 1
    assert notices(people.bureau, "objection_overdue") == 1 and notices(people.project_lead, "objection_overdue") == 1
    rows, total = objections.listing(db.session, people.bureau, objections.ObjectionFilter(state="overdue"))
    assert [r.id for r in rows] == [objection_id] and total == 1
    answer(people.project_lead, objection_id)
    assert objections.listing(db.session, people.bureau, objections.ObjectionFilter(state="overdue"))[1] == 0


# ---- the pages ----------------------------------------------------------------------------------------------
def test_raise_and_answer_through_the_pages(people, login):
    case_id = register(people)
    ent = login("ent_a")
    assert f"/cases/{case_id}/objections/new" in text(ent.get(f"/cases/{case_id}"))
    bad = ent.post(f"/cases/{case_id}/objections/new", data={"subject": "grade", "text": ""})
    assert bad.status_code == 400 and 'id="err-text"' in text(bad) and '<option value="grade" selected>' in text(bad)
    done = ent.post(f"/cases/{case_id}/objections/new", data={"subject": "grade", "text": "评分过高，应为一般"})
    assert done.status_code == 302
    objection_id = db.session.query(CaseObjection).one().id
    lead = login("project_lead")
    listing = text(lead.get("/objections"))
    assert "评分过高" in listing and f"/objections/{objection_id}/reply" in listing
    bad = lead.post(f"/objections/{objection_id}/reply", data={"reply": "已核实"})
    assert bad.status_code == 400 and 'id="err-accepted"' in text(bad) and "已核实" in text(bad)
    done = lead.post(f"/objections/{objection_id}/reply", data={"reply": "经复核评分无误", "accepted": "false"})
    assert done.status_code == 302
    page = text(ent.get(f"/cases/{case_id}"))
    assert "不予采纳" in page and "经复核评分无误" in page
    assert "评分过高" in text(lead.get("/objections?state=answered"))
    assert "评分过高" not in text(lead.get("/objections"))


def test_page_access(people, login, client):
    case_id = register(people)
    objection_id = raise_one(people.ent_a, case_id)
    assert login("ent_b").get(f"/cases/{case_id}/objections/new").status_code == 404
    assert login("inspector").get(f"/cases/{case_id}/objections/new").status_code == 403
    assert login("ent_b").get(f"/objections/{objection_id}/reply").status_code == 404
    assert login("ent_a").get(f"/objections/{objection_id}/reply").status_code == 403
    assert login("bureau").get(f"/objections/{objection_id}/reply").status_code == 403
    assert "申请延长整改期限" not in text(login("ent_b").get("/objections"))
    assert "申请延长整改期限" in text(login("ent_a").get("/objections"))
    assert "申请延长整改期限" in text(login("bureau").get("/objections"))
    assert client.get("/objections").status_code == 302


# ---- the API ------------------------------------------------------------------------------------------------
def test_the_api(api, people):
    case_id = register(people)
    ent = api("ent_a")
    made = ent.post(f"/api/v1/hazards/{case_id}/objections", json={"subject": "requirements", "text": "要求不明确"})
    assert made.status_code == 201 and made.get_json()["reply_due"] == "2026-11-26T09:00:00+08:00"
    objection_id = made.get_json()["id"]
    assert ent.post(f"/api/v1/hazards/{case_id}/objections", json={"subject": "x", "text": "t"}).status_code == 400
    assert api("ent_b").post(f"/api/v1/hazards/{case_id}/objections",
                             json={"subject": "grade", "text": "t"}).status_code == 404
    assert api("ent_b").get(f"/api/v1/hazards/{case_id}/objections").status_code == 404
    assert api("ent_b").post(f"/api/v1/objections/{objection_id}/reply",
                             json={"reply": "r", "accepted": True}).status_code == 404
    assert ent.post(f"/api/v1/objections/{objection_id}/reply", json={"reply": "r", "accepted": True}).status_code \
        == 403
    lead = api("project_lead")
    answered = lead.post(f"/api/v1/objections/{objection_id}/reply", json={"reply": "补充说明见通知书",
                                                                         "accepted": True})
    assert answered.status_code == 200 and answered.get_json()["replied_by"] == "project_lead"
    assert lead.post(f"/api/v1/objections/{objection_id}/reply", json={"reply": "r", "accepted": False}).status_code \
        == 409
    items = ent.get(f"/api/v1/hazards/{case_id}/objections").get_json()["items"]
    assert [(i["subject"], i["accepted"]) for i in items] == [("requirements", True)]
