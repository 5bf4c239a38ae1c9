"""One inspection plan in the API, and a joint plan's sending and sign-off (联合检查计划, services/joint_plans.py and
joint_plan_signoff.py). A joint plan carries its `units` (participants, division of work, signatures) and the
instruments to bring — never for enterprise tokens, which get what the enterprise's notice says. Department tokens
reach the joint plans their department takes part in (another plan: 404)."""
from flask import g
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...models import UNIT_KINDS
from ...services import inspection_plans, joint_plan_signoff, joint_plans
from ...services.uow import UnitOfWork
from . import api
from .auth import token_required
from .campaigns import PlanSchema
from .helpers import json_body
from .schemas import LocalDateTime


class PlanUnitSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"enum": list(UNIT_KINDS)})
    department_id = fields.Integer(allow_none=True)
    name = fields.Function(lambda u: joint_plans.unit_name(u), metadata={"type": "string"})
    participant_ids = fields.List(fields.Integer(), metadata={"description": "the unit's users taking part"})
    participant_names = fields.String(metadata={"description": "those without a login, by name"})
    participants = fields.Function(lambda u: joint_plans.participants(db.session, u), metadata={
        "type": "string", "description": "all of them on one line"})
    duties = fields.String(metadata={"description": "分工: the unit's areas and what it checks"})
    signed_at = LocalDateTime(allow_none=True)
    signed_by = fields.Function(lambda u: u.signed_by.display_name if u.signed_by else None,
                                metadata={"type": "string"})
    sign_remark = fields.String()
    urged_at = LocalDateTime(allow_none=True, metadata={"description": "urged to sign 3 days before the day"})


class PlanInstrumentSchema(Schema):
    id = fields.Function(lambda r: r.instrument.id, metadata={"type": "integer"})
    kind = fields.Function(lambda r: r.instrument.kind, metadata={"type": "string"})
    model = fields.Function(lambda r: r.instrument.model, metadata={"type": "string"})
    asset_no = fields.Function(lambda r: r.instrument.asset_no, metadata={"type": "string"})


class PlanDetailSchema(PlanSchema):
    sent_at = LocalDateTime(allow_none=True, metadata={"description": "a joint plan: sent to its units"})
    units = fields.List(fields.Nested(PlanUnitSchema), metadata={
        "description": "a joint plan's participating units; absent for other plans and for enterprise tokens"})
    instruments = fields.List(fields.Nested(PlanInstrumentSchema), metadata={
        "description": "a joint plan's instruments of the equipment register to bring"})


class SignRequestSchema(Schema):
    remark = fields.String(load_default="", validate=validate.Length(max=joint_plans.MAX_REMARK),
                           metadata={"description": "e.g. a changed participant"})
    unit_id = fields.Integer(load_default=None, allow_none=True, metadata={
        "description": "the unit signed for, when the caller may sign for several"})


def _dump(row):
    data = PlanDetailSchema().dump(row)
    if row.kind != "joint" or "enterprise" in g.api_user.roles:
        data.pop("units", None)
        data.pop("instruments", None)
        data.pop("sent_at", None)
    return data


@api.get("/inspection-plans/<int:plan_id>")
@token_required
def get_inspection_plan(plan_id):
    return _dump(inspection_plans.get_visible(db.session, g.api_user, plan_id))


@api.post("/inspection-plans/<int:plan_id>/send")
@token_required
def send_inspection_plan(plan_id):
    with UnitOfWork() as uow:
        row = joint_plan_signoff.send(uow, g.api_user, plan_id)
        uow.commit()
        return _dump(row)


@api.post("/inspection-plans/<int:plan_id>/sign")
@token_required
def sign_inspection_plan(plan_id):
    body = json_body(SignRequestSchema())
    with UnitOfWork() as uow:
        joint_plan_signoff.sign(uow, g.api_user, plan_id, body["remark"], body["unit_id"])
        uow.commit()
        return _dump(inspection_plans.get_visible(uow.session, g.api_user, plan_id))


# endpoint -> (summary, tag, request body, query schema, responses), merged into openapi.OPERATIONS
OPERATIONS = {
    "get_inspection_plan": ("One inspection plan; a joint plan (联合检查) with its `units` (participants, 分工, "
                            "signatures), instruments and `sent_at` — not for enterprise tokens. Department tokens: "
                            "the joint plans of their department only (404 otherwise)", "inspections", None, None,
                            {"200": PlanDetailSchema}),
    "send_inspection_plan": ("Send a joint plan to its units (inspector, project lead; once, at least 7 calendar days "
                             "before its day, else 409: cancel and plan again); each unit's users are told",
                             "inspections", None, None, {"200": PlanDetailSchema}),
    "sign_inspection_plan": ("签收确认: sign a sent joint plan for one's unit (a department user for its department, "
                             "a bureau user for the bureau, a project lead for the contractor); once (again: 409); "
                             "403 for a user who signs for no unit of the plan", "inspections", SignRequestSchema,
                             None, {"200": PlanDetailSchema}),
}
