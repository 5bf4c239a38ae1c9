"""The project KPIs against the tender's targets (项目绩效指标, seed 000 lines 96–112, 118–122, 136, 437), for a service
project or a period (services/kpi_periods.py), each with its numerator and denominator, its target, whether it is
met, and its value month by month. Each figure comes from the service that shows it elsewhere, so the pages agree:

- 排查覆盖率 (coverage): roster enterprises visited / the project's roster (services/service_project_coverage.py),
  cumulative from the project's start to the period's end (to each month's end in the trend); the target is the
  project's own (its contract's 覆盖率目标, the seed's 85 % unless changed), as on the project's page.
- 隐患识别准确率 (identification accuracy): 1 − misidentified / registered, over the cases registered in the period.
  Misidentified: the case's grade was revised after its first grading — by the review at assignment (复核定级) or by
  re-grading during rectification (重新定级, services/regrading.py), read from the case's history (`case_updated`
  rows whose grade had a value before) — or a quality sample of it (services/quality.py, the contractor's rounds
  and the bureau's acceptance checks alike) concluded 发现问题. A case counts once, whichever happened and however
  often; so the numerator of the rate is the cases of the cohort with neither.
- 整改完成率 (rectification): the statistics' 整改率 (services/reports.py): of the cases registered in the period, the
  share closed (销号) now, by month of registration.
- 二次核查通过率 (second-check pass rate): of the cases closed in the period (each a completed verification), those
  closed at their first round (services/verification_rounds.py, by month of closing).
- 线上初审按时率 (initial review on time): of the online initial reviews (services/initial_reviews.py) whose 48 hours
  ended in the period (and by now), those first reviewed within them (initial_review_escalation.on_time_rate), by
  month of the deadline. Not one of the tender's six indicators: the seed's 48-hour commitment (000 L559–575), its
  target 100 % (config KPI_DEFAULTS, KPI_TARGET_INITIAL_REVIEW).
- 人员持证率 (certification): the staff holding a valid certificate (services/training_targets.py) on the period's last
  day, today at the latest (each month's last day in the trend).
- 设备校准合格率 (calibration): in-service instruments with a valid calibration (services/equipment_calibration.py) on
  the same days. The register keeps each instrument's current calibration only: a past month reads today's register.

The case figures (initial reviews included) count the reader's area (the county, or a township office's townships,
services/report_area.py); a township office sees only those (the roster, the contractor's staff and kit are not its business). A figure with an
empty denominator has no value and is neither met nor missed. Met means value ≥ target, compared exactly (as
fractions), so 17 of 20 meets 85 %."""
from dataclasses import dataclass, field
from datetime import timedelta
from fractions import Fraction

from sqlalchemy import case, func, select

from ..clock import clock, start_of_local_day
from ..errors import NotAllowed, NotFound
from ..models import AuditEvent, HazardCase, QualitySample
from . import (equipment_calibration, initial_review_escalation, kpi_periods, report_area, reports,
               service_project_coverage, training_targets)
from .sql_dates import local_month
from .verification_rounds import closures

READERS = ("bureau", "manager", "project_lead", "quality", "admin", "township")
KEYS = ("coverage", "accuracy", "rectification", "verification", "initial_review", "certification", "calibration")
CASE_KEYS = ("accuracy", "rectification", "verification", "initial_review")
LISTED = 200  # cases or enterprises named behind a figure (the counts are complete)


def may_read(user):
    return user.has_role(*READERS)


def check_may_read(user):
    """Enterprise staff: the page does not exist for them (404); other roles without it: 403."""
    if may_read(user):
        return
    if "enterprise" in user.roles:
        raise NotFound("页面不存在 / not found")
    raise NotAllowed("项目绩效指标供应急管理局、管理人员、项目负责人、质量监督专员、属地监管和系统管理员查看 / the project KPIs "
                     "are for the bureau, managers, project leads, quality supervisors, township offices and "
                     "administrators")


@dataclass
class Figure:
    numerator: int = 0
    denominator: int = 0

    @property
    def percent(self):
        """In per cent to one decimal; None without a denominator."""
        return round(100 * self.numerator / self.denominator, 1) if self.denominator else None

    def met(self, target):
        """numerator / denominator ≥ target, exactly; None without a denominator."""
        if not self.denominator:
            return None
        return Fraction(self.numerator, self.denominator) >= Fraction(str(target))


