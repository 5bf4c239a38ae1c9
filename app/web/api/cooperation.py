"""The monthly cooperation scores (企业配合情况综合评分, services/cooperation.py): `GET /cooperation?month=YYYY-MM`
(default: the latest scored month): every enterprise's row for the oversight roles, only their own enterprise's for
enterprise staff; others 403."""
from flask import g
from marshmallow import Schema, ValidationError, fields, validate, validates

from ...extensions import db
from ...models import COOPERATION_CLASSES
from ...errors import ValidationFailed
from ...services import cooperation
from . import api
from .auth import token_required
from .helpers import query_args
from .schemas import LocalDateTime, QuerySchema


class CooperationQuery(QuerySchema):
    month = fields.String(metadata={"description": "YYYY-MM; default: the latest month scored"})

    @validates("month")
    def _month(self, value, **kwargs):
        try:
            cooperation.parse_month(value)
        except ValidationFailed as exc:
            raise ValidationError(exc.message) from None


class CooperationScoreSchema(Schema):
    enterprise_id = fields.Integer()
    enterprise = fields.String(metadata={"description": "the enterprise's name"})
    township = fields.String()
    month = fields.String(metadata={"description": "YYYY-MM"})
    score = fields.Float(metadata={"description": "0-100: profile + feedback + rectification"})
    cooperation_class = fields.String(validate=validate.OneOf(list(COOPERATION_CLASSES)), metadata={
        "description": "A from 85, B from 60 (the pass mark), C below"})
    rank = fields.Integer(metadata={"description": "1 the best; equal scores share a rank"})
    profile_score = fields.Float(metadata={"description": "资料完整性, of 20"})
    feedback_score = fields.Float(metadata={"description": "反馈及时性, of 30"})
    rectification_score = fields.Float(metadata={"description": "整改落实情况, of 50"})
    factors = fields.Dict(metadata={"description": "each factor's points, maximum and the counts it was scored from"})
    special_supervision = fields.Boolean(metadata={"description": "class C this month and the month before (专项督导)"})
    computed_at = LocalDateTime()


class CooperationListSchema(Schema):
    month = fields.String(allow_none=True, metadata={"description": "YYYY-MM; null when no month is scored yet"})
    enterprises = fields.Integer(metadata={"description": "enterprises scored that month (M of 第 N / M 名)"})
    items = fields.List(fields.Nested(CooperationScoreSchema), metadata={
        "description": "by rank: every enterprise for the oversight roles, the caller's own for enterprise staff"})


@api.get("/cooperation")
@token_required
def cooperation_scores():
    args = query_args(CooperationQuery())
    month = cooperation.parse_month(args["month"]) if args.get("month") else None
    month, rows, total, flagged = cooperation.visible_scores(db.session, g.api_user, month)
    items = [dict({name: getattr(row, name) for name in (
        "enterprise_id", "score", "cooperation_class", "rank", "profile_score", "feedback_score",
        "rectification_score", "factors", "computed_at")}, enterprise=row.enterprise.name,
        township=row.enterprise.township, month=row.month.strftime("%Y-%m"),
        special_supervision=row.enterprise_id in flagged) for row in rows]
    return CooperationListSchema().dump({"month": month.strftime("%Y-%m") if month else None, "enterprises": total,
                                         "items": items})
