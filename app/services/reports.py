"""Statistics of the hazards registered in a period (统计报表), for managers, the bureau and administrators.

The cohort is every case registered between two Shanghai dates (both included); each figure says what became of
those cases up to now. Rates follow the seed document: rectification rate = closed / registered (整改率 =
已整改隐患数 / 总隐患数 × 100 %); recurrence rate = the share of cases whose enterprise had a case of the same
hazard type registered in the six months before (隐患复发率).
"""
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from ..clock import SHANGHAI, clock
from ..errors import NotAllowed
from ..models import GRADES, Enterprise, HazardCase

ROLES = ("manager", "bureau", "admin")
RECURRENCE_WINDOW = timedelta(days=183)  # six months
MAX_DAYS = 366 * 3
MAJOR_GRADES = ("major", "especially_major")


def may_read(user):
    return user.has_role(*ROLES)


@dataclass
class Tally:
    """What became of a group of cases: registered, closed, still open, open past the rectification deadline."""
    registered: int = 0
    closed: int = 0
    open: int = 0
    overdue: int = 0

    @property
    def rate(self):
        """Rectification rate in per cent, None for an empty group."""
        return round(100 * self.closed / self.registered, 1) if self.registered else None

    def add(self, row, now):
        self.registered += 1
        if row.status == "closed":
            self.closed += 1
        else:
            self.open += 1
            if row.rectification_due is not None and row.rectification_due < now:
                self.overdue += 1


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


def build(session, user, start, end):
    """The report of the cases registered from `start` to `end` (Shanghai dates, both included)."""
    if not may_read(user):
        raise NotAllowed("只有管理人员、应急管理局和系统管理员可以查看统计报表 / "
                         "only managers, the bureau and administrators may read the statistics")
    now = clock.now()
    begin, finish = _start_of(start), _start_of(end + timedelta(days=1))
    rows = session.execute(
        select(HazardCase.id, HazardCase.enterprise_id, HazardCase.hazard_type, HazardCase.grade,
               HazardCase.status, HazardCase.rectification_due, HazardCase.registered_at, HazardCase.closed_at,
               Enterprise.name, Enterprise.industry, Enterprise.township)
        .join(Enterprise, Enterprise.id == HazardCase.enterprise_id)
        .where(HazardCase.registered_at >= begin, HazardCase.registered_at < finish)
        .order_by(HazardCase.registered_at)).all()
    report = Report(start, end)
    groups = {"by_grade": defaultdict(Tally), "by_type": defaultdict(Tally), "by_industry": defaultdict(Tally),
              "by_township": defaultdict(Tally), "by_month": defaultdict(Tally)}
    per_enterprise, names, durations = defaultdict(Tally), {}, []
    for row in rows:
        report.total.add(row, now)
        groups["by_grade"][row.grade or ""].add(row, now)
        groups["by_type"][row.hazard_type].add(row, now)
        groups["by_industry"][row.industry or ""].add(row, now)
        groups["by_township"][row.township or ""].add(row, now)
        groups["by_month"][row.registered_at.astimezone(SHANGHAI).strftime("%Y-%m")].add(row, now)
        per_enterprise[row.enterprise_id].add(row, now)
        names[row.enterprise_id] = row
        if row.closed_at is not None:
            durations.append((row.closed_at - row.registered_at).total_seconds() / 86400)
    report.by_grade = {g: groups["by_grade"][g] for g in list(GRADES) + [""] if g in groups["by_grade"]}
    for name in ("by_type", "by_industry", "by_township"):
        setattr(report, name, dict(sorted(groups[name].items(), key=lambda kv: (-kv[1].registered, kv[0]))))
    report.enterprises = sorted(((names[eid], tally) for eid, tally in per_enterprise.items()),
                                key=lambda pair: (-pair[1].registered, -pair[1].overdue, pair[0].name))
    report.by_month = dict(sorted(groups["by_month"].items()))
    report.open_major = _with_open_major(session, per_enterprise)
    report.average_days_to_close = round(sum(durations) / len(durations), 1) if durations else None
    report.recurring = _recurring(session, rows, begin)
    report.recurrence_rate = round(100 * report.recurring / len(rows), 1) if rows else None
    return report


def _with_open_major(session, enterprise_ids):
    """Which of the enterprises has a 重大 or 特别重大 case not yet closed (registered at any time)."""
    if not enterprise_ids:
        return set()
    return set(session.execute(
        select(HazardCase.enterprise_id).distinct()
        .where(HazardCase.enterprise_id.in_(list(enterprise_ids)), HazardCase.status != "closed",
               HazardCase.grade.in_(MAJOR_GRADES))).scalars())


def _recurring(session, rows, begin):
    """How many of the cases had a case of the same enterprise and hazard type in the six months before them."""
    if not rows:
        return 0
    earlier = defaultdict(list)
    for enterprise_id, hazard_type, registered_at in session.execute(
            select(HazardCase.enterprise_id, HazardCase.hazard_type, HazardCase.registered_at)
            .where(HazardCase.registered_at >= begin - RECURRENCE_WINDOW,
                   HazardCase.enterprise_id.in_({r.enterprise_id for r in rows}))
            .order_by(HazardCase.registered_at)):
        earlier[(enterprise_id, hazard_type)].append(registered_at)
    count = 0
    for row in rows:
        moments = earlier[(row.enterprise_id, row.hazard_type)]  # sorted
        first = bisect_left(moments, row.registered_at - RECURRENCE_WINDOW)
        if first < len(moments) and moments[first] < row.registered_at:
            count += 1
    return count


def _start_of(day):
    return datetime.combine(day, time(0, 0), tzinfo=SHANGHAI)


def default_period(today=None):
    """This month so far (Shanghai)."""
    today = today or clock.local_now().date()
    return today.replace(day=1), today
