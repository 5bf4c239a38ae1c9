"""The statistics' analyses as JSON, for the statistics' readers (a township office: its own area): the month's
rectification-rate ranking `GET /statistics/rankings?month=YYYY-MM&by=township|industry|enterprise&township=`
(services/rankings.py) and the recurring hazard types `GET /statistics/recurrence?from=&to=&township=&enterprise_id=
&hazard_type=&limit=&offset=` (services/recurrence.py). Enterprise tokens and other roles get 403, another area 404,
a wrong parameter 400 with the field named."""
from flask import g
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ...extensions import db
from ...services import rankings, recurrence, reports
from . import api
from .auth import token_required
from .helpers import query_args
from .schemas import QuerySchema


class RankingQuery(QuerySchema):
    month = fields.String(validate=validate.Length(max=10), metadata={
        "description": "YYYY-MM, a month that has begun; default: this month (counted up to today)"})
    by = fields.String(load_default="township", validate=validate.OneOf(rankings.KINDS), metadata={
        "description": "what is ranked: township (乡镇/园区), industry or enterprise"})
    township = fields.String(validate=validate.Length(1, 100), metadata={
        "description": "rank within one township / park of the caller's area (another is 404)"})


class StandingSchema(Schema):
    rank = fields.Integer(allow_none=True, metadata={
        "description": "1 is the best rate; equal rates share a rank (1, 1, 3); null: fewer cases than minimum_cases"})
    previous_rank = fields.Integer(allow_none=True, metadata={"description": "the rank in the month before, counted "
                                                                             "the same way today; null: not ranked"})
    change = fields.Integer(allow_none=True, metadata={"description": "places gained (negative: lost)"})
    key = fields.Raw(metadata={"description": "the township or industry name, or the enterprise id"})
    name = fields.String()
    township = fields.String(metadata={"description": "an enterprise's"})
    industry = fields.String(metadata={"description": "an enterprise's"})
    registered = fields.Integer()
    closed = fields.Integer()
    open = fields.Integer()
    overdue = fields.Integer(metadata={"description": "open past the rectification deadline now"})
    rate = fields.Float(allow_none=True, metadata={"description": "整改率 = closed / registered, per cent"})
    average_days_to_close = fields.Float(allow_none=True)


class RankingSchema(Schema):
    month = fields.String()
    start = fields.Date()
    end = fields.Date(metadata={"description": "the last day counted: the month's, or today for the current month"})
    by = fields.String()
    minimum_cases = fields.Integer(metadata={"description": "the least cases in the month to be ranked"})
    area = fields.Dict(metadata={"description": "townships: null for the county"})
    items = fields.List(fields.Nested(StandingSchema), metadata={"description": "ranked best first, then unranked"})


class RecurrenceQuery(QuerySchema):
    start = fields.Date(data_key="from", metadata={"description": "first day of registration (Shanghai); default: "
                                                                  "the first of the month five months back"})
    end = fields.Date(data_key="to", metadata={"description": "last day, included; default: today"})
    township = fields.String(validate=validate.Length(1, 100), metadata={
        "description": "one township / park of the caller's area (another is 404)"})
    enterprise_id = fields.Integer(metadata={"description": "one enterprise of the caller's area (another is 404)"})
    hazard_type = fields.String(validate=validate.Length(1, 64), metadata={"description": "narrows the pairs"})
    limit = fields.Integer(load_default=recurrence.PAIR_PAGE, validate=validate.Range(1, 1000), metadata={
        "description": "pairs per page"})
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))

    @validates_schema
    def _period(self, data, **kwargs):
        start, end = _period(data)
        if start > end:
            raise ValidationError("结束日期早于开始日期 / the end is before the start", "to")
        if (end - start).days > reports.MAX_DAYS:
            raise ValidationError(f"统计期间最长 {reports.MAX_DAYS} 天 / at most {reports.MAX_DAYS} days", "to")


def _period(data):
    start, end = recurrence.default_period()
    return data.get("start", start), data.get("end", end)


class TypeRecurrenceSchema(Schema):
    hazard_type = fields.String()
    registered = fields.Integer()
    recurrences = fields.Integer()
    rate = fields.Float(allow_none=True, metadata={"description": "recurrences / registered, per cent"})
    enterprises = fields.List(fields.Dict(), metadata={"description": "enterprise_id, name, recurrences; most first"})
    townships = fields.List(fields.Dict(), metadata={"description": "township, recurrences; most first"})


