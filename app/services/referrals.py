"""Referrals of cases to other departments (跨部门移送 / 抄告, models/referral.py): the bureau (or an admin) refers a
case to one or more departments of the register — one referral each, with its letter (移送函 / 抄告函), a reply
deadline in working days — records what each department answers, and closes a referral once answered. Referrals
unanswered past their deadline urge the bureau once (scheduler job `urge_referrals`).

Project leads do not propose referrals in the system: they raise it with the bureau, which decides (one step, one
responsible role). The case's process is not touched; each step is in the case's history.

Who sees what: whoever may see the case sees that it was referred, to whom, when and how far it got; the reason,
the internal note, the replies, their files and the letter only those who are not (only) enterprise staff — the
bureau's side and the township offices of the case's area."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import update

from ..clock import SHANGHAI, clock
from ..errors import Conflict, NotAllowed, NotFound
from ..models import (REFERRAL_KINDS, REFERRAL_REQUESTS, REPLY_OUTCOMES, Attachment, CaseReferral, Department,
                      HazardCase, ReferralReply)
from . import audit, notifications
from .access import enterprise_condition, get_visible_case
from .calendar import add_workdays
from .field_rules import clean_text, raise_if, row_id, whole_number

MANAGERS = ("bureau", "admin")
DEFAULT_REPLY_DAYS = 10
MAX_REPLY_DAYS = 60
MAX_TEXT = 2000
MAX_FILES = 10
STATES = ("", "sent", "replied", "closed")


def may_manage(user):
    return user.has_role(*MANAGERS)


def sees_details(user):
    """The reason, notes, replies and letter: everyone but those who only are enterprise staff."""
    return bool(user.roles - {"enterprise"})


def is_overdue(row, now=None):
    return row.status == "sent" and row.reply_due < (now or clock.now())


def _require_manager(user, what):
    if not may_manage(user):
        raise NotAllowed(f"只有应急管理局或管理员可以{what} / only the bureau or an admin may do this")


def refer(uow, user, case_id, form):
    """Refer the case to each chosen department; returns the new referrals. ValidationFailed names each wrong
    field; a closed case, or a department that already has an open referral of this case: 409."""
    case = get_visible_case(uow.session, user, case_id)  # 404 first, as for cases
    _require_manager(user, "移送或抄告案件")
    if case.is_closed:
        raise Conflict("案件已销号，不能再移送 / the case is closed")
    errors = {}
    ids = _department_ids(form.get("department_ids"), errors)
    kind, request = str(form.get("kind") or ""), str(form.get("request") or "")
    if kind not in REFERRAL_KINDS:
        errors["kind"] = "请选择移送或抄告 / choose transfer or notification"
    if request not in REFERRAL_REQUESTS:
        errors["request"] = "请选择请求事项 / choose what is asked"
    reason = clean_text(form.get("reason"), MAX_TEXT, "reason", errors)
    if not reason and "reason" not in errors:
        errors["reason"] = "请写明移送理由 / give the reason"
    note = clean_text(form.get("internal_note"), MAX_TEXT, "internal_note", errors)
    days = form.get("reply_days")
    days = DEFAULT_REPLY_DAYS if days in (None, "") else whole_number(days)
    if days is None or not 1 <= days <= MAX_REPLY_DAYS:
        errors["reply_days"] = f"回复期限为 1–{MAX_REPLY_DAYS} 个工作日 / 1 to {MAX_REPLY_DAYS} working days"
    departments = []
    if ids and "department_ids" not in errors:
        departments = uow.session.query(Department).filter(Department.id.in_(ids), Department.active.is_(True)) \
            .order_by(Department.id).all()
        if len(departments) != len(ids):
            errors["department_ids"] = "部门不存在或已停用 / unknown or inactive department"
    raise_if(errors)
    open_ones = {d for (d,) in uow.session.query(CaseReferral.department_id).filter(
        CaseReferral.case_id == case.id, CaseReferral.status != "closed", CaseReferral.department_id.in_(ids))}
    if open_ones:
        names = "、".join(d.name for d in departments if d.id in open_ones)
        raise Conflict(f"本案已移送{names}，尚未办结 / already referred to {names}, not closed yet")
    now = clock.now()
    due = add_workdays(now, days).moment
    rows = []
    for department in departments:
        row = CaseReferral(case_id=case.id, department_id=department.id, kind=kind, request=request, reason=reason,
                           internal_note=note, reply_days=days, status="sent", referred_by_id=user.id,
                           referred_at=now, reply_due=due, close_note="")
        uow.session.add(row)
        uow.session.flush()
        row.number = row.number_for_id()
        row.department = department
        audit.record(uow, case.id, user, "case_referred", changes={"department": [None, department.name]},
                     details={"referral_id": row.id, "kind": kind, "request": request, "number": row.number})
        rows.append(row)
    # The township / park office of the case's area is told, as of an enforcement referral.
    township = notifications.role_holders(uow, ("township",), case.enterprise_id)
    names = "、".join(d.name for d in departments)
    notifications.send(uow, township, "case_referred", f"隐患已移送{names}（{case.code}）", reason[:200],
                       f"case:{case.id}:referred:{rows[0].id}", case.id)
    return rows


def _department_ids(value, errors):
    values = value if isinstance(value, (list, tuple)) else ([] if value in (None, "") else [value])
    ids = [row_id(v) for v in values]
    if not ids:
        errors["department_ids"] = "请选择至少一个部门 / choose at least one department"
    elif any(i is None for i in ids):
        errors["department_ids"] = "部门无效 / invalid department"
    return sorted({i for i in ids if i is not None})


def record_reply(uow, user, referral_id, form, file_ids=()):
    """The department's reply as the bureau received it; a closed referral: 409."""
    row = get_visible(uow.session, user, referral_id)
    _require_manager(user, "登记部门回复")
    if row.status == "closed":
        raise Conflict("移送已办结，不能再登记回复 / the referral is closed")
    errors = {}
    received = _day(form.get("received_on"), "received_on", errors)
    referred_day = row.referred_at.astimezone(SHANGHAI).date()
    if received and not referred_day <= received <= clock.local_now().date():
        errors["received_on"] = "收到日期应在移送之后、今天之前 / between the referral and today"
    outcome = str(form.get("outcome") or "")
    if outcome not in REPLY_OUTCOMES:
        errors["outcome"] = "请选择回复结果 / choose the outcome"
    text = clean_text(form.get("text"), MAX_TEXT, "text", errors)
    if not text and "text" not in errors:
        errors["text"] = "请填写回复内容 / enter what the department answered"
    files = [str(f) for f in file_ids]
    if len(files) > MAX_FILES:
        errors["files"] = f"最多 {MAX_FILES} 个附件 / at most {MAX_FILES} files"
    elif files:
        own = {p for (p,) in uow.session.query(Attachment.public_id).filter(
            Attachment.public_id.in_(files), Attachment.uploader_id == user.id, Attachment.case_id.is_(None),
            Attachment.visit_id.is_(None), Attachment.report_id.is_(None), Attachment.notice_id.is_(None),
            Attachment.training_id.is_(None))}
        if own != set(files):
            errors["files"] = "附件无效 / unknown attachment"
    raise_if(errors)
    now = clock.now()
    reply = ReferralReply(referral_id=row.id, received_on=received, outcome=outcome, text=text, files=files,
                          recorded_by_id=user.id, recorded_at=now)
    uow.session.add(reply)
    uow.session.execute(update(CaseReferral).where(CaseReferral.id == row.id, CaseReferral.first_reply_at.is_(None))
                        .values(first_reply_at=now))
    row.status = "replied"
    uow.session.flush()
    uow.session.refresh(row)
    audit.record(uow, row.case_id, user, "referral_replied",
                 changes={"department": [None, row.department.name]},
                 details={"referral_id": row.id, "reply_id": reply.id, "outcome": outcome})
    return reply


