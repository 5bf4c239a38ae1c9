"""The emergency incident log in the API (services/emergencies.py): the incidents the caller sees — every one for the
county-wide roles, a township token those in its townships / parks, an enterprise token those at its enterprise
(without the internal note) — each with its stage times against their limits; and receiving an incident (project
leads, the project team and inspectors), with the same checks and notices as the page."""
from flask import g
from marshmallow import Schema, fields, validate

from ...clock import clock
from ...extensions import db
from ...models import EMERGENCY_LEVELS, EMERGENCY_STAGES
from ...services import emergencies, emergency_limits
from ...services.uow import UnitOfWork
from . import api
from .auth import token_required
from .helpers import json_body, query_args
from .schemas import LocalDateTime, PageQuery


class StageTimeSchema(Schema):
    stage = fields.String(metadata={"enum": list(EMERGENCY_STAGES)})
    at = LocalDateTime(allow_none=True)
    due = LocalDateTime(allow_none=True, metadata={"description": "its deadline; null while its starting point is "
                                                                  "not reached, or without a limit"})
    limit_minutes = fields.Function(lambda t: int(t.limit.total_seconds() // 60) if t.limit else None,
                                    allow_none=True, metadata={"type": "integer"})
    state = fields.String(metadata={"enum": list(emergency_limits.STATES)})
    late = fields.Function(lambda t: t.is_late, metadata={"type": "boolean"})


class EmergencySchema(Schema):
    id = fields.Integer()
    code = fields.String()
    received_at = LocalDateTime()
    received_by = fields.Function(lambda r: r.received_by.username, metadata={"type": "string"})
    reporter = fields.String()
    reporter_contact = fields.String()
    enterprise_id = fields.Integer(allow_none=True)
    enterprise = fields.Function(lambda r: r.enterprise.name if r.enterprise else None, allow_none=True,
                                 metadata={"type": "string"})
    township = fields.String()
    place = fields.String()
    description = fields.String()
    level = fields.String(metadata={"enum": list(EMERGENCY_LEVELS), "description": "major I 级, larger II 级, "
                                                                                   "general III 级"})
    handling_note = fields.String()
    internal_note = fields.String(allow_none=True, metadata={"description": "null for enterprise tokens"})
    stages = fields.List(fields.Nested(StageTimeSchema))
    late_stages = fields.List(fields.String(metadata={"enum": list(EMERGENCY_STAGES)}))
    responders = fields.Function(lambda r: [p.user.username for p in r.responders],
                                 metadata={"type": "array", "items": {"type": "string"}})
    instruments = fields.Function(lambda r: [{"asset_no": i.instrument.asset_no, "loan_id": i.loan_id,
                                              "returned": i.loan.returned_at is not None} for i in r.instruments],
                                  metadata={"type": "array", "items": {"type": "object"}})
    report = fields.Function(lambda r: {"cause": r.report_cause, "handling": r.report_handling,
                                        "lessons": r.report_lessons, "improvements": r.report_improvements}
                             if r.closed_at else None, allow_none=True,
                             metadata={"type": "object", "description": "事件分析报告, once closed"})
    case_code = fields.Function(lambda r: r.case.code if r.case else None, allow_none=True,
                                metadata={"type": "string"})


class EmergencyListSchema(Schema):
    items = fields.List(fields.Nested(EmergencySchema))
    total = fields.Integer()


class EmergencyQuery(PageQuery):
    level = fields.String(validate=validate.OneOf(list(EMERGENCY_LEVELS)))
    state = fields.String(validate=validate.OneOf(["open", "closed"]))
    late = fields.Boolean(metadata={"description": "only incidents with a stage late (done late or overdue now)"})
    enterprise_id = fields.Integer()
    township = fields.String(validate=validate.Length(max=64))
    date_from = fields.Date(metadata={"description": "received on or after this day (Asia/Shanghai)"})
    date_to = fields.Date()
    q = fields.String(validate=validate.Length(max=emergencies.MAX_QUERY))


class ReceiveSchema(Schema):
    received_at = fields.String(load_default="", metadata={
        "description": "ISO 8601 (a time without zone is Asia/Shanghai); default now; not in the future"})
    received_by_id = fields.Integer(load_default=None, allow_none=True, metadata={
        "description": "a staff user; default the one on duty today, else the caller"})
    reporter = fields.String(required=True)
    reporter_contact = fields.String(load_default="")
    enterprise_id = fields.Integer(load_default=None, allow_none=True)
    township = fields.String(load_default="", metadata={"description": "without an enterprise: a township / park "
                                                                        "of the register"})
    place = fields.String(required=True)
    description = fields.String(required=True)
    level = fields.String(required=True, validate=validate.OneOf(list(EMERGENCY_LEVELS)))
    handling_note = fields.String(load_default="")
    internal_note = fields.String(load_default="")


def dump(row, user, now):
    data = EmergencySchema().dump(row)
    times = emergency_limits.timeline(row, now)
    data["stages"] = StageTimeSchema(many=True).dump(times)
    data["late_stages"] = [t.stage for t in times if t.is_late]
    if not emergencies.sees_internal(user, row):
        data["internal_note"] = None
    return data


@api.get("/emergencies")
@token_required
def list_emergencies():
    args = query_args(EmergencyQuery())
    rows = emergencies.listing(db.session, g.api_user, emergencies.EmergencyFilter(
        level=args.get("level", ""), state=args.get("state", ""), late=args.get("late", False),
        enterprise_id=args.get("enterprise_id"), township=args.get("township", ""), date_from=args.get("date_from"),
        date_to=args.get("date_to"), text=args.get("q", "")))
    now = clock.now()
    page = rows[args["offset"]:args["offset"] + args["limit"]]
    return {"items": [dump(r, g.api_user, now) for r in page], "total": len(rows)}


@api.get("/emergencies/<int:event_id>")
@token_required
def get_emergency(event_id):
    return dump(emergencies.get(db.session, g.api_user, event_id), g.api_user, clock.now())


@api.post("/emergencies")
@token_required
def receive_emergency():
    emergencies.check_may_read(g.api_user)
    emergencies.check_may_write(g.api_user)
    body = json_body(ReceiveSchema())
    with UnitOfWork() as uow:
        row = emergencies.receive(uow, g.api_user, body)
        uow.commit()
        return dump(row, g.api_user, clock.now()), 201


OPERATIONS = {
    "list_emergencies": ("Emergency incidents (突发状况接报与处置), the latest received first, each with its stage "
                         "times, deadlines and lateness computed now: all for the county-wide roles, a township "
                         "token its townships' / parks', an enterprise token its enterprise's (internal_note null); "
                         "403 for department tokens", "emergencies", None, EmergencyQuery,
                         {"200": EmergencyListSchema}),
    "get_emergency": ("One incident (404 when not visible)", "emergencies", None, None, {"200": EmergencySchema}),
    "receive_emergency": ("Receive an incident (接报登记; project leads, the project team and inspectors): a 重大 "
                          "or 较大 one notifies the bureau and the project leads at once. 400 names each wrong field",
                          "emergencies", ReceiveSchema, None, {"201": EmergencySchema}),
}
