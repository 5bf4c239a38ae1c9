"""The inspection priority list (重点排查名单): which enterprises the inspection teams visit first, and why.

The rules are the tender's selection criteria for key enterprises (seed 000, 重点监管企业的选取标准), computed from
what the system holds, never kept by hand:
- an accident of level 一般 or above in the last three years (the accident records);
- major hazard sources on file (the structured register, or the register's old text where "无" and the like count
  as none: services/hazard_source_presence.py);
- two or more hazards whose rectification deadline passed (each one put the enterprise on the key-supervision
  list, 重点监管名单);
- a new or extended project in its trial operation (the register's 试运行期至 not yet past);
- and, as the bureau asked to see per enterprise, an open 重大/特别重大 hazard;
- a risk tag of the register (企业风险标签: 涉氨制冷, 粉尘涉爆, 有限空间作业, 人员密集场所, 特种设备使用单位 …, the
  kinds the tender puts on the key inspection list; all its tags make one reason);
- class C in its latest monthly cooperation score (services/cooperation.py): the tender asks for more spot checks of
  class C enterprises and only half-yearly routine checks of class A ones.
An enterprise is listed with every reason that applies; the most reasons first, and among as many reasons a class A
enterprise last (its class never lists it by itself).
"""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func

from ..clock import clock
from ..models import AccidentRecord, Enterprise, EnterpriseTag, HazardCase, KeySupervisionEntry
from .access import enterprise_condition
from .cooperation import latest_classes
from .enterprise_tags import ordered, tagged
from .hazard_source_presence import enterprises_with_sources
from .inspections import last_inspected

ACCIDENT_YEARS = 3
REPEATED_OVERDUE = 2
REASONS = ("accident", "major_hazard_source", "risk_tags", "repeated_overdue", "trial_operation",
           "open_major_hazard", "cooperation_c")
CLASS_ORDER = {"C": 0, "B": 1, None: 1, "A": 2}  # among as many reasons: C first, A last


@dataclass
class Reason:
    code: str  # one of REASONS
    count: int = 0  # accidents, overdue hazards, open major hazards or structured major hazard sources
    last: date = None  # the latest accident's date, the trial operation's end, or the scored month (cooperation)
    tags: list = field(default_factory=list)  # risk_tags: the enterprise's tags, in the register's order


@dataclass
class Priority:
    enterprise: Enterprise
    reasons: list = field(default_factory=list)
    open_cases: int = 0
    last_inspected: date = None  # the latest inspection visit or hazard registration there (Shanghai date)
    cooperation_class: str = None  # A / B / C of its latest monthly cooperation score, None before the first


def three_years_before(day):
    try:
        return day.replace(year=day.year - ACCIDENT_YEARS)
    except ValueError:  # 29 February
        return day.replace(year=day.year - ACCIDENT_YEARS, day=28)


def priority_list(session, township="", industry="", reason="", user=None, tag=""):
    """[Priority] of every enterprise with at least one reason (optionally only with `reason`, in `township`,
    of `industry`, with the risk `tag`, that `user` may see), most reasons first, then by name."""
    today = clock.local_now().date()
    found = {}

    def add(enterprise_id, reason_):
        found.setdefault(enterprise_id, []).append(reason_)

    since = three_years_before(today)
    for enterprise_id, count, last in session.query(
            AccidentRecord.enterprise_id, func.count(AccidentRecord.id), func.max(AccidentRecord.occurred_on)) \
            .filter(AccidentRecord.occurred_on >= since).group_by(AccidentRecord.enterprise_id):
        add(enterprise_id, Reason("accident", count, last))
    for enterprise_id, structured in enterprises_with_sources(session).items():
        add(enterprise_id, Reason("major_hazard_source", structured))
    tags = {}
    for enterprise_id, code in session.query(EnterpriseTag.enterprise_id, EnterpriseTag.tag):
        tags.setdefault(enterprise_id, []).append(code)
    for enterprise_id, codes in tags.items():
        add(enterprise_id, Reason("risk_tags", len(codes), tags=ordered(codes)))
    overdue = func.count(func.distinct(KeySupervisionEntry.case_id))
    for enterprise_id, count in session.query(KeySupervisionEntry.enterprise_id, overdue) \
            .group_by(KeySupervisionEntry.enterprise_id).having(overdue >= REPEATED_OVERDUE):
        add(enterprise_id, Reason("repeated_overdue", count))
    for enterprise_id, until in session.query(Enterprise.id, Enterprise.trial_operation_until) \
            .filter(Enterprise.trial_operation_until >= today):
        add(enterprise_id, Reason("trial_operation", last=until))
    for enterprise_id, count in session.query(HazardCase.enterprise_id, func.count(HazardCase.id)) \
            .filter(HazardCase.status != "closed", HazardCase.grade.in_(("major", "especially_major"))) \
            .group_by(HazardCase.enterprise_id):
        add(enterprise_id, Reason("open_major_hazard", count))
    classes = latest_classes(session)
    for enterprise_id, row in classes.items():
        if row.cooperation_class == "C":
            add(enterprise_id, Reason("cooperation_c", last=row.month))

    if reason:
        found = {eid: reasons for eid, reasons in found.items() if any(r.code == reason for r in reasons)}
    if not found:
        return []
    query = session.query(Enterprise).filter(Enterprise.id.in_(list(found)))
    if user is not None:
        query = query.filter(enterprise_condition(user, Enterprise.id))
    if township:
        query = query.filter(Enterprise.township == township)
    if industry:
        query = query.filter(Enterprise.industry == industry)
    if tag:
        query = query.filter(tagged(Enterprise.id, [tag]))
    enterprises = query.all()
    ids = [e.id for e in enterprises]
    open_cases, inspected = _open_cases(session, ids), last_inspected(session, ids)
    result = []
    for enterprise in enterprises:
        reasons = sorted(found[enterprise.id], key=lambda r: REASONS.index(r.code))
        scored = classes.get(enterprise.id)
        result.append(Priority(enterprise, reasons, open_cases.get(enterprise.id, 0), inspected.get(enterprise.id),
                               scored.cooperation_class if scored else None))
    result.sort(key=lambda p: (-len(p.reasons), CLASS_ORDER[p.cooperation_class], p.enterprise.name, p.enterprise.id))
    return result


def _open_cases(session, enterprise_ids):
    """{enterprise id: its cases not closed}."""
    if not enterprise_ids:
        return {}
    rows = session.query(HazardCase.enterprise_id, func.count(HazardCase.id)) \
        .filter(HazardCase.enterprise_id.in_(enterprise_ids), HazardCase.status != "closed") \
        .group_by(HazardCase.enterprise_id)
    return dict(rows.all())


def filter_choices(session):
    """(townships, industries) of the register, for the page's filters."""
    townships = [t for (t,) in session.query(Enterprise.township).distinct().order_by(Enterprise.township) if t]
    industries = [i for (i,) in session.query(Enterprise.industry).distinct().order_by(Enterprise.industry) if i]
    return townships, industries