def close(uow, user, referral_id, note):
    """Close an answered referral (办结); not yet answered or already closed: 409 (two closing at once: the
    second gets 409)."""
    row = get_visible(uow.session, user, referral_id)
    _require_manager(user, "办结移送")
    errors = {}
    note = clean_text(note, MAX_TEXT, "close_note", errors)
    raise_if(errors)
    if row.status == "sent":
        raise Conflict("部门尚未回复，不能办结 / no reply recorded yet")
    done = uow.session.execute(update(CaseReferral).where(CaseReferral.id == row.id,
                                                          CaseReferral.status == "replied")
                               .values(status="closed", closed_by_id=user.id, closed_at=clock.now(),
                                       close_note=note))
    if done.rowcount != 1:
        raise Conflict("移送已办结 / the referral is already closed")
    uow.session.refresh(row)
    audit.record(uow, row.case_id, user, "referral_closed", changes={"department": [None, row.department.name]},
                 details={"referral_id": row.id})
    return row


def _day(value, name, errors):
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or ""))
    except ValueError:
        errors[name] = "请填写日期（YYYY-MM-DD） / enter a date (YYYY-MM-DD)"
        return None


def get_visible(session, user, referral_id):
    """The referral if the user may see its case; 404 otherwise (no existence leak)."""
    row = session.get(CaseReferral, referral_id) if isinstance(referral_id, int) else None
    if row is None:
        raise NotFound("移送记录不存在 / referral not found")
    try:
        get_visible_case(session, user, row.case_id)
    except NotFound:
        raise NotFound("移送记录不存在 / referral not found") from None
    return row


