"""The review of a visit's report in the API (三级审核, services/visit_review.py): its status, pre-submission check
list and steps; submitting (初审), approving and returning (复审 / 终审). The same rules as the visit's page: an
enterprise token gets 404 until the final review."""
from flask import g
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...models import REVIEW_DECISIONS, VISIT_REVIEW_STATUSES
from ...services import inspections, visit_checks, visit_review
from ...services.uow import UnitOfWork
from . import api
from .auth import token_required
from .helpers import json_body
from .schemas import LocalDateTime


class CheckSchema(Schema):
    code = fields.String(metadata={"enum": list(visit_checks.LEVELS)})
    level = fields.String(metadata={"enum": [visit_checks.BLOCKING, visit_checks.WARNING]})
    subjects = fields.List(fields.String(), metadata={"description": "item codes, case codes or names"})
    message = fields.String()


class StepSchema(Schema):
    level = fields.Integer(metadata={"description": "1 初审, 2 复审, 3 终审"})
    decision = fields.String(metadata={"enum": list(REVIEW_DECISIONS)})
    reason = fields.String()
    actor = fields.String(attribute="actor.username")
    acted_at = LocalDateTime()
    checks = fields.List(fields.Dict(), allow_none=True, metadata={"description": "the check list when submitted"})


class ReviewSchema(Schema):
    visit_id = fields.Integer()
    status = fields.String(metadata={"enum": list(VISIT_REVIEW_STATUSES)})
    released_at = LocalDateTime(allow_none=True)
    checks = fields.List(fields.Nested(CheckSchema), metadata={
        "description": "worked out now while the report may change (draft, returned); empty after submitting"})
    steps = fields.List(fields.Nested(StepSchema))


class DecisionSchema(Schema):
    remark = fields.String(load_default="", validate=validate.Length(max=visit_review.MAX_REASON))


class ReturnSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=visit_review.MAX_REASON))


def _review(visit):
    checks = visit_checks.for_visit(db.session, visit) if inspections.report_editable(visit) else []
    return ReviewSchema().dump({"visit_id": visit.id, "status": visit.review_status, "released_at": visit.released_at,
                                "checks": checks, "steps": visit_review.steps(db.session, visit)})


@api.get("/inspections/<int:visit_id>/review")
@token_required
def get_visit_review(visit_id):
    return _review(inspections.get_visible_visit(db.session, g.api_user, visit_id))


@api.post("/inspections/<int:visit_id>/review/submit")
@token_required
def submit_visit_review(visit_id):
    with UnitOfWork() as uow:
        visit = visit_review.submit(uow, g.api_user, visit_id)
        uow.commit()
        return _review(visit)


@api.post("/inspections/<int:visit_id>/review/approve")
@token_required
def approve_visit_review(visit_id):
    body = json_body(DecisionSchema())
    with UnitOfWork() as uow:
        visit = visit_review.approve(uow, g.api_user, visit_id, body["remark"])
        uow.commit()
        return _review(visit)


@api.post("/inspections/<int:visit_id>/review/return")
@token_required
def return_visit_review(visit_id):
    body = json_body(ReturnSchema())
    with UnitOfWork() as uow:
        visit = visit_review.return_(uow, g.api_user, visit_id, body["reason"])
        uow.commit()
        return _review(visit)


OPERATIONS = {
    "get_visit_review": ("A visit report's review: its status (draft, returned, awaiting_second, awaiting_final, "
                         "released), the pre-submission check list while it may change, and its steps",
                         "inspections", None, None, {"200": ReviewSchema}),
    "submit_visit_review": ("初审: the recorder submits the report (409 while a blocking check is open)", "inspections",
                            None, None, {"200": ReviewSchema}),
    "approve_visit_review": ("复审 (project lead) or 终审 (technical lead) approves; 终审 releases the report to the "
                             "enterprise", "inspections", DecisionSchema, None, {"200": ReviewSchema}),
    "return_visit_review": ("Return the report to the team with a reason, at 复审 or 终审", "inspections", ReturnSchema,
                            None, {"200": ReviewSchema}),
}
