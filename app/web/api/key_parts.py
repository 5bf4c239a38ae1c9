"""Key parts under tag management and their electronic patrol cards in the API (重点部位挂牌, 电子巡检卡;
services/key_parts.py, patrol_cards.py): an enterprise's tags (list, tag a part), filling a part's card, and a
visit's parts with their cards (未巡检: `card` null). Another enterprise's staff, another area's township office: 404;
roles without business here: 403; read-only roles: 403 on writes."""
from flask import g, url_for
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...models import CARD_KINDS, KEY_PART_KINDS, PATROL_RESULTS
from ...services import inspections, key_parts, patrol_card_files, patrol_cards
from ...services.uow import UnitOfWork
from . import api
from .auth import token_required
from .helpers import json_body, query_args
from .schemas import LocalDateTime


class KeyPartSchema(Schema):
    id = fields.Integer()
    enterprise_id = fields.Integer()
    name = fields.String()
    kind = fields.String(metadata={"enum": list(KEY_PART_KINDS)})
    location = fields.String()
    responsible_name = fields.String()
    responsible_phone = fields.String()
    responsible_user_id = fields.Integer(allow_none=True)
    risk_point_id = fields.Integer(allow_none=True)
    check_items = fields.List(fields.String())
    retired = fields.Boolean(attribute="is_retired")
    retired_at = LocalDateTime(allow_none=True)
    retire_reason = fields.String()
    created_at = LocalDateTime()
    updated_at = LocalDateTime()
    card_url = fields.Method("_card_url", metadata={"description": "the patrol card page the tag's QR code opens"})

    def _card_url(self, part):
        return url_for("patrol_cards.fill", part_id=part.id, scan=1, _external=True)


class KeyPartListSchema(Schema):
    enterprise_id = fields.Integer()
    items = fields.List(fields.Nested(KeyPartSchema))


class KeyPartQuery(Schema):
    retired = fields.Boolean(load_default=False, metadata={"description": "the tags taken down instead"})


class KeyPartInputSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(max=100))
    kind = fields.String(required=True, validate=validate.OneOf(list(KEY_PART_KINDS)))
    location = fields.String(required=True, validate=validate.Length(max=200))
    responsible_name = fields.String(required=True, validate=validate.Length(max=64))
    responsible_phone = fields.String(required=True, validate=validate.Length(max=32))
    responsible_user_id = fields.Integer(allow_none=True, load_default=None)
    risk_point_id = fields.Integer(allow_none=True, load_default=None)
    check_items = fields.List(fields.String(validate=validate.Length(max=200)), load_default=list,
                              metadata={"description": "the card's items in order; empty: the kind's defaults"})


class CardItemSchema(Schema):
    id = fields.Integer()
    position = fields.Integer()
    content = fields.String()
    result = fields.String(metadata={"enum": list(PATROL_RESULTS)})
    note = fields.String()
    case_id = fields.Integer(allow_none=True, metadata={"description": "the hazard registered from an 异常 item"})


class PhotoSchema(Schema):
    public_id = fields.String(metadata={"description": "GET /api/v1/attachments/{public_id}"})
    original_name = fields.String()


class PatrolCardSchema(Schema):
    id = fields.Integer()
    key_part_id = fields.Integer()
    enterprise_id = fields.Integer()
    kind = fields.String(metadata={"enum": list(CARD_KINDS)})
    visit_id = fields.Integer(allow_none=True)
    note = fields.String()
    abnormal_count = fields.Integer()
    scanned = fields.Boolean()
    filled_by = fields.String(attribute="filled_by.display_name")
    filled_at = LocalDateTime()
    items = fields.List(fields.Nested(CardItemSchema))
    photos = fields.Method("_photos")

    def _photos(self, card):
        return PhotoSchema(many=True).dump(patrol_card_files.photos_of(db.session, card))


class CardEntrySchema(Schema):
    position = fields.Integer(required=True, metadata={"description": "the tag's item, from 1"})
    result = fields.String(required=True, validate=validate.OneOf(list(PATROL_RESULTS)))
    note = fields.String(load_default="", validate=validate.Length(max=1000))


