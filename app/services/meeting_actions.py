"""A meeting's action items (问题清单 / 督办事项, seed 000 line 712 "形成问题清单进行跟踪处理", line 730 "建立跟踪台账，确保各项
承诺落地", line 866 "形成改进措施清单并跟踪落实"): what was decided, whose it is — an enterprise, a department or a staff
user — and by when (a day, or working days from the meeting's day on the working-day calendar).

- The organisers (the bureau, project leads) add items once the meeting is held and cancel open ones with a note.
- Only the owner marks an item done, with a note: the owning enterprise's staff, the owning department's users, the
  owning staff user (others: NotAllowed; an enterprise or department that cannot see the item: NotFound).
- The items are published with the minutes: their owners are told when the minutes are issued (or when an item is
  added afterwards), and an enterprise or department sees its own items from then on.
- An open item past its day is urged once (a daily scheduler job): its owner and the organising side (the bureau's
  users, or the project leads for a meeting the contractor organised) are told."""
from dataclasses import dataclass
from sqlalchemy import or_, update

from ..clock import SHANGHAI, clock
from ..errors import Conflict, NotAllowed, NotFound
from ..models import ACTION_STATUSES, Meeting, MeetingAction
from . import audit, bureau_notices, calendar, notifications
from .field_rules import clean_text, parse_date, raise_if, row_id
from .meeting_minutes import department_users, meeting_key
from .meetings import (SUBJECT, attended_condition, check_may_read, check_may_write, details, get, own_department,
                       own_enterprise, reads_all, staff_choices)

MAX_TEXT, MAX_NOTE, MAX_WORKDAYS = 2000, 2000, 120
ASSIGNED_KIND = "meeting_action_assigned"
DONE_KIND = "meeting_action_done"
OVERDUE_KIND = "meeting_action_overdue"
ORGANISER_ROLES = {"bureau": ("bureau",), "contractor": ("project_lead",)}
OWNER_KINDS = ("enterprise", "department", "user")


# ---- reading -----------------------------------------------------------------------------------------------------
def _visible(session, user):
    """The items the user sees: all for the staff side; an enterprise's or a department's own, of meetings it
    attended whose minutes are issued."""
    query = session.query(MeetingAction).join(Meeting, Meeting.id == MeetingAction.meeting_id)
    if reads_all(user):
        return query
    enterprise, department = own_enterprise(user), own_department(user)
    owner = MeetingAction.owner_enterprise_id == enterprise if enterprise else \
        MeetingAction.owner_department_id == (department or 0)
    return query.filter(owner, Meeting.status == "issued", attended_condition(user))


def for_meeting(session, user, row):
    """The meeting's items the user sees, in order."""
    return _visible(session, user).filter(MeetingAction.meeting_id == row.id).order_by(MeetingAction.id).all()


def get_item(session, user, action_id, for_update=False):
    check_may_read(user)
    number = row_id(action_id)
    item = None
    if number is not None:
        query = _visible(session, user).filter(MeetingAction.id == number)
        item = (query.with_for_update(of=MeetingAction) if for_update else query).first()
    if item is None:
        raise NotFound("督办事项不存在 / action item not found")
    return item


def is_overdue(item, today=None):
    return item.status == "open" and item.due_on < (today or clock.local_now().date())


def is_owner(user, item):
    if item.owner_enterprise_id:
        return own_enterprise(user) == item.owner_enterprise_id
    if item.owner_department_id:
        return own_department(user) == item.owner_department_id
    return item.owner_user_id == user.id


@dataclass
class ActionFilter:
    status: str = "open"  # "" for all
    owner_kind: str = ""
    meeting_kind: str = ""
    overdue: bool = False
    mine: bool = False
    text: str = ""
    limit: int = 100
    offset: int = 0


def listing(session, user, flt):
    """(a page of items, how many match): the earliest due first."""
    check_may_read(user)
    query = _visible(session, user)
    if flt.status:
        query = query.filter(MeetingAction.status == flt.status)
    column = {"enterprise": MeetingAction.owner_enterprise_id, "department": MeetingAction.owner_department_id,
              "user": MeetingAction.owner_user_id}.get(flt.owner_kind)
    if column is not None:
        query = query.filter(column.isnot(None))
    if flt.meeting_kind:
        query = query.filter(Meeting.kind == flt.meeting_kind)
    if flt.overdue:
        query = query.filter(MeetingAction.status == "open", MeetingAction.due_on < clock.local_now().date())
    if flt.mine:
        query = query.filter(MeetingAction.owner_user_id == user.id)
    if flt.text:
        like = f"%{flt.text}%"
        query = query.filter(or_(MeetingAction.text.ilike(like), Meeting.title.ilike(like)))
    total = query.count()
    query = query.order_by(MeetingAction.due_on, MeetingAction.id)
    if flt.limit:
        query = query.limit(flt.limit).offset(flt.offset)
    return query.all(), total


