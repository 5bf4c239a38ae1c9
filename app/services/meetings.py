"""The meetings register (会议管理; models/meeting.py): who may do what, reading and listing, planning and editing a
meeting. The minutes and their issuing are in meeting_minutes.py, the action items in meeting_actions.py, the
commitments check in meeting_commitments.py.

Who: the bureau and the contractor's project leads organise (plan, edit, record and issue the minutes, add and cancel
action items). Every other staff role reads every meeting (the contractor's team, supervision, quality, experts,
inspectors, managers, administrators …). An enterprise's staff see only the meetings their enterprise attended —
the minutes, the files and their own action items once the minutes are issued — and a department's users
(部门用户) likewise those their department attended; any other meeting does not exist for them (NotFound).
Township offices: NotAllowed (their area's cases are elsewhere; meetings are county business)."""
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import delete, insert, or_, select

from ..clock import SHANGHAI, clock
from ..errors import Conflict, NotAllowed, NotFound
from ..models import (MEETING_KINDS, MEETING_ORGANISERS, MEETING_STATUSES, Department, Enterprise, HazardCase,
                      Meeting, MeetingAttendee, MeetingCase, User, UserRole)
from . import audit, meeting_files
from .field_rules import aware_moment, clean_text, raise_if, row_id

WRITERS = ("bureau", "project_lead")
# Roles that never read the whole register: each sees its own part (or nothing).
OUTSIDE_ROLES = ("enterprise", "department", "township")
SUBJECT = "meeting"
MAX_TITLE, MAX_PLACE, MAX_TEXT, MAX_MINUTES, MAX_CASES, MAX_OTHERS = 200, 200, 8000, 20000, 50, 4000
FIELDS = ("kind", "title", "starts_at", "place", "organiser", "others", "agenda", "case_codes", "enterprise_ids",
          "department_ids", "staff_ids")


# ---- who ---------------------------------------------------------------------------------------------------------
def may_write(user):
    return user.has_role(*WRITERS)


def reads_all(user):
    return bool(user.roles - set(OUTSIDE_ROLES))


def own_enterprise(user):
    return user.enterprise_id if "enterprise" in user.roles and user.enterprise_id else None


def own_department(user):
    return user.department_id if "department" in user.roles and user.department_id else None


def may_read(user):
    return reads_all(user) or own_enterprise(user) is not None or own_department(user) is not None


def check_may_read(user):
    if not may_read(user):
        raise NotAllowed("会议记录供应急管理局、技术服务机构人员和参会企业、部门查看 / meetings are for the bureau, the "
                         "contractor's staff and the enterprises and departments that attended")


def check_may_write(user):
    check_may_read(user)
    if not may_write(user):
        raise NotAllowed("只有应急管理局和项目负责人可以组织会议、登记和印发纪要 / only the bureau and project leads "
                         "organise meetings and record and issue their minutes")


def sees_minutes(user, meeting):
    """The minutes, files and action items: the staff at once; attending enterprises and departments once issued."""
    return reads_all(user) or meeting.status == "issued"


# ---- reading -----------------------------------------------------------------------------------------------------
def attended_condition(user):
    """SQL: the meeting is visible to the user (every one for the staff side)."""
    if reads_all(user):
        return Meeting.id.isnot(None)
    enterprise, department = own_enterprise(user), own_department(user)
    column, value = (MeetingAttendee.enterprise_id, enterprise) if enterprise else \
        (MeetingAttendee.department_id, department)
    return Meeting.id.in_(select(MeetingAttendee.meeting_id).where(column == (value or 0)))


def get(session, user, meeting_id, for_update=False):
    """The meeting if the user may see it; NotFound otherwise."""
    check_may_read(user)
    number = row_id(meeting_id)
    row = None
    if number is not None:
        query = session.query(Meeting).filter(Meeting.id == number, attended_condition(user))
        row = (query.with_for_update() if for_update else query).first()
    if row is None:
        raise NotFound("会议不存在 / meeting not found")
    return row


@dataclass
class MeetingFilter:
    kind: str = ""
    status: str = ""
    organiser: str = ""
    enterprise_id: int = None
    date_from: object = None  # Shanghai days, both included
    date_to: object = None
    text: str = ""
    limit: int = 50
    offset: int = 0


def day_start(day):
    return datetime.combine(day, time(0), tzinfo=SHANGHAI)


def listing(session, user, flt):
    """(a page of meetings, how many match), the latest first."""
    check_may_read(user)
    query = session.query(Meeting).filter(attended_condition(user))
    if flt.kind:
        query = query.filter(Meeting.kind == flt.kind)
    if flt.status:
        query = query.filter(Meeting.status == flt.status)
    if flt.organiser:
        query = query.filter(Meeting.organiser == flt.organiser)
    if flt.enterprise_id:
        query = query.filter(Meeting.id.in_(select(MeetingAttendee.meeting_id).where(
            MeetingAttendee.enterprise_id == flt.enterprise_id)))
    if flt.date_from:
        query = query.filter(Meeting.starts_at >= day_start(flt.date_from))
    if flt.date_to:
        query = query.filter(Meeting.starts_at < day_start(flt.date_to + timedelta(days=1)))
    if flt.text:
        like = f"%{flt.text}%"
        query = query.filter(or_(Meeting.title.ilike(like), Meeting.place.ilike(like), Meeting.agenda.ilike(like)))
    total = query.count()
    query = query.order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    if flt.limit:
        query = query.limit(flt.limit).offset(flt.offset)
    return query.all(), total


