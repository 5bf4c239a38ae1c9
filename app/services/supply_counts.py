"""Counts (盘点, 定期清点, seed 000 lines 227, 750) at a storage point: the keeper counts every kind the point holds or
should hold (a minimum level) and enters the counted quantities; each difference from the stock becomes an adjustment
movement (盘点调整) with the count's reason — a shortfall takes the expired batches first, a surplus goes to the batch
received last (a new batch without number or expiry when the point never held the kind). Audited under the point with
each differing kind's quantity before → after.

The stock the count is compared with is read after the point's lock (services/supply_stock.lock), not what the sheet
showed: an issue recorded while the keeper was counting is not turned into a surplus."""
from ..clock import clock
from ..errors import NotFound, ValidationFailed
from ..models import SupplyBatch, SupplyCount, SupplyCountLine, SupplyKind, SupplyMovement
from . import audit
from .field_rules import MAX_COUNT, clean_text, raise_if, row_id, whole_number
from .supplies import check_may_read, check_may_record, get_point
from .supply_stock import add_line, draw, lock, stock

MAX_NOTE = 2000


def sheet(session, point):
    """[(kind, quantity in stock)] to count at the point: the kinds it holds or has a minimum of."""
    return [(line.kind, line.quantity) for line in stock(session, point_id=point.id)]


def field_name(kind_id):
    return f"counted_{kind_id}"


def record(uow, user, point_id, form):
    """The count of the point: `form` holds counted_<kind id> for each kind of the sheet,
    `reason` (required when anything differs) and `note`. Returns the SupplyCount."""
    point = get_point(uow.session, user, point_id)
    check_may_record(user, point)
    errors = {}
    counted = _counted(uow.session, point, form, errors)
    reason = clean_text(form.get("reason"), 200, "reason", errors)
    note = clean_text(form.get("note"), MAX_NOTE, "note", errors)
    raise_if(errors)
    if not counted:
        raise ValidationFailed("没有可盘点的物资 / nothing to count at this point")
    lock(uow.session, [point.id])
    expected = {kind.id: n for kind, n in sheet(uow.session, point)}
    differing = {kind_id: n - expected.get(kind_id, 0) for kind_id, n in counted.items()
                 if n != expected.get(kind_id, 0)}
    if differing and not reason:
        raise_if({"reason": "盘点数量与库存不符，请填写差异原因 / the counted quantities differ from the stock: enter why"})
    now = clock.now()
    row = SupplyCount(point_id=point.id, reason=reason, note=note, counted_by_id=user.id, counted_at=now)
    uow.session.add(row)
    uow.session.flush()
    changes = {}
    for kind_id, n in counted.items():
        uow.session.add(SupplyCountLine(count_id=row.id, kind_id=kind_id, expected=expected.get(kind_id, 0), counted=n))
        if kind_id in differing:
            kind = uow.session.get(SupplyKind, kind_id)
            _adjust(uow, user, point, kind, differing[kind_id], reason, row, now)
            changes[kind.name] = [expected.get(kind_id, 0), n]
    uow.session.flush()
    audit.record(uow, None, user, "supply_counted", changes=changes,
                 details={"count_id": row.id, "kinds": len(counted), "differences": len(differing)}, reason=reason,
                 subject=("supply_point", point.id))
    return row


def _counted(session, point, form, errors):
    """{kind id: counted} of the sheet's kinds; each must be a whole number 0 or more."""
    result = {}
    kinds = [kind for kind, _ in sheet(session, point)]
    for kind in kinds:
        name = field_name(kind.id)
        value = form.get(name)
        number = whole_number(value) if value not in (None, "") else None
        if number is None or number > MAX_COUNT:
            errors[name] = "请填写实盘数量（不小于 0 的整数）/ enter the counted quantity, a whole number 0 or more"
        else:
            result[kind.id] = number
    return result


def _adjust(uow, user, point, kind, difference, reason, count, now):
    movement = SupplyMovement(type="adjustment", point_id=point.id, kind_id=kind.id, quantity=abs(difference),
                              purpose=reason, count_id=count.id, recorded_by_id=user.id, recorded_at=now)
    uow.session.add(movement)
    uow.session.flush()
    if difference < 0:
        for batch, n in draw(uow.session, point, kind, -difference, "adjustment"):
            add_line(uow, movement, batch, -n)
        return
    latest = uow.session.query(SupplyBatch).filter_by(point_id=point.id, kind_id=kind.id) \
        .order_by(SupplyBatch.created_at.desc(), SupplyBatch.id.desc()).first()
    if latest is None:
        latest = SupplyBatch(point_id=point.id, kind_id=kind.id, batch_no="", created_at=now)
        uow.session.add(latest)
        uow.session.flush()
    add_line(uow, movement, latest, difference)


def counts(session, point_id, limit=50):
    return session.query(SupplyCount).filter_by(point_id=point_id) \
        .order_by(SupplyCount.counted_at.desc(), SupplyCount.id.desc()).limit(limit).all()


def get(session, user, count_id):
    check_may_read(user)
    number = row_id(count_id)
    row = session.get(SupplyCount, number) if number is not None else None
    if row is None:
        raise NotFound("盘点记录不存在 / count not found")
    return row
