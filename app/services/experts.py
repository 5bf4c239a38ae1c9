"""The expert pool (专家库, models/expert.py): kept by the project leads, the bureau and the administrators; read by
every role that works across the county (enterprise staff and township offices: 403 — phone numbers and certificates
are the working list of the bureau and its contractor). An expert is deactivated rather than deleted, so the
dispatches made keep their expert. Matching and dispatching are in services/expert_matching.py."""
import re
from dataclasses import dataclass

from sqlalchemy import func, or_

from ..clock import clock
from ..errors import Conflict, NotAllowed, NotFound
from ..models import EXPERT_DOMAINS, Expert, User, UserRole
from . import audit
from .access import sees_all_cases
from .field_rules import clean_text, raise_if, row_id

MANAGERS = ("project_lead", "bureau", "admin")
FIELDS = ("name", "organisation", "title", "domains", "phone", "certificate_no", "note", "user_id", "active")
MAX_NOTE = 2000
MAX_QUERY = 64
_PHONE = re.compile(r"^[0-9+\-() ]{5,32}$")


def may_read(user):
    return sees_all_cases(user)


def may_manage(user):
    return user.has_role(*MANAGERS)


def check_may_read(user):
    if not may_read(user):
        raise NotAllowed("专家库仅供监管部门和服务机构使用 / the expert pool is for the bureau and its contractor")


@dataclass
class ExpertFilter:
    q: str = ""  # name, organisation, title or certificate number
    domain: str = ""  # a key of EXPERT_DOMAINS
    active: str = "1"  # "1" active only, "0" inactive only, "" all


def listing(session, user, flt=None):
    """The experts of the filter, by name. Domains are a JSON list, so that filter is applied here: the pool is a
    county's few dozen people."""
    check_may_read(user)
    flt = flt or ExpertFilter()
    query = session.query(Expert)
    if flt.active in ("0", "1"):
        query = query.filter(Expert.active.is_(flt.active == "1"))
    if flt.q:
        pattern = f"%{flt.q.lower()}%"
        query = query.filter(or_(*(func.lower(column).like(pattern) for column in
                                   (Expert.name, Expert.organisation, Expert.title, Expert.certificate_no))))
    rows = query.order_by(Expert.name, Expert.id).all()
    if flt.domain:
        rows = [row for row in rows if flt.domain in (row.domains or [])]
    return rows


def get(session, user, expert_id):
    check_may_read(user)
    row = session.get(Expert, expert_id) if isinstance(expert_id, int) else None
    if row is None:
        raise NotFound("专家不存在 / expert not found")
    return row


def linkable_users(session):
    """Active users with the role `expert`: those a pool entry may be linked to."""
    return session.query(User).join(UserRole).filter(UserRole.role == "expert", User.active.is_(True)) \
        .order_by(User.display_name, User.id).all()


def _check(session, form, errors):
    values = {"name": clean_text(form.get("name"), 64, "name", errors),
              "organisation": clean_text(form.get("organisation"), 200, "organisation", errors),
              "title": clean_text(form.get("title"), 64, "title", errors),
              "phone": clean_text(form.get("phone"), 32, "phone", errors),
              "certificate_no": clean_text(form.get("certificate_no"), 64, "certificate_no", errors),
              "note": clean_text(form.get("note"), MAX_NOTE, "note", errors)}
    if not values["name"] and "name" not in errors:
        errors["name"] = "请填写专家姓名 / enter the expert's name"
    if values["phone"] and "phone" not in errors and not _PHONE.match(values["phone"]):
        errors["phone"] = "电话号码格式不正确 / not a phone number"
    domains = form.get("domains") or []
    domains = [domains] if isinstance(domains, str) else list(domains)
    if not domains:
        errors["domains"] = "请至少选择一个专业领域 / choose at least one field"
    elif any(d not in EXPERT_DOMAINS for d in domains):
        errors["domains"] = "专业领域不在列表中 / a field not on the list"
    values["domains"] = [d for d in EXPERT_DOMAINS if d in domains]  # the list's order, no repeats
    values["user_id"] = _linked_user(session, form.get("user_id"), errors)
    return values


def _linked_user(session, value, errors):
    if value is None or value == "":
        return None
    user_id = row_id(value)
    user = session.get(User, user_id) if user_id is not None else None
    if user is None or not user.active or "expert" not in user.roles:
        errors["user_id"] = "请选择一个在用的专家组成员账号 / choose an active user with the role expert"
        return None
    return user.id


def check_may_manage(user):
    if not may_manage(user):
        raise NotAllowed("只有项目负责人、应急管理局或管理员可以维护专家库 / "
                         "only project leads, the bureau or an admin keep the expert pool")


def save(uow, user, form, expert_id=None):
    """A new expert (expert_id None) or the changed one; ValidationFailed names each wrong field, a user linked to
    another expert is 409 on that field. Audited before → after."""
    check_may_manage(user)
    row = get(uow.session, user, expert_id) if expert_id is not None else None
    errors = {}
    values = _check(uow.session, form, errors)
    raise_if(errors)
    if values["user_id"] is not None:
        clash = uow.session.query(Expert.id).filter(Expert.user_id == values["user_id"])
        if row is not None:
            clash = clash.filter(Expert.id != row.id)
        if clash.first():
            raise Conflict("该账号已关联其他专家 / that user is linked to another expert",
                           fields={"user_id": "该账号已关联其他专家 / that user is linked to another expert"})
    values["active"] = bool(form.get("active", True))
    before = {name: getattr(row, name) for name in FIELDS} if row is not None else {}
    now = clock.now()
    if row is None:
        row = Expert(created_at=now, **values)
        uow.session.add(row)
    else:
        for name, value in values.items():
            setattr(row, name, value)
    row.updated_at = now
    uow.session.flush()
    changes = {audited(name): [before.get(name), value] for name, value in values.items()
               if before.get(name) != value and (before or value not in ("", [], None))}
    audit.record(uow, None, user, "expert_saved" if before else "expert_added", changes=changes,
                 subject=("expert", row.id))
    return row


def audited(name):
    """A field's name in the audit rows, apart from other registers' "name", "phone" …"""
    return f"expert_{name}"


def history(session, expert_id, limit=200):
    return audit.subject_history(session, "expert", expert_id, limit=limit)


def by_user(session, user_id):
    """The pool entry linked to a user, or None."""
    return session.query(Expert).filter_by(user_id=user_id).first() if user_id else None
