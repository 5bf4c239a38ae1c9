"""The stock of the emergency supplies (models/supplies.py) and what changes it: 入库 (a new batch with its number and
expiry date), 出库 (with its purpose, optionally for an emergency incident), 调拨 (to another point: the batches move
with their expiry dates) and 报废. A batch's quantity on hand is the sum of its movement lines; a point's stock of a
kind the sum over its batches.

Nothing goes below zero: every movement first bumps its point's `stock_version` (the source's and, for a transfer,
the receiving point's, in id order) — an UPDATE, so on PostgreSQL a row lock held to the commit and on SQLite the
database's write lock — and only then reads the balances it draws from. Two issues at one point at the same moment
thus run one after the other, and the second sees what the first took (409 when too little is left).

Issues and transfers take the batches that expire first and leave expired ones alone (they are scrapped, not handed
out); scrapping and a count's shortfall take the expired ones first. A batch may be named to take from it alone."""
import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, or_, select, update

from ..clock import clock
from ..errors import Conflict, NotFound
from ..models import (SUPPLY_CATEGORIES, EmergencyEvent, SupplyBatch, SupplyKind, SupplyMinimum, SupplyMovement,
                      SupplyMovementLine, SupplyPoint)
from . import audit
from .field_rules import MAX_COUNT, clean_text, parse_date, raise_if, row_id, whole_number, years_later_less_a_day
from .supplies import check_may_record, get_point

FORM_FIELDS = {"receipt": ("kind_id", "quantity", "batch_no", "produced_on", "expires_on", "purpose"),
               "issue": ("kind_id", "quantity", "batch_id", "purpose", "incident_code"),
               "transfer": ("kind_id", "quantity", "batch_id", "to_point_id", "purpose"),
               "scrap": ("kind_id", "quantity", "batch_id", "purpose")}
VERBS = {"issue": ("出库", "issue"), "transfer": ("调拨", "transfer"), "scrap": ("报废", "scrap"),
         "adjustment": ("盘减", "count off")}
ACTIONS = {"receipt": "supply_received", "issue": "supply_issued", "transfer": "supply_transferred",
           "scrap": "supply_scrapped"}


def today():
    return clock.local_now().date()


def expired(batch, day=None):
    """Past its expiry date (valid through that day)."""
    return batch.expires_on is not None and batch.expires_on < (day or today())


# ---- balances -----------------------------------------------------------------------------------------------------
def _on_hand():
    return select(SupplyMovementLine.batch_id, func.sum(SupplyMovementLine.delta).label("on_hand")) \
        .group_by(SupplyMovementLine.batch_id).subquery()


def batches(session, point_id=None, kind_id=None):
    """[(batch, quantity on hand)] of the batches that hold something, those expiring first first."""
    sums = _on_hand()
    query = session.query(SupplyBatch, sums.c.on_hand).join(sums, sums.c.batch_id == SupplyBatch.id) \
        .filter(sums.c.on_hand > 0)
    if point_id is not None:
        query = query.filter(SupplyBatch.point_id == point_id)
    if kind_id is not None:
        query = query.filter(SupplyBatch.kind_id == kind_id)
    return sorted(((b, int(n)) for b, n in query.all()), key=lambda pair: _expiry_order(pair[0]))


def _expiry_order(batch):
    return batch.expires_on is None, batch.expires_on or date.max, batch.id


def quantity_of(session, point_id, kind_id):
    return sum(n for _, n in batches(session, point_id, kind_id))


def point_quantity(session, point_id):
    return sum(n for _, n in batches(session, point_id))


@dataclass
class StockLine:
    """One kind at one point: its quantity, how much of it has expired, the next expiry of the rest, its minimum."""
    point: SupplyPoint
    kind: SupplyKind
    quantity: int = 0
    expired: int = 0
    next_expiry: date = None
    minimum: int = None

    @property
    def usable(self):
        return self.quantity - self.expired

    @property
    def below_minimum(self):
        """Fewer usable items than the minimum (expired ones do not count: they are to be scrapped)."""
        return self.minimum is not None and self.usable < self.minimum


