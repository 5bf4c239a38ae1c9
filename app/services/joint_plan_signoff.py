"""Sending a joint inspection plan to its units and their sign-off (发送, 签收确认; seed 000 line 652: 计划将提前一周
发送至相关单位，并通过平台进行任务分配与签收确认，保障各方准备充分).

- Sending: an inspector or a project lead sends the plan, once, at least a week (joint_plans.SEND_DAYS calendar
  days) before its day; each unit's users are told in-app and through the outbox — a department's users, the
  bureau's users, the contractor's named participants who have logins.
- A sent plan does not change (nor does any plan: plans have no edit). To change the day, the scope or the units,
  cancel the plan (the enterprise and the units are told) and plan again.
- Signing: each unit signs once (a department user for its department, a bureau user for the bureau, a project lead
  for the contractor), optionally with a remark (a changed participant); the plan's author is told. Again: 409.
- Urging (the daily scheduler job `urge_joint_plan_signatures`): units that have not signed three days before the
  day are urged once each, and the plan's author is told which."""
from datetime import timedelta

from sqlalchemy import update

from ..clock import clock
from ..errors import Conflict, NotAllowed, ValidationFailed
from ..models import InspectionPlan, InspectionPlanUnit, User
from . import audit, notifications
from .field_rules import clean_text, raise_if, row_id
from .inspection_plans import get_visible
from .inspections import may_record
from .joint_plans import MAX_REMARK, SEND_DAYS, URGE_DAYS, earliest_joint_day, signs_for, told, unit_name


def _check_open(row):
    if row.kind != "joint":
        raise Conflict("只有联合检查计划需要发送和签收 / only joint plans are sent to units and signed")
    if row.visit_id is not None or row.cancelled_at is not None:
        raise Conflict("该计划已完成或已取消 / the plan is already done or cancelled")


def send(uow, actor, plan_id):
    """Send the joint plan to its units (once; a week ahead at the latest)."""
    row = get_visible(uow.session, actor, plan_id)
    if not may_record(actor):
        raise NotAllowed("只有排查人员和项目负责人可以发送联合检查计划 / only inspectors and project leads send plans")
    _check_open(row)
    if row.sent_at is not None:
        raise Conflict("联合检查计划已发送 / the joint plan was sent already")
    if row.planned_on < earliest_joint_day():
        raise Conflict(f"联合检查计划须提前{SEND_DAYS}天发送，已来不及；请取消后重新制定计划 / the plan must be sent "
                       f"{SEND_DAYS} days before its day: cancel it and plan again")
    now = clock.now()
    done = uow.session.execute(update(InspectionPlan).where(InspectionPlan.id == row.id,
                                                            InspectionPlan.sent_at.is_(None))
                               .values(sent_at=now, sent_by_id=actor.id))
    if done.rowcount != 1:
        raise Conflict("联合检查计划已发送 / the joint plan was sent already")
    uow.session.refresh(row)
    for unit in row.units:
        key = f"plan:{row.id}:sent:{unit.id}"
        recipients = notifications.not_yet_given(uow, told(uow.session, unit), key)
        notifications.send(uow, recipients, "joint_plan_sent",
                           f"联合检查计划：{row.planned_on.isoformat()} {row.enterprise.name}，请签收",
                           f"本单位分工：{unit.duties[:150]}；检查范围：{row.areas[:100]}", key)
    audit.record(uow, None, actor, "joint_plan_sent", changes={"sent_at": [None, now.isoformat()]},
                 details={"plan_id": row.id, "enterprise_id": row.enterprise_id, "name": row.enterprise.name,
                          "units": [unit_name(u) for u in row.units]})
    return row


