"""What the staff scorecards (绩效考核, services/performance.py) count for a month, per member of the field staff,
each read through the service that keeps or shows it elsewhere so that the figures agree with those pages:

- visits (排查走访): the month's inspection visits (by their day) whose team the member is on — the user who recorded
  it, or a user named among its inspectors who may record visits — as visit_checkins.may_check_in says; each with the
  member's own check-in flags (visit_checkins.row_flags: far, no position, under 4 hours, no check-out), or
  "no_check_in" when the member has no check-in at that visit.
- hazards registered (登记隐患): the cases the member registered in the month (registration time, Shanghai), each marked
  re-graded and / or found wanting by a quality sample as the project KPIs' identification accuracy counts them
  (kpi.misidentified), whenever that happened since.
- verifications (复核验收): the member's completed `verification` tasks in the month (the case history's task_completed
  rows), each on time when completed no later than the verification deadline then in force — the case's
  `verification_due`, read from the last case_updated row that set it before the completion.
- satisfaction (客户满意度): the visit ratings of the month's visits the member recorded (satisfaction.by_recorder).
- upheld complaints (投诉属实): complaints about a visit whose answer, concluded upheld, was approved in the month;
  they count against every member of that visit's team.
- supervision records (督查记录): the month's records (by the day of the check) that checked the member.
- quality incidents (质量事故, services/quality_incidents.py): the incidents notified company-wide (已通报) in the month
  that name the member responsible with a measure other than 免予追责."""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select

from ..clock import SHANGHAI, clock, start_of_local_day
from ..models import (AuditEvent, HazardCase, InspectionVisit, QualityIncident, QualityIncidentPerson,
                      ServiceComplaint, StaffSupervision, StaffSupervisionPerson, User, UserRole, VisitCheckin)
from . import kpi, satisfaction, visit_checkins

FIELD_ROLES = ("inspector", "project_team", "project_lead")
VERIFICATION_FORM = "verification"  # the tiered verification of 一般 / 较大 hazards (project team, supervision)


@dataclass(frozen=True)
class Month:
    year: int
    number: int

    @property
    def label(self):
        return f"{self.year}-{self.number:02d}"

    @property
    def first(self):
        return date(self.year, self.number, 1)

    @property
    def after(self):
        """The first day of the next month."""
        return date(self.year + (self.number == 12), self.number % 12 + 1, 1)

    @property
    def last(self):
        return self.after - timedelta(days=1)

    def bounds(self):
        """The month's first and the next month's first instant (Shanghai)."""
        return start_of_local_day(self.first), start_of_local_day(self.after)

    @classmethod
    def of(cls, day):
        return cls(day.year, day.month)


@dataclass
class VisitSignal:
    visit: InspectionVisit
    flags: list  # the member's check-in flags at the visit ([] when in order)


@dataclass
class CaseSignal:
    id: int
    code: str
    registered_at: datetime
    grade: str
    regraded: bool
    quality_problem: bool

    @property
    def clean(self):
        return not (self.regraded or self.quality_problem)


@dataclass
class VerificationSignal:
    case_id: int
    code: str
    done_at: datetime
    due_at: datetime  # None: no deadline was in force (counted on time)
    passed: bool

    @property
    def on_time(self):
        return self.due_at is None or self.done_at <= self.due_at


@dataclass
class Signals:
    user: User
    visits: list = field(default_factory=list)
    cases: list = field(default_factory=list)
    verifications: list = field(default_factory=list)
    satisfaction: object = None  # satisfaction.Tally of the visits the member recorded, None without visits
    complaints: list = field(default_factory=list)  # ServiceComplaint
    supervisions: list = field(default_factory=list)  # StaffSupervision
    incidents: list = field(default_factory=list)  # QualityIncident the member was held to account for


def field_staff(session, user_ids=None):
    """Active users holding a field role (inspector, project team, project lead), by name; only `user_ids` if given."""
    query = session.query(User).filter(User.active.is_(True), User.id.in_(
        select(UserRole.user_id).where(UserRole.role.in_(FIELD_ROLES))))
    if user_ids is not None:
        query = query.filter(User.id.in_(list(user_ids) or [0]))
    return query.order_by(User.display_name, User.id).all()


def collect(session, month, staff):
    """{user id: Signals} of the month for the users `staff` (field_staff's)."""
    found = {user.id: Signals(user) for user in staff}
    if not found:
        return found
    begin, finish = month.bounds()
    _visits(session, month, staff, found)
    _cases(session, begin, finish, found)
    _verifications(session, begin, finish, found)
    recorded = satisfaction.by_recorder(session, satisfaction.SatisfactionFilter(month.first, month.last))
    for user_id, signals in found.items():
        signals.satisfaction = recorded.get(user_id)
    _complaints(session, begin, finish, staff, found)
    _supervisions(session, month, found)
    _incidents(session, begin, finish, found)
    return found


def team_of(visit, staff):
    """The members of `staff` on the visit's team (visit_checkins: the recorder, or named and a recording role)."""
    return [user for user in staff if visit_checkins.may_check_in(user, visit)]


