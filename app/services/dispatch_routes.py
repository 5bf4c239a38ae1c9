"""An inspector's day (智能调度 路径规划, seed 000 line 774) and what to look at first at each stop (seed 000 line 776:
对企业历史配合数据进行挖掘，识别常见问题类型…在下次排查前提醒重点关注).

- The day's stops are the plans of that day (not cancelled; done ones stay on the sheet) naming the inspector in
  their team (services/dispatch_scoring.team_names).
- The order is nearest neighbour: from the start, always the closest stop not yet visited, by haversine kilometres
  between the enterprises' positions (企业位置, else the median of their cases': visit_checkins.site_positions). The
  start is the contractor's office (config DISPATCH_OFFICE, by default the county seat), or the first plan of the
  day (lowest id) with DISPATCH_OFFICE=first. Stops without any position go last, in plan order, outside the
  distance. The estimate is straight-line kilometres: the legs, plus the way back to the office when the day
  starts there — roads are longer (a choice to confirm).
- Focus points (重点关注) per stop: the enterprise's most frequent hazard types over its cases (FOCUS_TYPES of them,
  with counts and how many of those are open), its open cases (grade, deadline, overdue), and its latest monthly
  cooperation class and score (a class C enterprise cooperates poorly: 提前制定应对措施).
- Who: a project lead reads any inspector's day; an inspector their own (another's: NotAllowed); other staff
  NotAllowed; enterprise staff, township offices and department users NotFound. A user id that is no active
  inspector is a ValidationFailed (400), as is a malformed day.
"""
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import case, func

from ..clock import clock
from ..errors import NotAllowed, NotFound
from ..models import Checklist, HazardCase, InspectionPlan
from . import checklists, cooperation, photo_metadata, visit_checkins
from .dispatch import hides_dispatch, may_dispatch
from .dispatch_scoring import team_names
from .field_rules import parse_date, raise_if
from .users import holders_of_role

FOCUS_TYPES = 3
FOCUS_OPEN_CASES = 10


@dataclass
class Stop:
    plan: InspectionPlan
    latitude: float = None
    longitude: float = None
    leg_km: float = None  # from the stop (or start) before; None for a stop without a position
    checklists: list = field(default_factory=list)  # the standard lists (Checklist) to use
    focus: "Focus" = None


@dataclass
class Focus:
    types: list = field(default_factory=list)  # [(hazard type, cases, open ones)], most frequent first
    open_cases: list = field(default_factory=list)  # HazardCase, soonest deadline first
    open_total: int = 0
    cooperation: object = None  # the latest CooperationScore row, or None


@dataclass
class Route:
    inspector: object
    day: object
    start: tuple = None  # (latitude, longitude) or None
    start_kind: str = "office"  # "office" or "first_plan"
    stops: list = field(default_factory=list)  # in order; unplaced ones last
    return_km: float = None

    @property
    def travel_km(self):
        return round(sum(s.leg_km for s in self.stops if s.leg_km is not None), 1)

    @property
    def total_km(self):
        return round(self.travel_km + (self.return_km or 0), 1)

    @property
    def unplaced(self):
        return [s for s in self.stops if s.latitude is None]


def check_may_see(viewer, user_id):
    if hides_dispatch(viewer):
        raise NotFound("页面不存在 / not found")
    if may_dispatch(viewer):
        return
    if not viewer.has_role("inspector"):
        raise NotAllowed("只有项目负责人和排查人员可以查看行程 / only project leads and inspectors see routes")
    if viewer.id != user_id:
        raise NotAllowed("排查人员只能查看自己的行程 / inspectors see their own route only")


def inspector_of(session, user_id):
    found = [u for u in holders_of_role(session, "inspector") if u.id == user_id]
    if not found:
        raise_if({"user_id": "不是在岗的排查人员 / not an active inspector"})
    return found[0]


def parse_day(text):
    errors = {}
    day = parse_date(text, "day", errors)
    if day is None and "day" not in errors:
        errors["day"] = "请填写日期 / enter the day"
    raise_if(errors)
    return day


def day_route(session, viewer, user_id, day_text):
    """The inspector's plans of the day in route order, with the distances and each stop's focus points."""
    check_may_see(viewer, user_id)
    inspector, day = inspector_of(session, user_id), parse_day(day_text)
    return build_route(session, inspector, day)


