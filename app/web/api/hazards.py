"""Hazard cases: register, read, list, history, open tasks."""
from flask import g, url_for

from ...extensions import db
from ...services import audit, hazard_map, hazards, notice_receipts, regrading, tasks
from ...services.uow import UnitOfWork
from .. import documents
from . import api
from .auth import token_required
from .helpers import json_body, query_args
from .schemas import (CaseListSchema, CaseQuery, CaseSchema, CaseTasksSchema, HistorySchema, NoticeReceiptListSchema,
                      MapQuery, NoticeReceiptSchema, RegistrationRefSchema, RegradeRequestSchema)


@api.post("/hazards")
@token_required
def register_hazard():
    # The body is the registration form; its versioned JSON Schema (forms/hazard_registration.json) is the
    # contract and the service validates against it, so it is not duplicated in a marshmallow schema here. Only
    # `client_ref`, which is not a form field, is: with it the registration is made once (a replay: 200, same case).
    data = json_body()
    client_ref = RegistrationRefSchema().load(data).get("client_ref")
    data.pop("client_ref", None)
    with UnitOfWork() as uow:
        if client_ref is None:
            case, created = hazards.register_hazard(uow, g.api_user, data), True
        else:
            case, created = hazards.register_once(uow, g.api_user, data, client_ref)
        uow.commit()
        body = CaseSchema().dump(case)
    return body, 201 if created else 200, {"Location": url_for("api.get_hazard", case_id=body["id"])}


@api.get("/hazards/<int:case_id>")
@token_required
def get_hazard(case_id):
    with UnitOfWork() as uow:
        return CaseSchema().dump(hazards.get_case(uow, g.api_user, case_id))


@api.get("/hazards")
@token_required
def list_hazards():
    args = query_args(CaseQuery())
    with UnitOfWork() as uow:
        rows, total = hazards.list_cases(uow, g.api_user, **args)
        return CaseListSchema().dump({"items": rows, "total": total})


@api.get("/hazards/<int:case_id>/history")
@token_required
def hazard_history(case_id):
    with UnitOfWork() as uow:
        case = hazards.get_case(uow, g.api_user, case_id)  # 404 unless the caller may see the case
        return HistorySchema().dump({"items": audit.history(uow, case.id)})


@api.get("/hazards/<int:case_id>/tasks")
@token_required
def hazard_tasks(case_id):
    """Every open task of a case the caller may see (who works on it is part of the case's state)."""
    with UnitOfWork() as uow:
        case = hazards.get_case(uow, g.api_user, case_id)
        rows = tasks.for_case(uow.session, case.id)
        return CaseTasksSchema().dump({"items": rows})


@api.get("/hazards/<int:case_id>/receipt")
@token_required
def hazard_receipt(case_id):
    """The receipt of closure as PDF: 404 unless the caller may see the case, 409 while it is open."""
    with UnitOfWork() as uow:
        return documents.receipt_response(uow.session, g.api_user, case_id)


@api.get("/hazards/<int:case_id>/notice")
@token_required
def hazard_notice(case_id):
    """The rectification notice of the current round as PDF: 409 before the case is assigned."""
    with UnitOfWork() as uow:
        return documents.notice_response(uow.session, g.api_user, case_id)


@api.get("/hazards/<int:case_id>/verification-opinions")
@token_required
def hazard_verification_opinions(case_id):
    """Every verification's conclusion and opinion, round by round, as PDF: 409 before the first one."""
    with UnitOfWork() as uow:
        return documents.verification_response(uow.session, g.api_user, case_id)


@api.get("/hazards/<int:case_id>/notice-receipts")
@token_required
def hazard_notice_receipts(case_id):
    """The enterprise's acknowledgements (签收) of the case's rectification notices, by round."""
    with UnitOfWork() as uow:
        case = hazards.get_case(uow, g.api_user, case_id)
        rows = sorted(notice_receipts.for_case(uow.session, case.id).values(), key=lambda r: r.round)
        return NoticeReceiptListSchema().dump({"items": rows, "current_round": notice_receipts.notice_round(case)})


@api.post("/hazards/<int:case_id>/notice/acknowledge")
@token_required
def acknowledge_notice(case_id):
    with UnitOfWork() as uow:
        row = notice_receipts.acknowledge(uow, g.api_user, case_id)
        uow.commit()
        return NoticeReceiptSchema().dump(row), 201


@api.post("/hazards/<int:case_id>/regrade")
@token_required
def regrade_hazard(case_id):
    """Grade a case again during rectification (project lead, bureau): a new rectification period begins."""
    body = json_body(RegradeRequestSchema())
    with UnitOfWork() as uow:
        case = regrading.regrade(uow, g.api_user, case_id, body["review_score"], body["review_legal_major"],
                                 body["review_reason"], body["deadline_days"])
        uow.commit()
        return CaseSchema().dump(case)


@api.get("/hazards/map")
@token_required
def hazards_map():
    """The visible cases with coordinates as GeoJSON (一张图), under the list's filters; open ones unless `status`."""
    args = query_args(MapQuery())
    result = hazard_map.points(db.session, g.api_user, hazards.CaseFilter(**args))
    return hazard_map.feature_collection(result, lambda case: {})
