"""Notices from the bureau to enterprises (通知公告 / 预警提示 / 简报; seed 001 line 68 “及时将集中整治要求传达到生产经营单位”,
seed 000 line 301 “发布预警提示”, 838 “多渠道信息发布”, 431 “定期发布系统使用简报”): writing, publishing, withdrawing.

Who: the bureau and the contractor's project leads write and publish (the bureau publishes; the contractor relays the
bureau's requirements and its own usage briefings — each notice shows which of the two published it). The bureau,
project leads, managers and administrators read every notice, drafts included, with its receipts. Enterprise staff
read the published (and withdrawn) notices addressed to their enterprise; any other notice does not exist for them
(NotFound), drafts included. Other roles: NotAllowed.

Publishing resolves the target (all enterprises, chosen townships / parks, chosen industries, or a list) to the
enterprises of that moment, one recipient row each — an enterprise added later does not receive it — and tells
each enterprise's staff in-app and over the outbox's channels (SMS, WeChat, email). A published notice is never
changed: a wrong one is withdrawn with a reason (the bureau any, a project lead the contractor's own), stays readable
marked withdrawn, can no longer be signed for, and the recipients are told; the correction is a new notice.

Reading, signing and urging are in services/bureau_notice_receipts.py."""
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import func, update as sql_update

from ..clock import SHANGHAI, clock
from ..errors import Conflict, NotAllowed, NotFound, ValidationFailed
from ..models import (NOTICE_KINDS, NOTICE_TARGETS, Attachment, BureauNotice,
                      BureauNoticeRecipient, Enterprise, User, UserRole)
from ..models.attachment import free_of_owners
from . import audit, calendar, notifications
from .field_rules import clean_text, raise_if, row_id

WRITERS = ("bureau", "project_lead")
STAFF = ("bureau", "project_lead", "manager", "admin")
SUBJECT = "bureau_notice"
KIND = "bureau_notice"  # the notification kind of a published notice
WITHDRAWN_KIND = "bureau_notice_withdrawn"
MAX_TITLE, MAX_BODY, MAX_REASON, MAX_TARGETS, MAX_WORKDAYS = 200, 20000, 500, 2000, 60
FILE_TYPES = ("application/pdf",)  # and images
FIELDS = ("kind", "title", "body", "target_kind", "target_values", "sign_by_date", "sign_by_workdays")
# What the notice form and the API write; a meeting's minutes (kind "minutes") are sent by services/meeting_minutes.py.
WRITABLE_KINDS = ("notice", "warning", "briefing")


# ---- who ---------------------------------------------------------------------------------------------------------
def may_write(user):
    return user.has_role(*WRITERS)


def reads_all(user):
    return user.has_role(*STAFF)


def own_enterprise(user):
    return user.enterprise_id if "enterprise" in user.roles and user.enterprise_id else None


def may_read(user):
    return reads_all(user) or own_enterprise(user) is not None


def check_may_read(user):
    if not may_read(user):
        raise NotAllowed("通知公告供应急管理局、项目负责人、管理人员、系统管理员和收文企业查看 / notices are for the bureau, "
                         "project leads, managers, administrators and the enterprises they are addressed to")


def check_may_write(user):
    check_may_read(user)
    if not may_write(user):
        raise NotAllowed("只有应急管理局和项目负责人可以起草和发布通知公告 / only the bureau and project leads write and "
                         "publish notices")


# ---- reading -----------------------------------------------------------------------------------------------------
def get(session, user, notice_id, for_update=False):
    """The notice if the user may see it; NotFound otherwise (for enterprise staff: not addressed to them, or a
    draft)."""
    check_may_read(user)
    notice = None
    if isinstance(notice_id, int):
        query = session.query(BureauNotice).filter_by(id=notice_id)
        notice = (query.with_for_update() if for_update else query).first()
    if notice is None or not (reads_all(user) or (not notice.is_draft and receipt_of(
            session, notice.id, own_enterprise(user)) is not None)):
        raise NotFound("通知不存在 / notice not found")
    return notice


def receipt_of(session, notice_id, enterprise_id):
    if enterprise_id is None:
        return None
    return session.query(BureauNoticeRecipient).filter_by(notice_id=notice_id, enterprise_id=enterprise_id).first()


@dataclass
class NoticeFilter:
    kind: str = ""
    status: str = ""
    limit: int = 50
    offset: int = 0


