"""Administering users and enterprises: the rules shared by the CLI (app/cli_users.py) and the admin pages
(app/web/admin_people.py).

Every change is audited with its before → after values (never a password or its hash). A rejected change
raises with `fields` naming each wrong field and a message "中文 / English" for it, all at once, so a form can
show every error next to its field.
"""
import re

from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..clock import clock
from ..errors import Conflict, NotAllowed, NotFound, ValidationFailed
from ..models import ENTERPRISE_SCALES, ROLES, Enterprise, User, UserRole, UserTownship
from . import audit
from .credit_code import normalise as normalise_code, problem as code_problem
from .enterprise_positions import clean_position
from .enterprise_tags import clean_tags, tagged
from .field_rules import clean_count, clean_text, parse_date, raise_if
from .user_scope import clean_department, clean_townships

MIN_PASSWORD = 10
# Text fields of the enterprise register with their longest length (the column sizes; the Text ones capped).
ENTERPRISE_TEXT = {"name": 200, "address": 300, "township": 100, "industry": 100, "main_products": 300,
                   "main_risks": 2000, "major_hazard_sources": 2000, "contact_person": 64, "contact_phone": 32}
ENTERPRISE_COUNTS = ("employees", "safety_managers", "special_workers")
ENTERPRISE_DATES = ("trial_operation_until",)
ENTERPRISE_FIELDS = ("name", "credit_code", "address", "township", "industry", "main_products",
                     *ENTERPRISE_COUNTS, "main_risks", "major_hazard_sources", "contact_person", "contact_phone",
                     *ENTERPRISE_DATES, "scale", "tags", "latitude", "longitude")
# What a scale may be typed as (a form sends the code; a spreadsheet the Chinese or English name or a longer form),
# compared without spaces and case; anything else is an error naming the choices.
SCALE_WORDS = {**{code: code for code in ENTERPRISE_SCALES},
               **{names[0]: code for code, names in ENTERPRISE_SCALES.items()},
               **{"".join(names[1].lower().split()): code for code, names in ENTERPRISE_SCALES.items()},
               "规模以上": "above", "规上企业": "above", "规模以上企业": "above",
               "规模以下": "below", "规下企业": "below", "规模以下企业": "below",
               "微型企业": "micro", "个体工商户": "micro"}
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
USER_TEXT = {"username": 64, "display_name": 128, "email": 200, "phone": 32}


# ---- enterprises ------------------------------------------------------------------------------------------
def add_enterprise(uow, actor, **fields):
    """fields: any of ENTERPRISE_FIELDS (strings as typed, or numbers); the others get their defaults."""
    require_admin(actor)
    values = clean_enterprise(uow, fields)
    enterprise = Enterprise(**values)
    uow.session.add(enterprise)
    _flush_unique(uow, "credit_code", _duplicate_code(values["credit_code"]))
    audit.record(uow, None, actor, "enterprise_added", changes={k: [None, v] for k, v in values.items()},
                 details={"enterprise_id": enterprise.id, "credit_code": enterprise.credit_code,
                          "name": enterprise.name}, subject=("enterprise", enterprise.id))
    return enterprise


def update_enterprise(uow, actor, enterprise_id, **fields):
    """Changes the fields given (the others stay); returns {field: [before, after]} of what changed."""
    require_admin(actor)
    enterprise = get_enterprise(uow.session, enterprise_id)
    current = {name: getattr(enterprise, name) for name in ENTERPRISE_FIELDS}
    values = clean_enterprise(uow, {**current, **fields}, enterprise_id=enterprise.id,
                               stored_code=enterprise.credit_code)
    changes = {name: [current[name], value] for name, value in values.items() if current[name] != value}
    if not changes:
        return {}
    for name, (_before, after) in changes.items():
        setattr(enterprise, name, after)
    _flush_unique(uow, "credit_code", _duplicate_code(values["credit_code"]))
    audit.record(uow, None, actor, "enterprise_updated", changes=changes,
                 details={"enterprise_id": enterprise.id, "credit_code": enterprise.credit_code,
                          "name": enterprise.name}, subject=("enterprise", enterprise.id))
    return changes


