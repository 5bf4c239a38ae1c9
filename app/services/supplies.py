"""The emergency supplies stock (应急物资储备, models/supplies.py): who may do what, the storage points, the item kinds and
the minimum stock levels. Movements and balances are in services/supply_stock.py, counts in services/supply_counts.py,
the expiry reminders in services/supply_expiry.py.

Who: project leads and administrators keep the points, the kinds and the minimum levels; a point's keeper (责任人)
records what comes in and goes out there and counts it (a project lead or an administrator may do so at any point, for
a keeper who is away); every other county-wide role — the project team, inspectors, the bureau … — reads; enterprise
staff, township offices and other departments' users are refused (403). Every change is audited with before → after
under the point ("supply_point") or the kind ("supply_kind")."""
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from ..clock import clock
from ..errors import Conflict, NotAllowed, NotFound
from ..models import SUPPLY_CATEGORIES, SupplyKind, SupplyMinimum, SupplyPoint, User
from . import audit
from .access import sees_all_cases
from .field_rules import MAX_COUNT, clean_text, raise_if, row_id, whole_number

MANAGERS = ("project_lead", "admin")
POINT_FIELDS = ("name", "place", "keeper_id", "phone", "note", "active")
KIND_FIELDS = ("name", "category", "unit", "shelf_life_months", "note", "active")
MAX_NOTE = 2000
MAX_SHELF_LIFE_MONTHS = 600


# ---- who may do what ----------------------------------------------------------------------------------------------
def may_read(user):
    return sees_all_cases(user)


def may_manage(user):
    return user.has_role(*MANAGERS)


def may_record(user, point):
    """Movements and counts at the point: its keeper, or a project lead / an administrator."""
    return may_read(user) and (point.keeper_id == user.id or may_manage(user))


def check_may_read(user):
    if not may_read(user):
        raise NotAllowed("应急物资储备仅供监管部门和服务机构使用 / the emergency supplies stock is for the bureau and its "
                         "contractor")


def check_may_manage(user):
    if not may_manage(user):
        raise NotAllowed("只有项目负责人或管理员可以维护储备点、物资品种和最低储备量 / only project leads or an admin keep "
                         "the storage points, the kinds of items and the minimum levels")


def check_may_record(user, point):
    check_may_read(user)
    if not may_record(user, point):
        raise NotAllowed("只有该储备点的责任人（或项目负责人）可以登记出入库和盘点 / only the point's keeper (or a project "
                         "lead) records movements and counts there")


def keepers(session):
    """Active staff users: who may keep a point."""
    users = session.query(User).filter(User.active.is_(True)).order_by(User.display_name, User.id).all()
    return [u for u in users if sees_all_cases(u)]


# ---- storage points -----------------------------------------------------------------------------------------------
def points(session, user, active_only=False):
    check_may_read(user)
    query = session.query(SupplyPoint)
    if active_only:
        query = query.filter(SupplyPoint.active.is_(True))
    return query.order_by(SupplyPoint.active.desc(), SupplyPoint.name, SupplyPoint.id).all()


def get_point(session, user, point_id):
    check_may_read(user)
    number = row_id(point_id)
    row = session.get(SupplyPoint, number) if number is not None else None
    if row is None:
        raise NotFound("储备点不存在 / storage point not found")
    return row


def _check_point(session, form, errors):
    values = {"name": clean_text(form.get("name"), 100, "name", errors),
              "place": clean_text(form.get("place"), 200, "place", errors),
              "keeper_id": row_id(form.get("keeper_id")),
              "phone": clean_text(form.get("phone"), 32, "phone", errors),
              "note": clean_text(form.get("note"), MAX_NOTE, "note", errors),
              "active": _flag(form.get("active", True))}
    for name, what in (("name", "请填写储备点名称 / enter the name of the point"),
                       ("place", "请填写存放地点 / enter where the point is"),
                       ("phone", "请填写联系电话 / enter the keeper's phone")):
        if not values[name] and name not in errors:
            errors[name] = what
    if values["phone"] and "phone" not in errors and not all(c.isdigit() or c in "+-() " for c in values["phone"]):
        errors["phone"] = "联系电话只能包含数字、空格和 + - ( ) / the phone may hold digits, spaces and + - ( ) only"
    keeper = session.get(User, values["keeper_id"]) if values["keeper_id"] is not None else None
    if keeper is None or not keeper.active or not sees_all_cases(keeper):
        errors["keeper_id"] = "请选择责任人（服务机构或局方的在岗人员）/ choose the keeper (an active staff user)"
    return values


def _flag(value):
    return value is True or str(value).lower() in ("1", "true", "on", "yes")


def save_point(uow, user, form, point_id=None):
    """A new storage point (point_id None) or the changed one. A name another point has is 409 on that field; a point
    that still holds stock cannot be closed (transfer or scrap it first)."""
    from .supply_stock import point_quantity  # supply_stock imports this module for its checks
    check_may_manage(user)
    row = get_point(uow.session, user, point_id) if point_id is not None else None
    errors = {}
    values = _check_point(uow.session, form, errors)
    raise_if(errors)
    _unique_name(uow.session, SupplyPoint, values["name"], row, "储备点名称已被使用 / another point has that name")
    if row is not None and row.active and not values["active"] and point_quantity(uow.session, row.id) > 0:
        raise Conflict("储备点尚有库存，请先调拨或报废后再停用 / the point still holds stock: transfer or scrap it first",
                       fields={"active": "储备点尚有库存 / the point still holds stock"})
    return _store(uow, user, SupplyPoint, row, values, POINT_FIELDS, "supply_point")


