"""Stop-work orders and the resumption of production (复工复产验收, services/stop_work.py, services/resumption.py):
the order made when the diagram's stop-work order task is completed, by hand, or from an enforcement decision; the
enterprise's application and its rules; the bureau's acceptance lifting the order or not; the overdue answer."""
from datetime import datetime

import pytest

from app.clock import SHANGHAI, clock
from app.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, HazardCase, Notification, ResumptionApplication, StopWorkOrder
from app.services import resumption, stop_work
from app.services.uow import UnitOfWork
from scheduler import jobs
from tests.enforcement_support import DECIDED, FILED, referral, step
from tests.resumption_support import AGREED, APPLICATION, REFUSED, apply, by_hand, decide, photo, stopped_case
from tests.test_lifecycle_service import ASSIGN, complete, open_tasks, rectify_data, register


def test_completing_the_stop_work_task_stops_the_enterprise(people):
    case_id, order = stopped_case(people, rectified=False)
    assert order.source == "task" and order.status == "active" and order.enterprise_id == people.enterprise_a.id
    assert order.order_number == "停-2026-001" and order.scope == "反应釜区"
    assert order.effective_at == datetime(2026, 11, 23, 10, tzinfo=SHANGHAI)
    assert stop_work.stopped_enterprise_ids(db.session) == {people.enterprise_a.id}
    assert stop_work.stopped_enterprise_ids(db.session, people.ent_b) == set()
    event = db.session.query(AuditEvent).filter_by(action="stop_work_recorded").one()
    assert event.subject_type == "stop_work" and event.changes["status"] == [None, "active"]
    told = db.session.query(Notification).filter_by(kind="stop_work_recorded").all()
    assert [n.user_id for n in told] == [people.ent_a.id]


def test_an_application_waits_for_the_cases_to_pass_rectification(people):
    case_id, order = stopped_case(people, rectified=False)
    with pytest.raises(Conflict) as caught:
        apply(people.ent_a, people.enterprise_a.id)
    assert "YH-" in caught.value.message
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    complete(people.ent_a, open_tasks(case_id)["rectification"], rectify_data(people.ent_a))
    row = apply(people.ent_a, people.enterprise_a.id, files=[photo(people.ent_a)])
    assert row.status == "pending" and row.case_ids == [case_id] and len(row.attachments) == 1
    # 5 working days after Monday 2026-11-23 09:00 is Monday 2026-11-30 09:00
    assert row.answer_due == datetime(2026, 11, 30, 9, tzinfo=SHANGHAI)
    with pytest.raises(Conflict):  # one pending at a time
        apply(people.ent_a, people.enterprise_a.id)
    assert [n.user_id for n in db.session.query(Notification).filter_by(kind="resumption_applied")] == [
        people.bureau.id]


def test_another_open_major_case_blocks_the_application(people):
    stopped_case(people)
    other = register(people, score=60)  # 重大, awaiting assignment
    with pytest.raises(Conflict) as caught:
        apply(people.ent_a, people.enterprise_a.id)
    code = db.session.get(HazardCase, other).code
    assert code in caught.value.message


def test_who_may_apply_and_bad_input(people):
    stopped_case(people)
    with pytest.raises(NotFound):
        apply(people.ent_b, people.enterprise_a.id)
    with pytest.raises(NotAllowed):
        apply(people.bureau, people.enterprise_a.id)
    with pytest.raises(Conflict):  # B is not stopped
        apply(people.ent_b, people.enterprise_b.id)
    with pytest.raises(ValidationFailed) as caught:
        apply(people.ent_a, people.enterprise_a.id, {"measures": "", "self_check": "x" * 5000, "case_ids": ["abc"]})
    assert set(caught.value.fields) == {"measures", "self_check", "case_ids"}
    other_case = register(people, enterprise=people.enterprise_b)
    with pytest.raises(ValidationFailed) as caught:
        apply(people.ent_a, people.enterprise_a.id, {**APPLICATION, "case_ids": [other_case]})
    assert set(caught.value.fields) == {"case_ids"}


