"""Who may see which case and act on which task. Every check here is also tested over HTTP."""
from sqlalchemy import and_, false, or_, true
from sqlalchemy.orm import joinedload

from ..errors import NotAllowed, NotFound
from ..models import HazardCase, HumanTask


def sees_all_cases(user):
    """Anyone with a role besides `enterprise` works across enterprises; enterprise staff see their own."""
    return bool(user.roles - {"enterprise"})


def enterprise_condition(user, column):
    """SQL condition for rows of the enterprises the user may see, by their enterprise id `column`: every one for
    those who see all cases, their own for enterprise staff, none otherwise (the rule of cases, for any row that
    belongs to an enterprise: a visit, a plan, a case's objection)."""
    if sees_all_cases(user):
        return true()
    if "enterprise" in user.roles and user.enterprise_id:
        return column == user.enterprise_id
    return false()


def visible_cases(session, user):
    return session.query(HazardCase).filter(enterprise_condition(user, HazardCase.enterprise_id))


def may_see(user, case_enterprise_id):
    """The rule of `visible_cases` for a case whose enterprise is known."""
    if sees_all_cases(user):
        return True
    return "enterprise" in user.roles and bool(user.enterprise_id) and case_enterprise_id == user.enterprise_id


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
    other_roles = sorted(roles - {"enterprise"})
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
