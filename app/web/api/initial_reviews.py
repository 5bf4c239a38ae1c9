"""The online initial review of a rectification (线上初审, services/initial_reviews.py) in the API: a case's records by
round with every review and supplement, the verifiers' review and the enterprise's supplement. Files are uploaded
first (POST /attachments) and named by their ids."""
from flask import g
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...models import ENTRY_KINDS, REVIEW_CONCLUSIONS, REVIEW_STATUSES
from ...services import initial_reviews as reviews
from ...services.access import get_visible_case
from ...services.uow import UnitOfWork
from . import api
from .auth import token_required
from .helpers import json_body
from .schemas import LocalDateTime


class InitialReviewEntrySchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"enum": list(ENTRY_KINDS)})
    created_at = LocalDateTime()
    created_by = fields.Function(lambda e: e.created_by.username, metadata={"type": "string"})
    materials_complete = fields.Boolean(allow_none=True, metadata={"description": "资料完整性 (a review)"})
    missing_items = fields.String(allow_none=True)
    consistent = fields.Boolean(allow_none=True, metadata={"description": "逻辑一致性 (a review)"})
    consistency_note = fields.String(allow_none=True)
    conclusion = fields.String(allow_none=True, metadata={"enum": list(REVIEW_CONCLUSIONS)})
    site_check_on = fields.Date(allow_none=True)
    site_checkers = fields.String(allow_none=True)
    site_checker_ids = fields.List(fields.Integer(), allow_none=True)
    note = fields.String(allow_none=True)
    files = fields.List(fields.String(), allow_none=True, metadata={
        "description": "attachment ids of a supplement (GET /api/v1/attachments/{id})"})


class InitialReviewSchema(Schema):
    id = fields.Integer()
    case_id = fields.Integer()
    round = fields.Integer()
    opened_at = LocalDateTime(metadata={"description": "when the round's verification opened"})
    due_at = LocalDateTime(metadata={"description": "48 clock hours after opening"})
    roles = fields.List(fields.String(), metadata={"description": "the verifying roles, who review"})
    status = fields.String(metadata={"enum": list(REVIEW_STATUSES)})
    first_reviewed_at = LocalDateTime(allow_none=True)
    on_time = fields.Function(reviews.on_time, allow_none=True, metadata={
        "type": "boolean", "description": "null while it may still be on time"})
    escalated_at = LocalDateTime(allow_none=True)
    entries = fields.List(fields.Nested(InitialReviewEntrySchema), metadata={"description": "oldest first"})


class InitialReviewListSchema(Schema):
    current = fields.Nested(InitialReviewSchema, allow_none=True, metadata={
        "description": "the current round's record; null before the case's first verification"})
    rounds = fields.List(fields.Nested(InitialReviewSchema), metadata={"description": "every round, newest first"})


class InitialReviewRequestSchema(Schema):
    materials_complete = fields.Boolean(required=True)
    missing_items = fields.String(load_default="", metadata={"description": "required when incomplete or returned"})
    consistent = fields.Boolean(required=True)
    consistency_note = fields.String(load_default="", metadata={"description": "required when not consistent"})
    conclusion = fields.String(required=True, validate=validate.OneOf(list(REVIEW_CONCLUSIONS)))
    site_check_on = fields.String(load_default="", metadata={
        "description": "site_check: the planned day (YYYY-MM-DD), today up to the verification's deadline day"})
    site_checkers = fields.String(load_default="", metadata={"description": "site_check: who goes, by name"})
    site_checker_ids = fields.List(fields.Integer(), load_default=list, metadata={
        "description": "site_check: users of the verifying roles who go (notified)"})
    note = fields.String(load_default="")


class InitialReviewSupplementSchema(Schema):
    note = fields.String(load_default="")
    files = fields.List(fields.String(), load_default=list, metadata={
        "description": "ids of the caller's own uploads (POST /api/v1/attachments); a note or files required"})


@api.get("/hazards/<int:case_id>/initial-review")
@token_required
def get_initial_review(case_id):
    case = get_visible_case(db.session, g.api_user, case_id)  # 404 for another enterprise's case
    return InitialReviewListSchema().dump({"current": reviews.current(db.session, case),
                                           "rounds": reviews.records_of(db.session, case.id)})


@api.post("/hazards/<int:case_id>/initial-review")
@token_required
def record_initial_review(case_id):
    body = json_body(InitialReviewRequestSchema())
    with UnitOfWork() as uow:
        record = reviews.record_review(uow, g.api_user, case_id, body)
        uow.commit()
        return InitialReviewSchema().dump(record), 201


@api.post("/hazards/<int:case_id>/initial-review/supplement")
@token_required
def supplement_initial_review(case_id):
    body = json_body(InitialReviewSupplementSchema())
    with UnitOfWork() as uow:
        record = reviews.supplement(uow, g.api_user, case_id, body["note"], body["files"])
        uow.commit()
        return InitialReviewSchema().dump(record), 201


OPERATIONS = {
    "get_initial_review": ("A case's online initial reviews (线上初审), one per verification round, with every review "
                           "and supplement; 404 for a case not visible", "hazards", None, None,
                           {"200": InitialReviewListSchema}),
    "record_initial_review": ("Record the current round's initial review (the verifying roles: project team for 一般, "
                              "supervision for 较大, bureau / expert for 重大 and above): completeness, consistency and "
                              "a conclusion; `returned` tells the enterprise what to supply. 403 for other roles, "
                              "409 when the case does not await verification or the review awaits a supplement or "
                              "was done", "hazards", InitialReviewRequestSchema, None,
                              {"201": InitialReviewSchema}),
    "supplement_initial_review": ("Answer a return with a note and/or files (补正材料, the case's enterprise staff); the "
                                  "review reopens. 409 unless the current round's review was returned", "hazards",
                                  InitialReviewSupplementSchema, None, {"201": InitialReviewSchema}),
}
