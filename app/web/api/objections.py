"""Enterprises' objections to their cases (异议): read a case's, raise one (its enterprise's staff), answer one
(project lead, admin)."""
from flask import g

from ...services import hazards, objections
from ...services.uow import UnitOfWork
from . import api
from .auth import token_required
from .helpers import json_body
from .schemas import ObjectionAnswerSchema, ObjectionListSchema, ObjectionRequestSchema, ObjectionSchema


@api.get("/hazards/<int:case_id>/objections")
@token_required
def hazard_objections(case_id):
    with UnitOfWork() as uow:
        case = hazards.get_case(uow, g.api_user, case_id)  # 404 unless the caller may see the case
        return ObjectionListSchema().dump({"items": objections.for_case(uow.session, case.id)})


@api.post("/hazards/<int:case_id>/objections")
@token_required
def raise_objection(case_id):
    body = json_body(ObjectionRequestSchema())
    with UnitOfWork() as uow:
        row = objections.raise_objection(uow, g.api_user, case_id, body["subject"], body["text"])
        uow.commit()
        return ObjectionSchema().dump(row), 201


@api.post("/objections/<int:objection_id>/reply")
@token_required
def answer_objection(objection_id):
    body = json_body(ObjectionAnswerSchema())
    with UnitOfWork() as uow:
        row = objections.answer(uow, g.api_user, objection_id, body["reply"], body["accepted"])
        uow.commit()
        return ObjectionSchema().dump(row)

