"""Service complaints (服务投诉, services/complaints.py and complaint_handling.py): list and read them (the quality desk,
project leads and oversight roles all; enterprise staff their own enterprise's), raise one (enterprise staff), and
the desk's steps — investigate, answer (quality supervisors) — and a project lead's approve or return."""
from flask import g, request
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...models import COMPLAINT_KINDS
from ...services import complaint_handling, complaints
from ...services.uow import UnitOfWork
from . import api
from .auth import token_required
from .helpers import json_body, query_args
from .schemas import LocalDateTime, PageQuery

# Read by the desk, the project leads and the oversight roles only: null for the enterprise's staff (the answer too,
# until it is approved).
INTERNAL = ("investigation_note", "answer_drafted_at", "answer_drafted_by", "review_note")


def _username(attr):
    return fields.Function(lambda c: getattr(c, attr).username if getattr(c, attr) else None, allow_none=True,
                           metadata={"type": "string", "description": "username"})


class ComplaintSchema(Schema):
    id = fields.Integer()
    enterprise_id = fields.Integer()
    enterprise = fields.Function(lambda c: c.enterprise.name, metadata={"type": "string"})
    visit_id = fields.Integer(allow_none=True, metadata={"description": "the inspection visit it is about"})
    rating_id = fields.Integer(allow_none=True, metadata={"description": "the low satisfaction rating that opened it"})
    kind = fields.String(metadata={"enum": list(COMPLAINT_KINDS)})
    text = fields.String()
    raised_by = fields.Function(lambda c: c.raised_by.username if c.raised_by else None, allow_none=True, metadata={
        "type": "string", "description": "username; null for one opened by an anonymous rating"})
    raised_at = LocalDateTime()
    investigate_due = LocalDateTime(metadata={"description": "24 hours after it was raised"})
    answer_due = LocalDateTime(metadata={"description": "72 hours after it was raised"})
    stage = fields.Function(complaints.stage, metadata={"type": "string", "enum": list(complaints.STAGES)})
    investigation_overdue = fields.Function(lambda c: complaints.investigation_overdue(c), metadata={"type": "boolean"})
    answer_overdue = fields.Function(lambda c: complaints.answer_overdue(c), metadata={"type": "boolean"})
    investigation_started_at = LocalDateTime(allow_none=True)
    investigated_by = _username("investigated_by")
    investigation_note = fields.String(allow_none=True, metadata={"description": "null for enterprise staff"})
    answer = fields.String(allow_none=True, metadata={
        "description": "the draft, or once approved the answer sent; enterprise staff read only the approved one"})
    answer_drafted_at = LocalDateTime(allow_none=True, metadata={
        "description": "the draft awaiting approval (null when none waits); pass it to approve/return"})
    answer_drafted_by = _username("answer_drafted_by")
    review_note = fields.String(allow_none=True, metadata={"description": "why a project lead sent the draft back"})
    approved_at = LocalDateTime(allow_none=True, metadata={"description": "when it was approved and sent"})
    approved_by = _username("approved_by")
    upheld = fields.Boolean(allow_none=True, metadata={
        "description": "the desk's conclusion (投诉属实); null when not concluded, and for enterprise staff until "
                       "approved"})


class ComplaintListSchema(Schema):
    items = fields.List(fields.Nested(ComplaintSchema))
    total = fields.Integer()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "how many the caller may see per state: open, overdue, answered, all"})


class ComplaintQuery(PageQuery):
    state = fields.String(load_default="open", validate=validate.OneOf(complaints.STATES), metadata={
        "description": "open: not answered yet; overdue: a step past its deadline; answered; all"})


class ComplaintRequestSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(complaints.RAISED_KINDS))
    text = fields.String(required=True, validate=validate.Length(1, complaints.MAX_TEXT))
    visit_id = fields.Integer(load_default=None, allow_none=True, strict=True, metadata={
        "description": "an inspection visit to the caller's enterprise"})


class ComplaintNoteSchema(Schema):
    note = fields.String(required=True, validate=validate.Length(1, complaints.MAX_TEXT))


