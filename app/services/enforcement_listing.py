"""Reading enforcement outcomes (services/enforcement.py): the list of enforcement referrals with their outcome and
filters, the period's statistics (decisions, fines, counts per measure) and what the case page shows.

The overdue flag needs the working-day calendar (the filing decision is due FILING_WORKING_DAYS working days after
the referral), which SQL cannot add: with the overdue filter the rows are flagged in Python after the SQL filters.
A county refers some dozens of cases to enforcement a year, so that is a small list."""
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import contains_eager, joinedload

from ..clock import clock, start_of_local_day
from ..models import ENFORCEMENT_MEASURES, EnforcementOutcome, EnforcementReferral, Enterprise
from .access import enterprise_condition
from .calendar import WorkingCalendar
from .enforcement import filing_due, is_overdue, may_read

STATUS_FILTERS = ("pending", "not_filed", "filed", "decided", "executed", "closed")


@dataclass
class EnforcementFilter:
    status: str = ""  # "" or one of STATUS_FILTERS
    overdue: bool = False
    enterprise_id: int | None = None
    township: str = ""
    date_from: date | None = None  # the referral's day (the statistics: the decision's day)
    date_to: date | None = None
    limit: int | None = 50
    offset: int = 0


def _scoped(query, user, flt):
    query = query.filter(enterprise_condition(user, EnforcementReferral.enterprise_id))
    if flt.enterprise_id:
        query = query.filter(EnforcementReferral.enterprise_id == flt.enterprise_id)
    if flt.township:
        query = query.filter(Enterprise.township == flt.township)
    return query


def listing(session, user, flt):
    """(the referrals the user may see with their outcome, newest first; how many). Each row's `overdue` is set."""
    query = session.query(EnforcementReferral).join(Enterprise, Enterprise.id == EnforcementReferral.enterprise_id) \
        .outerjoin(EnforcementOutcome, EnforcementOutcome.referral_id == EnforcementReferral.id) \
        .options(contains_eager(EnforcementReferral.enterprise), contains_eager(EnforcementReferral.outcome),
                 joinedload(EnforcementReferral.case))
    query = _scoped(query, user, flt)
    if flt.date_from:
        query = query.filter(EnforcementReferral.referred_at >= start_of_local_day(flt.date_from))
    if flt.date_to:
        query = query.filter(EnforcementReferral.referred_at < start_of_local_day(flt.date_to + timedelta(days=1)))
    if flt.status == "pending":
        query = query.filter(EnforcementOutcome.referral_id.is_(None))
    elif flt.status in STATUS_FILTERS:
        query = query.filter(EnforcementOutcome.status == flt.status)
    query = query.order_by(EnforcementReferral.referred_at.desc(), EnforcementReferral.id.desc())
    calendar, now = WorkingCalendar.load(), clock.now()
    if flt.overdue:
        rows = [row for row in query if _flag(row, now, calendar)]
        end = flt.offset + flt.limit if flt.limit else None
        return rows[flt.offset:end], len(rows)
    total = query.count()
    query = query.offset(flt.offset)
    rows = (query.limit(flt.limit) if flt.limit else query).all()
    for row in rows:
        _flag(row, now, calendar)
    return rows, total


def _flag(row, now, calendar):
    """Set the row's `filing_due` and `overdue` (plain attributes for the pages and the API)."""
    row.filing_due = filing_due(row, calendar)
    row.overdue = is_overdue(row, now, calendar)
    return row.overdue


def flagged(row):
    _flag(row, clock.now(), WorkingCalendar.load())
    return row


def statistics(session, user, flt):
    """The decisions dated in the period (the filter's dates; the enterprise and township filters apply): how many,
    the fines' total and count, and how many decisions took each measure."""
    query = session.query(EnforcementOutcome.measures, EnforcementOutcome.fine_amount) \
        .join(EnforcementReferral, EnforcementReferral.id == EnforcementOutcome.referral_id) \
        .join(Enterprise, Enterprise.id == EnforcementReferral.enterprise_id) \
        .filter(EnforcementOutcome.decision_date.isnot(None), EnforcementOutcome.filing == "filed")
    query = _scoped(query, user, flt)
    if flt.date_from:
        query = query.filter(EnforcementOutcome.decision_date >= flt.date_from)
    if flt.date_to:
        query = query.filter(EnforcementOutcome.decision_date <= flt.date_to)
    counts, total, decisions, fined = Counter(), Decimal("0.00"), 0, 0
    for measures, amount in query:
        decisions += 1
        counts.update(set(measures or []))
        if amount is not None:
            total += Decimal(amount)
            fined += 1
    return {"decisions": decisions, "fine_total": total.quantize(Decimal("0.01")), "fined": fined,
            "by_measure": {code: counts.get(code, 0) for code in ENFORCEMENT_MEASURES}}


def for_case(session, user, case_id):
    """The case page's view of its enforcement referrals: [(referral, outcome, full)] where `full` says the user
    reads the whole record; the others (enterprise staff and roles that do not read enforcement records) get the
    decided measures and the decision number only, and only once there is a decision."""
    rows = session.query(EnforcementReferral).filter_by(case_id=case_id) \
        .order_by(EnforcementReferral.round, EnforcementReferral.id).all()
    full = may_read(user)
    if full:
        return [(row, row.outcome, True) for row in rows]
    return [(row, row.outcome, False) for row in rows if row.outcome is not None and row.outcome.is_decided]
