"""Quality incidents (质量事故, services/quality_incidents.py) as JSON: the list and one incident for quality supervisors,
project leads and the bureau, registering one and its steps after that (services/quality_incident_handling.py:
investigate, handle, notify, close; quality supervisors, project leads) and putting uploaded files on it (the
investigation's recordings). Enterprise tokens 404, other roles 403; bad input 400 with the fields named; a step out of
order 409."""
from flask import g
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...models import (ACCOUNTABILITY_MEASURES, INCIDENT_GRADES, INCIDENT_SOURCES, INCIDENT_STATUSES, PERSON_PARTS,
                       SOURCE_COLUMNS)
from ...clock import clock
from ...services import quality_incident_files
from ...services import quality_incident_handling as handling
from ...services import quality_incidents as incidents
from ...services.uow import UnitOfWork
from . import api
from .auth import token_required
from .helpers import json_body, query_args
from .schemas import LocalDateTime, QuerySchema


class IncidentPersonSchema(Schema):
    user_id = fields.Integer()
    name = fields.String()
    part = fields.String(metadata={"enum": list(PERSON_PARTS)})
    measures = fields.List(fields.String(metadata={"enum": list(ACCOUNTABILITY_MEASURES)}),
                           metadata={"description": "accountability measures (追责), responsible staff only"})
    measure_note = fields.String()


class QualityIncidentSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    description = fields.String()
    found_at = LocalDateTime()
    registered_at = LocalDateTime()
    source = fields.String(metadata={"enum": list(INCIDENT_SOURCES)})
    source_id = fields.Integer(allow_none=True, metadata={
        "description": "the id of the record of that source: a quality sample, a visit's quality sample, a complaint, "
                       "an evaluation, a supervision record"})
    case_codes = fields.List(fields.String())
    visit_ids = fields.List(fields.Integer())
    grade = fields.String(metadata={"enum": list(INCIDENT_GRADES)})
    limit_hours = fields.Integer(metadata={"description": "clock hours from registration: 48 / 24 / 12"})
    due_at = LocalDateTime()
    overdue = fields.Boolean(metadata={"description": "past its limit and not handled"})
    handled_late = fields.Boolean()
    status = fields.String(metadata={"enum": list(INCIDENT_STATUSES)})
    people = fields.List(fields.Nested(IncidentPersonSchema))
    findings = fields.String()
    cause = fields.String()
    remedy = fields.String()
    handled_at = LocalDateTime(allow_none=True)
    lesson = fields.String()
    notified_at = LocalDateTime(allow_none=True)
    training_id = fields.Integer(allow_none=True, metadata={"description": "the internal training (组织学习)"})
    closed_at = LocalDateTime(allow_none=True)
    files = fields.List(fields.Dict(), metadata={"description": "[{id, name, content_type}]: GET "
                                                                "/quality-incidents/{id}/files/{file id} (web)"})


class QualityIncidentListSchema(Schema):
    items = fields.List(fields.Nested(QualityIncidentSchema))
    total = fields.Integer()


class QualityIncidentQuery(QuerySchema):
    status = fields.String(validate=validate.OneOf(list(INCIDENT_STATUSES)))
    grade = fields.String(validate=validate.OneOf(list(INCIDENT_GRADES)))
    overdue = fields.Boolean()
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
    offset = fields.Integer(load_default=0, validate=validate.Range(0))


class QualityIncidentRequestSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(1, incidents.MAX_TITLE))
    description = fields.String(required=True, validate=validate.Length(1, incidents.MAX_TEXT))
    found_at = LocalDateTime(required=True)
    source = fields.String(required=True, validate=validate.OneOf(list(INCIDENT_SOURCES)))
    source_id = fields.Integer(allow_none=True, load_default=None, metadata={
        "description": "required unless the source is `other`"})
    grade = fields.String(required=True, validate=validate.OneOf(list(INCIDENT_GRADES)))
    case_codes = fields.List(fields.String(), load_default=list)
    visit_ids = fields.List(fields.Integer(), load_default=list)
    responsible_ids = fields.List(fields.Integer(), load_default=list, metadata={
        "description": "users of the company (inspectors, project team, project leads, supervision, quality, "
                       "technical lead, managers)"})