def _unique_name(session, model, name, row, message):
    clash = session.query(model.id).filter(func.lower(model.name) == name.lower())
    if row is not None:
        clash = clash.filter(model.id != row.id)
    if clash.first():
        raise Conflict(message, fields={"name": message})


def _store(uow, user, model, row, values, fields, subject):
    """Insert or update the row; audited before → after under `subject` (supply_point_added / supply_point_saved …)."""
    before = {name: getattr(row, name) for name in fields} if row is not None else {}
    now = clock.now()
    if row is None:
        row = model(created_at=now, **values)
        uow.session.add(row)
    else:
        for name, value in values.items():
            setattr(row, name, value)
    row.updated_at = now
    try:
        with uow.session.begin_nested():
            uow.session.flush()
    except IntegrityError:  # the same name saved by someone else a moment ago
        message = "名称已被使用 / the name is taken"
        raise Conflict(message, fields={"name": message}) from None
    changes = {f"{subject}_{name}": [before.get(name), value] for name, value in values.items()
               if before.get(name) != value and (before or value not in ("", None))}
    audit.record(uow, None, user, f"{subject}_saved" if before else f"{subject}_added", changes=changes,
                 subject=(subject, row.id))
    return row


# ---- kinds of items -----------------------------------------------------------------------------------------------
def kinds(session, user, active_only=False):
    check_may_read(user)
    query = session.query(SupplyKind)
    if active_only:
        query = query.filter(SupplyKind.active.is_(True))
    rows = query.all()
    order = list(SUPPLY_CATEGORIES)
    return sorted(rows, key=lambda k: (not k.active, order.index(k.category) if k.category in order else 99, k.name))


def get_kind(session, user, kind_id):
    check_may_read(user)
    number = row_id(kind_id)
    row = session.get(SupplyKind, number) if number is not None else None
    if row is None:
        raise NotFound("物资品种不存在 / kind of item not found")
    return row


def _check_kind(form, errors):
    values = {"name": clean_text(form.get("name"), 100, "name", errors),
              "category": str(form.get("category") or ""),
              "unit": clean_text(form.get("unit"), 16, "unit", errors),
              "shelf_life_months": None,
              "note": clean_text(form.get("note"), MAX_NOTE, "note", errors),
              "active": _flag(form.get("active", True))}
    if not values["name"] and "name" not in errors:
        errors["name"] = "请填写物资名称 / enter the name of the item"
    if values["category"] not in SUPPLY_CATEGORIES:
        errors["category"] = "请选择资源类别 / choose the category"
    if not values["unit"] and "unit" not in errors:
        errors["unit"] = "请填写计量单位，如 套、个、箱 / enter the unit, such as 套, 个, 箱"
    shelf = form.get("shelf_life_months")
    if shelf not in (None, ""):
        months = whole_number(shelf)
        if months is None or not 1 <= months <= MAX_SHELF_LIFE_MONTHS:
            errors["shelf_life_months"] = (
                f"保质期请填写 1 至 {MAX_SHELF_LIFE_MONTHS} 之间的月数，无保质期请留空 / enter the shelf life in months "
                f"(1 to {MAX_SHELF_LIFE_MONTHS}), or leave it empty")
        else:
            values["shelf_life_months"] = months
    return values


def save_kind(uow, user, form, kind_id=None):
    check_may_manage(user)
    row = get_kind(uow.session, user, kind_id) if kind_id is not None else None
    errors = {}
    values = _check_kind(form, errors)
    raise_if(errors)
    _unique_name(uow.session, SupplyKind, values["name"], row, "物资名称已被使用 / another kind has that name")
    return _store(uow, user, SupplyKind, row, values, KIND_FIELDS, "supply_kind")


# ---- minimum stock levels -----------------------------------------------------------------------------------------
def minimums(session, point_id):
    """{kind id: minimum} of the point."""
    return dict(session.query(SupplyMinimum.kind_id, SupplyMinimum.minimum).filter_by(point_id=point_id))


def set_minimum(uow, user, point_id, form):
    """The point's minimum level of a kind; 0 or empty removes it. Audited under the point, before → after."""
    check_may_manage(user)
    point = get_point(uow.session, user, point_id)
    errors = {}
    kind = uow.session.get(SupplyKind, row_id(form.get("kind_id"))) if row_id(form.get("kind_id")) else None
    if kind is None:
        errors["kind_id"] = "请选择物资品种 / choose the kind of item"
    text = str(form.get("minimum") or "").strip()
    minimum = whole_number(text) if text else 0
    if minimum is None or minimum > MAX_COUNT:
        errors["minimum"] = "最低储备量请填写不小于 0 的整数 / enter the minimum as a whole number, 0 or more"
    raise_if(errors)
    row = uow.session.query(SupplyMinimum).filter_by(point_id=point.id, kind_id=kind.id).first()
    before = row.minimum if row is not None else None
    after = minimum or None
    if before == after:
        return row
    if row is not None and after is None:
        uow.session.delete(row)
    elif row is None:
        row = SupplyMinimum(point_id=point.id, kind_id=kind.id, minimum=after, updated_by_id=user.id,
                            updated_at=clock.now())
        uow.session.add(row)
    else:
        row.minimum, row.updated_by_id, row.updated_at = after, user.id, clock.now()
    uow.session.flush()
    audit.record(uow, None, user, "supply_minimum_set", changes={"supply_minimum": [before, after]},
                 details={"kind": kind.name}, subject=("supply_point", point.id))
    return row


def history(session, subject, row_id_, limit=200):
    return audit.subject_history(session, subject, row_id_, limit=limit)
