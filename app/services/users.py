"""Reading users: authentication, holders of a role, display names, the enterprise register."""
import math
from datetime import timedelta

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from ..clock import clock
from ..errors import AccountLocked
from ..models import Enterprise, User, UserRole, UserTownship
from . import audit

_dummy_hash = None


def authenticate(uow, username, password, max_failures=5, lock_minutes=15, channel="web"):
    """The active user with these credentials, or None; the caller commits (a failure is counted too).

    An unknown username costs the same hashing time as a known one, so response times do not tell which
    usernames exist. `max_failures` wrong passwords in a row lock the account for `lock_minutes`: while locked,
    even the right password is refused with AccountLocked. Logins, failed attempts and locks of known users are
    audited (audit_log.LOGIN_ACTIONS) with the `channel`, "web" or "api". For a user with two-factor login the
    right password returns the user without logging in: the caller asks for the code (two_factor.verify_login)."""
    global _dummy_hash
    user = uow.session.query(User).filter_by(username=(username or "").strip()).first()
    if user is None:
        _dummy_hash = _dummy_hash or generate_password_hash("not-a-password")
        check_password_hash(_dummy_hash, password or "")
        return None
    correct = user.check_password(password or "")
    now = clock.now()
    raise_if_locked(user, now)
    if not user.active:
        return None
    details = {"username": user.username, "user_id": user.id, "channel": channel}
    if correct and user.two_factor_enabled:
        # Half way: the failure count stays until the code is right too, or a stolen password could alternate
        # with guessed codes forever. The login is audited when the code is (services/two_factor.py).
        return user
    if correct:
        record_login(uow, user, details)
        return user
    count_failure(uow, user, details, max_failures, lock_minutes)
    return None


def raise_if_locked(user, now):
    if user.locked_until is not None and user.locked_until > now:
        minutes = max(1, math.ceil((user.locked_until - now).total_seconds() / 60))
        raise AccountLocked(f"登录失败次数过多，账号已锁定，请 {minutes} 分钟后再试 / "
                            f"too many failed logins: the account is locked, try again in {minutes} minutes")


def record_login(uow, user, details):
    if user.failed_logins or user.locked_until:
        user.failed_logins, user.locked_until = 0, None
    audit.record(uow, None, user, "logged_in", details=details, subject=("user", user.id))


def count_failure(uow, user, details, max_failures, lock_minutes):
    """One more failed attempt (a wrong password or a wrong second-factor code); the last allowed one locks."""
    user.failed_logins = (user.failed_logins or 0) + 1
    audit.record(uow, None, None, "login_failed", details=dict(details, failures=user.failed_logins),
                 subject=("user", user.id))
    if user.failed_logins >= max_failures:
        user.failed_logins, user.locked_until = 0, clock.now() + timedelta(minutes=lock_minutes)
        audit.record(uow, None, None, "login_locked", details=dict(details, minutes=lock_minutes),
                     subject=("user", user.id))


def holders_of_role(session, role, enterprise_id=None):
    """Active users holding `role`; for the enterprise role, only that enterprise's staff; for the township role,
    only the safety offices covering that enterprise's township / park (none without an enterprise)."""
    query = session.query(User).join(UserRole).filter(UserRole.role == role, User.active.is_(True))
    if role == "enterprise":
        query = query.filter(User.enterprise_id == enterprise_id)
    elif role == "township":
        area = select(Enterprise.township).where(Enterprise.id == enterprise_id, Enterprise.township != "")
        query = query.filter(User.townships_rel.any(UserTownship.township.in_(area)))
    return query.order_by(User.display_name).all()


def department_staff(session, department_id):
    """The active users of a department (部门用户, role `department`) of the register; none for no department."""
    if department_id is None:
        return []
    return session.query(User).join(UserRole).filter(UserRole.role == "department", User.active.is_(True),
                                                     User.department_id == department_id) \
        .order_by(User.display_name, User.id).all()


def township_offices(session):
    """Active holders of the township role (their townships are loaded with them)."""
    return session.query(User).join(UserRole).filter(UserRole.role == "township", User.active.is_(True)) \
        .order_by(User.display_name).all()


def display_names(session, user_ids):
    ids = {i for i in user_ids if i}
    if not ids:
        return {}
    return dict(session.query(User.id, User.display_name).filter(User.id.in_(ids)))


def enterprise_names(session, enterprise_ids):
    """{id: name} of the given enterprises (nothing is read for none)."""
    ids = {i for i in enterprise_ids if i}
    if not ids:
        return {}
    return dict(session.query(Enterprise.id, Enterprise.name).filter(Enterprise.id.in_(ids)))


def enterprises(session):
    return session.query(Enterprise).order_by(Enterprise.name).all()
