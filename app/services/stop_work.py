"""Stop-work orders per enterprise (停产停业状态, models/resumption.py), beside the case's diagram: an order is made
when the diagram's stop-work order task (form `stop_work_order`, 特别重大) is completed (services/tasks.py calls
`record_from_task` in the same transaction), or by the bureau from an enforcement decision that ordered 责令停产停业整顿,
or by hand with a reason. It stands until an on-site acceptance agrees to the resumption (services/resumption.py) or
the bureau withdraws it (recorded by mistake, with a reason). Each write is audited under the subject
("stop_work", order id) with before -> after.

Who: whoever sees the enterprise reads its orders (its own staff, the county's roles, a township office its area's);
the bureau and admins record and withdraw them."""
from datetime import datetime, time

from sqlalchemy import func

from ..clock import SHANGHAI, clock
from ..errors import Conflict, NotAllowed, NotFound
from ..models import EnforcementOutcome, EnforcementReferral, Enterprise, ResumptionApplication, StopWorkOrder
from . import audit, notifications
from .access import enterprise_condition, get_visible_enterprise
from .field_rules import aware_moment, clean_text, raise_if

RECORDERS = ("bureau", "admin")
MAX_TEXT = 4000


def may_record(user):
    return user.has_role(*RECORDERS)


def active_orders(session, enterprise_id):
    return session.query(StopWorkOrder).filter_by(enterprise_id=enterprise_id, status="active") \
        .order_by(StopWorkOrder.effective_at, StopWorkOrder.id).all()


def orders_of(session, enterprise_id):
    """Every order of the enterprise, the standing ones first, then the newest."""
    rows = session.query(StopWorkOrder).filter_by(enterprise_id=enterprise_id) \
        .order_by(StopWorkOrder.effective_at.desc(), StopWorkOrder.id.desc()).all()
    return sorted(rows, key=lambda o: not o.is_active)


def stopped_enterprise_ids(session, user=None):
    """The ids of the enterprises under a standing order (those the user sees, when given): the lists' 停产整顿中."""
    query = session.query(StopWorkOrder.enterprise_id).filter(StopWorkOrder.status == "active")
    if user is not None:
        query = query.filter(enterprise_condition(user, StopWorkOrder.enterprise_id))
    return {enterprise_id for (enterprise_id,) in query.distinct()}


def stopped_enterprises(session, user):
    """[(enterprise, standing orders count, since)] the user sees, the longest stopped first."""
    rows = session.query(Enterprise, func.count(StopWorkOrder.id), func.min(StopWorkOrder.effective_at)) \
        .join(StopWorkOrder, StopWorkOrder.enterprise_id == Enterprise.id) \
        .filter(StopWorkOrder.status == "active", enterprise_condition(user, Enterprise.id)) \
        .group_by(Enterprise.id).order_by(func.min(StopWorkOrder.effective_at), Enterprise.id).all()
    return [(e, n, since) for e, n, since in rows]


def suspensions_without_order(session, enterprise_id):
    """The enterprise's enforcement referrals whose decision ordered 责令停产停业整顿 and that have no order recorded."""
    rows = session.query(EnforcementReferral).join(EnforcementOutcome).filter(
        EnforcementReferral.enterprise_id == enterprise_id, EnforcementOutcome.decision_date.is_not(None),
        EnforcementReferral.id.not_in(session.query(StopWorkOrder.enforcement_referral_id).filter(
            StopWorkOrder.enforcement_referral_id.is_not(None)))).order_by(EnforcementReferral.id).all()
    return [r for r in rows if "suspension" in (r.outcome.measures or [])]


def get_visible(session, user, order_id):
    row = session.query(StopWorkOrder).filter(
        StopWorkOrder.id == order_id, enterprise_condition(user, StopWorkOrder.enterprise_id)).first()
    if row is None:
        raise NotFound("停产停业指令不存在 / stop-work order not found")
    return row


def record_from_task(uow, user, case, submitted):
    """The order a completed stop-work order task issued (the form as submitted), for the case's enterprise."""
    effective = aware_moment(submitted.get("effective_at")) or clock.now()
    order = _add(uow, user, case.enterprise_id, source="task", case_id=case.id,
                 order_number=submitted.get("order_number", ""), scope=submitted.get("scope", ""),
                 reason=submitted.get("reason", ""), resumption_conditions=submitted.get("resumption_conditions", ""),
                 effective_at=effective)
    return order


def record_by_hand(uow, user, enterprise_id, form):
    """An order the bureau records itself: a reason is required; order number, scope, conditions and the moment it
    took effect (default now, not in the future) are optional. ValidationFailed names each wrong field."""
    _check_recorder(user)
    enterprise = get_visible_enterprise(uow.session, user, enterprise_id)
    errors = {}
    values = {name: clean_text(form.get(name), 100 if name == "order_number" else MAX_TEXT, name, errors)
              for name in ("order_number", "scope", "reason", "resumption_conditions")}
    if not values["reason"] and "reason" not in errors:
        errors["reason"] = "请写明停产停业整顿的理由 / give the reason"
    effective = _effective(form.get("effective_at"), errors)
    raise_if(errors)
    return _add(uow, user, enterprise.id, source="manual", case_id=None, effective_at=effective, **values)


