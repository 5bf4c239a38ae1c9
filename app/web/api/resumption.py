"""Stop-work orders and the resumption of production (services/stop_work.py, services/resumption.py): an enterprise's
stop-work state with each order's applications and acceptances; an order recorded by the bureau (by hand, or from an
enforcement decision) and withdrawn when recorded by mistake; an application by the enterprise's own staff; the
bureau's on-site acceptance. Files: upload with POST /attachments, then name their ids."""
from flask import g
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...models import ACCEPTANCE_CONCLUSIONS, APPLICATION_STATUSES, STOP_WORK_SOURCES, STOP_WORK_STATUSES
from ...services import resumption, stop_work
from ...services.access import get_visible_enterprise
from ...services.uow import UnitOfWork
from . import api
from .auth import token_required
from .helpers import json_body
from .schemas import LocalDateTime

_FILE_IDS = fields.List(fields.String(validate=validate.Length(1, 32)), load_default=list,
                        validate=validate.Length(max=resumption.MAX_FILES), metadata={
                            "description": "public ids of the caller's own uploads (POST /attachments), PDF or images"})


def _name(attr):
    return fields.Function(lambda r: getattr(r, attr).display_name if getattr(r, attr) else None, allow_none=True,
                           metadata={"type": "string", "description": "display name"})


class ApplicationSchema(Schema):
    id = fields.Integer()
    order_id = fields.Integer()
    enterprise_id = fields.Integer()
    status = fields.String(metadata={"enum": list(APPLICATION_STATUSES)})
    measures = fields.String()
    self_check = fields.String()
    case_ids = fields.List(fields.Integer())
    submitted_by = _name("submitted_by")
    submitted_at = LocalDateTime()
    answer_due = LocalDateTime(metadata={"description": f"{resumption.ANSWER_WORKING_DAYS} working days after "
                                                        "the application"})
    overdue = fields.Function(lambda r: resumption.is_overdue(r), metadata={"type": "boolean"})
    inspected_on = fields.Date(allow_none=True)
    participants = fields.String()
    expert_ids = fields.List(fields.Integer())
    findings = fields.String()
    requirements = fields.String()
    next_date = fields.Date(allow_none=True, metadata={"description": "a refusal: rectify by this day, then apply "
                                                                      "again"})
    decided_by = _name("decided_by")
    decided_at = LocalDateTime(allow_none=True)
    files = fields.Function(lambda r: [{"id": a.public_id, "name": a.original_name, "field": a.field}
                                       for a in r.attachments], metadata={"type": "array"})


class OrderSchema(Schema):
    id = fields.Integer()
    source = fields.String(metadata={"enum": list(STOP_WORK_SOURCES)})
    status = fields.String(metadata={"enum": list(STOP_WORK_STATUSES)})
    case_id = fields.Integer(allow_none=True)
    enforcement_referral_id = fields.Integer(allow_none=True)
    order_number = fields.String()
    scope = fields.String()
    reason = fields.String()
    resumption_conditions = fields.String()
    effective_at = LocalDateTime()
    recorded_at = LocalDateTime()
    ended_at = LocalDateTime(allow_none=True)
    withdraw_reason = fields.String()
    applications = fields.List(fields.Nested(ApplicationSchema))


class StopWorkStateSchema(Schema):
    enterprise_id = fields.Integer()
    stopped = fields.Boolean(metadata={"description": "an order stands (停产整顿中)"})
    orders = fields.List(fields.Nested(OrderSchema), metadata={"description": "standing ones first, then the newest"})


class ApplicationRequestSchema(Schema):
    order_id = fields.Integer(load_default=None, allow_none=True, strict=True, metadata={
        "description": "the standing order applied against; may be left out when only one stands"})
    measures = fields.String(required=True, validate=validate.Length(1, resumption.MAX_TEXT))
    self_check = fields.String(required=True, validate=validate.Length(1, resumption.MAX_TEXT))
    case_ids = fields.List(fields.Integer(strict=True), load_default=list, metadata={
        "description": "the enterprise's cases it covers (the order's own case is always included)"})
    files = _FILE_IDS


class DecisionRequestSchema(Schema):
    conclusion = fields.String(required=True, validate=validate.OneOf(list(ACCEPTANCE_CONCLUSIONS)))
    inspected_on = fields.String(required=True, metadata={"format": "date", "description": "YYYY-MM-DD, between "
                                                          "the application's day and today"})
    participants = fields.String(required=True, validate=validate.Length(1, resumption.MAX_TEXT))
    expert_ids = fields.List(fields.Integer(strict=True), load_default=list,
                             validate=validate.Length(max=resumption.MAX_EXPERTS),
                             metadata={"description": "users of the expert group who took part"})
    findings = fields.String(required=True, validate=validate.Length(1, resumption.MAX_TEXT))
    requirements = fields.String(load_default="", metadata={"description": "required with `refused`"})
    next_date = fields.String(load_default="", metadata={"format": "date", "description": "required with "
                                                         "`refused`: a day after today"})
    files = _FILE_IDS


class OrderRequestSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(1, stop_work.MAX_TEXT))
    order_number = fields.String(load_default="", validate=validate.Length(max=100),
                                 metadata={"description": "e.g. （县）应急停〔2026〕3号"})
    scope = fields.String(load_default="", validate=validate.Length(max=stop_work.MAX_TEXT))
    resumption_conditions = fields.String(load_default="", validate=validate.Length(max=stop_work.MAX_TEXT))
    effective_at = fields.String(load_default="", metadata={
        "format": "date-time", "description": "when it took effect (Shanghai time when no offset); now when left "
                                              "out; not in the future"})


class WithdrawRequestSchema(Schema):
    withdraw_reason = fields.String(required=True, validate=validate.Length(1, stop_work.MAX_TEXT),
                                    metadata={"description": "why it was recorded by mistake"})


@api.post("/enterprises/<int:enterprise_id>/stop-work-orders")
@token_required
def record_stop_work_order(enterprise_id):
    get_visible_enterprise(db.session, g.api_user, enterprise_id)  # 404 before anything else
    stop_work.check_may_record(g.api_user)  # 403 before the body is read
    body = json_body(OrderRequestSchema())
    with UnitOfWork() as uow:
        row = stop_work.record_by_hand(uow, g.api_user, enterprise_id, body)
        uow.commit()
        return OrderSchema().dump(row), 201


@api.post("/enforcement/<int:referral_id>/stop-work-order")
@token_required
def stop_work_order_from_enforcement(referral_id):
    with UnitOfWork() as uow:
        row = stop_work.record_from_enforcement(uow, g.api_user, referral_id)
        uow.commit()
        return OrderSchema().dump(row), 201


@api.post("/stop-work-orders/<int:order_id>/withdraw")
@token_required
def withdraw_stop_work_order(order_id):
    stop_work.get_visible(db.session, g.api_user, order_id)  # 404 before anything else
    stop_work.check_may_record(g.api_user)  # 403 before the body is read
    body = json_body(WithdrawRequestSchema())
    with UnitOfWork() as uow:
        row = stop_work.withdraw(uow, g.api_user, order_id, body["withdraw_reason"])
        uow.commit()
        return OrderSchema().dump(row)


@api.get("/enterprises/<int:enterprise_id>/stop-work")
@token_required
def enterprise_stop_work(enterprise_id):
    enterprise = get_visible_enterprise(db.session, g.api_user, enterprise_id)
    orders = stop_work.orders_of(db.session, enterprise.id)
    return StopWorkStateSchema().dump({"enterprise_id": enterprise.id, "stopped": any(o.is_active for o in orders),
                                       "orders": orders})


@api.post("/enterprises/<int:enterprise_id>/resumption-applications")
@token_required
def apply_for_resumption(enterprise_id):
    get_visible_enterprise(db.session, g.api_user, enterprise_id)  # 404 before the body is read
    body = json_body(ApplicationRequestSchema())
    with UnitOfWork() as uow:
        row = resumption.apply(uow, g.api_user, enterprise_id, body, body["files"])
        uow.commit()
        return ApplicationSchema().dump(row), 201


@api.post("/resumption-applications/<int:application_id>/decision")
@token_required
def decide_resumption(application_id):
    resumption.get_visible(db.session, g.api_user, application_id)  # 404 before the body is read
    resumption.check_may_decide(g.api_user)  # 403 before the body is read
    body = json_body(DecisionRequestSchema())
    with UnitOfWork() as uow:
        row = resumption.decide(uow, g.api_user, application_id, body, body["files"])
        uow.commit()
        return ApplicationSchema().dump(row)


OPERATIONS = {
    "enterprise_stop_work": ("An enterprise's stop-work state (停产停业状态): whether an order stands, each order with "
                             "its applications for resumption and their on-site acceptances (404 outside the "
                             "caller's share)", "resumption", None, None, {"200": StopWorkStateSchema}),
    "apply_for_resumption": ("Apply for resumption (复工复产申请; the enterprise's own staff, other roles 403). 409 when "
                             "no order stands, one application already awaits its acceptance, or a case it covers or "
                             "an open 重大/特别重大 case of the enterprise has not passed rectification yet (awaiting "
                             "verification or closed)", "resumption", ApplicationRequestSchema, None,
                             {"201": ApplicationSchema}),
    "decide_resumption": ("Record the on-site acceptance (复工验收) of a pending application (the bureau only, 403 "
                          "otherwise; 409 once decided): `agreed` lifts the order; `refused` needs requirements and "
                          "the day to rectify by", "resumption", DecisionRequestSchema, None,
                          {"200": ApplicationSchema}),
    "record_stop_work_order": ("Record a stop-work order by hand (停产停业整顿; the bureau and admins, others 403; "
                               "404 outside the caller's share): the reason is required; the enterprise's staff are "
                               "told", "resumption", OrderRequestSchema, None, {"201": OrderSchema}),
    "stop_work_order_from_enforcement": ("Record the stop-work order of an enforcement decision that ordered "
                                         "责令停产停业整顿 (in force from the decision's day; the bureau and admins). 409 "
                                         "when recorded already or the decision has no such measure",
                                         "resumption", None, None, {"201": OrderSchema}),
    "withdraw_stop_work_order": ("Withdraw a standing order recorded by mistake (撤销, with the reason; the bureau and "
                                 "admins). 409 when it no longer stands or an application awaits its acceptance",
                                 "resumption", WithdrawRequestSchema, None, {"200": OrderSchema}),
}
