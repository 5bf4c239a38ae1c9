"""Recurring hazard types (重复出现隐患类型分析): for the hazards registered in a period, which types recur, where
(enterprises, townships / parks), and the pairs behind each figure — the earlier case and the case that repeated it.

The rule is the statistics' own (services/reports.py, 隐患复发率): a case recurs when its enterprise had a case of the
same hazard type registered in the six months (RECURRENCE_WINDOW) before it; the earlier case of the pair is the
latest such case (its immediate predecessor — a window function, so one case recurs at most once and the counts
here add up to the statistics' `recurring`). Everything is counted by the database: one windowed subquery over the
period and the six months before it, grouped by enterprise and type; Python adds the groups up by type, enterprise
and township.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, case, func, select, type_coerce

from ..clock import clock, start_of_local_day
from ..errors import NotAllowed
from ..models import Enterprise, HazardCase
from ..models.types import UTCDateTime
from . import report_area
from .sql_dates import days_between

RECURRENCE_WINDOW = timedelta(days=183)  # six months
DEFAULT_MONTHS = 6  # the page's default period: this month and the five before it
TOP_PLACES = 3  # enterprises / townships named for each hazard type
PAIR_PAGE = 100  # recurring pairs per page of the drill-down list
EXPORT_PAIRS = 50_000  # at most, in a file


def predecessors(begin, finish, area, earlier=False):
    """Subquery of the cases of `area` registered before `finish` and at most six months before `begin`, each with
    the moment of its predecessor of the same enterprise and type (`before`: NULL for the first); with `earlier`,
    also the predecessor's id and code (`before_id`, `before_code`: the drill-down's pairs — the counts go without,
    each carried column costs in the window's sort). Partitioned by enterprise, so narrowing to an area's
    enterprises changes no predecessor of theirs."""
    window = dict(partition_by=(HazardCase.enterprise_id, HazardCase.hazard_type),
                  order_by=(HazardCase.registered_at, HazardCase.id))
    columns = [HazardCase.enterprise_id, HazardCase.hazard_type, HazardCase.registered_at.label("at"),
               # typed as the column, so that the earlier moment reads back as an aware datetime on SQLite too
               type_coerce(func.lag(HazardCase.registered_at).over(**window), UTCDateTime).label("before")]
    if earlier:
        columns += [HazardCase.id, HazardCase.code, func.lag(HazardCase.id).over(**window).label("before_id"),
                    func.lag(HazardCase.code).over(**window).label("before_code")]
    return select(*columns).where(HazardCase.registered_at >= begin - RECURRENCE_WINDOW,
                                  HazardCase.registered_at < finish,
                                  area.condition(HazardCase.enterprise_id)).subquery()


def recurs(dialect, pairs):
    """SQL condition: the row of `predecessors` had a case of its enterprise and type in the six months before."""
    return and_(pairs.c.before.is_not(None),
                days_between(dialect, pairs.c.at, pairs.c.before) <= RECURRENCE_WINDOW.days)


@dataclass
class TypeRecurrence:
    """One hazard type in the period: its cases, how many of them recurred, and where."""
    hazard_type: str
    registered: int = 0
    recurrences: int = 0
    enterprises: dict = field(default_factory=dict)  # enterprise id -> recurrences (those with any)
    townships: dict = field(default_factory=dict)  # township -> recurrences, most first

    @property
    def rate(self):
        """Recurrences among the type's cases, in per cent (None without cases)."""
        return round(100 * self.recurrences / self.registered, 1) if self.registered else None


@dataclass
class Place:
    """An enterprise or a township / park with its recurrences, and the types that recurred there."""
    key: object
    name: str
    township: str = ""
    recurrences: int = 0
    types: dict = field(default_factory=dict)  # hazard type -> recurrences, most first


@dataclass
class Analysis:
    start: date
    end: date
    area: report_area.Area = report_area.COUNTY
    registered: int = 0
    recurrences: int = 0
    by_type: list = field(default_factory=list)  # [TypeRecurrence] with recurrences, most first
    enterprises: list = field(default_factory=list)  # [Place] with recurrences, most first
    townships: list = field(default_factory=list)  # [Place] with recurrences, most first
    names: dict = field(default_factory=dict)  # enterprise id -> name

    @property
    def rate(self):
        return round(100 * self.recurrences / self.registered, 1) if self.registered else None

    @property
    def most(self):
        """The largest recurrence count of a type (the chart's full width)."""
        return max((t.recurrences for t in self.by_type), default=0)

    def top_enterprises(self, kind):
        """The TOP_PLACES enterprises where `kind` recurred most: [(name, recurrences)]."""
        ranked = sorted(kind.enterprises.items(), key=lambda kv: (-kv[1], self.names[kv[0]]))[:TOP_PLACES]
        return [(self.names[eid], n) for eid, n in ranked]