class InvestigateRequestSchema(Schema):
    investigator_ids = fields.List(fields.Integer(strict=True), load_default=list, metadata={
        "description": "the special investigation group (专项调查组): users of the company; at least two for a 重大 "
                       "incident, optional otherwise"})


class HandleRequestSchema(Schema):
    findings = fields.String(required=True, validate=validate.Length(1, incidents.MAX_TEXT))
    cause = fields.String(required=True, validate=validate.Length(1, incidents.MAX_TEXT))
    remedy = fields.String(required=True, validate=validate.Length(1, incidents.MAX_TEXT),
                           metadata={"description": "the remedy plan (补救方案)"})


class AccountabilityEntrySchema(Schema):
    user_id = fields.Integer(required=True, strict=True, metadata={"description": "a responsible person"})
    measures = fields.List(fields.String(validate=validate.OneOf(list(ACCOUNTABILITY_MEASURES))), required=True,
                           metadata={"description": "at least one; `none` (免予追责) alone"})
    note = fields.String(load_default="", validate=validate.Length(max=incidents.MAX_TEXT))


class NotifyRequestSchema(Schema):
    lesson = fields.String(required=True, validate=validate.Length(1, incidents.MAX_TEXT),
                           metadata={"description": "the lesson told to the whole company (案例教训)"})
    accountability = fields.List(fields.Nested(AccountabilityEntrySchema), required=True, metadata={
        "description": "one entry per responsible person; errors name `measures_<user id>`"})


class CloseRequestSchema(Schema):
    training_id = fields.Integer(required=True, strict=True, metadata={
        "description": "the internal training (组织学习) held after the incident was found"})


class IncidentFilesRequestSchema(Schema):
    files = fields.List(fields.String(validate=validate.Length(1, 32)), required=True,
                        validate=validate.Length(1, 10), metadata={
                            "description": "public ids of the caller's own uploads (POST /attachments): videos of "
                                           "the investigation (MP4, MOV, WebM), images, PDF"})


def dump(row):
    column = SOURCE_COLUMNS.get(row.source)
    return QualityIncidentSchema().dump({
        "id": row.id, "title": row.title, "description": row.description, "found_at": row.found_at,
        "registered_at": row.registered_at, "source": row.source,
        "source_id": getattr(row, column) if column else None,
        "case_codes": [c.code for c in incidents.cases_of(db.session, row)], "visit_ids": list(row.visit_ids or []),
        "grade": row.grade, "limit_hours": row.limit_hours, "due_at": row.due_at,
        "overdue": row.overdue_at(clock.now()), "handled_late": row.handled_late, "status": row.status,
        "people": [{"user_id": p.user_id, "name": p.user.display_name, "part": p.part, "measures": p.measures or [],
                    "measure_note": p.measure_note} for p in row.people],
        "findings": row.findings, "cause": row.cause, "remedy": row.remedy, "handled_at": row.handled_at,
        "lesson": row.lesson, "notified_at": row.notified_at, "training_id": row.training_id,
        "closed_at": row.closed_at,
        "files": [{"id": a.public_id, "name": a.original_name, "content_type": a.content_type}
                  for a in row.attachments]})


@api.get("/quality-incidents")
@token_required
def list_quality_incidents():
    incidents.check_may_read(g.api_user)
    args = query_args(QualityIncidentQuery())
    rows, total = incidents.listing(db.session, g.api_user, incidents.IncidentFilter(
        status=args.get("status", ""), grade=args.get("grade", ""), overdue=args.get("overdue", False),
        limit=args["limit"], offset=args["offset"]))
    return {"items": [dump(r) for r in rows], "total": total}


@api.post("/quality-incidents")
@token_required
def register_quality_incident():
    incidents.check_may_manage(g.api_user)  # 404 / 403 before the body is read
    body = json_body(QualityIncidentRequestSchema())
    with UnitOfWork() as uow:
        row = incidents.register(uow, g.api_user, body)
        uow.commit()
        return dump(row), 201


@api.get("/quality-incidents/<int:incident_id>")
@token_required
def get_quality_incident(incident_id):
    return dump(incidents.get(db.session, g.api_user, incident_id))


