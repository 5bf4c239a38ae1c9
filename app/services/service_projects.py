"""Service projects (服务项目) and their rosters (服务对象名单, seed 001 §三 "对辖区内指定企业逐一进行安全隐患排查", §五
"100家规下企业", 附件 "2022年社会化服务企业名单"): a contract's name and number, its period, the share of the roster it must
visit (seed 000: 覆盖不少于 85%), and the enterprises in scope — picked from the register by hand or imported from a
list (services/service_project_roster.py). The coverage against the roster is in services/service_project_coverage.py.

Who: project leads (the contractor's, who run the service) and the bureau (who buys it and names the enterprises)
create and edit projects and their rosters; every other staff role reads them. An enterprise's staff see the
projects their own enterprise is on, with their own row only; any other project does not exist for them (NotFound).
Every change is audited on the project (subject "service_project")."""
from ..clock import clock
from ..errors import NotAllowed, NotFound
from ..models import Enterprise, ServiceProject, ServiceProjectEnterprise
from ..models.service_project import DEFAULT_TARGET_PERCENT
from . import audit
from .access import sees_all_cases
from .field_rules import clean_text, parse_date, raise_if, row_id

MANAGERS = ("project_lead", "bureau")
SUBJECT = "service_project"
FIELDS = ("name", "contract_no", "start_on", "end_on", "target_percent")
MAX_NAME, MAX_CONTRACT = 200, 64


# ---- who ---------------------------------------------------------------------------------------------------------
def may_manage(user):
    return user.has_role(*MANAGERS)


def reads_all(user):
    """Staff (any role besides `enterprise`) read every project with its whole roster and coverage."""
    return sees_all_cases(user)


def own_enterprise(user):
    return user.enterprise_id if "enterprise" in user.roles and user.enterprise_id else None


def may_read(user):
    return reads_all(user) or own_enterprise(user) is not None


def check_may_read(user):
    if not may_read(user):
        raise NotAllowed("服务项目供工作人员和名单内企业查看 / service projects are for staff and the enterprises on "
                         "their rosters")


def check_may_manage(user):
    if not may_manage(user):
        raise NotAllowed("只有项目负责人和应急管理局可以管理服务项目和服务对象名单 / only project leads and the bureau "
                         "manage service projects and their rosters")


# ---- reading -----------------------------------------------------------------------------------------------------
def _visible(session, user):
    query = session.query(ServiceProject)
    if not reads_all(user):
        query = query.filter(ServiceProject.id.in_(
            session.query(ServiceProjectEnterprise.project_id)
            .filter(ServiceProjectEnterprise.enterprise_id == own_enterprise(user))))
    return query


def listing(session, user):
    """The projects the user may read, the latest period first."""
    check_may_read(user)
    return _visible(session, user).order_by(ServiceProject.end_on.desc(), ServiceProject.start_on.desc(),
                                            ServiceProject.id.desc()).all()


def get(session, user, project_id):
    """The project, or NotFound (also for enterprise staff whose enterprise is not on its roster)."""
    check_may_read(user)
    number = row_id(project_id)
    project = _visible(session, user).filter(ServiceProject.id == number).first() if number is not None else None
    if project is None:
        raise NotFound("服务项目不存在 / service project not found")
    return project


def is_current(project, today=None):
    today = today or clock.local_now().date()
    return project.start_on <= today <= project.end_on


def current_projects(session, today=None):
    """The projects whose period includes today (for the coverage beside the register-wide one)."""
    today = today or clock.local_now().date()
    return session.query(ServiceProject).filter(ServiceProject.start_on <= today, ServiceProject.end_on >= today) \
        .order_by(ServiceProject.start_on, ServiceProject.id).all()


def roster(session, project):
    """The project's roster entries (with their enterprises), by enterprise name."""
    return session.query(ServiceProjectEnterprise).join(Enterprise) \
        .filter(ServiceProjectEnterprise.project_id == project.id).order_by(Enterprise.name, Enterprise.id).all()


def roster_ids(session, project_id):
    return {e for (e,) in session.query(ServiceProjectEnterprise.enterprise_id).filter_by(project_id=project_id)}


def candidates(session, project):
    """The register's enterprises not on the roster yet (to pick from), by name."""
    on_roster = session.query(ServiceProjectEnterprise.enterprise_id).filter_by(project_id=project.id)
    return session.query(Enterprise).filter(Enterprise.id.not_in(on_roster)).order_by(Enterprise.name,
                                                                                       Enterprise.id).all()


