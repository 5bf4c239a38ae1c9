"""Standard inspection checklists (标准化检查表) and a visit's results per item:
`GET /checklists?industry=&checklist=&include_inactive=`, `GET /inspections/<visit_id>/checks` and
`PUT /inspections/<visit_id>/checks {results: [{item_id, result, note}]}` (inspectors, project leads)."""
from flask import g
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...models import CHECK_RESULTS, DIMENSIONS
from ...services import checklist_results, checklists, inspections
from ...services.uow import UnitOfWork
from . import api
from .auth import token_required
from .helpers import json_body, query_args
from .schemas import LocalDateTime, QuerySchema

MAX_RESULTS = 500


class ChecklistQuery(QuerySchema):
    industry = fields.String(validate=validate.Length(max=100), metadata={
        "description": "an enterprise's industry (the register's text): the general list and that industry's"})
    checklist = fields.String(validate=validate.Length(max=32), metadata={"description": "one list, by its code"})
    include_inactive = fields.Boolean(load_default=False, metadata={"description": "deactivated items too"})


class ChecklistItemSchema(Schema):
    id = fields.Integer()
    code = fields.String(metadata={"description": "e.g. HG-01"})
    checklist = fields.Function(lambda i: i.checklist.code, metadata={"type": "string"})
    checklist_name = fields.Function(lambda i: i.checklist.name, metadata={"type": "string"})
    dimension = fields.String(metadata={"enum": list(DIMENSIONS)})
    content = fields.String(metadata={"description": "检查内容: what is checked"})
    basis = fields.String(metadata={"description": "依据: the law, regulation or standard"})
    position = fields.Integer()
    active = fields.Boolean()


class ChecklistItemListSchema(Schema):
    items = fields.List(fields.Nested(ChecklistItemSchema))


class CheckSchema(ChecklistItemSchema):
    """An item of a visit with its result (null: not checked yet)."""
    result = fields.String(allow_none=True, metadata={"enum": list(CHECK_RESULTS)})
    note = fields.String()
    case_id = fields.Integer(allow_none=True, metadata={"description": "the case registered from this item"})
    case_code = fields.String(allow_none=True)
    recorded_at = LocalDateTime(allow_none=True)


class VisitChecksSchema(Schema):
    visit_id = fields.Integer()
    enterprise_id = fields.Integer()
    total = fields.Integer(metadata={"description": "items the visit checks"})
    checked = fields.Integer(metadata={"description": "items with a result"})
    nonconform = fields.Integer()
    items = fields.List(fields.Nested(CheckSchema))


class CheckEntrySchema(Schema):
    item_id = fields.Integer(required=True)
    result = fields.String(allow_none=True, metadata={
        "enum": list(CHECK_RESULTS), "description": "null or empty: the item is skipped (its result stays)"})
    note = fields.String(load_default="", validate=validate.Length(max=checklist_results.MAX_NOTE), metadata={
        "description": "required for nonconform: what was found"})


class ChecksRequestSchema(Schema):
    results = fields.List(fields.Nested(CheckEntrySchema), required=True,
                          validate=validate.Length(1, MAX_RESULTS), metadata={
                              "description": "some or all of the visit's items; those not given stay as they were. "
                                             "Errors name results.<item_id>.result / results.<item_id>.note"})


@api.get("/checklists")
@token_required
def list_checklist_items():
    args = query_args(ChecklistQuery())
    lists = checklists.checklists_for(db.session, args["industry"]) if "industry" in args \
        else checklists.all_checklists(db.session)
    if "checklist" in args:
        lists = [c for c in lists if c.code == args["checklist"]]
    items = checklists.items_for(db.session, lists, include_inactive=args["include_inactive"])
    return ChecklistItemListSchema().dump({"items": items})


@api.get("/inspections/<int:visit_id>/checks")
@token_required
def visit_checks(visit_id):
    visit = inspections.get_visible_visit(db.session, g.api_user, visit_id)  # 404 for another enterprise's staff
    return _dump(visit)


@api.put("/inspections/<int:visit_id>/checks")
@token_required
def record_visit_checks(visit_id):
    inspections.get_visible_visit(db.session, g.api_user, visit_id)  # 404 for another enterprise's staff
    checklist_results.check_may_record(g.api_user)  # 403 for the others, before the body is read
    body = json_body(ChecksRequestSchema())
    with UnitOfWork() as uow:
        visit = checklist_results.record(uow, g.api_user, visit_id, body["results"])[0]
        uow.commit()
    return _dump(visit)


def _dump(visit):
    sheet = checklist_results.visit_checklist(db.session, visit)
    return VisitChecksSchema().dump({"visit_id": visit.id, "enterprise_id": visit.enterprise_id, "total": sheet.total,
                                     "checked": sheet.checked, "nonconform": sheet.nonconform,
                                     "items": [_CheckRow(row) for row in sheet.rows]})


class _CheckRow:
    """An item of the visit's checklist as CheckSchema reads it: the item's attributes and its result's."""

    def __init__(self, row):
        self._item = row.item
        found = row.result
        self.result, self.note = (found.result, found.note) if found else (None, "")
        self.case_id, self.recorded_at = (found.case_id, found.recorded_at) if found else (None, None)
        self.case_code = found.case.code if found and found.case_id else None

    def __getattr__(self, name):
        return getattr(self._item, name)