def clean_enterprise(uow, fields, enterprise_id=None, stored_code=None):
    """The enterprise's stored values from `fields` (typed text or numbers), or ValidationFailed naming every
    wrong field (Conflict when the only problem is a credit code another enterprise has)."""
    errors, values = {}, {}
    code = normalise_code(fields.get("credit_code"))
    # A code already on the register is not re-checked while unchanged, so that a record entered before the
    # check existed stays editable; a new or changed code must be valid.
    wrong = None if code == stored_code else code_problem(code)
    if wrong:
        errors["credit_code"] = wrong
    else:
        clash = uow.session.query(Enterprise.id).filter(Enterprise.credit_code == code)
        if enterprise_id is not None:
            clash = clash.filter(Enterprise.id != enterprise_id)
        if clash.first():
            errors["credit_code"] = _duplicate_code(code)
    values["credit_code"] = code
    for name, longest in ENTERPRISE_TEXT.items():
        values[name] = clean_text(fields.get(name), longest, name, errors)
    if not values["name"] and "name" not in errors:
        errors["name"] = "请填写企业名称 / the name is required"
    for name in ENTERPRISE_COUNTS:
        values[name] = clean_count(fields.get(name), name, errors)
    for name in ENTERPRISE_DATES:
        values[name] = parse_date(fields.get(name), name, errors)
    values["scale"] = clean_scale(fields.get("scale"), errors)
    values["tags"] = clean_tags(fields.get("tags"), "tags", errors)
    values["latitude"], values["longitude"] = clean_position(fields.get("latitude"), fields.get("longitude"), errors)
    duplicate_only = set(errors) == {"credit_code"} and errors["credit_code"] == _duplicate_code(code)
    raise_if(errors, Conflict if duplicate_only else ValidationFailed)
    return values


def clean_scale(value, errors):
    """A scale code from what was typed ("" when empty); an unknown word goes into `errors`."""
    text = "" if value is None else "".join(str(value).split())
    if not text:
        return ""
    code = SCALE_WORDS.get(text) or SCALE_WORDS.get(text.lower())
    if code is None:
        choices = "、".join(names[0] for names in ENTERPRISE_SCALES.values())
        english = ", ".join(names[1] for names in ENTERPRISE_SCALES.values())
        errors["scale"] = f"企业规模“{text[:20]}”不可识别，应为{choices}或留空 / unknown scale “{text[:20]}”: " \
                          f"{english}, or empty"
    return code or ""


def _duplicate_code(code):
    return f"统一社会信用代码 {code} 已被其他企业使用 / another enterprise has the credit code {code}"


def get_enterprise(session, enterprise_id):
    enterprise = session.get(Enterprise, enterprise_id)
    if enterprise is None:
        raise NotFound(f"没有该企业 / no enterprise {enterprise_id}")
    return enterprise


def find_enterprise(uow, credit_code):
    enterprise = uow.session.query(Enterprise).filter_by(credit_code=normalise_code(credit_code)).first()
    if enterprise is None:
        raise NotFound(f"没有统一社会信用代码为 {credit_code} 的企业 / no enterprise with credit code {credit_code}",
                       fields={"enterprise": "unknown"})
    return enterprise


def list_enterprises(session, search="", limit=50, offset=0, scale=None, tag=""):
    """(enterprises by name, total) whose name or credit code contains `search`, of the `scale` when given ("":
    those without one), with the risk `tag` when given."""
    query = session.query(Enterprise)
    if scale is not None:
        query = query.filter(Enterprise.scale == scale)
    if tag:
        query = query.filter(tagged(Enterprise.id, [tag]))
    if search:
        query = query.filter(or_(_contains(Enterprise.name, search), _contains(Enterprise.credit_code, search)))
    return query.order_by(Enterprise.name, Enterprise.id).limit(limit).offset(offset).all(), query.count()


