"""Inspection visits in the API: the visit with its enterprise's confirmation, confirming it, and its report (PDF)."""
from flask import Response, g
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...services import inspections, visit_reports
from ...services.uow import UnitOfWork
from .. import visit_report_pdf
from . import api
from .auth import token_required
from .helpers import json_body
from .schemas import LocalDateTime


class VisitSchema(Schema):
    id = fields.Integer()
    enterprise_id = fields.Integer()
    visited_on = fields.Date()
    inspectors = fields.String()
    scope = fields.String()
    findings = fields.String()
    acknowledged_at = LocalDateTime(allow_none=True, metadata={"description": "when the enterprise confirmed"})
    acknowledged_by = fields.Function(lambda v: v.acknowledged_by.username if v.acknowledged_by else None,
                                      allow_none=True, metadata={"type": "string"})
    enterprise_remarks = fields.String(allow_none=True)


class AcknowledgeSchema(Schema):
    enterprise_remarks = fields.String(load_default="", validate=validate.Length(max=2000))


@api.get("/inspections/<int:visit_id>")
@token_required
def get_visit(visit_id):
    return VisitSchema().dump(inspections.get_visible_visit(db.session, g.api_user, visit_id))


@api.post("/inspections/<int:visit_id>/acknowledge")
@token_required
def acknowledge_visit(visit_id):
    body = json_body(AcknowledgeSchema())
    with UnitOfWork() as uow:
        visit = visit_reports.acknowledge(uow, g.api_user, visit_id, body["enterprise_remarks"])
        uow.commit()
        return VisitSchema().dump(visit)


@api.get("/inspections/<int:visit_id>/report")
@token_required
def visit_report(visit_id):
    body = visit_report_pdf.render(visit_reports.report(db.session, g.api_user, visit_id))
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="inspection-{visit_id}.pdf"'})
