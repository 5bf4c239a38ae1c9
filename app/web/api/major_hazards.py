"""Major hazards in the API (services/major_hazards.py, major_hazard_listing.py): the overview and one case's record
(report, plan submissions, listing), the project lead's special report, the enterprise's treatment plan, the bureau's
decision on it, listing (挂牌督办) and ending a listing (摘牌). Files are uploaded first (POST /attachments) and named
by their ids."""
from flask import g
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...models import PLAN_PARTS, PLAN_STATUSES
from ...services import major_hazard_listing as listings, major_hazards as majors
from ...services.uow import UnitOfWork
from . import api
from .auth import token_required
from .helpers import json_body, query_args
from .schemas import LocalDateTime


def _username(attr):
    return fields.Function(lambda r: getattr(r, attr).username if getattr(r, attr) else None, allow_none=True,
                           metadata={"type": "string", "description": "username"})


class MajorPlanSchema(Schema):
    version = fields.Integer()
    goals = fields.String(metadata={"description": "治理的目标和任务"})
    methods = fields.String(metadata={"description": "采取的方法和措施"})
    funds = fields.String(metadata={"description": "经费和物资的落实"})
    organisation = fields.String(metadata={"description": "负责治理的机构和人员"})
    time_limits = fields.String(metadata={"description": "治理的时限和要求"})
    safety = fields.String(metadata={"description": "安全措施和应急预案"})
    files = fields.List(fields.String(), metadata={"description": "attachment ids (GET /api/v1/attachments/{id})"})
    submitted_by = _username("submitted_by")
    submitted_at = LocalDateTime()
    decision = fields.String(allow_none=True, metadata={"description": "null (awaiting), approved or returned"})
    opinion = fields.String(allow_none=True)
    decided_by = _username("decided_by")
    decided_at = LocalDateTime(allow_none=True)


class MajorHazardSchema(Schema):
    case_id = fields.Integer()
    code = fields.Function(lambda r: r.case.code, metadata={"type": "string"})
    enterprise = fields.Function(lambda r: r.case.enterprise.name, metadata={"type": "string"})
    grade = fields.Function(lambda r: r.case.grade, metadata={"type": "string"})
    case_status = fields.Function(lambda r: r.case.status, metadata={"type": "string"})
    opened_at = LocalDateTime()
    opened_grade = fields.String()
    report_due = LocalDateTime(metadata={"description": "48 clock hours after opening"})
    reported_at = LocalDateTime(allow_none=True, metadata={"description": "null: not sent yet"})
    reported_by = _username("reported_by")
    report_confirmation = fields.String(allow_none=True)
    report_photos = fields.List(fields.String(), metadata={"description": "attachment ids of the case's photos"})
    report_detection = fields.String(allow_none=True)
    report_analysis = fields.String(allow_none=True)
    report_measures = fields.String(allow_none=True)
    plan_status = fields.String(metadata={"description": ", ".join(PLAN_STATUSES)})
    plan_due = LocalDateTime(metadata={"description": "48 hours after opening, or after the last return"})
    plans = fields.List(fields.Nested(MajorPlanSchema), metadata={"description": "every submission, oldest first"})
    listed = fields.Boolean(attribute="is_listed")
    listed_at = LocalDateTime(allow_none=True)
    listed_by = _username("listed_by")
    supervisor_name = fields.String(allow_none=True)
    supervisor_unit = fields.String(allow_none=True)
    listing_due = fields.Date(allow_none=True, metadata={"description": "the required completion date"})
    listing_note = fields.String(allow_none=True)
    delisted_at = LocalDateTime(allow_none=True)
    delisted_by = _username("delisted_by")
    delist_reason = fields.String(allow_none=True, metadata={"description": "null when ended by the case's closing"})
    flags = fields.Function(listings.flags, metadata={
        "type": "object", "description": "{report_overdue, plan_overdue, listing_overdue}"})


class MajorHazardSummarySchema(MajorHazardSchema):
    class Meta:
        exclude = ("plans", "report_confirmation", "report_detection", "report_analysis", "report_measures")


class MajorHazardListSchema(Schema):
    items = fields.List(fields.Nested(MajorHazardSummarySchema))
    total = fields.Integer()


class MajorHazardQuery(Schema):
    grade = fields.String(validate=validate.OneOf(list(majors.MAJOR_GRADES)))
    plan = fields.String(validate=validate.OneOf(list(PLAN_STATUSES)))
    listing = fields.String(validate=validate.OneOf([s for s in listings.LISTING_STATES if s]))
    due = fields.String(validate=validate.OneOf([s for s in listings.DUE_STATES if s]))
    township = fields.String(validate=validate.Length(max=64))
    q = fields.String(validate=validate.Length(max=100))
    closed = fields.Boolean(load_default=False, metadata={"description": "true: closed cases too"})


class MajorReportRequestSchema(Schema):
    confirmation = fields.String(required=True)
    detection = fields.String(load_default="")
    analysis = fields.String(required=True)
    measures = fields.String(required=True)
    photos = fields.List(fields.String(), load_default=list, metadata={"description": "ids of the case's photos"})


