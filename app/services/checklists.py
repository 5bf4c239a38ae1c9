"""Standard inspection checklists (标准化检查表): which lists and items apply to an enterprise (the general list and
those naming its industry), and the checks of an item's values. Process owners and administrators keep the items up
to date in the browser by proposing changes (add an item, edit its text, basis or dimension, deactivate and
reactivate it; never delete: results refer to it), which take effect once the technical lead approves them
(services/checklist_changes.py, checklist_review.py). The standard lists themselves ship as files
(services/checklist_load.py)."""
import re

from ..errors import NotFound
from ..models import DIMENSIONS, Checklist, ChecklistItem
from .field_rules import clean_text

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
