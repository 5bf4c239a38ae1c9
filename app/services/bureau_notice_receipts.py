"""Receipts of the bureau's notices (签收回执, services/bureau_notices.py): reading, signing, the receipts table, urging.

- The first time any of a recipient enterprise's staff opens a published notice it is read (已读), with who and when;
  later opens change nothing. Staff opening a notice leave no receipt.
- Signing (签收) is once per enterprise, by any of its staff, with an optional reply; a second signature is a
  Conflict, and so is signing a withdrawn notice. Signing after the deadline is taken and shown as late.
- The writers urge (催签) the enterprises that have not signed, at most once per Shanghai day per notice (Conflict
  after), audited; and once automatically when the sign-by deadline has passed (`urge_overdue`, a scheduler job),
  which also tells the publisher how many have not signed."""
from dataclasses import dataclass

from sqlalchemy import update

from ..clock import SHANGHAI, clock
from ..errors import Conflict, NotAllowed
from ..models import BureauNotice, BureauNoticeRecipient, Enterprise, Notification
from . import audit, notifications
from .bureau_notices import (SUBJECT, check_may_write, get, notice_key, own_enterprise, reads_all, receipt_of,
                             staff_of)
from .field_rules import clean_text, raise_if

MAX_REPLY = 1000
URGED_KIND = "bureau_notice_urged"
OVERDUE_KIND = "bureau_notice_overdue"  # to the publisher, when the deadline passed with enterprises unsigned
EXPORT_LIMIT = 20000


def open_notice(uow, user, notice_id):
    """(notice, the user's enterprise's receipt or None). A recipient's first open marks it read; the user's own
    notifications about the notice are marked read."""
    session = uow.session
    notice = get(session, user, notice_id)
    receipt = None
    if not reads_all(user):
        receipt = receipt_of(session, notice.id, own_enterprise(user))
        if receipt is not None and receipt.read_at is None:
            # Conditional: two colleagues opening at once record the first only.
            session.execute(update(BureauNoticeRecipient).where(
                BureauNoticeRecipient.id == receipt.id, BureauNoticeRecipient.read_at.is_(None))
                .values(read_at=clock.now(), read_by_id=user.id))
            session.refresh(receipt)
    session.query(Notification).filter(Notification.user_id == user.id, Notification.read_at.is_(None),
                                       Notification.dedup_key.like(f"{SUBJECT}:{notice.id}:%")) \
        .update({"read_at": clock.now()}, synchronize_session=False)
    return notice, receipt


def sign(uow, user, notice_id, reply=""):
    """Sign for the notice for the user's enterprise, once, with an optional reply."""
    session = uow.session
    notice = get(session, user, notice_id)  # first: 404 for a notice not addressed to the user's enterprise
    receipt = None if reads_all(user) else receipt_of(session, notice.id, own_enterprise(user))
    if receipt is None:
        raise NotAllowed("只有收文企业的人员可以签收 / only the staff of an enterprise the notice went to sign for it")
    if notice.is_withdrawn:
        raise Conflict("通知已撤回，不需要签收 / the notice has been withdrawn: nothing to sign for")
    errors = {}
    reply = clean_text(reply, MAX_REPLY, "reply", errors)
    raise_if(errors)
    now = clock.now()
    signed = session.execute(update(BureauNoticeRecipient).where(
        BureauNoticeRecipient.id == receipt.id, BureauNoticeRecipient.signed_at.is_(None))
        .values(signed_at=now, signed_by_id=user.id, reply=reply)).rowcount
    if not signed:
        raise Conflict("本企业已签收该通知 / your enterprise has signed for this notice already")
    if receipt.read_at is None:
        session.execute(update(BureauNoticeRecipient).where(BureauNoticeRecipient.id == receipt.id)
                        .values(read_at=now, read_by_id=user.id))
    session.refresh(receipt)
    audit.record(uow, None, user, "bureau_notice_signed", details={
        "bureau_notice_id": notice.id, "title": notice.title, "enterprise_id": receipt.enterprise_id,
        "late": is_late(notice, receipt)}, subject=(SUBJECT, notice.id))
    return receipt


def is_late(notice, receipt):
    return bool(notice.sign_due_at and receipt.signed_at and receipt.signed_at > notice.sign_due_at)


def is_overdue(notice, receipt, now=None):
    """Not signed and the deadline passed."""
    return bool(notice.sign_due_at and not receipt.signed_at and (now or clock.now()) > notice.sign_due_at)


@dataclass
class ReceiptFilter:
    status: str = ""  # unread / read / signed
    township: str = ""
    name: str = ""


def _check_reads_receipts(user):
    if not reads_all(user):
        raise NotAllowed("签收情况供应急管理局、项目负责人、管理人员和系统管理员查看 / receipts are for the bureau, project "
                         "leads, managers and administrators")


