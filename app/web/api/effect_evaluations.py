"""Effect evaluations of closed major hazards in the API (services/effect_evaluations.py): the list, one case's
evaluation (the enterprise's tokens get the conclusion only: no commission note, visits, internal note or files),
commissioning the evaluator, a visit of the observation period and the conclusion. Files are uploaded first (POST
/attachments) and named by their ids."""
from flask import g
from marshmallow import Schema, fields, validate

from ...errors import NotAllowed
from ...extensions import db
from ...models import EFFECT_CONCLUSIONS, EFFECT_DIMENSIONS, EFFECT_STATES
from ...services import effect_evaluation_facts as facts, effect_evaluations as evaluations
from ...services.uow import UnitOfWork
from . import api
from .auth import token_required
from .helpers import json_body, query_args
from .schemas import LocalDateTime


class EvaluationBodyRefSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    qualification = fields.String()


class EvaluationExpertRefSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    organisation = fields.String()


class EffectVisitSchema(Schema):
    id = fields.Integer()
    visited_on = fields.Date()
    findings = fields.String()
    recorded_by = fields.Function(lambda v: v.recorded_by.username, metadata={"type": "string"})
    recorded_at = LocalDateTime()


class EffectEvaluationSchema(Schema):
    """What the commissioners and the named experts read."""
    id = fields.Integer()
    case_id = fields.Integer()
    code = fields.String()
    enterprise = fields.String()
    grade = fields.String()
    state = fields.String(metadata={"description": ", ".join(EFFECT_STATES)})
    closed_on = fields.Date(metadata={"description": "the case's closing day (Shanghai)"})
    earliest_on = fields.Date(metadata={"description": "three calendar months after closing: conclusions from then"})
    latest_on = fields.Date(metadata={"description": "earliest_on + 30 days: overdue after it"})
    body = fields.Nested(EvaluationBodyRefSchema, allow_none=True)
    experts = fields.List(fields.Nested(EvaluationExpertRefSchema))
    commissioned_at = LocalDateTime(allow_none=True, metadata={"description": "null: no evaluator named yet"})
    commission_note = fields.String()
    visits = fields.List(fields.Nested(EffectVisitSchema))
    scores = fields.Dict(keys=fields.String(), values=fields.Integer(allow_none=True), metadata={
        "description": "0-100 each: " + ", ".join(EFFECT_DIMENSIONS)})
    conclusion = fields.String(allow_none=True, metadata={"description": ", ".join(EFFECT_CONCLUSIONS)})
    summary = fields.String()
    internal_note = fields.String()
    concluded_at = LocalDateTime(allow_none=True)
    recurrences = fields.List(fields.String(), metadata={
        "description": "codes of the enterprise's cases of the same hazard type registered since closing"})
    satisfaction = fields.Dict(metadata={"description": "{ratings, average (1-5)}: the enterprise's visit ratings "
                                                        "since closing"})
    files = fields.List(fields.String(), metadata={"description": "attachment ids (GET /api/v1/attachments/{id})"})


class EnterpriseEffectEvaluationSchema(EffectEvaluationSchema):
    class Meta:
        exclude = ("commission_note", "visits", "internal_note", "files")


class EffectEvaluationListSchema(Schema):
    items = fields.List(fields.Dict(), metadata={"description": "EffectEvaluation (enterprise tokens: without "
                                                                "commission_note, visits, internal_note, files)"})
    total = fields.Integer()


class EffectEvaluationQuery(Schema):
    state = fields.String(load_default="open", validate=validate.OneOf(list(facts.STATE_FILTERS)))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))


class EffectCommissionSchema(Schema):
    body_id = fields.Integer(allow_none=True, load_default=None, metadata={"description": "an evaluation body"})
    expert_ids = fields.List(fields.Integer(), load_default=list, metadata={"description": "experts of the pool"})
    note = fields.String(load_default="", metadata={"description": "internal: not shown to the enterprise"})


class EffectVisitRequestSchema(Schema):
    visited_on = fields.String(required=True, metadata={"description": "YYYY-MM-DD, from the closing day to today"})
    findings = fields.String(required=True)
    files = fields.List(fields.String(), load_default=list, metadata={"description": "ids of the caller's uploads"})


class EffectConclusionSchema(Schema):
    quality_score = fields.Raw(required=True, metadata={"type": "integer", "description": "整改质量 0-100"})
    equipment_score = fields.Raw(required=True, metadata={"type": "integer", "description": "设备设施更换情况 0-100"})
    system_score = fields.Raw(required=True, metadata={"type": "integer", "description": "制度完善程度 0-100"})
    risk_control_score = fields.Raw(required=True, metadata={"type": "integer", "description": "风险控制有效性 0-100"})
    conclusion = fields.String(required=True, metadata={"description": ", ".join(EFFECT_CONCLUSIONS)})
    summary = fields.String(required=True, metadata={"description": "shown to the enterprise"})
    internal_note = fields.String(load_default="", metadata={"description": "not shown to the enterprise"})
    files = fields.List(fields.String(), load_default=list, metadata={"description": "the report's scans: ids"})