def default_period(today=None):
    """This month so far and the five whole months before it (Shanghai)."""
    today = today or clock.local_now().date()
    month = today.year * 12 + today.month - 1 - (DEFAULT_MONTHS - 1)
    return date(month // 12, month % 12 + 1, 1), today


def build(session, user, start, end, township=None, enterprise_id=None):
    """The analysis of the cases registered from `start` to `end` (Shanghai days, both included) in the reader's
    area, or the township / enterprise of it asked for (404 outside it); the statistics' readers only."""
    from .reports import may_read
    if not may_read(user):
        raise NotAllowed("只有管理人员、应急管理局、属地监管和系统管理员可以查看统计报表 / "
                         "only managers, the bureau, township offices and administrators may read the statistics")
    return compute(session, start, end, report_area.chosen(session, user, township, enterprise_id))


def compute(session, start, end, area=report_area.COUNTY):
    begin, finish = _bounds(start, end)
    dialect = session.get_bind().dialect.name
    pairs = predecessors(begin, finish, area)
    rows = session.execute(
        select(pairs.c.hazard_type, pairs.c.enterprise_id, func.count().label("registered"),
               func.sum(case((recurs(dialect, pairs), 1), else_=0)).label("recurrences"))
        .where(pairs.c.at >= begin).group_by(pairs.c.hazard_type, pairs.c.enterprise_id)).all()
    analysis = Analysis(start, end, area=area)
    enterprises = {row.id: row for row in session.execute(
        select(Enterprise.id, Enterprise.name, Enterprise.township)
        .where(Enterprise.id.in_({r.enterprise_id for r in rows})))} if rows else {}
    analysis.names = {eid: e.name for eid, e in enterprises.items()}
    kinds, places, towns = {}, {}, {}
    for row in rows:
        n, enterprise = int(row.recurrences or 0), enterprises[row.enterprise_id]
        kind = kinds.setdefault(row.hazard_type, TypeRecurrence(row.hazard_type))
        kind.registered += row.registered
        analysis.registered += row.registered
        if not n:
            continue
        analysis.recurrences += n
        kind.recurrences += n
        kind.enterprises[row.enterprise_id] = n
        town = enterprise.township or ""
        kind.townships[town] = kind.townships.get(town, 0) + n
        _count(places.setdefault(row.enterprise_id, Place(row.enterprise_id, enterprise.name, town)), row.hazard_type, n)
        _count(towns.setdefault(town, Place(town, town)), row.hazard_type, n)
    analysis.by_type = sorted((k for k in kinds.values() if k.recurrences),
                              key=lambda k: (-k.recurrences, -k.registered, k.hazard_type))
    for kind in analysis.by_type:
        kind.townships = _most_first(kind.townships)
    analysis.enterprises = _places_most_first(places.values())
    analysis.townships = _places_most_first(towns.values())
    return analysis


def _count(place, hazard_type, n):
    place.recurrences += n
    place.types[hazard_type] = place.types.get(hazard_type, 0) + n


def _most_first(counts):
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _places_most_first(places):
    ranked = sorted(places, key=lambda p: (-p.recurrences, p.name))
    for place in ranked:
        place.types = _most_first(place.types)
    return ranked


@dataclass
class Pair:
    """A recurrence: the case, and the earlier case of the same enterprise and type it repeated."""
    enterprise_id: int
    enterprise: str
    township: str
    hazard_type: str
    first_id: int
    first_code: str
    first_at: object
    case_id: int
    case_code: str
    at: object

    @property
    def days(self):
        return (self.at - self.first_at).days


def pairs(session, analysis, hazard_type=None, limit=PAIR_PAGE, offset=0):
    """([Pair], total) of the analysis' period and area, newest recurrence first; `hazard_type` narrows them. One
    pass of the window: the total is counted over the same rows (a second query only for a page past the end)."""
    begin, finish = _bounds(analysis.start, analysis.end)
    dialect = session.get_bind().dialect.name
    sub = predecessors(begin, finish, analysis.area, earlier=True)
    conditions = [sub.c.at >= begin, recurs(dialect, sub)]
    if hazard_type:
        conditions.append(sub.c.hazard_type == hazard_type)
    rows = session.execute(
        select(sub, Enterprise.name, Enterprise.township, func.count().over().label("total"))
        .join(Enterprise, Enterprise.id == sub.c.enterprise_id)
        .where(*conditions).order_by(sub.c.at.desc(), sub.c.id.desc()).limit(limit).offset(offset)).all()
    total = rows[0].total if rows else session.execute(select(func.count()).select_from(sub).where(*conditions)).scalar()
    return [Pair(r.enterprise_id, r.name, r.township or "", r.hazard_type, r.before_id, r.before_code, r.before,
                 r.id, r.code, r.at) for r in rows], total


def _bounds(start, end):
    return start_of_local_day(start), start_of_local_day(end + timedelta(days=1))
