"""Notices from the bureau (通知公告, services/bureau_notices.py and bureau_notice_receipts.py) in the API: the list and
one notice (enterprise tokens: those addressed to their enterprise, with its receipt; reading one through the API
marks it read like opening the page), signing for it; for the bureau and project leads: writing (draft or published at
once), publishing, withdrawing, urging and the receipts. Files are uploaded first (POST /attachments) and named by
their ids."""
from flask import g
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...models import NOTICE_KINDS, NOTICE_TARGETS, RECEIPT_STATUSES
from ...services import bureau_notice_receipts as receipts, bureau_notices as notices
from ...services.uow import UnitOfWork
from . import api
from .auth import token_required
from .helpers import json_body, query_args
from .schemas import LocalDateTime


def _username(attr):
    return fields.Function(lambda r: getattr(r, attr).username if getattr(r, attr) else None, allow_none=True,
                           metadata={"type": "string", "description": "username"})


class NoticeFileSchema(Schema):
    id = fields.String(attribute="public_id", metadata={"description": "GET /api/v1/attachments/{id}"})
    name = fields.String(attribute="original_name")
    content_type = fields.String()
    size = fields.Integer()


class ReceiptSchema(Schema):
    enterprise_id = fields.Integer()
    enterprise = fields.Function(lambda r: r.enterprise.name, metadata={"type": "string"})
    township = fields.Function(lambda r: r.enterprise.township, metadata={"type": "string"})
    status = fields.String(metadata={"description": "unread (未读), read (已读) or signed (已签收)"})
    read_by = _username("read_by")
    read_at = LocalDateTime(allow_none=True)
    signed_by = _username("signed_by")
    signed_at = LocalDateTime(allow_none=True)
    reply = fields.String()
    last_urged_at = LocalDateTime(allow_none=True)


class NoticeSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "notice (通知), warning (预警提示), briefing (简报) or minutes (会议纪要, "
                                                  "a meeting's issued minutes: GET /api/v1/meetings)"})
    title = fields.String()
    body = fields.String(metadata={"description": "plain text; paragraphs separated by a blank line"})
    status = fields.String(metadata={"description": "draft, published or withdrawn"})
    issuer = fields.String(allow_none=True, metadata={"description": "bureau or contractor; null for a draft"})
    target_kind = fields.String(metadata={"description": "all, townships, industries or enterprises"})
    target_values = fields.List(fields.Raw(), metadata={"description": "township or industry names, enterprise ids"})
    sign_by_date = fields.Date(allow_none=True)
    sign_by_workdays = fields.Integer(allow_none=True)
    sign_due_at = LocalDateTime(allow_none=True, metadata={"description": "set when published"})
    files = fields.List(fields.Nested(NoticeFileSchema), attribute="attachments")
    drafted_by = _username("drafted_by")
    drafted_at = LocalDateTime()
    published_by = _username("published_by")
    published_at = LocalDateTime(allow_none=True)
    withdrawn_by = _username("withdrawn_by")
    withdrawn_at = LocalDateTime(allow_none=True)
    withdrawn_reason = fields.String(allow_none=True)
    urge_count = fields.Integer()
    last_urged_at = LocalDateTime(allow_none=True)
    # Filled in by the routes (not attributes of the notice):
    receipt = fields.Nested(ReceiptSchema, dump_only=True, allow_none=True, metadata={
        "description": "enterprise tokens: their enterprise's receipt; else null"})
    tally = fields.Dict(dump_only=True, allow_none=True, metadata={
        "description": "staff: {recipients, read, signed}; enterprise tokens: null"})


class NoticeSummarySchema(NoticeSchema):
    class Meta:
        exclude = ("body",)


class NoticeListSchema(Schema):
    items = fields.List(fields.Nested(NoticeSummarySchema))
    total = fields.Integer()


class NoticeQuery(Schema):
    kind = fields.String(validate=validate.OneOf(list(NOTICE_KINDS)))
    status = fields.String(validate=validate.OneOf(["draft", "published", "withdrawn"]))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
    offset = fields.Integer(load_default=0, validate=validate.Range(0))


class NoticeRequestSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(list(notices.WRITABLE_KINDS)))
    title = fields.String(required=True, validate=validate.Length(max=notices.MAX_TITLE))
    body = fields.String(required=True, validate=validate.Length(max=notices.MAX_BODY))
    target_kind = fields.String(required=True, validate=validate.OneOf(list(NOTICE_TARGETS)))
    target_values = fields.List(fields.Raw(), load_default=list, metadata={
        "description": "township or industry names, or enterprise ids; empty for all"})
    sign_by_date = fields.Date(allow_none=True, metadata={"description": "sign by the end of this day; or"})
    sign_by_workdays = fields.Integer(allow_none=True, metadata={"description": "working days after publishing"})
    files = fields.List(fields.String(), load_default=list, metadata={
        "description": "ids of the caller's own uploads (POST /api/v1/attachments): PDF or images"})
    publish = fields.Boolean(load_default=False, metadata={"description": "true: publish at once"})


class SignRequestSchema(Schema):
    reply = fields.String(load_default="", validate=validate.Length(max=receipts.MAX_REPLY))


class WithdrawalSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(max=notices.MAX_REASON))


class ReceiptQuery(Schema):
    status = fields.String(validate=validate.OneOf(list(RECEIPT_STATUSES)))
    township = fields.String()


