"""Referrals of cases to other departments (跨部门移送 / 抄告, services/referrals.py) in the API: the department
register, a case's referrals, the list with filters, one referral, referring (bureau, admin), recording a reply and
closing. Enterprise tokens get the summary only (to whom, when, how far): no reason, notes or replies. Reply files
are uploaded first (POST /attachments) and named by their ids. A department's token (部门用户) lists and reads its
department's referrals (with the letter's facts of the case, without the internal note), signs for them and replies;
every other call is 403 for it (web/department_gate.py)."""
from flask import g
from marshmallow import Schema, fields, validate

from ...errors import NotFound
from ...extensions import db
from ...models import DEPARTMENT_KINDS, REFERRAL_KINDS, REFERRAL_REQUESTS, REFERRAL_STATUSES, REPLY_OUTCOMES
from ...services import departments, hazards, referrals
from ...services.uow import UnitOfWork
from . import api
from .auth import token_required
from .helpers import json_body, query_args
from .schemas import LocalDateTime


class DepartmentSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    kind = fields.String(metadata={"enum": list(DEPARTMENT_KINDS)})
    contact_person = fields.String()
    phone = fields.String()
    email = fields.String()
    active = fields.Boolean()


class DepartmentListSchema(Schema):
    items = fields.List(fields.Nested(DepartmentSchema))


def _recorder_department(reply):
    user = reply.recorded_by
    return user.department.name if "department" in user.roles and user.department else None


class ReferralSummarySchema(Schema):
    id = fields.Integer()
    case_id = fields.Integer()
    case_code = fields.Function(lambda r: r.case.code, metadata={"type": "string"})
    department_id = fields.Integer()
    department = fields.Function(lambda r: r.department.name, metadata={"type": "string"})
    kind = fields.String(metadata={"enum": list(REFERRAL_KINDS), "description": "transfer (移送) or copy (抄告)"})
    request = fields.String(metadata={"enum": list(REFERRAL_REQUESTS)})
    status = fields.String(metadata={"enum": list(REFERRAL_STATUSES)})
    referred_at = LocalDateTime()
    reply_due = LocalDateTime(metadata={"description": "reply_days working days after referring"})
    overdue = fields.Function(referrals.is_overdue, metadata={"type": "boolean",
                                                             "description": "no reply and past reply_due"})


class ReplySchema(Schema):
    id = fields.Integer()
    received_on = fields.Date()
    outcome = fields.String(metadata={"enum": list(REPLY_OUTCOMES)})
    text = fields.String()
    files = fields.List(fields.String(), metadata={"description": "GET /referrals/{id}/files/{public_id} (web)"})
    recorded_by = fields.Function(lambda r: r.recorded_by.username, metadata={"type": "string"})
    recorded_by_name = fields.Function(lambda r: r.recorded_by.display_name, metadata={"type": "string"})
    recorded_by_department = fields.Function(_recorder_department, allow_none=True, metadata={
        "type": "string", "description": "the department's name when one of its users recorded the reply itself; "
                                         "null when the bureau recorded it"})
    recorded_at = LocalDateTime()


class ReferralSchema(ReferralSummarySchema):
    number = fields.String(metadata={"description": "the letter's number: YS-… (移送函) or CG-… (抄告函)"})
    reason = fields.String()
    internal_note = fields.String()
    reply_days = fields.Integer()
    referred_by = fields.Function(lambda r: r.referred_by.username, metadata={"type": "string"})
    first_reply_at = LocalDateTime(allow_none=True)
    urged_at = LocalDateTime(allow_none=True, metadata={"description": "when the bureau was urged, once"})
    closed_at = LocalDateTime(allow_none=True)
    close_note = fields.String()
    signed_at = LocalDateTime(allow_none=True, metadata={"description": "签收: when the department's user signed"})
    signed_by = fields.Function(lambda r: r.signed_by.username if r.signed_by else None, allow_none=True,
                                metadata={"type": "string"})
    replies = fields.List(fields.Nested(ReplySchema))


class EnterpriseFactsSchema(Schema):
    name = fields.String()
    credit_code = fields.String()
    address = fields.String()
    contact_person = fields.String()
    contact_phone = fields.String()


