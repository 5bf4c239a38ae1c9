"""Quality incidents (质量事故, services/quality_incidents.py) as JSON: the list and one incident for quality supervisors,
project leads and the bureau, and registering one (quality supervisors, project leads). Enterprise tokens 404, other
roles 403; bad input 400 with the fields named. The steps after registration are on the pages."""
from flask import g
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...models import (ACCOUNTABILITY_MEASURES, INCIDENT_GRADES, INCIDENT_SOURCES, INCIDENT_STATUSES, PERSON_PARTS,
                       SOURCE_COLUMNS)
from ...clock import clock
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


OPERATIONS = {
    "list_quality_incidents": ("Quality incidents of the contractor's own service (质量事故), the latest registered "
                               "first (quality, project lead, bureau; enterprise tokens 404)", "quality", None,
                               QualityIncidentQuery, {"200": QualityIncidentListSchema}),
    "register_quality_incident": ("Register a quality incident: graded 一般 / 较大 / 重大, to be handled within 48 / 24 "
                                  "/ 12 clock hours; a 重大 one tells the bureau at once (quality, project lead)",
                                  "quality", QualityIncidentRequestSchema, None, {"201": QualityIncidentSchema}),
    "get_quality_incident": ("One quality incident with its people, handling, notice and files (404 when not "
                             "visible)", "quality", None, None, {"200": QualityIncidentSchema}),
}