class ReceiptListSchema(Schema):
    items = fields.List(fields.Nested(ReceiptSchema))


class UrgeSchema(Schema):
    urged = fields.Integer(metadata={"description": "enterprises urged"})


def _dump(notice, receipt=None, tally=None, schema=NoticeSchema):
    data = schema().dump(notice)
    data["receipt"] = ReceiptSchema().dump(receipt) if receipt is not None else None
    if tally is None and notices.reads_all(g.api_user):
        tally = notices.tallies(db.session, [notice.id])[notice.id]
    data["tally"] = tally
    return data


@api.get("/notices")
@token_required
def list_notices():
    args = query_args(NoticeQuery())
    rows, total = notices.listing(db.session, g.api_user, notices.NoticeFilter(
        kind=args.get("kind", ""), status=args.get("status", ""), limit=args["limit"], offset=args["offset"]))
    tallies = notices.tallies(db.session, [n.id for n, _r in rows]) if notices.reads_all(g.api_user) else {}
    return {"items": [_dump(n, r, tallies.get(n.id), NoticeSummarySchema) for n, r in rows], "total": total}


@api.get("/notices/<int:notice_id>")
@token_required
def get_notice(notice_id):
    with UnitOfWork() as uow:
        notice, receipt = receipts.open_notice(uow, g.api_user, notice_id)
        uow.commit()
        return _dump(notice, receipt)


@api.post("/notices")
@token_required
def create_notice():
    notices.check_may_write(g.api_user)
    body = json_body(NoticeRequestSchema())
    publish, files = body.pop("publish"), body.pop("files")
    with UnitOfWork() as uow:
        notice = notices.create(uow, g.api_user, body, files, publish_now=publish)
        uow.commit()
        return _dump(notice), 201


@api.post("/notices/<int:notice_id>/publish")
@token_required
def publish_notice(notice_id):
    with UnitOfWork() as uow:
        notice = notices.publish(uow, g.api_user, notice_id)
        uow.commit()
        return _dump(notice)


@api.post("/notices/<int:notice_id>/withdraw")
@token_required
def withdraw_notice(notice_id):
    body = json_body(WithdrawalSchema())
    with UnitOfWork() as uow:
        notice = notices.withdraw(uow, g.api_user, notice_id, body["reason"])
        uow.commit()
        return _dump(notice)


@api.post("/notices/<int:notice_id>/sign")
@token_required
def sign_notice(notice_id):
    body = json_body(SignRequestSchema())
    with UnitOfWork() as uow:
        receipt = receipts.sign(uow, g.api_user, notice_id, body["reply"])
        uow.commit()
        return ReceiptSchema().dump(receipt), 201


@api.get("/notices/<int:notice_id>/receipts")
@token_required
def notice_receipts(notice_id):
    args = query_args(ReceiptQuery())
    _notice, rows = receipts.receipts(db.session, g.api_user, notice_id, receipts.ReceiptFilter(
        status=args.get("status", ""), township=args.get("township", "")))
    return ReceiptListSchema().dump({"items": rows})


@api.post("/notices/<int:notice_id>/urge")
@token_required
def urge_notice(notice_id):
    with UnitOfWork() as uow:
        urged = receipts.urge(uow, g.api_user, notice_id)
        uow.commit()
        return {"urged": urged}


OPERATIONS = {
    "list_notices": ("Notices from the bureau (通知公告 / 预警提示 / 简报), newest first: every one with its tally for "
                     "the bureau, project leads, managers and admins; enterprise tokens: the published and withdrawn "
                     "ones addressed to their enterprise, with its receipt", "notices", None, NoticeQuery,
                     {"200": NoticeListSchema}),
    "get_notice": ("One notice; for enterprise staff this is opening it: the first open marks it read (已读) for the "
                   "enterprise; 404 for a notice not addressed to the caller's enterprise or a draft", "notices", None,
                   None, {"200": NoticeSchema}),
    "create_notice": ("Write a notice (bureau, project lead) as a draft, or publish it at once with `publish: true`: "
                      "the target is resolved to the enterprises of that moment and their staff told in-app, by SMS, "
                      "WeChat and email", "notices", NoticeRequestSchema, None, {"201": NoticeSchema}),
    "publish_notice": ("Publish a draft (bureau, project lead); 409 when published already; 400 when no enterprise "
                       "matches the target", "notices", None, None, {"200": NoticeSchema}),
    "withdraw_notice": ("Withdraw a published notice with a reason (the bureau any, a project lead the contractor's "
                        "own): kept, marked withdrawn, no more signing; the recipients told", "notices",
                        WithdrawalSchema, None, {"200": NoticeSchema}),
    "sign_notice": ("Sign for a notice (签收) for the caller's enterprise, once (409 after), with an optional reply; "
                    "409 for a withdrawn notice", "notices", SignRequestSchema, None, {"201": ReceiptSchema}),
    "notice_receipts": ("The receipts of a notice per enterprise (bureau, project lead, manager, admin), by "
                        "enterprise name", "notices", None, ReceiptQuery, {"200": ReceiptListSchema}),
    "urge_notice": ("Urge (催签) the enterprises that have not signed (bureau, project lead): at most once a day per "
                    "notice (409), audited", "notices", None, None, {"200": UrgeSchema}),
}
