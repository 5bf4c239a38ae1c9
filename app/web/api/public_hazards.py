"""隐患整改公众查询 in the API: the public cases for anyone (no token), and the bureau opening a case to the public or
withdrawing it."""
from flask import g
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...models import GRADES
from ...services import public_hazards
from ...services.uow import UnitOfWork
from . import api
from .auth import token_required
from .helpers import json_body, query_args
from .schemas import LocalDateTime


class PublicHazardSchema(Schema):
    code = fields.String()
    title = fields.String(metadata={"description": "the public title the bureau gave it"})
    enterprise = fields.String()
    township = fields.String()
    hazard_type = fields.String()
    grade = fields.String(metadata={"enum": list(GRADES)})
    stage = fields.String(metadata={"enum": sorted(set(public_hazards.PUBLIC_STAGES.values()))})
    round = fields.Integer()
    registered_at = LocalDateTime()
    rectification_due = LocalDateTime(allow_none=True)
    overdue = fields.Boolean()
    closed_at = LocalDateTime(allow_none=True)
    published_at = LocalDateTime()
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)


class PublicHazardListSchema(Schema):
    items = fields.List(fields.Nested(PublicHazardSchema))
    total = fields.Integer()
    page = fields.Integer()


class PublicHazardQuery(Schema):
    q = fields.String(load_default="", validate=validate.Length(max=100),
                      metadata={"description": "matches the title, enterprise, township or code"})
    stage = fields.String(load_default="", validate=validate.OneOf(["", "open", "closed"]))
    page = fields.Integer(load_default=1, validate=validate.Range(1, 100000))


class PublicationRequestSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(public_hazards.TITLE_MIN, public_hazards.TITLE_MAX))


class PublicationSchema(Schema):
    case_id = fields.Integer()
    title = fields.String()
    published_at = LocalDateTime()


class WithdrawalRequestSchema(Schema):
    reason = fields.String(required=True, metadata={"description": f"at most {public_hazards.REASON_MAX} characters"})


@api.get("/public/hazards")
def public_hazards_list():
    args = query_args(PublicHazardQuery())
    rows, total = public_hazards.search(db.session, args["q"], args["stage"], args["page"])
    return PublicHazardListSchema().dump({"items": [r.facts() for r in rows], "total": total, "page": args["page"]})


@api.get("/public/hazards/<code>")
def public_hazard(code):
    return PublicHazardSchema().dump(public_hazards.by_code(db.session, code).facts())


@api.post("/hazards/<int:case_id>/publication")
@token_required
def publish_hazard(case_id):
    body = json_body(PublicationRequestSchema())
    with UnitOfWork() as uow:
        row = public_hazards.publish(uow, g.api_user, case_id, body["title"])
        uow.commit()
        return PublicationSchema().dump(row), 201


@api.post("/hazards/<int:case_id>/publication/withdraw")
@token_required
def withdraw_hazard_publication(case_id):
    body = json_body(WithdrawalRequestSchema())
    with UnitOfWork() as uow:
        public_hazards.withdraw(uow, g.api_user, case_id, body["reason"])
        uow.commit()
    return {"case_id": case_id, "public": False}
