"""Service projects (服务项目, services/service_projects.py) in the API: the projects with their coverage numbers against
their rosters, one project with its roster rows and the "not yet" lists, and importing a roster from a list of
credit codes or names (project leads and the bureau; all or nothing). Enterprise tokens see the projects their own
enterprise is on, with their own row only; any other project is 404."""
from flask import g
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...services import service_project_coverage, service_project_roster, service_projects
from ...services.uow import UnitOfWork
from . import api
from .auth import token_required
from .helpers import json_body


class HazardNumbersSchema(Schema):
    found = fields.Integer(metadata={"description": "hazards registered at roster enterprises in the period"})
    closed = fields.Integer(metadata={"description": "of them, closed (销号) now"})
    open = fields.Integer()


class CoverageSchema(Schema):
    roster = fields.Integer(metadata={"description": "enterprises on the roster"})
    visited = fields.Integer(metadata={"description": "with at least one inspection visit dated in the period"})
    visited_percent = fields.Float(allow_none=True, metadata={"description": "null for an empty roster"})
    confirmed = fields.Integer(metadata={"description": "with a visit of the period the enterprise confirmed"})
    confirmed_percent = fields.Float(allow_none=True)
    reported = fields.Integer(metadata={"description": "with an issued service report overlapping the period"})
    reported_percent = fields.Float(allow_none=True)
    hazards = fields.Nested(HazardNumbersSchema)
    target_percent = fields.Integer()
    needed = fields.Integer(metadata={"description": "visited enterprises the target asks for"})
    remaining = fields.Integer(metadata={"description": "still to visit to reach the target"})
    on_target = fields.Boolean()


class ProjectSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    contract_no = fields.String(metadata={"description": "合同编号; may be empty"})
    start_on = fields.Date()
    end_on = fields.Date()
    target_percent = fields.Integer()
    current = fields.Function(lambda p: service_projects.is_current(p), metadata={
        "type": "boolean", "description": "today is within the period"})
    coverage = fields.Function(lambda p: CoverageSchema().dump(_coverage(p).numbers()), metadata={
        "type": "object", "description": "against the roster: roster, visited, visited_percent, confirmed, "
                          "confirmed_percent, reported, reported_percent, hazards {found, closed, open}, "
                          "target_percent, needed, remaining, on_target"})


class RosterRowSchema(Schema):
    enterprise_id = fields.Function(lambda r: r.enterprise.id, metadata={"type": "integer"})
    name = fields.Function(lambda r: r.enterprise.name, metadata={"type": "string"})
    credit_code = fields.Function(lambda r: r.enterprise.credit_code, metadata={"type": "string"})
    scale = fields.Function(lambda r: r.enterprise.scale, metadata={
        "type": "string", "description": "above (规上), below (规下), micro (微型), or empty"})
    visits = fields.Integer(metadata={"description": "visits dated in the period"})
    last_visit = fields.Date(allow_none=True)
    confirmed = fields.Integer(metadata={"description": "of them, confirmed by the enterprise"})
    hazards = fields.Integer()
    closed = fields.Integer()
    open = fields.Integer()
    report_id = fields.Integer(allow_none=True, metadata={"description": "an issued service report; null if none"})


class ProjectDetailSchema(ProjectSchema):
    roster = fields.Function(lambda p: RosterRowSchema(many=True).dump(_coverage(p).rows), metadata={
        "type": "array", "description": "the roster's enterprises with their figures (enterprise tokens: their own)"})
    not_visited = fields.Function(lambda p: [r.enterprise.id for r in _coverage(p).not_visited], metadata={
        "type": "array", "description": "enterprise ids of the roster not yet visited in the period"})
    not_confirmed = fields.Function(lambda p: [r.enterprise.id for r in _coverage(p).not_confirmed], metadata={
        "type": "array", "description": "enterprise ids without a confirmed visit in the period"})
    not_reported = fields.Function(lambda p: [r.enterprise.id for r in _coverage(p).not_reported], metadata={
        "type": "array", "description": "enterprise ids without an issued service report"})


class ProjectListSchema(Schema):
    items = fields.List(fields.Nested(ProjectSchema))


class RosterImportRequestSchema(Schema):
    entries = fields.List(fields.String(), required=True,
                          validate=validate.Length(min=1, max=service_project_roster.MAX_ROWS),
                          metadata={"description": "one enterprise of the register per entry: its unified social "
                                                   "credit code or its exact name"})


class RosterImportResultSchema(Schema):
    added = fields.List(fields.Integer(), metadata={"description": "enterprise ids put on the roster"})
    on_roster = fields.Integer(metadata={"description": "entries whose enterprise was on the roster already"})
    repeated = fields.Integer(metadata={"description": "entries repeating an earlier one"})


def _coverage(project):
    """The project's coverage for the caller, computed once per request and project."""
    cache = g.setdefault("service_project_coverage", {})
    if project.id not in cache:
        user = g.api_user
        own = None if service_projects.reads_all(user) else service_projects.own_enterprise(user)
        cache[project.id] = service_project_coverage.compute(db.session, project, enterprise_id=own)
    return cache[project.id]


@api.get("/service-projects")
@token_required
def list_service_projects():
    return ProjectListSchema().dump({"items": service_projects.listing(db.session, g.api_user)})


@api.get("/service-projects/<int:project_id>")
@token_required
def get_service_project(project_id):
    return ProjectDetailSchema().dump(service_projects.get(db.session, g.api_user, project_id))


@api.post("/service-projects/<int:project_id>/roster")
@token_required
def import_service_project_roster(project_id):
    project = service_projects.get(db.session, g.api_user, project_id)  # 404 before the body is read
    service_projects.check_may_manage(g.api_user)
    body = json_body(RosterImportRequestSchema())
    with UnitOfWork() as uow:
        plan = service_project_roster.plan_entries(uow.session, project, body["entries"])
        added = service_project_roster.apply(uow, g.api_user, project.id, plan, "api")
        uow.commit()
        return RosterImportResultSchema().dump({"added": [e.id for e in added], "on_roster": plan.count("on_roster"),
                                                "repeated": plan.count("repeat")})


# endpoint -> (summary, tag, request body, query schema, responses), merged into openapi.OPERATIONS
OPERATIONS = {
    "list_service_projects": ("Service projects (服务项目) with their coverage against their rosters (服务对象名单) "
                              "within their periods, the latest period first (every staff role; enterprise tokens: "
                              "the projects their enterprise is on, counted over their own row)", "service-projects",
                              None, None, {"200": ProjectListSchema}),
    "get_service_project": ("One project with its coverage numbers, its roster's enterprises with their figures and "
                            "the lists of those not yet visited, without a confirmed visit and without an issued "
                            "service report", "service-projects", None, None, {"200": ProjectDetailSchema}),
    "import_service_project_roster": ("Put enterprises of the register on the roster by credit code or name (project "
                                      "lead, bureau): all or nothing — with any unknown or ambiguous entry nothing "
                                      "is added and 400 names each (`fields`: `line N`); entries already on the "
                                      "roster or repeated are no error", "service-projects",
                                      RosterImportRequestSchema, None, {"200": RosterImportResultSchema}),
}