def test_a_refusal_then_an_agreement_lifts_the_order(people, make_user):
    case_id, order = stopped_case(people)
    first = apply(people.ent_a, people.enterprise_a.id)
    clock.advance(days=1)
    with pytest.raises(NotAllowed):
        decide(people.expert, first.id, REFUSED)
    with pytest.raises(NotAllowed):
        decide(people.admin, first.id, REFUSED)
    with pytest.raises(NotFound):
        decide(people.bureau, 999999, REFUSED)
    with pytest.raises(ValidationFailed) as caught:
        decide(people.bureau, first.id, {"conclusion": "refused", "inspected_on": "2026-11-30", "participants": "",
                                         "findings": "x", "expert_ids": [people.inspector.id]})
    assert set(caught.value.fields) == {"inspected_on", "participants", "requirements", "next_date", "expert_ids"}
    refused = decide(people.bureau, first.id, {**REFUSED, "expert_ids": [people.expert.id]})
    assert refused.status == "refused" and refused.expert_ids == [people.expert.id]
    assert db.session.get(StopWorkOrder, order.id).status == "active"
    with pytest.raises(Conflict):
        decide(people.bureau, first.id, AGREED)
    second = apply(people.ent_a, people.enterprise_a.id, {**APPLICATION, "measures": "旁路联锁已恢复"})
    clock.advance(days=1)
    agreed = decide(people.bureau, second.id, {**AGREED, "inspected_on": "2026-11-25"})
    assert agreed.status == "agreed"
    db.session.expire_all()
    order = db.session.get(StopWorkOrder, order.id)
    assert order.status == "lifted" and order.ended_by_id == people.bureau.id
    assert [a.status for a in order.applications] == ["refused", "agreed"]  # the history stays
    assert stop_work.stopped_enterprise_ids(db.session) == set()
    with pytest.raises(Conflict):  # no longer stopped
        apply(people.ent_a, people.enterprise_a.id)
    actions = [e.action for e in resumption.history(db.session, order.id)]
    assert actions == ["stop_work_recorded", "resumption_applied", "resumption_decided", "resumption_applied",
                       "resumption_decided", "stop_work_lifted"]


def test_the_bureau_records_a_stop_by_hand_and_withdraws_it(people):
    with pytest.raises(NotAllowed):
        by_hand(people.project_lead, people.enterprise_b.id)
    with pytest.raises(ValidationFailed) as caught:
        by_hand(people.bureau, people.enterprise_b.id, reason="", effective_at="2027-01-01T00:00")
    assert set(caught.value.fields) == {"reason", "effective_at"}
    order = by_hand(people.bureau, people.enterprise_b.id)
    assert order.source == "manual" and order.case_id is None
    row = apply(people.ent_b, people.enterprise_b.id)  # no case of B is open: it may apply
    with UnitOfWork() as uow, pytest.raises(Conflict):
        stop_work.withdraw(uow, people.bureau, order.id, "登记错误")
    decide(people.bureau, row.id, {**REFUSED, "inspected_on": "2026-11-23"})
    with UnitOfWork() as uow:
        stop_work.withdraw(uow, people.bureau, order.id, "登记错误")
        uow.commit()
    assert db.session.get(StopWorkOrder, order.id).status == "withdrawn"


def test_an_enforcement_decision_with_suspension_makes_an_order_once(people):
    referral_id = referral(people)
    clock.advance(days=7)
    step(people.bureau, referral_id, "filing", FILED)
    step(people.bureau, referral_id, "decision", DECIDED)
    with UnitOfWork() as uow, pytest.raises(Conflict):  # a fine, no suspension
        stop_work.record_from_enforcement(uow, people.bureau, referral_id)
    step(people.bureau, referral_id, "decision", {**DECIDED, "measures": ["fine", "suspension"]})
    with UnitOfWork() as uow:
        order = stop_work.record_from_enforcement(uow, people.bureau, referral_id)
        uow.commit()
    assert order.source == "enforcement" and order.order_number == DECIDED["decision_number"]
    assert order.effective_at == datetime(2026, 11, 27, tzinfo=SHANGHAI)  # in force from the decision's day
    with UnitOfWork() as uow, pytest.raises(Conflict):
        stop_work.record_from_enforcement(uow, people.bureau, referral_id)


def test_an_overdue_answer_tells_the_bureau_once(people):
    stopped_case(people)
    row = apply(people.ent_a, people.enterprise_a.id)
    clock.advance(days=6)  # Sunday 11-29: not due before Monday 11-30 09:00
    assert jobs.urge_resumption_decisions() == 0
    clock.advance(days=1, hours=1)
    assert jobs.urge_resumption_decisions() == 1 and jobs.urge_resumption_decisions() == 0
    assert db.session.get(ResumptionApplication, row.id).urged_at is not None
    assert [n.user_id for n in db.session.query(Notification).filter_by(kind="resumption_overdue")] == [
        people.bureau.id]
