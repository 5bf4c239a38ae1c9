"""The month's rectification-rate rankings (本月隐患整改率排行榜) of townships / parks, industries and enterprises.

The figures are the statistics' own (services/reports.py), so a rate on the ranking reads the same on the statistics
page of that month: the cohort is the cases registered in the month (Shanghai days; this month up to today), the
rectification rate 整改率 = closed (销号, up to now) / registered, overdue = open past the rectification deadline now,
the average days from registration to closure over the closed ones. Best rate first; equal rates (compared exactly,
2/3 = 4/6) share a rank (competition ranking 1, 1, 3), and within a rank more cases come first. An enterprise needs
at least MIN_CASES["enterprise"] cases in the month to be ranked, so that one case closed out of one does not top
the list; those below are listed after the ranking, unranked. The change against the previous month is the group's
rank in the previous month's ranking, computed the same way today (None when it was not ranked then).

A township office ranks within its own area: its townships, their enterprises and the industries of their cases
(report_area). Counted by the database: one grouped query per month by enterprise, added up here by township and
industry.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from ..clock import clock
from ..errors import NotAllowed, ValidationFailed
from ..models import Enterprise
from . import report_area, reports

KINDS = ("township", "industry", "enterprise")
# The least cases a group needs in the month to be ranked: an enterprise's 1/1 or 2/2 says little.
MIN_CASES = {"township": 1, "industry": 1, "enterprise": 3}


@dataclass
class Standing:
    """One township, industry or enterprise in a month: its counts, its rank (None: too few cases) and its rank in
    the month before."""
    key: object  # the township or industry name, or the enterprise id
    name: str
    township: str = ""  # an enterprise's
    industry: str = ""  # an enterprise's
    registered: int = 0
    closed: int = 0
    overdue: int = 0
    closed_days: float = 0.0
    rank: int = None
    previous_rank: int = None

    @property
    def open(self):
        return self.registered - self.closed

    @property
    def rate(self):
        return round(100 * self.closed / self.registered, 1) if self.registered else None

    @property
    def exact_rate(self):
        """closed / registered as a float, which compares like the fraction: division is correctly rounded, so
        equal fractions (2/3, 4/6) give the same float, and two different ones with fewer than ten million cases
        apart by more than 1e-14, far more than a rounding."""
        return self.closed / self.registered

    @property
    def average_days_to_close(self):
        return round(self.closed_days / self.closed, 1) if self.closed else None

    @property
    def change(self):
        """Places gained since the month before (positive: up), None when either month has no rank."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


@dataclass
class Ranking:
    kind: str
    month: date  # its first day
    end: date  # its last day counted: the month's last, or today for the current month
    area: report_area.Area = report_area.COUNTY
    minimum: int = 1
    ranked: list = field(default_factory=list)  # [Standing], best first
    unranked: list = field(default_factory=list)  # [Standing] below the minimum, most cases first

    @property
    def previous_month(self):
        return month_before(self.month)

    @property
    def is_partial(self):
        return self.end < month_end(self.month)


def month_end(first):
    return (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def month_before(first):
    return (first - timedelta(days=1)).replace(day=1)


def current_month(today=None):
    return (today or clock.local_now().date()).replace(day=1)


def parse_month(text):
    """The first day of a "2026-11" month; ValidationFailed for anything else or for a month not begun yet."""
    try:
        year, month = (int(part) for part in text.split("-"))
        first = date(year, month, 1)
    except (AttributeError, ValueError):
        message = "月份格式应为 年-月，例如 2026-11 / a month is written 2026-11"
        raise ValidationFailed(message, fields={"month": message}) from None
    if first > current_month():
        message = "该月尚未开始 / the month has not begun"
        raise ValidationFailed(message, fields={"month": message})
    return first


def build(session, user, month, kinds=KINDS, township=None):
    """{kind: Ranking} of `month` (its first day) in the reader's area, or the township of it asked for (404 outside
    it); the statistics' readers only."""
    if not reports.may_read(user):
        raise NotAllowed("只有管理人员、应急管理局、属地监管和系统管理员可以查看统计报表 / "
                         "only managers, the bureau, township offices and administrators may read the statistics")
    return compute(session, month, kinds, report_area.chosen(session, user, township))


def compute(session, month, kinds=KINDS, area=report_area.COUNTY):
    """{kind: Ranking} of `month` in `area`: two grouped queries (the month and the one before) for all kinds."""
    for kind in kinds:
        if kind not in KINDS:
            message = "排名对象应为 township、industry 或 enterprise / by: township | industry | enterprise"
            raise ValidationFailed(message, fields={"by": message})
    end = min(month_end(month), clock.local_now().date())
    previous = month_before(month)
    this_month = _month_counts(session, month, end, area)
    last_month = _month_counts(session, previous, month_end(previous), area)
    rankings = {}
    for kind in kinds:
        ranking = rankings[kind] = Ranking(kind, month, end, area, MIN_CASES[kind])
        ranking.ranked, ranking.unranked = _ranked(_standings(this_month, kind), ranking.minimum)
        ranks = {s.key: s.rank for s in _ranked(_standings(last_month, kind), ranking.minimum)[0]}
        for standing in ranking.ranked:
            standing.previous_rank = ranks.get(standing.key)
    return rankings


def _month_counts(session, start, end, area):
    """[(Enterprise row, registered, closed, overdue, closed days)] of the cases of `area` registered from `start` to
    `end`, one per enterprise with cases."""
    rows = reports.counted_by_enterprise(session, start, end, area)
    if not rows:
        return []
    enterprises = {e.id: e for e in session.execute(
        select(Enterprise.id, Enterprise.name, Enterprise.township, Enterprise.industry)
        .where(Enterprise.id.in_({r.enterprise_id for r in rows})))}
    return [(enterprises[r.enterprise_id], r.registered, int(r.closed or 0), int(r.overdue or 0),
             float(r.closed_days or 0)) for r in rows]


def _standings(counts, kind):
    """{key: Standing} of `kind` added up from the per-enterprise counts."""
    standings = {}
    for enterprise, registered, closed, overdue, closed_days in counts:
        if kind == "enterprise":
            standing = standings[enterprise.id] = Standing(
                enterprise.id, enterprise.name, enterprise.township or "", enterprise.industry or "")
        else:
            key = (enterprise.township if kind == "township" else enterprise.industry) or ""
            standing = standings.get(key) or standings.setdefault(key, Standing(key, key))
        standing.registered += registered
        standing.closed += closed
        standing.overdue += overdue
        standing.closed_days += closed_days
    return standings


def _ranked(standings, minimum):
    """([ranked Standing], [unranked Standing]): the ranked best rate first, equal rates sharing the rank of the
    first of them (1 + how many rate better)."""
    eligible = sorted((s for s in standings.values() if s.registered >= minimum),
                      key=lambda s: (-s.exact_rate, -s.registered, s.name))
    rate = None
    for place, standing in enumerate(eligible, start=1):
        if standing.exact_rate != rate:
            rank, rate = place, standing.exact_rate
        standing.rank = rank
    unranked = sorted((s for s in standings.values() if s.registered < minimum),
                      key=lambda s: (-s.registered, s.name))
    return eligible, unranked
