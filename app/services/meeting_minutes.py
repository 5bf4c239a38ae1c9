"""A meeting's minutes (会议纪要, seed 000 line 337 "会议纪要自动归档并推送至参会单位", line 730 "形成会议纪要并建立跟踪
台账"): recorded once the meeting is held, then issued to those who attended, who read and sign for them (签收).

Issuing reuses the bureau's notices (services/bureau_notices.py) for the attending enterprises: a notice of kind
会议纪要 is published to exactly those enterprises, so their staff are told in-app and over the outbox, see it among
their notices, open it (已读) and sign for it (签收, with a reply) as for any notice, and the organisers see the
receipts, urge and export them there (a sign-by deadline in working days urges automatically once it passes). The
staff and departments who attended are told too; their receipt is kept on their attendee row (read when they open
the meeting, signed with the button), as the notice receipts are per enterprise only. Issued minutes are not changed."""
from sqlalchemy import update

from ..clock import SHANGHAI, clock
from ..errors import Conflict, NotAllowed
from ..models import BureauNoticeRecipient, MeetingAttendee, Notification, User, UserRole
from . import audit, bureau_notice_receipts, bureau_notices, meeting_files, notifications
from .field_rules import clean_text, raise_if
from .meetings import (MAX_MINUTES, SUBJECT, check_may_write, details, get, own_department, own_enterprise,
                       reads_all)

ISSUED_KIND = "meeting_minutes_issued"  # to the staff and departments who attended
SIGN_WORKDAYS = 3  # the form's default sign-by deadline of the enterprises' receipts
MAX_SIGN_WORKDAYS = bureau_notices.MAX_WORKDAYS
AUDIT_TEXT = 1000  # the minutes' text kept in the audit row (the full text is the meeting's)


def meeting_key(meeting_id, event):
    return f"{SUBJECT}:{meeting_id}:{event}"


def meeting_of_key(dedup_key):
    """The meeting a notification is about (its id), from its dedup key; None for other notifications."""
    parts = (dedup_key or "").split(":")
    return int(parts[1]) if len(parts) >= 3 and parts[0] == SUBJECT and parts[1].isdigit() else None


def record(uow, user, meeting_id, minutes, file_ids=(), removed_file_ids=()):
    """Record (or correct) the minutes of a meeting that has begun: planned → held. Issued minutes: Conflict."""
    session = uow.session
    row = get(session, user, meeting_id, for_update=True)
    check_may_write(user)
    if row.status == "issued":
        raise Conflict("会议纪要已印发，不能修改 / the minutes have been issued and are not changed")
    if row.starts_at > clock.now():
        raise Conflict("会议尚未召开，不能登记纪要 / the meeting has not begun: its minutes cannot be recorded yet")
    errors = {}
    text = clean_text(minutes, MAX_MINUTES, "minutes", errors)
    if not text and "minutes" not in errors:
        errors["minutes"] = "请填写会议纪要 / write the minutes"
    raise_if(errors)
    before = {"meeting_status": row.status, "meeting_minutes": _short(row.minutes)}
    row.minutes, row.status, row.minutes_by_id, row.minutes_at = text, "held", user.id, clock.now()
    row.updated_at = row.minutes_at
    removed = meeting_files.detach(uow, row, removed_file_ids)
    added = meeting_files.attach(uow, user, row, file_ids)
    session.flush()
    session.expire(row, ["attachments"])
    after = {"meeting_status": "held", "meeting_minutes": _short(text)}
    changes = {k: [before[k], v] for k, v in after.items() if before[k] != v}
    if added or removed:
        changes["meeting_files"] = [removed, added]
    audit.record(uow, None, user, "meeting_minutes_recorded", changes=changes, details=details(row),
                 subject=(SUBJECT, row.id))
    return row


def _short(text):
    text = text or ""
    return text if len(text) <= AUDIT_TEXT else text[:AUDIT_TEXT] + "…"


def _clean_workdays(value, errors):
    if value in (None, ""):
        return None
    text = str(value).strip()
    days = int(text) if text.isascii() and text.isdigit() and len(text) < 4 else None
    if days is None or not 1 <= days <= MAX_SIGN_WORKDAYS:
        errors["sign_by_workdays"] = f"请填写 1 到 {MAX_SIGN_WORKDAYS} 之间的工作日数 / give 1 to {MAX_SIGN_WORKDAYS} " \
                                     "working days"
    return days


def issue(uow, user, meeting_id, sign_by_workdays=None):
    """Issue the held meeting's minutes: held → issued. The attending enterprises get them as a 会议纪要 notice
    (signed for within `sign_by_workdays` working days, if given); the staff and departments who attended, and the
    owners of its open action items, are told."""
    from . import meeting_actions  # the action items' notices; they import this module's keys
    session = uow.session
    row = get(session, user, meeting_id, for_update=True)
    check_may_write(user)
    if row.status == "planned":
        raise Conflict("请先登记会议纪要再印发 / record the minutes before issuing them")
    if row.status == "issued":
        raise Conflict("会议纪要已印发 / the minutes have been issued already")
    errors = {}
    workdays = _clean_workdays(sign_by_workdays, errors)
    raise_if(errors)
    enterprise_ids = sorted(a.enterprise_id for a in row.attendees if a.enterprise_id)
    notice = None
    if enterprise_ids:
        notice = bureau_notices.create(uow, user, {
            "kind": "minutes", "title": row.title, "body": notice_body(row),
            "target_kind": "enterprises", "target_values": enterprise_ids, "sign_by_workdays": workdays},
            publish_now=True, kinds=("minutes",))
    now = clock.now()
    row.status, row.issued_by_id, row.issued_at, row.updated_at = "issued", user.id, now, now
    row.notice_id = notice.id if notice is not None else None
    session.flush()
    people = attendee_people(session, row)
    notifications.send(uow, people, ISSUED_KIND, f"会议纪要已印发：{row.title}"[:200],
                       f"{row.starts_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M} {row.place}，请阅读并签收会议纪要。",
                       meeting_key(row.id, "issued"))
    assigned = meeting_actions.announce_open(uow, row)
    audit.record(uow, None, user, "meeting_minutes_issued", changes={"meeting_status": ["held", "issued"]}, details={
        **details(row), "enterprises": len(enterprise_ids), "notice_id": row.notice_id, "told": len(people),
        "action_items": assigned}, subject=(SUBJECT, row.id))
    return row


