"""The archive of the checklists' versions (标准版本管理): each time a list changes — a technical lead approves a
proposed change (services/checklist_changes.py) or `flask checklists load` changes it — the whole list is archived
as its next version with what changed and who signed it, and a standards-update notice (标准更新通知) goes to the
inspection team and the supervision group. Nothing here or elsewhere deletes a version: the tender keeps old
standards for five years, and keeping them all keeps them at least that long.

Every staff role reads the versions (the online learning module, 在线学习); enterprise staff do not (like every
other checklist page)."""
from sqlalchemy.exc import IntegrityError

from ..clock import clock
from ..errors import Conflict, NotAllowed, NotFound
from ..models import Checklist, ChecklistItem, ChecklistVersion
from . import notifications
from .access import sees_all_cases
from .checklists import ITEM_FIELDS

HEADER_FIELDS = ("name", "name_en", "industries", "applies_to_all")
NOTICE_KIND = "checklist_updated"
# Who gets the standards-update notice: those who check enterprises against the lists.
NOTIFIED_ROLES = ("inspector", "project_lead", "supervision")
FILE_LOAD = "file_load"  # the signed role of a version a file load made


def may_read(user):
    return sees_all_cases(user)


def check_may_read(user):
    if not may_read(user):
        raise NotAllowed("检查表标准供工作人员查阅 / the checklist standards are for staff")


# ---- reading -----------------------------------------------------------------------------------------------------
def get_checklist(session, user, code):
    check_may_read(user)
    checklist = session.query(Checklist).filter_by(code=code).first() if isinstance(code, str) else None
    if checklist is None:
        raise NotFound("没有这个检查表 / no such checklist")
    return checklist


def versions_of(session, checklist):
    """The list's versions, newest first."""
    return session.query(ChecklistVersion).filter_by(checklist_id=checklist.id) \
        .order_by(ChecklistVersion.version.desc()).all()


def get_version(session, checklist, number):
    row = session.query(ChecklistVersion).filter_by(checklist_id=checklist.id, version=number).first() \
        if isinstance(number, int) else None
    if row is None:
        raise NotFound(f"{checklist.code} 没有第 {number} 版 / {checklist.code} has no version {number}")
    return row


def latest(session, checklist):
    return session.query(ChecklistVersion).filter_by(checklist_id=checklist.id) \
        .order_by(ChecklistVersion.version.desc()).first()


# ---- snapshots and what changed ----------------------------------------------------------------------------------
def header_of(checklist):
    return {"name": checklist.name, "name_en": checklist.name_en, "industries": list(checklist.industries or []),
            "applies_to_all": bool(checklist.applies_to_all)}


def snapshot(session, checklist):
    """Every item of the list (deactivated ones too) as plain values, in the list's order."""
    items = session.query(ChecklistItem).filter_by(checklist_id=checklist.id) \
        .order_by(ChecklistItem.position, ChecklistItem.code).all()
    return [item_values(i) for i in items]


def item_values(item):
    return {"code": item.code, **{k: getattr(item, k) for k in ITEM_FIELDS}, "position": item.position,
            "active": bool(item.active)}


def diff(before_header, before_items, after_header, after_items):
    """[{code, kind, before, after}] from one version to another: kind add, update (the fields that changed),
    deactivate, activate, move (its place only) or remove (an archive never has one; kept for comparing any two
    snapshots); a header change is {code: None, kind: "list"}."""
    found = []
    if before_header is not None and before_header != after_header:
        changed = [k for k in HEADER_FIELDS if before_header.get(k) != after_header.get(k)]
        found.append({"code": None, "kind": "list", "before": {k: before_header.get(k) for k in changed},
                      "after": {k: after_header.get(k) for k in changed}})
    old = {i["code"]: i for i in before_items}
    new = {i["code"]: i for i in after_items}
    for code, item in new.items():
        was = old.get(code)
        if was is None:
            found.append({"code": code, "kind": "add", "before": None, "after": _text(item)})
            continue
        changed = [k for k in ITEM_FIELDS if was.get(k) != item.get(k)]
        if changed:
            found.append({"code": code, "kind": "update", "before": {k: was.get(k) for k in changed},
                          "after": {k: item.get(k) for k in changed}})
        if bool(was.get("active")) != bool(item.get("active")):
            found.append({"code": code, "kind": "activate" if item.get("active") else "deactivate",
                          "before": {"active": bool(was.get("active"))}, "after": {"active": bool(item.get("active"))}})
        if not changed and was.get("position") != item.get("position"):
            found.append({"code": code, "kind": "move", "before": {"position": was.get("position")},
                          "after": {"position": item.get("position")}})
    found += [{"code": code, "kind": "remove", "before": _text(item), "after": None}
              for code, item in old.items() if code not in new]
    return found