@dataclass
class Indicator:
    key: str  # one of KEYS
    target: float  # a share of 1
    figure: Figure  # None: cannot be counted (no project for the coverage)
    months: list = field(default_factory=list)  # [(month "2026-11", Figure or None)]
    as_of: object = None  # the day a snapshot figure (coverage, certification, calibration) was counted on
    behind: list = field(default_factory=list)  # what falls short, named: [{"id", "code"/"name", "why"?}]
    behind_total: int = 0

    @property
    def met(self):
        return self.figure.met(self.target) if self.figure is not None else None

    @property
    def target_percent(self):
        """The target in per cent as people write it: 85, 97.5, 100."""
        return f"{round(100 * self.target, 2):g}"

    def month_met(self, figure):
        return figure.met(self.target) if figure is not None else None


@dataclass
class Dashboard:
    project: object
    period: kpi_periods.Period
    area: report_area.Area
    today: object
    indicators: dict  # key -> Indicator, in KEYS order (those the reader sees)


def build(session, user, args, targets):
    """The KPIs for `user` from the query `args` (project_id, phase, quarter, from, to); `targets` the configured
    {key: share} (config.KPI_TARGETS)."""
    check_may_read(user)
    today = clock.local_now().date()
    project, period = kpi_periods.choose(session, user, args, today)
    area = report_area.default_for(user)
    found = {"accuracy": accuracy(session, period, area, targets["accuracy"]),
             "rectification": rectification(session, period, area, targets["rectification"]),
             "verification": verification(session, period, area, targets["verification"]),
             "initial_review": initial_review(session, period, area, targets["initial_review"])}
    if area.is_county:
        found["coverage"] = coverage(session, project, period, today, targets["coverage"])
        found["certification"] = certification(session, period, today, targets["certification"])
        found["calibration"] = calibration(session, period, today, targets["calibration"])
    return Dashboard(project, period, area, today, {key: found[key] for key in KEYS if key in found})


def _bounds(start, end):
    return start_of_local_day(start), start_of_local_day(end + timedelta(days=1))


def _series(period, counted):
    """The period's months with the Figure `counted` has for each (an empty one when it has none)."""
    return [(month, counted.get(month, Figure())) for month, _first, _last in period.months()]


# ---- the case figures -------------------------------------------------------------------------------------------
def accuracy(session, period, area, target):
    begin, finish = _bounds(period.start, period.end)
    cohort = select(HazardCase.id).where(HazardCase.registered_at >= begin, HazardCase.registered_at < finish,
                                         area.condition(HazardCase.enterprise_id))
    regraded, sampled = misidentified(cohort)
    revised, problems = set(session.scalars(regraded)), set(session.scalars(sampled))
    dialect = session.get_bind().dialect.name
    month = local_month(dialect, HazardCase.registered_at).label("month")
    flagged = HazardCase.id.in_(regraded.union(sampled))
    counted = {}
    for row in session.execute(select(month, func.count().label("registered"),
                                      func.sum(case((flagged, 1), else_=0)).label("flagged"))
                               .where(HazardCase.id.in_(cohort)).group_by(month)):
        flagged_count = int(row.flagged or 0)
        counted[row.month] = Figure(row.registered - flagged_count, row.registered)
    behind = [{"id": case_id, "code": code,
               "why": [w for w, ids in (("regraded", revised), ("quality_problem", problems)) if case_id in ids]}
              for case_id, code in session.execute(
                  select(HazardCase.id, HazardCase.code).where(flagged, HazardCase.id.in_(cohort))
                  .order_by(HazardCase.registered_at, HazardCase.id).limit(LISTED))]
    return Indicator("accuracy", target, _total(counted), _series(period, counted), behind=behind,
                     behind_total=len(revised | problems))


