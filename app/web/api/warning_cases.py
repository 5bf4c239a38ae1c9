"""Warning cases (警示案例: typical cases published to enterprises, services/case_publications.py and
warning_cases.py) in the API. Enterprise tokens: the live publications addressed to their enterprise, one of them,
its photos (stripped of EXIF) and the 已学习 confirmation; the answer holds the public version only — never the
library entry, its case or its enterprise. The library's readers see every publication with its tally; the bureau
and project leads publish an entry and withdraw a publication."""
from flask import current_app, g
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...services import case_publications as publishing, warning_cases
from ...services.uow import UnitOfWork
from ..warning_cases import photo_response
from . import api
from .auth import token_required
from .helpers import json_body, query_args
from .schemas import LocalDateTime, PageQuery


class PublishedPhotoSchema(Schema):
    id = fields.Integer()
    url = fields.Function(lambda p: f"/api/v1/library/published/{p.publication_id}/photos/{p.id}",
                          metadata={"type": "string", "description": "the image, without EXIF"})


class LearnedSchema(Schema):
    learned = fields.Function(lambda r: r.learned_at is not None, metadata={"type": "boolean"})
    learned_at = LocalDateTime(allow_none=True)
    learned_by = fields.Function(lambda r: r.learned_by.display_name if r.learned_by else None, allow_none=True,
                                 metadata={"type": "string", "description": "the staff member who confirmed"})


class PublishedCaseSchema(Schema):
    """The public version: what an enterprise may read."""
    id = fields.Integer()
    title = fields.String()
    body = fields.String(metadata={"description": "plain text; paragraphs separated by a blank line"})
    hazard_type = fields.Function(lambda p: p.typical_case.hazard_type, metadata={"type": "string"})
    issuer = fields.String(metadata={"description": "bureau (应急管理局) or contractor (技术服务机构)"})
    published_at = LocalDateTime()
    photos = fields.List(fields.Nested(PublishedPhotoSchema))
    # Filled in by the routes:
    receipt = fields.Nested(LearnedSchema, dump_only=True, allow_none=True, metadata={
        "description": "enterprise tokens: their enterprise's 已学习; else null"})


class PublicationSchema(PublishedCaseSchema):
    """What the library's readers see besides: the entry, the audience, the state and the tally."""
    typical_case_id = fields.Integer()
    status = fields.String(metadata={"description": "published or withdrawn"})
    industries = fields.List(fields.String(), metadata={"description": "audience; both empty: every enterprise"})
    townships = fields.List(fields.String())
    withdrawn_at = LocalDateTime(allow_none=True)
    withdrawn_reason = fields.String(allow_none=True)
    tally = fields.Dict(dump_only=True, metadata={"description": "{addressed, learned}"})


class PublishedListSchema(Schema):
    items = fields.List(fields.Nested(PublishedCaseSchema), metadata={
        "description": "for the library's readers each item is a Publication"})
    total = fields.Integer()


class PublishRequestSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(max=publishing.MAX_TITLE))
    body = fields.String(required=True, validate=validate.Length(max=publishing.MAX_BODY))
    industries = fields.List(fields.String(), load_default=list, metadata={"description": "names of the register"})
    townships = fields.List(fields.String(), load_default=list, metadata={"description": "names of the register"})
    photos = fields.List(fields.Integer(strict=True), load_default=list, metadata={
        "description": "ids of the source case's image attachments to show"})


class WithdrawRequestSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(max=publishing.MAX_REASON))


def _dump(found):
    if warning_cases.reads_all(g.api_user):
        data = PublicationSchema().dump(found.publication)
        data["tally"] = publishing.tallies(db.session, [found.publication.id])[found.publication.id]
    else:
        data = PublishedCaseSchema().dump(found.publication)
    data["receipt"] = LearnedSchema().dump(found.receipt) if found.receipt is not None else None
    return data


@api.get("/library/published")
@token_required
def list_published_cases():
    args = query_args(PageQuery())
    rows, total = warning_cases.listing(db.session, g.api_user, args["limit"], args["offset"])
    return {"items": [_dump(row) for row in rows], "total": total}


@api.get("/library/published/<int:publication_id>")
@token_required
def get_published_case(publication_id):
    return _dump(warning_cases.get(db.session, g.api_user, publication_id))


@api.post("/library/published/<int:publication_id>/learned")
@token_required
def confirm_learned(publication_id):
    with UnitOfWork() as uow:
        receipt, recorded = warning_cases.confirm_learned(uow, g.api_user, publication_id)
        uow.commit()
        return LearnedSchema().dump(receipt), 201 if recorded else 200


@api.get("/library/published/<int:publication_id>/photos/<int:photo_id>")
@token_required
def published_case_photo(publication_id, photo_id):
    data, content_type = warning_cases.photo(db.session, g.api_user, publication_id, photo_id,
                                             current_app.config["UPLOAD_DIR"])
    return photo_response(data, content_type, f"warning-case-{publication_id}-{photo_id}")


@api.post("/typical-cases/<int:entry_id>/publication")
@token_required
def publish_typical_case(entry_id):
    publishing.check_may_publish(g.api_user)  # 404 / 403 before the body is read
    body = json_body(PublishRequestSchema())
    with UnitOfWork() as uow:
        row = publishing.publish(uow, g.api_user, entry_id, body)
        uow.commit()
        return _dump(warning_cases.Addressed(row)), 201


@api.post("/library/published/<int:publication_id>/withdraw")
@token_required
def withdraw_published_case(publication_id):
    publishing.check_may_publish(g.api_user)
    body = json_body(WithdrawRequestSchema())
    with UnitOfWork() as uow:
        row = publishing.withdraw(uow, g.api_user, publication_id, body["reason"])
        uow.commit()
        return _dump(warning_cases.Addressed(row))


OPERATIONS = {
    "list_published_cases": ("Warning cases (警示案例), newest first: enterprise tokens get the live publications "
                             "addressed to their enterprise (the public version only, with their 已学习); the "
                             "library's readers every publication with its audience and tally", "warning-cases",
                             None, PageQuery, {"200": PublishedListSchema}),
    "get_published_case": ("One warning case; 404 for enterprise tokens when it is withdrawn or not addressed to "
                           "their enterprise", "warning-cases", None, None, {"200": PublishedCaseSchema}),
    "confirm_learned": ("Confirm the caller's enterprise has studied it (已学习): 201 the first time, 200 after (the "
                        "first confirmation is kept)", "warning-cases", None, None, {"201": LearnedSchema}),
    "published_case_photo": ("A photo chosen for a warning case, without EXIF; 404 for anything else",
                             "warning-cases", None, None, {"200": "the image"}),
    "publish_typical_case": ("Publish a library entry to enterprises (bureau, project lead) with its public version "
                             "written anew; the audience is resolved to the enterprises of that moment and their "
                             "staff told; 409 when it is published already; 400 when the text names the source "
                             "enterprise or its people, or no enterprise matches", "warning-cases",
                             PublishRequestSchema, None, {"201": PublicationSchema}),
    "withdraw_published_case": ("Withdraw a publication with a reason (bureau, project lead): hidden from "
                                "enterprises again, receipts kept", "warning-cases", WithdrawRequestSchema, None,
                                {"200": PublicationSchema}),
}