# ---- users --------------------------------------------------------------------------------------------------
def create_user(uow, actor, username, display_name, roles, password, enterprise_code=None, email=None, phone=None,
                townships=None, department=None):
    """`department`: the department user's department, by id or by name (services/user_scope.py)."""
    require_admin(actor)
    errors = {}
    username = clean_text(username, USER_TEXT["username"], "username", errors)
    if "username" not in errors:
        if not username or any(c.isspace() for c in username):
            errors["username"] = "请填写用户名（不含空格） / a username without spaces is required"
        elif uow.session.query(User.id).filter_by(username=username).first():
            errors["username"] = _duplicate_user(username)
    profile = _clean_profile(uow, roles, enterprise_code, display_name, email, phone, errors, townships,
                             department=department)
    if len(password or "") < MIN_PASSWORD:
        errors["password"] = _short_password()
    duplicate_only = set(errors) == {"username"} and errors["username"] == _duplicate_user(username)
    raise_if(errors, Conflict if duplicate_only else ValidationFailed)
    enterprise, department = profile.pop("enterprise"), profile.pop("department")
    user = User(username=username, display_name=profile["display_name"] or username, created_at=clock.now(),
                enterprise_id=enterprise.id if enterprise else None, email=profile["email"], phone=profile["phone"],
                department_id=department.id if department else None)
    user.set_password(password)
    user.roles_rel = [UserRole(role=r) for r in profile["roles"]]
    user.townships_rel = [UserTownship(township=t) for t in profile["townships"]]
    uow.session.add(user)
    _flush_unique(uow, "username", _duplicate_user(username))
    audit.record(uow, None, actor, "user_created",
                 changes={"display_name": [None, user.display_name], "roles": [None, profile["roles"]],
                          "enterprise": [None, enterprise.credit_code if enterprise else None],
                          "townships": [None, profile["townships"]],
                          "department": [None, department.name if department else None], "email": [None, user.email],
                          "phone": [None, user.phone]},
                 details={"username": username, "user_id": user.id, "roles": profile["roles"],
                          "enterprise_id": user.enterprise_id, "department_id": user.department_id},
                 subject=("user", user.id))
    return user


def update_user(uow, actor, user_id, display_name, roles, enterprise_code=None, email=None, phone=None,
                townships=None, department=None):
    """Display name, roles, enterprise, townships, department, email and phone; returns {field: [before, after]}
    of what changed."""
    require_admin(actor)
    user = get_user(uow.session, user_id)
    errors = {}
    profile = _clean_profile(uow, roles, enterprise_code, display_name, email, phone, errors, townships,
                             kept=user.townships, department=department, kept_department=user.department_id)
    if _is_self(actor, user) and "admin" not in profile["roles"] and "roles" not in errors:
        errors["roles"] = "不能移除自己的系统管理员角色 / you cannot remove your own administrator role"
    raise_if(errors)
    enterprise, department = profile.pop("enterprise"), profile.pop("department")
    profile["display_name"] = profile["display_name"] or user.username
    before = profile_of(user)
    after = dict(profile, enterprise=enterprise.credit_code if enterprise else None,
                 department=department.name if department else None)
    changes = {name: [before[name], after[name]] for name in before if before[name] != after[name]}
    if not changes:
        return {}
    user.display_name, user.email, user.phone = profile["display_name"], profile["email"], profile["phone"]
    user.enterprise, user.department = enterprise, department
    if "roles" in changes:
        user.roles_rel = [r for r in user.roles_rel if r.role in profile["roles"]] + \
                         [UserRole(role=r) for r in profile["roles"] if r not in user.roles]
    if "townships" in changes:
        user.townships_rel = [t for t in user.townships_rel if t.township in profile["townships"]] + \
                             [UserTownship(township=t) for t in profile["townships"] if t not in user.townships]
    uow.session.flush()
    audit.record(uow, None, actor, "user_updated", changes=changes,
                 details={"username": user.username, "user_id": user.id}, subject=("user", user.id))
    return changes


def _clean_profile(uow, roles, enterprise_code, display_name, email, phone, errors, townships=None, kept=(),
                   department=None, kept_department=None):
    """The checked roles, enterprise (only for the enterprise role), townships (only for the township role),
    department (only for the department role), display name, email and phone."""
    roles = sorted(set(roles or []))
    unknown = [r for r in roles if r not in ROLES]
    if not roles or unknown:
        errors["roles"] = (f"未知角色 {', '.join(unknown)} / unknown roles {', '.join(unknown)}; known: "
                           f"{', '.join(ROLES)}" if unknown else "请至少选择一个角色 / choose at least one role")
    enterprise = None
    if "enterprise" in roles:  # staff of one enterprise; anyone else belongs to none
        if not (enterprise_code or "").strip():
            errors["enterprise"] = ("企业安全员必须属于一个企业，请填写其统一社会信用代码 / an enterprise user needs an "
                                    "enterprise (its unified social credit code)")
        else:
            try:
                enterprise = find_enterprise(uow, enterprise_code)
            except NotFound as exc:
                errors["enterprise"] = exc.message
    covered = clean_townships(uow.session, townships, kept, errors) if "township" in roles else []
    profile = {"roles": roles, "enterprise": enterprise, "townships": covered,
               "department": clean_department(uow.session, roles, department, kept_department, errors),
               "display_name": clean_text(display_name, USER_TEXT["display_name"], "display_name", errors)}
    for name in ("email", "phone"):
        profile[name] = clean_text(email if name == "email" else phone, USER_TEXT[name], name, errors) or None
    if profile["email"] and "email" not in errors and not EMAIL.fullmatch(profile["email"]):
        errors["email"] = "邮箱格式不正确 / not an email address"
    return profile