def sign(uow, actor, plan_id, remark="", unit_id=None):
    """The actor signs the sent plan for its unit (`unit_id` when the actor may sign for several)."""
    row = get_visible(uow.session, actor, plan_id)
    errors = {}
    remark = clean_text(remark, MAX_REMARK, "remark", errors)
    raise_if(errors)
    mine = [u for u in row.units if signs_for(actor, u)]
    if unit_id not in (None, ""):
        mine = [u for u in mine if u.id == row_id(unit_id)]
    if not mine:
        raise NotAllowed("您不代表该计划的参加单位签收 / you do not sign for a unit of this plan")
    _check_open(row)
    if row.sent_at is None:
        raise Conflict("联合检查计划尚未发送 / the joint plan has not been sent")
    if len(mine) > 1:
        raise ValidationFailed("请选择签收的单位 / choose the unit you sign for",
                               fields={"unit_id": "请选择签收的单位 / choose the unit you sign for"})
    unit, now = mine[0], clock.now()
    done = uow.session.execute(update(InspectionPlanUnit).where(InspectionPlanUnit.id == unit.id,
                                                                InspectionPlanUnit.signed_at.is_(None))
                               .values(signed_at=now, signed_by_id=actor.id, sign_remark=remark))
    if done.rowcount != 1:
        raise Conflict(f"{unit_name(unit)}已签收 / the unit has signed already")
    uow.session.refresh(unit)
    audit.record(uow, None, actor, "joint_plan_signed",
                 changes={"signed": [None, unit_name(unit)], **({"remark": [None, remark]} if remark else {})},
                 details={"plan_id": row.id, "unit_id": unit.id, "enterprise_id": row.enterprise_id})
    key = f"plan:{row.id}:signed:{unit.id}"
    notifications.send(uow, notifications.not_yet_given(uow, _author(uow.session, row), key), "joint_plan_signed",
                       f"{unit_name(unit)}已签收联合检查计划（{row.planned_on.isoformat()} {row.enterprise.name}）",
                       f"{actor.display_name}" + (f"：{remark[:200]}" if remark else ""), key)
    return unit


def urge_unsigned(uow):
    """Units of sent, open joint plans that have not signed by three days before the day: their users urged and the
    author told, once per unit. Returns how many units were urged now."""
    today = clock.local_now().date()
    rows = uow.session.query(InspectionPlanUnit).join(InspectionPlan, InspectionPlan.id == InspectionPlanUnit.plan_id) \
        .filter(InspectionPlan.sent_at.isnot(None), InspectionPlan.cancelled_at.is_(None),
                InspectionPlan.visit_id.is_(None), InspectionPlan.planned_on >= today,
                InspectionPlan.planned_on <= today + timedelta(days=URGE_DAYS),
                InspectionPlanUnit.signed_at.is_(None), InspectionPlanUnit.urged_at.is_(None)) \
        .order_by(InspectionPlanUnit.plan_id, InspectionPlanUnit.position).all()
    urged, by_plan = 0, {}
    for unit in rows:
        taken = uow.session.execute(update(InspectionPlanUnit).where(InspectionPlanUnit.id == unit.id,
                                                                     InspectionPlanUnit.urged_at.is_(None))
                                    .values(urged_at=clock.now()))
        if taken.rowcount != 1:  # another scheduler urged it a moment ago
            continue
        plan = uow.session.get(InspectionPlan, unit.plan_id)
        key = f"plan:{plan.id}:urged:{unit.id}"
        notifications.send(uow, notifications.not_yet_given(uow, told(uow.session, unit), key),
                           "joint_plan_sign_urged",
                           f"联合检查计划尚未签收：{plan.planned_on.isoformat()} {plan.enterprise.name}",
                           f"本单位分工：{unit.duties[:150]}", key)
        by_plan.setdefault(plan, []).append(unit_name(unit))
        urged += 1
    for plan, names in by_plan.items():
        key = f"plan:{plan.id}:unsigned:{plan.planned_on.isoformat()}"
        notifications.send(uow, notifications.not_yet_given(uow, _author(uow.session, plan), key),
                           "joint_plan_unsigned",
                           f"联合检查计划仍有单位未签收（{plan.planned_on.isoformat()} {plan.enterprise.name}）",
                           "、".join(names), key)
        audit.record(uow, None, None, "joint_plan_urged", changes={"urged": [None, names]},
                     details={"plan_id": plan.id, "enterprise_id": plan.enterprise_id})
    return urged


def _author(session, plan):
    author = session.get(User, plan.created_by_id)
    return [author] if author is not None and author.active else []
