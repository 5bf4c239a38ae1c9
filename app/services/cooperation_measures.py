"""What the monthly cooperation score (services/cooperation.py) measures, read from the records the system already
keeps: the enterprise register, the case history (the audit trail's `case_updated` rows say when each round's
rectification notice was issued, its deadline and when the rectification was submitted), the notice receipts and
the inspection visits' confirmations.

Each thing is counted in the month its time ran out: a notice in the month its day for signing ended, a visit in the
month its three days for confirming ended, a rectification in the month of its deadline. So the score computed on
the 1st never counts an enterprise late whose time is still running (a visit recorded on the 30th counts next month).
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import or_, select

from ..clock import start_of_local_day
from ..models import AuditEvent, Enterprise, HazardCase, InspectionVisit, NoticeReceipt
from .calendar import WorkingCalendar
from .verification_rounds import closures

# 资料完整性: the register's fields an enterprise is expected to keep filled (numbers count when above 0)
PROFILE_FIELDS = ("address", "township", "industry", "main_products", "employees", "safety_managers",
                  "special_workers", "main_risks", "contact_person", "contact_phone")
NOTICE_WORKING_DAYS = 1  # a round's rectification notice is signed for within 1 working day of its issue
# A visit's results are confirmed within 3 days of the enterprise receiving them: of its report's release after the
# final review (三级审核, services/visit_review.py) — the review's own time is not the enterprise's.
VISIT_CONFIRM_DAYS = 3
# A case closed this long before a month began had every round's deadline before it (30 working days, the longest
# period, and the Spring Festival stay well within it): older closed cases are not read.
ROUND_LOOKBACK_DAYS = 70
LISTED_LATE = 20  # late items named in a score's record (the counts are complete)


@dataclass
class Round:
    """One round of a case's rectification: the notice issued, its deadline as it last stood, the submission."""
    issued_at: datetime = None
    deadline: datetime = None
    submitted_at: datetime = None


@dataclass
class Measures:
    """An enterprise's month, counted: on time of all, and the late ones named."""
    filled: list = field(default_factory=list)
    missing: list = field(default_factory=list)
    notices: int = 0
    notices_on_time: int = 0
    late_notices: list = field(default_factory=list)  # "YH-2026-000012 第2轮"
    visits: int = 0
    visits_on_time: int = 0
    late_visits: list = field(default_factory=list)  # the visits' days
    rectifications: int = 0  # due in the month, or past their deadline and still owed when it began
    rectified_on_time: int = 0
    late_rectifications: list = field(default_factory=list)
    closed: int = 0
    closed_first_round: int = 0
    overdue_open: int = 0  # past the deadline, not rectified, not closed at the month's end
    overdue_cases: list = field(default_factory=list)


def month_bounds(month):
    """(first instant, first instant of the next month) of a month given by its first day, Shanghai time."""
    following = (month + timedelta(days=32)).replace(day=1)
    return start_of_local_day(month), start_of_local_day(following)


def measure_month(session, month):
    """{enterprise id: Measures} of every enterprise on the register for the month (its first day)."""
    start, end = month_bounds(month)
    measures = {}
    for enterprise in session.query(Enterprise).order_by(Enterprise.id):
        measures[enterprise.id] = found = Measures()
        for name in PROFILE_FIELDS:
            value = getattr(enterprise, name)
            (found.filled if (value > 0 if isinstance(value, int) else bool((value or "").strip()))
             else found.missing).append(name)
    _count_cases(session, measures, start, end)
    _count_visits(session, measures, start, end)
    return measures