def get_details(session, user, referral_id):
    """The referral with what only the bureau's side reads (the reason, the replies, the letter): enterprise staff
    get 404 for those pages too, as if they did not exist."""
    row = get_visible(session, user, referral_id)
    if not sees_details(user):
        raise NotFound("移送记录不存在 / referral not found")
    return row


def for_case(session, case_id):
    return session.query(CaseReferral).filter_by(case_id=case_id) \
        .order_by(CaseReferral.referred_at, CaseReferral.id).all()


def reply_file(session, user, referral_id, public_id):
    """A reply's file, for those who read the referral's details."""
    row = get_details(session, user, referral_id)
    if not any(public_id in (reply.files or []) for reply in row.replies):
        raise NotFound("附件不存在 / attachment not found")
    return session.query(Attachment).filter_by(public_id=public_id).one()


@dataclass
class ReferralFilter:
    department_id: int | None = None
    status: str = ""
    overdue: bool = False
    case_id: int | None = None
    limit: int | None = 50
    offset: int = 0


def listing(session, user, flt):
    """(the referrals the user may see, newest first; how many)."""
    query = session.query(CaseReferral).join(HazardCase, HazardCase.id == CaseReferral.case_id) \
        .filter(enterprise_condition(user, HazardCase.enterprise_id))
    if flt.department_id:
        query = query.filter(CaseReferral.department_id == flt.department_id)
    if flt.status:
        query = query.filter(CaseReferral.status == flt.status)
    if flt.overdue:
        query = query.filter(CaseReferral.status == "sent", CaseReferral.reply_due < clock.now())
    if flt.case_id:
        query = query.filter(CaseReferral.case_id == flt.case_id)
    total = query.count()
    query = query.order_by(CaseReferral.referred_at.desc(), CaseReferral.id.desc()).offset(flt.offset)
    return (query.limit(flt.limit) if flt.limit else query).all(), total


def urge_overdue(uow):
    """Referrals unanswered past their deadline: the bureau is told, once per referral. Returns how many were
    urged now."""
    now = clock.now()
    rows = uow.session.query(CaseReferral).filter(CaseReferral.status == "sent", CaseReferral.reply_due < now,
                                                  CaseReferral.urged_at.is_(None)) \
        .order_by(CaseReferral.id).all()
    urged = 0
    for row in rows:
        taken = uow.session.execute(update(CaseReferral).where(CaseReferral.id == row.id,
                                                               CaseReferral.urged_at.is_(None))
                                    .values(urged_at=now))
        if taken.rowcount != 1:  # another scheduler urged it a moment ago
            continue
        key = f"referral:{row.id}:overdue"
        recipients = notifications.role_holders_without(uow, ("bureau",), key)
        notifications.send(uow, recipients, "referral_overdue",
                           f"移送{row.department.name}超过回复期限未回复（{row.case.code}）",
                           f"{row.number}：{row.reason[:180]}", key, row.case_id)
        audit.record(uow, row.case_id, None, "referral_urged", changes={"department": [None, row.department.name]},
                     details={"referral_id": row.id})
        urged += 1
    return urged