def receipts(session, user, notice_id, flt=None, limit=EXPORT_LIMIT):
    """(notice, its receipts matching the filter, by enterprise name)."""
    notice = get(session, user, notice_id)
    _check_reads_receipts(user)
    flt = flt or ReceiptFilter()
    query = session.query(BureauNoticeRecipient) \
        .join(Enterprise, Enterprise.id == BureauNoticeRecipient.enterprise_id) \
        .filter(BureauNoticeRecipient.notice_id == notice.id)
    if flt.status == "signed":
        query = query.filter(BureauNoticeRecipient.signed_at.is_not(None))
    elif flt.status == "read":
        query = query.filter(BureauNoticeRecipient.read_at.is_not(None), BureauNoticeRecipient.signed_at.is_(None))
    elif flt.status == "unread":
        query = query.filter(BureauNoticeRecipient.read_at.is_(None))
    if flt.township:
        query = query.filter(Enterprise.township == flt.township)
    if flt.name:
        query = query.filter(Enterprise.name.contains(flt.name, autoescape=True))
    return notice, query.order_by(Enterprise.name, Enterprise.id).limit(limit).all()


def recipient_townships(session, notice_id):
    return [t for (t,) in session.query(Enterprise.township).join(
        BureauNoticeRecipient, BureauNoticeRecipient.enterprise_id == Enterprise.id).filter(
        BureauNoticeRecipient.notice_id == notice_id, Enterprise.township != "").distinct()
        .order_by(Enterprise.township)]


def urged_today(notice):
    return notice.last_urged_at is not None and \
        notice.last_urged_at.astimezone(SHANGHAI).date() == clock.local_now().date()


def urge(uow, user, notice_id):
    """Urge the recipients that have not signed (their staff told again); at most once per day per notice.
    Returns how many enterprises were urged."""
    session = uow.session
    notice = get(session, user, notice_id, for_update=True)
    check_may_write(user)
    if not notice.is_published:
        raise Conflict("只能催签已发布的通知 / only a published notice is urged")
    if urged_today(notice):
        raise Conflict("该通知今天已催签过，每天最多催签一次 / this notice was urged today already: at most once a day")
    pending = _unsigned(session, notice.id)
    if not pending:
        raise Conflict("全部企业已签收，无需催签 / every enterprise has signed: nothing to urge")
    _urge(uow, user, notice, pending)
    return len(pending)


def _unsigned(session, notice_id):
    return session.query(BureauNoticeRecipient).filter_by(notice_id=notice_id, signed_at=None) \
        .order_by(BureauNoticeRecipient.enterprise_id).all()


def _urge(uow, user, notice, pending, automatic=False):
    now = clock.now()
    notice.urge_count = (notice.urge_count or 0) + 1
    notice.last_urged_at = now
    for receipt in pending:
        receipt.last_urged_at = now
    uow.session.flush()
    due = f"签收期限 {notice.sign_due_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M} 已过。" if automatic else ""
    notifications.send(uow, staff_of(uow.session, [r.enterprise_id for r in pending]), URGED_KIND,
                       f"催签：{notice.title}"[:200], f"{due}请尽快阅读并签收该通知。",
                       notice_key(notice.id, f"urge:{notice.urge_count}"))
    audit.record(uow, None, user, "bureau_notice_urged", details={
        "bureau_notice_id": notice.id, "title": notice.title, "enterprises": len(pending), "automatic": automatic,
        "urge": notice.urge_count}, subject=(SUBJECT, notice.id))


def urge_overdue(uow):
    """Once per notice, when its sign-by deadline has passed: the unsigned recipients urged, the publisher told how
    many have not signed. Returns how many notices were handled."""
    session = uow.session
    now = clock.now()
    due_ids = [i for (i,) in session.query(BureauNotice.id).filter(
        BureauNotice.status == "published", BureauNotice.sign_due_at <= now, BureauNotice.auto_urged_at.is_(None))
        .order_by(BureauNotice.id)]
    handled = 0
    for notice_id in due_ids:
        # Claimed by a conditional update: a second scheduler (PostgreSQL allows several) finds it taken.
        if not session.execute(update(BureauNotice).where(BureauNotice.id == notice_id,
                                                          BureauNotice.auto_urged_at.is_(None))
                               .values(auto_urged_at=now)).rowcount:
            continue
        notice = session.get(BureauNotice, notice_id)
        session.refresh(notice)
        pending = _unsigned(session, notice_id)
        handled += 1
        if not pending:
            continue
        _urge(uow, None, notice, pending, automatic=True)
        if notice.published_by is not None and notice.published_by.active:
            notifications.send(uow, [notice.published_by], OVERDUE_KIND, f"签收期限已过：{notice.title}"[:200],
                               f"{len(pending)} 家企业未签收，已自动催签。", notice_key(notice.id, "overdue"))
    return handled