def between(older, newer):
    """What changed from version `older` to version `newer` (two ChecklistVersion rows of one list)."""
    return diff(older.header, older.items, newer.header, newer.items)


def _text(item):
    return {k: item.get(k) for k in (*ITEM_FIELDS, "active")}


def summary(changes):
    """One line of what changed, in Chinese (the notice's body, stored as sent)."""
    words = {"add": "新增", "update": "修改", "deactivate": "停用", "activate": "启用", "move": "调整顺序",
             "remove": "移除", "list": "检查表信息"}
    parts = [f"{words.get(c['kind'], c['kind'])} {c['code']}" if c["code"] else words["list"] for c in changes]
    return "；".join(parts[:20]) + (f" 等 {len(parts)} 项" if len(parts) > 20 else "")


# ---- archiving ---------------------------------------------------------------------------------------------------
def archive(uow, checklist, source, signer=None, change=None, note="", operator=None):
    """Archive the list as it now stands as its next version when it differs from the newest archived one; returns
    the new version, or None when nothing changed. `signer`: the approving user (source "review"); `operator`:
    the name a file load is recorded under. Sends the standards-update notice from version 2 on: a list's first
    version is a new list arriving with a deployment, not a change of a standard the inspectors already work to."""
    session = uow.session
    session.flush()
    # The list's row locked (PostgreSQL) so that an approval and a load cannot both number the same version; the
    # unique (checklist_id, version) key stands behind it elsewhere.
    session.query(Checklist).filter_by(id=checklist.id).with_for_update().populate_existing().one()
    previous = latest(session, checklist)
    header, items = header_of(checklist), snapshot(session, checklist)
    if previous is not None and previous.header == header and previous.items == items:
        return None
    changes = diff(previous.header, previous.items, header, items) if previous else \
        [{"code": i["code"], "kind": "add", "before": None, "after": _text(i)} for i in items]
    number = previous.version + 1 if previous else checklist.version or 1
    signed_name, signed_role = (signer.display_name, "technical_lead") if signer is not None else \
        (operator or "system", FILE_LOAD)
    row = ChecklistVersion(checklist_id=checklist.id, version=number, header=header, items=items, changes=changes,
                           source=source, change=change, approved_by_id=getattr(signer, "id", None),
                           approved_at=clock.now(), signed_name=signed_name, signed_role=signed_role, note=note or "")
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        raise Conflict(f"{checklist.code} 的第 {number} 版刚由他人生成，请刷新后重试 / version {number} of "
                       f"{checklist.code} was made by someone else just now; reload and try again") from None
    checklist.version = number
    if number > 1:
        _notify(uow, checklist, row)
    return row


def _notify(uow, checklist, row):
    """The standards-update notice (标准更新通知) to every inspector, project lead and supervision group member."""
    key = f"checklist:{checklist.code}:version:{row.version}"
    title = f"标准更新通知：{checklist.name} 第{row.version}版"
    body = f"已生效，请查阅最新版本。变更：{summary(row.changes)}" + (f"。说明：{row.note}" if row.note else "")
    notifications.send(uow, notifications.role_holders_without(uow, NOTIFIED_ROLES, key), NOTICE_KIND, title,
                       body[:1000], key)


def notice_target(notice):
    """(list code, version) a standards-update notice is about, for a link from the notifications page."""
    parts = (notice.dedup_key or "").split(":") if notice.kind == NOTICE_KIND else []
    if len(parts) == 4 and parts[0] == "checklist" and parts[2] == "version" and parts[3].isdigit():
        return parts[1], int(parts[3])
    return None