# ---- writing -----------------------------------------------------------------------------------------------------
def clean(values):
    """The stored values from a form's or a body's `values`; ValidationFailed names every wrong field."""
    errors = {}
    name = clean_text(values.get("name"), MAX_NAME, "name", errors)
    if not name and "name" not in errors:
        errors["name"] = "请填写项目名称 / the name is required"
    contract_no = clean_text(values.get("contract_no"), MAX_CONTRACT, "contract_no", errors)
    days = {}
    for field in ("start_on", "end_on"):
        days[field] = parse_date(values.get(field), field, errors)
        if days[field] is None and field not in errors:
            errors[field] = "请填写日期 / give the date"
    if days["start_on"] and days["end_on"] and days["end_on"] < days["start_on"]:
        errors["end_on"] = "结束日期不能早于开始日期 / the period cannot end before it starts"
    target = _target(values.get("target_percent"), errors)
    raise_if(errors)
    return {"name": name, "contract_no": contract_no, **days, "target_percent": target}


def _target(value, errors):
    if value is None or (isinstance(value, str) and not value.strip()):
        return DEFAULT_TARGET_PERCENT
    text = str(value).strip()
    number = value if isinstance(value, int) and not isinstance(value, bool) else \
        int(text) if text.isascii() and text.isdigit() else None
    if number is None or not 1 <= number <= 100:
        errors["target_percent"] = "覆盖率目标应为 1 到 100 之间的整数 / the target is a whole percent from 1 to 100"
        return None
    return number


def create(uow, user, values):
    check_may_manage(user)
    clean_values = clean(values)
    now = clock.now()
    project = ServiceProject(created_by=user, created_at=now, updated_at=now, **clean_values)
    uow.session.add(project)
    uow.session.flush()
    audit.record(uow, None, user, "service_project_created",
                 changes={k: [None, v] for k, v in clean_values.items() if v not in ("", None)},
                 details=_details(project), subject=(SUBJECT, project.id))
    return project


def update(uow, user, project_id, values):
    """Changes the fields given; returns {field: [before, after]}."""
    project = get(uow.session, user, project_id)  # first: 404 for what the user may not see
    check_may_manage(user)
    current = {name: getattr(project, name) for name in FIELDS}
    changes = {k: [current[k], v] for k, v in clean({**current, **values}).items() if current[k] != v}
    if changes:
        for name, (_before, after) in changes.items():
            setattr(project, name, after)
        project.updated_at = clock.now()
        uow.session.flush()
        audit.record(uow, None, user, "service_project_updated", changes=changes, details=_details(project),
                     subject=(SUBJECT, project.id))
    return changes


def add_to_roster(uow, user, project_id, enterprise_ids, action="service_project_roster_added", details=None):
    """Put the register's enterprises `enterprise_ids` on the roster (those on it already are left as they are);
    ValidationFailed when one is not on the register, nothing added then. Returns the enterprises added."""
    project = get(uow.session, user, project_id)
    check_may_manage(user)
    wanted = {number for number in (row_id(e) for e in enterprise_ids or ())}
    if not wanted or None in wanted:
        raise_if({"enterprise_ids": "请选择企业 / choose the enterprises"})
    found = uow.session.query(Enterprise).filter(Enterprise.id.in_(wanted)).order_by(Enterprise.name).all()
    if len(found) != len(wanted):
        raise_if({"enterprise_ids": "所选企业不在企业名录中 / an enterprise chosen is not on the register"})
    on_roster = roster_ids(uow.session, project.id)
    added = [e for e in found if e.id not in on_roster]
    now = clock.now()
    for company in added:
        uow.session.add(ServiceProjectEnterprise(project_id=project.id, enterprise_id=company.id, added_at=now,
                                                 added_by_id=user.id))
    uow.session.flush()
    if added or details:
        audit.record(uow, None, user, action, details={**_details(project), **(details or {}), "added": len(added),
                                                       "enterprises": [e.name for e in added][:200]},
                     subject=(SUBJECT, project.id))
    return added


def remove_from_roster(uow, user, project_id, enterprise_id):
    """Take an enterprise off the roster; NotFound when it is not on it."""
    project = get(uow.session, user, project_id)
    check_may_manage(user)
    entry = uow.session.query(ServiceProjectEnterprise).filter_by(
        project_id=project.id, enterprise_id=row_id(enterprise_id)).first()
    if entry is None:
        raise NotFound("该企业不在服务对象名单中 / that enterprise is not on the roster")
    name = entry.enterprise.name
    uow.session.delete(entry)
    uow.session.flush()
    audit.record(uow, None, user, "service_project_roster_removed",
                 details={**_details(project), "enterprise_id": entry.enterprise_id, "name": name},
                 subject=(SUBJECT, project.id))
    return name


def _details(project):
    return {"service_project_id": project.id, "project": project.name,
            "period": f"{project.start_on.isoformat()}～{project.end_on.isoformat()}"}


def period_days(project):
    return (project.end_on - project.start_on).days + 1


def elapsed_percent(project, today=None):
    """How much of the period has passed (0 before it, 100 after), so progress can be read against time."""
    today = today or clock.local_now().date()
    if today < project.start_on:
        return 0
    if today > project.end_on:
        return 100
    return round(100 * ((today - project.start_on).days + 1) / period_days(project))
