"""Read-only queries for the admin and supervision pages that the SLA and calendar services do not offer."""
from datetime import datetime, timedelta

from sqlalchemy import func

from ..clock import SHANGHAI, clock, start_of_local_day
from ..models import CalendarDay, CalendarYear, CreditRecord, EnforcementReferral, Enterprise, HazardCase, \
    KeySupervisionEntry
from .calendar import WorkingCalendar


def imported_years(session):
    return session.query(CalendarYear).order_by(CalendarYear.year.desc()).all()


def overrides(session, since_year=None):
    """Admin-maintained days (imported schedules included), oldest first; from `since_year` on if given."""
    query = session.query(CalendarDay)
    if since_year is not None:
        query = query.filter(CalendarDay.day >= datetime(since_year, 1, 1).date())
    return query.order_by(CalendarDay.day).all()


def case_ids_by_code(session, codes):
    if not codes:
        return {}
    return dict(session.query(HazardCase.code, HazardCase.id).filter(HazardCase.code.in_(list(codes))))


def case_codes(session, case_ids):
    ids = {i for i in case_ids if i}
    if not ids:
        return {}
    return dict(session.query(HazardCase.id, HazardCase.code).filter(HazardCase.id.in_(ids)))


def enterprise_or_none(session, enterprise_id):
    return session.get(Enterprise, enterprise_id)


def key_supervision_for(session, enterprise_id):
    """All of one enterprise's key-supervision entries, current ones first."""
    return session.query(KeySupervisionEntry).filter_by(enterprise_id=enterprise_id) \
        .order_by(KeySupervisionEntry.left_at.isnot(None), KeySupervisionEntry.since.desc()).all()


def referrals_for(session, enterprise_id):
    return session.query(EnforcementReferral).filter_by(enterprise_id=enterprise_id) \
        .order_by(EnforcementReferral.referred_at.desc()).all()


def credit_counts(session):
    """{enterprise id: number of credit records}, for the supervision lists."""
    return dict(session.query(CreditRecord.enterprise_id, func.count(CreditRecord.id))
                .group_by(CreditRecord.enterprise_id))


def provisional_moments(case):
    """The deadlines of a case that were computed without an official holiday schedule (as datetimes)."""
    if not case.deadlines_provisional:
        return set()
    moments = set()
    for item in case.provisional_computations or []:
        try:
            moments.add(datetime.fromisoformat(item["result"]))
        except (KeyError, TypeError, ValueError):
            continue
    return moments


def is_provisional(case, moment):
    """Whether this deadline of the case is provisional. When the recorded computations do not name it
    (an older record), any deadline of a provisional case counts as provisional: never understate it."""
    if case is None or not case.deadlines_provisional or moment is None:
        return False
    moments = provisional_moments(case)
    return not moments or moment in moments or moment.astimezone(SHANGHAI).year in {m.year for m in moments}


def workdays_from_today(days):
    """The local date `days` working days after today, and whether it is provisional."""
    today = clock.now().astimezone(SHANGHAI)
    start = start_of_local_day(today.date())
    deadline = WorkingCalendar.load().add_workdays(start, days)
    return deadline.moment.date(), deadline.provisional


def recent(days=7):
    return clock.now() - timedelta(days=days)