class CaseFactsSchema(Schema):
    """The case as the letter shows it to the department: no more (no history, photos or tasks)."""
    code = fields.String()
    enterprise = fields.Nested(EnterpriseFactsSchema)
    grade = fields.String(allow_none=True)
    hazard_type = fields.String()
    place = fields.String()
    description = fields.String()
    registered_at = LocalDateTime()
    inspector = fields.Function(lambda c: c.inspector.display_name, metadata={"type": "string"})
    status = fields.String()
    current_step = fields.String()
    rectification_due = LocalDateTime(allow_none=True)


class DepartmentReferralSchema(ReferralSummarySchema):
    """A referral as its department's token reads it: the letter's content, the signature, the replies."""
    number = fields.String()
    reason = fields.String()
    reply_days = fields.Integer()
    referred_by = fields.Function(lambda r: r.referred_by.display_name, metadata={"type": "string"})
    referred_by_phone = fields.Function(lambda r: r.referred_by.phone or "", metadata={"type": "string"})
    referred_by_email = fields.Function(lambda r: r.referred_by.email or "", metadata={"type": "string"})
    signed_at = LocalDateTime(allow_none=True)
    first_reply_at = LocalDateTime(allow_none=True)
    closed_at = LocalDateTime(allow_none=True)
    case = fields.Nested(CaseFactsSchema)
    replies = fields.List(fields.Nested(ReplySchema))


class SignedSchema(DepartmentReferralSchema):
    signed_now = fields.Boolean(metadata={"description": "false when the referral had been signed before"})


class ReferralListSchema(Schema):
    items = fields.List(fields.Nested(ReferralSummarySchema), metadata={
        "description": "the full referral (with reason, replies) for every token but enterprise staff's"})
    total = fields.Integer()


class ReferralQuery(Schema):
    department_id = fields.Integer()
    status = fields.String(validate=validate.OneOf(list(REFERRAL_STATUSES)))
    overdue = fields.Boolean(load_default=False)
    case_id = fields.Integer()
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
    offset = fields.Integer(load_default=0, validate=validate.Range(0))


class ReferralRequestSchema(Schema):
    department_ids = fields.List(fields.Integer(), required=True, validate=validate.Length(min=1))
    kind = fields.String(required=True, validate=validate.OneOf(list(REFERRAL_KINDS)))
    request = fields.String(required=True, validate=validate.OneOf(list(REFERRAL_REQUESTS)))
    reason = fields.String(required=True, validate=validate.Length(1, referrals.MAX_TEXT))
    internal_note = fields.String(load_default="", validate=validate.Length(max=referrals.MAX_TEXT))
    reply_days = fields.Integer(load_default=referrals.DEFAULT_REPLY_DAYS,
                                validate=validate.Range(1, referrals.MAX_REPLY_DAYS),
                                metadata={"description": "working days (the calendar's)"})


class ReplyRequestSchema(Schema):
    received_on = fields.Date(load_default=None, metadata={
        "description": "required when the bureau records a reply; a department's own reply is received today"})
    outcome = fields.String(required=True, validate=validate.OneOf(list(REPLY_OUTCOMES)))
    text = fields.String(required=True, validate=validate.Length(1, referrals.MAX_TEXT))
    files = fields.List(fields.String(), load_default=list, metadata={
        "description": "ids of the caller's own uploads (POST /api/v1/attachments)"})


class CloseRequestSchema(Schema):
    note = fields.String(load_default="", validate=validate.Length(max=referrals.MAX_TEXT))


def _dump(row):
    if referrals.is_department_user(g.api_user):
        return DepartmentReferralSchema().dump(row)
    schema = ReferralSchema if referrals.sees_details(g.api_user) else ReferralSummarySchema
    return schema().dump(row)


@api.get("/departments")
@token_required
def list_departments():
    if not departments.may_read(g.api_user):
        raise NotFound("not found")
    return DepartmentListSchema().dump({"items": departments.listing(db.session)})


