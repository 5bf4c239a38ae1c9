"""Data entry into the provincial and municipal platforms (平台录入跟踪) in the API (services/platform_entries.py, the
same functions as the pages): the completeness of the enterprises the caller sees, one enterprise's items, and one
item's status recorded (未录入 / 已录入 / 已核对) by the project team and project leads. Another enterprise's staff and
another area's township office 404, roles without business here 403, bad input 400 naming the fields."""
from flask import g
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...models import ENTRY_STATUSES, PLATFORM_ITEMS, PLATFORMS
from ...services import platform_entries as entries
from ...services.uow import UnitOfWork
from . import api
from .auth import token_required
from .helpers import json_body, query_args
from .schemas import QuerySchema


class EntrySchema(Schema):
    platform = fields.String(metadata={"enum": list(PLATFORMS)})
    item = fields.String(metadata={"enum": list(PLATFORM_ITEMS)})
    status = fields.String(metadata={"enum": list(ENTRY_STATUSES)})
    entered_on = fields.Date(allow_none=True)
    entered_by = fields.String(allow_none=True)
    checked_on = fields.Date(allow_none=True)
    checked_by = fields.String(allow_none=True, metadata={"description": "never the one who entered it"})
    note = fields.String()


class EnterpriseProgressSchema(Schema):
    enterprise_id = fields.Integer()
    name = fields.String()
    township = fields.String()
    checked = fields.Integer(metadata={"description": "items 已核对"})
    total = fields.Integer(metadata={"description": "platforms × items"})
    complete = fields.Boolean(metadata={"description": "every item 已核对"})
    entries = fields.List(fields.Nested(EntrySchema), metadata={"description": "every platform and item, 未录入 "
                                                                              "included (one enterprise only)"})


class ProgressListSchema(Schema):
    items = fields.List(fields.Nested(EnterpriseProgressSchema(exclude=("entries",))))


class ProgressQuery(QuerySchema):
    platform = fields.String(validate=validate.OneOf(list(PLATFORMS)),
                             metadata={"description": "count this platform's items only"})
    township = fields.String(validate=validate.Length(max=100))
    incomplete = fields.Boolean(load_default=False, metadata={"description": "only enterprises not complete"})


class EntryRequestSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(list(ENTRY_STATUSES)))
    on_date = fields.String(load_default="", metadata={
        "format": "date", "description": "the day it was entered or checked (today when left out; not after today)"})
    note = fields.String(load_default="", validate=validate.Length(max=entries.MAX_NOTE))


def _progress(enterprise, progress, with_entries=True):
    data = {"enterprise_id": enterprise.id, "name": enterprise.name, "township": enterprise.township,
            "checked": progress.count("checked"), "total": progress.total, "complete": progress.complete}
    if with_entries:
        data["entries"] = []
        for platform in progress.platforms:
            for item in PLATFORM_ITEMS:
                row = progress.entries.get((platform, item))
                data["entries"].append({
                    "platform": platform, "item": item, "status": progress.status(platform, item),
                    "entered_on": row.entered_on if row else None,
                    "entered_by": row.entered_by.display_name if row and row.entered_by else None,
                    "checked_on": row.checked_on if row else None,
                    "checked_by": row.checked_by.display_name if row and row.checked_by else None,
                    "note": row.note if row else ""})
    return data


@api.get("/platform-entries")
@token_required
def list_platform_entries():
    args = query_args(ProgressQuery())
    rows = entries.overview(db.session, g.api_user, args.get("platform", ""), args.get("township", ""),
                            args["incomplete"])
    return ProgressListSchema().dump({"items": [_progress(e, p, False) for e, p in rows]})


@api.get("/enterprises/<int:enterprise_id>/platform-entries")
@token_required
def enterprise_platform_entries(enterprise_id):
    return EnterpriseProgressSchema().dump(_progress(*entries.of_enterprise(db.session, g.api_user, enterprise_id)))


@api.put("/enterprises/<int:enterprise_id>/platform-entries/<platform>/<item>")
@token_required
def record_platform_entry(enterprise_id, platform, item):
    entries.get_enterprise(db.session, g.api_user, enterprise_id)  # 404 / 403 before the body is read
    entries.check_may_record(g.api_user)
    body = json_body(EntryRequestSchema())
    with UnitOfWork() as uow:
        entries.record(uow, g.api_user, enterprise_id, platform, item, body["status"], body["on_date"], body["note"])
        uow.commit()
    return EnterpriseProgressSchema().dump(_progress(*entries.of_enterprise(db.session, g.api_user, enterprise_id)))


OPERATIONS = {
    "list_platform_entries": ("The enterprises the caller sees with their platform entry completeness (平台录入: "
                              "project team, project leads, the bureau, managers, admins, township offices their "
                              "area, enterprise staff their own; others 403)", "platform-entries", None,
                              ProgressQuery, {"200": ProgressListSchema}),
    "enterprise_platform_entries": ("One enterprise's items on each platform with their status, days and people "
                                    "(404 outside the caller's share)", "platform-entries", None, None,
                                    {"200": EnterpriseProgressSchema}),
    "record_platform_entry": ("Record one item's status (project team and project leads, others 403): `entered` "
                              "records the day and the caller as the one who entered it (an earlier check dropped); "
                              "`checked` needs it entered first, by someone else (400 on `status`); `pending` clears "
                              "it. An unknown platform or item 404", "platform-entries", EntryRequestSchema, None,
                              {"200": EnterpriseProgressSchema}),
}