def notice_body(row):
    """The notice's text: the meeting's facts, then the minutes."""
    lines = [f"会议：{row.title}", f"时间：{row.starts_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"]
    if row.place:
        lines.append(f"地点：{row.place}")
    return "\n".join(lines) + "\n\n" + row.minutes


def attendee_people(session, row):
    """The active users of the staff and departments who attended (not the enterprises: the notice tells them)."""
    user_ids = [a.user_id for a in row.attendees if a.user_id]
    department_ids = [a.department_id for a in row.attendees if a.department_id]
    people = session.query(User).filter(User.active.is_(True), User.id.in_(user_ids or [0])).all()
    people += department_users(session, department_ids)
    return sorted({u.id: u for u in people}.values(), key=lambda u: u.id)


def department_users(session, department_ids):
    if not department_ids:
        return []
    return session.query(User).join(UserRole).filter(
        UserRole.role == "department", User.active.is_(True), User.department_id.in_(list(department_ids))) \
        .order_by(User.id).all()


# ---- receipts ----------------------------------------------------------------------------------------------------
def own_row(row, user):
    """The user's attendee row that carries a receipt: their own as a staff attendee, their department's; None."""
    department = own_department(user)
    for a in row.attendees:
        if (a.user_id and a.user_id == user.id) or (department and a.department_id == department):
            return a
    return None


def open_meeting(uow, user, meeting_id):
    """(meeting, the user's receipt: an enterprise's notice recipient row, a staff or department attendee row, or
    None). Opening issued minutes marks them read for that receipt, once, and the user's notices about them read."""
    session = uow.session
    row = get(session, user, meeting_id)
    receipt = None
    if row.status == "issued":
        if own_enterprise(user) is not None and row.notice_id is not None:
            receipt = bureau_notice_receipts.open_notice(uow, user, row.notice_id)[1]
        else:
            receipt = own_row(row, user)
            if receipt is not None and receipt.read_at is None:
                session.execute(update(MeetingAttendee).where(MeetingAttendee.id == receipt.id,
                                                              MeetingAttendee.read_at.is_(None))
                                .values(read_at=clock.now(), read_by_id=user.id))
                session.refresh(receipt)
    session.query(Notification).filter(Notification.user_id == user.id, Notification.read_at.is_(None),
                                       Notification.dedup_key.like(f"{SUBJECT}:{row.id}:%")) \
        .update({"read_at": clock.now()}, synchronize_session=False)
    return row, receipt


def sign(uow, user, meeting_id, reply=""):
    """Sign for the issued minutes: an enterprise's staff through the minutes notice (with the reply), a staff
    attendee or a department's user on the attendee row. Once (Conflict after)."""
    session = uow.session
    row = get(session, user, meeting_id)
    if row.status != "issued":
        raise Conflict("会议纪要尚未印发 / the minutes have not been issued")
    if own_enterprise(user) is not None:
        if row.notice_id is None:
            raise NotAllowed("本企业不是参会企业 / your enterprise did not attend")
        receipt = bureau_notice_receipts.sign(uow, user, row.notice_id, reply)
        audit.record(uow, None, user, "meeting_minutes_signed", changes={"meeting_signed": [None, receipt.enterprise.name]},
                     details=details(row), subject=(SUBJECT, row.id))
        return receipt
    receipt = own_row(row, user)
    if receipt is None:
        raise NotAllowed("只有参会人员和参会部门签收会议纪要 / only those who attended sign for the minutes")
    now = clock.now()
    signed = session.execute(update(MeetingAttendee).where(
        MeetingAttendee.id == receipt.id, MeetingAttendee.signed_at.is_(None))
        .values(signed_at=now, signed_by_id=user.id)).rowcount
    if not signed:
        raise Conflict("会议纪要已签收 / the minutes have been signed for already")
    if receipt.read_at is None:
        session.execute(update(MeetingAttendee).where(MeetingAttendee.id == receipt.id)
                        .values(read_at=now, read_by_id=user.id))
    session.refresh(receipt)
    audit.record(uow, None, user, "meeting_minutes_signed", changes={"meeting_signed": [None, receipt.name]},
                 details=details(row), subject=(SUBJECT, row.id))
    return receipt


def receipts(session, user, row):
    """The organisers' view: (the enterprises' notice recipient rows, the staff and department attendee rows);
    empty before issuing and for readers who do not read the notices' receipts."""
    if row.status != "issued" or not (reads_all(user) and bureau_notices.reads_all(user)):
        return [], []
    enterprises = []
    if row.notice_id is not None:
        enterprises = session.query(BureauNoticeRecipient).filter_by(notice_id=row.notice_id) \
            .order_by(BureauNoticeRecipient.enterprise_id).all()
    return enterprises, [a for a in row.attendees if not a.enterprise_id]
