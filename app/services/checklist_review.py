"""The technical lead's review of proposed checklist changes (技术负责人审核签字): approving applies the change to the
item, raises the list's version, archives the whole list as that version signed with the lead's name and role, and
sends the standards-update notice (services/checklist_versions.py); rejecting needs a reason and tells the proposer.
A lead does not approve their own proposal (a user holding both roles): the point of the review is a second person.
A change whose item changed since it was proposed (a file load, say) is refused: the lead would sign a before → after
that is no longer true; it is rejected and proposed again."""
from sqlalchemy import func

from ..clock import clock
from ..errors import Conflict, NotAllowed
from ..models import CHANGE_KINDS, ChecklistItem
from . import audit, checklist_versions, notifications
from .checklist_changes import (MAX_NOTE, SUBJECT, audit_changes, check_pending, current_values, decide,
                                details, locked, may_review)
from .checklists import ITEM_FIELDS
from .field_rules import clean_text, raise_if


def check_may_review(user):
    if not may_review(user):
        raise NotAllowed("只有技术负责人可以审核检查表修改 / only the technical lead reviews checklist changes")


def approve(uow, actor, change_id, note=""):
    """Approve a pending change: it takes effect now as the list's next version. Returns (change, version)."""
    check_may_review(actor)
    change = locked(uow.session, actor, change_id)
    errors = {}
    note = clean_text(note, MAX_NOTE, "note", errors)
    raise_if(errors)
    check_pending(change)
    if change.proposed_by_id == actor.id:
        raise NotAllowed("不能审核自己提出的修改，请由另一位技术负责人审核 / you cannot approve your own proposal; "
                         "another technical lead reviews it")
    item = _apply(uow.session, change)
    version = checklist_versions.archive(uow, item.checklist, "review", signer=actor, change=change, note=note)
    decide(change, actor, "approved", note)
    change.version = version.version if version else item.checklist.version
    audit.record(uow, None, actor, "checklist_change_approved", changes=audit_changes(change),
                 details={**details(change), "proposed_by": change.proposed_by.username,
                          "signed_role": "technical_lead"}, reason=note, subject=(SUBJECT, change.checklist_id))
    _tell_proposer(uow, change, "checklist_change_approved",
                   f"检查表修改已批准生效：{change.checklist.name} {change.item_code}（第{change.version}版）", note)
    return change, version


def reject(uow, actor, change_id, reason):
    """Reject a pending change with a reason (required); the proposer is told."""
    check_may_review(actor)
    change = locked(uow.session, actor, change_id)
    errors = {}
    reason = clean_text(reason, MAX_NOTE, "reason", errors)
    if not reason and "reason" not in errors:
        errors["reason"] = "请填写退回原因 / give the reason for the rejection"
    raise_if(errors)
    check_pending(change)
    decide(change, actor, "rejected", reason)
    audit.record(uow, None, actor, "checklist_change_rejected", changes=audit_changes(change), details=details(change),
                 reason=reason, subject=(SUBJECT, change.checklist_id))
    _tell_proposer(uow, change, "checklist_change_rejected",
                   f"检查表修改被退回：{change.checklist.name} {change.item_code}"
                   f"（{CHANGE_KINDS[change.kind][0]}）", reason)
    return change


def _apply(session, change):
    """Make the change to the item (a new one for "add"); returns the item."""
    now = clock.now()
    if change.kind == "add":
        if session.query(ChecklistItem.id).filter_by(code=change.item_code).first():
            raise Conflict(f"编号 {change.item_code} 在提议后已被其他检查项使用，请退回后用新编号重新提议 / the code "
                           f"{change.item_code} was taken since the proposal; reject it and propose another code")
        last = session.query(func.max(ChecklistItem.position)).filter_by(checklist_id=change.checklist_id).scalar()
        item = ChecklistItem(checklist_id=change.checklist_id, code=change.item_code, position=(last or 0) + 1,
                             active=True, updated_at=now, **{k: change.proposed[k] for k in ITEM_FIELDS})
        session.add(item)
        session.flush()
        change.item = item
        return item
    item = session.query(ChecklistItem).filter_by(id=change.item_id).with_for_update().populate_existing().one()
    if current_values(item) != change.before:
        raise Conflict(f"检查项 {item.code} 在提议后已有变化（例如标准文件重新加载），请退回后重新提议 / item {item.code} "
                       "changed since the proposal (a load of the standard files, say); reject it and propose again")
    if change.kind == "update":
        for name in ITEM_FIELDS:
            setattr(item, name, change.proposed[name])
    else:
        item.active = change.kind == "activate"
    item.updated_at = now
    return item


def _tell_proposer(uow, change, kind, title, note):
    key = f"checklist_change:{change.id}:{change.status}"
    recipients = notifications.not_yet_given(uow, [change.proposed_by], key) if change.proposed_by.active else []
    body = (f"{'说明' if change.status == 'approved' else '退回原因'}：{note}" if note else "")
    notifications.send(uow, recipients, kind, title, body, key)

