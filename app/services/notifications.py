"""In-app notifications raised by the diagram's thrown signals, fanned out to every holder of a role."""
from flask import current_app
from sqlalchemy import bindparam, func, insert, select

from ..clock import clock
from ..models import Notification
from . import audit, outbox
from .access import sees_all_cases
from .users import holders_of_role, township_offices

# signal name -> (roles to notify, Chinese title). Enterprise recipients are the case's own enterprise; township
# recipients (属地监管) the safety offices covering its township / park, told what the bureau is told.
EVENT_RECIPIENTS = {
    "major_hazard_report": (("bureau", "township"), "重大隐患报告"),
    "assignment_overdue": (("project_lead",), "隐患超过2小时未指派"),
    "rectification_reminder": (("enterprise",), "整改期限即将届满提醒"),
    "rectification_urging": (("enterprise", "bureau", "project_lead", "township"), "催办通知：整改已逾期"),
    "enforcement_referral": (("bureau", "township"), "逾期未整改，移送执法"),
    "verification_overdue": (("quality",), "复核验收超过3个工作日"),
    "quality_problem": (("bureau", "project_lead"), "质量抽查发现问题"),
}


# Built once: every timer firing and many steps ask it (a statement built per call costs more than the query).
_GIVEN = select(Notification.user_id).where(Notification.dedup_key == bindparam("key"),
                                            Notification.user_id.in_(bindparam("ids", expanding=True)))
_INSERT = insert(Notification.__table__).returning(Notification.__table__.c.id, sort_by_parameter_order=True)


def on_process_event(uow, case, event_name, round_no, regrades=0):
    """One notice per recipient, and its outbox rows, each kind in one statement (a sweep may raise the same
    event for hundreds of cases). `regrades`: how often the case was graded again (services/regrading.py); each
    re-grading starts a new rectification period whose reminders and reports are news again."""
    roles, title = EVENT_RECIPIENTS.get(event_name, ((), event_name))
    key = f"case:{case.id}:{event_name}:round:{round_no}" + (f":regrade:{regrades}" if regrades else "")
    # The same event of the same round is sent once, however often the sweep runs.
    recipients = not_yet_given(uow, _recipients(uow, roles, case.enterprise_id), key)
    send(uow, recipients, event_name, f"{title}（{case.code}）", case.description[:200], key, case.id)
    audit.record(uow, case.id, None, "process_event", details={"event": event_name, "round": round_no,
                                                                  "recipients": len(recipients)})


def role_holders_without(uow, roles, key):
    """The active holders of `roles` (not enterprise staff) who have no notice with this dedup key yet: the
    recipients of a periodic report that is still due to them."""
    return not_yet_given(uow, _recipients(uow, tuple(roles), None), key)


def township_offices_without(uow, key):
    """The township offices who have no notice with this dedup key yet, by the townships they cover:
    {(township, ...): [users]}, for periodic reports of their own area (属地统计). An office covering no township
    gets none; a user who also holds a county-wide role is left to the county's report."""
    groups = {}
    for user in not_yet_given(uow, township_offices(uow.session), key):
        if user.townships and not sees_all_cases(user):
            groups.setdefault(tuple(user.townships), []).append(user)
    return groups


def role_holders(uow, roles, enterprise_id=None):
    """The active holders of `roles`, enterprise staff of `enterprise_id` only (cached per unit of work)."""
    return _recipients(uow, tuple(roles), enterprise_id)


def not_yet_given(uow, recipients, key):
    """The recipients who have no notice with this dedup key yet."""
    if not recipients:
        return []
    already = set(uow.session.connection().execute(_GIVEN, {"key": key, "ids": [u.id for u in recipients]}).scalars())
    return [user for user in recipients if user.id not in already]


def send(uow, recipients, kind, title, body, key, case_id=None):
    """One notice per recipient (in one statement) and its outbox rows for the configured channels."""
    if not recipients:
        return
    now = clock.now()
    rows = [{"case_id": case_id, "user_id": user.id, "kind": kind, "title": title, "body": body, "dedup_key": key,
             "created_at": now, "read_at": None} for user in recipients]
    ids = uow.session.connection().execute(_INSERT, rows).scalars().all()
    outbox.enqueue(uow, [(notification_id, title, body, user) for notification_id, user in zip(ids, recipients)],
                   current_app.config["NOTIFY_CHANNELS"])


def _recipients(uow, roles, enterprise_id):
    """Active holders of the roles (enterprise staff of this enterprise only, township offices of its township
    only); cached per unit of work, since a sweep notifies the same groups for many cases."""
    key = ("recipients", roles, enterprise_id if {"enterprise", "township"} & set(roles) else None)
    if key not in uow.cache:
        users = [u for role in roles for u in holders_of_role(uow.session, role, enterprise_id)]
        uow.cache[key] = list({u.id: u for u in users}.values())
    return uow.cache[key]


def unread_count(session, user):
    return session.query(func.count(Notification.id)).filter_by(user_id=user.id, read_at=None).scalar()


def for_user(session, user, limit=100):
    return session.query(Notification).filter_by(user_id=user.id) \
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit).all()


def mark_read(uow, user, notification_id=None):
    query = uow.session.query(Notification).filter_by(user_id=user.id, read_at=None)
    if notification_id is not None:
        query = query.filter_by(id=notification_id)
    return query.update({"read_at": clock.now()})
