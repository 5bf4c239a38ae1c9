"""Training sessions and emergency drills (services/trainings.py, services/drills.py) in the API, read only: the
lists with the pages' filters, scoped as the pages are — the staff side reads all, an enterprise token the on-site
trainings given to its enterprise and its own drills (404 for any other), other roles 403."""
from flask import g
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...models import ASSESSMENT_RESULTS, DRILL_KINDS, TRAINING_KINDS, TRAINING_MODULES
from ...services import drills, trainings
from . import api
from .auth import token_required
from .helpers import query_args
from .schemas import LocalDateTime


class AttendeeSchema(Schema):
    id = fields.Integer()
    user_id = fields.Integer(allow_none=True, metadata={"description": "a staff user (internal trainings)"})
    name = fields.String()
    position = fields.String()
    result = fields.String(metadata={"enum": [""] + list(ASSESSMENT_RESULTS), "description": "考核; empty: none"})
    score = fields.Integer(allow_none=True)


class TrainingSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"enum": list(TRAINING_KINDS)})
    held_at = LocalDateTime()
    hours = fields.Float(metadata={"description": "学时, in steps of 0.5"})
    topic = fields.String()
    modules = fields.List(fields.String(metadata={"enum": list(TRAINING_MODULES)}))
    content = fields.String()
    trainer = fields.String()
    location = fields.String()
    attendee_count = fields.Integer()
    enterprise_ids = fields.Function(lambda r: [e.id for e in r.enterprises], metadata={
        "type": "array", "items": {"type": "integer"}})
    enterprises = fields.Function(lambda r: [e.name for e in r.enterprises], metadata={
        "type": "array", "items": {"type": "string"}})
    attendees = fields.List(fields.Nested(AttendeeSchema))
    plan_item_id = fields.Integer(allow_none=True)
    files = fields.Function(lambda r: [{"id": a.public_id, "name": a.original_name} for a in r.attachments],
                            metadata={"type": "array", "items": {"type": "object"},
                                      "description": "GET /training/{id}/files/{file id} (web)"})
    recorded_by = fields.Function(lambda r: r.recorded_by.username, metadata={"type": "string"})
    recorded_at = LocalDateTime()


class TrainingListSchema(Schema):
    items = fields.List(fields.Nested(TrainingSchema))
    total = fields.Integer()


class TrainingQuery(Schema):
    kind = fields.String(validate=validate.OneOf(list(TRAINING_KINDS)))
    enterprise_id = fields.Integer()
    date_from = fields.Date()
    date_to = fields.Date()
    q = fields.String(validate=validate.Length(max=100))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
    offset = fields.Integer(load_default=0, validate=validate.Range(0))


class DrillSchema(Schema):
    id = fields.Integer()
    enterprise_id = fields.Integer()
    enterprise = fields.Function(lambda r: r.enterprise.name, metadata={"type": "string"})
    held_on = fields.Date()
    scenario = fields.String(metadata={"description": "the emergency plan (预案) drilled"})
    kind = fields.String(metadata={"enum": list(DRILL_KINDS)})
    participants = fields.Integer()
    evaluation = fields.String()
    problems = fields.Function(lambda r: r.problem_lines, metadata={"type": "array", "items": {"type": "string"}})
    improvements = fields.String()
    hazards = fields.Function(lambda r: [{"problem": h.problem, "case_id": h.case_id, "case_code": h.case.code}
                                         for h in r.hazards], metadata={
        "type": "array", "items": {"type": "object"}, "description": "problems registered as hazard cases"})
    recorded_by = fields.Function(lambda r: r.recorded_by.username, metadata={"type": "string"})
    recorded_at = LocalDateTime()


class DrillListSchema(Schema):
    items = fields.List(fields.Nested(DrillSchema))
    total = fields.Integer()


class DrillQuery(Schema):
    enterprise_id = fields.Integer()
    kind = fields.String(validate=validate.OneOf(list(DRILL_KINDS)))
    date_from = fields.Date()
    date_to = fields.Date()
    q = fields.String(validate=validate.Length(max=100))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
    offset = fields.Integer(load_default=0, validate=validate.Range(0))


@api.get("/trainings")
@token_required
def list_trainings():
    args = query_args(TrainingQuery())
    rows, total = trainings.listing(db.session, g.api_user, trainings.TrainingFilter(
        kind=args.get("kind", ""), enterprise_id=args.get("enterprise_id"), date_from=args.get("date_from"),
        date_to=args.get("date_to"), text=args.get("q", ""), limit=args["limit"], offset=args["offset"]))
    return TrainingListSchema().dump({"items": rows, "total": total})


@api.get("/trainings/<int:training_id>")
@token_required
def get_training(training_id):
    return TrainingSchema().dump(trainings.get(db.session, g.api_user, training_id))


@api.get("/drills")
@token_required
def list_drills():
    args = query_args(DrillQuery())
    rows, total = drills.listing(db.session, g.api_user, drills.DrillFilter(
        enterprise_id=args.get("enterprise_id"), kind=args.get("kind", ""), date_from=args.get("date_from"),
        date_to=args.get("date_to"), text=args.get("q", ""), limit=args["limit"], offset=args["offset"]))
    return DrillListSchema().dump({"items": rows, "total": total})


@api.get("/drills/<int:drill_id>")
@token_required
def get_drill(drill_id):
    return DrillSchema().dump(drills.get(db.session, g.api_user, drill_id))


OPERATIONS = {
    "list_trainings": ("Training sessions (内部培训 / 企业现场培训), the latest first: every one for project leads, the "
                       "project team, the bureau, managers and administrators; an enterprise token the on-site "
                       "trainings given to its enterprise; 403 for other roles", "training", None, TrainingQuery,
                       {"200": TrainingListSchema}),
    "get_training": ("One training session with its attendees and assessment (404 when not visible)", "training",
                     None, None, {"200": TrainingSchema}),
    "list_drills": ("Emergency drills of enterprises (应急演练), the latest first: every one for the staff side and "
                    "inspectors, an enterprise token its own enterprise's; 403 for other roles", "training", None,
                    DrillQuery, {"200": DrillListSchema}),
    "get_drill": ("One drill with its problems and the hazards registered from them (404 when not visible)",
                  "training", None, None, {"200": DrillSchema}),
}
