"""Statistics and the audit log as JSON, for managers, the bureau and administrators (and the systems they feed),
the statistics also for township / park safety offices, of their own area: `GET /statistics?start=&end=&township=
&enterprise_id=` and `GET /audit?scope=&action=&actor=&case_code=&since=&until=&limit=&offset=`."""
from flask import g
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ...extensions import db
from ...services import audit_log, reports
from ..names import ACTION_CODES
from . import api
from .auth import token_required
from .helpers import query_args
from .schemas import HistoryEventSchema, PageQuery, QuerySchema


class StatisticsQuery(QuerySchema):
    start = fields.Date(metadata={"description": "first day of registration (Shanghai); default: this month's"})
    end = fields.Date(metadata={"description": "last day, included; default: today"})
    township = fields.String(validate=validate.Length(1, 100), metadata={
        "description": "count one township / park only: any on the register for county-wide readers, one the caller "
                       "covers for a township office (another is 404); default: the caller's whole area"})
    enterprise_id = fields.Integer(metadata={"description": "count one enterprise of the caller's area (another is "
                                                            "404)"})

    @validates_schema
    def _period(self, data, **kwargs):
        start, end = _period(data)
        if start > end:
            raise ValidationError("结束日期早于开始日期 / the end is before the start", "end")
        if (end - start).days > reports.MAX_DAYS:
            raise ValidationError(f"统计期间最长 {reports.MAX_DAYS} 天 / at most {reports.MAX_DAYS} days", "end")


def _period(data):
    start, end = reports.default_period()
    return data.get("start", start), data.get("end", end)


class TallySchema(Schema):
    registered = fields.Integer()
    closed = fields.Integer()
    open = fields.Integer()
    overdue = fields.Integer(metadata={"description": "open and past the rectification deadline"})
    rate = fields.Float(allow_none=True, metadata={"description": "rectification rate, per cent (closed / registered)"})


class GroupTallySchema(TallySchema):
    key = fields.String(metadata={"description": "grade or hazard type code, industry, township, or YYYY-MM"})


class EnterpriseTallySchema(TallySchema):
    enterprise_id = fields.Integer()
    name = fields.String()
    industry = fields.String()
    township = fields.String()
    open_major = fields.Boolean(metadata={"description": "has a 重大 or 特别重大 case not yet closed"})


class SeriesSchema(Schema):
    key = fields.String(metadata={"description": "hazard type code; absent for all hazards"})
    counts = fields.List(fields.Integer(), metadata={"description": "registered per month, as `months`"})
    slope = fields.Float(metadata={"description": "least-squares line, hazards per month"})
    forecast = fields.Integer(metadata={"description": "the line's value for `next_month`, at least 0"})
    direction = fields.String(metadata={"description": "rising, falling or steady"})


class TrendSchema(Schema):
    months = fields.List(fields.String(), metadata={"description": "the six whole months up to `end`, YYYY-MM"})
    next_month = fields.String()
    total = fields.Nested(SeriesSchema)
    by_type = fields.List(fields.Nested(SeriesSchema), metadata={"description": "the most frequent types"})


class TagCoverageSchema(Schema):
    tag = fields.String(metadata={"description": "a risk tag code (企业风险标签)"})
    enterprises = fields.Integer(metadata={"description": "the area's enterprises with the tag"})
    visited = fields.Integer(metadata={"description": "of those, with an inspection visit in `year`"})
    percent = fields.Float(allow_none=True)


class HeatCellSchema(Schema):
    township = fields.String()
    hazard_type = fields.String()
    registered = fields.Integer()


class AreaSchema(Schema):
    townships = fields.List(fields.String(), allow_none=True, metadata={
        "description": "the townships / parks counted; null for the whole county"})
    enterprise_id = fields.Integer(allow_none=True, metadata={"description": "the one enterprise counted, if any"})
    enterprise_name = fields.String(allow_none=True)


