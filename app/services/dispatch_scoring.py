"""The dispatch score (智能调度 推荐派单, seed 000 lines 774-776: 自动匹配排查任务…实现人员、设备、时间的最优配置): how well
each inspector fits one plan, as four parts in points, each with the facts it was worked out from, so a project lead
reads why — no hidden weights.

Candidates are the active users with the role `inspector`: they record visits and check in on site. The project
team (项目执行小组) verifies 一般 hazards and records no visits, so it is not dispatched to plans; project leads plan
and dispatch but are not candidates either.

A user is on a plan's team when their display name is one of the names in its team (split at 、 , ; / and spaces,
as a visit's team is read for check-ins). A plan counts for workload and distance while not cancelled (done ones
too: the day's work was done); a joint plan counts through its team line as well.

The parts (points are constants here, the README lists them):
- workload: −15 per other plan of theirs on the day, −3 per other plan in the same week (Monday to Sunday), −1 per
  open task claimed in their inbox (at most −10). With DAY_CAPACITY plans on the day already (each visit takes at
  least 4 hours, seed 000) they are full: listed, never suggested.
- distance: only with other plans that day, from the nearest of them: +10 in the same township / park, else
  10 − kilometres (haversine between the enterprises' positions, 企业位置, else the median of their cases'), between
  −10 and +10; 0 when neither township nor positions tell.
- certificate (持证上岗; seed 000 人员持证率 100%): +10 with a staff certificate valid on the plan's day, −20 without.
  The register has no mapping from an enterprise's industry to the certificate kinds it needs, so any kind counts
  (a choice to confirm; README).
- familiarity: visits to this enterprise in the 12 months before the day (recorded by them or naming them): +5 each,
  at most +15 — they know the site. For the unannounced kinds (四不两直, 突击夜查) the sign flips, −5 each, at most −15:
  a face the enterprise does not know is what 不打招呼 needs.
"""
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func

from ..models import Enterprise, HumanTask, InspectionPlan, InspectionVisit, StaffCertificate
from . import photo_metadata, visit_checkins
from .inspection_plans import UNANNOUNCED_KINDS, TEAM_SEPARATORS
from .users import holders_of_role

TEAM_SIZE = 2  # the suggested team: two inspectors
DAY_CAPACITY = 2
DAY_PLAN, WEEK_PLAN, OPEN_TASK, OPEN_TASK_CAP = -15, -3, -1, 10
SAME_TOWNSHIP, NEAR_KM_POINTS = 10, 10
CERTIFICATE_VALID, CERTIFICATE_MISSING = 10, -20
FAMILIAR_VISIT, FAMILIAR_CAP, FAMILIAR_DAYS = 5, 15, 365
PART_CODES = ("workload", "distance", "certificate", "familiarity")


@dataclass
class Part:
    code: str  # one of PART_CODES
    points: int
    facts: dict = field(default_factory=dict)  # what the points were worked out from, for the page's sentence


@dataclass
class Candidate:
    user: object
    parts: list
    full: bool = False  # DAY_CAPACITY plans that day already: never suggested
    on_team: bool = False  # already named on this plan
    suggested: bool = False

    @property
    def total(self):
        return sum(part.points for part in self.parts)

    def part(self, code):
        return next(p for p in self.parts if p.code == code)


def team_names(text):
    return {name for name in TEAM_SEPARATORS.split(text or "") if name}


def week_of(day):
    start = day - timedelta(days=day.weekday())
    return start, start + timedelta(days=6)


class DispatchData:
    """What scoring reads, loaded once for the plans of some days (a plan's page, or an auto-dispatch range):
    the inspectors, their plans of those weeks, claimed tasks, certificates, the enterprises' positions and
    townships, and the visits of the 12 months before. `add_to_team` lets an auto-dispatch count what it proposed."""

    def __init__(self, session, first_day, last_day, enterprise_ids):
        self.inspectors = holders_of_role(session, "inspector")
        by_name = {}
        for user in self.inspectors:
            by_name.setdefault(user.display_name, []).append(user.id)
        self._by_name = by_name
        week_start, week_end = week_of(first_day)[0], week_of(last_day)[1]
        self.plans = session.query(InspectionPlan).filter(
            InspectionPlan.planned_on.between(week_start, week_end), InspectionPlan.cancelled_at.is_(None)).all()
        self.teams = {plan.id: self.team_ids(plan.team) for plan in self.plans}
        ids = [u.id for u in self.inspectors] or [0]
        self.tasks = dict(session.query(HumanTask.assignee_id, func.count(HumanTask.id))
                          .filter(HumanTask.assignee_id.in_(ids)).group_by(HumanTask.assignee_id).all())
        self.certificates = {}
        for cert in session.query(StaffCertificate).filter(StaffCertificate.user_id.in_(ids)):
            self.certificates.setdefault(cert.user_id, []).append(cert)
        places = set(enterprise_ids) | {plan.enterprise_id for plan in self.plans}
        self.sites = visit_checkins.site_positions(session, places)
        self.townships = dict(session.query(Enterprise.id, Enterprise.township).filter(Enterprise.id.in_(places or [0])))
        self.visits = {}  # enterprise id -> [(day, recorder id, the team's names)]
        for eid, day, recorder, names in session.query(
                InspectionVisit.enterprise_id, InspectionVisit.visited_on, InspectionVisit.created_by_id,
                InspectionVisit.inspectors).filter(
                InspectionVisit.enterprise_id.in_(list(enterprise_ids) or [0]),
                InspectionVisit.visited_on >= first_day - timedelta(days=FAMILIAR_DAYS),
                InspectionVisit.visited_on < last_day):
            self.visits.setdefault(eid, []).append((day, recorder, team_names(names)))

    def team_ids(self, text):
        return {uid for name in team_names(text) for uid in self._by_name.get(name, [])}

    def add_to_team(self, plan, user_ids):
        if plan.id not in self.teams:
            self.plans.append(plan)
        self.teams[plan.id] = set(user_ids)

    def plans_of(self, user_id, exclude_id):
        return [p for p in self.plans if p.id != exclude_id and user_id in self.teams.get(p.id, ())]

    def km_between(self, enterprise_a, enterprise_b):
        a, b = self.sites.get(enterprise_a), self.sites.get(enterprise_b)
        if a is None or b is None:
            return None
        return photo_metadata.distance_m(a.latitude, a.longitude, b.latitude, b.longitude) / 1000


