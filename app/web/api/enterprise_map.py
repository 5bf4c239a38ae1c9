"""The map of enterprises as GeoJSON (services/enterprise_map.py): `GET /map/enterprises?by=&township=&tag=`, the
enterprises the caller may see that have a position, with codes and figures (no names of categories, no links: those
are the page's). Enterprise staff get 403 (the layer is not theirs); a colour attribute the caller's role may not
read is 403; an unknown one, an unknown tag or an overlong township is 400 naming the field."""
from flask import g
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...models import ENTERPRISE_TAGS
from ...services import enterprise_map
from .. import enterprise_map as enterprise_map_page
from . import api
from .auth import token_required
from .helpers import query_args
from .schemas import QuerySchema


class EnterpriseMapQuery(QuerySchema):
    by = fields.String(validate=validate.OneOf(enterprise_map.COLOUR_BY), metadata={
        "description": "what the `category` of each point is: priority (band of the priority list: high / medium / "
                       "low / none), area_risk (its township's regional level), cooperation (A / B / C / none), "
                       "open_major (yes / no), hazard_sources (yes / no), tag (its first risk tag, or none); "
                       "default: the first the caller's role may use"})
    township = fields.String(validate=validate.Length(max=enterprise_map.MAX_TOWNSHIP))
    tag = fields.String(validate=validate.OneOf(list(ENTERPRISE_TAGS)), metadata={
        "description": "only enterprises with this risk tag"})


class EnterpriseGeoJsonSchema(Schema):
    type = fields.String(metadata={"enum": ["FeatureCollection"]})
    features = fields.List(fields.Dict(), metadata={
        "description": "Point features [lng, lat] (WGS-84); properties id, name, township, industry, address, tags, "
                       "category, open_cases, open_major, and where the caller may read them priority_band, "
                       "priority_reasons, area_level, cooperation_class (\"\" before the first score), "
                       "hazard_sources, has_hazard_sources, iot_devices"})
    by = fields.String(metadata={"enum": list(enterprise_map.COLOUR_BY)})
    legend = fields.List(fields.Dict(), metadata={"description": "[{code, count}] of `by`'s categories, in order"})
    matching = fields.Integer(metadata={"description": "enterprises matching the filters"})
    located = fields.Integer(metadata={"description": "of them with a position (the features)"})
    unlocated = fields.Integer(metadata={"description": "of them without one"})


@api.get("/map/enterprises")
@token_required
def enterprises_map():
    args = query_args(EnterpriseMapQuery())
    by = args.get("by") or enterprise_map.default_colour(g.api_user) or "open_major"
    layer = enterprise_map.layer(db.session, g.api_user, by, args.get("township", "").strip(), args.get("tag", ""))
    return enterprise_map_page.feature_collection(layer)
