"""Survey rounds (问卷调查) in the API (services/surveys.py, the same functions as the pages): project leads create,
open and close rounds; project leads, managers and the bureau read every round with its response rates and averages;
enterprise staff and township offices read and answer only the rounds addressed to them (another round 404) and never
the results. Any other role 403; bad input 400 naming the fields; a second answer or a closed round 409."""
from flask import g
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...models import SURVEY_AUDIENCES, SURVEY_QUESTIONS, SURVEY_STATUSES
from ...services import surveys
from ...services.uow import UnitOfWork
from . import api
from .auth import token_required
from .helpers import json_body
from .schemas import LocalDateTime

_ANSWER = {"validate": validate.Range(1, 5), "strict": True}


class ResultsSchema(Schema):
    recipients = fields.Integer()
    answered = fields.Integer()
    rate = fields.Float(allow_none=True, metadata={"description": "percent answered"})
    by_audience = fields.Dict(metadata={"description": "{audience: {recipients, answered, rate}}"})
    averages = fields.Dict(metadata={"description": "{question: average 1–5, null before any answer}"})


class MyAnswerSchema(Schema):
    answered_at = LocalDateTime(allow_none=True)
    q_attitude = fields.Integer(allow_none=True)
    q_expertise = fields.Integer(allow_none=True)
    q_timeliness = fields.Integer(allow_none=True)
    q_guidance = fields.Integer(allow_none=True)
    comment = fields.String()


class SurveyRoundSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    audience = fields.List(fields.String(metadata={"enum": list(SURVEY_AUDIENCES)}))
    status = fields.String(metadata={"enum": list(SURVEY_STATUSES)})
    questions = fields.Dict(metadata={"description": "{question: text}: the fixed questions, each answered 1–5"})
    created_at = LocalDateTime()
    opened_at = LocalDateTime(allow_none=True)
    closed_at = LocalDateTime(allow_none=True)
    results = fields.Nested(ResultsSchema, allow_none=True, metadata={"description": "readers only"})
    mine = fields.Nested(MyAnswerSchema, allow_none=True, metadata={"description": "a recipient's own answer"})


class SurveyRoundListSchema(Schema):
    items = fields.List(fields.Nested(SurveyRoundSchema))


class SurveyRequestSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(1, surveys.MAX_TITLE))
    audience = fields.List(fields.String(validate=validate.OneOf(list(SURVEY_AUDIENCES))), required=True,
                           validate=validate.Length(1, len(SURVEY_AUDIENCES)))


class AnswerRequestSchema(Schema):
    q_attitude = fields.Integer(required=True, **_ANSWER)
    q_expertise = fields.Integer(required=True, **_ANSWER)
    q_timeliness = fields.Integer(required=True, **_ANSWER)
    q_guidance = fields.Integer(required=True, **_ANSWER)
    comment = fields.String(load_default="", validate=validate.Length(max=surveys.MAX_COMMENT))


def _results(row):
    summary = surveys.summary(row)
    return {"recipients": summary.total, "answered": summary.total_answered, "rate": summary.overall_rate,
            "by_audience": {a: {"recipients": summary.recipients[a], "answered": summary.answered[a],
                                "rate": summary.audience_rate(a)} for a in surveys.RESPONDERS},
            "averages": summary.averages}


def dump(row, user):
    readers = surveys.may_read_results(user)
    return SurveyRoundSchema().dump({
        "id": row.id, "title": row.title, "status": row.status, "questions": dict(SURVEY_QUESTIONS),
        "audience": [a for a, on in (("enterprise", row.to_enterprises), ("township", row.to_townships)) if on],
        "created_at": row.created_at, "opened_at": row.opened_at, "closed_at": row.closed_at,
        "results": _results(row) if readers else None,
        "mine": None if readers else surveys.my_response(db.session, user, row)})


@api.get("/surveys")
@token_required
def list_surveys():
    return {"items": [dump(r, g.api_user) for r in surveys.rounds(db.session, g.api_user)]}


@api.get("/surveys/<int:round_id>")
@token_required
def get_survey(round_id):
    surveys.check_may_use(g.api_user)  # other roles 403, not 404
    return dump(surveys.get(db.session, g.api_user, round_id), g.api_user)


@api.post("/surveys")
@token_required
def create_survey():
    surveys.check_may_manage(g.api_user)  # 403 before the body is read
    body = json_body(SurveyRequestSchema())
    with UnitOfWork() as uow:
        row = surveys.create(uow, g.api_user, body)
        uow.commit()
        return dump(row, g.api_user), 201


def _act(round_id, action):
    with UnitOfWork() as uow:
        row = action(uow, g.api_user, round_id)
        uow.commit()
        return dump(row, g.api_user)


@api.post("/surveys/<int:round_id>/open")
@token_required
def open_survey(round_id):
    return _act(round_id, surveys.open_round)


@api.post("/surveys/<int:round_id>/close")
@token_required
def close_survey(round_id):
    return _act(round_id, surveys.close_round)


@api.post("/surveys/<int:round_id>/answer")
@token_required
def answer_survey(round_id):
    surveys.check_may_use(g.api_user)  # other roles 403
    surveys.get(db.session, g.api_user, round_id)  # 404 before the body is read
    body = json_body(AnswerRequestSchema())
    with UnitOfWork() as uow:
        surveys.answer(uow, g.api_user, round_id, body)
        uow.commit()
    return dump(surveys.get(db.session, g.api_user, round_id), g.api_user)


OPERATIONS = {
    "list_surveys": ("Survey rounds (问卷调查), newest first: every round with its results for project leads, managers "
                     "and the bureau; the rounds addressed to them with their own answer for enterprise staff and "
                     "township offices; others 403", "surveys", None, None, {"200": SurveyRoundListSchema}),
    "get_survey": ("One survey round (404 when not addressed to the caller)", "surveys", None, None,
                   {"200": SurveyRoundSchema}),
    "create_survey": ("Create a draft round (project leads): a title and the audience (enterprise staff, township "
                      "offices or both); every round asks the same fixed questions", "surveys", SurveyRequestSchema,
                      None, {"201": SurveyRoundSchema}),
    "open_survey": ("Open a draft round: its recipients are fixed (the audience's active users now) and told. 409 "
                    "when opened already or the audience has no user", "surveys", None, None,
                    {"200": SurveyRoundSchema}),
    "close_survey": ("Close an open round: no more answers (409 unless open)", "surveys", None, None,
                     {"200": SurveyRoundSchema}),
    "answer_survey": ("Answer a round addressed to the caller, once (409 again, 409 once closed): each question 1–5 "
                      "and a comment", "surveys", AnswerRequestSchema, None, {"200": SurveyRoundSchema}),
}
