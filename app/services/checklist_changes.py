"""Proposed changes of checklist items (标准版本管理: 所有更新内容均需经技术负责人审核签字后方可生效). A process owner or
an administrator proposes adding an item, editing one's dimension, content and basis, or deactivating or reactivating
one; nothing changes for the inspectors until the technical lead approves it (services/checklist_review.py). The
proposer may withdraw a pending proposal. An item has at most one pending change (two at once would each be signed
against a "before" the other one changes): a second is a Conflict, also when both arrive at the same moment (the
unique pending_key decides). Every step is audited with before → after, on the list's history (subject
"checklist")."""
from sqlalchemy.exc import IntegrityError

from ..clock import SHANGHAI, clock
from ..errors import Conflict, NotAllowed, NotFound
from ..models import CHANGE_KINDS, CHANGE_STATUSES, Checklist, ChecklistChange, ChecklistItem
from . import audit, checklists, notifications
from .checklists import ITEM_FIELDS
from .field_rules import raise_if

REVIEWERS = ("technical_lead",)
SUBJECT = "checklist"
MAX_NOTE = 500


# ---- who ---------------------------------------------------------------------------------------------------------
def may_propose(user):
    return checklists.may_maintain(user)


def may_review(user):
    return user.has_role(*REVIEWERS)


def may_read(user):
    """The pending and decided proposals: for those who propose and those who review them."""
    return may_propose(user) or may_review(user)


def check_may_propose(user):
    if not may_propose(user):
        raise NotAllowed("只有流程管理员和系统管理员可以提出检查表修改 / only process owners and administrators "
                         "propose checklist changes")


def check_may_read(user):
    if not may_read(user):
        raise NotAllowed("检查表修改供流程管理员、系统管理员和技术负责人查看 / checklist changes are for process owners, "
                         "administrators and technical leads")


# ---- reading -----------------------------------------------------------------------------------------------------
def get_change(session, user, change_id):
    check_may_read(user)
    row = session.get(ChecklistChange, change_id) if isinstance(change_id, int) else None
    if row is None:
        raise NotFound("没有这项检查表修改 / no such checklist change")
    return row


def listing(session, user, status="pending", checklist_id=None, limit=200):
    """The proposals in `status` (a key of CHANGE_STATUSES, or "all"): pending ones oldest first (the review's
    queue), others newest first."""
    check_may_read(user)
    query = session.query(ChecklistChange)
    if status in CHANGE_STATUSES:
        query = query.filter(ChecklistChange.status == status)
    if checklist_id is not None:
        query = query.filter(ChecklistChange.checklist_id == checklist_id)
    order = (ChecklistChange.proposed_at, ChecklistChange.id) if status == "pending" else \
        (ChecklistChange.proposed_at.desc(), ChecklistChange.id.desc())
    return query.order_by(*order).limit(limit).all()


def pending_by_code(session, checklist):
    """{item code: pending change} of one list (the upkeep page marks those items and lists proposed new ones)."""
    rows = session.query(ChecklistChange).filter_by(checklist_id=checklist.id, status="pending")
    return {row.item_code: row for row in rows.order_by(ChecklistChange.proposed_at)}


def pending_count(session):
    return session.query(ChecklistChange.id).filter_by(status="pending").count()


def current_values(item):
    """What a proposal compares with: the item's text and whether it is active."""
    return {**{k: getattr(item, k) for k in ITEM_FIELDS}, "active": bool(item.active)}


def is_stale(change):
    """A pending change whose item changed since it was proposed (a file load, say): it can no longer be approved."""
    if change.status != "pending" or change.kind == "add" or change.item is None:
        return False
    return current_values(change.item) != change.before


def comparison(change):
    """[(field, before, after)] the proposal would change, as the proposer saw it: every field of a new item, the
    edited fields of an edit, `active` for a (de)activation."""
    if change.kind == "add":
        return [(k, None, change.proposed.get(k)) for k in ITEM_FIELDS]
    if change.kind == "update":
        return [(k, change.before.get(k), change.proposed.get(k)) for k in ITEM_FIELDS
                if change.before.get(k) != change.proposed.get(k)]
    return [("active", change.before.get("active"), change.kind == "activate")]


def audit_changes(change):
    """{field: [before, after]} of a proposal, as the audit log shows it."""
    return {field: [before, after] for field, before, after in comparison(change)}


def details(change):
    return {"change_id": change.id, "kind": change.kind, "code": change.item_code, "checklist": change.checklist.code,
            "item_id": change.item_id, "version": change.version}


# ---- proposing ---------------------------------------------------------------------------------------------------
def propose_add(uow, actor, checklist_id, values):
    """A new item for a list, pending; ValidationFailed names each wrong field (a code already in use among them),
    Conflict when a new item with this code is pending already."""
    check_may_propose(actor)
    session = uow.session
    errors = {}
    checklist = session.get(Checklist, checklist_id) if isinstance(checklist_id, int) else None
    if checklist is None:
        errors["checklist_id"] = "请选择检查表 / choose the checklist"
    clean = checklists.item_values(values, errors, with_code=True)
    if "code" not in errors and session.query(ChecklistItem.id).filter_by(code=clean["code"]).first():
        errors["code"] = f"编号 {clean['code']} 已被使用 / the code {clean['code']} is taken"
    raise_if(errors)
    _check_nothing_pending(session, clean["code"])
    return _store(uow, actor, checklist, None, clean["code"], "add", {k: clean[k] for k in ITEM_FIELDS})