class MajorPlanRequestSchema(Schema):
    goals = fields.String(required=True)
    methods = fields.String(required=True)
    funds = fields.String(required=True)
    organisation = fields.String(required=True)
    time_limits = fields.String(required=True)
    safety = fields.String(required=True)
    files = fields.List(fields.String(), load_default=list, metadata={
        "description": "ids of the caller's own uploads (POST /api/v1/attachments)"})


class MajorPlanDecisionSchema(Schema):
    approved = fields.Boolean(required=True)
    opinion = fields.String(load_default="", metadata={"description": "required when returning"})


class MajorListingRequestSchema(Schema):
    supervisor_name = fields.String(required=True)
    supervisor_unit = fields.String(required=True)
    due_date = fields.Date(required=True, metadata={"description": "the required completion date, not in the past"})
    note = fields.String(load_default="")


class MajorDelistingRequestSchema(Schema):
    reason = fields.String(required=True)


@api.get("/major-hazards")
@token_required
def list_major_hazards():
    args = query_args(MajorHazardQuery())
    records = listings.overview(db.session, g.api_user, listings.MajorFilter(
        grade=args.get("grade", ""), plan=args.get("plan", ""), listing=args.get("listing", ""),
        due=args.get("due", ""), township=args.get("township", ""), open_only=not args["closed"],
        text=args.get("q", "")))
    return MajorHazardListSchema().dump({"items": records, "total": len(records)})


@api.get("/hazards/<int:case_id>/major")
@token_required
def get_major_hazard(case_id):
    return MajorHazardSchema().dump(majors.get_visible(db.session, g.api_user, case_id))


@api.post("/hazards/<int:case_id>/major/report")
@token_required
def submit_major_report(case_id):
    body = json_body(MajorReportRequestSchema())
    with UnitOfWork() as uow:
        record = majors.submit_report(uow, g.api_user, case_id, body)
        uow.commit()
        return MajorHazardSchema().dump(record)


@api.post("/hazards/<int:case_id>/major/plan")
@token_required
def submit_major_plan(case_id):
    body = json_body(MajorPlanRequestSchema())
    with UnitOfWork() as uow:
        plan = majors.submit_plan(uow, g.api_user, case_id, {k: body[k] for k in PLAN_PARTS}, body["files"])
        uow.commit()
        return MajorPlanSchema().dump(plan), 201


@api.post("/hazards/<int:case_id>/major/plan/decision")
@token_required
def decide_major_plan(case_id):
    body = json_body(MajorPlanDecisionSchema())
    with UnitOfWork() as uow:
        plan = majors.decide_plan(uow, g.api_user, case_id, body["approved"], body["opinion"])
        uow.commit()
        return MajorPlanSchema().dump(plan)


@api.post("/hazards/<int:case_id>/major/listing")
@token_required
def list_major_hazard(case_id):
    body = json_body(MajorListingRequestSchema())
    with UnitOfWork() as uow:
        record = listings.list_case(uow, g.api_user, case_id, body)
        uow.commit()
        return MajorHazardSchema().dump(record)


@api.post("/hazards/<int:case_id>/major/delisting")
@token_required
def delist_major_hazard(case_id):
    body = json_body(MajorDelistingRequestSchema())
    with UnitOfWork() as uow:
        record = listings.delist(uow, g.api_user, case_id, body["reason"])
        uow.commit()
        return MajorHazardSchema().dump(record)


OPERATIONS = {
    "list_major_hazards": ("Major and especially major hazards (重大隐患) with their special report, treatment plan and "
                           "listed supervision (挂牌督办) states and overdue flags; open cases unless `closed=true` "
                           "(enterprise tokens: their own enterprise's; township offices: their area's)",
                           "major-hazards", None, MajorHazardQuery, {"200": MajorHazardListSchema}),
    "get_major_hazard": ("A case's major-hazard record: the special report (专报), every treatment-plan submission with "
                         "the bureau's decisions, the listing; 404 for a case without one or not visible",
                         "major-hazards", None, None, {"200": MajorHazardSchema}),
    "submit_major_report": ("Send the special report to the bureau (project lead), once, within 48 hours of the case "
                            "becoming major; 409 when sent already or the case is closed", "major-hazards",
                            MajorReportRequestSchema, None, {"200": MajorHazardSchema}),
    "submit_major_plan": ("Submit the treatment plan with its six statutory parts (the case's enterprise staff); 409 "
                          "while one awaits the decision or after approval", "major-hazards", MajorPlanRequestSchema,
                          None, {"201": MajorPlanSchema}),
    "decide_major_plan": ("Approve the plan awaiting a decision or return it with an opinion (bureau); a returned plan "
                          "is due again 48 hours later; 409 when none awaits", "major-hazards", MajorPlanDecisionSchema,
                          None, {"200": MajorPlanSchema}),
    "list_major_hazard": ("List the case for supervision (挂牌督办, bureau); 409 when listed already or closed",
                          "major-hazards", MajorListingRequestSchema, None, {"200": MajorHazardSchema}),
    "delist_major_hazard": ("End the listing with a reason (摘牌, bureau); closing the case ends it by itself; 409 when "
                            "not listed", "major-hazards", MajorDelistingRequestSchema, None,
                            {"200": MajorHazardSchema}),
}
