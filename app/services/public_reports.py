"""Reports from the public (隐患举报 / 有奖举报, the seed: 鼓励举报整改不力行为，设立有奖举报热线…举报人可…匿名提交线索，
经查属实的给予现金奖励，最高可达一万元): anyone, without an account, reports a hazard or poor rectification, anonymously
or with a name and phone, and follows it by a random query code. Here: filing, what the reporter reads, who of the
staff reads which report, and the intake list. The handling steps are in services/public_report_handling.py.

Who reads the intake: the bureau every report, with the reporter's contact; an inspector or supervision user only
the reports assigned to them for verification, without the contact. Project leads, enterprise staff and everyone
else read none (the reports may name an enterprise, and who reported is the bureau's to know).

The rate limit counts the reports filed from one address (a keyed hash of it, not the address) in the last hour in
the database, so it holds across processes and restarts; two filed at the same instant from one address may both
pass the check (the limit is then exceeded by at most the number of concurrent requests)."""
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, false, func, true

from ..clock import SHANGHAI, clock
from ..errors import DomainError, NotAllowed, NotFound
from ..models import Attachment, Enterprise, PublicCase, HazardCase, PublicReport
from ..models.attachment import free_of_owners
from . import audit, notifications
from .field_rules import clean_text, raise_if, row_id

BUREAU = ("bureau",)
VERIFIER_ROLES = ("inspector", "supervision")
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read out on the phone
CODE_LENGTH = 12  # 32**12 = 2**60 codes
MAX_TEXT, MAX_PLACE, MAX_NAME, MAX_PHONE, MAX_REPLY = 2000, 200, 64, 32, 1000
MIN_TEXT = 10
MAX_PHOTOS = 3
RATE_LIMIT, RATE_WINDOW = 5, timedelta(hours=1)
PAGE_SIZE = 50
# What the reporter reads as a report's stage (accepted and verifying are both 受理中 to them).
PUBLIC_STAGES = {"received": "received", "accepted": "handling", "verifying": "handling", "rejected": "rejected",
                 "confirmed": "confirmed", "unfounded": "unfounded", "case_opened": "case_opened"}
PUBLIC_STAGE_NAMES = {"received": ("已收到，待受理", "Received"), "handling": ("受理中", "Being handled"),
                      "rejected": ("不予受理", "Not accepted"), "confirmed": ("已核实", "Verified as true"),
                      "unfounded": ("不属实", "Not true"), "case_opened": ("已立案", "Case opened")}
STATES = ("open", "overdue", "closed", "all")


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"


# ---- who reads which -------------------------------------------------------------------------------------------
def is_bureau(user):
    return user.has_role(*BUREAU)


def may_see_reports(user):
    return user.has_role(*BUREAU, *VERIFIER_ROLES)


def shows_contact(user):
    return is_bureau(user)


def visible_condition(user):
    if is_bureau(user):
        return true()
    if user.has_role(*VERIFIER_ROLES):
        return PublicReport.verifier_id == user.id
    return false()


def get_visible(session, user, report_id, lock=False):
    """The report; NotAllowed for roles that read none, NotFound for one the user may not read."""
    if not may_see_reports(user):
        raise NotAllowed("举报线索仅供应急管理局和受指派的核查人员查看 / reports are for the bureau and the assigned "
                         "verifier only")
    query = session.query(PublicReport).filter(PublicReport.id == row_id(report_id), visible_condition(user))
    row = query.with_for_update().first() if lock else query.first()
    if row is None:
        raise NotFound("举报不存在 / report not found")
    return row


def verify_overdue(row, now=None):
    return row.status == "verifying" and row.verify_due is not None and row.verify_due < (now or clock.now())


# ---- the public ------------------------------------------------------------------------------------------------
def public_enterprises(session):
    """(id, name) of the enterprises the public already sees (those with a hazard the bureau made public): the
    form offers them; the register of enterprises stays internal."""
    return session.query(Enterprise.id, Enterprise.name).join(HazardCase, HazardCase.enterprise_id == Enterprise.id) \
        .join(PublicCase, PublicCase.case_id == HazardCase.id).distinct().order_by(Enterprise.name, Enterprise.id).all()


