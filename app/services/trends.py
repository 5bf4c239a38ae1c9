"""Trends of the hazards registered month by month, and a forecast of the next month (趋势分析与预测).

The seed documents ask for the trend of hazards and a forecast for the months ahead. What is done here is simple
on purpose, so that anyone can check it by hand: the hazards registered in each of the last six whole months
(Shanghai calendar, all hazards and the most frequent types), a least-squares straight line through them, and the
line's value for the next month (never below zero) as the forecast. The direction says whether the line rises or
falls by at least one hazard over the six months and by more than a tenth of the monthly average per month. It is an aid for planning inspections,
not a risk model.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select, true

from ..clock import clock, start_of_local_day
from ..models import HazardCase
from .sql_dates import local_month

MONTHS = 6
TOP_TYPES = 5
STEADY = 0.1  # a slope within ±10 % of the monthly average per month counts as steady


@dataclass
class Series:
    counts: list  # registered per month, oldest first
    slope: float = 0.0  # hazards per month
    forecast: int = 0  # the line's value for the next month, rounded, at least 0
    direction: str = "steady"  # "rising", "falling" or "steady"


@dataclass
class Trend:
    months: list  # "2026-06" ... "2026-11", oldest first
    next_month: str
    total: Series = None
    by_type: dict = field(default_factory=dict)  # hazard type -> Series, the most hazards in the six months first


def last_whole_month(end):
    """The month of `end` if that month is over by `end` (or is already past), else the month before it."""
    today = clock.local_now().date()
    month_end = _shift(end.replace(day=1), 1) - timedelta(days=1)
    if end >= month_end and today > month_end:
        return end.replace(day=1)
    return (end.replace(day=1) - timedelta(days=1)).replace(day=1)


def compute(session, end, area=None):
    """The six whole months up to `end` (see last_whole_month) and the forecast for the month after them; of the
    cases `area` (a SQL condition, services/report_area.py) admits, every case without one."""
    last = last_whole_month(end)
    months = [_shift(last, k - MONTHS + 1) for k in range(MONTHS)]
    begin, finish = start_of_local_day(months[0]), start_of_local_day(_shift(last, 1))
    dialect = session.get_bind().dialect.name
    month = local_month(dialect, HazardCase.registered_at).label("month")
    rows = session.execute(select(month, HazardCase.hazard_type, func.count().label("n"))
                           .where(HazardCase.registered_at >= begin, HazardCase.registered_at < finish,
                                  true() if area is None else area)
                           .group_by(month, HazardCase.hazard_type)).all()
    keys = [f"{m:%Y-%m}" for m in months]
    index = {key: i for i, key in enumerate(keys)}
    totals, per_type = [0] * MONTHS, {}
    for row in rows:
        i = index.get(row.month)
        if i is None:
            continue
        totals[i] += row.n
        per_type.setdefault(row.hazard_type, [0] * MONTHS)[i] += row.n
    frequent = sorted(per_type.items(), key=lambda kv: (-sum(kv[1]), kv[0]))[:TOP_TYPES]
    return Trend(keys, f"{_shift(last, 1):%Y-%m}", fit(totals), {kind: fit(counts) for kind, counts in frequent})


def fit(counts):
    """The least-squares line through (0, counts[0]) ... (n-1, counts[n-1]): slope, next value, direction."""
    n = len(counts)
    mean_x, mean_y = (n - 1) / 2, sum(counts) / n
    spread = sum((x - mean_x) ** 2 for x in range(n))
    slope = sum((x - mean_x) * (y - mean_y) for x, y in enumerate(counts)) / spread
    forecast = max(0, round(mean_y + slope * (n - mean_x)))
    # Rising or falling needs a change of at least one hazard along the six months, as well as more than a tenth
    # of the average per month: a single hazard in a quiet type is not a trend.
    if abs(slope) * (n - 1) >= 1 and abs(slope) > STEADY * mean_y:
        direction = "rising" if slope > 0 else "falling"
    else:
        direction = "steady"
    return Series(list(counts), round(slope, 2), forecast, direction)


def _shift(first_of_month, months):
    """The first day of the month `months` after (or before) the given first day of a month."""
    index = first_of_month.year * 12 + first_of_month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
