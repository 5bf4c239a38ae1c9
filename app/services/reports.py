"""Statistics of the hazards registered in a period (统计报表), for managers, the bureau and administrators (the
county, or a township / enterprise they choose) and for township / park safety offices (their own area only,
services/report_area.py).

The cohort is every case registered between two Shanghai dates (both included); each figure says what became of
those cases up to now. Rates follow the seed document: rectification rate = closed / registered (整改率 =
已整改隐患数 / 总隐患数 × 100 %); recurrence rate = the share of cases whose enterprise had a case of the same
hazard type registered in the six months before (隐患复发率).
"""
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, case, func, select

from ..clock import clock, start_of_local_day
from ..errors import NotAllowed
from ..models import GRADES, Enterprise, EnterpriseTag, HazardCase
from . import report_area, tag_statistics, trends
from .recurrence import predecessors, recurs
from .enterprise_tags import ordered
from .sql_dates import days_between, local_month

ROLES = ("manager", "bureau", "admin")
MAX_DAYS = 366 * 3
MAJOR_GRADES = ("major", "especially_major")


def may_read(user):
    """The county's readers, and the township offices for their area (属地统计)."""
    return user.has_role(*ROLES, "township")


@dataclass
class Tally:
    """What became of a group of cases: registered, closed, still open, open past the rectification deadline."""
    registered: int = 0
    closed: int = 0
    overdue: int = 0

    @property
    def open(self):
        return self.registered - self.closed

    @property
    def rate(self):
        """Rectification rate in per cent, None for an empty group."""
        return round(100 * self.closed / self.registered, 1) if self.registered else None

    def add(self, counts):
        self.registered += counts.registered
        self.closed += int(counts.closed or 0)
        self.overdue += int(counts.overdue or 0)
        return self


@dataclass
class Report:
    start: date
    end: date
    total: Tally = field(default_factory=Tally)
    recurrence_rate: float = None
    recurring: int = 0
    average_days_to_close: float = None
    by_grade: dict = field(default_factory=dict)  # grade -> Tally, in GRADES order
    by_type: dict = field(default_factory=dict)  # hazard type -> Tally, most cases first
    by_industry: dict = field(default_factory=dict)
    by_township: dict = field(default_factory=dict)
    by_month: dict = field(default_factory=dict)  # "2026-11" (month of registration, Shanghai) -> Tally, in order
    enterprises: list = field(default_factory=list)  # [(Enterprise row: id, name, industry, township), Tally]
    open_major: set = field(default_factory=set)  # ids of those enterprises with an open 重大 or 特别重大 case
    # 区域隐患热力图: cases registered by township (rows, most first) and hazard type (columns, most first)
    heat: dict = field(default_factory=dict)  # township -> {hazard type: registered}
    # by the risk tags of the cases' enterprises (a case under each tag of its enterprise), in the tags' order
    by_tag: dict = field(default_factory=dict)
    tag_coverage: list = field(default_factory=list)  # [tag_statistics.TagCoverage] in the year of the period's end
    trend: object = None  # trends.Trend: the six whole months up to the period's end and the next month's forecast
    area: report_area.Area = report_area.COUNTY  # the part of the county counted

    @property
    def heat_types(self):
        return list(self.by_type)

    @property
    def heat_max(self):
        return max((n for row in self.heat.values() for n in row.values()), default=0)


def build(session, user, start, end, township=None, enterprise_id=None):
    """The report of the cases registered from `start` to `end` (Shanghai dates, both included), for `user`: of
    their area (report_area.default_for), or of the township / enterprise asked for (404 outside their area)."""
    if not may_read(user):
        raise NotAllowed("只有管理人员、应急管理局、属地监管和系统管理员可以查看统计报表 / "
                         "only managers, the bureau, township offices and administrators may read the statistics")
    return compute(session, start, end, report_area.chosen(session, user, township, enterprise_id))


