"""The task inbox and what people do with a task: read (with its form), claim, release, reassign, complete."""
from flask import g

from ...errors import NotFound
from ...models import HumanTask
from ...services import hazards, tasks
from ...services.access import may_work_on
from ...services.processes import form_for
from ...services.uow import UnitOfWork
from . import api
from .auth import token_required
from .helpers import json_body, query_args
from .schemas import CaseSchema, CompleteSchema, DraftSchema, ReassignSchema, TaskListSchema, TaskQuery, \
    TaskSchema


@api.get("/tasks")
@token_required
def list_tasks():
    flt = tasks.InboxFilter(**query_args(TaskQuery()))
    with UnitOfWork() as uow:
        rows, total = tasks.inbox(uow.session, g.api_user, flt)
        counts = tasks.inbox_counts(uow.session, g.api_user)
        return TaskListSchema().dump({"items": rows, "total": total, "counts": counts})


@api.get("/tasks/<int:task_id>")
@token_required
def get_task(task_id):
    """Anyone who may see the case may read its task and form; `can_work` says whether they may act on it."""
    with UnitOfWork() as uow:
        task = uow.session.get(HumanTask, task_id)
        if task is None:
            raise NotFound("task not found")
        try:
            case = hazards.get_case(uow, g.api_user, task.case_id)
        except NotFound:
            raise NotFound("task not found") from None  # same answer as for a task that does not exist
        # Shape documented by TaskDetailSchema; the parts are dumped by their own schemas.
        can_work = may_work_on(g.api_user, task)
        return {**TaskSchema().dump(task), "form": form_for(case.process_version, task.form_key),
                "can_work": can_work, "case": CaseSchema().dump(case),
                # a draft is work in progress of those on the task: others reading the case do not see it
                "draft": task.draft if can_work else None,
                "draft_saved_by": task.draft_saved_by.username if can_work and task.draft_saved_by else None}


def _task_action(action, *args):
    with UnitOfWork() as uow:
        task = action(uow, g.api_user, *args)
        uow.commit()
        body = TaskSchema().dump(task)
    return body


@api.post("/tasks/<int:task_id>/claim")
@token_required
def claim_task(task_id):
    return _task_action(tasks.claim, task_id)


@api.post("/tasks/<int:task_id>/release")
@token_required
def release_task(task_id):
    return _task_action(tasks.release, task_id)


@api.post("/tasks/<int:task_id>/reassign")
@token_required
def reassign_task(task_id):
    body = json_body(ReassignSchema())
    return _task_action(tasks.reassign, task_id, body["username"].strip(), body["reason"])


@api.put("/tasks/<int:task_id>/draft")
@token_required
def save_task_draft(task_id):
    data = json_body(DraftSchema())["data"]
    return _task_action(tasks.save_draft, task_id, data)


@api.post("/tasks/<int:task_id>/complete")
@token_required
def complete_task(task_id):
    data = json_body(CompleteSchema())["data"]
    with UnitOfWork() as uow:
        case = tasks.complete(uow, g.api_user, task_id, data)
        uow.commit()
        body = CaseSchema().dump(case)
    return body