def stock(session, category="", point_id=None):
    """The stock lines of every point (or one) and kind (or one category) that hold something or have a minimum, by
    category, kind and point: the 资源调配表."""
    day = today()
    lines = {}
    for batch, n in batches(session, point_id):
        line = lines.setdefault((batch.point_id, batch.kind_id), StockLine(batch.point, batch.kind))
        line.quantity += n
        if expired(batch, day):
            line.expired += n
        elif batch.expires_on and (line.next_expiry is None or batch.expires_on < line.next_expiry):
            line.next_expiry = batch.expires_on
    query = session.query(SupplyMinimum, SupplyPoint).join(SupplyPoint, SupplyPoint.id == SupplyMinimum.point_id)
    if point_id is not None:
        query = query.filter(SupplyMinimum.point_id == point_id)
    for minimum, point in query:
        line = lines.setdefault((point.id, minimum.kind_id), StockLine(point, minimum.kind))
        line.minimum = minimum.minimum
    order = list(SUPPLY_CATEGORIES)
    rows = [line for line in lines.values() if not category or line.kind.category == category]
    return sorted(rows, key=lambda s: (order.index(s.kind.category) if s.kind.category in order else 99, s.kind.name,
                                       s.point.name))


def below_minimum(session):
    return [line for line in stock(session) if line.below_minimum]


def expiring(session, within_days=30):
    """[(batch, quantity)] holding something that expired or expires within the days, the earliest first."""
    last = today() + timedelta(days=within_days)
    return [(b, n) for b, n in batches(session) if b.expires_on is not None and b.expires_on <= last]


# ---- recording a movement -----------------------------------------------------------------------------------------
def record(uow, user, point_id, movement_type, form):
    """One movement at the point (FORM_FIELDS says what each type takes); ValidationFailed names every wrong field,
    too little stock is 409. Audited under the point with the kind's quantity there before → after."""
    if movement_type not in FORM_FIELDS:
        raise NotFound("没有这种出入库类型 / no such kind of movement")
    point = get_point(uow.session, user, point_id)
    check_may_record(user, point)
    errors = {}
    values = _check(uow.session, point, movement_type, form, errors)
    raise_if(errors)
    kind, quantity = values["kind"], values["quantity"]
    target = values.get("to_point")
    lock(uow.session, [point.id] + ([target.id] if target else []))
    before = quantity_of(uow.session, point.id, kind.id)
    movement = SupplyMovement(type=movement_type, point_id=point.id, kind_id=kind.id, quantity=quantity,
                              to_point_id=target.id if target else None, purpose=values["purpose"],
                              emergency_event_id=values["incident"].id if values.get("incident") else None,
                              recorded_by_id=user.id, recorded_at=clock.now())
    uow.session.add(movement)
    uow.session.flush()
    if movement_type == "receipt":
        batch = SupplyBatch(point_id=point.id, kind_id=kind.id, batch_no=values["batch_no"],
                            produced_on=values["produced_on"], expires_on=values["expires_on"], created_at=clock.now())
        uow.session.add(batch)
        uow.session.flush()
        add_line(uow, movement, batch, quantity)
    else:
        for batch, n in draw(uow.session, point, kind, quantity, movement_type, values.get("batch")):
            add_line(uow, movement, batch, -n)
            if target is not None:
                add_line(uow, movement, _moved_batch(uow, batch, target), n)
    _audit(uow, user, movement, values, before)
    return movement