def profile_of(user):
    """What `update_user` edits, as stored (None where there is no email, phone, enterprise or department)."""
    return {"display_name": user.display_name, "roles": sorted(user.roles),
            "enterprise": user.enterprise.credit_code if user.enterprise else None,
            "townships": sorted(user.townships), "department": user.department.name if user.department else None,
            "email": user.email, "phone": user.phone}


def set_password(uow, actor, username, password):
    require_admin(actor)
    user = _user_named(uow, username)
    _check_password(password)
    user.set_password(password)  # also revokes the user's API tokens (they carry a hash fingerprint)
    user.failed_logins, user.locked_until = 0, None  # an admin's new password also lifts a login lock
    audit.record(uow, None, actor, "password_set", details={"username": username, "user_id": user.id},
                 subject=("user", user.id))
    return user


def change_own_password(uow, user, current, new, repeated):
    """A user changes their own password: the current one must be right, the new one long enough, different
    and typed twice alike. Audited; revokes the user's API tokens, as an admin's reset does."""
    errors = {}
    if not user.check_password(current or ""):
        errors["current"] = "当前密码不正确 / the current password is wrong"
    if len(new or "") < MIN_PASSWORD:
        errors["password"] = _short_password()
    elif new == current:
        errors["password"] = "新密码不能与当前密码相同 / the new password must differ from the current one"
    if not errors.get("password") and new != repeated:
        errors["password2"] = "两次输入的密码不一致 / the passwords do not match"
    if errors:
        raise ValidationFailed(next(iter(errors.values())), fields=errors)
    user.set_password(new)
    audit.record(uow, None, user, "password_changed", details={"username": user.username, "user_id": user.id},
                 subject=("user", user.id))
    return user


def set_active(uow, actor, username, active):
    require_admin(actor)
    user = _user_named(uow, username)
    if not active and _is_self(actor, user):
        message = "不能停用自己的账号 / you cannot deactivate your own account"
        raise ValidationFailed(message, fields={"active": message})
    if user.active != bool(active):
        audit.record(uow, None, actor, "user_activated" if active else "user_deactivated",
                     changes={"active": [user.active, bool(active)]},
                     details={"username": username, "user_id": user.id}, subject=("user", user.id))
        user.active = bool(active)
    return user


def get_user(session, user_id):
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"没有该用户 / no user {user_id}")
    return user


def list_users(session, role=None, search="", active=None, limit=50, offset=0):
    """(users by username, total): holders of `role`, username or display name containing `search`."""
    query = session.query(User)
    if role:
        query = query.filter(User.roles_rel.any(UserRole.role == role))
    if search:
        query = query.filter(or_(_contains(User.username, search), _contains(User.display_name, search)))
    if active is not None:
        query = query.filter(User.active.is_(bool(active)))
    rows = query.options(joinedload(User.enterprise)).order_by(User.username).limit(limit).offset(offset).all()
    return rows, query.count()


def _user_named(uow, username):
    user = uow.session.query(User).filter_by(username=username).first()
    if user is None:
        raise NotFound(f"没有用户 {username} / no user {username}")
    return user


def _duplicate_user(username):
    return f"用户名 {username} 已存在 / user {username} already exists"


def _short_password():
    return f"密码至少需要 {MIN_PASSWORD} 个字符 / the password needs at least {MIN_PASSWORD} characters"


def _check_password(password):
    if len(password or "") < MIN_PASSWORD:
        raise ValidationFailed(_short_password(), fields={"password": _short_password()})


def _is_self(actor, user):
    return getattr(actor, "id", None) is not None and actor.id == user.id


# ---- shared -------------------------------------------------------------------------------------------------
def require_admin(actor):
    if actor is not None and not actor.has_role("admin"):
        raise NotAllowed("只有系统管理员可以管理用户和企业 / only administrators maintain users and enterprises")


def _contains(column, search):
    """Case-insensitive substring match; % and _ typed by the user are matched literally."""
    return func.lower(column).contains(search.strip().lower(), autoescape=True)


def _flush_unique(uow, field, message):
    """Flush; a unique key taken by a concurrent transaction since the check is a conflict, not a crash."""
    try:
        uow.session.flush()
    except IntegrityError as exc:
        raise Conflict(message, fields={field: message}) from exc
