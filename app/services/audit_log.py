"""The audit log across the whole system: every case's events and those outside cases (calendar changes,
process deployments, enterprise and user administration), for managers, the bureau and administrators.

Newest first, by `created_at` (indexed); the filters narrow that walk. Dates are days of the Shanghai calendar,
both ends included.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import false, func, select

from ..clock import start_of_local_day
from ..errors import NotAllowed
from ..models import AuditEvent, HazardCase

ROLES = ("manager", "bureau", "admin")
SCOPES = ("cases", "system", "logins")  # rows of cases; configuration and people; logins; anything else: all
LOGIN_ATTEMPTS = ("logged_in", "login_failed")  # one row per login; a lock changes the account
LOGIN_ACTIONS = LOGIN_ATTEMPTS + ("login_locked",)
EXPORT_LIMIT = 50_000


def may_read(user):
    return user.has_role(*ROLES)


def check_may_read(user):
    if not may_read(user):
        raise NotAllowed("只有管理人员、应急管理局和系统管理员可以查看审计日志 / "
                         "only managers, the bureau and administrators may read the audit log")


@dataclass(frozen=True)
class AuditQuery:
    scope: str = ""
    action: str = ""
    actor: str = ""  # a username, exactly ("system" for the scheduler's and the engine's rows)
    case_code: str = ""
    since: date = None
    until: date = None


def _conditions(session, query):
    conditions = []
    if query.scope == "cases":
        conditions.append(AuditEvent.case_id.is_not(None))
    elif query.scope == "system":
        conditions.append(AuditEvent.case_id.is_(None))
        conditions.append(AuditEvent.action.not_in(LOGIN_ACTIONS))
    elif query.scope == "logins":
        conditions.append(AuditEvent.action.in_(LOGIN_ACTIONS))
    if query.action:
        conditions.append(AuditEvent.action == query.action)
    if query.actor:
        conditions.append(AuditEvent.actor_name == query.actor)
    if query.case_code:
        case_id = session.execute(select(HazardCase.id).where(HazardCase.code == query.case_code)).scalar()
        conditions.append(AuditEvent.case_id == case_id if case_id is not None else false())
    if query.since:
        conditions.append(AuditEvent.created_at >= start_of_local_day(query.since))
    if query.until:
        conditions.append(AuditEvent.created_at < start_of_local_day(query.until + timedelta(days=1)))
    return conditions


def _rows(conditions):
    """The events with their case's code (None outside cases), newest first."""
    return select(AuditEvent, HazardCase.code).outerjoin(HazardCase, HazardCase.id == AuditEvent.case_id) \
        .where(*conditions).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())


def search(session, user, query, limit=50, offset=0):
    """([(event, case code or None)], total) of one page."""
    check_may_read(user)
    conditions = _conditions(session, query)
    total = session.execute(select(func.count(AuditEvent.id)).where(*conditions)).scalar()
    return [tuple(row) for row in session.execute(_rows(conditions).limit(limit).offset(offset))], total


def export(session, user, query, limit=EXPORT_LIMIT):
    """The rows of a query for a file, newest first, at most `limit`: an iterator over (event, case code),
    read in chunks rather than held at once. Checked for the user before anything is read."""
    check_may_read(user)
    return iter(session.execute(_rows(_conditions(session, query)).limit(limit).execution_options(yield_per=1000)))
