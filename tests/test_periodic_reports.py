"""Periodic reports to the bureau (定期报告) in the services: figures frozen at issuing, the due moments with the working
calendar (a holiday moves them), the owed list and its daily reminder sent once, the sign / return / revise loop with
its versions and audit rows, what a writer must give, and who may do what."""
from datetime import date, datetime

import pytest

from app.clock import SHANGHAI, clock
from app.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, Enterprise, HazardCase, Notification, PeriodicReport, TypicalCase
from app.services import periodic_report_due as due, periodic_reports
from app.services.uow import UnitOfWork
from tests.periodic_report_support import (MONTHLY_TEXT, WEEKLY_TEXT, create, issue, november, project,
                                           return_, sign, update)


def at(*parts):
    return datetime(*parts, tzinfo=SHANGHAI)


def test_the_figures_are_frozen_when_issued_and_later_changes_do_not_reach_them(people):
    cases, entry = november(people)
    report_id = create(people.project_lead, typical_case_ids=[entry], issue=True)
    report = db.session.get(PeriodicReport, report_id)
    frozen = report.latest.facts
    assert frozen["totals"]["registered"] == 2 and frozen["totals"]["closed"] == 1
    assert frozen["activity"]["closed"] == 1 and frozen["activity"]["open_overdue"] == 0  # due on 2 December
    assert frozen["coverage"]["industries"][0] == ["化工（危险化学品）行业", 1, 1]
    assert frozen["coverage"]["industries"][-1] == ["其他行业", 0, 1]
    assert frozen["effectiveness"]["returned"] == 1 and frozen["typical_cases"][0]["title"] == "接地不规范反复整改"
    # Later: the overdue case closed, the enterprise moved to another industry, the library entry edited.
    db.session.query(HazardCase).filter_by(id=cases["overdue"]).update({"status": "closed", "closed_at": clock.now()})
    db.session.query(Enterprise).filter_by(id=people.enterprise_a.id).update({"industry": "机械"})
    db.session.query(TypicalCase).filter_by(id=entry).update({"title": "改过的标题"})
    db.session.commit()
    db.session.expire_all()
    report = db.session.get(PeriodicReport, report_id)
    assert report.latest.facts == frozen
    assert periodic_reports.facts(db.session, report, report.latest) == frozen
    live = periodic_reports.facts(db.session, report, None)  # what a revision would show now
    assert live["totals"]["closed"] == 2 and live["typical_cases"][0]["title"] == "改过的标题"
    assert live["coverage"]["industries"] == [["其他行业", 1, 2]]


@pytest.mark.parametrize("kind, start, end, due_at, label", [
    ("weekly", date(2026, 11, 16), date(2026, 11, 22), at(2026, 11, 23, 12), "2026-11-23 12:00"),
    # 国庆: Monday 5 October 2026 is a holiday, the first working day after the week is Thursday the 8th
    ("weekly", date(2026, 9, 28), date(2026, 10, 4), at(2026, 10, 8, 12), "2026-10-08 12:00"),
    # December 2026: 1, 2, 3, 4, 7 — the fifth working day is Monday the 7th, due by its end
    ("monthly", date(2026, 11, 1), date(2026, 11, 30), at(2026, 12, 8), "2026-12-07"),
    # October 2026: 1–7 holidays, the 10th a make-up Saturday: 8, 9, 10, 12, 13
    ("monthly", date(2026, 9, 1), date(2026, 9, 30), at(2026, 10, 14), "2026-10-13"),
])
def test_due_moments_follow_the_working_calendar(app, kind, start, end, due_at, label):
    moment = due.due_at(kind, start, end)
    assert moment == due_at and due.due_label(kind, moment) == label
    assert due.due_at("phase", start, end) is None and due.due_at("annual", start, end) is None


def test_the_owed_list_follows_the_service_projects_and_the_clock(people):
    project(people, start=date(2026, 9, 1), end=date(2026, 10, 31))
    clock.set(at(2026, 10, 13, 9))  # the fifth working day of October, before September's report is due
    rows = due.owed(db.session)
    assert [(o.kind, o.start.isoformat()) for o in rows if o.kind == "monthly"] == [("monthly", "2026-09-01")]
    september = next(o for o in rows if o.kind == "monthly")
    assert september.state() == "not_due" and september.due_label == "2026-10-13"
    weeks = [o for o in rows if o.kind == "weekly"]
    assert weeks[-1].start == date(2026, 8, 31) and weeks[0].end == date(2026, 10, 11)  # the first overlaps 1 Sep
    holiday_week = next(o for o in weeks if o.start == date(2026, 9, 28))
    assert holiday_week.due_label == "2026-10-08 12:00" and holiday_week.state() == "overdue"
    clock.set(at(2026, 10, 14, 0, 1))
    assert next(o for o in due.owed(db.session) if o.kind == "monthly").state() == "overdue"
    assert not due.owed(db.session, today=date(2026, 8, 1))  # before the project: nothing owed


