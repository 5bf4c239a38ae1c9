"""Key parts under tag management (重点部位挂牌管理, models/key_part.py): an enterprise's staff tag their own key parts —
name, kind, location, the responsible person (name and phone, optionally a login of the enterprise), the items of the
part's patrol card (a kind's default items to start with), optionally the risk point of the register it is — change
them, and take a tag down (摘牌, with a reason; kept and readable, no longer due a card).

Who: enterprise staff write their own enterprise's tags only (another enterprise's: NotFound, as its cases are).
Reading follows the cases' rule (services/access.py) for the staff roles and township offices, as the risk register
does; process owners and technical leads have no business here (NotAllowed). Every change is audited with its values
before → after under the part (subject `key_part`)."""
from ..clock import clock
from ..errors import NotAllowed, NotFound
from ..models import DEFAULT_CHECK_ITEMS, KEY_PART_KINDS, KeyPart, RiskPoint, User
from ..models.user import OVERSIGHT_ROLES
from . import audit
from .access import get_visible_enterprise
from .field_rules import clean_text, raise_if, row_id

SUBJECT = "key_part"
READERS = tuple(sorted(OVERSIGHT_ROLES | {"township", "enterprise"}))
LIMITS = {"name": 100, "location": 200, "responsible_name": 64, "responsible_phone": 32}
MAX_ITEMS, MAX_ITEM, MAX_REASON = 20, 200, 500


# ---- who ---------------------------------------------------------------------------------------------------------
def may_read(user):
    return user.has_role(*READERS)


def may_write(user, enterprise_id):
    return "enterprise" in user.roles and user.enterprise_id is not None and user.enterprise_id == enterprise_id


def get_enterprise(session, user, enterprise_id):
    """The enterprise whose tags the user may read: NotAllowed for roles without business here, NotFound for one
    they may not see (another enterprise's staff, another area's township office)."""
    if not may_read(user):
        raise NotAllowed("重点部位挂牌供企业本身、排查和监管人员查看 / key part tags are for the enterprise itself, the "
                         "inspection team and the supervisors")
    return get_visible_enterprise(session, user, enterprise_id)


def get(session, user, part_id):
    """The key part if the user may read its enterprise's tags (NotFound otherwise, also for no such part)."""
    part = session.get(KeyPart, part_id) if isinstance(part_id, int) else None
    if part is None:
        if not may_read(user):
            raise NotAllowed("重点部位挂牌供企业本身、排查和监管人员查看 / key part tags are for the enterprise itself, "
                             "the inspection team and the supervisors")
        raise NotFound("重点部位不存在 / key part not found")
    get_enterprise(session, user, part.enterprise_id)
    return part


def parts_of(session, enterprise_id, retired=False):
    """The enterprise's tagged parts by name (`retired`: the tags taken down instead)."""
    return session.query(KeyPart).filter(
        KeyPart.enterprise_id == enterprise_id,
        KeyPart.retired_at.isnot(None) if retired else KeyPart.retired_at.is_(None)) \
        .order_by(KeyPart.name, KeyPart.id).all()


def history(session, part):
    return audit.subject_history(session, SUBJECT, part.id)


def default_items(kind):
    return list(DEFAULT_CHECK_ITEMS.get(kind, DEFAULT_CHECK_ITEMS["other"]))


def staff_choices(session, enterprise_id):
    """The enterprise's active logins, for the responsible person."""
    return session.query(User).filter(User.enterprise_id == enterprise_id, User.active.is_(True)) \
        .order_by(User.display_name).all()


def risk_point_choices(session, enterprise_id):
    """The enterprise's risk points still in the register, key parts first."""
    rows = session.query(RiskPoint).filter(RiskPoint.enterprise_id == enterprise_id,
                                           RiskPoint.retired_at.is_(None)).all()
    return sorted(rows, key=lambda p: (p.kind != "key_part", p.name, p.id))


# ---- the fields --------------------------------------------------------------------------------------------------
def clean(session, enterprise_id, values, errors):
    """The columns of a tag from typed `values` (form strings, or an API body's values); each wrong field named in
    `errors`. `check_items` is a list of strings or one text with an item per line; empty: the kind's defaults."""
    result = {name: clean_text(values.get(name), limit, name, errors) for name, limit in LIMITS.items()}
    result["kind"] = clean_text(values.get("kind"), 16, "kind", errors)
    if result["kind"] not in KEY_PART_KINDS and "kind" not in errors:
        errors["kind"] = "请从列表中选择 / choose from the list"
    for name in ("name", "location", "responsible_name", "responsible_phone"):
        if not result[name] and name not in errors:
            errors[name] = "必填 / required"
    result["check_items"] = _items(values.get("check_items"), result["kind"], errors)
    result["responsible_user_id"] = _member(session, enterprise_id, values.get("responsible_user_id"), errors)
    result["risk_point_id"] = _risk_point(session, enterprise_id, values.get("risk_point_id"), errors)
    return result


