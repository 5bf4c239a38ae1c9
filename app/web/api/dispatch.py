"""智能调度 in the API (services/dispatch.py, dispatch_scoring.py, dispatch_routes.py): the ranked inspectors for a
plan with each score part, assigning a team, the auto-dispatch proposal of a day range and its confirmation, and an
inspector's day in route order with each stop's focus points. Project leads dispatch; inspectors read their own
route; other staff 403; enterprise, township and department tokens 404."""
from flask import g
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...models import GRADES, VISIT_KINDS
from ...services import dispatch, dispatch_routes
from ...services.dispatch_scoring import PART_CODES
from ...services.uow import UnitOfWork
from . import api
from .auth import token_required
from .helpers import json_body, query_args
from .schemas import LocalDateTime, QuerySchema


class PartSchema(Schema):
    code = fields.String(metadata={"enum": list(PART_CODES)})
    points = fields.Integer()
    facts = fields.Dict(metadata={"description": "what the points were worked out from: workload {day, week, tasks, "
                                                 "capacity}; distance {alone} or {enterprise, km, same, township, "
                                                 "unknown?}; certificate {kinds, expired?}; familiarity {visits, "
                                                 "prefers_new}"})


class CandidateSchema(Schema):
    user_id = fields.Function(lambda c: c.user.id, metadata={"type": "integer"})
    name = fields.Function(lambda c: c.user.display_name, metadata={"type": "string"})
    total = fields.Integer()
    full = fields.Boolean(metadata={"description": "two plans that day already: never suggested"})
    on_team = fields.Boolean(metadata={"description": "named on the plan's team now"})
    suggested = fields.Boolean()
    parts = fields.List(fields.Nested(PartSchema))


class SuggestionSchema(Schema):
    plan_id = fields.Function(lambda s: s.plan.id, metadata={"type": "integer"})
    planned_on = fields.Function(lambda s: s.plan.planned_on.isoformat(), metadata={"type": "string",
                                                                                     "format": "date"})
    enterprise_id = fields.Function(lambda s: s.plan.enterprise_id, metadata={"type": "integer"})
    enterprise = fields.Function(lambda s: s.plan.enterprise.name, metadata={"type": "string"})
    kind = fields.Function(lambda s: s.plan.kind, metadata={"type": "string", "enum": list(VISIT_KINDS)})
    team = fields.Function(lambda s: s.plan.team, metadata={"type": "string", "description": "the team line now"})
    suggested_user_ids = fields.Function(lambda s: [u.id for u in s.team], metadata={
        "type": "array", "items": {"type": "integer"}})
    candidates = fields.List(fields.Nested(CandidateSchema), metadata={"description": "best first"})


class ProposalSchema(Schema):
    plans = fields.List(fields.Nested(SuggestionSchema))


class AssignSchema(Schema):
    user_ids = fields.List(fields.Integer(), required=True, metadata={"description": "active inspectors, 1 to 6"})


class RangeQuery(QuerySchema):
    start = fields.String(required=True, metadata={"format": "date"})
    end = fields.String(required=True, metadata={"format": "date", "description": "at most 31 days after start"})


class ConfirmPlanSchema(Schema):
    plan_id = fields.Integer(required=True)
    user_ids = fields.List(fields.Integer(), required=True)
    seen_team = fields.String(load_default=None, allow_none=True, metadata={
        "description": "the plan's team line as the proposal showed it; another one by now is a 409"})


class ConfirmSchema(Schema):
    start = fields.String(required=True)
    end = fields.String(required=True)
    plans = fields.List(fields.Nested(ConfirmPlanSchema), required=True, validate=validate.Length(min=1))


class DispatchedSchema(Schema):
    plan_ids = fields.List(fields.Integer())


class RouteQuery(QuerySchema):
    day = fields.Date(required=True, metadata={"description": "YYYY-MM-DD"})


class OpenCaseSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    grade = fields.String(allow_none=True, metadata={"enum": list(GRADES)})
    hazard_type = fields.String()
    rectification_due = LocalDateTime(allow_none=True)
    overdue = fields.Function(lambda c: dispatch_routes.is_overdue(c), metadata={"type": "boolean"})


def _focus(stop):
    focus, score = stop.focus, stop.focus.cooperation
    return {"hazard_types": [{"type": t, "cases": n, "open": o} for t, n, o in focus.types],
            "open_cases": OpenCaseSchema(many=True).dump(focus.open_cases), "open_total": focus.open_total,
            "cooperation": None if score is None else {"month": score.month.strftime("%Y-%m"),
                                                       "class": score.cooperation_class, "score": score.score}}


