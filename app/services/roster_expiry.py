"""Special-operations certificates (特种作业操作证) of the training registers (services/roster.py) about to run out:
30 days before a present worker's certificate expires, the enterprise's staff are told, once per expiry date (kept on
the row: a renewal — a new date — arms it again; a scheduler run twice, or two schedulers, tell nobody twice). A
certificate entered already expired is not told about: the register's page and the inspectors' hint show it."""
from datetime import timedelta

from sqlalchemy import or_, update

from ..models import OPERATION_CATEGORIES, RosterPerson
from . import audit, notifications
from .roster import SUBJECT, today
from .roster_rules import CERTIFICATE_NOTICE_DAYS

KIND = "roster_certificate_expiring"


def _not_told():
    return or_(RosterPerson.expiry_warned_for.is_(None),
               RosterPerson.expiry_warned_for != RosterPerson.certificate_expires_on)


def notify_due(uow):
    """Tell the enterprises of their workers' certificates expiring within 30 days, once each; how many now."""
    day = today()
    rows = uow.session.query(RosterPerson).filter(
        RosterPerson.category == "special_worker", RosterPerson.left_on.is_(None),
        RosterPerson.certificate_expires_on >= day,
        RosterPerson.certificate_expires_on <= day + timedelta(days=CERTIFICATE_NOTICE_DAYS),
        _not_told()).order_by(RosterPerson.id).all()
    sent = 0
    for row in rows:
        taken = uow.session.execute(update(RosterPerson).where(
            RosterPerson.id == row.id, RosterPerson.certificate_expires_on == row.certificate_expires_on,
            _not_told()).values(expiry_warned_for=row.certificate_expires_on)
            .execution_options(synchronize_session=False))
        if taken.rowcount != 1:  # another scheduler took it a moment ago, or the certificate was renewed meanwhile
            continue
        _tell(uow, row)
        sent += 1
    return sent


def _tell(uow, row):
    day = row.certificate_expires_on.isoformat()
    key = f"{SUBJECT}:{row.id}:expiring:{day}"
    recipients = notifications.not_yet_given(
        uow, notifications.role_holders(uow, ("enterprise",), enterprise_id=row.enterprise_id), key)
    what = OPERATION_CATEGORIES.get(row.operation_kind, ("特种作业",))[0]
    title = f"{row.name}的特种作业操作证（{what}，{row.certificate_number}）将于{day}到期"
    body = "请在有效期届满前办理复审或换证，并在从业人员培训台账中更新证书信息；证书过期不得从事特种作业。"
    notifications.send(uow, recipients, KIND, title[:200], body, key)
    audit.record(uow, None, None, KIND, subject=(SUBJECT, row.id),
                 details={"enterprise_id": row.enterprise_id, "name": row.name,
                          "certificate_number": row.certificate_number, "expires_on": day,
                          "recipients": len(recipients)})
