"""Enterprise service reports (企业服务情况报告和结论性意见, services/service_reports.py) in the API: an enterprise's
reports, one report with its facts (frozen when issued, as they stand now for a draft), drafting or issuing one
(project leads), issuing a draft and withdrawing an issued report with a reason (project leads). Enterprise tokens see
their own enterprise's issued reports only (and a withdrawn one by its id): anything else is 404."""
from flask import g
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...models import CONCLUSION_GRADES
from ...services import service_reports
from ...services.uow import UnitOfWork
from . import api
from .auth import token_required
from .helpers import json_body
from .schemas import LocalDateTime


def _username(attr):
    return fields.Function(lambda r: getattr(r, attr).username if getattr(r, attr) else None, allow_none=True,
                           metadata={"type": "string", "description": "username"})


class ServiceReportSchema(Schema):
    id = fields.Integer()
    enterprise_id = fields.Integer()
    enterprise = fields.Function(lambda r: r.enterprise.name, metadata={"type": "string"})
    period_start = fields.Date()
    period_end = fields.Date()
    status = fields.String(metadata={"description": "draft, issued or withdrawn"})
    grade = fields.String(metadata={"description": "qualified (合格), basically_qualified (基本合格), unqualified (不合格)"})
    conclusion = fields.String(metadata={"description": "结论性意见"})
    recommendations = fields.String(metadata={"description": "整改建议 / 管理建议; may be empty"})
    facts_frozen = fields.Function(lambda r: r.facts is not None, metadata={
        "type": "boolean", "description": "true once issued: the facts are those of the issuing moment"})
    facts = fields.Function(lambda r: service_reports.facts(db.session, r), metadata={
        "type": "object", "description": "register data, visits, checklist results per dimension, hazards by grade "
                                         "and type (closed, open, overdue, rounds), re-inspections, site checks, "
                                         "enforcement referrals"})
    drafted_by = _username("drafted_by")
    drafted_at = LocalDateTime()
    issued_by = _username("issued_by")
    issued_at = LocalDateTime(allow_none=True)
    withdrawn_by = _username("withdrawn_by")
    withdrawn_at = LocalDateTime(allow_none=True)
    withdrawn_reason = fields.String(allow_none=True, metadata={"description": "why it was withdrawn; null unless "
                                                                              "withdrawn"})


class ServiceReportSummarySchema(ServiceReportSchema):
    class Meta:
        exclude = ("facts",)


class ServiceReportListSchema(Schema):
    items = fields.List(fields.Nested(ServiceReportSummarySchema))


class ServiceReportRequestSchema(Schema):
    period_start = fields.Date(required=True, metadata={"description": "first day of the service period"})
    period_end = fields.Date(required=True, metadata={"description": "last day; not in the future"})
    grade = fields.String(required=True, validate=validate.OneOf(list(CONCLUSION_GRADES)))
    conclusion = fields.String(required=True, validate=validate.Length(max=service_reports.MAX_CONCLUSION),
                               metadata={"description": "结论性意见; required"})
    recommendations = fields.String(validate=validate.Length(max=service_reports.MAX_RECOMMENDATIONS),
                                    metadata={"description": "optional"})
    issue = fields.Boolean(load_default=False, metadata={
        "description": "true: issue at once (facts frozen, enterprise and bureau told); false: a draft"})


class ServiceReportWithdrawalSchema(Schema):
    reason = fields.String(required=True, metadata={
        "description": f"why the issued report is withdrawn; required, at most {service_reports.MAX_REASON} "
                       "characters"})


@api.get("/enterprises/<int:enterprise_id>/service-reports")
@token_required
def list_service_reports(enterprise_id):
    rows = service_reports.of_enterprise(db.session, g.api_user, enterprise_id)
    return ServiceReportListSchema().dump({"items": rows})


@api.post("/enterprises/<int:enterprise_id>/service-reports")
@token_required
def create_service_report(enterprise_id):
    service_reports.enterprise_for(db.session, g.api_user, enterprise_id)  # 404 before the body is read
    service_reports.check_may_write(g.api_user)
    body = json_body(ServiceReportRequestSchema())
    issue_now = body.pop("issue")
    with UnitOfWork() as uow:
        report = service_reports.create(uow, g.api_user, enterprise_id, body, issue_now=issue_now)
        uow.commit()
        return ServiceReportSchema().dump(report), 201


@api.get("/service-reports/<int:report_id>")
@token_required
def get_service_report(report_id):
    return ServiceReportSchema().dump(service_reports.get(db.session, g.api_user, report_id))


@api.post("/service-reports/<int:report_id>/issue")
@token_required
def issue_service_report(report_id):
    with UnitOfWork() as uow:
        report = service_reports.issue(uow, g.api_user, report_id)
        uow.commit()
        return ServiceReportSchema().dump(report)


@api.post("/service-reports/<int:report_id>/withdraw")
@token_required
def withdraw_service_report(report_id):
    body = json_body(ServiceReportWithdrawalSchema())
    with UnitOfWork() as uow:
        report = service_reports.withdraw(uow, g.api_user, report_id, body["reason"])
        uow.commit()
        return ServiceReportSchema().dump(report)