@api.get("/referrals")
@token_required
def list_referrals():
    args = query_args(ReferralQuery())
    rows, total = referrals.listing(db.session, g.api_user, referrals.ReferralFilter(
        department_id=args.get("department_id"), status=args.get("status", ""), overdue=args["overdue"],
        case_id=args.get("case_id"), limit=args["limit"], offset=args["offset"]))
    return {"items": [_dump(r) for r in rows], "total": total}


@api.get("/referrals/<int:referral_id>")
@token_required
def get_referral(referral_id):
    return _dump(referrals.get_visible(db.session, g.api_user, referral_id))


@api.get("/hazards/<int:case_id>/referrals")
@token_required
def hazard_referrals(case_id):
    with UnitOfWork() as uow:
        case = hazards.get_case(uow, g.api_user, case_id)  # 404 unless the caller may see the case
        return {"items": [_dump(r) for r in referrals.for_case(uow.session, case.id)]}


@api.post("/hazards/<int:case_id>/referrals")
@token_required
def refer_hazard(case_id):
    body = json_body(ReferralRequestSchema())
    with UnitOfWork() as uow:
        rows = referrals.refer(uow, g.api_user, case_id, body)
        uow.commit()
        return {"items": [_dump(r) for r in rows]}, 201


@api.post("/referrals/<int:referral_id>/replies")
@token_required
def record_referral_reply(referral_id):
    body = json_body(ReplyRequestSchema())
    files = body.pop("files")
    with UnitOfWork() as uow:
        referrals.record_reply(uow, g.api_user, referral_id, body, files)
        uow.commit()
        return _dump(referrals.get_visible(uow.session, g.api_user, referral_id)), 201


@api.post("/referrals/<int:referral_id>/sign")
@token_required
def sign_referral(referral_id):
    with UnitOfWork() as uow:
        signed = referrals.sign(uow, g.api_user, referral_id)
        uow.commit()
        return dict(_dump(referrals.get_visible(uow.session, g.api_user, referral_id)), signed_now=signed)


@api.post("/referrals/<int:referral_id>/close")
@token_required
def close_referral(referral_id):
    body = json_body(CloseRequestSchema())
    with UnitOfWork() as uow:
        row = referrals.close(uow, g.api_user, referral_id, body["note"])
        uow.commit()
        return _dump(row)


OPERATIONS = {
    "list_departments": ("The department register (部门名录) the bureau refers hazards to; 404 for enterprise tokens",
                         "referrals", None, None, {"200": DepartmentListSchema}),
    "list_referrals": ("Referrals of cases to other departments (移送 / 抄告), newest first, of the cases the caller "
                       "may see; `overdue`: unanswered past the deadline. Enterprise tokens: the summary only; "
                       "department tokens (部门用户): their department's referrals only, as DepartmentReferral",
                       "referrals", None, ReferralQuery, {"200": ReferralListSchema}),
    "get_referral": ("One referral (404 when its case is not visible, or for a department token another "
                     "department's); the summary for enterprise tokens, DepartmentReferral for department tokens",
                     "referrals", None, None, {"200": ReferralSchema}),
    "hazard_referrals": ("A case's referrals", "referrals", None, None, {"200": ReferralListSchema}),
    "refer_hazard": ("Refer a case to one or more departments (bureau, admin): one referral each, reply due in "
                     "`reply_days` working days; 409 for a closed case or a department with an open referral of it",
                     "referrals", ReferralRequestSchema, None, {"201": ReferralListSchema}),
    "record_referral_reply": ("Record a department's reply (bureau, admin; or a user of the addressed department "
                              "itself: received today, signs for it, the bureau is told); 409 once the referral "
                              "is closed", "referrals", ReplyRequestSchema, None, {"201": ReferralSchema}),
    "sign_referral": ("签收: a user of the addressed department acknowledges receipt; once — signing again changes "
                      "nothing (`signed_now`: false); 403 for the bureau's side, 404 for another department",
                      "referrals", None, None, {"200": SignedSchema}),
    "close_referral": ("Close an answered referral (办结; bureau, admin); 409 before any reply or when closed",
                       "referrals", CloseRequestSchema, None, {"200": ReferralSchema}),
}
