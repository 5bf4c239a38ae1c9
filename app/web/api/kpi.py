"""The project KPIs (项目绩效指标, services/kpi.py) as JSON: `GET /kpi?project_id=&phase=&quarter=&from=&to=`, for the
page's readers (bureau, managers, project leads, quality supervisors, administrators; township offices their area's
case figures only). Enterprise tokens get 404, other roles 403, a wrong parameter 400 with the field named."""
from flask import current_app, g, request
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...services import kpi
from . import api
from .auth import token_required
from .helpers import query_args
from .schemas import QuerySchema


class KpiQuery(QuerySchema):
    project_id = fields.String(validate=validate.Length(max=12), metadata={
        "description": "a service project (default: the one running today, else the last one that started); not for "
                       "township offices (403)"})
    phase = fields.String(validate=validate.Length(max=16), metadata={
        "description": "prep (months 1–2) | implement (3–9) | rectify (10–11) | summary (12–end) of the project"})
    quarter = fields.String(validate=validate.Length(max=8), metadata={"description": "a calendar quarter, 2026Q4"})
    start = fields.String(data_key="from", validate=validate.Length(max=10), metadata={
        "description": "first day (YYYY-MM-DD), with `to`; takes precedence over quarter and phase"})
    end = fields.String(data_key="to", validate=validate.Length(max=10), metadata={"description": "last day, included"})


class FigureSchema(Schema):
    numerator = fields.Integer()
    denominator = fields.Integer()
    percent = fields.Float(allow_none=True, metadata={"description": "null when the denominator is 0"})


class MonthSchema(FigureSchema):
    month = fields.String(metadata={"description": "2026-11"})
    met = fields.Boolean(allow_none=True)


class IndicatorSchema(FigureSchema):
    key = fields.String(metadata={"description": "coverage | accuracy | rectification | verification | "
                                                 "initial_review | certification | calibration"})
    target = fields.Float(metadata={"description": "a share of 1 (0.85)"})
    met = fields.Boolean(allow_none=True, metadata={"description": "value ≥ target, compared exactly; null without "
                                                                   "data"})
    as_of = fields.Date(allow_none=True, metadata={"description": "the day a snapshot figure was counted on"})
    months = fields.List(fields.Nested(MonthSchema), metadata={"description": "null figures are months without one"})
    behind_total = fields.Integer(metadata={"description": "what falls short: misidentified cases, cases closed at a "
                                                           "later round, roster enterprises not visited, …"})
    behind = fields.List(fields.Dict(), metadata={"description": "the first 200 of them named (cases: id, code, why "
                                                                 "or round; enterprises: id, name)"})


class KpiSchema(Schema):
    project = fields.Dict(allow_none=True, metadata={"description": "id, name, contract_no, start_on, end_on"})
    period = fields.Dict(metadata={"description": "start, end, kind (project | phase | quarter | range), phase, "
                                                  "quarter, key_indicators"})
    area = fields.Dict(metadata={"description": "townships: null for the county"})
    indicators = fields.List(fields.Nested(IndicatorSchema))


@api.get("/kpi")
@token_required
def project_kpi():
    query_args(KpiQuery())
    dashboard = kpi.build(db.session, g.api_user, request.args, current_app.config["KPI_TARGETS"])
    project, period = dashboard.project, dashboard.period
    return KpiSchema().dump({
        "project": None if project is None else {
            "id": project.id, "name": project.name, "contract_no": project.contract_no,
            "start_on": project.start_on.isoformat(), "end_on": project.end_on.isoformat()},
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat(), "kind": period.kind,
                   "phase": period.phase, "quarter": period.quarter, "key_indicators": list(period.key_indicators)},
        "area": {"townships": None if dashboard.area.townships is None else list(dashboard.area.townships)},
        "indicators": [_indicator(item) for item in dashboard.indicators.values()]})


def _figure(figure):
    if figure is None:
        return {"numerator": None, "denominator": None, "percent": None}
    return {"numerator": figure.numerator, "denominator": figure.denominator, "percent": figure.percent}


def _indicator(item):
    return {"key": item.key, "target": item.target, "met": item.met, "as_of": item.as_of, **_figure(item.figure),
            "months": [dict(_figure(f), month=month, met=item.month_met(f)) for month, f in item.months],
            "behind_total": item.behind_total, "behind": item.behind}


OPERATIONS = {
    "project_kpi": ("The project KPIs against the tender's targets (项目绩效指标): coverage, identification accuracy, "
                    "rectification, second-check pass rate, certification, calibration — each with numerator, "
                    "denominator, target, met and its months (bureau, manager, project lead, quality, admin; township "
                    "offices: the case figures of their area only)", "kpi", None, KpiQuery, {"200": KpiSchema}),
}
