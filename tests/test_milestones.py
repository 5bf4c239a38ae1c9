"""Rectification milestones and the three parties through the services, on the real engine and diagram: who may set
them and when, the deadline boundary, marking done, the late flag by the injected clock, the daily job told once,
and the audit's before → after."""
from datetime import timedelta

import pytest

from app.clock import clock
from app.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, CaseMilestone, Notification
from app.services import milestone_timeline, milestones
from app.services.uow import UnitOfWork
from scheduler import jobs
from tests.test_lifecycle_service import case_row, register
from tests.test_regrading import assigned


def add(user, case_id, **values):
    with UnitOfWork() as uow:
        row = milestones.add(uow, user, case_id, values)
        uow.commit()
        return row.id


def done(user, case_id, milestone_id, **values):
    with UnitOfWork() as uow:
        milestones.complete(uow, user, case_id, milestone_id, values)
        uow.commit()


def parties(user, case_id, **values):
    with UnitOfWork() as uow:
        milestones.set_parties(uow, user, case_id, values)
        uow.commit()


def last_day(case_id):
    return milestones.deadline_day(case_row(case_id))


def test_the_due_day_may_be_the_deadline_day_but_not_the_day_after(people):
    case_id = assigned(people)
    assert case_row(case_id).status == "rectifying"
    last = last_day(case_id)
    with pytest.raises(ValidationFailed) as late:
        add(people.project_lead, case_id, title="更换线路", due_on=(last + timedelta(days=1)).isoformat())
    assert set(late.value.fields) == {"due_on"}
    with pytest.raises(ValidationFailed) as empty:
        add(people.project_lead, case_id, title="", due_on="not a date")
    assert set(empty.value.fields) == {"title", "due_on"}
    with pytest.raises(ValidationFailed) as past:
        add(people.ent_a, case_id, title="x", due_on=(milestones.today() - timedelta(days=1)).isoformat())
    assert set(past.value.fields) == {"due_on"}
    mid = add(people.ent_a, case_id, title="更换线路", due_on=last.isoformat(), criterion="绝缘电阻合格")
    row = db.session.get(CaseMilestone, mid)
    assert row.due_on == last and row.criterion == "绝缘电阻合格" and row.created_by_id == people.ent_a.id
    event = db.session.query(AuditEvent).filter_by(case_id=case_id, action="milestone_added").one()
    assert event.changes["milestone"] == {"before": None, "after": {"title": "更换线路", "due_on": last.isoformat()}}


def test_who_may_set_milestones_and_when(people):
    fresh = register(people)  # not rectifying yet
    with pytest.raises(Conflict):
        add(people.project_lead, fresh, title="x", due_on=milestones.today().isoformat())
    case_id = assigned(people)
    day = milestones.today().isoformat()
    with pytest.raises(NotFound):
        add(people.ent_b, case_id, title="x", due_on=day)  # another enterprise's case: nothing to see
    with pytest.raises(NotAllowed):
        add(people.bureau, case_id, title="x", due_on=day)
    with pytest.raises(NotAllowed):
        parties(people.ent_a, case_id, responsible_name="陈")


def test_marking_done_and_the_late_flag_by_the_clock(people):
    case_id = assigned(people)
    due = milestones.today() + timedelta(days=1)
    mid = add(people.project_lead, case_id, title="拆除旧线", due_on=due.isoformat())
    row = db.session.get(CaseMilestone, mid)
    assert not milestones.is_late(row)
    clock.advance(days=1)
    assert not milestones.is_late(row)  # on its day: not late yet
    clock.advance(days=1)
    assert milestones.is_late(row)
    assert milestone_timeline.build(db.session, people.bureau, late_only=True).rows[0].case.id == case_id
    with pytest.raises(ValidationFailed) as future:
        done(people.ent_a, case_id, mid, done_on=(milestones.today() + timedelta(days=1)).isoformat())
    assert set(future.value.fields) == {"done_on"}
    done(people.ent_a, case_id, mid, done_on=milestones.today().isoformat(), done_note="已完成")
    db.session.expire_all()
    row = db.session.get(CaseMilestone, mid)
    assert row.done_on == milestones.today() and not milestones.is_late(row)
    with pytest.raises(Conflict):
        done(people.ent_a, case_id, mid, done_on=milestones.today().isoformat())
    event = db.session.query(AuditEvent).filter_by(case_id=case_id, action="milestone_done").one()
    assert event.details["late"] is True and event.changes["done_on"]["before"] is None


def test_the_daily_job_tells_each_late_milestone_once(people):
    case_id = assigned(people)
    parties(people.project_lead, case_id, supervisor_user_id=str(people.supervision.id), supervisor_phone="0571-1234")
    mid = add(people.project_lead, case_id, title="加装防护罩", due_on=milestones.today().isoformat())
    other = add(people.project_lead, case_id, title="培训", due_on=milestones.today().isoformat())
    done(people.ent_a, case_id, other, done_on=milestones.today().isoformat())
    assert jobs.notify_late_milestones() == 0  # on its day: not late
    clock.advance(days=1)
    assert jobs.notify_late_milestones() == 1
    assert jobs.notify_late_milestones() == 0  # idempotent
    told = {n.user_id for n in db.session.query(Notification).filter_by(kind="milestone_late")}
    assert told == {people.ent_a.id, people.project_lead.id, people.supervision.id}
    assert db.session.query(Notification).filter_by(kind="milestone_late").count() == 3
    assert db.session.get(CaseMilestone, mid).late_notified_at is not None


def test_parties_are_audited_before_and_after_and_an_unchanged_form_records_nothing(people):
    case_id = assigned(people)
    with pytest.raises(ValidationFailed) as wrong:
        parties(people.project_lead, case_id, responsible_phone="电话", supervisor_user_id=str(people.ent_b.id))
    assert set(wrong.value.fields) == {"responsible_phone", "supervisor_user_id"}
    parties(people.project_lead, case_id, responsible_name="陈", responsible_phone="13800000000")
    parties(people.project_lead, case_id, responsible_name="陈", responsible_phone="13800000000")
    parties(people.project_lead, case_id, responsible_name="王", responsible_phone="13800000000",
            supervisor_user_id=str(people.supervision.id))
    events = db.session.query(AuditEvent).filter_by(case_id=case_id, action="case_parties_set") \
        .order_by(AuditEvent.id).all()
    assert len(events) == 2
    assert events[1].changes["responsible_name"] == {"before": "陈", "after": "王"}
    assert events[1].changes["supervisor_name"] == {"before": "", "after": "supervision"}  # the user's name
    assert milestones.parties_of(db.session, case_id).supervisor_user_id == people.supervision.id