def view(row, user):
    """The evaluation as the user may read it, dumped."""
    internal = evaluations.sees_internal(user, row)
    data = {"id": row.id, "case_id": row.case_id, "code": row.case.code, "enterprise": row.case.enterprise.name,
            "grade": row.case.grade, "state": facts.state(row), "closed_on": row.closed_on,
            "earliest_on": row.earliest_on, "latest_on": row.latest_on, "body": row.body, "experts": row.experts,
            "commissioned_at": row.commissioned_at, "commission_note": row.commission_note, "visits": row.visits,
            "scores": row.scores, "conclusion": row.conclusion, "summary": row.summary,
            "internal_note": row.internal_note, "concluded_at": row.concluded_at,
            "recurrences": [c.code for c in facts.recurrences(db.session, row)],
            "satisfaction": facts.satisfaction(db.session, row), "files": [f.public_id for f in row.files]}
    return (EffectEvaluationSchema() if internal else EnterpriseEffectEvaluationSchema()).dump(data)


@api.get("/effect-evaluations")
@token_required
def list_effect_evaluations():
    if not evaluations.may_list(g.api_user):
        raise NotAllowed("整改效果评估供应急管理局、项目负责人、受托专家和本企业查看 / effect evaluations are for the "
                         "bureau, project leads, the experts named and the enterprise itself")
    args = query_args(EffectEvaluationQuery())
    rows, total = facts.listing(db.session, g.api_user, facts.EvaluationFilter(**args))
    return {"items": [view(r, g.api_user) for r in rows], "total": total}


@api.get("/hazards/<int:case_id>/effect-evaluation")
@token_required
def get_effect_evaluation(case_id):
    return view(evaluations.get_visible(db.session, g.api_user, case_id), g.api_user)


@api.post("/hazards/<int:case_id>/effect-evaluation")
@token_required
def commission_effect_evaluation(case_id):
    body = json_body(EffectCommissionSchema())
    with UnitOfWork() as uow:
        row = evaluations.commission(uow, g.api_user, case_id, body)
        uow.commit()
        return view(row, g.api_user)


@api.post("/hazards/<int:case_id>/effect-evaluation/visits")
@token_required
def record_effect_visit(case_id):
    body = json_body(EffectVisitRequestSchema())
    with UnitOfWork() as uow:
        visit = evaluations.record_visit(uow, g.api_user, case_id, body, body["files"])
        uow.commit()
        return EffectVisitSchema().dump(visit), 201


@api.post("/hazards/<int:case_id>/effect-evaluation/conclusion")
@token_required
def conclude_effect_evaluation(case_id):
    body = json_body(EffectConclusionSchema())
    with UnitOfWork() as uow:
        row = evaluations.conclude(uow, g.api_user, case_id, body, body["files"])
        uow.commit()
        return view(row, g.api_user)


OPERATIONS = {
    "list_effect_evaluations": ("Effect evaluations of closed major hazards (整改效果评估) the caller reads, by state "
                                "(open, observing, due, overdue, uncommissioned, concluded, all); enterprise tokens "
                                "their own enterprise's conclusions, expert tokens those naming them, others 403",
                                "effect-evaluations", None, EffectEvaluationQuery, {"200": EffectEvaluationListSchema}),
    "get_effect_evaluation": ("A closed major case's effect evaluation with its recurrence and satisfaction figures; "
                              "404 for a case without one or not visible, 403 for roles that do not read them",
                              "effect-evaluations", None, None, {"200": EffectEvaluationSchema}),
    "commission_effect_evaluation": ("Name or change the evaluator (bureau, project lead): a body of the register "
                                     "and / or experts of the pool, at least one; 409 after the conclusion",
                                     "effect-evaluations", EffectCommissionSchema, None,
                                     {"200": EffectEvaluationSchema}),
    "record_effect_visit": ("Record a visit of the observation period (commissioners, the experts named); 409 "
                            "before commissioning or after the conclusion", "effect-evaluations",
                            EffectVisitRequestSchema, None, {"201": EffectVisitSchema}),
    "conclude_effect_evaluation": ("The conclusion, once: four scores 0-100 and 有效 / 基本有效 / 无效; 409 before three "
                                   "calendar months after closing (the observation period) or when concluded; 无效 "
                                   "tells the bureau and the project leads to register the hazard again",
                                   "effect-evaluations", EffectConclusionSchema, None,
                                   {"200": EffectEvaluationSchema}),
}