def listing(session, user, flt):
    """(a page of [(notice, the user's enterprise's receipt or None)], how many match), newest first; enterprise
    staff get the published and withdrawn notices addressed to their enterprise."""
    check_may_read(user)
    if reads_all(user):
        query = session.query(BureauNotice)
    else:
        query = session.query(BureauNotice, BureauNoticeRecipient).join(
            BureauNoticeRecipient, BureauNoticeRecipient.notice_id == BureauNotice.id).filter(
            BureauNoticeRecipient.enterprise_id == own_enterprise(user), BureauNotice.status != "draft")
    if flt.kind:
        query = query.filter(BureauNotice.kind == flt.kind)
    if flt.status:
        query = query.filter(BureauNotice.status == flt.status)
    total = query.order_by(None).count()
    rows = query.order_by(BureauNotice.published_at.is_(None).desc(), BureauNotice.published_at.desc(),
                          BureauNotice.id.desc()).limit(flt.limit).offset(flt.offset).all()
    return ([(notice, None) for notice in rows] if reads_all(user) else [tuple(row) for row in rows]), total


def tallies(session, notice_ids):
    """{notice id: {"recipients", "read", "signed"}}; read counts the signed too (signing opens the notice)."""
    result = {i: {"recipients": 0, "read": 0, "signed": 0} for i in notice_ids}
    if not notice_ids:
        return result
    rows = session.query(BureauNoticeRecipient.notice_id, func.count(BureauNoticeRecipient.id),
                         func.count(BureauNoticeRecipient.read_at), func.count(BureauNoticeRecipient.signed_at)) \
        .filter(BureauNoticeRecipient.notice_id.in_(list(notice_ids))).group_by(BureauNoticeRecipient.notice_id)
    for notice_id, total, read, signed in rows:
        result[notice_id] = {"recipients": total, "read": read, "signed": signed}
    return result


def choices(session):
    """What a target may name: the townships / parks and industries of the register, and the enterprises."""
    townships = [t for (t,) in session.query(Enterprise.township).filter(Enterprise.township != "").distinct()
                 .order_by(Enterprise.township)]
    industries = [i for (i,) in session.query(Enterprise.industry).filter(Enterprise.industry != "").distinct()
                  .order_by(Enterprise.industry)]
    enterprises = session.query(Enterprise.id, Enterprise.name).order_by(Enterprise.name, Enterprise.id).all()
    return {"townships": townships, "industries": industries, "enterprises": enterprises}


def resolve_target(session, target_kind, values):
    """The ids of the enterprises the target names now, in id order."""
    query = session.query(Enterprise.id)
    if target_kind == "townships":
        query = query.filter(Enterprise.township.in_(list(values) or [""]))
    elif target_kind == "industries":
        query = query.filter(Enterprise.industry.in_(list(values) or [""]))
    elif target_kind == "enterprises":
        query = query.filter(Enterprise.id.in_([int(v) for v in values] or [0]))
    return [i for (i,) in query.order_by(Enterprise.id)]


def sign_due(notice, published_at):
    """The moment signing is due: the end of the chosen day, or the working days after publishing; None."""
    if notice.sign_by_date is not None:
        return datetime.combine(notice.sign_by_date, time(23, 59, 59), tzinfo=SHANGHAI)
    if notice.sign_by_workdays:
        return calendar.add_workdays(published_at, notice.sign_by_workdays).moment
    return None


# ---- writing -----------------------------------------------------------------------------------------------------
def _clean(session, values, errors, kinds=WRITABLE_KINDS):
    kind = values.get("kind")
    if kind not in kinds:
        errors["kind"] = "请选择类别：通知、预警提示或简报 / choose notice, warning or briefing"
    title = clean_text(values.get("title"), MAX_TITLE, "title", errors)
    if not title and "title" not in errors:
        errors["title"] = "请填写标题 / give the title"
    body = clean_text(values.get("body"), MAX_BODY, "body", errors)
    if not body and "body" not in errors:
        errors["body"] = "请填写正文 / write the text"
    target_kind = values.get("target_kind")
    targets = []
    if target_kind not in NOTICE_TARGETS:
        errors["target_kind"] = "请选择发送范围 / choose whom the notice goes to"
    else:
        targets = _clean_targets(session, target_kind, values.get("target_values") or [], errors)
    sign_date, workdays = _clean_sign_by(values, errors)
    return {"kind": kind, "title": title, "body": body, "target_kind": target_kind, "target_values": targets,
            "sign_by_date": sign_date, "sign_by_workdays": workdays}


def _clean_targets(session, target_kind, raw, errors):
    if target_kind == "all":
        return []
    raw = [raw] if isinstance(raw, (str, int)) else list(raw)
    if target_kind == "enterprises":
        ids = sorted({row_id(v) for v in raw if row_id(v) is not None})
        known = {i for (i,) in session.query(Enterprise.id).filter(Enterprise.id.in_(ids or [0]))}
        if len(ids) != len([v for v in raw if str(v).strip()]) or set(ids) - known:
            errors["target_values"] = "所选企业不存在 / unknown enterprise"
        values = ids
    else:
        values = sorted({str(v).strip()[:100] for v in raw if str(v).strip()})
    if not values and "target_values" not in errors:
        errors["target_values"] = "请至少选择一项 / choose at least one"
    if len(values) > MAX_TARGETS:
        errors["target_values"] = f"最多 {MAX_TARGETS} 项 / at most {MAX_TARGETS}"
    return values


