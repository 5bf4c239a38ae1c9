"""Inspection visits in the API: the visit with its enterprise's confirmation, its check-ins and files, confirming it,
and its report (PDF). Checking in and out and adding files: api/visit_checkins.py."""
from flask import Response, g
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...models import VISIT_KINDS, VISIT_REVIEW_STATUSES
from ...services import inspections, visit_checkins, visit_files, visit_reports
from ...services.uow import UnitOfWork
from .. import visit_report_pdf
from . import api
from .auth import token_required
from .helpers import json_body
from .schemas import AttachmentSchema, LocalDateTime


class CheckinSchema(Schema):
    """One inspector's arrival and departure (services/visit_checkins.py); times are the server's."""
    user = fields.String(attribute="row.user.username")
    display_name = fields.String(attribute="row.user.display_name")
    arrived_at = LocalDateTime(attribute="row.arrived_at")
    arrival_latitude = fields.Float(attribute="row.arrival_latitude", allow_none=True,
                                    metadata={"description": "null: the device gave no position"})
    arrival_longitude = fields.Float(attribute="row.arrival_longitude", allow_none=True)
    arrival_accuracy_m = fields.Float(attribute="row.arrival_accuracy_m", allow_none=True)
    arrival_distance_m = fields.Float(attribute="row.arrival_distance_m", allow_none=True, metadata={
        "description": "from the enterprise's position when checking in; null when either is unknown"})
    arrival_site_source = fields.String(attribute="row.arrival_site_source", allow_none=True, metadata={
        "enum": ["enterprise", "cases"], "description": "what the distance was measured from: the enterprise's own "
        "position, or the median of its cases' positions while it had none; null with no distance"})
    departed_at = LocalDateTime(attribute="row.departed_at", allow_none=True)
    departure_latitude = fields.Float(attribute="row.departure_latitude", allow_none=True)
    departure_longitude = fields.Float(attribute="row.departure_longitude", allow_none=True)
    departure_accuracy_m = fields.Float(attribute="row.departure_accuracy_m", allow_none=True)
    departure_distance_m = fields.Float(attribute="row.departure_distance_m", allow_none=True)
    departure_site_source = fields.String(attribute="row.departure_site_source", allow_none=True,
                                          metadata={"enum": ["enterprise", "cases"]})
    minutes_on_site = fields.Integer(attribute="row.minutes_on_site", allow_none=True)
    on_site = fields.Boolean(metadata={"description": "checked in today and not yet out"})
    flags = fields.List(fields.String(metadata={"enum": [f for f in visit_checkins.FLAGS if f != "no_check_in"]}))


class VisitFileSchema(AttachmentSchema):
    """A file on the visit (现场资料); for a photo, its distance from the enterprise and what to look at twice."""
    distance_m = fields.Float(allow_none=True)
    warnings = fields.List(fields.String(metadata={"enum": ["far_from_site", "not_visit_day", "stale",
                                                            "no_position"]}))


class _Delegate:
    """An object with a few attributes of its own in front of another's (the schemas read attributes)."""
    def __init__(self, inner, **own):
        self._inner = inner
        self.__dict__.update(own)

    def __getattr__(self, name):
        return getattr(self._inner, name)


def visit_detail(visit):
    """The visit with its check-ins, their flags and its files, for VisitSchema."""
    views = visit_checkins.for_visit(db.session, visit)
    files = visit_files.for_visit(db.session, visit.id)
    checks = visit_files.checks(db.session, visit, files)
    return _Delegate(visit, checkins=views, checkin_flags=visit_checkins.visit_flags(views), files=[
        _Delegate(a, distance_m=checks[a.public_id].distance_m if checks[a.public_id] else None,
                  warnings=checks[a.public_id].warnings if checks[a.public_id] else []) for a in files])


class VisitSchema(Schema):
    id = fields.Integer()
    enterprise_id = fields.Integer()
    visited_on = fields.Date()
    inspectors = fields.String()
    scope = fields.String()
    findings = fields.String()
    kind = fields.String(metadata={"enum": list(VISIT_KINDS), "description": "检查方式; routine unless said"})
    visit_time = fields.Function(lambda v: v.visit_time.strftime("%H:%M") if v.visit_time else None, allow_none=True,
                                 metadata={"type": "string", "description": "HH:MM (Shanghai) the check began; "
                                                                            "always given for a night check"})
    campaign_id = fields.Integer(allow_none=True, metadata={"description": "the campaign (专项行动) it was made for"})
    acknowledged_at = LocalDateTime(allow_none=True, metadata={"description": "when the enterprise confirmed"})
    acknowledged_by = fields.Function(lambda v: v.acknowledged_by.username if v.acknowledged_by else None,
                                      allow_none=True, metadata={"type": "string"})
    enterprise_remarks = fields.String(allow_none=True)
    review_status = fields.String(metadata={"enum": list(VISIT_REVIEW_STATUSES), "description": "the report's review "
                                            "(三级审核); enterprise tokens see released visits only"})
    released_at = LocalDateTime(allow_none=True, metadata={"description": "when the final review released it"})
    checkins = fields.List(fields.Nested(CheckinSchema), metadata={"description": "到场打卡, first arrival first"})
    checkin_flags = fields.List(fields.String(metadata={"enum": list(visit_checkins.FLAGS)}), metadata={
        "description": "打卡异常: no_check_in, far (> 500 m), no_position, short (< 4 h), no_check_out"})
    files = fields.List(fields.Nested(VisitFileSchema), metadata={"description": "现场资料"})


class AcknowledgeSchema(Schema):
    enterprise_remarks = fields.String(load_default="", validate=validate.Length(max=2000))


@api.get("/inspections/<int:visit_id>")
@token_required
def get_visit(visit_id):
    return VisitSchema().dump(visit_detail(inspections.get_visible_visit(db.session, g.api_user, visit_id)))


@api.post("/inspections/<int:visit_id>/acknowledge")
@token_required
def acknowledge_visit(visit_id):
    body = json_body(AcknowledgeSchema())
    with UnitOfWork() as uow:
        visit = visit_reports.acknowledge(uow, g.api_user, visit_id, body["enterprise_remarks"])
        uow.commit()
        return VisitSchema().dump(visit_detail(visit))


@api.get("/inspections/<int:visit_id>/report")
@token_required
def visit_report(visit_id):
    body = visit_report_pdf.render(visit_reports.report(db.session, g.api_user, visit_id))
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="inspection-{visit_id}.pdf"'})