def staff_choices(session):
    """Active users of the staff side (any role but an enterprise's, a department's or a township office's)."""
    outside_only = select(UserRole.user_id).where(UserRole.role.not_in(OUTSIDE_ROLES))
    return session.query(User).filter(User.active.is_(True), User.id.in_(outside_only)) \
        .order_by(User.display_name, User.id).all()


def choices(session):
    return {"enterprises": session.query(Enterprise).order_by(Enterprise.name, Enterprise.id).all(),
            "departments": session.query(Department).filter(Department.active.is_(True))
            .order_by(Department.name).all(),
            "staff": staff_choices(session)}


def for_case(session, user, case_id):
    """The general meetings that discussed a case, for the staff side (the case page's card); [] for others."""
    if not reads_all(user):
        return []
    return session.query(Meeting).filter(Meeting.id.in_(select(MeetingCase.meeting_id).where(
        MeetingCase.case_id == case_id))).order_by(Meeting.starts_at.desc()).all()


# ---- checking ----------------------------------------------------------------------------------------------------
def _ids(value):
    values = value if isinstance(value, (list, tuple)) else ([] if value in (None, "") else [value])
    ids = [row_id(v) for v in values]
    return sorted({i for i in ids if i is not None}) if all(i is not None for i in ids) else None


def _known(session, model, ids, errors, name, message, extra=None):
    if ids is None:
        errors[name] = message
        return []
    if not ids:
        return []
    query = session.query(model.id).filter(model.id.in_(ids))
    if extra is not None:
        query = query.filter(extra)
    if query.count() != len(ids):
        errors[name] = message
    return ids


def _case_ids(session, text, errors):
    codes = [c for c in str(text or "").replace("，", " ").replace(",", " ").replace("、", " ").split() if c]
    codes = list(dict.fromkeys(codes))
    if len(codes) > MAX_CASES:
        errors["case_codes"] = f"最多关联 {MAX_CASES} 个案件 / at most {MAX_CASES} cases"
        return []
    found = dict(session.query(HazardCase.code, HazardCase.id).filter(HazardCase.code.in_(codes or [""])))
    unknown = [c for c in codes if c not in found]
    if unknown:
        errors["case_codes"] = f"案件编号不存在：{'、'.join(unknown[:5])} / unknown case code: {', '.join(unknown[:5])}"
    return sorted(found[c] for c in codes if c in found)


def clean(session, values, status="planned"):
    """(the stored values, the attendees {"enterprise": ids, "department": ids, "user": ids}, the case ids) of a
    form or a body; ValidationFailed names every wrong field. A meeting already held cannot be moved to the future."""
    errors = {}
    kind = values.get("kind")
    if kind not in MEETING_KINDS:
        errors["kind"] = "请选择会议类别 / choose the kind of meeting"
    title = clean_text(values.get("title"), MAX_TITLE, "title", errors)
    if not title and "title" not in errors:
        errors["title"] = "请填写会议名称 / give the meeting's title"
    raw = values.get("starts_at")
    starts_at = aware_moment(raw) if isinstance(raw, str) else raw
    if starts_at is None:
        errors["starts_at"] = "请填写会议时间，如 2026-11-20T09:00 / enter when it starts, e.g. 2026-11-20T09:00"
    elif status != "planned" and starts_at > clock.now():
        errors["starts_at"] = "会议已召开，时间不能晚于现在 / the meeting has been held: its time cannot be in the future"
    place = clean_text(values.get("place"), MAX_PLACE, "place", errors)
    organiser = values.get("organiser")
    if organiser not in MEETING_ORGANISERS:
        errors["organiser"] = "请选择组织单位 / choose who organises it"
    others = clean_text(values.get("others"), MAX_OTHERS, "others", errors)
    agenda = clean_text(values.get("agenda"), MAX_TEXT, "agenda", errors)
    who = {
        "enterprise": _known(session, Enterprise, _ids(values.get("enterprise_ids")), errors, "enterprise_ids",
                             "企业不存在 / unknown enterprise"),
        "department": _known(session, Department, _ids(values.get("department_ids")), errors, "department_ids",
                             "部门不存在 / unknown department"),
        "user": _known(session, User, _ids(values.get("staff_ids")), errors, "staff_ids",
                       "参会人员须为在职的工作人员 / staff attendees are active staff users",
                       User.id.in_([u.id for u in staff_choices(session)])),
    }
    if not any(who.values()) and not others and not {"enterprise_ids", "department_ids", "staff_ids"} & set(errors):
        errors["enterprise_ids"] = "请至少选择或填写一类参会单位或人员 / name at least one attendee"
    case_ids = _case_ids(session, values.get("case_codes"), errors)
    raise_if(errors)
    return {"kind": kind, "title": title, "starts_at": starts_at, "place": place, "organiser": organiser,
            "others": "\n".join(line.strip() for line in others.splitlines() if line.strip()),
            "agenda": agenda}, who, case_ids


