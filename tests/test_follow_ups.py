"""Re-inspections after closing (销号后复查, 回头看): two scheduled when a case closes (within a week, a month after),
recorded once by the inspection team from their first day; a hazard found back notifies the bureau and the leads;
overdue ones urge the leads once; who may see and record, through the services, the pages and the API."""
from datetime import date, timedelta

import pytest

from app.clock import clock
from app.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, CaseFollowUp, Notification
from app.services import followups
from app.services.uow import UnitOfWork
from scheduler import jobs
from tests.test_lifecycle_service import ASSIGN, complete, open_tasks, rectify_data, register
from tests.test_web_support import text


def closed_case(people, enterprise=None):
    case_id = register(people, enterprise=enterprise)
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    staff = people.ent_b if enterprise is people.enterprise_b else people.ent_a
    complete(staff, open_tasks(case_id)["rectification"], rectify_data(staff))
    complete(people.project_team, open_tasks(case_id)["verification"], {"passed": True, "opinion": "合格"})
    return case_id


def rows(case_id):
    return followups.for_case(db.session, case_id)


def record(user, follow_up_id, result="held", notes=""):
    with UnitOfWork() as uow:
        followups.record(uow, user, follow_up_id, result, notes)
        uow.commit()


def test_closing_schedules_two_re_inspections(people):
    case_id = closed_case(people)  # closed on Monday 2026-11-23
    first, second = rows(case_id)
    assert (first.sequence, first.not_before, first.due_on) == (1, date(2026, 11, 23), date(2026, 11, 30))
    assert (second.sequence, second.not_before, second.due_on) == (2, date(2026, 12, 23), date(2026, 12, 30))
    assert rows(register(people)) == []  # an open case has none


def test_recorded_once_from_its_first_day_and_a_recurrence_is_told(people):
    case_id = closed_case(people)
    first, second = rows(case_id)
    record(people.inspector, first.id)
    with pytest.raises(Conflict):
        record(people.project_team, first.id)  # once
    with pytest.raises(Conflict):
        record(people.inspector, second.id)  # not before a month has passed
    clock.set(clock.now() + timedelta(days=31))
    with pytest.raises(ValidationFailed) as caught:
        record(people.inspector, second.id, "recurred", " ")
    assert set(caught.value.fields) == {"notes"}
    record(people.inspector, second.id, "recurred", "配电柜前又堆放杂物")
    assert db.session.query(Notification).filter_by(kind="follow_up_recurred", user_id=people.bureau.id).count() == 1
    event = db.session.query(AuditEvent).filter_by(case_id=case_id, action="follow_up_recorded") \
        .order_by(AuditEvent.id.desc()).first()
    assert event.changes["result"] == [None, "recurred"] and event.details["sequence"] == 2


def test_who_records_and_who_sees(people):
    case_id = closed_case(people)
    first = rows(case_id)[0]
    for who in ("ent_a", "bureau", "expert"):
        with pytest.raises(NotAllowed):
            record(people[who], first.id)
    with pytest.raises(NotFound):
        record(people.inspector, 99999)
    with pytest.raises(ValidationFailed) as caught:
        record(people.inspector, first.id, "nonsense")
    assert set(caught.value.fields) == {"result"}
    assert followups.listing(db.session, people.ent_b, followups.FollowUpFilter(state="all"))[1] == 0
    assert followups.listing(db.session, people.ent_a, followups.FollowUpFilter(state="all"))[1] == 2


def test_states_and_overdue_urging(people):
    case_id = closed_case(people)
    first, second = rows(case_id)

    def ids(state):
        return [r.id for r in followups.listing(db.session, people.project_lead, followups.FollowUpFilter(state))[0]]
    assert ids("due") == [first.id] and ids("upcoming") == [second.id] and ids("overdue") == []
    assert jobs.urge_followups() == 0
    clock.set(clock.now() + timedelta(days=8))
    assert ids("overdue") == [first.id]
    assert jobs.urge_followups() == 1 and jobs.urge_followups() == 1
    assert db.session.query(Notification).filter_by(kind="follow_up_overdue",
                                                    user_id=people.project_lead.id).count() == 1
    record(people.project_team, first.id)
    assert ids("done") == [first.id] and ids("overdue") == []


# ---- the pages and the API ----------------------------------------------------------------------------------
def test_record_through_the_pages(people, login, client):
    case_id = closed_case(people)
    first = rows(case_id)[0]
    inspector = login("inspector")
    listing = text(inspector.get("/followups"))
    assert f"/followups/{first.id}/record" in listing
    assert f"/followups/{first.id}/record" in text(inspector.get(f"/cases/{case_id}"))
    bad = inspector.post(f"/followups/{first.id}/record", data={"result": "recurred", "notes": ""})
    assert bad.status_code == 400 and 'id="err-notes"' in text(bad) and 'value="recurred" checked' in text(bad)
    done = inspector.post(f"/followups/{first.id}/record", data={"result": "held", "notes": "现场整洁"})
    assert done.status_code == 302
    assert "整改效果保持" in text(login("ent_a").get(f"/cases/{case_id}"))
    again = inspector.post(f"/followups/{first.id}/record", data={"result": "held"})
    assert again.status_code == 409 and "已经登记" in text(again)  # said, not recorded twice
    assert login("ent_b").get(f"/followups/{first.id}/record").status_code == 404
    assert login("bureau").get(f"/followups/{first.id}/record").status_code == 403
    assert client.get("/followups").status_code == 302


def test_the_api(api, people):
    case_id = closed_case(people)
    first = rows(case_id)[0]
    items = api("bureau").get(f"/api/v1/hazards/{case_id}/followups").get_json()["items"]
    assert [(i["sequence"], i["due_on"], i["result"]) for i in items] == [(1, "2026-11-30", None),
                                                                          (2, "2026-12-30", None)]
    assert api("ent_b").get(f"/api/v1/hazards/{case_id}/followups").status_code == 404
    assert api("ent_a").post(f"/api/v1/followups/{first.id}", json={"result": "held"}).status_code == 403
    assert api("inspector").post(f"/api/v1/followups/{first.id}", json={"result": "x"}).status_code == 400
    done = api("inspector").post(f"/api/v1/followups/{first.id}", json={"result": "held", "notes": "良好"})
    assert done.status_code == 200 and done.get_json()["done_by"] == "inspector"
    assert api("inspector").post(f"/api/v1/followups/{first.id}", json={"result": "held"}).status_code == 409
    assert db.session.query(CaseFollowUp).filter(CaseFollowUp.result.isnot(None)).count() == 1