def _count_cases(session, measures, start, end):
    relevant = (HazardCase.registered_at < end,
                or_(HazardCase.closed_at.is_(None),
                    HazardCase.closed_at >= start - timedelta(days=ROUND_LOOKBACK_DAYS)))
    cases = session.query(HazardCase.id, HazardCase.code, HazardCase.enterprise_id, HazardCase.closed_at) \
        .filter(*relevant).all()
    if not cases:
        return
    case_ids = select(HazardCase.id).where(*relevant)
    rounds = _rounds(session, case_ids, end)
    receipts = {(case_id, round_no): signed_at for case_id, round_no, signed_at in session.query(
        NoticeReceipt.case_id, NoticeReceipt.round, NoticeReceipt.signed_at)
        .filter(NoticeReceipt.case_id.in_(case_ids), NoticeReceipt.signed_at < end)}
    calendar = WorkingCalendar.load()
    for enterprise_id, closed, first_round in closures(session, start, end, HazardCase.enterprise_id):
        if enterprise_id in measures:
            measures[enterprise_id].closed, measures[enterprise_id].closed_first_round = closed, first_round
    for case_id, code, enterprise_id, closed_at in cases:
        found = measures.get(enterprise_id)
        if found is None:
            continue
        for round_no, item in sorted(rounds.get(case_id, {}).items()):
            name = f"{code} 第{round_no}轮" if round_no > 1 else code
            _count_notice(found, calendar, item, receipts.get((case_id, round_no)), name, start, end)
            _count_rectification(found, item, closed_at, name, start, end)


def _rounds(session, case_ids, end):
    """{case id: {round: Round}} from the cases' `case_updated` rows up to the month's end, in the order written."""
    rounds = {}
    current = {}
    for case_id, changes, created_at in session.query(AuditEvent.case_id, AuditEvent.changes, AuditEvent.created_at) \
            .filter(AuditEvent.case_id.in_(case_ids), AuditEvent.action == "case_updated",
                    AuditEvent.created_at < end).order_by(AuditEvent.case_id, AuditEvent.id):
        changes = changes or {}
        if _after(changes, "round"):
            current[case_id] = int(_after(changes, "round"))
        item = rounds.setdefault(case_id, {}).setdefault(current.get(case_id, 1), Round())
        deadline = _after(changes, "rectification_due")
        if deadline:
            item.deadline = datetime.fromisoformat(deadline)
            item.issued_at = item.issued_at or created_at
        if _after(changes, "status") == "verifying" and item.deadline is not None and item.submitted_at is None:
            item.submitted_at = created_at
    return {case_id: {n: r for n, r in by_round.items() if r.deadline is not None}
            for case_id, by_round in rounds.items()}


def _after(changes, name):
    pair = changes.get(name)
    return pair[1] if isinstance(pair, list) and len(pair) == 2 else None


def _count_notice(found, calendar, item, signed_at, name, start, end):
    due = calendar.add_workdays(item.issued_at, NOTICE_WORKING_DAYS).moment
    if not start <= due < end:
        return
    found.notices += 1
    if signed_at is not None and signed_at <= due:
        found.notices_on_time += 1
    else:
        _name_late(found.late_notices, name)


def _count_rectification(found, item, closed_at, name, start, end):
    deadline, submitted = item.deadline, item.submitted_at
    owed_at_start = deadline < start and (submitted is None or submitted >= start) and \
        (closed_at is None or closed_at >= start)
    if start <= deadline < end or owed_at_start:
        found.rectifications += 1
        if submitted is not None and submitted <= deadline:
            found.rectified_on_time += 1
        else:
            _name_late(found.late_rectifications, name)
    if deadline < end and submitted is None and (closed_at is None or closed_at >= end):
        found.overdue_open += 1
        _name_late(found.overdue_cases, name)


def _count_visits(session, measures, start, end):
    window = timedelta(days=VISIT_CONFIRM_DAYS)
    for enterprise_id, visited_on, released_at, acknowledged_at in session.query(
            InspectionVisit.enterprise_id, InspectionVisit.visited_on, InspectionVisit.released_at,
            InspectionVisit.acknowledged_at) \
            .filter(InspectionVisit.released_at >= start - window, InspectionVisit.released_at < end - window) \
            .order_by(InspectionVisit.visited_on, InspectionVisit.id):
        found = measures.get(enterprise_id)
        if found is None:
            continue
        found.visits += 1
        if acknowledged_at is not None and acknowledged_at <= released_at + window:
            found.visits_on_time += 1
        else:
            _name_late(found.late_visits, visited_on.isoformat())


def _name_late(names, name):
    if len(names) < LISTED_LATE:
        names.append(name)
