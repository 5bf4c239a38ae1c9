"""Planned inspections (排查计划): the inspection team plans a visit to an enterprise and the enterprise's staff are
told the day, the areas and the team at least five working days ahead (the seed: 提前5个工作日向企业发送通知，
排查日期、涉及区域). Recording the visit from the plan closes it; a cancelled plan tells the enterprise too.

Plans have a kind (检查方式) and may name a started campaign (专项行动), like visits. A plan of an unannounced kind —
四不两直 (不发通知、不打招呼) and 夜查 (the seed's 突击夜查) — is the opposite: the enterprise is never told, neither when it
is made nor when it is cancelled, needs no notice period (today or later), and does not exist for the enterprise's
staff (not in their list, 404 by id); staff and township offices see it as any other plan.

A joint plan (联合检查, services/joint_plans.py) also names its participating units and the instruments to bring; its
day is at least a week ahead (it is sent to the units a week before, services/joint_plan_signoff.py). A department's
users see the joint plans their department takes part in, and no other plan (404)."""
import re
from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import update

from ..clock import SHANGHAI, clock
from ..errors import Conflict, NotAllowed, NotFound
from ..models import Enterprise, InspectionPlan
from . import audit, campaigns, joint_plans, notifications
from .access import enterprise_condition, may_see, sees_all_cases
from .calendar import add_workdays
from .field_rules import clean_text, parse_date, raise_if
from .inspections import MAX_INSPECTORS, MAX_TEXT, clean_kind, may_record
from .users import holders_of_role

NOTICE_WORKING_DAYS = 5
DISPATCHERS = ("project_lead",)  # 派单: who sets a plan's team from the dispatch suggestions (services/dispatch.py)
MAX_TEAM = 6
STATES = ("upcoming", "done", "cancelled", "all")
UNANNOUNCED_KINDS = ("unannounced", "night")  # 四不两直, 突击夜查: never announced to the enterprise
TEAM_SEPARATORS = re.compile(r"[、,，;；/\s]+")  # as a visit's team is read (services/visit_checkins.py)


def is_announced(row):
    return row.kind not in UNANNOUNCED_KINDS


def _hides_unannounced(user):
    """Enterprise staff never learn of an unannounced plan (staff and township offices see it)."""
    return "enterprise" in user.roles and not sees_all_cases(user)


def earliest_day(now=None):
    """The first day a visit planned now may take place: five working days' notice."""
    local = (now or clock.now()).astimezone(SHANGHAI)
    start = datetime.combine(local.date(), time(0, 0), SHANGHAI)
    return add_workdays(start, NOTICE_WORKING_DAYS).moment.date()


def plan(uow, actor, enterprise_id, planned_on, areas, team, kind="routine", campaign_id=None, units=None,
         instrument_ids=None):
    """A new plan from the form's values, and its notice to the enterprise's staff (none for an unannounced kind);
    ValidationFailed names each wrong field (a day with less than five working days' notice among them). A joint
    plan takes its `units` and `instrument_ids` (joint_plans.clean_units), and a day a week ahead at least."""
    if not may_record(actor):
        raise NotAllowed("只有排查人员和项目负责人可以制定排查计划 / only inspectors and project leads plan visits")
    errors = {}
    enterprise = uow.session.get(Enterprise, enterprise_id) if isinstance(enterprise_id, int) else None
    if enterprise is None:
        errors["enterprise_id"] = "请选择企业 / choose the enterprise"
    day = parse_date(planned_on, "planned_on", errors)
    kind = clean_kind(kind, errors)
    announced = kind not in UNANNOUNCED_KINDS
    first = earliest_day() if announced else clock.local_now().date()
    joint = kind == "joint"
    if joint and "planned_on" not in errors and day is not None and day < joint_plans.earliest_joint_day():
        first = max(first, joint_plans.earliest_joint_day())
        errors["planned_on"] = (f"联合检查计划须提前{joint_plans.SEND_DAYS}天发送至参加单位，最早 {first.isoformat()} / "
                                f"a joint plan is sent to the units a week ahead: {first.isoformat()} at the earliest")
    if day is None and "planned_on" not in errors:
        errors["planned_on"] = "请填写排查日期 / enter the day"
    elif "planned_on" not in errors and day < first and announced:
        errors["planned_on"] = (f"须提前5个工作日通知企业，最早 {first.isoformat()} / "
                                f"five working days' notice: {first.isoformat()} at the earliest")
    elif "planned_on" not in errors and day < first:
        errors["planned_on"] = "排查日期不能早于今天 / the day cannot be in the past"
    values = {"areas": clean_text(areas, MAX_TEXT, "areas", errors),
              "team": clean_text(team, MAX_INSPECTORS, "team", errors)}
    for name, message in (("areas", "请填写涉及区域和检查内容 / say what will be checked"),
                          ("team", "请填写排查人员 / name the team")):
        if not values[name] and name not in errors:
            errors[name] = message
    campaign = campaigns.for_record(uow.session, campaign_id, enterprise.id if enterprise else None,
                                    day if "planned_on" not in errors else None, errors)
    unit_rows, instruments = [], []
    if joint:
        unit_rows = joint_plans.clean_units(uow.session, units, errors)
        instruments = joint_plans.clean_instruments(uow.session, instrument_ids, errors)
    elif units or instrument_ids:
        errors["units"] = "只有联合检查计划填写参加单位和设备 / only a joint plan names units and instruments"
    raise_if(errors)
    row = InspectionPlan(enterprise_id=enterprise.id, planned_on=day, created_at=clock.now(), created_by_id=actor.id,
                         kind=kind, campaign_id=campaign.id if campaign else None, **values)
    uow.session.add(row)
    uow.session.flush()
    extra = {"kind": [None, kind]} if kind != "routine" else {}
    if joint:
        joint_plans.add_to_plan(uow.session, row, unit_rows, instruments)
        extra["units"] = [None, joint_plans.summary(uow.session, row)]
        if instruments:
            extra["instruments"] = [None, [i.instrument.asset_no for i in row.instruments]]
    if campaign is not None:
        extra["campaign"] = [None, campaign.name]
    audit.record(uow, None, actor, "inspection_planned",
                 changes={"planned_on": [None, day.isoformat()], **{k: [None, v] for k, v in values.items()}, **extra},
                 details={"plan_id": row.id, "enterprise_id": enterprise.id, "name": enterprise.name,
                          "announced": announced})
    if not announced:
        return row
    _tell(uow, row, "inspection_planned", f"排查通知：{day.isoformat()} 到贵单位开展隐患排查",
          f"涉及区域：{values['areas'][:150]}；排查人员：{values['team']}" +
          (f"；专项行动：{campaign.name}" if campaign else ""), f"plan:{row.id}:planned")
    return row


