"""What the device pages show: each device's state — offline, alarm, warning, awaiting its first reading, normal (in
that order of precedence; retired devices apart) — with maintenance due beside it, the filtered device list and an
enterprise's devices."""
from dataclasses import dataclass

from sqlalchemy import and_, exists, func, not_
from sqlalchemy.orm import selectinload

from ..clock import clock
from ..models import Enterprise, IotAlarm, IotDevice
from .iot_access import check_may_read, visible_condition
from .iot_maintenance import due_condition

STATES = {
    "normal": ("正常", "Normal"),
    "warning": ("预警", "Warning"),
    "alarm": ("告警", "Alarm"),
    "offline": ("离线", "Offline"),
    "awaiting_data": ("未上线", "No data yet"),
    "maintenance_due": ("待维护", "Maintenance due"),
    "retired": ("已停用", "Retired"),
}


def _active_event(level=None):
    """SQL: the device has an open threshold event that has not recovered (of the level, when given)."""
    conditions = [IotAlarm.device_id == IotDevice.id, IotAlarm.kind == "threshold", IotAlarm.closed_at.is_(None),
                  IotAlarm.recovered_at.is_(None)]
    if level:
        conditions.append(IotAlarm.level == level)
    return exists().where(*conditions)


def state_condition(state, today):
    active, online = IotDevice.status == "active", IotDevice.offline_since.is_(None)
    seen = IotDevice.last_seen_at.isnot(None)
    return {
        "normal": and_(active, online, seen, not_(_active_event())),
        "warning": and_(active, online, _active_event("warning"), not_(_active_event("alarm"))),
        "alarm": and_(active, online, _active_event("alarm")),
        "offline": and_(active, IotDevice.offline_since.isnot(None)),
        "awaiting_data": and_(active, IotDevice.last_seen_at.is_(None)),
        "maintenance_due": and_(active, due_condition(today)),
        "retired": IotDevice.status == "retired",
    }.get(state, active)


@dataclass
class DeviceFilter:
    enterprise_id: int = None
    township: str = ""
    kind: str = None
    state: str = None  # a key of STATES; None: every active device
    q: str = ""
    limit: int = 50
    offset: int = 0


def _filtered(session, user, flt):
    check_may_read(user)
    query = session.query(IotDevice).join(Enterprise).filter(visible_condition(user, IotDevice.enterprise_id))
    if flt.enterprise_id is not None:
        query = query.filter(IotDevice.enterprise_id == flt.enterprise_id)
    if flt.township:
        query = query.filter(Enterprise.township == flt.township)
    if flt.kind:
        query = query.filter(IotDevice.kind == flt.kind)
    if flt.q:
        pattern = "%" + flt.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.filter(IotDevice.code.ilike(pattern, escape="\\") | IotDevice.name.ilike(pattern, escape="\\")
                             | IotDevice.place.ilike(pattern, escape="\\"))
    return query


def listing(session, user, flt):
    """(devices by enterprise and code, how many)."""
    query = _filtered(session, user, flt).filter(state_condition(flt.state, clock.local_now().date()))
    total = query.count()
    rows = query.options(selectinload(IotDevice.parameters)).order_by(Enterprise.name, IotDevice.code) \
        .limit(flt.limit).offset(flt.offset).all()
    return rows, total


def counts(session, user, flt):
    """{state: how many} under the other filters, for the list's chips."""
    today = clock.local_now().date()
    columns = [func.count(IotDevice.id).filter(state_condition(state, today)) for state in STATES]
    return dict(zip(STATES, _filtered(session, user, flt).with_entities(*columns).one()))


def states(session, devices):
    """{device id: its state} (see STATES; maintenance is shown apart) with one query."""
    ids = [d.id for d in devices]
    levels = {}
    if ids:
        for device_id, level in session.query(IotAlarm.device_id, IotAlarm.level).filter(
                IotAlarm.device_id.in_(ids), IotAlarm.kind == "threshold", IotAlarm.closed_at.is_(None),
                IotAlarm.recovered_at.is_(None)):
            levels.setdefault(device_id, set()).add(level)
    return {d.id: state_of(d, levels.get(d.id, set())) for d in devices}


def state_of(device, active_levels):
    if device.status != "active":
        return "retired"
    if device.offline_since is not None:
        return "offline"
    for level in ("alarm", "warning"):
        if level in active_levels:
            return level
    return "awaiting_data" if device.last_seen_at is None else "normal"


def of_enterprise(session, user, enterprise_id):
    """The enterprise's devices (retired ones last) for its page."""
    check_may_read(user)
    return session.query(IotDevice).filter(IotDevice.enterprise_id == enterprise_id,
                                           visible_condition(user, IotDevice.enterprise_id)) \
        .order_by(IotDevice.status, IotDevice.code).all()
