"""Files a task's saved draft put on the case, then dropped (保存草稿 with a photo, later removed from the form).

A draft's files go on the case when the draft is saved, so that a colleague who finishes the task can use them. If
a later draft, or the submission that completes the task, leaves one out, it is taken off the case again (back to
its uploader's own uploads), unless a completed step of the case or another task's draft still names it: a wrong
photo removed from a form must not stay on the case for everyone on it to see. The removal is audited."""
from sqlalchemy import select

from ..models import AuditEvent, HumanTask
from . import attachments, audit, forms


def take_off_dropped(uow, actor, case, task_id, task_name, form, draft, data):
    """After the task's draft `draft` was replaced by `data` (a newer draft, or the submission): the files of
    `draft` that `data` no longer has are taken off the case. Nothing is read when the draft had no files."""
    dropped = {field: set(_ids(draft, field)) - set(_ids(data, field)) for field in forms.attachment_fields(form)}
    dropped = {field: ids for field, ids in dropped.items() if ids}
    if not dropped:
        return
    used = _still_used(uow.session, case.id, task_id, dropped)
    removed = {}
    for field, ids in dropped.items():
        gone = attachments.unlink_dropped(uow, case, field, ids, used.get(field, ()))
        if gone:
            removed[field] = gone
    if removed:
        audit.record(uow, case.id, actor, "draft_files_removed", task_name=task_name,
                     changes={field: [ids, []] for field, ids in removed.items()})


def _ids(values, field):
    found = (values or {}).get(field) or []
    return [str(v) for v in found] if isinstance(found, list) else []


def _still_used(session, case_id, task_id, fields):
    """{field: public ids} that completed steps of the case submitted, or other open tasks' drafts hold."""
    used = {field: set() for field in fields}
    submitted = session.execute(select(AuditEvent.details).where(
        AuditEvent.case_id == case_id, AuditEvent.action == "task_completed")).scalars()
    drafts = session.execute(select(HumanTask.draft).where(
        HumanTask.case_id == case_id, HumanTask.id != task_id, HumanTask.draft.is_not(None))).scalars()
    for values in [(details or {}).get("submitted") for details in submitted] + list(drafts):
        for field in fields:
            used[field].update(_ids(values, field))
    return used
