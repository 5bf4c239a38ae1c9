"""The meetings register in the API (services/meetings.py), read only and scoped as the pages are: the staff side reads
every meeting; an enterprise token the meetings its enterprise attended, a department token those its department
attended (404 for any other), with the minutes, files and its own action items once the minutes are issued;
township tokens 403. Opening a meeting with issued minutes marks them read for the caller's receipt, as the page does."""
from flask import g
from marshmallow import Schema, fields, validate

from ...models import ACTION_STATUSES, MEETING_KINDS, MEETING_ORGANISERS, MEETING_STATUSES
from ...extensions import db
from ...services import meeting_actions, meeting_minutes, meetings
from ...services.uow import UnitOfWork
from . import api
from .auth import token_required
from .helpers import query_args
from .schemas import LocalDateTime


class NamedSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class AttendeesSchema(Schema):
    enterprises = fields.List(fields.Nested(NamedSchema))
    departments = fields.List(fields.Nested(NamedSchema))
    staff = fields.List(fields.Nested(NamedSchema))
    others = fields.List(fields.String(), metadata={"description": "typed, one per line on the form"})


class ActionItemSchema(Schema):
    id = fields.Integer()
    text = fields.String()
    owner_kind = fields.String(metadata={"enum": ["enterprise", "department", "user"]})
    owner_id = fields.Integer()
    owner = fields.String()
    due_on = fields.Date()
    due_workdays = fields.Integer(allow_none=True, metadata={"description": "as written: working days after the "
                                                                           "meeting's day"})
    status = fields.String(metadata={"enum": list(ACTION_STATUSES)})
    overdue = fields.Boolean()
    note = fields.String()
    closed_at = LocalDateTime(allow_none=True)


class MeetingSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"enum": list(MEETING_KINDS)})
    title = fields.String()
    starts_at = LocalDateTime()
    place = fields.String()
    organiser = fields.String(metadata={"enum": list(MEETING_ORGANISERS)})
    status = fields.String(metadata={"enum": list(MEETING_STATUSES)})
    attendees = fields.Nested(AttendeesSchema)
    agenda = fields.String()
    minutes = fields.String(allow_none=True, metadata={"description": "null until issued for enterprises and "
                                                                      "departments"})
    files = fields.List(fields.Dict(), metadata={"description": "[{id, name}]: GET /meetings/{id}/files/{file id} "
                                                                "(web)"})
    case_codes = fields.List(fields.String(), metadata={"description": "the cases discussed (staff only)"})
    issued_at = LocalDateTime(allow_none=True)
    notice_id = fields.Integer(allow_none=True, metadata={"description": "the 会议纪要 notice the attending "
                                                                        "enterprises sign for (GET /notices/{id})"})
    action_items = fields.List(fields.Nested(ActionItemSchema), metadata={
        "description": "all for the staff; an enterprise's or a department's own once issued"})


class MeetingListSchema(Schema):
    items = fields.List(fields.Nested(MeetingSchema))
    total = fields.Integer()


class MeetingQuery(Schema):
    kind = fields.String(validate=validate.OneOf(list(MEETING_KINDS)))
    status = fields.String(validate=validate.OneOf(list(MEETING_STATUSES)))
    organiser = fields.String(validate=validate.OneOf(list(MEETING_ORGANISERS)))
    enterprise_id = fields.Integer()
    date_from = fields.Date()
    date_to = fields.Date()
    q = fields.String(validate=validate.Length(max=100))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
    offset = fields.Integer(load_default=0, validate=validate.Range(0))


def _item(item):
    return {"id": item.id, "text": item.text, "owner_kind": item.owner_kind,
            "owner_id": item.owner_enterprise_id or item.owner_department_id or item.owner_user_id,
            "owner": item.owner_name, "due_on": item.due_on, "due_workdays": item.due_workdays,
            "status": item.status, "overdue": meeting_actions.is_overdue(item), "note": item.note,
            "closed_at": item.closed_at}


def _meeting(row, user):
    sees = meetings.sees_minutes(user, row)
    attendees = {"enterprises": [], "departments": [], "staff": [], "others": row.other_lines}
    for a in row.attendees:
        key = {"enterprise": "enterprises", "department": "departments", "user": "staff"}[a.kind]
        attendees[key].append({"id": a.enterprise_id or a.department_id or a.user_id, "name": a.name})
    return {"id": row.id, "kind": row.kind, "title": row.title, "starts_at": row.starts_at, "place": row.place,
            "organiser": row.organiser, "status": row.status, "attendees": attendees, "agenda": row.agenda,
            "minutes": row.minutes if sees else None,
            "files": [{"id": a.public_id, "name": a.original_name} for a in row.attachments] if sees else [],
            "case_codes": [c.code for c in row.cases] if meetings.reads_all(user) else [],
            "issued_at": row.issued_at, "notice_id": row.notice_id,
            "action_items": [_item(i) for i in meeting_actions.for_meeting(db.session, user, row)] if sees else []}


@api.get("/meetings")
@token_required
def list_meetings():
    args = query_args(MeetingQuery())
    rows, total = meetings.listing(db.session, g.api_user, meetings.MeetingFilter(
        kind=args.get("kind", ""), status=args.get("status", ""), organiser=args.get("organiser", ""),
        enterprise_id=args.get("enterprise_id"), date_from=args.get("date_from"), date_to=args.get("date_to"),
        text=args.get("q", ""), limit=args["limit"], offset=args["offset"]))
    return MeetingListSchema().dump({"items": [_meeting(r, g.api_user) for r in rows], "total": total})


@api.get("/meetings/<int:meeting_id>")
@token_required
def get_meeting(meeting_id):
    with UnitOfWork() as uow:
        row, _receipt = meeting_minutes.open_meeting(uow, g.api_user, meeting_id)
        uow.commit()
    return MeetingSchema().dump(_meeting(row, g.api_user))


OPERATIONS = {
    "list_meetings": ("Meetings (会议管理: 联席会议, 通报会, 总结会, 座谈会, 动员会, 质量分析会, 会商会), the latest first: "
                      "every one for the staff side; an enterprise or department token those it attended; 403 for "
                      "township offices", "meetings", None, MeetingQuery, {"200": MeetingListSchema}),
    "get_meeting": ("One meeting with its attendees, minutes, files and action items (404 when not visible); opening "
                    "issued minutes marks them read for the caller", "meetings", None, None, {"200": MeetingSchema}),
}
