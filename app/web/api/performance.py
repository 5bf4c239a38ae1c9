"""Staff scorecards (绩效考核, services/performance.py) as JSON: `GET /performance?month=2026-11` — the month's ranking
for project leads, quality supervisors, the bureau, managers and administrators — and `GET /performance/<user id>` —
one member's scorecard with the items behind each figure, for project leads, quality supervisors and the member. A
wrong month is 400 with the field named; enterprise tokens 404, other roles 403."""
from flask import current_app, g
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...services import performance
from . import api
from .auth import token_required
from .helpers import query_args
from .schemas import LocalDateTime, QuerySchema


class PerformanceQuery(QuerySchema):
    month = fields.String(validate=validate.Length(max=7), metadata={
        "description": "a month, 2026-11 (default: this month; not a later one)"})


class PartSchema(Schema):
    key = fields.String(metadata={"enum": list(performance.KEYS)})
    weight = fields.Integer(metadata={"description": "points of 100 (config PERFORMANCE_WEIGHTS)"})
    numerator = fields.Raw(allow_none=True, metadata={
        "description": "the count scored (satisfaction: the average rating 1–5)"})
    denominator = fields.Integer(metadata={"description": "what it is out of (workload: the monthly target; "
                                                          "satisfaction: the ratings)"})
    points = fields.Float(allow_none=True, metadata={"description": "0–100; null when there was nothing to count"})


class DeductionSchema(Schema):
    kind = fields.String(metadata={"enum": ["failed_check", "criticism", "complaint", "incident"]})
    points = fields.Integer()
    supervision_id = fields.Integer(allow_none=True)
    complaint_id = fields.Integer(allow_none=True)
    quality_incident_id = fields.Integer(allow_none=True)


class ScorecardSummarySchema(Schema):
    user_id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    rank = fields.Integer(allow_none=True, metadata={"description": "in the month's ranking; null for one scorecard"})
    score = fields.Float(allow_none=True)
    weighted = fields.Float(allow_none=True, metadata={"description": "before the deductions"})
    deducted = fields.Integer()
    parts = fields.List(fields.Nested(PartSchema))
    deductions = fields.List(fields.Nested(DeductionSchema))
    counts = fields.Dict(metadata={"description": "visits, flagged_visits, registered, regraded, quality_problems, "
                                                  "verifications, verifications_late, ratings, upheld_complaints, "
                                                  "supervisions, failed_supervisions, quality_incidents"})


class RankingSchema(Schema):
    month = fields.String()
    weights = fields.Dict()
    items = fields.List(fields.Nested(ScorecardSummarySchema))


class VisitItemSchema(Schema):
    visit_id = fields.Integer()
    visited_on = fields.Date()
    enterprise = fields.String()
    flags = fields.List(fields.String())


class CaseItemSchema(Schema):
    case_id = fields.Integer()
    code = fields.String()
    registered_at = LocalDateTime()
    regraded = fields.Boolean()
    quality_problem = fields.Boolean()


class VerificationItemSchema(Schema):
    case_id = fields.Integer()
    code = fields.String()
    due_at = LocalDateTime(allow_none=True)
    done_at = LocalDateTime()
    on_time = fields.Boolean()
    passed = fields.Boolean()


class ScorecardSchema(ScorecardSummarySchema):
    month = fields.String()
    visits = fields.List(fields.Nested(VisitItemSchema))
    cases = fields.List(fields.Nested(CaseItemSchema))
    verifications = fields.List(fields.Nested(VerificationItemSchema))


def _rules():
    return performance.Rules.from_config(current_app.config)


def summary(card):
    s = card.signals
    weighted = card.weighted
    return {
        "user_id": card.user.id, "username": card.user.username, "display_name": card.user.display_name,
        "rank": card.rank, "score": card.score, "deducted": card.deducted,
        "weighted": None if weighted is None else round(float(weighted), 1),
        "parts": [{"key": p.key, "weight": p.weight, "numerator": p.numerator, "denominator": p.denominator,
                   "points": p.points} for p in card.parts.values()],
        "deductions": [{"kind": d.kind, "points": d.points,
                        "supervision_id": d.record.id if d.kind in ("failed_check", "criticism") else None,
                        "complaint_id": d.record.id if d.kind == "complaint" else None,
                        "quality_incident_id": d.record.id if d.kind == "incident" else None}
                       for d in card.deductions],
        "counts": {"visits": len(s.visits), "flagged_visits": sum(1 for v in s.visits if v.flags),
                   "registered": len(s.cases), "regraded": sum(1 for c in s.cases if c.regraded),
                   "quality_problems": sum(1 for c in s.cases if c.quality_problem),
                   "verifications": len(s.verifications),
                   "verifications_late": sum(1 for v in s.verifications if not v.on_time),
                   "ratings": card.parts["satisfaction"].denominator, "upheld_complaints": len(s.complaints),
                   "supervisions": len(s.supervisions),
                   "failed_supervisions": sum(1 for r in s.supervisions if r.result == "fail"),
                   "quality_incidents": len(s.incidents)}}


@api.get("/performance")
@token_required
def performance_ranking():
    args = query_args(PerformanceQuery())
    performance.check_may_read_ranking(g.api_user)
    month = performance.read_month(args.get("month", ""))
    rules = _rules()
    cards = performance.ranking(db.session, g.api_user, month, rules)
    return RankingSchema().dump({"month": month.label, "weights": rules.weights,
                                 "items": [summary(card) for card in cards]})


@api.get("/performance/<int:staff_id>")
@token_required
def performance_scorecard(staff_id):
    args = query_args(PerformanceQuery())
    performance.check_may_read_scorecard(g.api_user, staff_id)
    month = performance.read_month(args.get("month", ""))
    card = performance.scorecard(db.session, g.api_user, staff_id, month, _rules())
    s = card.signals
    return ScorecardSchema().dump({
        **summary(card), "month": month.label,
        "visits": [{"visit_id": v.visit.id, "visited_on": v.visit.visited_on, "enterprise": v.visit.enterprise.name,
                    "flags": v.flags} for v in s.visits],
        "cases": [{"case_id": c.id, "code": c.code, "registered_at": c.registered_at, "regraded": c.regraded,
                   "quality_problem": c.quality_problem} for c in s.cases],
        "verifications": [{"case_id": v.case_id, "code": v.code, "due_at": v.due_at, "done_at": v.done_at,
                           "on_time": v.on_time, "passed": v.passed} for v in s.verifications]})


OPERATIONS = {
    "performance_ranking": ("The month's staff scorecards, best first (绩效考核排名): each member's score, its five "
                            "figures with weights, the deductions and the counts behind them (project lead, quality, "
                            "bureau, manager, admin)", "performance", None, PerformanceQuery, {"200": RankingSchema}),
    "performance_scorecard": ("One member's scorecard of the month with the visits, registrations and verifications "
                              "counted (project lead, quality; a member of the field staff: their own)",
                              "performance", None, PerformanceQuery, {"200": ScorecardSchema}),
}
