"""A service project's coverage against its roster (服务对象名单) within its period: of the enterprises in scope, which
were visited (an inspection visit dated in the period, both ends included — a visit the day before the start does
not count), which confirmed a visit's results (排查结果确认, services/visit_reports.py, whenever they confirmed), which
have an issued service report (services/service_reports.py; issued and not withdrawn, its period overlapping the
project's), and the hazards registered at them in the period with how many are closed now.

The contract's target (覆盖不少于 85%) is read against `visited`. The register-wide coverage of the inspection list
(services/inspections.py `coverage`) keeps its own meaning: every enterprise on the register, visited or with a hazard
registered; this one counts visits only, as the roster's service is visiting each enterprise in person."""
import math
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func

from ..models import Enterprise, HazardCase, InspectionVisit, ServiceProjectEnterprise, ServiceReport
from .service_report_facts import day_bounds


@dataclass
class EnterpriseCoverage:
    enterprise: Enterprise
    visits: int = 0
    last_visit: date = None
    confirmed: int = 0  # visits of the period the enterprise confirmed
    hazards: int = 0
    closed: int = 0
    report_id: int = None  # an issued service report covering part of the period

    @property
    def open(self):
        return self.hazards - self.closed


def _percent(part, whole):
    return round(100 * part / whole, 1) if whole else None


@dataclass
class ProjectCoverage:
    project: object
    rows: list = field(default_factory=list)  # EnterpriseCoverage, by enterprise name

    @property
    def roster_size(self):
        return len(self.rows)

    def _count(self, test):
        return sum(1 for row in self.rows if test(row))

    @property
    def visited(self):
        return self._count(lambda r: r.visits)

    @property
    def confirmed(self):
        return self._count(lambda r: r.confirmed)

    @property
    def reported(self):
        return self._count(lambda r: r.report_id)

    @property
    def hazards(self):
        return sum(r.hazards for r in self.rows)

    @property
    def closed(self):
        return sum(r.closed for r in self.rows)

    @property
    def open(self):
        return self.hazards - self.closed

    @property
    def visited_percent(self):
        return _percent(self.visited, self.roster_size)

    @property
    def confirmed_percent(self):
        return _percent(self.confirmed, self.roster_size)

    @property
    def reported_percent(self):
        return _percent(self.reported, self.roster_size)

    @property
    def needed(self):
        """Enterprises to visit to reach the target: ⌈target % of the roster⌉."""
        return math.ceil(self.project.target_percent * self.roster_size / 100)

    @property
    def remaining(self):
        return max(0, self.needed - self.visited)

    @property
    def on_target(self):
        return self.roster_size > 0 and self.visited >= self.needed

    @property
    def not_visited(self):
        return [r for r in self.rows if not r.visits]

    @property
    def not_confirmed(self):
        """Without a confirmed visit in the period (the unvisited ones among them)."""
        return [r for r in self.rows if not r.confirmed]

    @property
    def not_reported(self):
        return [r for r in self.rows if not r.report_id]

    def numbers(self):
        """The figures as plain data (the API, the list page)."""
        return {"roster": self.roster_size, "visited": self.visited, "visited_percent": self.visited_percent,
                "confirmed": self.confirmed, "confirmed_percent": self.confirmed_percent,
                "reported": self.reported, "reported_percent": self.reported_percent,
                "hazards": {"found": self.hazards, "closed": self.closed, "open": self.open},
                "target_percent": self.project.target_percent, "needed": self.needed, "remaining": self.remaining,
                "on_target": self.on_target}


def compute(session, project, enterprise_id=None, until=None):
    """The project's coverage (only `enterprise_id`'s row when given: what its own staff see); with `until` (a day),
    as it stood then: counted from the project's start to that day (the project's end at the latest) — the project
    KPIs' cumulative coverage at the end of a period or a month (services/kpi.py)."""
    start = project.start_on
    end = min(until, project.end_on) if until is not None else project.end_on
    roster = session.query(ServiceProjectEnterprise.enterprise_id).filter(
        ServiceProjectEnterprise.project_id == project.id)
    if enterprise_id is not None:
        roster = roster.filter(ServiceProjectEnterprise.enterprise_id == enterprise_id)
    companies = session.query(Enterprise).filter(Enterprise.id.in_(roster)) \
        .order_by(Enterprise.name, Enterprise.id).all()
    rows = {c.id: EnterpriseCoverage(c) for c in companies}
    if rows:
        ids = list(rows)
        _visits(session, start, end, ids, rows)
        _hazards(session, start, end, ids, rows)
        _reports(session, start, end, ids, rows)
    return ProjectCoverage(project, list(rows.values()))


def _in_chunks(ids, size=500):
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _visits(session, start, end, ids, rows):
    confirmed = func.sum(case((InspectionVisit.acknowledged_at.is_not(None), 1), else_=0))
    for chunk in _in_chunks(ids):
        query = session.query(InspectionVisit.enterprise_id, func.count(InspectionVisit.id),
                              func.max(InspectionVisit.visited_on), confirmed) \
            .filter(InspectionVisit.enterprise_id.in_(chunk), InspectionVisit.visited_on >= start,
                    InspectionVisit.visited_on <= end).group_by(InspectionVisit.enterprise_id)
        for enterprise_id, count, last, acknowledged in query:
            row = rows[enterprise_id]
            row.visits, row.last_visit, row.confirmed = count, last, int(acknowledged or 0)


def _hazards(session, start, end, ids, rows):
    lower, upper = day_bounds(start, end)
    closed = func.sum(case((HazardCase.status == "closed", 1), else_=0))
    for chunk in _in_chunks(ids):
        query = session.query(HazardCase.enterprise_id, func.count(HazardCase.id), closed) \
            .filter(HazardCase.enterprise_id.in_(chunk), HazardCase.registered_at >= lower,
                    HazardCase.registered_at < upper).group_by(HazardCase.enterprise_id)
        for enterprise_id, count, done in query:
            rows[enterprise_id].hazards, rows[enterprise_id].closed = count, int(done or 0)


def _reports(session, start, end, ids, rows):
    for chunk in _in_chunks(ids):
        query = session.query(ServiceReport.enterprise_id, func.max(ServiceReport.id)) \
            .filter(ServiceReport.enterprise_id.in_(chunk), ServiceReport.status == "issued",
                    ServiceReport.period_start <= end, ServiceReport.period_end >= start) \
            .group_by(ServiceReport.enterprise_id)
        for enterprise_id, report_id in query:
            rows[enterprise_id].report_id = report_id
