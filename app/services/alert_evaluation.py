"""What an alert rule (models/alert_rule.py) matches now: one SQL statement per rule, filtered and grouped by the
database (a county holds 100,000s of cases; bench/alert_rules.py times it), never a Python loop over the cases.

The kinds and their numbers:
  open_days         a case not closed whose registration is more than N calendar days ago
  rectifying_days   a case whose current rectification task (整改, the READY human task) was created more than N
                    calendar days ago: since the assignment, or since this round's rectification began (a failed
                    verification or a re-grading starts a new period). The seed's example: 整改周期超过 7 天
  overdue_workdays  a case not closed whose rectification deadline passed more than N working days ago (N = 0: any
                    overdue case), counted on the working-day calendar (services/calendar.py)
  many_hazards      an enterprise with more than N hazards registered within the last M calendar days
  open_majors       an enterprise with N or more cases of grade 重大 or 特别重大 not closed
  recurrence        an enterprise where the same hazard type was registered twice or more within M calendar days
                    (the bureau's recurrence rate, DOMAIN.md, counts the same within 6 months)

The scope narrows the enterprises (townships, industries, scales, any of the risk tags, the township's latest
regional risk level — each empty = all; different filters must all hold) and the cases counted (grades)."""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from ..clock import SHANGHAI, clock
from ..models import Enterprise, HazardCase, HumanTask, RegionRiskChange
from .calendar import WorkingCalendar
from .enterprise_tags import tagged

MAJOR_GRADES = ("major", "especially_major")
RECURRENCE_COUNT = 2  # "found again": the same type twice within the window


@dataclass(frozen=True)
class Match:
    subject_type: str  # "case" | "enterprise"
    subject_id: int
    enterprise_id: int
    case_id: int = None
    summary: str = ""


def matches(session, rule, now=None):
    """[Match] of `rule` now (whether it is enabled or not: the dry run asks too), in subject order."""
    now = now or clock.now()
    return sorted(_KINDS[rule.kind](session, rule, now), key=lambda m: m.subject_id)


def _scope(rule):
    """SQL conditions on the cases' enterprise and grade from the rule's scope."""
    conditions = []
    if rule.townships:
        conditions.append(Enterprise.township.in_(list(rule.townships)))
    if rule.industries:
        conditions.append(Enterprise.industry.in_(list(rule.industries)))
    if rule.scales:
        conditions.append(Enterprise.scale.in_(list(rule.scales)))
    if rule.tags:
        conditions.append(tagged(Enterprise.id, rule.tags))
    if rule.region_levels:
        latest = select(func.max(RegionRiskChange.id)).group_by(RegionRiskChange.township)
        conditions.append(Enterprise.township.in_(select(RegionRiskChange.township).where(
            RegionRiskChange.id.in_(latest), RegionRiskChange.level_after.in_(list(rule.region_levels)))))
    cases = [HazardCase.enterprise_id.in_(select(Enterprise.id).where(*conditions))] if conditions else []
    if rule.grades:
        cases.append(HazardCase.grade.in_(list(rule.grades)))
    return cases


def _days(moment, now):
    return max(0, (now - moment).days)


def _open_days(session, rule, now):
    rows = session.execute(select(HazardCase.id, HazardCase.enterprise_id, HazardCase.code, HazardCase.registered_at)
                           .where(HazardCase.status != "closed",
                                  HazardCase.registered_at < now - timedelta(days=rule.n), *_scope(rule)))
    return [Match("case", i, e, i, f"{code} 登记已 {_days(at, now)} 天未销号") for i, e, code, at in rows]


def _rectifying_days(session, rule, now):
    started = func.min(HumanTask.created_at)
    rows = session.execute(select(HazardCase.id, HazardCase.enterprise_id, HazardCase.code, started)
                           .join(HumanTask, HumanTask.case_id == HazardCase.id)
                           .where(HumanTask.form_key == "rectification", HazardCase.status != "closed",
                                  HumanTask.created_at < now - timedelta(days=rule.n), *_scope(rule))
                           .group_by(HazardCase.id, HazardCase.enterprise_id, HazardCase.code))
    return [Match("case", i, e, i, f"{code} 整改已 {_days(at, now)} 天") for i, e, code, at in rows]


def _overdue_workdays(session, rule, now):
    cutoff = WorkingCalendar.load().add_workdays(now, -rule.n).moment if rule.n else now
    rows = session.execute(select(HazardCase.id, HazardCase.enterprise_id, HazardCase.code,
                                  HazardCase.rectification_due)
                           .where(HazardCase.status != "closed", HazardCase.rectification_due < cutoff, *_scope(rule)))
    return [Match("case", i, e, i, f"{code} 整改期限 {due.astimezone(SHANGHAI):%Y-%m-%d} 已过，逾期超过 {rule.n} 个工作日")
            for i, e, code, due in rows]


def _many_hazards(session, rule, now):
    count = func.count(HazardCase.id)
    rows = session.execute(select(HazardCase.enterprise_id, count)
                           .where(HazardCase.registered_at >= now - timedelta(days=rule.m), *_scope(rule))
                           .group_by(HazardCase.enterprise_id).having(count > rule.n))
    return [Match("enterprise", e, e, None, f"{rule.m} 天内登记隐患 {c} 条") for e, c in rows]


def _open_majors(session, rule, now):
    count = func.count(HazardCase.id)
    rows = session.execute(select(HazardCase.enterprise_id, count)
                           .where(HazardCase.status != "closed", HazardCase.grade.in_(MAJOR_GRADES), *_scope(rule))
                           .group_by(HazardCase.enterprise_id).having(count >= rule.n))
    return [Match("enterprise", e, e, None, f"未销号重大及以上隐患 {c} 条") for e, c in rows]


def _recurrence(session, rule, now):
    count = func.count(HazardCase.id)
    rows = session.execute(select(HazardCase.enterprise_id, HazardCase.hazard_type, count)
                           .where(HazardCase.registered_at >= now - timedelta(days=rule.m), *_scope(rule))
                           .group_by(HazardCase.enterprise_id, HazardCase.hazard_type)
                           .having(count >= RECURRENCE_COUNT)
                           .order_by(HazardCase.enterprise_id, HazardCase.hazard_type))
    found = {}
    for enterprise_id, hazard_type, times in rows:  # the recurring (enterprise, type) pairs only
        found.setdefault(enterprise_id, []).append(f"{hazard_type} ×{times}")
    return [Match("enterprise", e, e, None, f"{rule.m} 天内同类隐患再次发现：{'、'.join(types)}"[:300])
            for e, types in found.items()]


_KINDS = {"open_days": _open_days, "rectifying_days": _rectifying_days, "overdue_workdays": _overdue_workdays,
          "many_hazards": _many_hazards, "open_majors": _open_majors, "recurrence": _recurrence}