def _clean_sign_by(values, errors):
    raw_date, raw_days = values.get("sign_by_date"), values.get("sign_by_workdays")
    sign_date = raw_date if isinstance(raw_date, date) else None
    if sign_date is None and isinstance(raw_date, str) and raw_date.strip():
        try:
            sign_date = date.fromisoformat(raw_date.strip())
        except ValueError:
            errors["sign_by_date"] = "日期格式应为 2026-11-30 / a date reads like 2026-11-30"
    if sign_date is not None and sign_date < clock.local_now().date():
        errors["sign_by_date"] = "签收期限不能早于今天 / the sign-by day cannot be in the past"
    workdays = None
    if raw_days not in (None, ""):
        text = str(raw_days).strip()
        workdays = int(text) if text.isascii() and text.isdigit() and len(text) < 4 else None
        if workdays is None or not 1 <= workdays <= MAX_WORKDAYS:
            errors["sign_by_workdays"] = f"请填写 1 到 {MAX_WORKDAYS} 之间的工作日数 / give 1 to {MAX_WORKDAYS} " \
                                         "working days"
    if sign_date is not None and workdays is not None:
        errors["sign_by_workdays"] = "签收期限请只填日期或工作日数之一 / give a day or working days, not both"
    return sign_date, workdays


def create(uow, user, values, file_ids=(), publish_now=False, kinds=WRITABLE_KINDS):
    """A draft (or, `publish_now`, a published notice) from the written `values`, with the user's own uploads
    `file_ids` (PDF or images) attached; ValidationFailed names each wrong field. `kinds`: those the caller writes."""
    session = uow.session
    check_may_write(user)
    errors = {}
    clean = _clean(session, values, errors, kinds)
    raise_if(errors)
    now = clock.now()
    notice = BureauNotice(status="draft", drafted_by=user, drafted_at=now, updated_at=now, **clean)
    session.add(notice)
    session.flush()
    _attach(uow, user, notice, file_ids)
    audit.record(uow, None, user, "bureau_notice_drafted", details=_details(notice), subject=(SUBJECT, notice.id))
    return _publish(uow, user, notice) if publish_now else notice


def update(uow, user, notice_id, values, file_ids=(), removed_file_ids=()):
    """Rewrite a draft (files added and taken off); a published notice is never changed (Conflict)."""
    session = uow.session
    notice = get(session, user, notice_id, for_update=True)
    check_may_write(user)
    if not notice.is_draft:
        raise Conflict("通知已发布，不能修改；如有错误请撤回后重新发布 / the notice has been published and cannot be "
                       "changed; withdraw it and publish a corrected one")
    errors = {}
    clean = _clean(session, values, errors)
    raise_if(errors)
    changes = {k: [getattr(notice, k), v] for k, v in clean.items() if getattr(notice, k) != v}
    for name, (_before, after) in changes.items():
        setattr(notice, name, after)
    notice.updated_at = clock.now()
    _detach(uow, notice, removed_file_ids)
    _attach(uow, user, notice, file_ids)
    session.flush()
    session.expire(notice, ["attachments"])
    audit.record(uow, None, user, "bureau_notice_updated", changes=changes, details=_details(notice),
                 subject=(SUBJECT, notice.id))
    return notice


_table = Attachment.__table__


def _attach(uow, user, notice, file_ids):
    """Put the user's own uploads (not on a case or another notice; PDF or images) on the notice."""
    wanted = sorted({str(i) for i in file_ids if i})
    if not wanted:
        return
    kinds = _table.c.content_type.in_(FILE_TYPES) | _table.c.content_type.like("image/%")
    linked = uow.session.connection().execute(
        sql_update(_table).where(_table.c.public_id.in_(wanted), _table.c.uploader_id == user.id,
                             free_of_owners(_table.c), kinds)
        .values(notice_id=notice.id).returning(_table.c.public_id)).scalars().all()
    refused = sorted(set(wanted) - set(linked))
    if refused:
        raise ValidationFailed("附件无效：只能附上自己上传的 PDF 或图片 / unknown attachment: only your own PDF or image "
                               "uploads", fields={"files": f"unknown attachment {refused[0]}"})


def _detach(uow, notice, file_ids):
    """Take files off a draft (back to their uploader's own uploads)."""
    ids = sorted({str(i) for i in file_ids if i})
    if ids:
        uow.session.connection().execute(sql_update(_table).where(_table.c.public_id.in_(ids),
                                                              _table.c.notice_id == notice.id).values(notice_id=None))