class PlaceSchema(Schema):
    key = fields.Raw(metadata={"description": "the enterprise id, or the township"})
    name = fields.String()
    township = fields.String()
    recurrences = fields.Integer()
    types = fields.Dict(keys=fields.String(), values=fields.Integer())


class PairSchema(Schema):
    enterprise_id = fields.Integer()
    enterprise = fields.String()
    township = fields.String()
    hazard_type = fields.String()
    first_id = fields.Integer()
    first_code = fields.String()
    first_at = fields.DateTime()
    case_id = fields.Integer()
    case_code = fields.String()
    at = fields.DateTime()
    days = fields.Integer()


class RecurrenceSchema(Schema):
    start = fields.Date()
    end = fields.Date()
    area = fields.Dict(metadata={"description": "townships: null for the county; enterprise_id"})
    registered = fields.Integer()
    recurrences = fields.Integer(metadata={"description": "cases whose enterprise had one of the same type in the six "
                                                          "months before (the statistics' `recurring`)"})
    rate = fields.Float(allow_none=True)
    by_type = fields.List(fields.Nested(TypeRecurrenceSchema))
    townships = fields.List(fields.Nested(PlaceSchema))
    enterprises = fields.List(fields.Nested(PlaceSchema))
    pairs = fields.List(fields.Nested(PairSchema), metadata={"description": "newest recurrence first"})
    pairs_total = fields.Integer()


def _area(area):
    return {"townships": None if area.townships is None else list(area.townships),
            "enterprise_id": area.enterprise_id}


@api.get("/statistics/rankings")
@token_required
def statistics_rankings():
    query = query_args(RankingQuery())
    month = rankings.parse_month(query["month"]) if query.get("month") else rankings.current_month()
    ranking = rankings.build(db.session, g.api_user, month, (query["by"],), query.get("township"))[query["by"]]
    items = [dict({name: getattr(s, name) for name in StandingSchema._declared_fields}) for s in
             ranking.ranked + ranking.unranked]
    return RankingSchema().dump({
        "month": f"{month:%Y-%m}", "start": month, "end": ranking.end, "by": ranking.kind,
        "minimum_cases": ranking.minimum, "area": _area(ranking.area), "items": items})


@api.get("/statistics/recurrence")
@token_required
def statistics_recurrence():
    query = query_args(RecurrenceQuery())
    start, end = _period(query)
    analysis = recurrence.build(db.session, g.api_user, start, end, query.get("township"), query.get("enterprise_id"))
    pairs, total = recurrence.pairs(db.session, analysis, query.get("hazard_type"), query["limit"], query["offset"])
    return RecurrenceSchema().dump({
        "start": start, "end": end, "area": _area(analysis.area), "registered": analysis.registered,
        "recurrences": analysis.recurrences, "rate": analysis.rate,
        "by_type": [{"hazard_type": k.hazard_type, "registered": k.registered, "recurrences": k.recurrences,
                     "rate": k.rate, "townships": [{"township": t, "recurrences": n} for t, n in k.townships.items()],
                     "enterprises": [{"enterprise_id": eid, "name": analysis.names[eid], "recurrences": n}
                                     for eid, n in sorted(k.enterprises.items(), key=lambda kv: -kv[1])]}
                    for k in analysis.by_type],
        "townships": analysis.townships, "enterprises": analysis.enterprises, "pairs": pairs, "pairs_total": total})


OPERATIONS = {
    "statistics_rankings": (
        "The month's rectification-rate ranking (本月隐患整改率排行榜) of townships / parks, industries or enterprises: "
        "rank (ties shared), the change against the month before, counts, overdue, average days to close; enterprises "
        "with fewer than minimum_cases cases listed unranked (manager, bureau, admin; township offices: their area)",
        "statistics", None, RankingQuery, {"200": RankingSchema}),
    "statistics_recurrence": (
        "Recurring hazard types (重复出现隐患类型分析): per type the recurrences (same enterprise, same type within six "
        "months), the enterprises and townships where they recur most, and the recurring pairs (earlier case, "
        "recurrence) newest first (manager, bureau, admin; township offices: their area)",
        "statistics", None, RecurrenceQuery, {"200": RecurrenceSchema}),
}
