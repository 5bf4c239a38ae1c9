"""The monthly cross-check commitment (每月组织一次交叉互查, seed 000 line 325): per month of a year, met by at least one
交叉互查 supervision record (services/staff_supervision.py) checked in it; a month that has ended without one is missed,
the current month is still open, later ones are to come. As for the meetings' commitments (meeting_commitments.py),
a month overlapping no recorded service project is outside the service (neither met nor missed unless a check was
made); without any project every month counts."""
from dataclasses import dataclass, field
from datetime import date

from ..clock import clock
from ..models import ServiceProject, StaffSupervision
from .meeting_commitments import periods_of
from .performance import check_may_read_ranking

KIND = "cross_check"


@dataclass
class MonthState:
    label: str  # "2026-11"
    start: date
    end: date  # the first day of the next month
    state: str = "future"  # a key of meeting_commitments.STATES
    records: list = field(default_factory=list)  # the month's cross-check records


@dataclass
class CrossCheckYear:
    year: int
    periods: list  # MonthState, January first

    @property
    def met(self):
        return sum(1 for p in self.periods if p.state == "met")

    @property
    def due(self):
        return sum(1 for p in self.periods if p.state in ("met", "missed"))


def cross_checks(session, user, year):
    """The year's months with their state and cross-check records (readers of the ranking: the summary)."""
    check_may_read_ranking(user)
    today = clock.local_now().date()
    services = session.query(ServiceProject.start_on, ServiceProject.end_on).all()
    periods = [MonthState(p.label, p.start, p.end) for p in periods_of(year, "month")]
    rows = session.query(StaffSupervision).filter(
        StaffSupervision.kind == KIND, StaffSupervision.checked_on >= periods[0].start,
        StaffSupervision.checked_on < periods[-1].end).order_by(StaffSupervision.checked_on, StaffSupervision.id).all()
    for period in periods:
        period.records = [r for r in rows if period.start <= r.checked_on < period.end]
        if period.records:
            period.state = "met"
        elif services and not any(start < period.end and end >= period.start for start, end in services):
            period.state = "outside"
        elif period.end <= today:
            period.state = "missed"
        elif period.start <= today:
            period.state = "open"
    return CrossCheckYear(year, periods)


def state_of(year_row, month):
    """The state of one month (performance_signals.Month) in a CrossCheckYear."""
    return next(p.state for p in year_row.periods if p.label == month.label)
