"""Periodic reports to the bureau (定期报告, services/periodic_reports.py) in the API: the list, one report with a
version's frozen figures and text, the due list (报送期限), and the bureau's answer — sign for or return the latest
version. Project leads, the bureau and managers; other staff 403, enterprise tokens 404."""
from flask import g
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...models import PERIODIC_REPORT_KINDS, PERIODIC_REPORT_STATUSES
from ...services import periodic_report_due as due, periodic_report_review as review, periodic_reports
from ...services.uow import UnitOfWork
from . import api
from .auth import token_required
from .helpers import json_body, query_args
from .schemas import LocalDateTime, PageQuery, QuerySchema


def _username(attr):
    return fields.Function(lambda r: getattr(r, attr).username if getattr(r, attr) else None, allow_none=True,
                           metadata={"type": "string", "description": "username"})


class PeriodicReportVersionSchema(Schema):
    number = fields.Integer()
    issued_by = _username("issued_by")
    issued_at = LocalDateTime()
    signed_by = _username("signed_by")
    signed_at = LocalDateTime(allow_none=True)
    returned_by = _username("returned_by")
    returned_at = LocalDateTime(allow_none=True)
    return_comments = fields.String(allow_none=True, metadata={"description": "the bureau's comments when returned"})


class PeriodicReportSummarySchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "weekly, monthly, phase or annual"})
    title = fields.Function(lambda r: periodic_reports.title(r), metadata={"type": "string"})
    period_start = fields.Date()
    period_end = fields.Date()
    status = fields.String(metadata={"description": "draft, issued (awaiting the bureau), signed or returned"})
    versions_issued = fields.Integer()
    first_issued_at = LocalDateTime(allow_none=True)
    published_version = fields.Integer(allow_none=True, metadata={
        "description": "annual reports: the version public as the white paper, null when not public"})
    drafted_by = _username("drafted_by")
    versions = fields.List(fields.Nested(PeriodicReportVersionSchema))


class PeriodicReportSchema(PeriodicReportSummarySchema):
    version = fields.Integer(allow_none=True, metadata={
        "description": "the version whose text and figures follow; null: the text being written and today's figures"})
    sections = fields.Dict(metadata={"description": "{section code: text}"})
    figures = fields.Dict(metadata={"description": "totals, activity, by grade / type / township, coverage by key "
                                                   "industry, effectiveness, trend (annual: year); frozen when issued"})


class PeriodicReportListSchema(Schema):
    items = fields.List(fields.Nested(PeriodicReportSummarySchema))
    total = fields.Integer()


class PeriodicReportQuery(PageQuery):
    kind = fields.String(validate=validate.OneOf(list(PERIODIC_REPORT_KINDS)))
    status = fields.String(validate=validate.OneOf(list(PERIODIC_REPORT_STATUSES)))
    year = fields.Integer(validate=validate.Range(2000, 2999), metadata={"description": "periods ending this year"})


class PeriodicReportVersionQuery(QuerySchema):
    version = fields.Integer(validate=validate.Range(1, 10_000), metadata={
        "description": "an issued version; omitted: the latest of an issued or signed report, the text being "
                       "written of a draft or a returned report"})


class OwedReportSchema(Schema):
    kind = fields.String()
    period_start = fields.Date(attribute="start")
    period_end = fields.Date(attribute="end")
    due_at = LocalDateTime()
    state = fields.Function(lambda o: o.state(), metadata={
        "type": "string", "description": "not_due, overdue, on_time or late"})
    report_id = fields.Function(lambda o: o.report.id if o.report else None, allow_none=True,
                                metadata={"type": "integer"})
    submitted_at = LocalDateTime(allow_none=True)


class OwedReportListSchema(Schema):
    items = fields.List(fields.Nested(OwedReportSchema))


class PeriodicReportReturnSchema(Schema):
    comments = fields.String(required=True, metadata={
        "description": f"what should be revised; required, at most {review.MAX_COMMENTS} characters"})


@api.get("/periodic-reports")
@token_required
def list_periodic_reports():
    periodic_reports.check_may_read(g.api_user)  # 404 / 403 before the query is read
    args = query_args(PeriodicReportQuery())
    rows, total = periodic_reports.listing(db.session, g.api_user, periodic_reports.ReportFilter(
        kind=args.get("kind", ""), status=args.get("status", ""), year=args.get("year"), limit=args["limit"],
        offset=args["offset"]))
    return PeriodicReportListSchema().dump({"items": rows, "total": total})


@api.get("/periodic-reports/due")
@token_required
def periodic_reports_due():
    periodic_reports.check_may_read(g.api_user)
    return OwedReportListSchema().dump({"items": due.owed(db.session)})


def _dump(report, number=None):
    version = periodic_reports.version_of(report, number) if number is not None else \
        (None if report.editable else report.latest)
    data = PeriodicReportSchema().dump(report)
    data.update(version=version.number if version else None,
                sections=version.sections if version else report.sections,
                figures=periodic_reports.facts(db.session, report, version))
    return data


@api.get("/periodic-reports/<int:report_id>")
@token_required
def get_periodic_report(report_id):
    report = periodic_reports.get(db.session, g.api_user, report_id)
    return _dump(report, query_args(PeriodicReportVersionQuery()).get("version"))


@api.post("/periodic-reports/<int:report_id>/sign")
@token_required
def sign_periodic_report(report_id):
    with UnitOfWork() as uow:
        report = review.sign(uow, g.api_user, report_id)
        uow.commit()
        return _dump(report)


@api.post("/periodic-reports/<int:report_id>/return")
@token_required
def return_periodic_report(report_id):
    periodic_reports.get(db.session, g.api_user, report_id)  # 404 / 403 before the body is read
    body = json_body(PeriodicReportReturnSchema())
    with UnitOfWork() as uow:
        report = review.return_for_revision(uow, g.api_user, report_id, body["comments"])
        uow.commit()
        return _dump(report)


# endpoint -> (summary, tag, request body, query schema, responses), merged into openapi.OPERATIONS
OPERATIONS = {
    "list_periodic_reports": ("The periodic reports to the bureau (周报 / 月度综合评估简报 / 阶段报告 / 年度总结报告), the "
                              "latest period first (project lead, bureau, manager; other staff 403, enterprise tokens "
                              "404)", "periodic-reports", None, PeriodicReportQuery,
                              {"200": PeriodicReportListSchema}),
    "periodic_reports_due": ("The weekly and monthly reports owed over the service projects' periods, with their due "
                             "moments and whether each was submitted on time", "periodic-reports", None, None,
                             {"200": OwedReportListSchema}),
    "get_periodic_report": ("One periodic report with a version's text and figures (frozen when issued)",
                            "periodic-reports", None, PeriodicReportVersionQuery, {"200": PeriodicReportSchema}),
    "sign_periodic_report": ("Sign for the latest issued version (签收; bureau, manager); 409 unless it awaits an "
                             "answer", "periodic-reports", None, None, {"200": PeriodicReportSchema}),
    "return_periodic_report": ("Return the latest issued version with comments for revision (bureau, manager); 409 "
                               "unless it awaits an answer", "periodic-reports", PeriodicReportReturnSchema, None,
                               {"200": PeriodicReportSchema}),
}