def cancel(uow, actor, plan_id, reason):
    if not may_record(actor):
        raise NotAllowed("只有排查人员和项目负责人可以取消排查计划 / only inspectors and project leads cancel plans")
    row = get_visible(uow.session, actor, plan_id)
    errors = {}
    reason = clean_text(reason, MAX_TEXT, "reason", errors)
    if not reason and "reason" not in errors:
        errors["reason"] = "请填写取消原因 / give the reason"
    raise_if(errors)
    done = uow.session.execute(update(InspectionPlan).where(
        InspectionPlan.id == row.id, InspectionPlan.cancelled_at.is_(None), InspectionPlan.visit_id.is_(None))
        .values(cancelled_at=clock.now(), cancel_reason=reason))
    if done.rowcount != 1:
        raise Conflict("该计划已完成或已取消 / the plan is already done or cancelled")
    uow.session.refresh(row)
    audit.record(uow, None, actor, "inspection_plan_cancelled", reason=reason,
                 details={"plan_id": row.id, "enterprise_id": row.enterprise_id, "name": row.enterprise.name})
    if row.sent_at is not None:  # the units were sent the plan: they are told too
        for unit in row.units:
            key = f"plan:{row.id}:cancelled:{unit.id}"
            notifications.send(uow, notifications.not_yet_given(uow, joint_plans.told(uow.session, unit), key),
                               "joint_plan_cancelled", f"联合检查计划取消：原定 {row.planned_on.isoformat()} "
                               f"{row.enterprise.name}", reason[:200], key)
    if not is_announced(row):  # the enterprise never knew of it
        return row
    _tell(uow, row, "inspection_plan_cancelled", f"排查取消：原定 {row.planned_on.isoformat()} 的隐患排查取消",
          reason[:200], f"plan:{row.id}:cancelled")
    return row


def set_team(uow, actor, plan_id, user_ids, source="suggestion", expected_team=None):
    """派单: the plan's team becomes these inspectors (their display names joined by 、, as a team is typed), audited
    before → after; each newly named inspector is told, and for an announced plan the enterprise is told the new team
    (it was told the old one). `expected_team`: the team the dispatcher saw (a preview); another one by now is a 409.
    A joint plan's people are its units' (cancel and plan again), so it is refused like a done or cancelled plan."""
    if not actor.has_role(*DISPATCHERS):
        raise NotAllowed("只有项目负责人可以派单 / only project leads dispatch inspectors")
    row = get_visible(uow.session, actor, plan_id)
    if row.kind == "joint":
        raise Conflict("联合检查计划的人员由参加单位确定 / a joint plan's people are its units'")
    team = _inspectors_by_id(uow.session, user_ids)
    before, after = row.team, "、".join(user.display_name for user in team)
    if len(after) > MAX_INSPECTORS:
        raise_if({"user_ids": f"排查人员姓名合计不超过{MAX_INSPECTORS}字 / the names exceed {MAX_INSPECTORS} characters"})
    done = uow.session.execute(update(InspectionPlan).where(
        InspectionPlan.id == row.id, InspectionPlan.cancelled_at.is_(None), InspectionPlan.visit_id.is_(None),
        InspectionPlan.team == (before if expected_team is None else expected_team)).values(team=after))
    if done.rowcount != 1:
        raise Conflict("该计划已完成、已取消或人员已变更，请刷新后重试 / the plan is done, cancelled or its team changed: "
                       "reload and try again")
    uow.session.refresh(row)
    if after == before:
        return row
    now = clock.now()
    audit.record(uow, None, actor, "inspection_plan_dispatched", changes={"team": [before, after]},
                 details={"plan_id": row.id, "enterprise_id": row.enterprise_id, "name": row.enterprise.name,
                          "planned_on": row.planned_on.isoformat(), "user_ids": [u.id for u in team],
                          "source": source})
    key = f"plan:{row.id}:dispatched:{now.isoformat()}"
    named_before = set(TEAM_SEPARATORS.split(before))
    notifications.send(uow, [u for u in team if u.display_name not in named_before], "inspection_dispatched",
                       f"派单：{row.planned_on.isoformat()} {row.enterprise.name}", row.areas[:200], key)
    if is_announced(row):
        _tell(uow, row, "inspection_plan_team_changed", f"排查人员变更：{row.planned_on.isoformat()} 的隐患排查",
              f"排查人员：{after}", f"plan:{row.id}:team:{now.isoformat()}")
    return row


