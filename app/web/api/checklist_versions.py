"""Standards version management (标准版本管理) in the API: the proposed checklist changes (technical leads, process
owners, administrators), their approval and rejection (technical leads: services/checklist_review.py), and each
list's archived versions (every staff role; enterprise tokens 403, as on the pages)."""
from flask import g
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...models import CHANGE_KINDS, CHANGE_STATUSES, DIMENSIONS, VERSION_SOURCES, Checklist
from ...services import checklist_changes, checklist_review, checklist_versions
from ...services.uow import UnitOfWork
from . import api
from .auth import token_required
from .helpers import json_body, query_args
from .schemas import LocalDateTime, QuerySchema

_KINDS = [*CHANGE_KINDS, "move", "remove", "list"]


def _username(attr):
    return fields.Function(lambda r: getattr(r, attr).username if getattr(r, attr) else None, allow_none=True,
                           metadata={"type": "string", "description": "username"})


class ChecklistChangeSchema(Schema):
    id = fields.Integer()
    checklist = fields.Function(lambda c: c.checklist.code, metadata={"type": "string"})
    item_id = fields.Integer(allow_none=True, metadata={"description": "null for a proposed new item until approved"})
    item_code = fields.String()
    kind = fields.String(metadata={"enum": list(CHANGE_KINDS)})
    status = fields.String(metadata={"enum": list(CHANGE_STATUSES)})
    proposed = fields.Dict(metadata={"description": "{dimension, content, basis} of an add or an update"})
    changes = fields.Function(checklist_changes.audit_changes, metadata={
        "type": "object", "description": "{field: [before, after]} as the proposer saw the item"})
    stale = fields.Function(checklist_changes.is_stale, metadata={
        "type": "boolean", "description": "the item changed since the proposal: it can only be rejected"})
    proposed_by = _username("proposed_by")
    proposed_at = LocalDateTime()
    decided_by = _username("decided_by")
    decided_at = LocalDateTime(allow_none=True)
    decision_note = fields.String(metadata={"description": "the approval's note or the rejection's reason"})
    version = fields.Integer(allow_none=True, metadata={"description": "the list's version the approval made"})


class ChecklistChangeListSchema(Schema):
    items = fields.List(fields.Nested(ChecklistChangeSchema))


class ChecklistChangeQuery(QuerySchema):
    status = fields.String(load_default="pending", validate=validate.OneOf([*CHANGE_STATUSES, "all"]))
    checklist = fields.String(validate=validate.Length(max=32), metadata={"description": "one list, by its code"})


class ChecklistApproveSchema(Schema):
    note = fields.String(load_default="", validate=validate.Length(max=checklist_changes.MAX_NOTE),
                         metadata={"description": "optional; recorded with the version's signature"})


class ChecklistRejectSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(max=checklist_changes.MAX_NOTE),
                           metadata={"description": "required: the proposer is told"})


class ChecklistVersionItemSchema(Schema):
    code = fields.String()
    dimension = fields.String(metadata={"enum": list(DIMENSIONS)})
    content = fields.String()
    basis = fields.String()
    position = fields.Integer()
    active = fields.Boolean()


class ChecklistVersionChangeSchema(Schema):
    code = fields.String(allow_none=True, metadata={"description": "null for a change of the list's details"})
    kind = fields.String(metadata={"enum": _KINDS})
    before = fields.Dict(allow_none=True, metadata={"description": "the changed fields before"})
    after = fields.Dict(allow_none=True, metadata={"description": "the changed fields after"})


class ChecklistVersionSummarySchema(Schema):
    version = fields.Integer()
    source = fields.String(metadata={"enum": list(VERSION_SOURCES)})
    approved_at = LocalDateTime()
    signed_name = fields.String(metadata={"description": "the approver's name as recorded (a file load: the operator)"})
    signed_role = fields.String(metadata={"description": "technical_lead, file_load or initial"})
    note = fields.String()
    change_id = fields.Integer(allow_none=True)
    changed = fields.Function(lambda v: len(v.changes), metadata={"type": "integer",
                                                                  "description": "entries in `changes`"})


class ChecklistVersionListSchema(Schema):
    checklist = fields.String()
    name = fields.String()
    current_version = fields.Integer()
    versions = fields.List(fields.Nested(ChecklistVersionSummarySchema), metadata={"description": "newest first"})


class ChecklistVersionSchema(ChecklistVersionSummarySchema):
    checklist = fields.Function(lambda v: v.checklist.code, metadata={"type": "string"})
    header = fields.Dict(metadata={"description": "{name, name_en, industries, applies_to_all} at this version"})
    items = fields.List(fields.Nested(ChecklistVersionItemSchema), metadata={
        "description": "every item at this version, deactivated ones too, in the list's order"})
    changes = fields.List(fields.Nested(ChecklistVersionChangeSchema), metadata={
        "description": "what changed from the version before"})


@api.get("/checklists/changes")
@token_required
def list_checklist_changes():
    checklist_changes.check_may_read(g.api_user)  # 403 before the query is read
    args = query_args(ChecklistChangeQuery())
    checklist_id = None
    if "checklist" in args:
        checklist = db.session.query(Checklist).filter_by(code=args["checklist"]).first()
        checklist_id = checklist.id if checklist else -1
    rows = checklist_changes.listing(db.session, g.api_user, args["status"], checklist_id)
    return ChecklistChangeListSchema().dump({"items": rows})


@api.post("/checklists/changes/<int:change_id>/approve")
@token_required
def approve_checklist_change(change_id):
    checklist_changes.get_change(db.session, g.api_user, change_id)  # 403 / 404 before the body is read
    checklist_review.check_may_review(g.api_user)
    body = json_body(ChecklistApproveSchema())
    with UnitOfWork() as uow:
        change = checklist_review.approve(uow, g.api_user, change_id, body["note"])[0]
        uow.commit()
        return ChecklistChangeSchema().dump(change)


@api.post("/checklists/changes/<int:change_id>/reject")
@token_required
def reject_checklist_change(change_id):
    checklist_changes.get_change(db.session, g.api_user, change_id)
    checklist_review.check_may_review(g.api_user)
    body = json_body(ChecklistRejectSchema())
    with UnitOfWork() as uow:
        change = checklist_review.reject(uow, g.api_user, change_id, body["reason"])
        uow.commit()
        return ChecklistChangeSchema().dump(change)


@api.get("/checklists/<code>/versions")
@token_required
def checklist_versions_list(code):
    checklist = checklist_versions.get_checklist(db.session, g.api_user, code)
    return ChecklistVersionListSchema().dump({
        "checklist": checklist.code, "name": checklist.name, "current_version": checklist.version,
        "versions": checklist_versions.versions_of(db.session, checklist)})


@api.get("/checklists/<code>/versions/<int:number>")
@token_required
def get_checklist_version(code, number):
    checklist = checklist_versions.get_checklist(db.session, g.api_user, code)
    return ChecklistVersionSchema().dump(checklist_versions.get_version(db.session, checklist, number))
