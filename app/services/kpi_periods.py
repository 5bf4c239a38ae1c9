"""The periods the project KPIs (services/kpi.py) are read over, and the months of their trend.

A period is a service project's whole period, one of its phases, a calendar quarter or any range of days. The phases
are the tender's (seed 000 lines 100–112): 准备阶段 the project's months 1–2, 实施阶段 months 3–9, 整改阶段 months 10–11,
总结阶段 month 12 to the end. A project month runs from its start's day of the month to the day before it the next
month (a project starting on June 15 has its month 1 from June 15 to July 14); a phase ends with the project at the
latest, and one that would start after the project's end does not exist (a three-month project has 准备 and a
one-month 实施, nothing more). The seed's table names each phase's key indicators (关键指标), shown first for it."""
import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..errors import NotAllowed, NotFound, ValidationFailed
from ..models import ServiceProject
from . import service_projects
from .field_rules import parse_date, raise_if, row_id
from .training_targets import Quarter

MAX_DAYS = 366 * 3  # as the statistics (services/reports.py)
PHASES = {"prep": (1, 2), "implement": (3, 9), "rectify": (10, 11), "summary": (12, None)}
PHASE_KEYS = {"prep": ("certification", "calibration"), "implement": ("coverage", "accuracy"),
              "rectify": ("rectification", "verification"), "summary": ()}


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # included
    kind: str  # "project" | "phase" | "quarter" | "range"
    phase: str = None  # a key of PHASES
    quarter: str = None  # "2026Q4"
    key_indicators: tuple = field(default=())

    def months(self):
        """[(month "2026-11", first day, last day)] of the calendar months the period touches, clipped to it."""
        result, first = [], self.start.replace(day=1)
        while first <= self.end:
            last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
            result.append((f"{first:%Y-%m}", max(first, self.start), min(last, self.end)))
            first = last + timedelta(days=1)
        return result


def add_months(day, months):
    """The same day of the month `months` later (the month's last day when it has no such day)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def phase_bounds(project, key):
    """(first day, last day) of the project's phase `key`, or None when the project ends before it starts."""
    first_month, last_month = PHASES[key]
    start = add_months(project.start_on, first_month - 1)
    if start > project.end_on:
        return None
    end = project.end_on if last_month is None else add_months(project.start_on, last_month) - timedelta(days=1)
    return start, min(end, project.end_on)


def phases(project):
    """[(key, first day, last day)] of the phases the project has."""
    return [(key, *bounds) for key in PHASES if (bounds := phase_bounds(project, key)) is not None]


def may_choose_project(user):
    """Township offices read the case figures of their area, not the contractor's projects (403 on them, as on
    /service-projects); a user who also holds a county-wide role reads the county and its projects."""
    return service_projects.reads_all(user)


def default_project(session, today):
    """The project running today (the earliest started), else the one that ended last, else None."""
    running = service_projects.current_projects(session, today)
    if running:
        return running[0]
    return session.query(ServiceProject).filter(ServiceProject.start_on <= today) \
        .order_by(ServiceProject.end_on.desc(), ServiceProject.id.desc()).first()


def choose(session, user, args, today):
    """(project or None, Period) from the query's `project_id`, `phase`, `quarter`, `from`, `to` (text). The
    period: `from`–`to` when given (both), else the quarter, else the project's phase, else the project's whole
    period; without a project (none chosen, none exists, or a township office) the current quarter. ValidationFailed
    names each wrong field; an unknown project is NotFound; a township office asking for a project NotAllowed."""
    errors = {}
    project = _project(session, user, args.get("project_id"), today, errors)
    phase = (args.get("phase") or "").strip()
    quarter_text = (args.get("quarter") or "").strip()
    start, end = parse_date(args.get("from"), "from", errors), parse_date(args.get("to"), "to", errors)
    if (start is None) != (end is None) and not errors:
        errors["to" if end is None else "from"] = "起止日期须同时填写 / give both the first and the last day"
    if phase and phase not in PHASES:
        errors["phase"] = "阶段不正确 / unknown phase (prep, implement, rectify, summary)"
    elif phase and project is None:
        errors["phase"] = "按阶段查看须选择服务项目 / a phase needs a service project"
    elif phase and phase_bounds(project, phase) is None:
        errors["phase"] = "该项目没有这个阶段（项目期间较短）/ the project is too short to have this phase"
    quarter = Quarter.parse(quarter_text) if quarter_text else None
    if quarter_text and quarter is None:
        errors["quarter"] = "季度格式应为 2026Q4 / a quarter is written 2026Q4"
    raise_if(errors)
    if start is not None:
        period = Period(start, end, "range")
    elif quarter is not None:
        period = Period(quarter.start, quarter.end - timedelta(days=1), "quarter", quarter=quarter.code)
    elif phase:
        period = Period(*phase_bounds(project, phase), "phase", phase=phase, key_indicators=PHASE_KEYS[phase])
    elif project is not None:
        period = Period(project.start_on, project.end_on, "project")
    else:
        quarter = Quarter.of(today)
        period = Period(quarter.start, quarter.end - timedelta(days=1), "quarter", quarter=quarter.code)
    _check_length(period)
    return project, period


def _project(session, user, value, today, errors):
    text = (value or "").strip() if isinstance(value, str) else value
    if not may_choose_project(user):
        if text:
            raise NotAllowed("属地监管部门查看本辖区的案件指标，不选择服务项目 / township offices read their area's case "
                             "figures without a service project")
        return None
    if not text:
        return default_project(session, today)
    number = row_id(text)
    if number is None:
        errors["project_id"] = "服务项目编号不正确 / the project id is a whole number"
        return None
    project = session.get(ServiceProject, number)
    if project is None:
        raise NotFound("服务项目不存在 / service project not found")
    return project


def _check_length(period):
    if period.end < period.start:
        raise ValidationFailed("结束日期早于开始日期 / the last day is before the first",
                               fields={"to": "结束日期早于开始日期 / the last day is before the first"})
    if (period.end - period.start).days > MAX_DAYS:
        message = f"期间最长 {MAX_DAYS} 天 / at most {MAX_DAYS} days"
        raise ValidationFailed(message, fields={"to": message})