def owner_choices(session, row):
    """What an item's owner may be: the attending enterprises and departments (they see the meeting), any active
    staff user. [(value, name)] grouped by kind, values "enterprise:<id>", "department:<id>", "user:<id>"."""
    attending = [a for a in row.attendees if a.enterprise_id or a.department_id]
    return {"enterprise": [(f"enterprise:{a.enterprise_id}", a.enterprise.name) for a in attending
                           if a.enterprise_id],
            "department": [(f"department:{a.department_id}", a.department.name) for a in attending
                           if a.department_id],
            "user": [(f"user:{u.id}", u.display_name) for u in staff_choices(session)]}


# ---- writing -----------------------------------------------------------------------------------------------------
def _clean_owner(session, row, value, errors):
    kind, _sep, number = str(value or "").partition(":")
    owner_id = row_id(number)
    if kind not in OWNER_KINDS or owner_id is None:
        errors["owner"] = "请选择责任单位或责任人 / choose whose item it is"
        return None
    if kind == "user":
        if owner_id not in {u.id for u in staff_choices(session)}:
            errors["owner"] = "责任人须为在职的工作人员 / the owner is an active staff user"
    elif not any((a.enterprise_id if kind == "enterprise" else a.department_id) == owner_id for a in row.attendees):
        errors["owner"] = "责任企业或部门须为参会单位 / an owning enterprise or department is one that attended"
    return kind, owner_id


def _clean_due(row, values, errors):
    """(due day, working days or None)."""
    day = parse_date(values.get("due_on"), "due_on", errors)
    raw = values.get("due_workdays")
    workdays = None
    if raw not in (None, ""):
        text = str(raw).strip()
        workdays = int(text) if text.isascii() and text.isdigit() and len(text) < 4 else None
        if workdays is None or not 1 <= workdays <= MAX_WORKDAYS:
            errors["due_workdays"] = f"请填写 1 到 {MAX_WORKDAYS} 之间的工作日数 / give 1 to {MAX_WORKDAYS} working days"
    if "due_on" in errors or "due_workdays" in errors:
        return None, None
    if day is not None and workdays is not None:
        errors["due_workdays"] = "完成期限请只填日期或工作日数之一 / give a day or working days, not both"
    elif day is None and workdays is None:
        errors["due_on"] = "请填写完成期限（日期或工作日数） / give the due day or a number of working days"
    elif workdays is not None:
        day = calendar.add_workdays(row.starts_at, workdays).moment.astimezone(SHANGHAI).date()
    elif day < row.starts_at.astimezone(SHANGHAI).date():
        errors["due_on"] = "完成期限不能早于会议日期 / the due day cannot be before the meeting"
    return day, workdays


def add(uow, user, meeting_id, values):
    """An item of a held meeting (once its minutes are issued its owner is told at once)."""
    session = uow.session
    row = get(session, user, meeting_id, for_update=True)
    check_may_write(user)
    if row.status == "planned":
        raise Conflict("会议召开并登记纪要后才能登记督办事项 / action items are added once the meeting is held")
    errors = {}
    text = clean_text(values.get("text"), MAX_TEXT, "text", errors)
    if not text and "text" not in errors:
        errors["text"] = "请填写督办事项 / describe the action item"
    owner = _clean_owner(session, row, values.get("owner"), errors)
    due_on, workdays = _clean_due(row, values, errors)
    raise_if(errors)
    kind, owner_id = owner
    item = MeetingAction(meeting_id=row.id, text=text, due_on=due_on, due_workdays=workdays, status="open", note="",
                         created_by_id=user.id, created_at=clock.now(), **{f"owner_{kind}_id": owner_id})
    session.add(item)
    session.flush()
    session.refresh(item)
    audit.record(uow, None, user, "meeting_action_added", changes={
        "action_text": [None, text], "action_owner": [None, item.owner_name],
        "action_due_on": [None, due_on.isoformat()]}, details={**details(row), "action_id": item.id},
        subject=(SUBJECT, row.id))
    if row.status == "issued":
        _tell_owner(uow, row, item)
    return item