def plans_of_day(session, inspector, day):
    plans = session.query(InspectionPlan).filter(InspectionPlan.planned_on == day,
                                                 InspectionPlan.cancelled_at.is_(None)) \
        .order_by(InspectionPlan.id).all()
    return [p for p in plans if inspector.display_name in team_names(p.team)]


def build_route(session, inspector, day):
    plans = plans_of_day(session, inspector, day)
    sites = visit_checkins.site_positions(session, [p.enterprise_id for p in plans])
    stops = [Stop(p, *((sites[p.enterprise_id].latitude, sites[p.enterprise_id].longitude)
                       if sites.get(p.enterprise_id) else (None, None))) for p in plans]
    office = current_app.config.get("DISPATCH_OFFICE")
    placed = [s for s in stops if s.latitude is not None]
    start = office or ((placed[0].latitude, placed[0].longitude) if placed else None)
    route = Route(inspector, day, start, "office" if office else "first_plan")
    route.stops = order_nearest(start, placed) + [s for s in stops if s.latitude is None]
    if office and placed:
        last = route.stops[len(placed) - 1]
        route.return_km = round(_km((last.latitude, last.longitude), office), 1)
    _add_details(session, route.stops)
    return route


def order_nearest(start, stops):
    """`stops` (with latitude / longitude) in nearest-neighbour order from `start`, each given its leg in km; ties
    go to the earlier stop in the list."""
    left, ordered, here = list(stops), [], start
    while left:
        nearest = min(left, key=lambda s: _km(here, (s.latitude, s.longitude)) if here else 0)
        nearest.leg_km = round(_km(here, (nearest.latitude, nearest.longitude)), 1) if here else 0.0
        here = (nearest.latitude, nearest.longitude)
        ordered.append(nearest)
        left.remove(nearest)
    return ordered


def _km(a, b):
    return photo_metadata.distance_m(a[0], a[1], b[0], b[1]) / 1000


def _add_details(session, stops):
    focus = focus_points(session, [s.plan.enterprise_id for s in stops])
    lists = checklists.all_checklists(session)
    for stop in stops:
        stop.focus = focus[stop.plan.enterprise_id]
        stop.checklists = checklists_for_plan(session, stop.plan, lists)


def checklists_for_plan(session, plan, lists=None):
    """The standard lists the visit will use: the general list, its industry's, its campaign's."""
    lists = lists if lists is not None else checklists.all_checklists(session)
    chosen = [c for c in lists if checklists.applies(c, plan.enterprise.industry)]
    if plan.campaign is not None and plan.campaign.checklist_id:
        extra = session.get(Checklist, plan.campaign.checklist_id)
        if extra is not None and extra not in chosen:
            chosen.append(extra)
    return chosen


def focus_points(session, enterprise_ids):
    """{enterprise id: Focus} (see the module's rules)."""
    ids = sorted(set(enterprise_ids))
    result = {eid: Focus() for eid in ids}
    if not ids:
        return result
    open_case = HazardCase.status != "closed"
    counts = session.query(HazardCase.enterprise_id, HazardCase.hazard_type, func.count(HazardCase.id),
                           func.sum(case((open_case, 1), else_=0))) \
        .filter(HazardCase.enterprise_id.in_(ids)).group_by(HazardCase.enterprise_id, HazardCase.hazard_type).all()
    by_enterprise = {}
    for eid, kind, total, still_open in counts:
        by_enterprise.setdefault(eid, []).append((kind, total, int(still_open or 0)))
    for eid, rows in by_enterprise.items():
        result[eid].types = sorted(rows, key=lambda r: (-r[1], r[0]))[:FOCUS_TYPES]
    for row in session.query(HazardCase).filter(HazardCase.enterprise_id.in_(ids), open_case) \
            .order_by(HazardCase.rectification_due.is_(None), HazardCase.rectification_due, HazardCase.id):
        focus = result[row.enterprise_id]
        focus.open_total += 1
        if len(focus.open_cases) < FOCUS_OPEN_CASES:
            focus.open_cases.append(row)
    classes = cooperation.latest_classes(session)
    for eid in ids:
        result[eid].cooperation = classes.get(eid)
    return result


def is_overdue(case_row, now=None):
    return case_row.rectification_due is not None and case_row.rectification_due < (now or clock.now())
