"""隐患举报 in the API: the reporter's status by query code for anyone (no token), and the staff's intake — list,
detail and the handling steps (services/public_reports.py, public_report_handling.py). The reporter's contact is in
the answer for the bureau only."""
from flask import g
from marshmallow import Schema, fields, validate

from ...errors import ValidationFailed
from ...extensions import db
from ...models import PUBLIC_REPORT_STATUSES, Attachment
from ...models.attachment import free_of_owners
from ...services import public_report_handling as handling, public_reports
from ...services.uow import UnitOfWork
from . import api
from .auth import token_required
from .helpers import json_body, query_args
from .schemas import LocalDateTime, PageQuery

CONTACT = ("reporter_name", "reporter_phone")


def _username(attr):
    return fields.Function(lambda r: getattr(r, attr).username if getattr(r, attr) else None, allow_none=True,
                           metadata={"type": "string", "description": "username"})


class PublicReportStatusSchema(Schema):
    code = fields.String()
    stage = fields.String(metadata={"enum": list(public_reports.PUBLIC_STAGE_NAMES)})
    received_at = LocalDateTime()
    updated_at = LocalDateTime()
    place = fields.String()
    public_reply = fields.String(metadata={"description": "the bureau's reply to the reporter (may be empty)"})
    reward = fields.String(allow_none=True, metadata={"enum": ["approved", "paid"], "description": "null: none approved"})
    reward_amount = fields.Integer(allow_none=True, metadata={"description": "yuan, once approved"})


class PublicReportSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    text = fields.String()
    place = fields.String()
    enterprise_id = fields.Integer(allow_none=True)
    township = fields.String(allow_none=True)
    anonymous = fields.Boolean()
    reporter_name = fields.String(allow_none=True, metadata={"description": "the bureau only; null for others"})
    reporter_phone = fields.String(allow_none=True, metadata={"description": "the bureau only; null for others"})
    received_at = LocalDateTime()
    status = fields.String(metadata={"enum": list(PUBLIC_REPORT_STATUSES)})
    public_reply = fields.String(allow_none=True)
    decided_at = LocalDateTime(allow_none=True)
    verifier = _username("verifier")
    assigned_at = LocalDateTime(allow_none=True)
    verify_due = LocalDateTime(allow_none=True, metadata={"description": "3 working days after the assignment"})
    verify_overdue = fields.Function(lambda r: public_reports.verify_overdue(r), metadata={"type": "boolean"})
    verified_at = LocalDateTime(allow_none=True)
    verification_note = fields.String(allow_none=True)
    case_code = fields.Function(lambda r: r.case.code if r.case else None, allow_none=True,
                                metadata={"type": "string"})
    reward_amount = fields.Integer(allow_none=True, metadata={"description": "yuan"})
    reward_note = fields.String(allow_none=True)
    reward_proposed_at = LocalDateTime(allow_none=True)
    reward_approved_at = LocalDateTime(allow_none=True)
    reward_paid_on = fields.Date(allow_none=True)


class PublicReportListSchema(Schema):
    items = fields.List(fields.Nested(PublicReportSchema))
    total = fields.Integer()


class PublicReportQuery(PageQuery):
    state = fields.String(load_default="open", validate=validate.OneOf(public_reports.STATES), metadata={
        "description": "open: not finished; overdue: verification past its deadline; closed; all"})
    status = fields.String(load_default="", validate=validate.OneOf(["", *PUBLIC_REPORT_STATUSES]))
    township = fields.String(load_default="", validate=validate.Length(max=100))
    received_from = fields.Date(load_default=None)
    received_to = fields.Date(load_default=None)


class RejectSchema(Schema):
    reason = fields.String(required=True, metadata={"description": "the public reply; at most 1000 characters"})


class AssignSchema(Schema):
    verifier_id = fields.Integer(required=True, strict=True, metadata={"description": "an inspector or supervision "
                                                                                      "user"})


class VerifySchema(Schema):
    result = fields.String(required=True, validate=validate.OneOf(["true", "false"]))
    note = fields.String(required=True, metadata={"description": "internal"})
    reply = fields.String(required=True, metadata={"description": "what the reporter reads"})
    photos = fields.List(fields.String(), load_default=list, metadata={
        "description": "public ids of the caller's own uploads (POST /attachments), images only"})


class LinkSchema(Schema):
    case_code = fields.String(required=True, validate=validate.Length(1, 32))


class RewardSchema(Schema):
    amount = fields.Integer(required=True, strict=True, metadata={"description": f"yuan, 1 to {handling.MAX_REWARD}"})
    note = fields.String(required=True)


class PaymentSchema(Schema):
    paid_on = fields.Date(required=True)