def announce_open(uow, row):
    """Tell the owners of the meeting's open items (its minutes were just issued); how many items."""
    items = uow.session.query(MeetingAction).filter_by(meeting_id=row.id, status="open").order_by(MeetingAction.id)
    count = 0
    for item in items:
        _tell_owner(uow, row, item)
        count += 1
    return count


def _tell_owner(uow, row, item):
    notifications.send(uow, owner_people(uow.session, item), ASSIGNED_KIND, f"会议督办事项：{row.title}"[:200],
                       f"{item.text[:150]} 完成期限 {item.due_on.isoformat()}。",
                       meeting_key(row.id, f"action:{item.id}:assigned"))


def owner_people(session, item):
    """The active users who act for the item's owner."""
    if item.owner_enterprise_id:
        return bureau_notices.staff_of(session, [item.owner_enterprise_id])
    if item.owner_department_id:
        return department_users(session, [item.owner_department_id])
    return [item.owner_user] if item.owner_user.active else []


def complete(uow, user, action_id, note):
    """The owner marks an open item done with a note."""
    session = uow.session
    item = get_item(session, user, action_id, for_update=True)
    if not is_owner(user, item):
        raise NotAllowed("只有责任单位或责任人可以标记督办事项完成 / only the item's owner marks it done")
    return _close(uow, user, item, "done", note, "meeting_action_done", "请填写完成情况 / say what was done")


def cancel(uow, user, action_id, note):
    """An organiser cancels an open item with the reason."""
    session = uow.session
    item = get_item(session, user, action_id, for_update=True)
    check_may_write(user)
    return _close(uow, user, item, "cancelled", note, "meeting_action_cancelled",
                  "请填写取消原因 / give the reason for cancelling")


def _close(uow, user, item, status, note, action, missing):
    if item.status != "open":
        raise Conflict(f"督办事项已{ACTION_STATUSES[item.status][0]} / the action item is "
                       f"{ACTION_STATUSES[item.status][1].lower()} already")
    errors = {}
    note = clean_text(note, MAX_NOTE, "note", errors)
    if not note and "note" not in errors:
        errors["note"] = missing
    raise_if(errors)
    item.status, item.note, item.closed_by_id, item.closed_at = status, note, user.id, clock.now()
    uow.session.flush()
    row = item.meeting
    audit.record(uow, None, user, action, changes={"action_status": ["open", status], "action_note": [None, note]},
                 details={**details(row), "action_id": item.id, "action_text": item.text[:200]},
                 subject=(SUBJECT, row.id))
    if status == "done":
        organisers = [u for u in organiser_people(uow, row) if u.id != user.id]
        notifications.send(uow, organisers, DONE_KIND, f"督办事项已完成：{row.title}"[:200],
                           f"{item.owner_name}：{item.text[:100]} —— {note[:100]}",
                           meeting_key(row.id, f"action:{item.id}:done"))
    return item


def organiser_people(uow, row):
    return notifications.role_holders(uow, ORGANISER_ROLES.get(row.organiser, ("bureau",)))


def urge_overdue(uow):
    """Once per item: an open item of issued minutes past its due day — its owner and the organising side are
    told. Returns how many items were urged."""
    session = uow.session
    today = clock.local_now().date()
    due = [i for (i,) in session.query(MeetingAction.id).join(Meeting, Meeting.id == MeetingAction.meeting_id).filter(
        MeetingAction.status == "open", MeetingAction.due_on < today, MeetingAction.urged_at.is_(None),
        Meeting.status == "issued").order_by(MeetingAction.id)]
    urged = 0
    for action_id in due:
        # Claimed by a conditional update: a second scheduler (PostgreSQL allows several) finds it taken.
        if not session.execute(update(MeetingAction).where(MeetingAction.id == action_id,
                                                           MeetingAction.urged_at.is_(None),
                                                           MeetingAction.status == "open")
                               .values(urged_at=clock.now())).rowcount:
            continue
        item = session.get(MeetingAction, action_id)
        session.refresh(item)
        row = item.meeting
        people = {u.id: u for u in owner_people(session, item) + organiser_people(uow, row)}
        notifications.send(uow, sorted(people.values(), key=lambda u: u.id), OVERDUE_KIND,
                           f"督办事项逾期未完成：{row.title}"[:200],
                           f"{item.owner_name}：{item.text[:120]} 完成期限 {item.due_on.isoformat()}，已逾期。",
                           meeting_key(row.id, f"action:{item.id}:overdue"))
        audit.record(uow, None, None, "meeting_action_urged", details={
            **details(row), "action_id": item.id, "due_on": item.due_on.isoformat(), "told": len(people)},
            subject=(SUBJECT, row.id))
        urged += 1
    return urged