class StatisticsSchema(Schema):
    start = fields.Date()
    end = fields.Date()
    area = fields.Nested(AreaSchema, metadata={"description": "the part of the county counted (属地统计)"})
    total = fields.Nested(TallySchema)
    recurring = fields.Integer()
    recurrence_rate = fields.Float(allow_none=True, metadata={
        "description": "per cent of the cases whose enterprise had one of the same type in the six months before"})
    average_days_to_close = fields.Float(allow_none=True)
    by_grade = fields.List(fields.Nested(GroupTallySchema))
    by_type = fields.List(fields.Nested(GroupTallySchema))
    by_industry = fields.List(fields.Nested(GroupTallySchema))
    by_township = fields.List(fields.Nested(GroupTallySchema))
    by_month = fields.List(fields.Nested(GroupTallySchema))
    by_tag = fields.List(fields.Nested(GroupTallySchema), metadata={
        "description": "by the risk tags of the cases' enterprises; a case counts under each tag of its enterprise"})
    tag_coverage_year = fields.Integer()
    tag_coverage = fields.List(fields.Nested(TagCoverageSchema), metadata={
        "description": "per tag: the area's enterprises with it and those visited in tag_coverage_year"})
    enterprises = fields.List(fields.Nested(EnterpriseTallySchema))
    heat = fields.List(fields.Nested(HeatCellSchema), metadata={"description": "registered by township and type"})
    trend = fields.Nested(TrendSchema)


class AuditQuery(PageQuery):
    scope = fields.String(validate=validate.OneOf(audit_log.SCOPES))
    action = fields.String(validate=validate.OneOf(sorted(ACTION_CODES)))
    actor = fields.String(validate=validate.Length(1, 64))
    case_code = fields.String(validate=validate.Length(1, 64))
    since = fields.Date()
    until = fields.Date()

    @validates_schema
    def _dates(self, data, **kwargs):
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise ValidationError("结束日期早于开始日期 / until is before since", "until")


class AuditEventSchema(HistoryEventSchema):
    id = fields.Integer()
    case_id = fields.Integer(allow_none=True)
    case_code = fields.String(allow_none=True)
    subject_type = fields.String(allow_none=True, metadata={"description": "what a row outside a case is about: enterprise, user, complaint or typical_case"})
    subject_id = fields.Integer(allow_none=True)


class AuditListSchema(Schema):
    items = fields.List(fields.Nested(AuditEventSchema))
    total = fields.Integer()


@api.get("/statistics")
@token_required
def statistics():
    query = query_args(StatisticsQuery())
    start, end = _period(query)
    report = reports.build(db.session, g.api_user, start, end, query.get("township"), query.get("enterprise_id"))
    area = report.area

    def groups(mapping):
        return [dict(_tally(t), key=k) for k, t in mapping.items()]
    return StatisticsSchema().dump({
        "start": start, "end": end,
        "area": {"townships": None if area.townships is None else list(area.townships),
                 "enterprise_id": area.enterprise_id, "enterprise_name": area.enterprise_name or None},
        "total": _tally(report.total), "recurring": report.recurring,
        "recurrence_rate": report.recurrence_rate, "average_days_to_close": report.average_days_to_close,
        "by_grade": groups(report.by_grade), "by_type": groups(report.by_type),
        "by_industry": groups(report.by_industry), "by_township": groups(report.by_township),
        "by_month": groups(report.by_month), "by_tag": groups(report.by_tag), "tag_coverage_year": end.year,
        "tag_coverage": [{"tag": c.tag, "enterprises": c.enterprises, "visited": c.visited, "percent": c.percent}
                         for c in report.tag_coverage],
        "enterprises": [dict(_tally(t), enterprise_id=e.enterprise_id, name=e.name, industry=e.industry,
                             township=e.township, open_major=e.enterprise_id in report.open_major)
                        for e, t in report.enterprises],
        "heat": [{"township": town, "hazard_type": kind, "registered": n}
                 for town, counts in report.heat.items() for kind, n in counts.items()],
        "trend": _trend(report.trend)})


def _trend(trend):
    def series(s, key=None):
        return dict({"counts": s.counts, "slope": s.slope, "forecast": s.forecast, "direction": s.direction},
                    **({"key": key} if key else {}))
    return {"months": trend.months, "next_month": trend.next_month, "total": series(trend.total),
            "by_type": [series(s, kind) for kind, s in trend.by_type.items()]}


def _tally(tally):
    return {"registered": tally.registered, "closed": tally.closed, "open": tally.open, "overdue": tally.overdue,
            "rate": tally.rate}


@api.get("/audit")
@token_required
def audit_events():
    args = query_args(AuditQuery())
    limit, offset = args.pop("limit"), args.pop("offset")
    rows, total = audit_log.search(db.session, g.api_user, audit_log.AuditQuery(**args), limit, offset)
    columns = ("id", "case_id", "created_at", "actor_name", "action", "task_name", "changes", "details", "reason",
               "subject_type", "subject_id")
    items = [dict({c: getattr(event, c) for c in columns}, case_code=code) for event, code in rows]
    return AuditListSchema().dump({"items": items, "total": total})
