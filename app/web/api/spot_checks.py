"""双随机一公开 in the API: the published spot-check results for anyone (no token: they are public), and the bureau's
publication and withdrawal of a draw's results."""
from flask import g
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...models import CHECK_CONCLUSIONS, GRADES
from ...services import spot_check_results
from ...services.uow import UnitOfWork
from . import api
from .auth import token_required
from .helpers import json_body, query_args
from .schemas import LocalDateTime


class PublicResultSchema(Schema):
    enterprise = fields.String()
    credit_code = fields.String(metadata={"description": "统一社会信用代码"})
    township = fields.String()
    hazard_type = fields.String()
    grade = fields.String(metadata={"enum": list(GRADES)})
    checked_at = LocalDateTime(allow_none=True)
    progress_percent = fields.Integer(allow_none=True)
    conclusion = fields.String(allow_none=True, metadata={"enum": list(CHECK_CONCLUSIONS)})


class PublicDrawSchema(Schema):
    id = fields.Integer()
    drawn_at = LocalDateTime()
    published_at = LocalDateTime()
    population = fields.Integer(metadata={"description": "cases under rectification drawn from"})
    drawn = fields.Integer()
    seed = fields.String(metadata={"description": "reproduces the draw from the same population and count"})


class PublicDrawDetailSchema(PublicDrawSchema):
    results = fields.List(fields.Nested(PublicResultSchema))


class PublicDrawListSchema(Schema):
    items = fields.List(fields.Nested(PublicDrawSchema))
    total = fields.Integer()
    page = fields.Integer()


class PageQuerySchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(1, 100000))


class DrawStateSchema(Schema):
    id = fields.Integer()
    published_at = LocalDateTime(allow_none=True)
    withdrawn_at = LocalDateTime(allow_none=True)
    withdrawn_reason = fields.String(allow_none=True)


class WithdrawRequestSchema(Schema):
    reason = fields.String(required=True, metadata={"description": f"at most {spot_check_results.REASON_MAX} characters"})


@api.get("/public/spot-checks")
def public_spot_checks():
    page = query_args(PageQuerySchema())["page"]
    rows, total = spot_check_results.published(db.session, page)
    return PublicDrawListSchema().dump({"items": [spot_check_results.public_summary(d) for d in rows],
                                        "total": total, "page": page})


@api.get("/public/spot-checks/<int:draw_id>")
def public_spot_check(draw_id):
    draw = spot_check_results.published_draw(db.session, draw_id)  # 404 unless published
    results = [r.public() for r in spot_check_results.results(db.session, draw)]
    return PublicDrawDetailSchema().dump(dict(spot_check_results.public_summary(draw), results=results))


@api.post("/site-check-draws/<int:draw_id>/publish")
@token_required
def publish_spot_check_results(draw_id):
    with UnitOfWork() as uow:
        draw = spot_check_results.publish(uow, g.api_user, draw_id)
        uow.commit()
        return DrawStateSchema().dump(draw)


@api.post("/site-check-draws/<int:draw_id>/withdraw")
@token_required
def withdraw_spot_check_results(draw_id):
    body = json_body(WithdrawRequestSchema())
    with UnitOfWork() as uow:
        draw = spot_check_results.withdraw(uow, g.api_user, draw_id, body["reason"])
        uow.commit()
        return DrawStateSchema().dump(draw)
