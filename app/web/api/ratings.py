"""Rating an inspection visit (满意度评价, services/visit_ratings.py):
`POST /inspections/<visit_id>/rating {service_quality, professional_level, communication, response_speed, comment?,
anonymous?}` (the visited enterprise's staff, once, from the visit's day up to 30 days after) and
`GET /inspections/<visit_id>/ratings` (all for the inspection team and oversight roles, their own for the staff)."""
from flask import g
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...models import RATING_DIMENSIONS
from ...models.rating import HIGHEST_SCORE, LOWEST_SCORE
from ...services import inspections, visit_ratings
from ...services.uow import UnitOfWork
from . import api
from .auth import token_required
from .helpers import json_body
from .schemas import LocalDateTime


def _score(name, **kw):
    zh = RATING_DIMENSIONS[name][0]
    return fields.Integer(strict=True, validate=validate.Range(LOWEST_SCORE, HIGHEST_SCORE),
                          metadata={"description": f"{zh}: 1 (very dissatisfied) to 5 (very satisfied)"}, **kw)


class RatingRequestSchema(Schema):
    service_quality = _score("service_quality", required=True)
    professional_level = _score("professional_level", required=True)
    communication = _score("communication", required=True)
    response_speed = _score("response_speed", required=True)
    comment = fields.String(load_default="", validate=validate.Length(max=visit_ratings.MAX_COMMENT))
    anonymous = fields.Boolean(load_default=False, metadata={
        "description": "the rater is then named nowhere: not in the API, the pages, the files or the audit log"})


class RatingSchema(Schema):
    id = fields.Integer()
    visit_id = fields.Integer()
    enterprise_id = fields.Integer()
    service_quality = _score("service_quality")
    professional_level = _score("professional_level")
    communication = _score("communication")
    response_speed = _score("response_speed")
    overall = fields.Float(metadata={"description": "the mean of the four scores, to one decimal"})
    comment = fields.String()
    anonymous = fields.Boolean()
    rater = fields.Function(lambda r: r.shown_rater.username if r.shown_rater else None, allow_none=True,
                            metadata={"type": "string", "description": "username; null for an anonymous rating"})
    created_at = LocalDateTime()


class RatingListSchema(Schema):
    visit_id = fields.Integer()
    open_until = fields.Date(metadata={"description": "the last day the visit may be rated (30 days after it)"})
    may_rate = fields.Boolean(metadata={"description": "the caller may rate the visit now"})
    items = fields.List(fields.Nested(RatingSchema), metadata={
        "description": "newest first: all of the visit's for the inspection team and oversight roles, the caller's "
                       "own for the visited enterprise's staff"})


@api.post("/inspections/<int:visit_id>/rating")
@token_required
def rate_visit(visit_id):
    visit = inspections.get_visible_visit(db.session, g.api_user, visit_id)  # 404 for another enterprise's staff
    visit_ratings.check_may_rate(g.api_user, visit)  # 403 for the others, before the body is read
    body = json_body(RatingRequestSchema())
    with UnitOfWork() as uow:
        row = visit_ratings.rate(uow, g.api_user, visit.id, {name: body[name] for name in RATING_DIMENSIONS},
                                 body["comment"], body["anonymous"])
        uow.commit()
        return RatingSchema().dump(row), 201


@api.get("/inspections/<int:visit_id>/ratings")
@token_required
def visit_ratings_list(visit_id):
    visit = inspections.get_visible_visit(db.session, g.api_user, visit_id)  # 404 for another enterprise's staff
    card = visit_ratings.card(db.session, g.api_user, visit)
    if card is None:
        visit_ratings.check_may_rate(g.api_user, visit)  # 403: neither rates nor reads ratings
    return RatingListSchema().dump({"visit_id": visit.id, "open_until": card.last_day, "may_rate": card.may_rate,
                                    "items": card.ratings})
