"""Who is told what about a referral once departments have logins (部门用户, services/referrals.py): the addressed
department's users of a new referral and of an overdue one, the bureau of a department's own reply.

A department user's notice carries no case (`case_id` None): it may not open the case page; its link is the
referral's page, found by the notice's key (`referral:<id>:…`, `referral_of_key`)."""
import re

from ..models import REPLY_OUTCOMES
from . import notifications
from .users import department_staff

_KEY = re.compile(r"^referral:(\d+):")


def referral_of_key(key):
    """The referral a notice is about (its id), from its dedup key; None for other notices."""
    match = _KEY.match(key or "")
    return int(match.group(1)) if match else None


def department_users(uow, department_id):
    key = ("department_staff", department_id)
    if key not in uow.cache:
        uow.cache[key] = department_staff(uow.session, department_id)
    return uow.cache[key]


def tell_department_referred(uow, row):
    """The addressed department's users: a letter awaits them (收到移送函 / 抄告函)."""
    kind = "移送函" if row.kind == "transfer" else "抄告函"
    notifications.send(uow, department_users(uow, row.department_id), "referral_received",
                       f"收到应急管理局{kind} {row.number}，请签收并于期限内回复",
                       f"{row.case.enterprise.name}：{row.reason[:180]}", f"referral:{row.id}:received")


def tell_department_overdue(uow, row, key):
    """The addressed department's users, once: the reply is overdue (the bureau is urged at the same time)."""
    recipients = notifications.not_yet_given(uow, department_users(uow, row.department_id), key)
    notifications.send(uow, recipients, "referral_reply_overdue", f"{row.number} 已超过回复期限，请尽快回复",
                       f"{row.case.enterprise.name}：{row.reason[:180]}", key)


def tell_bureau_replied(uow, row, reply, user):
    """The bureau (and whoever referred it, if not of the bureau) of a reply a department user recorded."""
    recipients = list(notifications.role_holders(uow, ("bureau",)))
    if row.referred_by.active and all(u.id != row.referred_by_id for u in recipients):
        recipients.append(row.referred_by)
    outcome = REPLY_OUTCOMES[reply.outcome][0]
    notifications.send(uow, recipients, "referral_department_replied",
                       f"{row.department.name}回复移送（{row.number}，{row.case.code}）：{outcome}",
                       f"{user.display_name}：{reply.text[:180]}", f"referral:{row.id}:reply:{reply.id}", row.case_id)