def _audit(uow, user, movement, values, before):
    """The movement under its point, the kind's quantity there before → after (a transfer under both points)."""
    kind, quantity, point, target = values["kind"], movement.quantity, movement.point, values.get("to_point")
    after = before + (quantity if movement.type == "receipt" else -quantity)
    details = {"kind": kind.name, "quantity": quantity, "unit": kind.unit, "purpose": movement.purpose,
               "movement_id": movement.id}
    if movement.type == "receipt":
        details.update(batch_no=values["batch_no"], expires_on=values["expires_on"])
    if values.get("incident"):
        details["incident"] = values["incident"].code
    if target is not None:
        details["to_point"] = target.name
        arrived = quantity_of(uow.session, target.id, kind.id)
        audit.record(uow, None, user, "supply_transfer_received", details={**details, "from_point": point.name},
                     changes={"supply_quantity": [arrived - quantity, arrived]}, subject=("supply_point", target.id))
    audit.record(uow, None, user, ACTIONS[movement.type], changes={"supply_quantity": [before, after]},
                 details=details, subject=("supply_point", point.id))


def lock(session, point_ids):
    """Bump the points' stock_version, in id order (two transfers in opposite directions cannot deadlock): the lock
    every movement takes before it reads the balances it changes."""
    for point_id in sorted(set(point_ids)):
        bump = update(SupplyPoint).where(SupplyPoint.id == point_id).values(stock_version=SupplyPoint.stock_version + 1)
        session.execute(bump.execution_options(synchronize_session=False))


def draw(session, point, kind, quantity, movement_type, batch=None):
    """[(batch, how many)] to take `quantity` of the kind from the point (see the module's docstring for the order);
    Conflict when too little is there. Call after `lock`."""
    held = batches(session, point.id, kind.id)
    usable_only = movement_type in ("issue", "transfer")
    day = today()
    if batch is not None:
        held = [(b, n) for b, n in held if b.id == batch.id]
    pool = [(b, n) for b, n in held if not (usable_only and expired(b, day))]
    available = sum(n for _, n in pool)
    if available < quantity:
        raise Conflict(_shortage(point, kind, quantity, movement_type, available, sum(n for _, n in held) - available,
                                 batch))
    taken, left = [], quantity
    for b, n in pool:
        if left == 0:
            break
        take = min(n, left)
        taken.append((b, take))
        left -= take
    return taken


def _shortage(point, kind, quantity, movement_type, available, expired_count, batch):
    zh, en = VERBS[movement_type]
    where = f"批次 {batch.batch_no or batch.id}" if batch is not None else point.name
    message = (f"库存不足：{where}的{kind.name}可用 {available} {kind.unit}，不能{zh} {quantity} {kind.unit}"
               + (f"（另有已过期 {expired_count} {kind.unit} 应报废）" if expired_count else "")
               + f" / not enough stock: {available} {kind.unit} of {kind.name} usable at {where}, cannot {en} "
               + f"{quantity}" + (f" ({expired_count} expired, to be scrapped)" if expired_count else ""))
    return message


def add_line(uow, movement, batch, delta):
    uow.session.add(SupplyMovementLine(movement_id=movement.id, batch_id=batch.id, delta=delta))
    uow.session.flush()


def _moved_batch(uow, batch, target):
    """The receiving point's batch of a transfer: the same number, production and expiry dates."""
    moved = SupplyBatch(point_id=target.id, kind_id=batch.kind_id, batch_no=batch.batch_no,
                        produced_on=batch.produced_on, expires_on=batch.expires_on, source_batch_id=batch.id,
                        created_at=clock.now())
    uow.session.add(moved)
    uow.session.flush()
    return moved


