"""Standard inspection checklists (标准化检查表): which lists and items apply to an enterprise (the general list and
those naming its industry), and their upkeep in the browser by process owners and administrators (add an item, edit
its text, basis or dimension, deactivate and reactivate it; never delete: results refer to it). The standard lists
themselves ship as files (services/checklist_load.py)."""
import re

from sqlalchemy import func

from ..clock import clock
from ..errors import NotAllowed, NotFound
from ..models import DIMENSIONS, Checklist, ChecklistItem
from . import audit
from .field_rules import clean_text, raise_if

MAINTAINERS = ("process_owner", "admin")
CODE = re.compile(r"[A-Z][A-Z0-9]{0,7}-[0-9]{1,4}")
MAX_CODE, MAX_CONTENT, MAX_BASIS = 20, 1000, 500
ITEM_FIELDS = ("dimension", "content", "basis")


def may_maintain(user):
    return user.has_role(*MAINTAINERS)


def applies(checklist, industry):
    """Whether `checklist` is one for an enterprise of `industry` (the register's free text, compared trimmed)."""
    return checklist.applies_to_all or (industry or "").strip() in (checklist.industries or [])


def all_checklists(session):
    """Every checklist, the general ones first, then by code."""
    return session.query(Checklist).order_by(Checklist.applies_to_all.desc(), Checklist.code).all()


def checklists_for(session, industry):
    """The checklists that apply to an enterprise of `industry`: the general list and its industry's."""
    return [c for c in all_checklists(session) if applies(c, industry)]


def items_for(session, checklists, include_inactive=False):
    """The items of `checklists` in their lists' order, then by position."""
    if not checklists:
        return []
    order = {c.id: n for n, c in enumerate(checklists)}
    query = session.query(ChecklistItem).filter(ChecklistItem.checklist_id.in_(order))
    if not include_inactive:
        query = query.filter(ChecklistItem.active.is_(True))
    return sorted(query.all(), key=lambda i: (order[i.checklist_id], i.position, i.code))


def industries(session):
    """Every industry name the checklists name, sorted (for filters)."""
    return sorted({name for c in session.query(Checklist) for name in (c.industries or [])})


def item_values(values, errors, with_code=False):
    """The item's fields from a form, a file or a request, cleaned; a "中文 / English" message per wrong one."""
    clean = {}
    if with_code:
        code = clean_text(values.get("code"), MAX_CODE, "code", errors).upper()
        if "code" not in errors and not CODE.fullmatch(code):
            errors["code"] = "编号格式如 HG-01（大写字母、短横线、数字） / a code such as HG-01"
        clean["code"] = code
    dimension = str(values.get("dimension") or "").strip()
    if dimension not in DIMENSIONS:
        errors["dimension"] = "请选择检查维度 / choose the dimension"
    clean["dimension"] = dimension
    clean["content"] = clean_text(values.get("content"), MAX_CONTENT, "content", errors)
    if not clean["content"] and "content" not in errors:
        errors["content"] = "请填写检查内容 / say what is checked"
    clean["basis"] = clean_text(values.get("basis"), MAX_BASIS, "basis", errors)
    return clean


def get_item(session, item_id):
    item = session.get(ChecklistItem, item_id) if isinstance(item_id, int) else None
    if item is None:
        raise NotFound("检查项不存在 / checklist item not found")
    return item


def add_item(uow, actor, checklist_id, values):
    """A new item at the end of its list; ValidationFailed names each wrong field (a code already used among them)."""
    _check_maintainer(actor)
    errors = {}
    checklist = uow.session.get(Checklist, checklist_id) if isinstance(checklist_id, int) else None
    if checklist is None:
        errors["checklist_id"] = "请选择检查表 / choose the checklist"
    clean = item_values(values, errors, with_code=True)
    if "code" not in errors and uow.session.query(ChecklistItem.id).filter_by(code=clean["code"]).first():
        errors["code"] = f"编号 {clean['code']} 已被使用 / the code {clean['code']} is taken"
    raise_if(errors)
    last = uow.session.query(func.max(ChecklistItem.position)).filter_by(checklist_id=checklist.id).scalar() or 0
    item = ChecklistItem(checklist_id=checklist.id, position=last + 1, active=True, updated_at=clock.now(), **clean)
    uow.session.add(item)
    uow.session.flush()
    audit.record(uow, None, actor, "checklist_item_added", changes={k: [None, v] for k, v in clean.items()},
                 details=_details(item, checklist))
    return item


def update_item(uow, actor, item_id, values):
    """Edit an item's dimension, content and basis (its code stays: results and the files name it); returns the
    changes {field: [before, after]}, empty when nothing changed."""
    _check_maintainer(actor)
    item = get_item(uow.session, item_id)
    errors = {}
    clean = item_values(values, errors)
    raise_if(errors)
    changes = {k: [getattr(item, k), v] for k, v in clean.items() if getattr(item, k) != v}
    if changes:
        for name, pair in changes.items():
            setattr(item, name, pair[1])
        item.updated_at = clock.now()
        audit.record(uow, None, actor, "checklist_item_updated", changes=changes,
                     details=_details(item, item.checklist))
    return changes


def set_active(uow, actor, item_id, active):
    """Deactivate an item (visits no longer show it; recorded results keep it) or reactivate it."""
    _check_maintainer(actor)
    item = get_item(uow.session, item_id)
    if item.active == bool(active):
        return item
    item.active, item.updated_at = bool(active), clock.now()
    changes, details = {"active": [not item.active, item.active]}, _details(item, item.checklist)
    if item.active:
        audit.record(uow, None, actor, "checklist_item_activated", changes=changes, details=details)
    else:
        audit.record(uow, None, actor, "checklist_item_deactivated", changes=changes, details=details)
    return item


def _check_maintainer(actor):
    if not may_maintain(actor):
        raise NotAllowed("只有流程管理员和系统管理员可以维护检查表 / only process owners and administrators "
                         "maintain the checklists")


def _details(item, checklist):
    return {"item_id": item.id, "code": item.code, "checklist": checklist.code}
