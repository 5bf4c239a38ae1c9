"""The knowledge base (services/knowledge.py) in the API: search and read entries (every token: the published ones;
editors and the bureau: all), and the editors' new entry, edit, publication, withdrawal and review. A stale `version`
is 409, a wrong field 400 with the field named, another role's write 403, an entry the caller may not read 404."""
from flask import g
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...models.knowledge import KNOWLEDGE_KINDS, KNOWLEDGE_STATUSES, REGULATION_STATUSES
from ...services import knowledge, knowledge_edit
from ...services.uow import UnitOfWork
from . import api
from .auth import token_required
from .helpers import json_body, query_args
from .schemas import LocalDateTime, PageQuery


def _username(attr):
    return fields.Function(lambda r: getattr(r, attr).username, metadata={"type": "string", "description": "username"})


class KnowledgeEntrySchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"enum": list(KNOWLEDGE_KINDS), "description": "advice 处置建议 / regulation 法规标准"})
    status = fields.String(metadata={"enum": list(KNOWLEDGE_STATUSES)})
    title = fields.String()
    body = fields.String(metadata={"description": "advice: 处置建议; regulation: 摘要"})
    measures = fields.String(metadata={"description": "advice: 典型措施; may be empty"})
    references = fields.String(metadata={"description": "advice: 依据标准; may be empty"})
    number = fields.String(allow_none=True, metadata={"description": "regulation: 标准号 / 文号"})
    issuer = fields.String(allow_none=True, metadata={"description": "regulation: 发布机关"})
    effective_on = fields.Date(allow_none=True, metadata={"description": "regulation: 实施日期"})
    regulation_status = fields.String(allow_none=True, metadata={"description": "regulation: current 现行 / repealed 废止 / "
                                                                                "revised 已修订"})
    hazard_types = fields.Function(lambda r: r.tag_values("hazard_type"), metadata={
        "type": "array", "items": {"type": "string"}, "description": "the registration form's hazard type codes"})
    industries = fields.Function(lambda r: r.tag_values("industry"), metadata={
        "type": "array", "items": {"type": "string"}})
    files = fields.Function(lambda r: [{"public_id": a.public_id, "name": a.original_name} for a in r.attachments],
                            metadata={"type": "array", "items": {"type": "object"}})
    version = fields.Integer(metadata={"description": "counts the saves; pass it to PUT and the actions"})
    created_at = LocalDateTime()
    updated_by = _username("updated_by")
    updated_at = LocalDateTime()
    published_at = LocalDateTime(allow_none=True)
    reviewed_at = LocalDateTime(allow_none=True)
    due_for_review = fields.Function(lambda r: knowledge.is_due_for_review(r), metadata={
        "type": "boolean", "description": "published and not reviewed for 12 months (待复核)"})


class KnowledgeListSchema(Schema):
    items = fields.List(fields.Nested(KnowledgeEntrySchema))
    total = fields.Integer()


class KnowledgeQuery(PageQuery):
    q = fields.String(validate=validate.Length(max=knowledge.MAX_QUERY), metadata={
        "description": "a word in the title, text, measures, references, number or issuer"})
    kind = fields.String(validate=validate.OneOf(list(KNOWLEDGE_KINDS)))
    hazard_type = fields.String(validate=validate.Length(max=100))
    industry = fields.String(validate=validate.Length(max=100))
    status = fields.String(validate=validate.OneOf(list(KNOWLEDGE_STATUSES)), metadata={
        "description": "editors and the bureau; other callers see published entries only"})
    due_review = fields.Boolean(metadata={"description": "only published entries not reviewed for 12 months"})


def _text(longest, description):
    return fields.String(validate=validate.Length(max=longest), metadata={"description": description})


class KnowledgeUpdateSchema(Schema):
    title = _text(knowledge_edit.MAX_TITLE, "required")
    body = _text(knowledge_edit.MAX_TEXT, "required: the advice, or a law's / standard's summary")
    measures = _text(knowledge_edit.MAX_TEXT, "advice: typical measures")
    references = _text(knowledge_edit.MAX_REFERENCES, "advice: the standards it rests on")
    number = fields.String(allow_none=True, validate=validate.Length(max=64), metadata={"description": "regulation"})
    issuer = fields.String(allow_none=True, validate=validate.Length(max=200), metadata={"description": "regulation"})
    effective_on = fields.Date(allow_none=True, metadata={"description": "regulation"})
    regulation_status = fields.String(allow_none=True, validate=validate.OneOf(list(REGULATION_STATUSES)))
    hazard_types = fields.List(fields.String(), metadata={"description": "advice: at least one"})
    industries = fields.List(fields.String())
    files = fields.List(fields.String(), metadata={"description": "public ids of the caller's own PDF uploads"})
    version = fields.Integer(strict=True, metadata={
        "description": "PUT: the version the caller read: 409 when the entry has been saved since"})