OPERATIONS = {
    "public_report_status": ("A report from the public (隐患举报) by its query code: its stage, the public reply, "
                             "a reward once approved; nothing about staff or the verification", "public-reports",
                             None, None, {"200": PublicReportStatusSchema}),
    "list_public_reports": ("Reports from the public the caller may read (the bureau all, an inspector or "
                            "supervision user those assigned to them), newest first", "public-reports", None,
                            PublicReportQuery, {"200": PublicReportListSchema}),
    "get_public_report": ("One report; the reporter's contact for the bureau only", "public-reports", None, None,
                          {"200": PublicReportSchema}),
    "accept_public_report": ("Accept a received report, once (bureau)", "public-reports", None, None,
                             {"200": PublicReportSchema}),
    "reject_public_report": ("Reject a received report with a reason the reporter reads (bureau)", "public-reports",
                             RejectSchema, None, {"200": PublicReportSchema}),
    "assign_public_report": ("Have an accepted report verified by an inspector or supervision user within 3 "
                             "working days (bureau)", "public-reports", AssignSchema, None,
                             {"200": PublicReportSchema}),
    "verify_public_report": ("The verification's result, once (the assigned verifier)", "public-reports",
                             VerifySchema, None, {"200": PublicReportSchema}),
    "link_public_report": ("Link the hazard case a true report led to (bureau or the verifier)", "public-reports",
                           LinkSchema, None, {"200": PublicReportSchema}),
    "propose_public_report_reward": ("Propose the reward of a true report, at most 10,000 yuan (bureau or the "
                                     "verifier)", "public-reports", RewardSchema, None, {"200": PublicReportSchema}),
    "approve_public_report_reward": ("Approve the proposed reward (bureau)", "public-reports", None, None,
                                     {"200": PublicReportSchema}),
    "pay_public_report_reward": ("Record the day the approved reward was paid (bureau)", "public-reports",
                                 PaymentSchema, None, {"200": PublicReportSchema}),
}
PUBLIC = {"public_report_status"}


def dump(row, user):
    data = PublicReportSchema().dump(row)
    if not public_reports.shows_contact(user):
        data.update({name: None for name in CONTACT})
    return data


@api.get("/public/reports/<code>")
def public_report_status(code):
    return PublicReportStatusSchema().dump(public_reports.public_facts(public_reports.by_code(db.session, code)))


@api.get("/public-reports")
@token_required
def list_public_reports():
    args = query_args(PublicReportQuery())
    rows, total = public_reports.listing(db.session, g.api_user, public_reports.ReportFilter(
        state=args["state"], status=args["status"], township=args["township"], received_from=args["received_from"],
        received_to=args["received_to"], limit=args["limit"], offset=args["offset"]))
    return {"items": [dump(r, g.api_user) for r in rows], "total": total}


@api.get("/public-reports/<int:report_id>")
@token_required
def get_public_report(report_id):
    return dump(public_reports.get_visible(db.session, g.api_user, report_id), g.api_user)


def _step(report_id, schema, action):
    """404 / 403 before the body is read, then the step in its transaction."""
    public_reports.get_visible(db.session, g.api_user, report_id)
    body = json_body(schema) if schema is not None else {}
    with UnitOfWork() as uow:
        row = action(uow, body)
        uow.commit()
        return dump(row, g.api_user)


@api.post("/public-reports/<int:report_id>/accept")
@token_required
def accept_public_report(report_id):
    return _step(report_id, None, lambda uow, b: handling.accept(uow, g.api_user, report_id))


@api.post("/public-reports/<int:report_id>/reject")
@token_required
def reject_public_report(report_id):
    return _step(report_id, RejectSchema(), lambda uow, b: handling.reject(uow, g.api_user, report_id, b["reason"]))


@api.post("/public-reports/<int:report_id>/assign")
@token_required
def assign_public_report(report_id):
    return _step(report_id, AssignSchema(),
                 lambda uow, b: handling.assign(uow, g.api_user, report_id, b["verifier_id"]))


def _own_photos(uow, public_ids):
    """The caller's own uploaded images, on no case or report yet."""
    if not public_ids:
        return []
    rows = uow.session.query(Attachment).filter(
        Attachment.public_id.in_(public_ids), Attachment.uploader_id == g.api_user.id,
        free_of_owners(Attachment.__table__.c)).all()
    if len(rows) != len(set(public_ids)) or not all(r.is_image for r in rows):
        raise ValidationFailed("照片无效 / unknown photo or not an image", fields={"photos": "unknown or not an image"})
    return rows


@api.post("/public-reports/<int:report_id>/verify")
@token_required
def verify_public_report(report_id):
    def action(uow, body):
        handling.check_verifier(g.api_user, public_reports.get_visible(uow.session, g.api_user, report_id))
        return handling.verify(uow, g.api_user, report_id, body["result"], body["note"], body["reply"],
                               _own_photos(uow, body["photos"]))
    return _step(report_id, VerifySchema(), action)


@api.post("/public-reports/<int:report_id>/case")
@token_required
def link_public_report(report_id):
    def action(uow, body):
        handling.check_bureau_or_verifier(g.api_user, public_reports.get_visible(uow.session, g.api_user, report_id))
        return handling.link_case(uow, g.api_user, report_id, handling.case_by_code(uow.session, body["case_code"]))
    return _step(report_id, LinkSchema(), action)


@api.post("/public-reports/<int:report_id>/reward")
@token_required
def propose_public_report_reward(report_id):
    return _step(report_id, RewardSchema(),
                 lambda uow, b: handling.propose_reward(uow, g.api_user, report_id, b["amount"], b["note"]))


@api.post("/public-reports/<int:report_id>/reward/approve")
@token_required
def approve_public_report_reward(report_id):
    return _step(report_id, None, lambda uow, b: handling.approve_reward(uow, g.api_user, report_id))


@api.post("/public-reports/<int:report_id>/reward/paid")
@token_required
def pay_public_report_reward(report_id):
    return _step(report_id, PaymentSchema(),
                 lambda uow, b: handling.record_payment(uow, g.api_user, report_id, b["paid_on"]))