def compute(session, start, end, area=report_area.COUNTY):
    """The report of `area`, for whoever may have it (the monthly delivery computes it for the scheduler). Counted
    by the database (grouped queries over the registration-time index, the area a condition of each), not by
    reading the cases."""
    begin, finish = start_of_local_day(start), start_of_local_day(end + timedelta(days=1))
    dialect = session.get_bind().dialect.name
    cohort = (HazardCase.registered_at >= begin, HazardCase.registered_at < finish,
              area.condition(HazardCase.enterprise_id))
    report = Report(start, end, area=area)
    groups = {name: {} for name in ("by_grade", "by_type", "by_industry", "by_township", "enterprise")}
    now = clock.now()
    rows = _grouped(session, dialect, cohort, now, (HazardCase.grade, HazardCase.hazard_type, HazardCase.enterprise_id))
    names = {row.enterprise_id: row for row in session.execute(
        select(Enterprise.id.label("enterprise_id"), Enterprise.name, Enterprise.industry, Enterprise.township)
        .where(Enterprise.id.in_({r.enterprise_id for r in rows})))} if rows else {}
    closed_days = 0.0
    for row in rows:
        enterprise = names[row.enterprise_id]
        for name, key in (("by_grade", row.grade or ""), ("by_type", row.hazard_type),
                          ("by_industry", enterprise.industry or ""), ("by_township", enterprise.township or ""),
                          ("enterprise", row.enterprise_id)):
            groups[name].setdefault(key, Tally()).add(row)
        report.total.add(row)
        township = report.heat.setdefault(enterprise.township or "", {})
        township[row.hazard_type] = township.get(row.hazard_type, 0) + row.registered
        closed_days += float(row.closed_days or 0)
    # By month apart: grouped with the others it would multiply the rows a year returns by twelve.
    report.by_month = _by_month(session, dialect, cohort, now)
    report.by_grade = {g: groups["by_grade"][g] for g in list(GRADES) + [""] if g in groups["by_grade"]}
    for name in ("by_type", "by_industry", "by_township"):
        setattr(report, name, dict(sorted(groups[name].items(), key=lambda kv: (-kv[1].registered, kv[0]))))
    report.heat = {town: report.heat[town] for town in report.by_township}  # the townships' order
    report.enterprises = sorted(((names[eid], tally) for eid, tally in groups["enterprise"].items()),
                                key=lambda pair: (-pair[1].registered, -pair[1].overdue, pair[0].name))
    report.open_major = _with_open_major(session, groups["enterprise"])
    tagged_rows = _grouped(session, dialect, cohort, now, (EnterpriseTag.tag,),
                           join=(EnterpriseTag, EnterpriseTag.enterprise_id == HazardCase.enterprise_id))
    tallies = {row.tag: Tally().add(row) for row in tagged_rows}
    report.by_tag = {tag: tallies[tag] for tag in ordered(tallies)}
    report.tag_coverage = tag_statistics.coverage(session, end.year, area.condition)
    closed = report.total.closed
    report.average_days_to_close = round(closed_days / closed, 1) if closed else None
    report.recurring = _recurring(session, dialect, begin, finish, area)
    registered = report.total.registered
    report.recurrence_rate = round(100 * report.recurring / registered, 1) if registered else None
    report.trend = trends.compute(session, end, area.condition(HazardCase.enterprise_id))
    return report


def rectification_by_month(session, start, end, area=report_area.COUNTY):
    """{"2026-11": Tally} of the cases of `area` registered from `start` to `end` (Shanghai dates, both included),
    by month of registration: the report's own `by_month`, so the rectification rate (整改率 = closed / registered)
    reads the same wherever it is shown (the project KPIs, services/kpi.py)."""
    begin, finish = start_of_local_day(start), start_of_local_day(end + timedelta(days=1))
    cohort = (HazardCase.registered_at >= begin, HazardCase.registered_at < finish,
              area.condition(HazardCase.enterprise_id))
    return _by_month(session, session.get_bind().dialect.name, cohort, clock.now())


def _by_month(session, dialect, cohort, now):
    return {row.month: Tally().add(row) for row in sorted(_grouped(
        session, dialect, cohort, now, (local_month(dialect, HazardCase.registered_at).label("month"),)),
        key=lambda r: r.month)}


def _grouped(session, dialect, cohort, now, keys, join=None):
    """The cohort counted by `keys` in one pass: each row has `registered`, `closed`, `overdue` and `closed_days`
    (the days its closed cases took, summed). `join`: (table, on) joined to the cases first (the risk tags)."""
    closed = HazardCase.status == "closed"
    overdue = and_(~closed, HazardCase.rectification_due < now)
    query = select(
        *keys, func.count().label("registered"), func.sum(case((closed, 1), else_=0)).label("closed"),
        func.sum(case((overdue, 1), else_=0)).label("overdue"),
        func.sum(case((closed, days_between(dialect, HazardCase.closed_at, HazardCase.registered_at)), else_=0))
        .label("closed_days"))
    if join is not None:
        query = query.select_from(HazardCase).join(*join)
    return session.execute(query.where(*cohort).group_by(*keys)).all()


def _with_open_major(session, enterprise_ids):
    """Which of the enterprises has a 重大 or 特别重大 case not yet closed (registered at any time)."""
    if not enterprise_ids:
        return set()
    return set(session.execute(
        select(HazardCase.enterprise_id).distinct()
        .where(HazardCase.enterprise_id.in_(list(enterprise_ids)), HazardCase.status != "closed",
               HazardCase.grade.in_(MAJOR_GRADES))).scalars())


def _recurring(session, dialect, begin, finish, area):
    """How many cases of the period had a case of the same enterprise and hazard type in the six months before
    them (services/recurrence.py: each case's predecessor, a window function over the period and the six months
    before it)."""
    pairs = predecessors(begin, finish, area)
    return session.execute(select(func.count()).select_from(pairs).where(
        pairs.c.at >= begin, recurs(dialect, pairs))).scalar()


def counted_by_enterprise(session, start, end, area=report_area.COUNTY):
    """The cases of `area` registered from `start` to `end` (Shanghai dates, both included) counted per enterprise:
    rows of enterprise_id, registered, closed, overdue (now) and closed_days — the report's own tallies, for the
    rankings (services/rankings.py)."""
    begin, finish = start_of_local_day(start), start_of_local_day(end + timedelta(days=1))
    cohort = (HazardCase.registered_at >= begin, HazardCase.registered_at < finish,
              area.condition(HazardCase.enterprise_id))
    return _grouped(session, session.get_bind().dialect.name, cohort, clock.now(), (HazardCase.enterprise_id,))


def previous_month(today):
    """(first day, last day) of the calendar month before `today`'s."""
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def default_period(today=None):
    """This month so far (Shanghai)."""
    today = today or clock.local_now().date()
    return today.replace(day=1), today
