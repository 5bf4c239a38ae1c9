"""Liaison officers and the contact log through the services: assignments and their history, contacts with their
commitments (kept / broken), the weekly gap rule at its boundaries, the weekly notice job, and the facts of the
non-cooperation report. From outside: tests/test_liaison_web.py."""
from datetime import date, datetime, timedelta

import pytest

from app.clock import SHANGHAI, clock
from app.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from app.models import (AuditEvent, ContactCommitment, CooperationScore, LiaisonAssignment, Notification)
from app.services import contact_log, liaison_weeks, liaisons, noncooperation
from app.services.uow import UnitOfWork
from tests.liaison_support import assign, contact

WEEK_47 = date(2026, 11, 16)  # the ISO week before the tests' Monday, 2026-11-23


def settle(user, commitment_id, outcome, note=""):
    with UnitOfWork() as uow:
        contact_log.settle(uow, db.session.get(type(user), user.id), commitment_id, outcome, note)
        uow.commit()


def notify():
    with UnitOfWork() as uow:
        told = liaison_weeks.notify_gaps(uow)
        uow.commit()
        return told


def test_assignments_keep_their_history_and_are_audited(people):
    clock.set(datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI))
    first = assign(people.project_lead, people.enterprise_a, people.project_team, "新签约企业")
    with pytest.raises(Conflict):
        assign(people.project_lead, people.enterprise_a, people.project_team)
    clock.advance(days=3)
    second = assign(people.project_lead, people.enterprise_a, people.inspector, "人员调整")
    history = liaisons.history(db.session, people.enterprise_a.id)
    assert [r.id for r in history] == [second, first] and history[1].ended_at == clock.now()
    assert liaisons.current(db.session, people.enterprise_a.id).liaison_id == people.inspector.id
    events = db.session.query(AuditEvent).filter_by(action="liaison_assigned").order_by(AuditEvent.id).all()
    assert [e.changes["liaison"] for e in events] == [[None, "project_team"], ["project_team", "inspector"]]
    assert events[0].subject_type == "enterprise" and events[0].subject_id == people.enterprise_a.id
    assert db.session.query(Notification).filter_by(kind="liaison_assigned", user_id=people.inspector.id).count() == 1
    with UnitOfWork() as uow:
        liaisons.release(uow, db.session.get(type(people.project_lead), people.project_lead.id),
                         people.enterprise_a.id)
        uow.commit()
    assert liaisons.current(db.session, people.enterprise_a.id) is None
    assert db.session.query(LiaisonAssignment).count() == 2


def test_only_project_leads_assign_and_only_staff_of_the_liaison_roles(people):
    with pytest.raises(NotAllowed):
        assign(people.project_team, people.enterprise_a, people.project_team)
    with pytest.raises(ValidationFailed) as refused:
        assign(people.project_lead, people.enterprise_a, people.bureau)
    assert set(refused.value.fields) == {"liaison_id"}
    with pytest.raises(ValidationFailed):
        assign(people.project_lead, people.enterprise_a, people.ent_a)


def test_a_contact_with_commitments_and_their_settling(people):
    entry = contact(people.project_team, people.enterprise_a, commitment_0="11月30日前完成储罐区防雷检测",
                    commitment_due_0="2026-11-30", commitment_1="补齐动火作业票", commitment_due_1="2026-11-25",
                    follow_up="12月1日现场复核")
    rows = db.session.query(ContactCommitment).order_by(ContactCommitment.id).all()
    assert [(c.entry_id, c.due_on, c.status) for c in rows] == [(entry, date(2026, 11, 30), "open"),
                                                                (entry, date(2026, 11, 25), "open")]
    with pytest.raises(ValidationFailed) as refused:
        settle(people.project_team, rows[0].id, "broken")
    assert set(refused.value.fields) == {"note"}  # a broken one says what happened
    settle(people.project_team, rows[0].id, "kept")
    settle(people.inspector, rows[1].id, "broken", "到期未补齐，企业称负责人出差")
    with pytest.raises(Conflict):
        settle(people.inspector, rows[1].id, "kept")
    with pytest.raises(NotAllowed):
        settle(people.bureau, rows[1].id, "kept")
    with pytest.raises(NotFound):
        settle(people.project_team, 99999, "kept")
    event = db.session.query(AuditEvent).filter_by(action="commitment_settled").order_by(AuditEvent.id).all()[-1]
    assert event.changes["commitment_status"] == ["open", "broken"]
    recorded = db.session.query(AuditEvent).filter_by(action="contact_recorded").one()
    assert recorded.changes["commitments"][1] == ["2026-11-30 11月30日前完成储罐区防雷检测", "2026-11-25 补齐动火作业票"]


def test_bad_contacts_name_each_field(people):
    with pytest.raises(ValidationFailed) as refused:
        contact(people.project_team, people.enterprise_a, contacted_at="2026-11-23T10:00", way="fax", counterpart="",
                content=" ", commitment_0="整改", commitment_due_1="2026-12-01", commitment_2="x",
                commitment_due_2="2026-11-01")
    assert set(refused.value.fields) == {"contacted_at", "way", "counterpart", "content", "commitment_due_0",
                                         "commitment_1", "commitment_due_2"}
    with pytest.raises(ValidationFailed) as refused:
        contact(people.project_team, people.enterprise_a, contacted_at="yesterday")
    assert set(refused.value.fields) == {"contacted_at"}
    with pytest.raises(NotAllowed):
        contact(people.bureau, people.enterprise_a)


