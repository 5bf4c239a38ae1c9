"""GET /api/v1/supplies: the emergency supplies stock (应急物资储备) read-only — one item per kind at each storage point
with its quantity, what of it has expired, the next expiry, the minimum level and whether the point is below it (the
资源调配表's rows), and the batches expired or expiring within 30 days. For the roles that work across the county;
enterprise, township and department tokens get 403 (services/supplies.py)."""
from flask import g
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...models import SUPPLY_CATEGORIES
from ...services import supplies, supply_expiry, supply_stock
from . import api
from .auth import token_required
from .helpers import query_args


class SupplyPointSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    place = fields.String()
    keeper = fields.Function(lambda p: p.keeper.display_name, metadata={"description": "责任人"})
    keeper_username = fields.Function(lambda p: p.keeper.username)
    phone = fields.String()
    active = fields.Boolean()


class SupplyKindSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    category = fields.String(metadata={"enum": list(SUPPLY_CATEGORIES)})
    unit = fields.String()
    shelf_life_months = fields.Integer(allow_none=True)


class SupplyLineSchema(Schema):
    point = fields.Nested(SupplyPointSchema)
    kind = fields.Nested(SupplyKindSchema)
    quantity = fields.Integer(metadata={"description": "on hand, expired items included"})
    expired = fields.Integer(metadata={"description": "of the quantity, past its expiry date"})
    usable = fields.Integer()
    next_expiry = fields.Date(allow_none=True, metadata={"description": "the earliest expiry of the usable batches"})
    minimum = fields.Integer(allow_none=True)
    below_minimum = fields.Boolean(metadata={"description": "usable < minimum"})


class SupplyBatchSchema(Schema):
    id = fields.Integer()
    point_id = fields.Integer()
    kind_id = fields.Integer()
    batch_no = fields.String()
    expires_on = fields.Date(metadata={"description": "valid through this day"})
    quantity = fields.Integer()
    expired = fields.Boolean()


class SupplyListSchema(Schema):
    items = fields.List(fields.Nested(SupplyLineSchema))
    expiring = fields.List(fields.Nested(SupplyBatchSchema),
                           metadata={"description": "batches holding something, expired or expiring within 30 days"})


class SupplyQuery(Schema):
    category = fields.String(validate=validate.OneOf(list(SUPPLY_CATEGORIES)))
    point_id = fields.Integer(validate=validate.Range(min=1, max=2 ** 31 - 1))
    below_minimum = fields.Boolean()


@api.get("/supplies")
@token_required
def list_supplies():
    supplies.check_may_read(g.api_user)
    args = query_args(SupplyQuery())
    lines = supply_stock.stock(db.session, args.get("category", ""), args.get("point_id"))
    if "below_minimum" in args:
        lines = [s for s in lines if s.below_minimum == args["below_minimum"]]
    today = supply_stock.today()
    expiring = [{**SupplyBatchSchema().dump(b), "quantity": n, "expired": supply_stock.expired(b, today)}
                for b, n in supply_stock.expiring(db.session, supply_expiry.WARN_DAYS)]
    return {"items": SupplyLineSchema(many=True).dump(lines), "expiring": expiring}


OPERATIONS = {
    "list_supplies": ("The emergency supplies stock (应急物资储备, 资源调配表): one item per kind at each storage point "
                      "with quantity, expired part, next expiry and minimum; `category`, `point_id`, `below_minimum` "
                      "filter the items; `expiring` lists the batches expired or expiring within 30 days. 403 for "
                      "enterprise, township and department tokens", "resources", None, SupplyQuery,
                      {"200": SupplyListSchema}),
}