def score(data, plan, user):
    """The candidate `user` for `plan`: the four parts."""
    mine = data.plans_of(user.id, plan.id)
    that_day = [p for p in mine if p.planned_on == plan.planned_on]
    monday, sunday = week_of(plan.planned_on)
    week = [p for p in mine if monday <= p.planned_on <= sunday and p.planned_on != plan.planned_on]
    parts = [_workload(len(that_day), len(week), data.tasks.get(user.id, 0)), _distance(data, plan, that_day),
             _certificate(data.certificates.get(user.id, []), plan.planned_on), _familiarity(data, plan, user)]
    return Candidate(user, parts, full=len(that_day) >= DAY_CAPACITY, on_team=user.id in data.teams.get(plan.id, ()))


def ranked(data, plan):
    """Every inspector for `plan`, best first (not full, most points, fewest plans that day, then by id), the first
    TEAM_SIZE who are not full marked as the suggested team."""
    candidates = [score(data, plan, user) for user in data.inspectors]
    candidates.sort(key=lambda c: (c.full, -c.total, c.part("workload").facts["day"], c.user.id))
    for candidate in [c for c in candidates if not c.full][:TEAM_SIZE]:
        candidate.suggested = True
    return candidates


def _workload(day, week, tasks):
    points = DAY_PLAN * day + WEEK_PLAN * week + OPEN_TASK * min(tasks, OPEN_TASK_CAP)
    return Part("workload", points, {"day": day, "week": week, "tasks": tasks, "capacity": DAY_CAPACITY})


def _distance(data, plan, that_day):
    if not that_day:
        return Part("distance", 0, {"alone": True})
    township = (data.townships.get(plan.enterprise_id) or "").strip()
    nearest = None
    for other in that_day:
        km = data.km_between(plan.enterprise_id, other.enterprise_id)
        same = bool(township) and (data.townships.get(other.enterprise_id) or "").strip() == township
        key = (not same, km if km is not None else float("inf"))
        if nearest is None or key < nearest[0]:
            nearest = (key, other, km, same)
    _, other, km, same = nearest
    facts = {"enterprise": other.enterprise.name, "km": None if km is None else round(km, 1), "same": same,
             "township": township}
    if same:
        return Part("distance", SAME_TOWNSHIP, facts)
    if km is None:
        return Part("distance", 0, {**facts, "unknown": True})
    return Part("distance", round(max(-NEAR_KM_POINTS, min(NEAR_KM_POINTS, NEAR_KM_POINTS - km))), facts)


def valid_certificates(certificates, day):
    return [c for c in certificates
            if (c.valid_from is None or c.valid_from <= day) and (c.valid_to is None or c.valid_to >= day)]


def _certificate(certificates, day):
    valid = valid_certificates(certificates, day)
    if not valid:
        return Part("certificate", CERTIFICATE_MISSING, {"kinds": [], "expired": bool(certificates)})
    return Part("certificate", CERTIFICATE_VALID, {"kinds": sorted({c.kind for c in valid})})


def _familiarity(data, plan, user):
    since = plan.planned_on - timedelta(days=FAMILIAR_DAYS)
    visits = sum(1 for day, recorder, names in data.visits.get(plan.enterprise_id, ())
                 if since <= day < plan.planned_on and (recorder == user.id or user.display_name in names))
    prefers_new = plan.kind in UNANNOUNCED_KINDS
    points = min(FAMILIAR_VISIT * visits, FAMILIAR_CAP)
    return Part("familiarity", -points if prefers_new else points, {"visits": visits, "prefers_new": prefers_new})