def test_the_weekly_gaps_at_the_week_boundaries(people, make_enterprise):
    clock.set(datetime(2026, 11, 1, 9, 0, tzinfo=SHANGHAI))
    third = make_enterprise("丙食品厂")
    for enterprise in (people.enterprise_a, people.enterprise_b, third):
        assign(people.project_lead, enterprise, people.project_team)
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI))
    # Week 47 runs from Monday 16 November 00:00 to Monday 23 November 00:00, Shanghai time.
    contact(people.inspector, people.enterprise_a, contacted_at="2026-11-16T00:00")  # its first moment: counts
    contact(people.project_team, people.enterprise_b, contacted_at="2026-11-15T23:59")  # week 46: does not
    contact(people.project_team, third, contacted_at="2026-11-23T00:00")  # week 48: does not
    assert liaison_weeks.last_complete_week() == WEEK_47
    assert [e.name for e, _a in liaison_weeks.gaps(db.session, WEEK_47)] == ["丙食品厂", "乙机械制造厂"]
    contact(people.project_team, third, contacted_at="2026-11-22T23:59")  # its last minute: counts
    assert [e.name for e, _a in liaison_weeks.gaps(db.session, WEEK_47)] == ["乙机械制造厂"]
    assert liaison_weeks.covered_count(db.session, WEEK_47) == 3


def test_a_liaison_who_came_during_the_week_is_not_counted_for_it(people):
    clock.set(datetime(2026, 11, 17, 9, 0, tzinfo=SHANGHAI))  # the Tuesday of week 47
    assign(people.project_lead, people.enterprise_a, people.project_team)
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI))
    assert liaison_weeks.gaps(db.session, WEEK_47) == []
    # the week in progress: those not contacted so far (what the page shows for the current week)
    assert [e.id for e, _a in liaison_weeks.gaps(db.session, WEEK_47 + timedelta(days=7))] == [people.enterprise_a.id]
    clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI))
    assert [e.id for e, _a in liaison_weeks.gaps(db.session, liaison_weeks.last_complete_week())] == \
        [people.enterprise_a.id]


def test_the_weekly_notice_goes_once_per_week_and_liaison(people):
    clock.set(datetime(2026, 11, 1, 9, 0, tzinfo=SHANGHAI))
    assign(people.project_lead, people.enterprise_a, people.project_team)
    assign(people.project_lead, people.enterprise_b, people.project_team)
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI))
    assert notify() == 1
    assert notify() == 0  # checked hourly: sent once
    notice = db.session.query(Notification).filter_by(kind="liaison_week_gap").one()
    assert notice.user_id == people.project_team.id and "2026-W47" in notice.title
    assert "甲化工有限公司" in notice.body and "乙机械制造厂" in notice.body
    clock.advance(days=7)  # the next week: a new notice
    assert notify() == 1
    assert db.session.query(AuditEvent).filter_by(action="liaison_gaps_notified").count() == 2


def test_the_week_is_read_from_its_iso_label():
    assert liaison_weeks.parse_week("2026-W47") == WEEK_47 and liaison_weeks.parse_week("") is None
    assert liaison_weeks.week_label(date(2026, 1, 1)) == "2026-W01"
    for bad in ("2026-47", "2026-W54", "x"):
        with pytest.raises(ValidationFailed):
            liaison_weeks.parse_week(bad)


def test_the_report_draws_its_facts_from_the_log_and_the_scores(people):
    assign(people.project_lead, people.enterprise_a, people.project_team)
    contact(people.project_team, people.enterprise_a, contacted_at="2026-11-02T10:00", refused=True,
            content="企业拒绝安排人员陪同排查", commitment_0="下周安排陪同", commitment_due_0="2026-11-09")
    contact(people.project_team, people.enterprise_a, contacted_at="2026-11-10T10:00",
            commitment_0="完成防雷检测", commitment_due_0="2026-11-20")
    broken = db.session.query(ContactCommitment).order_by(ContactCommitment.id).first()
    settle(people.project_team, broken.id, "broken", "仍未安排")
    for month in (date(2026, 9, 1), date(2026, 10, 1)):
        db.session.add(CooperationScore(enterprise_id=people.enterprise_a.id, month=month, score=50,
                                        cooperation_class="C", rank=2, profile_score=10, feedback_score=10,
                                        rectification_score=30, factors={}, computed_at=clock.now()))
    db.session.commit()
    user = db.session.get(type(people.bureau), people.bureau.id)
    since, until = noncooperation.period("", "")
    assert (until - since).days == 180 and until == date(2026, 11, 23)
    report = noncooperation.build(db.session, user, people.enterprise_a.id, since, until)
    assert report.contacts == 2 and [c.text for c in report.broken] == ["下周安排陪同"]
    assert [c.text for c in report.lapsed] == ["完成防雷检测"]  # past its day, not settled
    assert len(report.refusals) == 1 and [s.month.month for s in report.c_months] == [9, 10]
    assert noncooperation.suggestions(report) == ["enforcement", "interview"]
    quiet = noncooperation.build(db.session, user, people.enterprise_b.id, since, until)
    assert quiet.findings == 0 and noncooperation.suggestions(quiet) == ["none"]
    with pytest.raises(ValidationFailed):
        noncooperation.period("2026-12-01", "2026-11-01")
    with pytest.raises(NotAllowed):
        noncooperation.build(db.session, db.session.get(type(people.ent_a), people.ent_a.id),
                             people.enterprise_a.id, since, until)
