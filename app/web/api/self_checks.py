"""Enterprise self-checks (企业自查, services/self_checks.py) in the API: the list (an enterprise's own; the staff side's
of every enterprise, filtered), one self-check with its frozen items, results, the cases it made and the items a later
visit contradicted (自查不实), starting one and submitting it (enterprise staff of its own enterprise; anyone else:
403, another enterprise's: 404, twice: 409). Photos: upload with POST /api/v1/attachments, then name their public
ids in an item's `photos` when submitting."""
from flask import g
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...models import CHECK_RESULTS, SELF_CHECK_STATUSES
from ...services import self_check_files, self_check_rhythm as rhythm, self_check_submit, self_checks
from ...services.uow import UnitOfWork
from . import api
from .auth import token_required
from .helpers import json_body, query_args
from .schemas import LocalDateTime, PageQuery


class SelfCheckItemSchema(Schema):
    id = fields.Integer(metadata={"description": "the self-check item's id (items[].item_id when submitting)"})
    code = fields.String()
    dimension = fields.String()
    content = fields.String()
    basis = fields.String()
    result = fields.String(allow_none=True, metadata={"enum": list(CHECK_RESULTS)})
    note = fields.String()
    report = fields.Boolean(metadata={"description": "a nonconforming item: reported as a hazard on submit"})
    place = fields.String()
    score = fields.Integer(allow_none=True)
    hazard_type = fields.String(allow_none=True)
    case_code = fields.Function(lambda i: i.case.code if i.case else None, allow_none=True)
    photos = fields.List(fields.String(), metadata={"description": "public ids still on the self-check"})
    contradicted = fields.List(fields.Dict(), metadata={
        "description": "自查不实: visits of the enterprise within 90 days after submission that recorded the item as "
                       "nonconform ({visit_id, visited_on, note})"})


class SelfCheckSchema(Schema):
    id = fields.Integer()
    enterprise_id = fields.Integer()
    enterprise_name = fields.Function(lambda r: r.enterprise.name)
    checklist_code = fields.Function(lambda r: r.checklist.code)
    checklist_name = fields.String()
    checklist_version = fields.Integer(metadata={"description": "the list's version frozen when it began"})
    status = fields.String(metadata={"enum": list(SELF_CHECK_STATUSES)})
    note = fields.String()
    started_at = LocalDateTime()
    submitted_at = LocalDateTime(allow_none=True)
    counts = fields.Function(self_checks.counts)


class SelfCheckDetailSchema(SelfCheckSchema):
    items = fields.Method("dump_items")

    def dump_items(self, row):
        photos = self_check_files.by_item(db.session, row)
        flagged = rhythm.contradicted(db.session, row)
        out = []
        for item in row.items:
            data = SelfCheckItemSchema(exclude=("photos", "contradicted")).dump(item)
            data["photos"] = [a.public_id for a in photos.get(item.id, [])]
            data["contradicted"] = [{"visit_id": v.id, "visited_on": v.visited_on.isoformat(), "note": r.note}
                                    for v, r in flagged.get(item.id, [])]
            out.append(data)
        return out


class SelfCheckListSchema(Schema):
    items = fields.List(fields.Nested(SelfCheckSchema))
    total = fields.Integer()


class SelfCheckQuery(PageQuery):
    enterprise_id = fields.Integer(validate=validate.Range(min=1))
    since = fields.Date(metadata={"description": "submitted on or after (a draft: started)"})
    until = fields.Date()
    findings = fields.String(validate=validate.OneOf(self_checks.FINDINGS))
    status = fields.String(validate=validate.OneOf(list(SELF_CHECK_STATUSES)))


class SelfCheckStartSchema(Schema):
    checklist = fields.String(required=True, metadata={"description": "a checklist code for the enterprise's "
                                                                      "industry (GET /api/v1/checklists)"})
    note = fields.String(load_default="", validate=validate.Length(max=self_checks.MAX_NOTE))


class SelfCheckEntrySchema(Schema):
    item_id = fields.Integer(required=True)
    result = fields.String(validate=validate.OneOf(list(CHECK_RESULTS)))
    note = fields.String(validate=validate.Length(max=self_checks.MAX_NOTE))
    report = fields.Boolean()
    place = fields.String(validate=validate.Length(max=self_checks.MAX_PLACE))
    score = fields.Integer(allow_none=True, validate=validate.Range(0, 100))
    hazard_type = fields.String(allow_none=True)
    photos = fields.List(fields.String(), load_default=list, metadata={
        "description": "public ids of the caller's own image uploads to put on the item"})


class SelfCheckSubmitSchema(Schema):
    items = fields.List(fields.Nested(SelfCheckEntrySchema), load_default=list)
    note = fields.String(validate=validate.Length(max=self_checks.MAX_NOTE))