def misidentified(cohort):
    """(the cases of `cohort` — a select of case ids — whose grade was revised after the first grading, those a
    quality sample concluded 发现问题 of), as selects of case ids: the accuracy's definition, which the staff
    scorecards (services/performance.py) count by registering inspector."""
    regraded = select(AuditEvent.case_id).where(
        AuditEvent.action == "case_updated", AuditEvent.case_id.in_(cohort),
        AuditEvent.changes[("grade", 0)].as_string().is_not(None))
    sampled = select(QualitySample.case_id).where(QualitySample.result == "problem",
                                                  QualitySample.case_id.in_(cohort))
    return regraded, sampled


def rectification(session, period, area, target):
    by_month = reports.rectification_by_month(session, period.start, period.end, area)
    counted = {month: Figure(tally.closed, tally.registered) for month, tally in by_month.items()}
    return Indicator("rectification", target, _total(counted), _series(period, counted))


def verification(session, period, area, target):
    begin, finish = _bounds(period.start, period.end)
    month = local_month(session.get_bind().dialect.name, HazardCase.closed_at)
    condition = area.condition(HazardCase.enterprise_id)
    counted = {key: Figure(first, closed) for key, closed, first in closures(session, begin, finish, month, condition)}
    later = (HazardCase.closed_at >= begin, HazardCase.closed_at < finish, condition, HazardCase.round > 1)
    behind = [{"id": case_id, "code": code, "round": rounds} for case_id, code, rounds in session.execute(
        select(HazardCase.id, HazardCase.code, HazardCase.round).where(*later)
        .order_by(HazardCase.closed_at, HazardCase.id).limit(LISTED))]
    total = _total(counted)
    return Indicator("verification", target, total, _series(period, counted), behind=behind,
                     behind_total=total.denominator - total.numerator)


def initial_review(session, period, area, target):
    """线上初审按时率: per month of the 48 hours' end, (reviewed in time, due) — the initial reviews' own count."""
    condition = area.condition(HazardCase.enterprise_id)
    counted = {}
    for month, first, last in period.months():
        due, kept = initial_review_escalation.on_time_rate(session, *_bounds(first, last), condition)
        counted[month] = Figure(kept, due)
    total = _total(counted)
    return Indicator("initial_review", target, total, _series(period, counted),
                     behind_total=total.denominator - total.numerator)


def _total(counted):
    return Figure(sum(f.numerator for f in counted.values()), sum(f.denominator for f in counted.values()))


# ---- the snapshot figures: as they stood on a day ---------------------------------------------------------------
def _days(period, today):
    """The day the period's figure is counted on, and each month's: its last day, today at the latest; None for a
    period or a month that has not begun."""
    months = [(month, min(last, today) if first <= today else None) for month, first, last in period.months()]
    return (min(period.end, today) if period.start <= today else None), months


def coverage(session, project, period, today, target):
    if project is None:
        return Indicator("coverage", target, None)
    target = project.target_percent / 100
    as_of, months = _days(period, today)

    def on(day):
        if day is None or day < project.start_on:
            return None, None
        found = service_project_coverage.compute(session, project, until=day)
        return Figure(found.visited, found.roster_size), found
    figure, found = on(as_of)
    behind = [{"id": row.enterprise.id, "name": row.enterprise.name} for row in found.not_visited[:LISTED]] \
        if found is not None else []
    return Indicator("coverage", target, figure, [(month, on(day)[0]) for month, day in months], as_of=as_of,
                     behind=behind, behind_total=len(found.not_visited) if found is not None else 0)


def certification(session, period, today, target):
    as_of, months = _days(period, today)

    def on(day):
        if day is None:
            return None
        rate = training_targets.certification_rate(session, day)
        return Figure(rate.holding, len(rate.rows))
    figure = on(as_of)
    return Indicator("certification", target, figure, [(month, on(day)) for month, day in months], as_of=as_of,
                     behind_total=_short(figure))


def calibration(session, period, today, target):
    as_of, months = _days(period, today)

    def on(day):
        if day is None:
            return None
        rate = equipment_calibration.rate(session, day)
        return Figure(rate.valid, rate.total)
    figure = on(as_of)
    return Indicator("calibration", target, figure, [(month, on(day)) for month, day in months], as_of=as_of,
                     behind_total=_short(figure))


def _short(figure):
    return figure.denominator - figure.numerator if figure is not None else 0
