"""Referrals to other departments (跨部门移送 / 抄告), through the services: the department register, referring a case to
several departments (one referral each, reply due in working days), replies, closing, the steps out of order (409),
who may do what, and the overdue urge of the scheduler job with a moved clock."""
from datetime import timedelta

import pytest

from app.clock import SHANGHAI, clock
from app.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, CaseReferral, Department, HazardCase, JointMeeting, Notification
from app.services import departments, joint_meetings, referrals
from app.services.uow import UnitOfWork
from scheduler import jobs
from tests.referral_support import close, department, refer, reply
from tests.test_lifecycle_service import register


def notices(user, kind):
    return db.session.query(Notification).filter_by(user_id=user.id, kind=kind).count()


def test_a_case_referred_to_two_departments_replied_and_closed(people):
    case_id = register(people)  # Monday 2026-11-23 09:00
    market, fire = department(people.bureau), department(people.bureau, "县消防救援大队", "fire")
    first, second = refer(people.bureau, case_id, [market, fire], reply_days=5)
    rows = {r.id: r for r in db.session.query(CaseReferral).order_by(CaseReferral.id)}
    assert {rows[first].department_id, rows[second].department_id} == {market, fire}
    row = rows[first]
    assert row.number == f"YS-2026-{first:04d}" and row.status == "sent" and row.reply_days == 5
    assert row.reply_due.astimezone(SHANGHAI).isoformat() == "2026-11-30T09:00:00+08:00"  # 5 working days
    reply(people.bureau, first, outcome="accepted", text="已受理")
    reply(people.bureau, first, outcome="handled")
    db.session.expire_all()
    row = db.session.get(CaseReferral, first)
    assert row.status == "replied" and [r.outcome for r in row.replies] == ["accepted", "handled"]
    close(people.bureau, first)
    db.session.expire_all()
    row = db.session.get(CaseReferral, first)
    assert row.status == "closed" and row.closed_by_id == people.bureau.id and row.close_note == "部门已处理完毕"
    assert db.session.get(HazardCase, case_id).status == "assigning"  # the case's process is untouched
    actions = [e.action for e in db.session.query(AuditEvent).filter_by(case_id=case_id).order_by(AuditEvent.id)]
    assert actions[-5:] == ["case_referred", "case_referred", "referral_replied", "referral_replied",
                            "referral_closed"]
    assert db.session.get(CaseReferral, second).status == "sent"


def test_steps_out_of_order_are_409(people):
    case_id = register(people)
    market = department(people.bureau)
    (referral_id,) = refer(people.bureau, case_id, [market])
    with pytest.raises(Conflict):
        refer(people.bureau, case_id, [market])  # an open referral to the same department
    with pytest.raises(Conflict):
        close(people.bureau, referral_id)  # no reply yet
    reply(people.bureau, referral_id)
    close(people.bureau, referral_id)
    with pytest.raises(Conflict):
        close(people.bureau, referral_id)  # closed already
    with pytest.raises(Conflict):
        reply(people.bureau, referral_id)  # no replies after closing
    refer(people.bureau, case_id, [market])  # closed: the department may get the case again
    db.session.get(HazardCase, case_id).status = "closed"
    db.session.commit()
    with pytest.raises(Conflict):
        refer(people.bureau, case_id, [department(people.bureau, "县住建局", "housing")])


def test_who_may_refer_reply_and_keep_the_register(people):
    case_id = register(people)
    market = department(people.admin)
    for who in ("project_lead", "inspector", "ent_a", "manager"):
        with pytest.raises(NotAllowed):
            refer(people[who], case_id, [market])
        with pytest.raises(NotAllowed):
            department(people[who], name=f"{who}部门")
    with pytest.raises(NotFound):
        refer(people.ent_b, case_id, [market])  # another enterprise's case is not there
    (referral_id,) = refer(people.admin, case_id, [market])
    with pytest.raises(NotAllowed):
        reply(people.project_lead, referral_id)
    with pytest.raises(NotFound):
        reply(people.ent_b, referral_id)
    with pytest.raises(NotFound):
        referrals.get_details(db.session, people.ent_a, referral_id)  # the enterprise: no details
    assert referrals.get_visible(db.session, people.ent_a, referral_id).id == referral_id
    assert referrals.listing(db.session, people.ent_b, referrals.ReferralFilter())[1] == 0


@pytest.mark.parametrize("form, wrong", [
    ({"department_ids": []}, {"department_ids"}),
    ({"department_ids": [99999]}, {"department_ids"}),
    ({"kind": "x", "request": "y"}, {"kind", "request"}),
    ({"reason": " "}, {"reason"}),
    ({"reply_days": 0}, {"reply_days"}),
    ({"reply_days": "61"}, {"reply_days"}),
    ({"internal_note": "x" * 2001}, {"internal_note"}),
])
def test_bad_referrals_name_their_fields_and_store_nothing(people, form, wrong):
    case_id = register(people)
    market = department(people.bureau)
    values = {"department_ids": [market], **form}
    ids = values.pop("department_ids")
    with pytest.raises(ValidationFailed) as caught:
        refer(people.bureau, case_id, ids, **values)
    assert set(caught.value.fields) == wrong
    assert db.session.query(CaseReferral).count() == 0