class StopSchema(Schema):
    plan_id = fields.Function(lambda s: s.plan.id, metadata={"type": "integer"})
    enterprise_id = fields.Function(lambda s: s.plan.enterprise_id, metadata={"type": "integer"})
    enterprise = fields.Function(lambda s: s.plan.enterprise.name, metadata={"type": "string"})
    address = fields.Function(lambda s: s.plan.enterprise.address, metadata={"type": "string"})
    township = fields.Function(lambda s: s.plan.enterprise.township, metadata={"type": "string"})
    contact_person = fields.Function(lambda s: s.plan.enterprise.contact_person, metadata={"type": "string"})
    contact_phone = fields.Function(lambda s: s.plan.enterprise.contact_phone, metadata={"type": "string"})
    kind = fields.Function(lambda s: s.plan.kind, metadata={"type": "string", "enum": list(VISIT_KINDS)})
    areas = fields.Function(lambda s: s.plan.areas, metadata={"type": "string"})
    team = fields.Function(lambda s: s.plan.team, metadata={"type": "string"})
    done = fields.Function(lambda s: s.plan.visit_id is not None, metadata={"type": "boolean"})
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    leg_km = fields.Float(allow_none=True, metadata={"description": "straight-line km from the stop before (or the "
                                                                    "start); null: no position, listed last"})
    checklists = fields.Function(lambda s: [c.name for c in s.checklists], metadata={
        "type": "array", "items": {"type": "string"}, "description": "the standard lists to use, by name"})
    focus = fields.Function(_focus, metadata={
        "type": "object", "description": "重点关注: hazard_types [{type, cases, open}] (most frequent first), "
                                         "open_cases, open_total, cooperation {month, class, score} or null"})


class RouteSchema(Schema):
    inspector_id = fields.Function(lambda r: r.inspector.id, metadata={"type": "integer"})
    inspector = fields.Function(lambda r: r.inspector.display_name, metadata={"type": "string"})
    day = fields.Function(lambda r: r.day.isoformat(), metadata={"type": "string", "format": "date"})
    start = fields.Function(lambda r: None if r.start is None else {
        "latitude": r.start[0], "longitude": r.start[1], "kind": r.start_kind}, metadata={
        "type": "object", "description": "the office (config DISPATCH_OFFICE) or the first plan's enterprise"})
    travel_km = fields.Float()
    return_km = fields.Float(allow_none=True, metadata={"description": "back to the office; null from a first plan"})
    total_km = fields.Float()
    stops = fields.List(fields.Nested(StopSchema), metadata={"description": "nearest-neighbour order"})


@api.get("/inspection-plans/<int:plan_id>/dispatch-suggestions")
@token_required
def get_dispatch_suggestions(plan_id):
    return SuggestionSchema().dump(dispatch.suggestions(db.session, g.api_user, plan_id))


@api.post("/inspection-plans/<int:plan_id>/dispatch")
@token_required
def dispatch_inspection_plan(plan_id):
    body = json_body(AssignSchema())
    with UnitOfWork() as uow:
        dispatch.assign(uow, g.api_user, plan_id, body["user_ids"])
        uow.commit()
    return SuggestionSchema().dump(dispatch.suggestions(db.session, g.api_user, plan_id))


@api.get("/dispatch/proposal")
@token_required
def get_dispatch_proposal():
    args = query_args(RangeQuery())
    return ProposalSchema().dump({"plans": dispatch.preview(db.session, g.api_user, args["start"], args["end"])})


@api.post("/dispatch/confirm")
@token_required
def confirm_dispatch_proposal():
    body = json_body(ConfirmSchema())
    choices = {p["plan_id"]: p["user_ids"] for p in body["plans"]}
    seen = {p["plan_id"]: p["seen_team"] for p in body["plans"]}
    with UnitOfWork() as uow:
        rows = dispatch.confirm(uow, g.api_user, body["start"], body["end"], choices, seen)
        ids = [row.id for row in rows]
        uow.commit()
    return DispatchedSchema().dump({"plan_ids": ids})


@api.get("/inspectors/<int:user_id>/route")
@token_required
def get_inspector_route(user_id):
    args = query_args(RouteQuery())
    return RouteSchema().dump(dispatch_routes.day_route(db.session, g.api_user, user_id, args["day"].isoformat()))


# endpoint -> (summary, tag, request body, query schema, responses), merged into openapi.OPERATIONS
OPERATIONS = {
    "get_dispatch_suggestions": ("推荐派单: every active inspector ranked for one open plan, with the four score parts "
                                 "(workload, distance, certificate, familiarity) and the suggested team of two; "
                                 "project leads (others 403; enterprise tokens 404); a done, cancelled or joint "
                                 "plan 409", "dispatch", None, None, {"200": SuggestionSchema}),
    "dispatch_inspection_plan": ("派单: set the plan's team to these inspectors (project leads; audited; the new "
                                 "ones told, the enterprise told of an announced plan's new team); an unknown or "
                                 "inactive inspector 400", "dispatch", AssignSchema, None, {"200": SuggestionSchema}),
    "get_dispatch_proposal": ("自动派单 preview: the unassigned open plans of a day range (at most 31 days, else 400) "
                              "with a proposed team each; nothing is written", "dispatch", None, RangeQuery,
                              {"200": ProposalSchema}),
    "confirm_dispatch_proposal": ("Confirm an auto-dispatch: set the given teams, all or nothing (a plan no longer "
                                  "open, outside the range or with another team than `seen_team`: 409)",
                                  "dispatch", ConfirmSchema, None, {"200": DispatchedSchema}),
    "get_inspector_route": ("路径规划: an inspector's plans of the day in nearest-neighbour order from the office, "
                            "straight-line km, each stop's contacts, checklists and focus points (重点关注); a project "
                            "lead any inspector, an inspector their own (another's 403); not an active inspector or "
                            "a malformed day 400", "dispatch", None, RouteQuery, {"200": RouteSchema}),
}