def _step(incident_id, schema, write):
    """404 / 403 before the body is read, then the service's step in one transaction; the incident as it is now."""
    incidents.get(db.session, g.api_user, incident_id)
    incidents.check_may_manage(g.api_user)
    body = json_body(schema)
    with UnitOfWork() as uow:
        row = write(uow, body)
        uow.commit()
        return dump(row)


@api.post("/quality-incidents/<int:incident_id>/investigate")
@token_required
def investigate_quality_incident(incident_id):
    return _step(incident_id, InvestigateRequestSchema(),
                 lambda uow, body: handling.investigate(uow, g.api_user, incident_id, body))


@api.post("/quality-incidents/<int:incident_id>/handle")
@token_required
def handle_quality_incident(incident_id):
    return _step(incident_id, HandleRequestSchema(),
                 lambda uow, body: handling.handle(uow, g.api_user, incident_id, body))


@api.post("/quality-incidents/<int:incident_id>/notify")
@token_required
def notify_quality_incident(incident_id):
    def write(uow, body):
        given = {e["user_id"]: {"measures": e["measures"], "note": e["note"]} for e in body["accountability"]}
        return handling.notify(uow, g.api_user, incident_id, {"lesson": body["lesson"], "accountability": given})
    return _step(incident_id, NotifyRequestSchema(), write)


@api.post("/quality-incidents/<int:incident_id>/close")
@token_required
def close_quality_incident(incident_id):
    return _step(incident_id, CloseRequestSchema(),
                 lambda uow, body: handling.close(uow, g.api_user, incident_id, body))


@api.post("/quality-incidents/<int:incident_id>/files")
@token_required
def add_quality_incident_files(incident_id):
    def write(uow, body):
        quality_incident_files.add(uow, g.api_user, incident_id, body["files"])
        return incidents.get(uow.session, g.api_user, incident_id)
    return _step(incident_id, IncidentFilesRequestSchema(), write)


OPERATIONS = {
    "list_quality_incidents": ("Quality incidents of the contractor's own service (质量事故), the latest registered "
                               "first (quality, project lead, bureau; enterprise tokens 404)", "quality", None,
                               QualityIncidentQuery, {"200": QualityIncidentListSchema}),
    "register_quality_incident": ("Register a quality incident: graded 一般 / 较大 / 重大, to be handled within 48 / 24 "
                                  "/ 12 clock hours; a 重大 one tells the bureau at once (quality, project lead)",
                                  "quality", QualityIncidentRequestSchema, None, {"201": QualityIncidentSchema}),
    "get_quality_incident": ("One quality incident with its people, handling, notice and files (404 when not "
                             "visible)", "quality", None, None, {"200": QualityIncidentSchema}),
    "investigate_quality_incident": ("Start the investigation (调查中) of a registered incident, naming the group "
                                     "(required for 重大: two or more). 409 at another step", "quality",
                                     InvestigateRequestSchema, None, {"200": QualityIncidentSchema}),
    "handle_quality_incident": ("Record the handling (已处置): findings, cause, remedy plan; a 重大 incident needs a "
                                "video recording on it first (POST …/files). Handled after the limit shows "
                                "`handled_late`. 409 unless under investigation", "quality", HandleRequestSchema, None,
                                {"200": QualityIncidentSchema}),
    "notify_quality_incident": ("Hold the responsible staff to account and tell the whole company the lesson "
                                "(已通报; an in-app notice to every active member of the company). 409 unless handled",
                                "quality", NotifyRequestSchema, None, {"200": QualityIncidentSchema}),
    "close_quality_incident": ("Close the incident (关闭) with the internal training where the lesson was learnt. 409 "
                               "unless notified", "quality", CloseRequestSchema, None, {"200": QualityIncidentSchema}),
    "add_quality_incident_files": ("Put the caller's own uploads on the incident (the investigation's recordings, "
                                   "evidence) until it is closed (409 then); an unknown or someone else's upload is "
                                   "400 on `files`", "quality", IncidentFilesRequestSchema, None,
                                   {"200": QualityIncidentSchema}),
}
