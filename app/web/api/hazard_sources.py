"""An enterprise's major hazard sources (重大危险源登记, services/hazard_sources.py) in the API: each source with its
level, filing and assessment state (the due day computed), the three responsible people, its substances with the
simplified R, its linked IoT devices and their open alarms; and the enterprise's risk tags and the register's old text.
Read only. Another enterprise's staff, another area's township office: 404; roles without business here: 403."""
from flask import g
from marshmallow import Schema, fields

from ...extensions import db
from ...models import ENTERPRISE_TAGS, REVIEW_STATUSES, SOURCE_LEVELS
from ...services import hazard_source_states as states, hazard_sources as sources
from . import api
from .auth import token_required
from .helpers import query_args
from .schemas import LocalDateTime


class PersonSchema(Schema):
    name = fields.String()
    phone = fields.String()


class SubstanceSchema(Schema):
    name = fields.String()
    quantity = fields.Float(metadata={"description": "存在量, tonnes"})
    critical_quantity = fields.Float(metadata={"description": "临界量 (GB 18218-2018), tonnes"})


class SourceAlarmSchema(Schema):
    id = fields.Integer()
    device_code = fields.Function(lambda a: a.device.code, metadata={"type": "string"})
    kind = fields.String()
    level = fields.String()
    parameter = fields.String(allow_none=True)
    opened_at = LocalDateTime()


class SourceDeviceSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    place = fields.String()


class HazardSourceSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    unit = fields.String()
    level = fields.Integer(metadata={"enum": list(SOURCE_LEVELS), "description": "1 一级 … 4 四级"})
    filing_number = fields.String(metadata={"description": "备案编号; empty when not filed"})
    filed_on = fields.Date(allow_none=True)
    filing_state = fields.Function(lambda r: states.filing_state(r), metadata={
        "type": ["string", "null"], "description": "missing, refile (filed before the latest assessment or that "
                                                   "assessment lapsed), valid; null when retired"})
    assessed_on = fields.Date(allow_none=True)
    assessment_due_on = fields.Date(allow_none=True, metadata={"description": "assessed_on + 3 years − 1 day"})
    assessment_state = fields.Function(lambda r: states.assessment_state(r), metadata={
        "type": ["string", "null"], "description": "missing, lapsed, due (within 60 days), valid; null when retired"})
    responsible = fields.Function(lambda r: {role: {"name": getattr(r, f"{role}_name"),
                                                    "phone": getattr(r, f"{role}_phone")}
                                             for role in ("principal", "technical", "operator")}, metadata={
        "type": "object", "description": "包保责任人: principal, technical, operator, each {name, phone}"})
    substances = fields.List(fields.Nested(SubstanceSchema))
    r_value = fields.Float(allow_none=True, metadata={
        "description": "Σ q/Q with β = α = 1 (a simplification of GB 18218's R); null without substances"})
    distance_checked = fields.Boolean()
    distance_note = fields.String()
    note = fields.String()
    devices = fields.List(fields.Nested(SourceDeviceSchema))
    open_alarms = fields.List(fields.Nested(SourceAlarmSchema), metadata={"description": "open alarms of its devices"})
    status = fields.String(metadata={"enum": list(REVIEW_STATUSES)})
    review_note = fields.String()
    retired = fields.Boolean(attribute="is_retired")
    retired_at = LocalDateTime(allow_none=True)
    retire_reason = fields.String()
    created_at = LocalDateTime()
    updated_at = LocalDateTime()
    version = fields.Integer()


class HazardSourceListSchema(Schema):
    enterprise_id = fields.Integer()
    tags = fields.List(fields.String(), metadata={"description": "the enterprise's risk tags: " +
                                                                ", ".join(ENTERPRISE_TAGS)})
    register_text = fields.String(metadata={"description": "the register's old free text (登记簿原文)"})
    items = fields.List(fields.Nested(HazardSourceSchema))


class HazardSourceQuery(Schema):
    retired = fields.Boolean(load_default=False, metadata={"description": "the retired (核销) sources instead"})


@api.get("/enterprises/<int:enterprise_id>/hazard-sources")
@token_required
def enterprise_hazard_sources(enterprise_id):
    args = query_args(HazardSourceQuery())
    enterprise = sources.get_enterprise(db.session, g.api_user, enterprise_id)
    rows = sources.sources_of(db.session, enterprise.id, retired=args["retired"])
    alarms = states.open_alarms(db.session, [r.id for r in rows])
    for row in rows:
        row.open_alarms = alarms.get(row.id, [])  # read by the schema; not a column
    return HazardSourceListSchema().dump({"enterprise_id": enterprise.id, "tags": enterprise.tags,
                        "register_text": enterprise.major_hazard_sources, "items": rows})


OPERATIONS = {
    "enterprise_hazard_sources": ("An enterprise's major hazard sources (重大危险源登记): level, filing and assessment "
                                  "state, responsible people, substances with the simplified R, linked devices and "
                                  "their open alarms; with the enterprise's risk tags. 404 for another enterprise's "
                                  "staff or another area's township office, 403 for roles without business here",
                                  "hazard-sources", None, HazardSourceQuery, {"200": HazardSourceListSchema}),
}
