"""The register of other departments (部门名录) the bureau refers hazards to (services/referrals.py): kept by the
bureau and the admins; read by every internal role (not by enterprise staff). A department is deactivated rather
than deleted, so the referrals made to it keep their addressee."""
import re

from ..clock import clock
from ..errors import Conflict, NotAllowed, NotFound
from ..models import DEPARTMENT_KINDS, Department
from . import audit
from .field_rules import clean_text, raise_if

MANAGERS = ("bureau", "admin")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def may_manage(user):
    return user.has_role(*MANAGERS)


def may_read(user):
    """Everyone but those who only are enterprise staff (the register is the bureau's working list) and the
    departments' own users (部门用户), who see their department's referrals only."""
    return bool(user.roles - {"enterprise"}) and "department" not in user.roles


def listing(session, active_only=False):
    query = session.query(Department)
    if active_only:
        query = query.filter(Department.active.is_(True))
    return query.order_by(Department.kind, Department.name, Department.id).all()


def get(session, department_id):
    row = session.get(Department, department_id) if isinstance(department_id, int) else None
    if row is None:
        raise NotFound("部门不存在 / department not found")
    return row


def _check(form, errors):
    values = {"name": clean_text(form.get("name"), 100, "name", errors),
              "kind": str(form.get("kind") or ""),
              "contact_person": clean_text(form.get("contact_person"), 64, "contact_person", errors),
              "phone": clean_text(form.get("phone"), 32, "phone", errors),
              "email": clean_text(form.get("email"), 200, "email", errors)}
    if not values["name"] and "name" not in errors:
        errors["name"] = "请填写部门名称 / enter the department's name"
    if values["kind"] not in DEPARTMENT_KINDS:
        errors["kind"] = "请选择部门类别 / choose the kind of department"
    if values["email"] and "email" not in errors and not _EMAIL.match(values["email"]):
        errors["email"] = "邮箱格式不正确 / not an email address"
    return values


def save(uow, user, form, department_id=None):
    """A new department (department_id None) or the changed one; a name taken by another: 409."""
    if not may_manage(user):
        raise NotAllowed("只有应急管理局或管理员可以维护部门名录 / only the bureau or an admin keeps the register")
    row = get(uow.session, department_id) if department_id is not None else None
    errors = {}
    values = _check(form, errors)
    raise_if(errors)
    clash = uow.session.query(Department.id).filter(Department.name == values["name"])
    if row is not None:
        clash = clash.filter(Department.id != row.id)
    if clash.first():
        raise Conflict("已有同名部门 / a department of that name exists")
    now = clock.now()
    if row is None:
        row = Department(created_at=now, active=True, **values)
        uow.session.add(row)
    else:
        for name, value in values.items():
            setattr(row, name, value)
    if "active" in form:
        row.active = bool(form["active"])
    row.updated_at = now
    uow.session.flush()
    audit.record(uow, None, user, "department_saved" if department_id else "department_added",
                 changes={k: [None, v] for k, v in values.items()}, subject=("department", row.id))
    return row
