"""Supervision checks of a case's rectification (整改过程督导检查) in the API."""
from flask import g
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...models import CHECK_CONCLUSIONS
from ...services import rectification_checks
from ...services.access import get_visible_case
from ...services.uow import UnitOfWork
from . import api
from .auth import token_required
from .helpers import json_body
from .schemas import AttachmentSchema, LocalDateTime, MeasurementSchema, files_in, measurements_in


class RectificationCheckSchema(Schema):
    id = fields.Integer()
    case_id = fields.Integer()
    round = fields.Integer()
    checked_at = LocalDateTime()
    checkers = fields.String()
    progress_percent = fields.Integer()
    findings = fields.String()
    conclusion = fields.String(metadata={"enum": list(CHECK_CONCLUSIONS)})
    recorded_by = fields.Function(lambda c: c.recorded_by.username, metadata={"type": "string"})
    measurements = fields.List(fields.Nested(MeasurementSchema))
    files = fields.List(fields.Nested(AttachmentSchema))


class RectificationCheckListSchema(Schema):
    items = fields.List(fields.Nested(RectificationCheckSchema))
    next_due = LocalDateTime(allow_none=True, metadata={"description": "when the next check is due, by grade"})


class RectificationCheckRequestSchema(Schema):
    checked_at = fields.String(required=True, metadata={"description": "ISO date-time; without a zone: Shanghai"})
    checkers = fields.String(required=True, validate=validate.Length(1, 200))
    progress_percent = fields.Integer(required=True, strict=True, validate=validate.Range(0, 100))
    findings = fields.String(required=True, validate=validate.Length(1, 4000))
    conclusion = fields.String(required=True, validate=validate.OneOf(list(CHECK_CONCLUSIONS)))
    measurements = measurements_in()
    files = files_in()


@api.get("/hazards/<int:case_id>/checks")
@token_required
def rectification_checks_list(case_id):
    case = get_visible_case(db.session, g.api_user, case_id)  # 404 for another enterprise's case
    return RectificationCheckListSchema().dump({"items": rectification_checks.checks_of(db.session, case.id),
                                                "next_due": rectification_checks.next_due(db.session, case)})


@api.post("/hazards/<int:case_id>/checks")
@token_required
def record_rectification_check(case_id):
    body = json_body(RectificationCheckRequestSchema())
    with UnitOfWork() as uow:
        row = rectification_checks.record(uow, g.api_user, case_id, body["checked_at"], body["checkers"],
                                          body["progress_percent"], body["findings"], body["conclusion"],
                                          body["measurements"], body["files"])
        uow.commit()
        return RectificationCheckSchema().dump(row), 201
