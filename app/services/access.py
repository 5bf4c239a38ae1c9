"""Who may see which case and act on which task. Every check here is also tested over HTTP.

Three kinds of reader: those who see every enterprise (any role besides `enterprise`, `township` and
`department`), enterprise staff (their own enterprise) and township / park safety offices (属地监管: the enterprises
whose township they cover). A user holding both area roles sees the union. Other departments' users (部门用户) see no
enterprise and no case: only the referrals addressed to their department (services/referrals.py)."""
from sqlalchemy import and_, false, or_, select, true
from sqlalchemy.orm import joinedload

from ..errors import NotAllowed, NotFound
from ..extensions import db
from ..models import Enterprise, HazardCase, HumanTask
from ..models.user import SCOPED_ROLES


def sees_all_cases(user):
    """Anyone with a role besides `enterprise`, `township` and `department` works across the county; the others
    see part of it (a department user: no case at all)."""
    return bool(user.roles - SCOPED_ROLES)


def covered_townships(user):
    """The townships / parks whose enterprises a township user sees (none without the role: no township, nothing)."""
    return user.townships if "township" in user.roles else []


def enterprise_condition(user, column):
    """SQL condition for rows of the enterprises the user may see, by their enterprise id `column`: every one for
    those who see all cases, their own for enterprise staff, those of their townships for township offices, none
    otherwise (the rule of cases, for any row that belongs to an enterprise: a visit, a plan, a case's objection)."""
    if sees_all_cases(user):
        return true()
    parts = []
    if "enterprise" in user.roles and user.enterprise_id:
        parts.append(column == user.enterprise_id)
    townships = covered_townships(user)
    if townships:
        parts.append(column.in_(select(Enterprise.id).where(Enterprise.township.in_(townships))))
    return or_(*parts) if parts else false()


def sees_township(user, township):
    """The same rule for something named by township / park (an area's risk level, a coverage figure)."""
    return sees_all_cases(user) or (bool(township) and township in covered_townships(user))


def visible_enterprises(session, user):
    return session.query(Enterprise).filter(enterprise_condition(user, Enterprise.id))


def township_choices(session, user):
    """The townships / parks a user may filter lists by: the register's for those who see all, the covered ones
    for a township office, none for enterprise staff (who see one enterprise)."""
    if sees_all_cases(user):
        return [t for (t,) in session.query(Enterprise.township).distinct().order_by(Enterprise.township) if t]
    return sorted(covered_townships(user))


def visible_cases(session, user):
    return session.query(HazardCase).filter(enterprise_condition(user, HazardCase.enterprise_id))


def may_see(user, case_enterprise_id):
    """The rule of `visible_cases` for a case whose enterprise is known."""
    if sees_all_cases(user):
        return True
    if "enterprise" in user.roles and user.enterprise_id and case_enterprise_id == user.enterprise_id:
        return True
    townships = covered_townships(user)
    if not townships or case_enterprise_id is None:
        return False
    enterprise = db.session.get(Enterprise, case_enterprise_id)
    return enterprise is not None and enterprise.township in townships


def get_visible_enterprise(session, user, enterprise_id):
    """The enterprise if the user may see its cases; 404 otherwise (no existence leak)."""
    enterprise = visible_enterprises(session, user).filter(Enterprise.id == enterprise_id).first()
    if enterprise is None:
        raise NotFound("enterprise not found")
    return enterprise


def check_workable(user, task, case_enterprise_id):
    """404 when the user may not even see the task's case, 403 when it is another role's task."""
    if not may_see(user, case_enterprise_id):
        raise NotFound("task not found")
    if not may_work_on(user, task):
        raise NotAllowed("this task belongs to a role you do not hold")


def get_visible_case(session, user, case_id):
    case = visible_cases(session, user).filter(HazardCase.id == case_id).first()
    if case is None:
        raise NotFound("hazard case not found")  # also for other enterprises' cases: no existence leak
    return case


def task_filter(user):
    """SQL condition for the tasks in this user's inbox."""
    roles = user.roles
    other_roles = sorted(roles - SCOPED_ROLES)  # township offices and departments work no task of the process
    parts = []
    if other_roles:
        parts.append(HumanTask.role.in_(other_roles))
    if "enterprise" in roles and user.enterprise_id:
        parts.append(and_(HumanTask.role == "enterprise", HumanTask.enterprise_id == user.enterprise_id))
    return or_(*parts) if parts else false()


def may_work_on(user, task):
    if task.role not in user.roles:
        return False
    return task.role != "enterprise" or task.enterprise_id == user.enterprise_id


_WITH_CASE = [joinedload(HumanTask.case).joinedload(HazardCase.process_version)]


def get_workable_task(session, user, task_id):
    """The task if the user may work on it; 404 when they may not even see its case, 403 otherwise."""
    # One query: the task page needs the case and its process version (for the form) too.
    task = session.get(HumanTask, task_id, options=_WITH_CASE)
    if task is None:
        raise NotFound("task not found")
    check_workable(user, task, task.case.enterprise_id)
    return task