def address_key(secret, address):
    """A keyed hash of the client's address: enough to count its reports, not to read the address back."""
    return hmac.new(secret.encode(), (address or "").encode(), hashlib.sha256).hexdigest()


def check_rate(session, ip_hash, limit=RATE_LIMIT):
    """RateLimited when `limit` reports came from this address within the last hour."""
    since = clock.now() - RATE_WINDOW
    filed = session.query(func.count(PublicReport.id)).filter(
        PublicReport.ip_hash == ip_hash, PublicReport.received_at > since).scalar()
    if filed >= limit:
        raise RateLimited(f"提交过于频繁：同一网络一小时内最多提交 {limit} 条举报，请稍后再试 / too many reports "
                          f"from your network: at most {limit} an hour, try again later")


@dataclass
class Filing:
    text: str = ""
    place: str = ""
    enterprise_id: str = ""
    anonymous: bool = True
    name: str = ""
    phone: str = ""
    consent: bool = False


def _clean(session, filing):
    errors = {}
    text = clean_text(filing.text, MAX_TEXT, "text", errors)
    if "text" not in errors and len(text) < MIN_TEXT:
        errors["text"] = f"请写明举报内容，至少 {MIN_TEXT} 个字 / describe what you report, at least {MIN_TEXT} characters"
    place = clean_text(filing.place, MAX_PLACE, "place", errors)
    enterprise = None
    if filing.enterprise_id:
        offered = dict(public_enterprises(session))
        number = row_id(filing.enterprise_id)
        if number not in offered:
            errors["enterprise_id"] = "请从列表中选择企业，或留空 / choose an enterprise from the list or none"
        else:
            enterprise = session.get(Enterprise, number)
    if not place and enterprise is None and "place" not in errors:
        errors["place"] = "请填写企业名称或地址 / give the enterprise's name or the address"
    name = clean_text(filing.name, MAX_NAME, "name", errors)
    phone = clean_text(filing.phone, MAX_PHONE, "phone", errors)
    if not filing.anonymous:
        if not name and "name" not in errors:
            errors["name"] = "实名举报请填写姓名 / a named report needs your name"
        digits = phone.replace(" ", "").replace("-", "")
        if "phone" not in errors and not (digits.lstrip("+").isdigit() and 7 <= len(digits) <= 20):
            errors["phone"] = "请填写有效的联系电话 / give a valid phone number"
    if not filing.consent:
        errors["consent"] = "请阅读并同意举报须知 / read and accept the notice"
    return errors, text, place or (enterprise.name if enterprise else ""), enterprise, name, phone


def check_filing(session, filing):
    """{field: message} of what is wrong with the filing (empty when nothing is)."""
    return _clean(session, filing)[0]


def _new_code(session):
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if session.query(PublicReport.id).filter_by(code=code).first() is None:
            return code


def file_report(uow, filing, ip_hash, photo_ids=(), limit=RATE_LIMIT):
    """A report from the public: ValidationFailed names each wrong field, RateLimited beyond RATE_LIMIT an hour
    from one address. The photos (stored already, with no owner yet) become the report's; the bureau is told."""
    check_rate(uow.session, ip_hash, limit)
    errors, text, place, enterprise, name, phone = _clean(uow.session, filing)
    raise_if(errors)
    now = clock.now()
    row = PublicReport(code=_new_code(uow.session), text=text, place=place[:MAX_PLACE],
                       enterprise_id=enterprise.id if enterprise else None,
                       township=enterprise.township if enterprise else None, anonymous=filing.anonymous,
                       reporter_name=None if filing.anonymous else name,
                       reporter_phone=None if filing.anonymous else phone, consented_at=now, ip_hash=ip_hash,
                       received_at=now, status="received")
    uow.session.add(row)
    uow.session.flush()
    if photo_ids:
        uow.session.query(Attachment).filter(
            Attachment.public_id.in_(list(photo_ids)[:MAX_PHOTOS]), Attachment.uploader_id.is_(None),
            free_of_owners(Attachment.__table__.c)) \
            .update({"report_id": row.id, "field": "report"}, synchronize_session=False)
    audit.record(uow, None, None, "public_report_received", details={"report": row.code,
                                                                      "anonymous": row.anonymous},
                 subject=("public_report", row.id))
    key = f"public_report:{row.id}:received"
    notifications.send(uow, notifications.role_holders(uow, BUREAU), "public_report_received",
                       f"收到群众举报：{row.place}"[:200], text[:200], key)
    return row


