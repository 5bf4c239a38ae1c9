"""Return visits (services/return_visits.py) in the API, read only: the list with the page's filters, scoped as the
page is — the project team, the bureau and managers read all (with the internal note), an enterprise token its own
enterprise's (without it; any other is 404), other roles 403."""
from flask import g
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...models import EFFECT_RESULTS, RETURN_VISIT_WAYS, SAFETY_ITEMS, SURVEY_DIMENSIONS
from ...services import return_visits
from . import api
from .auth import token_required
from .helpers import query_args
from .schemas import LocalDateTime


class FindingSchema(Schema):
    case_id = fields.Integer()
    case_code = fields.Function(lambda f: f.case.code, metadata={"type": "string"})
    result = fields.String(metadata={"enum": list(EFFECT_RESULTS), "description": "整改成效: held / recurred"})
    note = fields.String()
    new_case_code = fields.Function(lambda f: f.new_case.code if f.new_case_id else None, metadata={
        "type": "string", "description": "the hazard registered from a regressed case, if any"})


class ReturnVisitSchema(Schema):
    id = fields.Integer()
    enterprise_id = fields.Integer()
    enterprise = fields.Function(lambda r: r.enterprise.name, metadata={"type": "string"})
    way = fields.String(metadata={"enum": list(RETURN_VISIT_WAYS)})
    visited_on = fields.Date()
    contact_person = fields.String()
    contact_phone = fields.String()
    visitor = fields.Function(lambda r: r.visitor.display_name, metadata={"type": "string"})
    findings = fields.List(fields.Nested(FindingSchema))
    safety_checks = fields.Dict(keys=fields.String(), values=fields.Boolean(), metadata={
        "description": "安全管理现状 yes / no items: " + ", ".join(SAFETY_ITEMS)})
    safety_status = fields.String()
    survey = fields.Function(lambda r: r.scores or None, metadata={
        "type": "object",
        "description": "1–5 per dimension (" + ", ".join(SURVEY_DIMENSIONS) + "); null: not answered"})
    opinions = fields.String()
    problems = fields.String()
    follow_up_action = fields.String()
    internal_note = fields.String(metadata={"description": "staff tokens only"})
    recorded_at = LocalDateTime()


class ReturnVisitListSchema(Schema):
    items = fields.List(fields.Nested(ReturnVisitSchema))
    total = fields.Integer()


class ReturnVisitQuery(Schema):
    enterprise_id = fields.Integer()
    way = fields.String(validate=validate.OneOf(list(RETURN_VISIT_WAYS)))
    township = fields.String(validate=validate.Length(max=100))
    date_from = fields.Date()
    date_to = fields.Date()
    regressed = fields.Boolean(load_default=False)
    q = fields.String(validate=validate.Length(max=100))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
    offset = fields.Integer(load_default=0, validate=validate.Range(0))


def _dump(rows, total):
    schema = ReturnVisitSchema(many=True) if return_visits.reads_all(g.api_user) else \
        ReturnVisitSchema(many=True, exclude=("internal_note",))
    return {"items": schema.dump(rows), "total": total}


@api.get("/return-visits")
@token_required
def list_return_visits():
    args = query_args(ReturnVisitQuery())
    rows, total = return_visits.listing(db.session, g.api_user, return_visits.VisitFilter(
        enterprise_id=args.get("enterprise_id"), way=args.get("way", ""), township=args.get("township", ""),
        date_from=args.get("date_from"), date_to=args.get("date_to"), regressed=args["regressed"],
        text=args.get("q", ""), limit=args["limit"], offset=args["offset"]))
    return _dump(rows, total)


@api.get("/return-visits/<int:visit_id>")
@token_required
def get_return_visit(visit_id):
    row = return_visits.get(db.session, g.api_user, visit_id)
    return _dump([row], 1)["items"][0]


OPERATIONS = {
    "list_return_visits": ("Return visits to key enterprises (回访记录), the latest first: every one for the project "
                           "team, the bureau and managers; an enterprise token its own enterprise's, without the "
                           "internal note; 403 for other roles", "return-visits", None, ReturnVisitQuery,
                           {"200": ReturnVisitListSchema}),
    "get_return_visit": ("One return visit with its findings and survey (404 when not visible)", "return-visits",
                         None, None, {"200": ReturnVisitSchema}),
}
