"""Re-inspections of closed cases (销号后复查): read a case's, record one (inspection team)."""
from flask import g

from ...services import followups, hazards
from ...services.uow import UnitOfWork
from . import api
from .auth import token_required
from .helpers import json_body
from .schemas import FollowUpListSchema, FollowUpRecordSchema, FollowUpSchema


@api.get("/hazards/<int:case_id>/followups")
@token_required
def hazard_follow_ups(case_id):
    with UnitOfWork() as uow:
        case = hazards.get_case(uow, g.api_user, case_id)
        return FollowUpListSchema().dump({"items": followups.for_case(uow.session, case.id)})


@api.post("/followups/<int:follow_up_id>")
@token_required
def record_follow_up(follow_up_id):
    body = json_body(FollowUpRecordSchema())
    with UnitOfWork() as uow:
        row = followups.record(uow, g.api_user, follow_up_id, body["result"], body.get("notes", ""),
                               body["measurements"], body["files"])
        uow.commit()
        return FollowUpSchema().dump(row)
