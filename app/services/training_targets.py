"""The training targets (培训目标) and who is below them:

- on-site trainings per served enterprise per quarter (seed 000 line 738 "每季度安排不少于 2 次现场培训"): the
  enterprises served in the quarter are the rosters of the service projects whose period overlaps it
  (services/service_projects.py); without any such project, the enterprises with open hazard cases (those the team
  is working with now). Each counts the enterprise-facing sessions held in the quarter that name it.
- each staff member's training hours in a year (seed 000 line 848 "全年培训学时不少于 40 课时"): the hours of the
  internal sessions they attended (STAFF_ROLES, active users).
- the certification rate (人员持证率 100 %, seed 000 line 110): the same staff holding at least one certificate valid
  today (services/staff_certificates.py) over all of them.

The targets are configuration (TRAINING_ONSITE_PER_QUARTER, TRAINING_STAFF_HOURS_PER_YEAR); the callers pass them in.
The quarter is the clock's, so tests move it."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ..clock import clock
from ..models import (Enterprise, HazardCase, ServiceProject, ServiceProjectEnterprise, StaffCertificate,
                      TrainingAttendee, TrainingEnterprise, TrainingSession, User)
from . import staff_certificates
from .trainings import day_start, staff_choices
from .training_plans import check_may_read

DEFAULT_ONSITE_PER_QUARTER = 2
DEFAULT_STAFF_HOURS_PER_YEAR = 40


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int  # 1-4

    @property
    def start(self):
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self):  # the first day after it
        return date(self.year + 1, 1, 1) if self.number == 4 else date(self.year, 3 * self.number + 1, 1)

    @property
    def code(self):
        return f"{self.year}Q{self.number}"

    @classmethod
    def of(cls, day):
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text):
        """"2026Q4" → Quarter(2026, 4); None for anything else."""
        text = str(text or "").strip().upper()
        if len(text) == 6 and text[:4].isdigit() and text[4] == "Q" and text[5] in "1234":
            return cls(int(text[:4]), int(text[5]))
        return None


def current_quarter():
    return Quarter.of(clock.local_now().date())


@dataclass
class EnterpriseProgress:
    enterprise: Enterprise
    held: int
    target: int

    @property
    def missing(self):
        return max(0, self.target - self.held)


@dataclass
class QuarterTarget:
    quarter: Quarter
    source: str  # "projects": service project rosters; "open_cases": enterprises with open cases
    rows: list  # EnterpriseProgress, those below target first

    @property
    def below(self):
        return [r for r in self.rows if r.missing]


def served_enterprise_ids(session, quarter):
    """(enterprise ids, source) the team serves in the quarter."""
    rosters = select(ServiceProjectEnterprise.enterprise_id).join(ServiceProject).where(
        ServiceProject.start_on < quarter.end, ServiceProject.end_on >= quarter.start)
    ids = {i for (i,) in session.execute(rosters)}
    if ids or session.query(ServiceProject.id).filter(ServiceProject.start_on < quarter.end,
                                                       ServiceProject.end_on >= quarter.start).first():
        return ids, "projects"
    return {i for (i,) in session.query(HazardCase.enterprise_id).filter(HazardCase.status != "closed").distinct()}, \
        "open_cases"


def quarter_target(session, user, quarter=None, per_quarter=DEFAULT_ONSITE_PER_QUARTER):
    check_may_read(user)
    quarter = quarter or current_quarter()
    ids, source = served_enterprise_ids(session, quarter)
    counts = dict(session.query(TrainingEnterprise.enterprise_id, func.count(TrainingSession.id))
                  .join(TrainingSession, TrainingSession.id == TrainingEnterprise.training_id)
                  .filter(TrainingSession.kind == "enterprise", TrainingSession.held_at >= day_start(quarter.start),
                          TrainingSession.held_at < day_start(quarter.end),
                          TrainingEnterprise.enterprise_id.in_(ids or [0]))
                  .group_by(TrainingEnterprise.enterprise_id).all())
    enterprises = session.query(Enterprise).filter(Enterprise.id.in_(ids or [0])).all()
    rows = [EnterpriseProgress(e, counts.get(e.id, 0), per_quarter) for e in enterprises]
    rows.sort(key=lambda r: (-r.missing, r.enterprise.name, r.enterprise.id))
    return QuarterTarget(quarter, source, rows)


@dataclass
class StaffHours:
    user: User
    hours: float
    sessions: int
    target: float

    @property
    def missing(self):
        return max(0.0, self.target - self.hours)


def staff_hours(session, user, year, minimum=DEFAULT_STAFF_HOURS_PER_YEAR):
    """Every active staff member's internal training hours in the year, those furthest below the minimum first."""
    check_may_read(user)
    totals = {uid: (hours, n) for uid, hours, n in session.query(
        TrainingAttendee.user_id, func.sum(TrainingSession.hours), func.count(TrainingSession.id))
        .join(TrainingSession, TrainingSession.id == TrainingAttendee.training_id)
        .filter(TrainingSession.kind == "internal", TrainingAttendee.user_id.is_not(None),
                TrainingSession.held_at >= day_start(date(year, 1, 1)),
                TrainingSession.held_at < day_start(date(year + 1, 1, 1)))
        .group_by(TrainingAttendee.user_id).all()}
    rows = [StaffHours(u, float(totals.get(u.id, (0, 0))[0] or 0), totals.get(u.id, (0, 0))[1], minimum)
            for u in staff_choices(session)]
    rows.sort(key=lambda r: (-r.missing, r.user.display_name, r.user.id))
    return rows


@dataclass
class StaffCertification:
    user: User
    valid: list  # the certificates valid today
    others: list  # the rest: expired, not yet valid

    @property
    def holds(self):
        return bool(self.valid)


@dataclass
class CertificationRate:
    day: date
    rows: list  # StaffCertification, those without a valid certificate first

    @property
    def holding(self):
        return sum(1 for r in self.rows if r.holds)

    @property
    def without(self):
        return [r for r in self.rows if not r.holds]

    @property
    def percent(self):
        """The rate in percent to one decimal, None without staff to count."""
        return round(100 * self.holding / len(self.rows), 1) if self.rows else None


def certification(session, user, day=None):
    """人员持证率: every active staff member (STAFF_ROLES, as the training hours count) with their certificates valid
    on `day` (today by default), those without one first."""
    check_may_read(user)
    return certification_rate(session, day)


def certification_rate(session, day=None):
    """The rate of `certification`, for callers that checked their reader themselves (the project KPIs)."""
    day = day or staff_certificates.today()
    staff = staff_choices(session)
    by_user = {}
    for cert in session.query(StaffCertificate).filter(StaffCertificate.user_id.in_([u.id for u in staff] or [0])) \
            .order_by(StaffCertificate.valid_to, StaffCertificate.id):
        by_user.setdefault(cert.user_id, []).append(cert)
    rows = []
    for person in staff:
        held = by_user.get(person.id, [])
        valid = [c for c in held if staff_certificates.state(c, day) in ("valid", "expiring")]
        rows.append(StaffCertification(person, valid, [c for c in held if c not in valid]))
    rows.sort(key=lambda r: (r.holds, r.user.display_name, r.user.id))
    return CertificationRate(day, rows)
