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
regional risk level — each empty = all; different filters must all hold) and the cases counted (grades).

Two steps, so that the hourly run converts no more rows than it must: `keys` reads only which subjects match (ids),
and `matches` reads the columns of the alert's text, for the subjects given (`within`: the new ones) or all (the dry
run)."""
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from sqlalchemy import func, select

from ..clock import SHANGHAI, clock
from ..models import Enterprise, HazardCase, HumanTask, ProcessVersion, RegionRiskChange
from ..models.hazard_case import STATUSES
from .calendar import WorkingCalendar
from .enterprise_tags import tagged
from .hazards import REGISTRATION_FORM
from .processes import PROCESS_ID

MAJOR_GRADES = ("major", "especially_major")
# "not closed" as a list the status index can serve (with "!=" SQLite reads every case of the date range instead)
OPEN_STATUSES = tuple(code for code in STATUSES if code != "closed")
# The window kinds read the cases registered in the last M days: on SQLite, by the registration index (its planner
# otherwise walks the enterprise index for the GROUP BY, every case of the county).
_BY_REGISTRATION = "INDEXED BY ix_hazard_case_registered_at"
RECURRENCE_COUNT = 2  # "found again": the same type twice within the window


@dataclass(frozen=True)
class Match:
    subject_type: str  # "case" | "enterprise"
    subject_id: int
    enterprise_id: int
    case_id: int = None
    summary: str = ""


@dataclass(frozen=True)
class _Kind:
    subject: str  # "case" | "enterprise"
    statement: object  # (rule, now, detail) -> SELECT of (subject id, enterprise id[, the text's columns])
    texts: object  # (rule, now, rows) -> [Match]


def keys(session, rule, now=None):
    """{(subject type, subject id): enterprise id} of what `rule` matches now."""
    kind = _KINDS[rule.kind]
    rows = session.execute(kind.statement(rule, now or clock.now(), False))
    return {(kind.subject, subject_id): enterprise_id for subject_id, enterprise_id, *_ in rows}


def matches(session, rule, now=None, within=None):
    """[Match] of `rule` now (enabled or not: the dry run asks too), in subject order; only the subjects whose ids
    are in `within` when given."""
    now, kind = now or clock.now(), _KINDS[rule.kind]
    statement = kind.statement(rule, now, True)
    if within is not None:
        subject = HazardCase.id if kind.subject == "case" else HazardCase.enterprise_id
        statement = statement.where(subject.in_(list(within)))
    texts = partial(_recurrence_texts, names=hazard_type_names(session)) if rule.kind == "recurrence" else kind.texts
    return sorted(texts(rule, now, session.execute(statement).all()), key=lambda m: m.subject_id)


def hazard_type_names(session):
    """{code: name} of the hazard types as the deployed registration form offers them (the catalog the case pages
    show, web/forms_render.Catalog), so an alert's text names 电气安全 rather than `electrical`; empty before any
    deployment (the codes are shown then)."""
    version = session.query(ProcessVersion).filter_by(process_id=PROCESS_ID, is_deployed=True).first()
    form = (version.forms or {}).get(REGISTRATION_FORM, {}) if version is not None else {}
    options = form.get("ui", {}).get("hazard_type", {}).get("options", [])
    return {o["value"]: o.get("title") or o["value"] for o in options if "value" in o}


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


def _case_columns(detail, *columns):
    return (HazardCase.id, HazardCase.enterprise_id, *((HazardCase.code, *columns) if detail else ()))


def _open_days(rule, now, detail):
    return select(*_case_columns(detail, HazardCase.registered_at)).where(
        HazardCase.status.in_(OPEN_STATUSES), HazardCase.registered_at < now - timedelta(days=rule.n), *_scope(rule))


def _open_days_texts(rule, now, rows):
    return [Match("case", i, e, i, f"{code} 登记已 {_days(at, now)} 天未销号") for i, e, code, at in rows]


def _rectifying_days(rule, now, detail):
    started = func.min(HumanTask.created_at)
    return select(*_case_columns(detail, started)).join(HumanTask, HumanTask.case_id == HazardCase.id) \
        .where(HumanTask.form_key == "rectification", HazardCase.status.in_(OPEN_STATUSES),
               HumanTask.created_at < now - timedelta(days=rule.n), *_scope(rule)) \
        .group_by(HazardCase.id, HazardCase.enterprise_id, HazardCase.code)


def _rectifying_days_texts(rule, now, rows):
    return [Match("case", i, e, i, f"{code} 整改已 {_days(at, now)} 天") for i, e, code, at in rows]


def _overdue_workdays(rule, now, detail):
    cutoff = WorkingCalendar.load().add_workdays(now, -rule.n).moment if rule.n else now
    return select(*_case_columns(detail, HazardCase.rectification_due)).where(
        HazardCase.status.in_(OPEN_STATUSES), HazardCase.rectification_due < cutoff, *_scope(rule))


def _overdue_texts(rule, now, rows):
    return [Match("case", i, e, i, f"{code} 整改期限 {due.astimezone(SHANGHAI):%Y-%m-%d} 已过，"
                                    f"逾期超过 {rule.n} 个工作日") for i, e, code, due in rows]


def _many_hazards(rule, now, detail):
    count = func.count(HazardCase.id)
    return select(HazardCase.enterprise_id, HazardCase.enterprise_id, count) \
        .with_hint(HazardCase, _BY_REGISTRATION, "sqlite") \
        .where(HazardCase.registered_at >= now - timedelta(days=rule.m), *_scope(rule)) \
        .group_by(HazardCase.enterprise_id).having(count > rule.n)


def _many_texts(rule, now, rows):
    return [Match("enterprise", e, e, None, f"{rule.m} 天内登记隐患 {c} 条") for e, _e, c in rows]


def _open_majors(rule, now, detail):
    count = func.count(HazardCase.id)
    return select(HazardCase.enterprise_id, HazardCase.enterprise_id, count) \
        .where(HazardCase.status.in_(OPEN_STATUSES), HazardCase.grade.in_(MAJOR_GRADES), *_scope(rule)) \
        .group_by(HazardCase.enterprise_id).having(count >= rule.n)


def _majors_texts(rule, now, rows):
    return [Match("enterprise", e, e, None, f"未销号重大及以上隐患 {c} 条") for e, _e, c in rows]


def _recurrence(rule, now, detail):
    count = func.count(HazardCase.id)
    return select(HazardCase.enterprise_id, HazardCase.enterprise_id, HazardCase.hazard_type, count) \
        .with_hint(HazardCase, _BY_REGISTRATION, "sqlite") \
        .where(HazardCase.registered_at >= now - timedelta(days=rule.m), *_scope(rule)) \
        .group_by(HazardCase.enterprise_id, HazardCase.hazard_type).having(count >= RECURRENCE_COUNT) \
        .order_by(HazardCase.enterprise_id, HazardCase.hazard_type)


def _recurrence_texts(rule, now, rows, names=None):
    found, names = {}, names or {}
    for enterprise_id, _e, hazard_type, times in rows:  # the recurring (enterprise, type) pairs only
        found.setdefault(enterprise_id, []).append(f"{names.get(hazard_type, hazard_type)} ×{times}")
    return [Match("enterprise", e, e, None, f"{rule.m} 天内同类隐患再次发现：{'、'.join(types)}"[:300])
            for e, types in found.items()]


_KINDS = {"open_days": _Kind("case", _open_days, _open_days_texts),
          "rectifying_days": _Kind("case", _rectifying_days, _rectifying_days_texts),
          "overdue_workdays": _Kind("case", _overdue_workdays, _overdue_texts),
          "many_hazards": _Kind("enterprise", _many_hazards, _many_texts),
          "open_majors": _Kind("enterprise", _open_majors, _majors_texts),
          "recurrence": _Kind("enterprise", _recurrence, _recurrence_texts)}