class ComplaintAnswerSchema(Schema):
    answer = fields.String(required=True, validate=validate.Length(1, complaints.MAX_TEXT))
    upheld = fields.Boolean(load_default=None, allow_none=True, metadata={
        "description": "the investigation's conclusion (投诉属实): true, false or null (not concluded); approved with the "
                       "answer, an upheld complaint about a visit counts in its team's staff scorecards"})


class ComplaintDecisionSchema(Schema):
    drafted_at = LocalDateTime(load_default=None, allow_none=True, metadata={
        "description": "the answer_drafted_at of the draft the caller read: 409 if it has been redrafted since"})


class ComplaintReturnSchema(ComplaintDecisionSchema):
    note = fields.String(required=True, validate=validate.Length(1, complaints.MAX_TEXT))


def dump(row, user):
    data = ComplaintSchema().dump(row)
    if not complaints.shows_internals(user):
        data.update({name: None for name in INTERNAL})
        if row.approved_at is None:
            data["answer"] = data["upheld"] = None
    return data


def _optional_body(schema):
    """Like json_body, but no body at all is an empty object (approving needs nothing)."""
    if not request.get_data():
        return schema.load({})
    return json_body(schema)


@api.get("/complaints")
@token_required
def list_complaints():
    args = query_args(ComplaintQuery())
    rows, total = complaints.listing(db.session, g.api_user, complaints.ComplaintFilter(
        state=args["state"], limit=args["limit"], offset=args["offset"]))
    # The shape of ComplaintListSchema; each item dumped for the caller (the enterprise reads no internals).
    return {"items": [dump(r, g.api_user) for r in rows], "total": total,
            "counts": complaints.counts(db.session, g.api_user)}


@api.post("/complaints")
@token_required
def raise_complaint():
    complaints.check_may_raise(g.api_user)  # 403 before the body is read
    body = json_body(ComplaintRequestSchema())
    with UnitOfWork() as uow:
        row = complaints.raise_complaint(uow, g.api_user, body["kind"], body["text"], body["visit_id"])
        uow.commit()
        return dump(row, g.api_user), 201


@api.get("/complaints/<int:complaint_id>")
@token_required
def get_complaint(complaint_id):
    return dump(complaints.get_visible(db.session, g.api_user, complaint_id), g.api_user)


def _step(complaint_id, check, schema, action, body_optional=False):
    """404 / 403 before the body is read, then the step in its transaction."""
    complaints.get_visible(db.session, g.api_user, complaint_id)
    check(g.api_user)
    body = _optional_body(schema) if body_optional else json_body(schema)
    with UnitOfWork() as uow:
        row = action(uow, body)
        uow.commit()
        return dump(row, g.api_user)


@api.post("/complaints/<int:complaint_id>/investigate")
@token_required
def investigate_complaint(complaint_id):
    return _step(complaint_id, complaint_handling.check_handler, ComplaintNoteSchema(),
                 lambda uow, body: complaint_handling.start_investigation(uow, g.api_user, complaint_id, body["note"]))


@api.post("/complaints/<int:complaint_id>/answer")
@token_required
def answer_complaint(complaint_id):
    return _step(complaint_id, complaint_handling.check_handler, ComplaintAnswerSchema(),
                 lambda uow, body: complaint_handling.draft_answer(uow, g.api_user, complaint_id, body["answer"],
                                                                 body["upheld"]))


@api.post("/complaints/<int:complaint_id>/approve")
@token_required
def approve_complaint(complaint_id):
    return _step(complaint_id, complaint_handling.check_approver, ComplaintDecisionSchema(),
                 lambda uow, body: complaint_handling.approve(uow, g.api_user, complaint_id, body["drafted_at"]),
                 body_optional=True)


@api.post("/complaints/<int:complaint_id>/return")
@token_required
def return_complaint(complaint_id):
    return _step(complaint_id, complaint_handling.check_approver, ComplaintReturnSchema(),
                 lambda uow, body: complaint_handling.send_back(uow, g.api_user, complaint_id, body["note"],
                                                                body["drafted_at"]))