class SelfCheckSubmittedSchema(Schema):
    self_check = fields.Nested(SelfCheckDetailSchema)
    cases = fields.List(fields.String(), metadata={"description": "the codes of the hazard cases it made"})


@api.get("/self-checks")
@token_required
def list_self_checks():
    args = query_args(SelfCheckQuery())
    flt = self_checks.SelfCheckFilter(enterprise_id=args.get("enterprise_id"), since=args.get("since"),
                                      until=args.get("until"), findings=args.get("findings", ""),
                                      status=args.get("status", ""))
    rows, total = self_checks.listing(db.session, g.api_user, flt, args["limit"], args["offset"])
    return SelfCheckListSchema().dump({"items": rows, "total": total})


@api.post("/self-checks")
@token_required
def start_self_check():
    body = json_body(SelfCheckStartSchema())
    with UnitOfWork() as uow:
        row = self_checks.start(uow, g.api_user, body["checklist"], body["note"])
        uow.commit()
        return SelfCheckDetailSchema().dump(row), 201


@api.get("/self-checks/<int:self_check_id>")
@token_required
def get_self_check(self_check_id):
    return SelfCheckDetailSchema().dump(self_checks.get_visible(db.session, g.api_user, self_check_id))


def _save(uow, row, body):
    """The given items (and note) saved on the draft, their photos put on them."""
    entries = [{k: v for k, v in e.items() if k != "photos"} for e in body["items"]]
    self_checks.save(uow, g.api_user, row.id, entries, body.get("note"))
    items = {i.id: i for i in row.items}
    for entry in body["items"]:
        if entry["photos"] and entry["item_id"] in items:
            self_check_files.attach(uow, g.api_user, row, items[entry["item_id"]], entry["photos"],
                                    self_checks.field_name(entry["item_id"], "photos"))


@api.put("/self-checks/<int:self_check_id>")
@token_required
def save_self_check(self_check_id):
    row = self_checks.get_visible(db.session, g.api_user, self_check_id)  # 404 before the body is looked at
    self_checks.check_may_write(g.api_user, row)
    body = json_body(SelfCheckSubmitSchema())
    with UnitOfWork() as uow:
        _save(uow, row, body)
        uow.commit()
    db.session.expire_all()
    return SelfCheckDetailSchema().dump(self_checks.get_visible(db.session, g.api_user, self_check_id))


@api.post("/self-checks/<int:self_check_id>/submit")
@token_required
def submit_self_check(self_check_id):
    row = self_checks.get_visible(db.session, g.api_user, self_check_id)  # 404 before the body is looked at
    self_checks.check_may_write(g.api_user, row)
    body = json_body(SelfCheckSubmitSchema())
    with UnitOfWork() as uow:
        _save(uow, row, body)
        row, cases = self_check_submit.submit(uow, g.api_user, row.id)
        uow.commit()
        return SelfCheckSubmittedSchema().dump({"self_check": row, "cases": [c.code for c in cases]})


OPERATIONS = {
    "list_self_checks": ("Enterprise self-checks (企业自查), newest first: an enterprise's staff see their own, the "
                         "contractor, the bureau and the other staff roles every enterprise's, a township office its "
                         "area's. Filters: enterprise, period (submission days; a draft's start), findings (with / "
                         "without a nonconforming item), status", "self-checks", None, SelfCheckQuery,
                         {"200": SelfCheckListSchema}),
    "start_self_check": ("Start a self-check of the caller's own enterprise (enterprise staff only, else 403) with "
                         "a checklist for its industry; the list's current version is frozen on it",
                         "self-checks", SelfCheckStartSchema, None, {"201": SelfCheckDetailSchema}),
    "get_self_check": ("One self-check: its frozen items, results, photos, the cases it made and the items a visit "
                       "within 90 days contradicted (自查不实). 404 for another enterprise's staff", "self-checks",
                       None, None, {"200": SelfCheckDetailSchema}),
    "submit_self_check": ("Save the given items (result, note, report, place, score, hazard_type, photos) and submit: "
                          "every item needs a result, a nonconforming one a note; each nonconforming item still "
                          "marked report becomes a hazard case of source self_check on the normal process (place, "
                          "score and at least one photo required). 400 with field errors (items.<id>.<field>), 403 "
                          "for anyone but the enterprise's staff, 404 for another enterprise's, 409 when submitted "
                          "already", "self-checks", SelfCheckSubmitSchema, None, {"200": SelfCheckSubmittedSchema}),
    "save_self_check": ("Save the draft (保存草稿) without submitting: the given items only (result, note, report, "
                        "place, score, hazard_type, photos; the others stay as they were) and the note; nothing is "
                        "required yet. 400 with field errors (items.<id>.<field>), 403 for anyone but the "
                        "enterprise's staff, 404 for another enterprise's, 409 once submitted", "self-checks",
                        SelfCheckSubmitSchema, None, {"200": SelfCheckDetailSchema}),
}