# ---- the form -----------------------------------------------------------------------------------------------------
def _check(session, point, movement_type, form, errors):
    values = {"kind": None, "quantity": None,
              "purpose": clean_text(form.get("purpose"), 200, "purpose", errors)}
    number = row_id(form.get("kind_id"))
    values["kind"] = kind = session.get(SupplyKind, number) if number is not None else None
    if kind is None or (movement_type == "receipt" and not kind.active):
        errors["kind_id"] = "请选择物资品种 / choose the kind of item"
    quantity = whole_number(form.get("quantity"))
    if quantity is None or not 1 <= quantity <= MAX_COUNT:
        errors["quantity"] = f"数量请填写 1 至 {MAX_COUNT} 的整数 / enter the quantity, a whole number from 1 to {MAX_COUNT}"
    values["quantity"] = quantity
    if movement_type == "receipt":
        if not point.active:
            errors["kind_id"] = "储备点已停用，不能入库 / the point is closed: nothing can be received there"
        _check_receipt(form, kind, values, errors)
        return values
    if form.get("batch_id") not in (None, ""):
        values["batch"] = batch = session.get(SupplyBatch, row_id(form.get("batch_id"))) \
            if row_id(form.get("batch_id")) else None
        if batch is None or batch.point_id != point.id or (kind is not None and batch.kind_id != kind.id):
            errors["batch_id"] = "请选择该储备点此物资的批次 / choose a batch of this item at this point"
    if movement_type in ("issue", "scrap") and not values["purpose"] and "purpose" not in errors:
        errors["purpose"] = ("请填写用途 / enter what it is for" if movement_type == "issue"
                             else "请填写报废原因 / enter why it is scrapped")
    if movement_type == "issue":
        code = clean_text(form.get("incident_code"), 16, "incident_code", errors).upper()
        if code and "incident_code" not in errors:
            values["incident"] = session.query(EmergencyEvent).filter_by(code=code).first()
            if values["incident"] is None:
                errors["incident_code"] = "没有这个编号的突发状况，如 TF-2026-0001 / no incident has that code"
    if movement_type == "transfer":
        number = row_id(form.get("to_point_id"))
        values["to_point"] = target = session.get(SupplyPoint, number) if number is not None else None
        if target is None or not target.active or target.id == point.id:
            errors["to_point_id"] = "请选择调入的储备点（另一个在用的储备点）/ choose the receiving point (another open one)"
    return values


def _check_receipt(form, kind, values, errors):
    values["batch_no"] = clean_text(form.get("batch_no"), 64, "batch_no", errors)
    produced = parse_date(form.get("produced_on"), "produced_on", errors)
    expires = parse_date(form.get("expires_on"), "expires_on", errors)
    day = today()
    if isinstance(produced, date) and produced > day:
        errors["produced_on"] = "生产日期不能晚于今天 / the production date cannot be in the future"
    if kind is not None and kind.shelf_life_months and expires is None and "expires_on" not in errors:
        if isinstance(produced, date) and "produced_on" not in errors:
            expires = months_later_less_a_day(produced, kind.shelf_life_months)
        else:
            errors["expires_on"] = ("该物资有保质期，请填写有效期至或生产日期 / the item has a shelf life: enter the expiry "
                                    "date or the production date")
    if isinstance(expires, date) and "expires_on" not in errors:
        if isinstance(produced, date) and expires < produced:
            errors["expires_on"] = "有效期至不能早于生产日期 / the expiry date cannot be before the production date"
        elif expires < day:
            errors["expires_on"] = "该批次已过有效期，不能入库 / the batch has expired and cannot be received"
    values["produced_on"], values["expires_on"] = produced, expires


def months_later_less_a_day(day, months):
    """The last valid day of a shelf life of `months` from the production day (2026-03-15 + 24 months: 2028-03-14);
    a day the month lacks counts from that month's last day."""
    if months % 12 == 0:
        return years_later_less_a_day(day, months // 12)
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last)) - timedelta(days=1)


# ---- reading the register -----------------------------------------------------------------------------------------
def movements(session, point_id=None, event_id=None, count_id=None, limit=200):
    """The latest movements at the point (those sent there by transfer too), for an emergency incident or of a
    count."""
    query = session.query(SupplyMovement)
    if point_id is not None:
        query = query.filter(or_(SupplyMovement.point_id == point_id, SupplyMovement.to_point_id == point_id))
    if event_id is not None:
        query = query.filter(SupplyMovement.emergency_event_id == event_id)
    if count_id is not None:
        query = query.filter(SupplyMovement.count_id == count_id)
    return query.order_by(SupplyMovement.recorded_at.desc(), SupplyMovement.id.desc()).limit(limit).all()
