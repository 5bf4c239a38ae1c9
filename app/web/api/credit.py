"""The annual credit evaluation (企业信用评价, services/credit.py): `GET /credit?year=YYYY` (default: the current year;
optional grade, township, industry) — every enterprise for the bureau, managers, project leads, quality supervisors
and admins, the area's for township offices, the caller's own for enterprise staff; others 403."""
from flask import g
from marshmallow import Schema, ValidationError, fields, validate, validates

from ...errors import ValidationFailed
from ...extensions import db
from ...services import credit, credit_years
from . import api
from .auth import token_required
from .helpers import query_args
from .schemas import LocalDateTime, QuerySchema


class CreditQuery(QuerySchema):
    year = fields.String(metadata={"description": "YYYY, 2000 to the current year; default: the current year"})
    grade = fields.String(validate=validate.OneOf(list(credit.GRADES)))
    township = fields.String(validate=validate.Length(max=100))
    industry = fields.String(validate=validate.Length(max=100))

    @validates("year")
    def _year(self, value, **kwargs):
        try:
            credit.parse_year(value)
        except ValidationFailed as exc:
            raise ValidationError(exc.message) from None


class CreditRecordSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "enforcement_referral, interview, enforcement_penalty"})
    points = fields.Integer(metadata={"description": "negative: a deduction"})
    created_at = LocalDateTime()
    case_id = fields.Integer(allow_none=True)
    note = fields.String()


class CreditEvaluationSchema(Schema):
    enterprise_id = fields.Integer()
    enterprise = fields.String(metadata={"description": "the enterprise's name"})
    township = fields.String()
    industry = fields.String()
    score = fields.Float(metadata={"description": "0-100: 100 − deductions + additions + cooperation_points"})
    grade = fields.String(validate=validate.OneOf(list(credit.GRADES)), metadata={
        "description": "A from 90, B from 75, C from 60, D below"})
    deductions = fields.Integer()
    additions = fields.Integer()
    cooperation_average = fields.Float(allow_none=True, metadata={
        "description": "the year's monthly cooperation scores averaged; null: no month scored"})
    cooperation_months = fields.Integer()
    cooperation_points = fields.Float(metadata={"description": "0.25 × (cooperation_average − 60); 0 without"})
    months = fields.Dict(metadata={"description": "{YYYY-MM: the month's cooperation score}"})
    records = fields.List(fields.Nested(CreditRecordSchema), metadata={"description": "the year's credit records"})
    award_place = fields.Integer(allow_none=True, metadata={"description": "最佳配合企业: its place, once confirmed"})


class CreditListSchema(Schema):
    year = fields.Integer()
    confirmed = fields.Boolean(metadata={"description": "the bureau confirmed the year: the grades are frozen"})
    confirmed_at = LocalDateTime(allow_none=True)
    items = fields.List(fields.Nested(CreditEvaluationSchema), metadata={"description": "the best score first"})


@api.get("/credit")
@token_required
def credit_evaluations():
    args = query_args(CreditQuery())
    year = credit.parse_year(args.get("year"))
    flt = credit_years.year_filter(args.get("grade"), args.get("township"), args.get("industry"))
    confirmed, rows = credit_years.listing(db.session, g.api_user, year, flt)
    items = [dict({name: getattr(row, name) for name in (
        "score", "grade", "deductions", "additions", "cooperation_average", "cooperation_months",
        "cooperation_points", "months", "records", "award_place")}, enterprise_id=row.enterprise.id,
        enterprise=row.enterprise.name, township=row.enterprise.township, industry=row.enterprise.industry)
        for row in rows]
    return CreditListSchema().dump({"year": year, "confirmed": confirmed is not None,
                                    "confirmed_at": confirmed.confirmed_at if confirmed else None, "items": items})