def test_overdue_reports_are_reminded_once_each(people):
    project(people)  # from Monday 2 November
    clock.set(at(2026, 11, 23, 11, 59))  # the week of the 16th is due at noon
    with UnitOfWork() as uow:
        assert due.remind_overdue(uow) == 2  # the weeks of the 2nd and the 9th
        uow.commit()
    with UnitOfWork() as uow:
        assert due.remind_overdue(uow) == 0
        uow.commit()
    clock.set(at(2026, 11, 23, 12, 0))
    with UnitOfWork() as uow:
        assert due.remind_overdue(uow) == 1
        uow.commit()
    notices = db.session.query(Notification).filter_by(kind=due.REMINDER_KIND).all()
    assert len(notices) == 3 and {n.user_id for n in notices} == {people.project_lead.id}
    assert any("2026-11-16～2026-11-22" in n.title and "2026-11-23 12:00" in n.body for n in notices)
    # A report issued late still counts as submitted: no reminder for it; the next week's comes when due.
    clock.set(at(2026, 11, 24, 9))
    weekly = {"kind": "weekly", "period_start": "2026-11-16", "period_end": "2026-11-22"}
    create(people.project_lead, weekly, WEEKLY_TEXT, issue=True)
    row = next(o for o in due.owed(db.session) if o.start == date(2026, 11, 16))
    assert row.state() == "late" and row.report is not None
    clock.set(at(2026, 11, 30, 12, 0))
    with UnitOfWork() as uow:
        assert due.remind_overdue(uow) == 1  # the week of the 23rd only
        uow.commit()


def test_sign_return_and_revise_keep_every_version(people):
    november(people)
    report_id = create(people.project_lead, issue=True)
    bureau_notice = db.session.query(Notification).filter_by(user_id=people.bureau.id,
                                                             kind="periodic_report_issued").one()
    assert bureau_notice.dedup_key == f"periodic_report:{report_id}:issued:1"
    assert db.session.query(Notification).filter_by(user_id=people.manager.id, kind="periodic_report_issued").count()
    with pytest.raises(Conflict):
        update(people.project_lead, report_id, {"sections": MONTHLY_TEXT})  # waiting for the bureau
    return_(people.bureau, report_id, "请补充典型案例")
    assert db.session.query(Notification).filter_by(user_id=people.project_lead.id,
                                                    kind="periodic_report_returned").count() == 1
    with pytest.raises(Conflict):
        sign(people.manager, report_id)  # nothing waits for an answer now
    update(people.project_lead, report_id, {"sections": {**MONTHLY_TEXT, "summary": "修订后的总结"},
                                            "period_start": "2026-10-01", "period_end": "2026-10-31"})
    issue(people.project_lead, report_id)
    sign(people.manager, report_id)
    report = db.session.get(PeriodicReport, report_id)
    assert report.status == "signed" and report.versions_issued == 2
    first, second = report.versions
    assert first.return_comments == "请补充典型案例" and first.returned_by.id == people.bureau.id
    assert first.sections["summary"] == MONTHLY_TEXT["summary"] and second.sections["summary"] == "修订后的总结"
    assert second.signed_by.id == people.manager.id and first.signed_at is None
    assert report.period_start == date(2026, 11, 1)  # fixed once issued: the typed October was not taken
    assert report.first_issued_at == first.issued_at
    with pytest.raises(Conflict):
        sign(people.bureau, report_id)
    actions = [(e.action, e.changes) for e in db.session.query(AuditEvent).filter_by(
        subject_type="periodic_report", subject_id=report_id).order_by(AuditEvent.id)]
    assert [a for a, _ in actions] == ["periodic_report_drafted", "periodic_report_issued", "periodic_report_returned",
                                       "periodic_report_updated", "periodic_report_issued", "periodic_report_signed"]
    assert actions[2][1] == {"status": ["issued", "returned"]}
    assert actions[3][1]["sections"][0]["summary"] == MONTHLY_TEXT["summary"]
    assert actions[3][1]["sections"][1]["summary"] == "修订后的总结"
    assert actions[4][1] == {"status": ["returned", "issued"], "version": [1, 2]}


def test_what_a_writer_must_give(people):
    november(people)
    with pytest.raises(ValidationFailed) as refused:
        create(people.project_lead, {"kind": "weekly", "period_start": "2026-11-17", "period_end": "2026-11-23"})
    assert set(refused.value.fields) == {"period_start"}
    with pytest.raises(ValidationFailed) as refused:
        create(people.project_lead, {"kind": "monthly", "period_start": "2026-12-01", "period_end": "2026-12-31"})
    assert "period_end" in refused.value.fields  # not over yet
    with pytest.raises(ValidationFailed) as refused:
        create(people.project_lead, {"kind": "yearly"})
    assert set(refused.value.fields) == {"kind"}
    with pytest.raises(ValidationFailed) as refused:
        create(people.project_lead, typical_case_ids=[999], text={"summary": "x" * 8001})
    assert set(refused.value.fields) == {"typical_case_ids", "summary"}
    with pytest.raises(ValidationFailed) as refused:  # a draft may be partial; issuing needs every required section
        create(people.project_lead, text={"summary": "只写了总结"}, issue=True)
    assert set(refused.value.fields) == {"case_analysis", "effectiveness", "next_focus"}
    assert not db.session.query(PeriodicReport).count()
    draft = create(people.project_lead, text={"summary": "只写了总结"})
    with pytest.raises(Conflict):
        create(people.project_lead)  # November has its report: edit that one
    with pytest.raises(ValidationFailed):
        issue(people.project_lead, draft)


def test_who_may_do_what(people):
    november(people)
    report_id = create(people.project_lead, issue=True)
    for role in ("inspector", "project_team", "supervision", "expert", "quality", "admin", "process_owner"):
        with pytest.raises(NotAllowed):
            periodic_reports.get(db.session, people[role], report_id)
    for user in (people.ent_a, people.ent_b):
        with pytest.raises(NotFound):
            periodic_reports.get(db.session, user, report_id)
    for role in ("bureau", "manager"):
        with pytest.raises(NotAllowed):
            create(people[role], kind="phase", period_start="2026-11-01", period_end="2026-11-15")
    with pytest.raises(NotAllowed):
        sign(people.project_lead, report_id)  # the writer does not sign for their own report
    with pytest.raises(NotAllowed):
        return_(people.quality, report_id)
