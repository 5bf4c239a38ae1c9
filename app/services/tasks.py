"""The role task inbox and what people do with a task: claim, release, reassign, complete."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import joinedload

from ..clock import clock
from ..errors import Conflict, NotAllowed, NotFound, TaskNotReady, ValidationFailed
from ..models import AuditEvent, HazardCase, HumanTask, ProcessVersion, User, WorkflowState
from . import attachments, audit, case_store, draft_files, forms, processes, projection, stop_work
from .access import check_workable, get_visible_case, get_workable_task, may_work_on, task_filter
from .calendar import REVISION_SUBQUERY
from .processes import form_for

STOP_WORK_FORM = "stop_work_order"  # the diagram's stop-work order task (特别重大): services/stop_work.py


@dataclass
class InboxFilter:
    grade: str | None = None
    overdue: bool = False
    enterprise_id: int | None = None
    due_before: datetime | None = None
    mine: bool = False
    limit: int = 50
    offset: int = 0


def _inbox_query(session, user, flt):
    query = session.query(HumanTask).filter(task_filter(user))
    if flt.grade:
        query = query.filter(HumanTask.grade == flt.grade)
    # Ranges on sort_due (= due_at, or the end of time when undated) so the inbox indexes serve them.
    if flt.overdue:
        query = query.filter(HumanTask.sort_due < clock.now())
    if flt.enterprise_id:
        query = query.filter(HumanTask.enterprise_id == flt.enterprise_id)
    if flt.due_before:
        query = query.filter(HumanTask.sort_due < flt.due_before)
    if flt.mine:
        query = query.filter(HumanTask.assignee_id == user.id)
    return query


def inbox(session, user, flt):
    """(tasks sorted by due time, total matching)."""
    query = _inbox_query(session, user, flt)
    total = query.order_by(None).with_entities(func.count(HumanTask.id)).scalar()
    rows = query.options(joinedload(HumanTask.case).joinedload(HazardCase.enterprise),
                         joinedload(HumanTask.assignee)) \
        .order_by(HumanTask.sort_due, HumanTask.id).limit(flt.limit).offset(flt.offset).all()
    return rows, total


def inbox_counts(session, user):
    """Counts shown beside each filter: all, mine, overdue and one per grade."""
    base = session.query(HumanTask).filter(task_filter(user))
    counts = {"all": 0}
    for grade, n in base.with_entities(HumanTask.grade, func.count(HumanTask.id)).group_by(HumanTask.grade):
        counts[f"grade:{grade}"] = n
        counts["all"] += n
    counts["overdue"] = base.filter(HumanTask.sort_due < clock.now()) \
        .with_entities(func.count(HumanTask.id)).scalar()
    # A person holds few claims: read them through the assignee index and apply the role rule here,
    # rather than let the planner scan every task of the role for the few that are mine.
    mine = session.query(HumanTask.role, HumanTask.enterprise_id).filter(HumanTask.assignee_id == user.id)
    counts["mine"] = sum(1 for role, enterprise_id in mine if role in user.roles and
                         (role != "enterprise" or enterprise_id == user.enterprise_id))
    return counts


def for_case(session, case_id):
    """The open tasks of a case, in due order (the caller has checked the case is visible)."""
    return session.query(HumanTask).filter_by(case_id=case_id).order_by(HumanTask.sort_due, HumanTask.id).all()


def claim(uow, user, task_id):
    task = get_workable_task(uow.session, user, task_id)
    if task.assignee_id == user.id:
        return task
    # Compare-and-set so two people claiming at once cannot both win.
    result = uow.session.execute(update(HumanTask).where(HumanTask.id == task.id, HumanTask.assignee_id.is_(None))
                                 .values(assignee_id=user.id, claimed_at=clock.now()))
    if result.rowcount != 1:
        raise Conflict("这个任务已被他人认领 / the task is already claimed by someone else")
    uow.session.refresh(task)
    audit.record(uow, task.case_id, user, "task_claimed", task_name=task.name)
    return task


def release(uow, user, task_id):
    task = get_workable_task(uow.session, user, task_id)
    if task.assignee_id is None:
        return task
    if task.assignee_id != user.id and not user.has_role("project_lead", "admin"):
        raise NotAllowed("only the assignee, a project lead or an admin can release this task")
    previous = task.assignee.username if task.assignee else None
    task.assignee, task.claimed_at = None, None
    audit.record(uow, task.case_id, user, "task_released", task_name=task.name,
                 changes={"assignee": [previous, None]})
    return task


def reassign(uow, user, task_id, username, reason):
    if not user.has_role("project_lead", "admin"):
        raise NotAllowed("only a project lead or an admin can reassign tasks")
    task = uow.session.get(HumanTask, task_id)
    if task is None:
        raise NotFound("task not found")
    if not (reason or "").strip():
        raise ValidationFailed("请填写改派原因 / a reason is required", fields={"reason": "required"})
    target = uow.session.query(User).filter_by(username=username, active=True).first()
    if target is None:
        raise ValidationFailed("用户不存在 / unknown user", fields={"username": "unknown user"})
    if not may_work_on(target, task):
        raise ValidationFailed("该用户不能处理此任务 / that user may not work on this task",
                               fields={"username": "not allowed on this task"})
    previous = task.assignee.username if task.assignee else None
    task.assignee, task.claimed_at = target, clock.now()
    audit.record(uow, task.case_id, user, "task_reassigned", task_name=task.name,
                 changes={"assignee": [previous, target.username]}, reason=reason.strip())
    return task


def save_draft(uow, user, task_id, data):
    """Keep the form's values so far on the task (保存草稿) without completing it: the task page shows them again
    to whoever works on it next. What is filled in must be valid; nothing is required yet. Audited with what
    changed since the last draft (an enterprise's progress reports, for those supervising the case)."""
    task = get_workable_task(uow.session, user, task_id)
    if task.assignee_id not in (None, user.id):
        raise Conflict(f"这个任务已由 {task.assignee.display_name} 认领 / the task is claimed by someone else")
    form = form_for(task.case.process_version, task.form_key)
    clean = forms.validate_draft(form, data)
    # The draft's files go on the case now: visible to those on the case, and usable by whoever submits the task.
    for field in forms.attachment_fields(form):
        attachments.link(uow, user, task.case, clean.get(field, []), field)
    draft_files.take_off_dropped(uow, user, task.case, task.id, task.name, form, task.draft, clean)
    before, now = task.draft or {}, clock.now()
    result = uow.session.execute(update(HumanTask).where(HumanTask.id == task.id)
                                 .values(draft=clean, draft_saved_at=now, draft_saved_by_id=user.id))
    if result.rowcount != 1:  # completed by someone else since it was read
        raise TaskNotReady("这个任务已经完成 / this task was already completed")
    projection.set_committed(task, {"draft": clean, "draft_saved_at": now, "draft_saved_by_id": user.id})
    audit.record(uow, task.case_id, user, "task_draft_saved", task_name=task.name,
                 changes={k: [before.get(k), clean.get(k)] for k in {*before, *clean} if before.get(k) != clean.get(k)})
    return task


# Everything completing a task needs, read in one statement (this is every step's first read): the task, its
# case (as the object the step updates), the process version, the state version the save will compare against
# and the working calendar's revision (so that computing a deadline needs no read of its own).
_FOR_COMPLETION = select(
    HazardCase, HumanTask.id, HumanTask.case_id, HumanTask.task_guid, HumanTask.name, HumanTask.role,
    HumanTask.form_key, HumanTask.enterprise_id, HumanTask.assignee_id, HumanTask.draft,
    WorkflowState.version.label("state_version"), ProcessVersion.id.label("version_id"), ProcessVersion.process_id,
    ProcessVersion.version, ProcessVersion.content_hash, REVISION_SUBQUERY.label("calendar_revision"),
).select_from(HumanTask).join(HazardCase, HazardCase.id == HumanTask.case_id) \
    .join(WorkflowState, WorkflowState.case_id == HumanTask.case_id) \
    .join(ProcessVersion, ProcessVersion.id == HazardCase.process_version_id).where(HumanTask.id == bindparam("task_id"))


def complete(uow, user, task_id, data):
    """Validate the form, run the task in the engine, save state + projections + audit together."""
    session = uow.session
    task = session.execute(_FOR_COMPLETION, {"task_id": task_id}).first()
    if task is None:
        _raise_if_completed(session, user, task_id)
        raise NotFound("task not found")
    case = task.HazardCase
    check_workable(user, task, case.enterprise_id)
    if task.assignee_id not in (None, user.id):
        holder = session.get(User, task.assignee_id)
        raise Conflict(f"这个任务已由 {holder.display_name} 认领 / the task is claimed by someone else")
    version = processes.VersionInfo(task.version_id, task.process_id, task.version, task.content_hash)
    form = form_for(version, task.form_key)
    clean = forms.validate(form, data)
    # The files are linked among the step's writes (checked when they have gone, before anything is committed).
    links = [attachments.linking(uow, user, case, clean.get(field, []), field)
             for field in forms.attachment_fields(form)]
    if task.draft:  # what the draft put on the case and the submission left out comes off it
        draft_files.take_off_dropped(uow, user, case, task_id, task.name, form, task.draft, clean)
    loaded = case_store.load(uow, case, state_version=task.state_version, calendar_revision=task.calendar_revision)
    before = loaded.runtime.ready_task_data(task.task_guid)
    if before is None:
        raise TaskNotReady("这个任务已经完成 / this task was already completed")
    case_store.run(case, lambda: loaded.runtime.complete(task.task_guid, clean))
    # The whole submission is kept (not only what it changed): it is what the case's documents are drawn from.
    case_store.save(uow, loaded, user, audit_rows=[audit.entry(
        case.id, user, "task_completed", task_name=task.name,
        details={"task_id": task_id, "form_key": task.form_key, "submitted": clean},
        changes={k: [before.get(k), v] for k, v in clean.items() if before.get(k) != v})], writes=links)
    if task.form_key == STOP_WORK_FORM:  # the enterprise stands stopped until an acceptance agrees to resume
        stop_work.record_from_task(uow, user, case, clean)
    return case


def _raise_if_completed(session, user, task_id):
    """A task's row is deleted once it is done; the audit trail tells a second submit it came too late."""
    event = session.query(AuditEvent).filter(AuditEvent.action == "task_completed",
                                             AuditEvent.details["task_id"].as_integer() == task_id).first()
    if event is not None:
        get_visible_case(session, user, event.case_id)  # 404 still, for those who may not see the case
        raise TaskNotReady("这个任务已经完成 / this task was already completed")