class PatrolCardInputSchema(Schema):
    visit_id = fields.Integer(allow_none=True, load_default=None,
                              metadata={"description": "required for the inspection team; none for a daily patrol"})
    items = fields.List(fields.Nested(CardEntrySchema), required=True)
    note = fields.String(load_default="", validate=validate.Length(max=1000))
    photos = fields.List(fields.String(), load_default=list,
                         metadata={"description": "public ids of the filler's own image uploads"})
    scanned = fields.Boolean(load_default=False, metadata={"description": "opened by scanning the tag's QR code"})


class VisitPartSchema(Schema):
    key_part = fields.Nested(KeyPartSchema)
    card = fields.Nested(PatrolCardSchema, allow_none=True, metadata={"description": "null: 未巡检"})


class VisitCardsSchema(Schema):
    visit_id = fields.Integer()
    due = fields.Integer(metadata={"description": "key parts due a card at the visit"})
    missing = fields.Integer(metadata={"description": "of which without a card (未巡检)"})
    parts = fields.List(fields.Nested(VisitPartSchema))


@api.get("/enterprises/<int:enterprise_id>/key-parts")
@token_required
def enterprise_key_parts(enterprise_id):
    args = query_args(KeyPartQuery())
    enterprise = key_parts.get_enterprise(db.session, g.api_user, enterprise_id)
    return KeyPartListSchema().dump({"enterprise_id": enterprise.id, "items": key_parts.parts_of(
        db.session, enterprise.id, retired=args["retired"])})


@api.post("/enterprises/<int:enterprise_id>/key-parts")
@token_required
def tag_key_part(enterprise_id):
    key_parts.check_writer(db.session, g.api_user, enterprise_id)  # 403 / 404 before the body is looked at
    body = json_body(KeyPartInputSchema())
    with UnitOfWork() as uow:
        part = key_parts.create(uow, g.api_user, enterprise_id, body)
        uow.commit()
        return KeyPartSchema().dump(part), 201


@api.post("/key-parts/<int:part_id>/cards")
@token_required
def fill_patrol_card(part_id):
    part = key_parts.get(db.session, g.api_user, part_id)  # 403 / 404 before the body is looked at
    body = json_body(PatrolCardInputSchema())
    with UnitOfWork() as uow:
        card = patrol_cards.fill(uow, g.api_user, part.id, body["items"], body["note"], body["visit_id"],
                                 body["scanned"])
        patrol_card_files.attach(uow, g.api_user, card, body["photos"])
        uow.commit()
        return PatrolCardSchema().dump(card), 201


@api.get("/inspections/<int:visit_id>/patrol-cards")
@token_required
def visit_patrol_cards(visit_id):
    visit = inspections.get_visible_visit(db.session, g.api_user, visit_id)
    rows = patrol_cards.due_at_visit(db.session, visit)
    return VisitCardsSchema().dump({"visit_id": visit.id, "due": len(rows),
                                    "missing": sum(1 for _part, card in rows if card is None),
                                    "parts": [{"key_part": part, "card": card} for part, card in rows]})


OPERATIONS = {
    "enterprise_key_parts": ("An enterprise's tagged key parts (重点部位挂牌): name, kind, location, the responsible "
                             "person, the card's items and the URL the tag's QR code opens. 404 for another "
                             "enterprise's staff or another area's township office, 403 for roles without business "
                             "here", "key-parts", None, KeyPartQuery, {"200": KeyPartListSchema}),
    "tag_key_part": ("Tag a key part (挂牌; the enterprise's own staff only: 403 for other roles). Empty check_items: "
                     "the kind's default items. 400 with each wrong field", "key-parts", KeyPartInputSchema, None,
                     {"201": KeyPartSchema}),
    "fill_patrol_card": ("Fill a key part's electronic patrol card (电子巡检卡): every item of the tag 正常 / 异常 (an 异常 "
                         "one with a note); the inspection team at a visit (visit_id, its report still a draft or "
                         "returned: else 409; once per part and visit: else 409), the enterprise's staff as a daily "
                         "patrol (no visit_id). Read-only roles 403; 400 with each wrong field", "key-parts",
                         PatrolCardInputSchema, None, {"201": PatrolCardSchema}),
    "visit_patrol_cards": ("A visit's key parts due a card (tagged by the visit's day) with their card, null where "
                           "none was filled (未巡检)", "key-parts", None, None, {"200": VisitCardsSchema}),
}