def record_from_enforcement(uow, user, referral_id):
    """The order of an enforcement decision with the measure 责令停产停业整顿 (one per referral: 409 again; 409 when the
    decision has no such measure)."""
    _check_recorder(user)
    referral = uow.session.query(EnforcementReferral).filter(
        EnforcementReferral.id == referral_id,
        enterprise_condition(user, EnforcementReferral.enterprise_id)).first() if isinstance(referral_id, int) else None
    if referral is None:
        raise NotFound("执法移送记录不存在 / enforcement referral not found")
    outcome = referral.outcome
    if outcome is None or not outcome.is_decided or "suspension" not in (outcome.measures or []):
        raise Conflict("该执法决定没有责令停产停业整顿 / the enforcement decision did not order a stop")
    if uow.session.query(StopWorkOrder.id).filter_by(enforcement_referral_id=referral.id).first():
        raise Conflict("该执法决定的停产停业状态已登记 / this decision's stop-work order is already recorded")
    effective = datetime.combine(outcome.decision_date, time(0), tzinfo=SHANGHAI)  # in force from the decision's day
    return _add(uow, user, referral.enterprise_id, source="enforcement", case_id=referral.case_id,
                enforcement_referral_id=referral.id, order_number=outcome.decision_number, scope="",
                reason=f"执法决定 {outcome.decision_number} 责令停产停业整顿 / enforcement decision "
                       f"{outcome.decision_number}: stop production for rectification",
                resumption_conditions="", effective_at=effective)


def withdraw(uow, user, order_id, reason):
    """Withdraw a standing order recorded by mistake (撤销; a reason is required); 409 when it no longer stands."""
    _check_recorder(user)
    order = get_visible(uow.session, user, order_id)
    errors = {}
    reason = clean_text(reason, MAX_TEXT, "withdraw_reason", errors)
    if not reason and not errors:
        errors["withdraw_reason"] = "请写明撤销的理由 / give the reason"
    raise_if(errors)
    lock(uow, order)
    if not order.is_active:
        raise Conflict("该停产停业指令已解除或撤销 / the order no longer stands")
    if uow.session.query(ResumptionApplication.id).filter_by(order_id=order.id, status="pending").first():
        raise Conflict("该指令有待验收的复工申请，请先作出验收结论 / an application awaits its acceptance")
    order.status, order.ended_at, order.ended_by_id, order.withdraw_reason = "withdrawn", clock.now(), user.id, reason
    audit.record(uow, None, user, "stop_work_withdrawn", changes={"status": ["active", "withdrawn"]},
                 details={"enterprise_id": order.enterprise_id}, reason=reason, subject=("stop_work", order.id))
    return order


def lock(uow, order):
    """One writer per order (its applications and acceptances too); the row read again."""
    uow.session.query(StopWorkOrder.id).filter_by(id=order.id).with_for_update().one()
    uow.session.refresh(order)


def _check_recorder(user):
    if not may_record(user):
        raise NotAllowed("只有应急管理局或管理员可以登记停产停业 / only the bureau or an admin records stop-work orders")


check_may_record = _check_recorder  # the API's 403 before it reads a body


def _effective(value, errors):
    if value in (None, ""):
        return clock.now()
    moment = aware_moment(value) if isinstance(value, str) else None
    if moment is None:
        errors["effective_at"] = "请填写生效时间，如 2026-11-23T10:00 / enter a moment such as 2026-11-23T10:00"
    elif moment > clock.now():
        errors["effective_at"] = "生效时间不能晚于现在 / the moment cannot be in the future"
    return moment


def _add(uow, user, enterprise_id, **values):
    now = clock.now()
    order = StopWorkOrder(enterprise_id=enterprise_id, status="active", recorded_at=now, recorded_by_id=user.id,
                          withdraw_reason="", **values)
    uow.session.add(order)
    uow.session.flush()
    shown = {k: v for k, v in values.items() if v not in (None, "")}
    audit.record(uow, values.get("case_id"), user, "stop_work_recorded",
                 changes={"status": [None, "active"], **{k: [None, v] for k, v in shown.items()}},
                 details={"enterprise_id": enterprise_id, "order_id": order.id, "source": values["source"]},
                 subject=("stop_work", order.id))
    key = f"stop_work:{order.id}:recorded"
    notifications.send(uow, notifications.role_holders(uow, ("enterprise",), enterprise_id), "stop_work_recorded",
                       "停产停业整顿：" + (values.get("order_number") or "停产停业指令"),
                       "在复工复产验收同意前不得恢复生产。整改完成后请在系统中提出复工复产申请。", key, values.get("case_id"))
    return order