def _visits(session, month, staff, found):
    visits = session.query(InspectionVisit).filter(InspectionVisit.visited_on >= month.first,
                                                   InspectionVisit.visited_on < month.after) \
        .order_by(InspectionVisit.visited_on, InspectionVisit.id).all()
    if not visits:
        return
    rows = {(row.visit_id, row.user_id): row for row in session.query(VisitCheckin).filter(
        VisitCheckin.visit_id.in_([v.id for v in visits]), VisitCheckin.user_id.in_(list(found)))}
    today = clock.local_now().date()
    for visit in visits:
        for user in team_of(visit, staff):
            row = rows.get((visit.id, user.id))
            flags = visit_checkins.row_flags(row, today) if row is not None else ["no_check_in"]
            found[user.id].visits.append(VisitSignal(visit, flags))


def _cases(session, begin, finish, found):
    cohort = select(HazardCase.id).where(HazardCase.inspector_id.in_(list(found)), HazardCase.registered_at >= begin,
                                         HazardCase.registered_at < finish)
    regraded, sampled = kpi.misidentified(cohort)
    revised, problems = set(session.scalars(regraded)), set(session.scalars(sampled))
    for row in session.execute(select(HazardCase.id, HazardCase.code, HazardCase.inspector_id,
                                      HazardCase.registered_at, HazardCase.grade)
                               .where(HazardCase.id.in_(cohort)).order_by(HazardCase.registered_at, HazardCase.id)):
        found[row.inspector_id].cases.append(CaseSignal(row.id, row.code, row.registered_at, row.grade,
                                                        row.id in revised, row.id in problems))


def _verifications(session, begin, finish, found):
    done = session.query(AuditEvent).filter(
        AuditEvent.action == "task_completed", AuditEvent.actor_id.in_(list(found)),
        AuditEvent.created_at >= begin, AuditEvent.created_at < finish,
        AuditEvent.details["form_key"].as_string() == VERIFICATION_FORM).order_by(AuditEvent.id).all()
    if not done:
        return
    case_ids = sorted({e.case_id for e in done})
    codes = dict(session.query(HazardCase.id, HazardCase.code).filter(HazardCase.id.in_(case_ids)))
    deadlines = {}  # case id -> [(audit id, deadline set)], oldest first
    for event_id, case_id, changes in session.query(AuditEvent.id, AuditEvent.case_id, AuditEvent.changes).filter(
            AuditEvent.action == "case_updated", AuditEvent.case_id.in_(case_ids),
            AuditEvent.changes[("verification_due", 1)].as_string().is_not(None)).order_by(AuditEvent.id):
        deadlines.setdefault(case_id, []).append((event_id, _moment(changes["verification_due"][1])))
    for event in done:
        due = None
        for event_id, moment in deadlines.get(event.case_id, []):
            if event_id < event.id:
                due = moment
        passed = bool(((event.details or {}).get("submitted") or {}).get("passed"))
        found[event.actor_id].verifications.append(
            VerificationSignal(event.case_id, codes.get(event.case_id, ""), event.created_at, due, passed))


def _moment(value):
    if not isinstance(value, str):
        return value
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=SHANGHAI)


def _complaints(session, begin, finish, staff, found):
    rows = session.query(ServiceComplaint).filter(
        ServiceComplaint.upheld.is_(True), ServiceComplaint.visit_id.isnot(None),
        ServiceComplaint.approved_at >= begin, ServiceComplaint.approved_at < finish) \
        .order_by(ServiceComplaint.approved_at, ServiceComplaint.id).all()
    for complaint in rows:
        for user in team_of(complaint.visit, staff):
            found[user.id].complaints.append(complaint)


def _supervisions(session, month, found):
    rows = session.query(StaffSupervisionPerson.user_id, StaffSupervision) \
        .join(StaffSupervision, StaffSupervision.id == StaffSupervisionPerson.supervision_id) \
        .filter(StaffSupervisionPerson.user_id.in_(list(found)), StaffSupervision.checked_on >= month.first,
                StaffSupervision.checked_on < month.after) \
        .order_by(StaffSupervision.checked_on, StaffSupervision.id)
    for user_id, record in rows:
        found[user_id].supervisions.append(record)


def _incidents(session, begin, finish, found):
    rows = session.query(QualityIncidentPerson.user_id, QualityIncidentPerson.measures, QualityIncident) \
        .join(QualityIncident, QualityIncident.id == QualityIncidentPerson.incident_id) \
        .filter(QualityIncidentPerson.part == "responsible", QualityIncidentPerson.user_id.in_(list(found)),
                QualityIncident.notified_at >= begin, QualityIncident.notified_at < finish) \
        .order_by(QualityIncident.notified_at, QualityIncident.id)
    for user_id, measures, incident in rows:
        if [m for m in measures or [] if m != "none"]:  # 免予追责 goes alone: no measure, no deduction
            found[user_id].incidents.append(incident)
