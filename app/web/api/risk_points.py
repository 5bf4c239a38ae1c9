"""An enterprise's risk register (风险分级管控清单, services/risk_points.py) in the API: its points with their
assessment, colour, measures, control and review state and their place on the site plan, the count per colour and
the plan's file. Read only. Another enterprise's staff, another area's township office: 404; roles without business
here: 403."""
from flask import g
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...models import (ACCIDENT_TYPES, CHECK_FREQUENCIES, CONTROL_LEVELS, KEY_LINKS, POINT_KINDS,
                       POINT_REVIEW_STATUSES, RISK_COLOURS, UNIT_KINDS)
from ...services import risk_map, risk_points as points
from . import api
from .auth import token_required
from .helpers import query_args
from .schemas import LocalDateTime


class RiskPointSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    unit_kind = fields.String(metadata={"enum": list(UNIT_KINDS)})
    place = fields.String()
    kind = fields.String(metadata={"enum": list(POINT_KINDS)})
    key_links = fields.List(fields.String(metadata={"enum": list(KEY_LINKS)}))
    accident_types = fields.List(fields.String(metadata={"enum": list(ACCIDENT_TYPES)}))
    hazard_description = fields.String()
    likelihood = fields.Integer(metadata={"description": "L, 1–5"})
    severity = fields.Integer(metadata={"description": "S, 1–5"})
    score = fields.Integer(metadata={"description": "R = L × S"})
    forced_major = fields.Boolean(metadata={"description": "直接判定为重大风险: red whatever R is"})
    colour = fields.String(metadata={"enum": list(RISK_COLOURS), "description": "R 20–25 red, 15–16 orange, "
                                     "9–12 yellow, 1–8 blue"})
    engineering_measures = fields.String()
    management_measures = fields.String()
    ppe_measures = fields.String()
    emergency_measures = fields.String()
    operating_rules = fields.String()
    responsible_person = fields.String()
    control_level = fields.String(metadata={"enum": list(CONTROL_LEVELS)})
    check_frequency = fields.String(metadata={"enum": list(CHECK_FREQUENCIES)})
    map_x = fields.Float(allow_none=True, metadata={"description": "place on the site plan: 0–1 of its width"})
    map_y = fields.Float(allow_none=True, metadata={"description": "0–1 of its height, from the top"})
    status = fields.String(metadata={"enum": list(POINT_REVIEW_STATUSES)})
    review_note = fields.String()
    reviewed_at = LocalDateTime(allow_none=True)
    retired = fields.Boolean(attribute="is_retired")
    retired_at = LocalDateTime(allow_none=True)
    retire_reason = fields.String()
    created_at = LocalDateTime()
    updated_at = LocalDateTime()
    version = fields.Integer()


class SitePlanSchema(Schema):
    public_id = fields.String(metadata={"description": "GET /api/v1/attachments/{public_id}"})
    original_name = fields.String()
    content_type = fields.String()
    created_at = LocalDateTime()


class RiskPointListSchema(Schema):
    enterprise_id = fields.Integer()
    items = fields.List(fields.Nested(RiskPointSchema))
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(),
                         metadata={"description": "active points per colour"})
    site_plan = fields.Nested(SitePlanSchema, allow_none=True)


class RiskPointQuery(Schema):
    colour = fields.String(validate=validate.OneOf(list(RISK_COLOURS)))
    retired = fields.Boolean(load_default=False, metadata={"description": "the retired points instead"})


@api.get("/enterprises/<int:enterprise_id>/risk-points")
@token_required
def enterprise_risk_points(enterprise_id):
    args = query_args(RiskPointQuery())
    enterprise = points.get_enterprise(db.session, g.api_user, enterprise_id)
    active = points.points_of(db.session, enterprise.id)
    rows = points.points_of(db.session, enterprise.id, retired=True) if args["retired"] else active
    if args.get("colour"):
        rows = [r for r in rows if r.colour == args["colour"]]
    return RiskPointListSchema().dump({"enterprise_id": enterprise.id, "items": rows,
                                       "counts": points.colour_counts(active),
                                       "site_plan": risk_map.current_plan(db.session, enterprise.id)})


OPERATIONS = {
    "enterprise_risk_points": ("An enterprise's risk register (风险分级管控清单): its risk points, worst first, with "
                               "the LS assessment, colour, control measures, responsible level and person, check "
                               "frequency, review state and place on the site plan; the count per colour and the "
                               "site plan's file. 404 for another enterprise's staff or another area's township "
                               "office, 403 for roles without business here", "risk-points", None, RiskPointQuery,
                               {"200": RiskPointListSchema}),
}
