"""Joint inspection plans (联合检查计划, seed 000 lines 650-656: 明确检查时间、范围及参与人员分工): the participating
units of a plan of the kind `joint` — the bureau (应急管理局), departments of the register, the contractor's team —
each with its participants (users where they have logins, else names) and its division of work (分工), and the
instruments of the equipment register to bring. Checked and written here when the plan is made
(services/inspection_plans.py); sending and signing are services/joint_plan_signoff.py.

A joint plan's day is at least a week (SEND_DAYS calendar days) ahead: it is sent to the units a week before the
day (计划将提前一周发送至相关单位), on top of the enterprise's five working days' notice, which stays as it is."""
from datetime import timedelta

from sqlalchemy import select

from ..clock import clock
from ..models import Department, Instrument, InspectionPlan, InspectionPlanInstrument, InspectionPlanUnit, User, UserRole
from .field_rules import clean_text, row_id
from .users import department_staff, holders_of_role

SEND_DAYS = 7  # 提前一周: calendar days between sending and the day
URGE_DAYS = 3  # units that have not signed are urged this many days before the day
MAX_UNITS = 12
MAX_NAMES, MAX_DUTIES, MAX_REMARK = 500, 2000, 500
# The contractor's team (第三方技术团队): its users are those of these roles; a project lead signs for it.
CONTRACTOR_ROLES = ("inspector", "project_lead", "project_team", "supervision", "expert", "technical_lead")
CONTRACTOR_SIGNERS = ("project_lead",)


def earliest_joint_day():
    """The first day a joint plan made or sent today may take place: a week after today (Shanghai)."""
    return clock.local_now().date() + timedelta(days=SEND_DAYS)


def unit_key(kind, department_id=None):
    """The form's name of a unit: `bureau`, `contractor` or `dept_<id>`."""
    return f"dept_{department_id}" if kind == "department" else kind


def unit_users(session, kind, department_id=None):
    """The active users a unit is made of: the bureau's, the department's, the contractor's staff."""
    if kind == "bureau":
        return holders_of_role(session, "bureau")
    if kind == "department":
        return department_staff(session, department_id)
    users = session.query(User).join(UserRole).filter(UserRole.role.in_(CONTRACTOR_ROLES), User.active.is_(True)) \
        .order_by(User.display_name, User.id).all()
    return list({u.id: u for u in users}.values())


def clean_units(session, units, errors):
    """The units of the form ([{kind, department_id?, participant_ids, participant_names, duties}]) as rows to
    add (without plan and position), errors under `units` (none, too many, twice the same, an unknown or inactive
    department) and under `unit_<key>` (a participant not of the unit, no participant, no division of work)."""
    if not units:
        errors["units"] = "请至少选择一个参加单位 / choose at least one participating unit"
        return []
    if len(units) > MAX_UNITS:
        errors["units"] = f"参加单位最多 {MAX_UNITS} 个 / at most {MAX_UNITS} units"
        return []
    rows, seen = [], set()
    for unit in units:
        row = _clean_unit(session, unit, errors)
        if row is None:
            continue
        key = unit_key(row.kind, row.department_id)
        if key in seen:
            errors["units"] = "同一单位只能出现一次 / a unit can be named once"
        seen.add(key)
        rows.append(row)
    return rows


def _clean_unit(session, unit, errors):
    kind = unit.get("kind")
    if kind not in ("bureau", "department", "contractor"):
        errors["units"] = "参加单位类别不正确 / unknown kind of unit"
        return None
    department_id = None
    if kind == "department":
        department = session.get(Department, row_id(unit.get("department_id")) or 0)
        if department is None or not department.active:
            errors["units"] = "部门不存在或已停用 / unknown or inactive department"
            return None
        department_id = department.id
    key = f"unit_{unit_key(kind, department_id)}"
    names = clean_text(unit.get("participant_names"), MAX_NAMES, key, errors)
    duties = clean_text(unit.get("duties"), MAX_DUTIES, key, errors)
    ids = [row_id(i) for i in (unit.get("participant_ids") or [])]
    members = {u.id for u in unit_users(session, kind, department_id)}
    if any(i is None or i not in members for i in ids):
        errors[key] = "参加人员须为该单位的用户 / a participant is not a user of the unit"
    elif not ids and not names and key not in errors:
        errors[key] = "请填写该单位的参加人员 / name the unit's participants"
    elif not duties and key not in errors:
        errors[key] = "请填写该单位的分工（负责区域、检查内容）/ give the unit's division of work"
    return InspectionPlanUnit(kind=kind, department_id=department_id, participant_ids=sorted(set(ids)),
                              participant_names=names, duties=duties, sign_remark="")


def clean_instruments(session, instrument_ids, errors):
    """The register's instruments to bring (none is fine); a retired or unknown one is an error."""
    ids = [row_id(i) for i in (instrument_ids or [])]
    if not ids:
        return []
    rows = session.query(Instrument).filter(Instrument.id.in_([i for i in ids if i])).all()
    if len(rows) != len(set(ids)) or any(r.status == "retired" for r in rows):
        errors["instrument_ids"] = "设备不存在或已报废 / unknown or retired instrument"
        return []
    return [InspectionPlanInstrument(instrument_id=r.id) for r in rows]


def add_to_plan(session, plan, units, instruments):
    for position, unit in enumerate(units, start=1):
        unit.plan_id, unit.position = plan.id, position
        session.add(unit)
    for row in instruments:
        row.plan_id = plan.id
        session.add(row)
    session.flush()
    session.refresh(plan)


def unit_name(unit):
    """应急管理局, the department's name or 第三方技术团队 (Chinese: the names the notices and the audit use)."""
    if unit.kind == "department":
        return unit.department.name
    return "应急管理局" if unit.kind == "bureau" else "第三方技术团队"


def participants(session, unit):
    """The unit's participants as one line: the users' names, then the others'."""
    names = [u.display_name for u in session.query(User).filter(User.id.in_(unit.participant_ids or [0]))
             .order_by(User.display_name)] if unit.participant_ids else []
    if unit.participant_names:
        names.append(unit.participant_names)
    return "、".join(names)


def told(session, unit):
    """Who hears of the plan for a unit: the department's or the bureau's users; the contractor's named users."""
    if unit.kind == "contractor":
        return session.query(User).filter(User.id.in_(unit.participant_ids or [0]), User.active.is_(True)) \
            .order_by(User.display_name, User.id).all()
    return unit_users(session, unit.kind, unit.department_id)


def units_of_visit(session, visit_id):
    """The participating units of the joint plan a visit was recorded from: [(unit, participants line)]; none for
    another visit. Their division of work is the plan's, not the visit's."""
    plan = session.query(InspectionPlan).filter(InspectionPlan.visit_id == visit_id,
                                                InspectionPlan.kind == "joint").first()
    return [(unit, participants(session, unit)) for unit in plan.units] if plan else []


def plans_of_department(department_id):
    """The ids of the joint plans a department takes part in (a subquery)."""
    return select(InspectionPlanUnit.plan_id).where(InspectionPlanUnit.department_id == department_id)


def signs_for(user, unit):
    """Whether the user signs for the unit: a department user for its department, a bureau user for the bureau, a
    project lead for the contractor."""
    if unit.kind == "department":
        return "department" in user.roles and user.department_id == unit.department_id
    if "department" in user.roles:
        return False
    if unit.kind == "bureau":
        return user.has_role("bureau")
    return user.has_role(*CONTRACTOR_SIGNERS)


def summary(session, plan):
    """The units for the audit log and the notices: [\"单位：人员\"]."""
    return [f"{unit_name(u)}：{participants(session, u)}" for u in plan.units]
