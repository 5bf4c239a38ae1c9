"""When archive documents run out (services/enterprise_documents.py): a licence's or certificate's last valid day, an
emergency plan's revision date (备案日期 + 3 years). A document is 即将到期 from 30 days before that day, 已过期 the day
after it (Shanghai days).

The enterprise's staff are told twice per expiry date, each once: 30 days before and when it has passed (a document
entered already expired gets the second notice only). The day told about is kept on the row, so a renewal — a new
last valid day — arms both notices again, and a scheduler run twice, or two schedulers, tell nobody twice.

Staff read the list of expiring and expired documents of the enterprises they may see (services/access.py)."""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, or_, update

from ..clock import clock
from ..models import DOCUMENT_KINDS, Enterprise, EnterpriseDocument
from . import audit, notifications
from .access import enterprise_condition
from .enterprise_documents import SUBJECT

WARN_DAYS = 30
STATES = ("expiring", "expired")
MAX_WITHIN_DAYS = 366


def today():
    return clock.local_now().date()


def state(row, day=None):
    """"expired", "expiring", "valid", or None for a document without a last valid day (or retired)."""
    if row.valid_to is None or row.retired_at is not None:
        return None
    day = day or today()
    if row.valid_to < day:
        return "expired"
    return "expiring" if row.valid_to <= day + timedelta(days=WARN_DAYS) else "valid"


def days_left(row, day=None):
    return (row.valid_to - (day or today())).days if row.valid_to else None


@dataclass
class ExpiryFilter:
    state: str = ""  # "", "expiring" or "expired"
    kind: str = ""
    township: str = ""
    name: str = ""  # part of the enterprise's name
    within_days: int = WARN_DAYS  # how far ahead "expiring" looks
    limit: int | None = 50
    offset: int = 0


def listing(session, user, flt):
    """(documents expired or running out within `within_days`, soonest first; how many) of the enterprises the
    user may see; retired documents never."""
    day = today()
    query = session.query(EnterpriseDocument).join(Enterprise, Enterprise.id == EnterpriseDocument.enterprise_id) \
        .filter(enterprise_condition(user, EnterpriseDocument.enterprise_id),
                EnterpriseDocument.retired_at.is_(None), EnterpriseDocument.valid_to.isnot(None))
    if flt.state == "expired":
        query = query.filter(EnterpriseDocument.valid_to < day)
    elif flt.state == "expiring":
        query = query.filter(EnterpriseDocument.valid_to >= day,
                             EnterpriseDocument.valid_to <= day + timedelta(days=flt.within_days))
    else:
        query = query.filter(EnterpriseDocument.valid_to <= day + timedelta(days=flt.within_days))
    if flt.kind:
        query = query.filter(EnterpriseDocument.kind == flt.kind)
    if flt.township:
        query = query.filter(Enterprise.township == flt.township)
    if flt.name:
        query = query.filter(Enterprise.name.contains(flt.name, autoescape=True))
    total = query.count()
    query = query.order_by(EnterpriseDocument.valid_to, Enterprise.name, EnterpriseDocument.id).offset(flt.offset)
    return (query.limit(flt.limit) if flt.limit else query).all(), total


def _told_about(column):
    return or_(column.is_(None), column != EnterpriseDocument.valid_to)


def notify_due(uow):
    """Tell the enterprises' staff of documents 30 days from running out, and of those run out, once per expiry
    date each. Returns how many notices (per document) were sent now."""
    day = today()
    expired = and_(EnterpriseDocument.valid_to < day, _told_about(EnterpriseDocument.expired_for))
    rows = uow.session.query(EnterpriseDocument).filter(
        EnterpriseDocument.retired_at.is_(None), EnterpriseDocument.valid_to.isnot(None),
        EnterpriseDocument.valid_to <= day + timedelta(days=WARN_DAYS),
        or_(_told_about(EnterpriseDocument.warned_for), expired)).order_by(EnterpriseDocument.id).all()
    sent = 0
    for row in rows:
        event = "expired" if row.valid_to < day else "expiring"
        column = EnterpriseDocument.expired_for if event == "expired" else EnterpriseDocument.warned_for
        # both days are set when it has expired: an expired document is not warned "30 days before" afterwards
        values = {"warned_for": row.valid_to, "expired_for": row.valid_to} if event == "expired" \
            else {"warned_for": row.valid_to}
        taken = uow.session.execute(update(EnterpriseDocument).where(
            EnterpriseDocument.id == row.id, EnterpriseDocument.valid_to == row.valid_to, _told_about(column))
            .values(**values).execution_options(synchronize_session=False))
        if taken.rowcount != 1:  # another scheduler told them a moment ago, or the document was renewed meanwhile
            continue
        _tell(uow, row, event)
        sent += 1
    return sent


def _tell(uow, row, event):
    key = f"{SUBJECT}:{row.id}:{event}:{row.valid_to.isoformat()}"
    staff = notifications.not_yet_given(uow, notifications.role_holders(uow, ("enterprise",), row.enterprise_id), key)
    kind_name = DOCUMENT_KINDS[row.kind][0]
    what = f"{kind_name}《{row.title}》" if row.title != kind_name else kind_name
    if row.holder_name:
        what += f"（{row.holder_name}）"
    day = row.valid_to.isoformat()
    if row.kind == "emergency_plan":
        title = f"应急预案应于{day}前完成评估修订" if event == "expiring" else f"应急预案已超过修订期限（{day}）"
    else:
        title = f"{what}将于{day}到期" if event == "expiring" else f"{what}已于{day}到期"
    body = "请及时办理延期或换证，并在安全档案中更新资料。" if row.kind != "emergency_plan" else \
        "请组织应急预案评估，按需修订并重新备案，然后在安全档案中更新资料。"
    notifications.send(uow, staff, f"enterprise_document_{event}", title[:200], body, key)
    audit.record(uow, None, None, f"enterprise_document_{event}",
                 details={"enterprise_id": row.enterprise_id, "document_kind": row.kind, "title": row.title,
                          "valid_to": day, "recipients": len(staff)}, subject=(SUBJECT, row.id))
