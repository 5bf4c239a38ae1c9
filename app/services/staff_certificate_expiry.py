"""When staff certificates run out (services/staff_certificates.py): a certificate is 即将到期 from 30 days before its
last valid day and 已过期 the day after it (Shanghai days), as the enterprises' archive documents are
(services/document_expiry.py, whose approach this follows).

The holder and the project leads are told twice per last valid day, each once: 30 days before and when it has
passed (a certificate entered already expired gets the second notice only). The day told about is kept on the row, so
a renewal — a new last valid day — arms both notices again, and a scheduler run twice, or two schedulers, tell nobody
twice. Certificates of users no longer active are left alone (they have left the team)."""
from datetime import timedelta

from sqlalchemy import and_, or_, update

from ..models import STAFF_CERTIFICATE_KINDS, StaffCertificate, User
from . import audit, notifications
from .staff_certificates import SUBJECT, WARN_DAYS, today

REMINDED_ROLES = ("project_lead",)


def _told_about(column):
    return or_(column.is_(None), column != StaffCertificate.valid_to)


def notify_due(uow):
    """Tell the holders and the project leads of certificates 30 days from running out, and of those run out, once
    per last valid day each. Returns how many certificates were told about now."""
    day = today()
    expired = and_(StaffCertificate.valid_to < day, _told_about(StaffCertificate.expired_for))
    rows = uow.session.query(StaffCertificate).join(User, User.id == StaffCertificate.user_id).filter(
        User.active.is_(True), StaffCertificate.valid_to.isnot(None),
        StaffCertificate.valid_to <= day + timedelta(days=WARN_DAYS),
        or_(_told_about(StaffCertificate.warned_for), expired)).order_by(StaffCertificate.id).all()
    sent = 0
    for row in rows:
        event = "expired" if row.valid_to < day else "expiring"
        column = StaffCertificate.expired_for if event == "expired" else StaffCertificate.warned_for
        # both days are set when it has expired: an expired certificate is not warned "30 days before" afterwards
        values = {"warned_for": row.valid_to, "expired_for": row.valid_to} if event == "expired" \
            else {"warned_for": row.valid_to}
        taken = uow.session.execute(update(StaffCertificate).where(
            StaffCertificate.id == row.id, StaffCertificate.valid_to == row.valid_to, _told_about(column))
            .values(**values).execution_options(synchronize_session=False))
        if taken.rowcount != 1:  # another scheduler told them a moment ago, or the certificate was renewed meanwhile
            continue
        _tell(uow, row, event)
        sent += 1
    return sent


def _tell(uow, row, event):
    key = f"{SUBJECT}:{row.id}:{event}:{row.valid_to.isoformat()}"
    people = {u.id: u for u in [row.user, *notifications.role_holders(uow, REMINDED_ROLES)]}
    recipients = notifications.not_yet_given(uow, list(people.values()), key)
    what = STAFF_CERTIFICATE_KINDS[row.kind][0] if row.kind != "other" else row.title
    day = row.valid_to.isoformat()
    name = row.user.display_name
    title = f"{name}的{what}（{row.number}）将于{day}到期" if event == "expiring" \
        else f"{name}的{what}（{row.number}）已于{day}到期"
    body = "请及时办理延续注册或复审换证，并交项目负责人或系统管理员更新证书信息。" if event == "expiring" else \
        "证书过期后不计入人员持证率；请尽快办理复审换证，并更新证书信息。"
    notifications.send(uow, recipients, f"staff_certificate_{event}", title[:200], body, key)
    audit.record(uow, None, None, f"staff_certificate_{event}",
                 details={"certificate_id": row.id, "certificate_kind": row.kind, "number": row.number,
                          "valid_to": day, "recipients": len(recipients)}, subject=("user", row.user_id))