def _items(value, kind, errors):
    lines = value.splitlines() if isinstance(value, str) else list(value or [])
    if any(not isinstance(line, str) for line in lines):
        errors["check_items"] = "检查项应为文字 / items are text"
        return []
    items = [line.strip().lstrip("-").strip() for line in lines]
    items = [item for item in items if item]
    if not items:
        return default_items(kind) if kind in KEY_PART_KINDS else []
    if len(items) > MAX_ITEMS:
        errors["check_items"] = f"最多 {MAX_ITEMS} 项 / at most {MAX_ITEMS} items"
    elif any(len(item) > MAX_ITEM for item in items):
        errors["check_items"] = f"每项最多 {MAX_ITEM} 个字符 / at most {MAX_ITEM} characters an item"
    return items


def _member(session, enterprise_id, value, errors):
    if value in (None, ""):
        return None
    user = session.get(User, row_id(value)) if row_id(value) is not None else None
    if user is None or user.enterprise_id != enterprise_id or not user.active:
        errors["responsible_user_id"] = "请选择本企业的用户 / choose a user of the enterprise"
        return None
    return user.id


def _risk_point(session, enterprise_id, value, errors):
    if value in (None, ""):
        return None
    point = session.get(RiskPoint, row_id(value)) if row_id(value) is not None else None
    if point is None or point.enterprise_id != enterprise_id or point.is_retired:
        errors["risk_point_id"] = "请选择本企业清单中的风险点 / choose a risk point of the enterprise's register"
        return None
    return point.id


# ---- writing -----------------------------------------------------------------------------------------------------
def check_writer(session, user, enterprise_id):
    enterprise = get_enterprise(session, user, enterprise_id)  # 403 / 404 first
    if not may_write(user, enterprise_id):
        raise NotAllowed("只有本企业人员可以管理重点部位挂牌 / only the enterprise's own staff manage its key part tags")
    return enterprise


def create(uow, user, enterprise_id, values):
    """A new tag; ValidationFailed names each wrong field and nothing is kept."""
    session = uow.session
    check_writer(session, user, enterprise_id)
    errors = {}
    columns = clean(session, enterprise_id, values, errors)
    raise_if(errors)
    now = clock.now()
    part = KeyPart(enterprise_id=enterprise_id, created_by_id=user.id, created_at=now, updated_by_id=user.id,
                   updated_at=now, retire_reason="", **columns)
    session.add(part)
    session.flush()
    audit.record(uow, None, user, "key_part_tagged", changes={k: [None, v] for k, v in _audited(part).items()},
                 details=_details(part), subject=(SUBJECT, part.id))
    return part


def update(uow, user, part_id, values):
    """The tag changed; a retired one is not (NotFound for the writer's eyes: it is off the list)."""
    session = uow.session
    part = get(session, user, part_id)
    check_writer(session, user, part.enterprise_id)
    if part.is_retired:
        raise NotFound("重点部位已摘牌 / the key part's tag was taken down")
    errors = {}
    columns = clean(session, part.enterprise_id, values, errors)
    raise_if(errors)
    before = _audited(part)
    for name, value in columns.items():
        setattr(part, name, value)
    part.updated_by_id, part.updated_at = user.id, clock.now()
    session.flush()
    after = _audited(part)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changes:
        audit.record(uow, None, user, "key_part_updated", changes=changes, details=_details(part),
                     subject=(SUBJECT, part.id))
    return part


def retire(uow, user, part_id, reason):
    """摘牌: the tag taken down with a reason (required); it stays readable with its cards."""
    session = uow.session
    part = get(session, user, part_id)
    check_writer(session, user, part.enterprise_id)
    if part.is_retired:
        raise NotFound("重点部位已摘牌 / the key part's tag was taken down")
    errors = {}
    text = clean_text(reason, MAX_REASON, "retire_reason", errors)
    if not text and not errors:
        errors["retire_reason"] = "请写明摘牌原因 / give the reason"
    raise_if(errors)
    part.retired_at, part.retired_by_id, part.retire_reason = clock.now(), user.id, text
    session.flush()
    audit.record(uow, None, user, "key_part_retired", changes={"retired": [False, True]}, details=_details(part),
                 reason=text, subject=(SUBJECT, part.id))
    return part


def _audited(part):
    return {"name": part.name, "kind": part.kind, "location": part.location,
            "responsible_name": part.responsible_name, "responsible_phone": part.responsible_phone,
            "responsible_user_id": part.responsible_user_id, "risk_point_id": part.risk_point_id,
            "check_items": list(part.check_items or [])}


def _details(part):
    return {"enterprise_id": part.enterprise_id, "key_part": part.name}