def by_code(session, code):
    """The report with this query code (any case, spaces ignored), else NotFound."""
    wanted = "".join((code or "").split()).upper()[:CODE_LENGTH + 4]
    row = session.query(PublicReport).filter_by(code=wanted).first() if len(wanted) == CODE_LENGTH else None
    if row is None:
        raise NotFound("查询码不存在 / no report with this query code")
    return row


def public_facts(row):
    """What the reporter (whoever holds the code) reads: the stage, when it was received and last moved, the
    public reply, whether a reward was approved or paid. Never staff, notes, the verification's photos or the
    case."""
    moments = [row.received_at, row.decided_at, row.assigned_at, row.verified_at, row.case_linked_at,
               row.reward_approved_at, row.reward_paid_recorded_at]
    return {"code": row.code, "stage": PUBLIC_STAGES.get(row.status, row.status), "received_at": row.received_at,
            "updated_at": max(m for m in moments if m is not None), "place": row.place,
            "public_reply": row.public_reply or "",
            "reward": "paid" if row.reward_paid_on else ("approved" if row.reward_approved_at else None),
            "reward_amount": row.reward_amount if row.reward_approved_at else None}


def photos(session, report_id, field=None):
    query = session.query(Attachment).filter(Attachment.report_id == report_id)
    if field:
        query = query.filter(Attachment.field == field)
    return query.order_by(Attachment.id).all()


# ---- the intake list ----------------------------------------------------------------------------------------
@dataclass
class ReportFilter:
    state: str = "open"
    status: str = ""
    township: str = ""
    received_from: object = None  # a date (Shanghai)
    received_to: object = None
    limit: int = PAGE_SIZE
    offset: int = 0


def _day_start(day):
    return datetime.combine(day, datetime.min.time()).replace(tzinfo=SHANGHAI)


def listing(session, user, flt):
    """(the reports the user may read that match, newest first; how many)."""
    if not may_see_reports(user):
        raise NotAllowed("举报线索仅供应急管理局和受指派的核查人员查看 / reports are for the bureau and the assigned "
                         "verifier only")
    now = clock.now()
    query = session.query(PublicReport).filter(visible_condition(user))
    closed = PublicReport.status.in_(("rejected", "unfounded", "case_opened"))
    query = query.filter({"open": ~closed, "closed": closed,
                          "overdue": and_(PublicReport.status == "verifying", PublicReport.verify_due < now)}
                         .get(flt.state, true()))
    if flt.status:
        query = query.filter(PublicReport.status == flt.status)
    if flt.township:
        query = query.filter(PublicReport.township == flt.township)
    if flt.received_from:
        query = query.filter(PublicReport.received_at >= _day_start(flt.received_from))
    if flt.received_to:
        query = query.filter(PublicReport.received_at < _day_start(flt.received_to) + timedelta(days=1))
    total = query.count()
    rows = query.order_by(PublicReport.received_at.desc(), PublicReport.id.desc()) \
        .limit(flt.limit).offset(flt.offset).all()
    return rows, total


def townships(session, user):
    rows = session.query(PublicReport.township).filter(visible_condition(user), PublicReport.township.isnot(None)) \
        .distinct().order_by(PublicReport.township).all()
    return [t for (t,) in rows]

