"""Dispatch of inspectors to planned inspections (智能调度: 推荐派单, 自动派单; seed 000 lines 774-776). The scoring is
services/dispatch_scoring.py; the team is set through the plan service (inspection_plans.set_team, audited).

Who: project leads dispatch (suggestions, assigning, auto-dispatch). Inspectors see their own day and route
(services/dispatch_routes.py). Other staff get NotAllowed; enterprise staff, township offices and department users
NotFound — the dispatch does not exist for them.

Auto-dispatch takes the open, unassigned plans of a day range (at most MAX_RANGE_DAYS days) — not joint (their
people are their units'), with no active inspector named in the team — in day order, and proposes a team for each by
the same scoring, counting the teams it already proposed (a second plan that day weighs on the same inspector). It
writes nothing: the lead reads the proposal, may drop any plan from it, and confirms; the confirmation sets exactly
the proposed teams, each plan checked to be still open and with the team the lead saw (else 409: preview again)."""
from dataclasses import dataclass, field
from datetime import timedelta

from ..errors import Conflict, NotAllowed, NotFound
from ..models import InspectionPlan
from ..models.user import SCOPED_ROLES
from . import inspection_plans
from .dispatch_scoring import DispatchData, ranked
from .field_rules import parse_date, raise_if

MAX_RANGE_DAYS = 31


@dataclass
class Suggestion:
    plan: InspectionPlan
    candidates: list = field(default_factory=list)  # dispatch_scoring.Candidate, best first

    @property
    def team(self):
        return [c.user for c in self.candidates if c.suggested]


def hides_dispatch(user):
    """Enterprise staff, township offices and department users: the dispatch does not exist for them."""
    return bool(user.roles & SCOPED_ROLES)


def may_dispatch(user):
    return not hides_dispatch(user) and user.has_role(*inspection_plans.DISPATCHERS)


def check_may_dispatch(user):
    if hides_dispatch(user):
        raise NotFound("页面不存在 / not found")
    if not may_dispatch(user):
        raise NotAllowed("只有项目负责人可以派单 / only project leads dispatch inspectors")


def dispatchable(plan):
    """An open plan whose people the dispatch may set (a joint plan's are its units')."""
    return plan.visit_id is None and plan.cancelled_at is None and plan.kind != "joint"


def suggestions(session, actor, plan_id):
    """The inspectors ranked for one open plan, with their score parts; the suggested team marked."""
    check_may_dispatch(actor)
    plan = inspection_plans.get_visible(session, actor, plan_id)
    if not dispatchable(plan):
        raise Conflict("该计划已完成、已取消，或为联合检查计划（人员由参加单位确定） / the plan is done, cancelled or a "
                       "joint plan (its people are its units')")
    data = DispatchData(session, plan.planned_on, plan.planned_on, [plan.enterprise_id])
    return Suggestion(plan, ranked(data, plan))


def assign(uow, actor, plan_id, user_ids, source="suggestion"):
    """Set the plan's team to these inspectors (the suggested team, or the lead's own choice of candidates)."""
    check_may_dispatch(actor)
    return inspection_plans.set_team(uow, actor, plan_id, user_ids, source)


def parse_range(start, end):
    """(first day, last day) of a range of at most MAX_RANGE_DAYS days; ValidationFailed names the wrong field."""
    errors = {}
    first, last = parse_date(start, "start", errors), parse_date(end, "end", errors)
    for name, value in (("start", first), ("end", last)):
        if value is None and name not in errors:
            errors[name] = "请填写日期 / enter the day"
    if not errors and last < first:
        errors["end"] = "结束日期不能早于开始日期 / the end is before the start"
    elif not errors and (last - first).days + 1 > MAX_RANGE_DAYS:
        errors["end"] = f"一次最多调度{MAX_RANGE_DAYS}天 / at most {MAX_RANGE_DAYS} days at a time"
    raise_if(errors)
    return first, last


def preview(session, actor, start, end):
    """The proposal for the unassigned plans of the range: [Suggestion] in day order; nothing is written."""
    check_may_dispatch(actor)
    first, last = parse_range(start, end)
    plans = session.query(InspectionPlan).filter(
        InspectionPlan.planned_on.between(first, last), InspectionPlan.visit_id.is_(None),
        InspectionPlan.cancelled_at.is_(None), InspectionPlan.kind != "joint") \
        .order_by(InspectionPlan.planned_on, InspectionPlan.id).all()
    data = DispatchData(session, first, last, {p.enterprise_id for p in plans})
    proposal = []
    for plan in plans:
        if data.teams.get(plan.id):  # an active inspector is named already
            continue
        suggestion = Suggestion(plan, ranked(data, plan))
        data.add_to_team(plan, [u.id for u in suggestion.team])
        proposal.append(suggestion)
    return proposal


def confirm(uow, actor, start, end, choices, seen_teams):
    """Set the confirmed teams: `choices` {plan id: [user ids]} (the plans the lead kept), `seen_teams` {plan id:
    the team text shown in the preview}. All or nothing: a plan outside the range, or no longer open or as seen,
    is a 409 for the whole confirmation. Returns the plans dispatched."""
    check_may_dispatch(actor)
    first, last = parse_range(start, end)
    if not choices:
        raise_if({"plans": "请至少保留一个计划 / keep at least one plan"})
    rows = []
    for plan_id, user_ids in choices.items():
        plan = uow.session.get(InspectionPlan, plan_id)
        if plan is None or not (first <= plan.planned_on <= last) or not dispatchable(plan):
            raise Conflict("调度方案已过时，请重新预览 / the proposal is out of date: preview again")
        rows.append(inspection_plans.set_team(uow, actor, plan_id, user_ids, "auto",
                                              expected_team=seen_teams.get(plan_id)))
    return rows


def default_range(today):
    """The form's first range: the next seven days."""
    return today + timedelta(days=1), today + timedelta(days=7)
