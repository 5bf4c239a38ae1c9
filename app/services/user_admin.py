"""Administering users and enterprises (used by the CLI; the same rules would serve an admin page)."""
from ..clock import clock
from ..errors import Conflict, NotFound, ValidationFailed
from ..models import ROLES, Enterprise, User, UserRole
from . import audit

MIN_PASSWORD = 10


def create_user(uow, actor, username, display_name, roles, password, enterprise_code=None, email=None, phone=None):
    roles = sorted(set(roles))
    unknown = [r for r in roles if r not in ROLES]
    if not roles or unknown:
        raise ValidationFailed(f"unknown or missing roles: {unknown or 'none given'}; known: {', '.join(ROLES)}",
                               fields={"roles": "invalid"})
    if uow.session.query(User.id).filter_by(username=username).first():
        raise Conflict(f"user {username} already exists")
    enterprise = None
    if "enterprise" in roles:
        if not enterprise_code:
            raise ValidationFailed("an enterprise user needs --enterprise (unified social credit code)",
                                   fields={"enterprise": "required"})
        enterprise = find_enterprise(uow, enterprise_code)
    _check_password(password)
    user = User(username=username, display_name=display_name or username, created_at=clock.now(),
                enterprise_id=enterprise.id if enterprise else None, email=email, phone=phone)
    user.set_password(password)
    user.roles_rel = [UserRole(role=r) for r in roles]
    uow.session.add(user)
    uow.session.flush()
    audit.record(uow, None, actor, "user_created", details={"username": username, "roles": roles,
                                                            "enterprise_id": user.enterprise_id})
    return user


def set_password(uow, actor, username, password):
    user = uow.session.query(User).filter_by(username=username).first()
    if user is None:
        raise NotFound(f"no user {username}")
    _check_password(password)
    user.set_password(password)  # also revokes the user's API tokens (they carry a hash fingerprint)
    audit.record(uow, None, actor, "password_set", details={"username": username})
    return user


def set_active(uow, actor, username, active):
    user = uow.session.query(User).filter_by(username=username).first()
    if user is None:
        raise NotFound(f"no user {username}")
    user.active = bool(active)
    audit.record(uow, None, actor, "user_activated" if active else "user_deactivated",
                 details={"username": username})
    return user


def add_enterprise(uow, actor, **fields):
    code = (fields.get("credit_code") or "").strip().upper()
    if len(code) != 18 or not code.isalnum():
        raise ValidationFailed("统一社会信用代码应为18位字母或数字 / the credit code has 18 letters or digits",
                               fields={"credit_code": "invalid"})
    if uow.session.query(Enterprise.id).filter_by(credit_code=code).first():
        raise Conflict(f"enterprise {code} already exists")
    if not (fields.get("name") or "").strip():
        raise ValidationFailed("name is required", fields={"name": "required"})
    enterprise = Enterprise(**dict(fields, credit_code=code))
    uow.session.add(enterprise)
    uow.session.flush()
    audit.record(uow, None, actor, "enterprise_added", details={"credit_code": code, "name": enterprise.name})
    return enterprise


def find_enterprise(uow, credit_code):
    enterprise = uow.session.query(Enterprise).filter_by(credit_code=(credit_code or "").strip().upper()).first()
    if enterprise is None:
        raise NotFound(f"no enterprise with credit code {credit_code}")
    return enterprise


def _check_password(password):
    if len(password or "") < MIN_PASSWORD:
        raise ValidationFailed(f"password needs at least {MIN_PASSWORD} characters", fields={"password": "too short"})