class KnowledgeCreateSchema(KnowledgeUpdateSchema):
    kind = fields.String(required=True, validate=validate.OneOf(list(KNOWLEDGE_KINDS)))


class KnowledgeActionSchema(Schema):
    version = fields.Integer(required=True, strict=True, metadata={"description": "the version the caller read"})


@api.get("/knowledge")
@token_required
def list_knowledge():
    args = query_args(KnowledgeQuery())
    rows, total = knowledge.listing(db.session, g.api_user, knowledge.KnowledgeFilter(
        q=args.get("q", ""), kind=args.get("kind", ""), hazard_type=args.get("hazard_type", ""),
        industry=args.get("industry", ""), status=args.get("status", ""), due_review=args.get("due_review", False),
        limit=args["limit"], offset=args["offset"]))
    return KnowledgeListSchema().dump({"items": rows, "total": total})


@api.get("/knowledge/<int:entry_id>")
@token_required
def get_knowledge_entry(entry_id):
    return KnowledgeEntrySchema().dump(knowledge.get(db.session, g.api_user, entry_id))


def _values(body):
    if body.get("effective_on") is not None:
        body["effective_on"] = body["effective_on"].isoformat()
    return body


@api.post("/knowledge")
@token_required
def create_knowledge_entry():
    knowledge.check_may_edit(g.api_user)  # 403 before the body is read
    body = _values(json_body(KnowledgeCreateSchema()))
    body.pop("version", None)
    with UnitOfWork() as uow:
        row = knowledge_edit.create(uow, g.api_user, body, body.pop("files", []))
        uow.commit()
        return KnowledgeEntrySchema().dump(row), 201


@api.put("/knowledge/<int:entry_id>")
@token_required
def update_knowledge_entry(entry_id):
    knowledge.get(db.session, g.api_user, entry_id)  # 404 before anything else
    knowledge.check_may_edit(g.api_user)
    body = _values(json_body(KnowledgeUpdateSchema()))
    version, files = body.pop("version", None), body.pop("files", [])
    with UnitOfWork() as uow:
        row = knowledge_edit.update(uow, g.api_user, entry_id, body, version, files, partial=True)
        uow.commit()
        return KnowledgeEntrySchema().dump(row)


def _act(entry_id, write):
    knowledge.get(db.session, g.api_user, entry_id)
    knowledge.check_may_edit(g.api_user)
    body = json_body(KnowledgeActionSchema())
    with UnitOfWork() as uow:
        row = write(uow, g.api_user, entry_id, body["version"])
        uow.commit()
        return KnowledgeEntrySchema().dump(row)


@api.post("/knowledge/<int:entry_id>/publish")
@token_required
def publish_knowledge_entry(entry_id):
    return _act(entry_id, knowledge_edit.publish)


@api.post("/knowledge/<int:entry_id>/withdraw")
@token_required
def withdraw_knowledge_entry(entry_id):
    return _act(entry_id, knowledge_edit.withdraw)


@api.post("/knowledge/<int:entry_id>/review")
@token_required
def review_knowledge_entry(entry_id):
    return _act(entry_id, knowledge_edit.review)


OPERATIONS = {
    "list_knowledge": ("Search the knowledge base (专家知识库 / 法规标准库) by keyword, kind, hazard type, industry, status "
                       "and `due_review` (待复核); advice first, then by title. Every token reads the published "
                       "entries; editors (technical lead, project leads, admin) and the bureau read drafts and "
                       "withdrawn ones too", "knowledge", None, KnowledgeQuery, {"200": KnowledgeListSchema}),
    "get_knowledge_entry": ("One entry; 404 for an entry not published unless the caller reads all", "knowledge",
                            None, None, {"200": KnowledgeEntrySchema}),
    "create_knowledge_entry": ("A new draft entry (editors): advice needs at least one hazard type; a law or "
                               "standard needs its number, issuer, effective date and status; 400 names each wrong "
                               "field", "knowledge", KnowledgeCreateSchema, None, {"201": KnowledgeEntrySchema}),
    "update_knowledge_entry": ("Edit an entry (editors): the fields given change, those left out keep their value; "
                               "a change is kept as the next version; with `version`, 409 when saved meanwhile",
                               "knowledge", KnowledgeUpdateSchema, None, {"200": KnowledgeEntrySchema}),
    "publish_knowledge_entry": ("Publish a draft or withdrawn entry as `version` reads (editors; counts as its "
                                "review); 409 when saved meanwhile or published already", "knowledge",
                                KnowledgeActionSchema, None, {"200": KnowledgeEntrySchema}),
    "withdraw_knowledge_entry": ("Withdraw a published entry from the readers (editors)", "knowledge",
                                 KnowledgeActionSchema, None, {"200": KnowledgeEntrySchema}),
    "review_knowledge_entry": ("Confirm a published entry is still right (复核, editors): off the 待复核 list for 12 "
                               "months", "knowledge", KnowledgeActionSchema, None, {"200": KnowledgeEntrySchema}),
}