def publish(uow, user, notice_id):
    notice = get(uow.session, user, notice_id, for_update=True)
    check_may_write(user)
    if not notice.is_draft:
        raise Conflict("通知已发布 / the notice has been published already")
    return _publish(uow, user, notice)


def _publish(uow, user, notice):
    """Freeze the recipients, set the sign-by moment, tell every recipient enterprise's staff."""
    session = uow.session
    enterprise_ids = resolve_target(session, notice.target_kind, notice.target_values)
    if not enterprise_ids:
        raise ValidationFailed("没有符合发送范围的企业 / no enterprise matches the target",
                               fields={"target_values": "没有符合发送范围的企业 / no enterprise matches the target"})
    now = clock.now()
    notice.status, notice.published_by, notice.published_at, notice.updated_at = "published", user, now, now
    notice.issuer = "bureau" if "bureau" in user.roles else "contractor"
    notice.sign_due_at = sign_due(notice, now)
    session.bulk_insert_mappings(BureauNoticeRecipient, [
        {"notice_id": notice.id, "enterprise_id": i, "reply": ""} for i in enterprise_ids])
    session.flush()
    audit.record(uow, None, user, "bureau_notice_published", changes={"status": ["draft", "published"]},
                 details={**_details(notice), "recipients": len(enterprise_ids)}, subject=(SUBJECT, notice.id))
    label = NOTICE_KINDS[notice.kind][0]
    due = f"请于 {notice.sign_due_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M} 前签收。" if notice.sign_due_at else "请签收。"
    notifications.send(uow, staff_of(session, enterprise_ids), KIND, f"{label}：{notice.title}"[:200],
                       f"{notice.body[:150]}{'…' if len(notice.body) > 150 else ''} {due}", notice_key(notice.id))
    return notice


def withdraw(uow, user, notice_id, reason):
    """Withdraw a published notice with a reason: kept and readable, marked withdrawn, no more signing or urging;
    the recipients are told. The bureau withdraws any notice, a project lead those the contractor published."""
    session = uow.session
    notice = get(session, user, notice_id, for_update=True)
    check_may_write(user)
    if notice.is_draft:
        raise Conflict("草稿尚未发布，不需要撤回，请直接修改 / a draft is not published: edit it instead")
    if notice.is_withdrawn:
        raise Conflict("通知已撤回 / the notice has been withdrawn already")
    if notice.kind == "minutes":
        raise Conflict("会议纪要随会议印发，不能单独撤回 / a meeting's minutes are issued with the meeting and are not "
                       "withdrawn on their own")
    if "bureau" not in user.roles and notice.issuer != "contractor":
        raise NotAllowed("应急管理局发布的通知只能由应急管理局撤回 / only the bureau withdraws the bureau's notices")
    errors = {}
    reason = clean_text(reason, MAX_REASON, "reason", errors)
    if not reason and "reason" not in errors:
        errors["reason"] = "请填写撤回原因 / give the reason for the withdrawal"
    raise_if(errors)
    now = clock.now()
    notice.status, notice.withdrawn_by, notice.withdrawn_at, notice.withdrawn_reason = "withdrawn", user, now, reason
    notice.updated_at = now
    session.flush()
    audit.record(uow, None, user, "bureau_notice_withdrawn", changes={"status": ["published", "withdrawn"]},
                 details={**_details(notice), "reason": reason}, subject=(SUBJECT, notice.id))
    enterprise_ids = [i for (i,) in session.query(BureauNoticeRecipient.enterprise_id).filter_by(notice_id=notice.id)]
    notifications.send(uow, staff_of(session, enterprise_ids), WITHDRAWN_KIND, f"通知已撤回：{notice.title}"[:200],
                       f"原因：{reason[:150]}", notice_key(notice.id, "withdrawn"))
    return notice


def staff_of(session, enterprise_ids):
    """The active enterprise staff of these enterprises."""
    if not enterprise_ids:
        return []
    return session.query(User).join(UserRole).filter(
        UserRole.role == "enterprise", User.active.is_(True), User.enterprise_id.in_(list(enterprise_ids))) \
        .order_by(User.id).all()


def notice_key(notice_id, event="published"):
    return f"{SUBJECT}:{notice_id}:{event}"


def notice_of_key(dedup_key):
    """The notice a notification is about (its id), from its dedup key; None for other notifications."""
    parts = (dedup_key or "").split(":")
    return int(parts[1]) if len(parts) >= 3 and parts[0] == SUBJECT and parts[1].isdigit() else None


def _details(notice):
    return {"bureau_notice_id": notice.id, "title": notice.title, "kind": notice.kind,
            "target": notice.target_kind, "values": list(notice.target_values or [])[:50]}

