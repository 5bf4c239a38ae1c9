"""Special inspection campaigns (专项行动, services/campaigns.py) in the API: the campaigns with their progress
numbers, one campaign with its 清单台账 rows and the targets not yet visited, and the inspection plans with their kind
(检查方式) and campaign. Campaigns are for staff tokens (enterprise and township tokens: 403); plans follow the plan
list's rule (enterprise tokens: their own enterprise's announced plans only)."""
from flask import g
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...models import CAMPAIGN_THEMES, ENTERPRISE_SCALES, ENTERPRISE_TAGS, GRADES, VISIT_KINDS
from ...services import campaign_progress, campaigns, inspection_plans
from . import api
from .auth import token_required
from .helpers import query_args
from .schemas import LocalDateTime, PageQuery


def _progress(campaign):
    cache = g.setdefault("campaign_progress", {})
    if campaign.id not in cache:
        cache[campaign.id] = campaign_progress.compute(db.session, campaign)
    return cache[campaign.id]


class CampaignSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    theme = fields.String(metadata={"enum": list(CAMPAIGN_THEMES)})
    start_on = fields.Date()
    end_on = fields.Date()
    description = fields.String()
    checklist_id = fields.Integer(allow_none=True, metadata={"description": "the standard checklist its visits use"})
    state = fields.Function(lambda c: campaigns.state(c), metadata={"type": "string",
                                                                    "enum": list(campaigns.STATES)})
    started_at = LocalDateTime(allow_none=True, metadata={"description": "targets resolved and kept from then on"})
    target_rule = fields.Function(lambda c: {
        "industries": c.target_industries, "townships": c.target_townships, "scales": c.target_scales,
        "tags": c.target_tags, "service_project_id": c.target_project_id, "enterprise_ids": c.target_enterprise_ids},
        metadata={"type": "object", "description": "industries, townships, scales (" + ", ".join(ENTERPRISE_SCALES) +
                  "), tags (any of " + ", ".join(ENTERPRISE_TAGS) + "), service_project_id (AND across those "
                  "given) plus the hand-picked enterprise_ids"})
    progress = fields.Function(lambda c: _progress(c).numbers(), metadata={
        "type": "object", "description": "targets, visited, visited_percent, not_visited, visits, visits_by_kind "
                          "{" + ", ".join(VISIT_KINDS) + "}, hazards {found, closed, open, overdue, by_grade {" +
                          ", ".join(GRADES) + ", ungraded}}; visits are those naming the campaign"})


class LedgerRowSchema(Schema):
    enterprise_id = fields.Function(lambda r: r.enterprise.id, metadata={"type": "integer"})
    name = fields.Function(lambda r: r.enterprise.name, metadata={"type": "string"})
    credit_code = fields.Function(lambda r: r.enterprise.credit_code, metadata={"type": "string"})
    township = fields.Function(lambda r: r.enterprise.township, metadata={"type": "string"})
    visits = fields.Integer()
    last_visit = fields.Date(allow_none=True)
    hazards = fields.Integer()
    closed = fields.Integer()
    open = fields.Integer()
    overdue = fields.Integer()


class CampaignDetailSchema(CampaignSchema):
    ledger = fields.Function(lambda c: LedgerRowSchema(many=True).dump(_progress(c).rows), metadata={
        "type": "array", "description": "清单台账: one row per target enterprise, by name"})
    not_visited = fields.Function(lambda c: [r.enterprise.id for r in _progress(c).not_visited], metadata={
        "type": "array", "description": "enterprise ids of the targets without a visit of the campaign yet"})


class CampaignListSchema(Schema):
    items = fields.List(fields.Nested(CampaignSchema))


class CampaignQuery(Schema):
    theme = fields.String(validate=validate.OneOf(list(CAMPAIGN_THEMES)))
    state = fields.String(validate=validate.OneOf(list(campaigns.STATES)))
    q = fields.String(validate=validate.Length(max=100), metadata={"description": "name containing it"})


class PlanSchema(Schema):
    id = fields.Integer()
    enterprise_id = fields.Integer()
    planned_on = fields.Date()
    areas = fields.String()
    team = fields.String()
    kind = fields.String(metadata={"enum": list(VISIT_KINDS)})
    announced = fields.Function(lambda p: inspection_plans.is_announced(p), metadata={
        "type": "boolean", "description": "false for 四不两直 / 夜查 plans: the enterprise is never told"})
    campaign_id = fields.Integer(allow_none=True)
    visit_id = fields.Integer(allow_none=True, metadata={"description": "the visit recorded from it"})
    cancelled_at = LocalDateTime(allow_none=True)
    cancel_reason = fields.String(allow_none=True)


class PlanListSchema(Schema):
    items = fields.List(fields.Nested(PlanSchema))
    total = fields.Integer()


class PlanQuery(PageQuery):
    state = fields.String(load_default="upcoming", validate=validate.OneOf(list(inspection_plans.STATES)))
    kind = fields.String(validate=validate.OneOf(list(VISIT_KINDS)))
    campaign_id = fields.Integer(validate=validate.Range(min=1))


@api.get("/campaigns")
@token_required
def list_campaigns():
    args = query_args(CampaignQuery())
    rows = campaigns.listing(db.session, g.api_user, args.get("theme", ""), args.get("state", ""), args.get("q", ""))
    return CampaignListSchema().dump({"items": rows})


@api.get("/campaigns/<int:campaign_id>")
@token_required
def get_campaign(campaign_id):
    return CampaignDetailSchema().dump(campaigns.get(db.session, g.api_user, campaign_id))


@api.get("/inspection-plans")
@token_required
def list_inspection_plans():
    args = query_args(PlanQuery())
    rows, total = inspection_plans.listing(db.session, g.api_user, inspection_plans.PlanFilter(
        state=args["state"], kind=args.get("kind", ""), campaign_id=args.get("campaign_id"), limit=args["limit"],
        offset=args["offset"]))
    return PlanListSchema().dump({"items": rows, "total": total})


# endpoint -> (summary, tag, request body, query schema, responses), merged into openapi.OPERATIONS
OPERATIONS = {
    "list_campaigns": ("Special inspection campaigns (专项行动) with their progress, the latest period first (staff "
                       "roles; enterprise and township tokens 403)", "campaigns", None, CampaignQuery,
                       {"200": CampaignListSchema}),
    "get_campaign": ("One campaign with its progress, its 清单台账 (a row per target enterprise: visits, hazards, "
                     "rectified, open, overdue) and the targets not yet visited", "campaigns", None, None,
                     {"200": CampaignDetailSchema}),
    "list_inspection_plans": ("Inspection plans (排查计划) with their kind and campaign; enterprise tokens see their "
                              "own enterprise's announced plans only (四不两直 and 夜查 plans are never shown to them)",
                              "inspections", None, PlanQuery, {"200": PlanListSchema}),
}