def _inspectors_by_id(session, user_ids):
    """The active inspectors of `user_ids` in the given order; ValidationFailed for none, too many, or an id that is
    no active inspector."""
    ids = list(dict.fromkeys(user_ids or []))
    if not ids or len(ids) > MAX_TEAM or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise_if({"user_ids": f"请选择1至{MAX_TEAM}名排查人员 / choose 1 to {MAX_TEAM} inspectors"})
    found = {u.id: u for u in holders_of_role(session, "inspector") if u.id in ids}
    unknown = [i for i in ids if i not in found]
    if unknown:
        raise_if({"user_ids": f"不是在岗的排查人员：{unknown} / not an active inspector: {unknown}"})
    return [found[i] for i in ids]


def open_for_visit(session, actor, plan_id):
    """The plan a visit is being recorded from: the recorder's, still open (not done, not cancelled)."""
    row = get_visible(session, actor, plan_id)
    if row.visit_id is not None or row.cancelled_at is not None:
        raise Conflict("该计划已完成或已取消 / the plan is already done or cancelled")
    return row


def close_with_visit(uow, row, visit):
    """The visit recorded from the plan closes it (at the plan's enterprise only)."""
    if visit.enterprise_id != row.enterprise_id:
        raise_if({"enterprise_id": "排查计划是针对另一家企业的 / the plan is for another enterprise"})
    done = uow.session.execute(update(InspectionPlan).where(
        InspectionPlan.id == row.id, InspectionPlan.visit_id.is_(None), InspectionPlan.cancelled_at.is_(None))
        .values(visit_id=visit.id))
    if done.rowcount != 1:
        raise Conflict("该计划已完成或已取消 / the plan is already done or cancelled")


def get_visible(session, user, plan_id):
    row = session.get(InspectionPlan, plan_id) if isinstance(plan_id, int) else None
    if row is not None and "department" in user.roles:  # a department's user: its department's joint plans only
        if user.department_id is None or all(u.department_id != user.department_id for u in row.units):
            raise NotFound("排查计划不存在 / inspection plan not found")
        return row
    if row is None or not may_see(user, row.enterprise_id) or (_hides_unannounced(user) and not is_announced(row)):
        raise NotFound("排查计划不存在 / inspection plan not found")
    return row


@dataclass
class PlanFilter:
    state: str = "upcoming"
    kind: str = ""
    campaign_id: int = None
    limit: int = 50
    offset: int = 0


def listing(session, user, flt):
    """(plans in the state the user may see, soonest first for upcoming ones; how many)."""
    query = session.query(InspectionPlan)
    if "department" in user.roles:  # its department's joint plans, whatever enterprise
        query = query.filter(InspectionPlan.id.in_(joint_plans.plans_of_department(user.department_id or 0)))
    else:
        query = query.filter(enterprise_condition(user, InspectionPlan.enterprise_id))
    if _hides_unannounced(user):
        query = query.filter(InspectionPlan.kind.not_in(UNANNOUNCED_KINDS))
    if flt.kind:
        query = query.filter(InspectionPlan.kind == flt.kind)
    if flt.campaign_id:
        query = query.filter(InspectionPlan.campaign_id == flt.campaign_id)
    if flt.state == "upcoming":
        query = query.filter(InspectionPlan.visit_id.is_(None), InspectionPlan.cancelled_at.is_(None))
    elif flt.state == "done":
        query = query.filter(InspectionPlan.visit_id.isnot(None))
    elif flt.state == "cancelled":
        query = query.filter(InspectionPlan.cancelled_at.isnot(None))
    order = (InspectionPlan.planned_on, InspectionPlan.id) if flt.state == "upcoming" else \
        (InspectionPlan.planned_on.desc(), InspectionPlan.id.desc())
    total = query.count()
    return query.order_by(*order).limit(flt.limit).offset(flt.offset).all(), total


def _tell(uow, row, kind, title, body, key):
    staff = holders_of_role(uow.session, "enterprise", row.enterprise_id)
    notifications.send(uow, notifications.not_yet_given(uow, staff, key), kind, title, body, key)