def test_an_inactive_department_is_not_offered_and_names_are_unique(people):
    market = department(people.bureau)
    with pytest.raises(Conflict):
        department(people.bureau)  # the same name
    with pytest.raises(ValidationFailed) as caught:
        department(people.bureau, name="x", kind="nope", email="not-an-email")
    assert set(caught.value.fields) == {"kind", "email"}
    with UnitOfWork() as uow:
        departments.save(uow, people.bureau, {"name": "县市场监督管理局", "kind": "market", "active": False}, market)
        uow.commit()
    assert departments.listing(db.session, active_only=True) == []
    case_id = register(people)
    with pytest.raises(ValidationFailed):
        refer(people.bureau, case_id, [market])


def test_bad_replies(people):
    case_id = register(people)
    (referral_id,) = refer(people.bureau, case_id, [department(people.bureau)])
    with pytest.raises(ValidationFailed) as caught:
        reply(people.bureau, referral_id, outcome="maybe", text="", received_on="2026-11-20")  # before referring
    assert set(caught.value.fields) == {"outcome", "text", "received_on"}
    with pytest.raises(ValidationFailed) as caught:
        reply(people.bureau, referral_id, received_on="2026-11-24")  # tomorrow
    assert set(caught.value.fields) == {"received_on"}
    with pytest.raises(ValidationFailed) as caught:
        reply(people.bureau, referral_id, received_on="2026-11-23", files=["nope"])
    assert set(caught.value.fields) == {"files"}


def test_overdue_referrals_urge_the_bureau_once(people):
    case_id = register(people)
    market = department(people.bureau)
    (referral_id,) = refer(people.bureau, case_id, [market], reply_days=3)
    (answered,) = refer(people.bureau, case_id, [department(people.bureau, "县住建局", "housing")], reply_days=3)
    reply(people.bureau, answered, received_on="2026-11-23")
    assert jobs.urge_referrals() == 0
    clock.set(clock.now() + timedelta(days=3, hours=1))  # Thursday 10:00, past Thursday 09:00
    rows, total = referrals.listing(db.session, people.bureau, referrals.ReferralFilter(overdue=True))
    assert [r.id for r in rows] == [referral_id] and total == 1
    assert jobs.urge_referrals() == 1 and jobs.urge_referrals() == 0  # once
    assert notices(people.bureau, "referral_overdue") == 1 and notices(people.project_lead, "referral_overdue") == 0
    assert db.session.get(CaseReferral, referral_id).urged_at is not None
    reply(people.bureau, referral_id, received_on="2026-11-26")
    assert referrals.listing(db.session, people.bureau, referrals.ReferralFilter(overdue=True))[1] == 0


def test_a_joint_meeting_is_recorded_with_its_referrals(people):
    case_id = register(people)
    market, fire = department(people.bureau), department(people.bureau, "县消防救援大队", "fire")
    ids = refer(people.bureau, case_id, [market, fire])
    form = {"held_on": "2026-11-23", "place": "县应急管理局三楼会议室", "department_ids": [market, fire],
            "referral_ids": ids, "minutes": "三部门会商压力容器处置", "decisions": "市场监管局负责检验，应急局督促整改"}
    with UnitOfWork() as uow:
        joint_meetings.record(uow, people.bureau, case_id, form)
        uow.commit()
    meeting = db.session.query(JointMeeting).one()
    assert meeting.department_ids == sorted([market, fire]) and meeting.referral_ids == sorted(ids)
    assert joint_meetings.for_case(db.session, people.ent_a, case_id) == []  # not the enterprise's to read
    other_case = register(people)
    with pytest.raises(ValidationFailed) as caught, UnitOfWork() as uow:
        joint_meetings.record(uow, people.bureau, other_case, {**form, "held_on": "2026-12-01", "minutes": ""})
    assert set(caught.value.fields) == {"held_on", "minutes", "referral_ids"}
    with pytest.raises(NotAllowed), UnitOfWork() as uow:
        joint_meetings.record(uow, people.project_lead, case_id, form)
    assert db.session.query(Department).count() == 2


def test_the_demo_refers_a_pressure_vessel_to_the_market_regulator_with_its_reply(app):
    assert app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"]).exit_code == 0
    vessel, warehouse = db.session.query(CaseReferral).order_by(CaseReferral.id).all()
    assert vessel.department.name == "县市场监督管理局" and vessel.case.hazard_type == "special_equipment"
    assert vessel.status == "replied" and vessel.replies[0].outcome == "handled"
    assert warehouse.kind == "copy" and referrals.is_overdue(warehouse)
    assert db.session.query(Department).count() == 6
