"""The bureau's quarterly evaluation of the contractor (监管部门评价) and the improvement items (专项整改) its low scores
open, in the API (services/contractor_evaluations.py, the same functions as the pages): the bureau evaluates, changes
and confirms; the bureau, managers and project leads read; project leads record the measures and close the items.
Any other role 403; bad input 400 naming the fields; a second evaluation of a quarter, a change after confirmation
or a closed item 409."""
from flask import g
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...models import EVALUATION_DIMENSIONS
from ...services import contractor_evaluations as evaluations
from ...services.uow import UnitOfWork
from . import api
from .auth import token_required
from .helpers import json_body
from .schemas import LocalDateTime

_SCORE = {"validate": validate.Range(1, 5), "strict": True}


def _name(attr):
    return fields.Function(lambda r: getattr(r, attr).display_name if getattr(r, attr) else None, allow_none=True,
                           metadata={"type": "string", "description": "display name"})


class ImprovementItemSchema(Schema):
    id = fields.Integer()
    evaluation_id = fields.Integer()
    dimension = fields.String(metadata={"enum": list(EVALUATION_DIMENSIONS)})
    score = fields.Integer()
    due_on = fields.Date(metadata={"description": "one calendar month after the confirmation day"})
    overdue = fields.Function(lambda r: evaluations.is_overdue(r), metadata={"type": "boolean"})
    measures = fields.String()
    closed_by = _name("closed_by")
    closed_at = LocalDateTime(allow_none=True)


class EvaluationSchema(Schema):
    id = fields.Integer()
    year = fields.Integer()
    quarter = fields.Integer()
    response_speed = fields.Integer(metadata={"description": "响应速度, 1–5"})
    service_quality = fields.Integer(metadata={"description": "服务质量, 1–5"})
    data_accuracy = fields.Integer(metadata={"description": "数据准确性, 1–5"})
    communication = fields.Integer(metadata={"description": "沟通协作, 1–5"})
    rectification_effect = fields.Integer(metadata={"description": "整改成效, 1–5"})
    average = fields.Float()
    comments = fields.String()
    evaluated_by = _name("evaluated_by")
    created_at = LocalDateTime()
    updated_at = LocalDateTime()
    confirmed_by = _name("confirmed_by")
    confirmed_at = LocalDateTime(allow_none=True)
    items = fields.List(fields.Nested(ImprovementItemSchema))


class EvaluationListSchema(Schema):
    items = fields.List(fields.Nested(EvaluationSchema), metadata={"description": "the latest quarter first"})
    open_items = fields.List(fields.Nested(ImprovementItemSchema), metadata={
        "description": "improvement items not closed, the earliest due first"})


class ScoresSchema(Schema):
    response_speed = fields.Integer(required=True, **_SCORE)
    service_quality = fields.Integer(required=True, **_SCORE)
    data_accuracy = fields.Integer(required=True, **_SCORE)
    communication = fields.Integer(required=True, **_SCORE)
    rectification_effect = fields.Integer(required=True, **_SCORE)
    comments = fields.String(load_default="", validate=validate.Length(max=evaluations.MAX_COMMENTS))


class EvaluationRequestSchema(ScoresSchema):
    year = fields.Integer(required=True, strict=True)
    quarter = fields.Integer(required=True, strict=True, validate=validate.Range(1, 4),
                             metadata={"description": "a quarter that has begun"})


class ItemRequestSchema(Schema):
    measures = fields.String(load_default="", validate=validate.Length(max=evaluations.MAX_MEASURES))
    close = fields.Boolean(load_default=False, metadata={"description": "close the item too (measures required)"})


@api.get("/contractor-evaluations")
@token_required
def list_contractor_evaluations():
    return EvaluationListSchema().dump({"items": evaluations.evaluations(db.session, g.api_user),
                                        "open_items": evaluations.open_items(db.session, g.api_user)})


@api.get("/contractor-evaluations/<int:evaluation_id>")
@token_required
def get_contractor_evaluation(evaluation_id):
    return EvaluationSchema().dump(evaluations.get(db.session, g.api_user, evaluation_id))


@api.post("/contractor-evaluations")
@token_required
def create_contractor_evaluation():
    evaluations.check_may_evaluate(g.api_user)  # 403 before the body is read
    body = json_body(EvaluationRequestSchema())
    with UnitOfWork() as uow:
        row = evaluations.create(uow, g.api_user, body)
        uow.commit()
        return EvaluationSchema().dump(row), 201


@api.put("/contractor-evaluations/<int:evaluation_id>")
@token_required
def change_contractor_evaluation(evaluation_id):
    evaluations.check_may_evaluate(g.api_user)
    evaluations.get(db.session, g.api_user, evaluation_id)  # 404 before the body is read
    body = json_body(ScoresSchema())
    with UnitOfWork() as uow:
        row = evaluations.change(uow, g.api_user, evaluation_id, body)
        uow.commit()
        return EvaluationSchema().dump(row)


@api.post("/contractor-evaluations/<int:evaluation_id>/confirm")
@token_required
def confirm_contractor_evaluation(evaluation_id):
    with UnitOfWork() as uow:
        row = evaluations.confirm(uow, g.api_user, evaluation_id)
        uow.commit()
        return EvaluationSchema().dump(row)


@api.post("/improvement-items/<int:item_id>")
@token_required
def record_improvement_measures(item_id):
    evaluations.check_may_close(g.api_user)  # 403 before the body is read
    body = json_body(ItemRequestSchema())
    with UnitOfWork() as uow:
        row = evaluations.record_measures(uow, g.api_user, item_id, body["measures"], body["close"])
        uow.commit()
        return ImprovementItemSchema().dump(row)


OPERATIONS = {
    "list_contractor_evaluations": ("The bureau's quarterly evaluations of the contractor (监管部门评价) and the open "
                                    "improvement items (专项整改; the bureau, managers, project leads; others 403)",
                                    "evaluations", None, None, {"200": EvaluationListSchema}),
    "get_contractor_evaluation": ("One evaluation with its improvement items", "evaluations", None, None,
                                  {"200": EvaluationSchema}),
    "create_contractor_evaluation": ("Evaluate a quarter (the bureau only): five dimensions scored 1–5 and comments; "
                                     "409 when the quarter has one already, 400 for a quarter not begun",
                                     "evaluations", EvaluationRequestSchema, None, {"201": EvaluationSchema}),
    "change_contractor_evaluation": ("Change the scores and comments of an evaluation not yet confirmed (409 after)",
                                     "evaluations", ScoresSchema, None, {"200": EvaluationSchema}),
    "confirm_contractor_evaluation": ("Confirm an evaluation (fixed from then on): each dimension scored 2 or less "
                                      "opens an improvement item due a calendar month later, and the project leads "
                                      "are told. 409 when confirmed already", "evaluations", None, None,
                                      {"200": EvaluationSchema}),
    "record_improvement_measures": ("Record the measures of an open improvement item, and with `close` close it "
                                    "(measures required; project leads only; 409 once closed)", "evaluations",
                                    ItemRequestSchema, None, {"200": ImprovementItemSchema}),
}