def propose_update(uow, actor, item_id, values):
    """An edit of an item's dimension, content and basis (its code stays: results and the files name it), pending;
    None when the values are the item's own. Conflict while the item has a pending change."""
    check_may_propose(actor)
    item = checklists.get_item(uow.session, item_id)
    _check_nothing_pending(uow.session, item.code)
    errors = {}
    clean = checklists.item_values(values, errors)
    raise_if(errors)
    if all(getattr(item, k) == clean[k] for k in ITEM_FIELDS):
        return None
    return _store(uow, actor, item.checklist, item, item.code, "update", clean)


def propose_active(uow, actor, item_id, active):
    """Deactivating an item (visits would no longer show it; recorded results keep it) or reactivating it,
    pending; None when it already is so. Conflict while the item has a pending change."""
    check_may_propose(actor)
    item = checklists.get_item(uow.session, item_id)
    _check_nothing_pending(uow.session, item.code)
    if item.active == bool(active):
        return None
    return _store(uow, actor, item.checklist, item, item.code, "activate" if active else "deactivate", {})


def withdraw(uow, actor, change_id):
    """The proposer takes back a pending proposal (kept, as withdrawn)."""
    check_may_propose(actor)
    change = locked(uow.session, actor, change_id)
    if change.proposed_by_id != actor.id:
        raise NotAllowed("只能撤回自己提出的修改 / you may withdraw only your own proposals")
    check_pending(change)
    decide(change, actor, "withdrawn", "")
    audit.record(uow, None, actor, "checklist_change_withdrawn", changes=audit_changes(change),
                 details=details(change), subject=(SUBJECT, change.checklist_id))
    return change


def locked(session, user, change_id):
    """The change, its row locked until the transaction ends (PostgreSQL), read afresh: of two deciding at once,
    the second sees the first's decision."""
    check_may_read(user)
    row = session.query(ChecklistChange).filter_by(id=change_id).with_for_update().populate_existing().first() \
        if isinstance(change_id, int) else None
    if row is None:
        raise NotFound("没有这项检查表修改 / no such checklist change")
    return row


def check_pending(change):
    if change.status != "pending":
        who = change.decided_by.display_name if change.decided_by else ""
        state = CHANGE_STATUSES[change.status]
        raise Conflict(f"这项修改已{state[0]}（{who}） / this change was already {state[1].lower()} ({who})")


def decide(change, actor, status, note):
    change.status, change.decided_by, change.decided_at = status, actor, clock.now()
    change.decision_note, change.pending_key = note or "", None


def _check_nothing_pending(session, code):
    waiting = session.query(ChecklistChange).filter_by(pending_key=code).first()
    if waiting is not None:
        raise Conflict(_pending_message(waiting))


def _pending_message(waiting):
    kind = CHANGE_KINDS.get(waiting.kind, (waiting.kind, waiting.kind))
    when = waiting.proposed_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    return (f"检查项 {waiting.item_code} 已有一项待技术负责人审核的修改（{kind[0]}，{waiting.proposed_by.display_name} "
            f"于 {when} 提出），请等审核后再提，或由提出人撤回 / item {waiting.item_code} already has a change waiting "
            f"for the technical lead ({kind[1].lower()}, proposed by {waiting.proposed_by.username} at {when}); "
            "wait for the decision, or ask its proposer to withdraw it")


def _store(uow, actor, checklist, item, code, kind, proposed):
    session = uow.session
    change = ChecklistChange(checklist_id=checklist.id, item_id=item.id if item else None, item_code=code, kind=kind,
                             proposed=proposed, before=current_values(item) if item else None, pending_key=code,
                             status="pending", proposed_by_id=actor.id, proposed_at=clock.now(), decision_note="")
    try:
        with session.begin_nested():  # two proposals of one item at the same moment: the unique key decides
            session.add(change)
            session.flush()
    except IntegrityError:
        waiting = session.query(ChecklistChange).filter_by(pending_key=code).first()
        raise Conflict(_pending_message(waiting) if waiting else f"检查项 {code} 刚有另一项修改提出，请刷新后再看 / "
                       f"another change of {code} was proposed just now; reload the page") from None
    audit.record(uow, None, actor, "checklist_change_proposed", changes=audit_changes(change), details=details(change),
                 subject=(SUBJECT, checklist.id))
    kind_name = CHANGE_KINDS[kind][0]
    key = f"checklist_change:{change.id}:proposed"
    notifications.send(uow, notifications.role_holders_without(uow, REVIEWERS, key), "checklist_change_proposed",
                       f"检查表修改待审核：{checklist.name} {code}（{kind_name}）",
                       (proposed.get("content") or (item.content if item else ""))[:200], key)
    return change
