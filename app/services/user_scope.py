"""What part of the records a user of a scoped role belongs to, as the administrator sets it (services/user_admin.py):
the townships / parks of a township safety office (属地监管) and the department of a department user (部门用户).

A department user is the login of another regulator (住建, 消防, 市场监管 …): it holds that role alone, so that no
second role ever gives an outside department's account the bureau side's reading rights, and it belongs to exactly
one department of the register."""
from ..models import Department, Enterprise


def clean_townships(session, townships, kept, errors):
    """The townships / parks a township user covers: at least one, each a township of the enterprise register
    (one the user already covers may stay after the register renamed it, so that the rest stays editable)."""
    chosen = sorted({(t or "").strip() for t in (townships or [])} - {""})
    known = set(register_townships(session)) | set(kept)
    unknown = [t for t in chosen if t not in known]
    if unknown:
        errors["townships"] = (f"企业名录中没有乡镇/园区 {'、'.join(unknown)} / no enterprise of the register is in "
                               f"{', '.join(unknown)}")
    elif not chosen:
        errors["townships"] = ("属地监管账号须至少负责一个乡镇/园区 / a township safety office covers at least one "
                               "township or park")
    return chosen


def register_townships(session):
    """The townships / parks named on the enterprise register, sorted."""
    return [t for (t,) in session.query(Enterprise.township).distinct().order_by(Enterprise.township) if t]


def clean_department(session, roles, value, kept_id, errors):
    """The department of a department user (None for any other role): `value` is the department's id (a form's
    choice) or its name as on the register (the CLI). Required for the role, which is held alone; an inactive
    department only if the user already belongs to it."""
    if "department" not in roles:
        return None
    if len(roles) > 1 and "roles" not in errors:
        errors["roles"] = "部门用户不能兼任其他角色 / a department user holds no other role"
    text = str(value or "").strip()
    if not text:
        errors["department"] = "部门用户必须属于一个部门，请选择 / a department user belongs to a department: choose it"
        return None
    query = session.query(Department)
    department = (query.filter(Department.id == int(text)) if text.isdigit()
                  else query.filter(Department.name == text)).first()
    if department is None:
        errors["department"] = f"部门名录中没有部门 {text[:100]} / no department {text[:100]} on the register"
    elif not department.active and department.id != kept_id:
        errors["department"] = f"部门 {department.name} 已停用 / the department {department.name} is inactive"
    else:
        return department
    return None


def departments_to_choose(session, kept_id=None):
    """The register's active departments, and the user's own even if inactive, for the user form."""
    rows = session.query(Department).order_by(Department.kind, Department.name, Department.id).all()
    return [d for d in rows if d.active or d.id == kept_id]
