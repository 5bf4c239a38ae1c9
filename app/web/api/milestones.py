"""A case's rectification milestones (整改节点) and its three parties (三方职责) in the API (services/milestones.py, the
same functions as the pages): read by whoever sees the case; milestones set and marked done by the project lead or the
case's enterprise staff while the case is rectifying (409 otherwise); the parties named by the project lead. Another
enterprise's case 404, a wrong role 403, bad input 400 naming the fields."""
from flask import g
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...services import milestones
from ...services.access import get_visible_case
from ...services.uow import UnitOfWork
from . import api
from .auth import token_required
from .helpers import json_body
from .schemas import LocalDateTime


def _name(attr):
    return fields.Function(lambda r: getattr(r, attr).display_name if getattr(r, attr) else None, allow_none=True,
                           metadata={"type": "string", "description": "display name"})


class MilestoneSchema(Schema):
    id = fields.Integer()
    case_id = fields.Integer()
    title = fields.String()
    due_on = fields.Date()
    criterion = fields.String(metadata={"description": "the acceptance criterion (验收标准)"})
    done_on = fields.Date(allow_none=True)
    done_note = fields.String()
    done_by = _name("done_by")
    late = fields.Function(lambda r: milestones.is_late(r), metadata={
        "type": "boolean", "description": "past its due day and not done"})
    created_by = _name("created_by")
    created_at = LocalDateTime()


class PartiesSchema(Schema):
    responsible_name = fields.String(metadata={"description": "整改责任人"})
    responsible_phone = fields.String()
    technical_name = fields.String(metadata={"description": "技术支持人"})
    technical_phone = fields.String()
    supervisor_name = fields.String(metadata={"description": "监督检查人"})
    supervisor_phone = fields.String()
    supervisor_user_id = fields.Integer(allow_none=True)
    updated_at = LocalDateTime()


class CaseMilestonesSchema(Schema):
    case_id = fields.Integer()
    code = fields.String()
    deadline_day = fields.Date(allow_none=True, metadata={"description": "the Shanghai day of the rectification "
                                                                         "deadline; milestones are due by it"})
    editable = fields.Boolean(metadata={"description": "the case is rectifying: milestones may be set"})
    items = fields.List(fields.Nested(MilestoneSchema))
    parties = fields.Nested(PartiesSchema, allow_none=True)


class MilestoneRequestSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(1, milestones.MAX_TITLE))
    due_on = fields.Date(required=True, metadata={"description": "today or later, not after the deadline day"})
    criterion = fields.String(load_default="", validate=validate.Length(max=milestones.MAX_TEXT))


class MilestoneDoneSchema(Schema):
    done_on = fields.Date(required=True, metadata={"description": "not in the future nor before it was set"})
    done_note = fields.String(load_default="", validate=validate.Length(max=milestones.MAX_TEXT))


class PartiesRequestSchema(Schema):
    responsible_name = fields.String(load_default="", validate=validate.Length(max=64))
    responsible_phone = fields.String(load_default="", validate=validate.Length(max=32))
    technical_name = fields.String(load_default="", validate=validate.Length(max=64))
    technical_phone = fields.String(load_default="", validate=validate.Length(max=32))
    supervisor_name = fields.String(load_default="", validate=validate.Length(max=64),
                                    metadata={"description": "defaults to the chosen user's name"})
    supervisor_phone = fields.String(load_default="", validate=validate.Length(max=32))
    supervisor_user_id = fields.Integer(strict=True, allow_none=True, load_default=None, metadata={
        "description": "a user of the supervision group, project team, project leads, bureau or the case's township "
                       "office"})


def _state(case):
    return CaseMilestonesSchema().dump({
        "case_id": case.id, "code": case.code, "deadline_day": milestones.deadline_day(case),
        "editable": milestones.editable(case), "items": milestones.milestones_of(db.session, case.id),
        "parties": milestones.parties_of(db.session, case.id)})


@api.get("/hazards/<int:case_id>/milestones")
@token_required
def case_milestones(case_id):
    return _state(get_visible_case(db.session, g.api_user, case_id))


@api.post("/hazards/<int:case_id>/milestones")
@token_required
def add_milestone(case_id):
    case = get_visible_case(db.session, g.api_user, case_id)  # 404 before anything else
    milestones.check_may_edit(g.api_user, case)  # 403 before the body is read
    body = json_body(MilestoneRequestSchema())
    with UnitOfWork() as uow:
        row = milestones.add(uow, g.api_user, case_id, body)
        uow.commit()
        return MilestoneSchema().dump(row), 201


@api.post("/hazards/<int:case_id>/milestones/<int:milestone_id>/done")
@token_required
def complete_milestone(case_id, milestone_id):
    row = milestones.get_milestone(db.session, g.api_user, case_id, milestone_id)  # 404 before anything else
    milestones.check_may_edit(g.api_user, row.case)  # 403 before the body is read
    body = json_body(MilestoneDoneSchema())
    with UnitOfWork() as uow:
        row = milestones.complete(uow, g.api_user, case_id, milestone_id, body)
        uow.commit()
        return MilestoneSchema().dump(row)


@api.put("/hazards/<int:case_id>/parties")
@token_required
def set_case_parties(case_id):
    get_visible_case(db.session, g.api_user, case_id)
    milestones.check_may_edit_parties(g.api_user)  # 403 before the body is read
    body = json_body(PartiesRequestSchema())
    with UnitOfWork() as uow:
        milestones.set_parties(uow, g.api_user, case_id, body)
        uow.commit()
    return _state(get_visible_case(db.session, g.api_user, case_id))


OPERATIONS = {
    "case_milestones": ("A case's rectification milestones (整改节点, each with `late`) and its three parties (三方职责: "
                        "整改责任人, 技术支持人, 监督检查人); 404 for a case the caller does not see", "milestones", None,
                        None, {"200": CaseMilestonesSchema}),
    "add_milestone": ("Set a milestone (the project lead or the case's enterprise staff, others 403) while the case "
                      "is rectifying (409 otherwise): due today or later and not after the rectification deadline's "
                      "day", "milestones", MilestoneRequestSchema, None, {"201": MilestoneSchema}),
    "complete_milestone": ("Mark a milestone done on a day (not in the future, not before it was set) with a note; "
                           "409 when done already or the case is no longer rectifying", "milestones",
                           MilestoneDoneSchema, None, {"200": MilestoneSchema}),
    "set_case_parties": ("Name the three parties of an open case (the project lead only, others 403; 409 once closed); "
                         "an unchanged body records nothing", "milestones", PartiesRequestSchema, None,
                         {"200": CaseMilestonesSchema}),
}
