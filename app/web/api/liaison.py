"""Enterprises' questions (services/questions.py, question_handling.py) and an enterprise's contact log
(services/contact_log.py): list and ask questions (enterprise staff their own enterprise's; the staff side those
assigned to them, project leads and oversight roles all), read one with its thread, write in it; the contact log and
the liaison of an enterprise for the staff side only (enterprise tokens: 403)."""
from flask import g
from marshmallow import Schema, fields, validate

from ...clock import SHANGHAI
from ...extensions import db
from ...models import COMMITMENT_STATUSES, CONTACT_WAYS, QUESTION_URGENCIES
from ...services import contact_log, liaisons, question_handling, questions
from ...services.uow import UnitOfWork
from . import api
from .auth import token_required
from .helpers import json_body, query_args
from .schemas import LocalDateTime, PageQuery


def _name(attr):
    return fields.Function(lambda r: getattr(r, attr).display_name if getattr(r, attr) else None, allow_none=True,
                           metadata={"type": "string", "description": "display name"})


def _files(r, field):
    return [{"id": a.public_id, "name": a.original_name} for a in r.attachments if a.field == field]


class MessageSchema(Schema):
    id = fields.Integer()
    author = _name("author")
    from_staff = fields.Boolean()
    text = fields.String()
    created_at = LocalDateTime()
    waited_seconds = fields.Integer(allow_none=True, metadata={
        "description": "a staff message: how long the enterprise had waited for it"})
    files = fields.Function(lambda m: _files(m.question, f"message:{m.id}"), metadata={
        "type": "array", "description": "GET /questions/{id}/files/{file id} (web)"})


class QuestionSchema(Schema):
    id = fields.Integer()
    enterprise_id = fields.Integer()
    enterprise = fields.Function(lambda r: r.enterprise.name, metadata={"type": "string"})
    subject = fields.String()
    description = fields.String()
    urgency = fields.String(metadata={"enum": list(QUESTION_URGENCIES)})
    case_id = fields.Integer(allow_none=True)
    asked_by = _name("asked_by")
    asked_at = LocalDateTime()
    assignee = _name("assignee")
    status = fields.String(metadata={"enum": ["open", "closed"]})
    respond_due = LocalDateTime(allow_none=True, metadata={"description": "the deadline of the answer awaited; null "
                                                           "when nothing waits"})
    overdue = fields.Function(lambda r: questions.is_overdue(r), metadata={"type": "boolean"})
    first_response_at = LocalDateTime(allow_none=True)
    first_response_seconds = fields.Function(questions.first_response_seconds, allow_none=True,
                                             metadata={"type": "integer"})
    closed_at = LocalDateTime(allow_none=True)
    files = fields.Function(lambda r: _files(r, "question"), metadata={"type": "array"})


class QuestionDetailSchema(QuestionSchema):
    messages = fields.List(fields.Nested(MessageSchema))


class QuestionListSchema(Schema):
    items = fields.List(fields.Nested(QuestionSchema))
    total = fields.Integer()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "how many per state: open, waiting, overdue, closed, all"})


class QuestionQuery(PageQuery):
    state = fields.String(load_default="open", validate=validate.OneOf(questions.STATES), metadata={
        "description": "open: not closed; waiting: an answer awaited; overdue: awaited past its clock; closed; all"})
    mine = fields.Boolean(load_default=False, metadata={
        "description": "staff: only those assigned to the caller (project leads: and those without a liaison)"})


class QuestionRequestSchema(Schema):
    subject = fields.String(required=True, validate=validate.Length(1, questions.MAX_SUBJECT))
    description = fields.String(required=True, validate=validate.Length(1, questions.MAX_TEXT))
    urgency = fields.String(required=True, validate=validate.OneOf(list(QUESTION_URGENCIES)))
    case_id = fields.Integer(load_default=None, allow_none=True, strict=True, metadata={
        "description": "a case of the caller's enterprise"})
    files = fields.List(fields.String(validate=validate.Length(1, 32)), load_default=list,
                        validate=validate.Length(max=questions.MAX_FILES), metadata={
                            "description": "public ids of the caller's own uploads (POST /attachments)"})


class MessageRequestSchema(Schema):
    text = fields.String(required=True, validate=validate.Length(1, questions.MAX_TEXT))
    files = fields.List(fields.String(validate=validate.Length(1, 32)), load_default=list,
                        validate=validate.Length(max=questions.MAX_FILES))