# ---- writing -----------------------------------------------------------------------------------------------------
def create(uow, user, values, file_ids=()):
    """Plan a meeting (status planned); its minutes are recorded once it is held (meeting_minutes.record)."""
    check_may_write(user)
    fields, who, case_ids = clean(uow.session, values)
    now = clock.now()
    row = Meeting(status="planned", minutes="", created_by_id=user.id, created_at=now, updated_at=now, **fields)
    uow.session.add(row)
    uow.session.flush()
    _set_attendees(uow, row, who)
    _set_cases(uow, row, case_ids)
    meeting_files.attach(uow, user, row, file_ids)
    after = snapshot(uow.session, fields, who, case_ids)
    audit.record(uow, None, user, "meeting_planned", changes={k: [None, v] for k, v in after.items() if v},
                 details=details(row), subject=(SUBJECT, row.id))
    return row


def update(uow, user, meeting_id, values, file_ids=(), removed_file_ids=()):
    """Change a planned or held meeting; one whose minutes are issued is not changed (Conflict)."""
    row = get(uow.session, user, meeting_id, for_update=True)
    check_may_write(user)
    if row.status == "issued":
        raise Conflict("会议纪要已印发，会议信息不能再修改 / the minutes have been issued: the meeting is not changed")
    fields, who, case_ids = clean(uow.session, values, row.status)
    before = snapshot(uow.session, {k: getattr(row, k) for k in fields}, attendee_ids(row), [c.id for c in row.cases])
    for name, value in fields.items():
        setattr(row, name, value)
    row.updated_at = clock.now()
    _set_attendees(uow, row, who)
    _set_cases(uow, row, case_ids)
    removed = meeting_files.detach(uow, row, removed_file_ids)
    added = meeting_files.attach(uow, user, row, file_ids)
    uow.session.flush()
    uow.session.expire(row, ["attachments", "attendees", "cases"])
    after = snapshot(uow.session, fields, who, case_ids)
    changes = {k: [before[k], v] for k, v in after.items() if before[k] != v}
    if added or removed:
        changes["meeting_files"] = [removed, added]
    audit.record(uow, None, user, "meeting_updated", changes=changes, details=details(row), subject=(SUBJECT, row.id))
    return row


def attendee_ids(row):
    who = {"enterprise": [], "department": [], "user": []}
    for a in row.attendees:
        who[a.kind].append(a.enterprise_id or a.department_id or a.user_id)
    return {k: sorted(v) for k, v in who.items()}


def snapshot(session, fields, who, case_ids):
    """The audited values (keys "meeting_<field>", named in the audit log): the fields, the attendees' and cases'
    names (what a reader recognises)."""
    shown = dict(fields)
    shown["starts_at"] = fields["starts_at"].astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    for kind, model, name in (("enterprise", Enterprise, "enterprises"), ("department", Department, "departments"),
                              ("user", User, "staff")):
        column = model.display_name if model is User else model.name
        ids = who.get(kind) or []
        shown[name] = sorted(n for (n,) in session.query(column).filter(model.id.in_(ids))) if ids else []
    shown["cases"] = sorted(c for (c,) in session.query(HazardCase.code).filter(HazardCase.id.in_(case_ids))) \
        if case_ids else []
    return {f"meeting_{k}": v for k, v in shown.items()}


_COLUMNS = {"enterprise": MeetingAttendee.enterprise_id, "department": MeetingAttendee.department_id,
            "user": MeetingAttendee.user_id}


def _set_attendees(uow, row, who):
    """Keep the rows (and their receipts) of those still listed, drop the others, add the new ones."""
    session = uow.session
    for kind, column in _COLUMNS.items():
        ids = who.get(kind) or []
        session.execute(delete(MeetingAttendee).where(MeetingAttendee.meeting_id == row.id, column.isnot(None),
                                                      column.not_in(ids or [0])))
        have = {i for (i,) in session.query(column).filter(MeetingAttendee.meeting_id == row.id, column.isnot(None))}
        new = [{"meeting_id": row.id, column.key: i} for i in ids if i not in have]
        if new:
            session.execute(insert(MeetingAttendee), new)


def _set_cases(uow, row, case_ids):
    session = uow.session
    session.execute(delete(MeetingCase).where(MeetingCase.meeting_id == row.id,
                                              MeetingCase.case_id.not_in(case_ids or [0])))
    have = {c for (c,) in session.query(MeetingCase.case_id).filter_by(meeting_id=row.id)}
    new = [{"meeting_id": row.id, "case_id": c} for c in case_ids if c not in have]
    if new:
        session.execute(insert(MeetingCase), new)


def details(row):
    return {"meeting_id": row.id, "title": row.title, "kind": row.kind}


def status_label(code):
    return MEETING_STATUSES.get(code, (code,))[0]