class CommitmentSchema(Schema):
    id = fields.Integer()
    text = fields.String()
    due_on = fields.Date()
    status = fields.String(metadata={"enum": list(COMMITMENT_STATUSES)})
    settled_at = LocalDateTime(allow_none=True)
    settle_note = fields.String()


class ContactSchema(Schema):
    id = fields.Integer()
    contacted_at = LocalDateTime()
    way = fields.String(metadata={"enum": list(CONTACT_WAYS)})
    staff = _name("staff")
    counterpart = fields.String()
    content = fields.String()
    follow_up = fields.String()
    refused = fields.Boolean()
    commitments = fields.List(fields.Nested(CommitmentSchema))


class ContactLogSchema(Schema):
    enterprise_id = fields.Integer()
    liaison = fields.Dict(allow_none=True, metadata={"description": "{id, name, phone, since} of the current "
                                                     "liaison; null without one"})
    items = fields.List(fields.Nested(ContactSchema))


@api.get("/questions")
@token_required
def list_questions():
    args = query_args(QuestionQuery())
    flt = questions.QuestionFilter(state=args["state"], mine=args["mine"], limit=args["limit"], offset=args["offset"])
    rows, total = questions.listing(db.session, g.api_user, flt)
    return {"items": QuestionSchema(many=True).dump(rows), "total": total,
            "counts": questions.counts(db.session, g.api_user, flt)}


@api.post("/questions")
@token_required
def ask_question():
    questions.check_may_ask(g.api_user)  # 403 before the body is read
    body = json_body(QuestionRequestSchema())
    with UnitOfWork() as uow:
        row = questions.ask(uow, g.api_user, body, body["files"])
        uow.commit()
        return QuestionDetailSchema().dump(row), 201


@api.get("/questions/<int:question_id>")
@token_required
def get_question(question_id):
    return QuestionDetailSchema().dump(questions.get_visible(db.session, g.api_user, question_id))


@api.post("/questions/<int:question_id>/messages")
@token_required
def write_in_question(question_id):
    questions.get_visible(db.session, g.api_user, question_id)  # 404 before the body is read
    body = json_body(MessageRequestSchema())
    with UnitOfWork() as uow:
        message = question_handling.reply(uow, g.api_user, question_id, body["text"], body["files"])
        uow.commit()
        return MessageSchema().dump(message), 201


@api.get("/enterprises/<int:enterprise_id>/contacts")
@token_required
def list_contacts(enterprise_id):
    enterprise = liaisons.get_enterprise(db.session, g.api_user, enterprise_id)
    current = liaisons.current(db.session, enterprise.id)
    liaison = {"id": current.liaison_id, "name": current.liaison.display_name, "phone": current.liaison.phone,
               "since": current.assigned_at.astimezone(SHANGHAI).isoformat()} if current else None
    return ContactLogSchema().dump({"enterprise_id": enterprise.id, "liaison": liaison,
                                    "items": contact_log.entries(db.session, enterprise.id)})


OPERATIONS = {
    "list_questions": ("Enterprises' questions (线上咨询反馈) the caller may see, in a state, with the count per state: "
                       "enterprise tokens their own enterprise's, project team members and inspectors those assigned "
                       "to them, project leads and oversight roles all; 403 for other roles", "questions", None,
                       QuestionQuery, {"200": QuestionListSchema}),
    "ask_question": ("Ask a question (enterprise staff): routed to the enterprise's liaison (or the project leads); "
                     "answered within 2 hours (紧急: 30 minutes), clock time; 409 beyond 20 open ones", "questions",
                     QuestionRequestSchema, None, {"201": QuestionDetailSchema}),
    "get_question": ("One question with its thread (404 outside the caller's share)", "questions", None, None,
                     {"200": QuestionDetailSchema}),
    "write_in_question": ("Write in a question's thread: the liaison or a project lead answers (stopping the clock), "
                          "the enterprise's staff add a word (starting it when nothing waits); 409 when closed",
                          "questions", MessageRequestSchema, None, {"201": MessageSchema}),
    "list_contacts": ("An enterprise's contact log (沟通记录) with the commitments made, the latest first, and its "
                      "current liaison (the staff side; a township office its townships'; enterprise tokens: 403)",
                      "questions", None, None, {"200": ContactLogSchema}),
}
