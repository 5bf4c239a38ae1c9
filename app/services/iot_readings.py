"""Readings from the devices (实时采集环境参数并上传至云端平台): `POST /api/v1/iot/readings` with a device's key — or an
edge gateway's (边缘计算网关), which sends for every device of its enterprise — in the `X-Device-Key` header.

The body is one reading `{"device"?, "parameter", "value", "measured_at"}` or a batch `{"readings": [...]}` of up to
MAX_BATCH. A batch is all or nothing: any wrong reading refuses the whole request (400, each wrong reading's errors
under its index) and nothing is stored, so a gateway fixes and re-sends one batch instead of tracking which half was
taken. A reading is identified by device, parameter and measured_at: one sent again (a gateway repeating a batch
whose answer it lost) is counted as a duplicate and stores nothing, opens nothing. Status: 401 for a missing,
unknown or revoked key; 403 for a retired device's key or a reading for a device the key does not send for
(another device, another enterprise's device, an unknown code — all the same to the sender).
"""
import math
from datetime import datetime, timedelta

from sqlalchemy import bindparam, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm.attributes import set_committed_value

from ..clock import SHANGHAI, clock
from ..errors import DomainError, NotAllowed, ValidationFailed
from ..models import IotDevice, IotGateway, IotParameter, IotReading
from ..models.iot import BATTERY
from .iot_access import DEVICE_KEY_PREFIX, GATEWAY_KEY_PREFIX, key_hash
from .iot_alarms import back_online, evaluate

KEY_HEADER = "X-Device-Key"
MAX_BATCH = 1000
FUTURE_TOLERANCE = timedelta(minutes=5)  # devices' clocks drift; later than this is a wrong clock, not a reading
MAX_AGE = timedelta(days=30)  # a gateway's buffer after an outage; older is refused (it would open stale alarms)
MAX_ABS_VALUE = 1e9


class KeyRejected(DomainError):
    status = 401
    code = "invalid_device_key"


# Written as prebuilt Core statements, in one round each whatever the batch (the ORM's flush of the same rows took
# most of an upload's time); the loaded objects get the same values as committed ones.
_PARAMETER_TABLE, _DEVICE_TABLE, _GATEWAY_TABLE = IotParameter.__table__, IotDevice.__table__, IotGateway.__table__
_LATEST = update(_PARAMETER_TABLE).where(_PARAMETER_TABLE.c.id == bindparam("pid")) \
    .values(latest_value=bindparam("value"), latest_at=bindparam("at"))
_SEEN = update(_DEVICE_TABLE).where(_DEVICE_TABLE.c.id.in_(bindparam("ids", expanding=True))) \
    .values(last_seen_at=bindparam("now"))
_GATEWAY_SEEN = update(_GATEWAY_TABLE).where(_GATEWAY_TABLE.c.id == bindparam("gid")) \
    .values(last_seen_at=bindparam("now"))
_KEYS = (IotReading.device_id, IotReading.parameter, IotReading.measured_at)
_INSERTS = {name: dialect.insert(IotReading.__table__).on_conflict_do_nothing(
    index_elements=["device_id", "parameter", "measured_at"]).returning(*_KEYS)
    for name, dialect in (("sqlite", sqlite), ("postgresql", postgresql))}


def authenticate(session, key):
    """The device or gateway the key belongs to; KeyRejected (401) for a missing, unknown or revoked key,
    NotAllowed (403) for a retired device's."""
    key = (key or "").strip()
    if not key:
        raise KeyRejected(f"缺少设备密钥 {KEY_HEADER} / the {KEY_HEADER} header is missing")
    sender = None
    if key.startswith(DEVICE_KEY_PREFIX):
        sender = session.query(IotDevice).filter_by(key_hash=key_hash(key)).first()
    elif key.startswith(GATEWAY_KEY_PREFIX):
        sender = session.query(IotGateway).filter_by(key_hash=key_hash(key), revoked_at=None).first()
    if sender is None:
        raise KeyRejected("设备密钥无效 / invalid device key")
    if isinstance(sender, IotDevice) and sender.status != "active":
        raise NotAllowed("该设备已停用，不再接收数据 / the device is retired and takes no readings")
    return sender


def ingest(uow, key, body):
    """Check and store one reading or a batch (see the module's docstring); returns {received, stored, duplicates,
    alarms_opened}."""
    sender = authenticate(uow.session, key)
    items, single = _items(body)
    devices = _devices(uow.session, sender, items)
    # Locked: two uploads for one device wait for each other, so they cannot both open the same alarm.
    parameters = {(p.device_id, p.parameter): p for p in uow.session.query(IotParameter).filter(
        IotParameter.device_id.in_({d.id for d in devices.values()})).order_by(IotParameter.id).with_for_update()}
    rows = _checked_rows(items, single, sender, devices, parameters)
    now = clock.now()
    stored = _store(uow, rows, now)
    by_id = {d.id: d for d in devices.values()}
    opened = evaluate(uow, stored, parameters, by_id)
    _remember(uow, stored, parameters, by_id, sender, now)
    return {"received": len(rows), "stored": len(stored), "duplicates": len(rows) - len(stored),
            "alarms_opened": [event.id for event in opened]}


def _items(body):
    """([reading objects], whether the body was a single reading)."""
    if isinstance(body, dict) and "readings" in body:
        items = body["readings"]
        if not isinstance(items, list) or not items:
            raise ValidationFailed("readings 须为非空数组 / readings must be a non-empty array",
                                   fields={"readings": "须为非空数组 / a non-empty array"})
        if len(items) > MAX_BATCH:
            raise ValidationFailed(f"每批最多 {MAX_BATCH} 条读数 / at most {MAX_BATCH} readings per request",
                                   fields={"readings": f"最多 {MAX_BATCH} 条 / at most {MAX_BATCH}"})
        return items, False
    if isinstance(body, dict):
        return [body], True
    raise ValidationFailed("请求体须为 JSON 对象 / the body must be a JSON object", fields={"_body": "JSON object"})


def _code_of(item, sender):
    """The device code an item names; a device's own key may leave it out."""
    code = item.get("device") if isinstance(item, dict) else None
    if code is None and isinstance(sender, IotDevice):
        return sender.code
    return code if isinstance(code, str) else None


def _devices(session, sender, items):
    """{code: device} of the devices the readings name, all of which the key must send for (NotAllowed naming the
    others: a device's key sends for itself, a gateway's for its enterprise's active devices)."""
    codes = {code for code in (_code_of(item, sender) for item in items) if code is not None}
    if isinstance(sender, IotDevice):
        found = {sender.code: sender} if sender.code in codes else {}
    else:
        found = {d.code: d for d in session.query(IotDevice).filter(
            IotDevice.code.in_(codes), IotDevice.enterprise_id == sender.enterprise_id,
            IotDevice.status == "active")} if codes else {}
    refused = sorted(codes - set(found))
    if refused:
        raise NotAllowed("此密钥不能上报这些设备的数据 / this key may not send readings for: " + ", ".join(refused[:20]),
                         fields={"devices": refused[:100]})
    return found


def _checked_rows(items, single, sender, devices, parameters):
    """The readings as rows to store, in the order sent (a repeat within the batch dropped); ValidationFailed with
    each wrong reading's fields under its index (or the fields themselves for a single reading)."""
    now = clock.now()
    rows, seen, errors = [], set(), {}
    for index, item in enumerate(items):
        problems = {}
        if not isinstance(item, dict):
            errors[str(index)] = {"_item": "须为 JSON 对象 / must be an object"}
            continue
        code = _code_of(item, sender)
        if code is None:
            problems["device"] = "缺少设备编号 / the device code is missing"
        device = devices.get(code)
        parameter = item.get("parameter")
        if device is not None and parameter != BATTERY and (device.id, parameter) not in parameters:
            problems["parameter"] = "该设备没有此监测指标 / the device does not measure this parameter"
        value = _value(item.get("value"), parameter, problems)
        moment = _moment(item.get("measured_at"), now, problems)
        if problems:
            errors[str(index)] = problems
            continue
        key = (device.id, parameter, moment)
        if key not in seen:
            seen.add(key)
            rows.append({"device_id": device.id, "parameter": parameter, "measured_at": moment, "value": value})
    if errors:
        fields = errors["0"] if single else {"readings": errors}
        raise ValidationFailed(f"{len(errors)} 条读数有误，全部未保存 / {len(errors)} readings are wrong; nothing was "
                               "stored", fields=fields)
    return rows


def _value(value, parameter, problems):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        problems["value"] = "须为数字 / must be a number"
        return None
    if abs(value) > MAX_ABS_VALUE or (parameter == BATTERY and not 0 <= value <= 100):
        problems["value"] = "数值超出范围 / the value is out of range"
    return float(value)


def _moment(value, now, problems):
    """measured_at: ISO 8601; without an offset it is Shanghai time."""
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None:
        problems["measured_at"] = "须为 ISO 8601 时间，如 2026-12-04T09:30:00+08:00 / an ISO 8601 time"
        return None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)
    if moment > now + FUTURE_TOLERANCE:
        problems["measured_at"] = "测量时间晚于当前时间 / the time is in the future"
    elif moment < now - MAX_AGE:
        problems["measured_at"] = f"测量时间早于 {MAX_AGE.days} 天前 / older than {MAX_AGE.days} days"
    return moment


def _store(uow, rows, now):
    """Insert the rows, skipping those stored before; [(device id, parameter, measured at, value)] of the new ones."""
    if not rows:
        return []
    connection = uow.session.connection()
    for row in rows:
        row["received_at"] = now
    inserted = connection.execute(_INSERTS[connection.dialect.name], rows).all()
    values = {(r["device_id"], r["parameter"], r["measured_at"]): r["value"] for r in rows}
    return [(device_id, parameter, at, values[(device_id, parameter, at)]) for device_id, parameter, at in inserted]


def _remember(uow, stored, parameters, devices, sender, now):
    """The parameters' latest values, the devices' last contact and battery level, a gateway's last contact."""
    latest = {}
    for device_id, code, at, value in stored:
        if code == BATTERY:
            device = devices[device_id]
            if device.battery_at is None or at >= device.battery_at:
                device.battery_percent, device.battery_at = round(value), at
            continue
        parameter = parameters[(device_id, code)]
        if parameter.latest_at is None or at >= parameter.latest_at:  # a late reading is stored, not "latest"
            set_committed_value(parameter, "latest_value", value)
            set_committed_value(parameter, "latest_at", at)
            latest[parameter.id] = {"pid": parameter.id, "value": value, "at": at}
    connection = uow.session.connection()
    if latest:
        connection.execute(_LATEST, list(latest.values()))
    connection.execute(_SEEN, {"ids": sorted(devices), "now": now})
    for device in devices.values():
        set_committed_value(device, "last_seen_at", now)
        if device.offline_since is not None:
            back_online(uow, device)
    if isinstance(sender, IotGateway):
        connection.execute(_GATEWAY_SEEN, {"gid": sender.id, "now": now})
        set_committed_value(sender, "last_seen_at", now)


def series(session, device, hours=24):
    """{parameter: [(measured at, value)]} of the device's readings over the last `hours`, oldest first."""
    since = clock.now() - timedelta(hours=hours)
    rows = session.query(IotReading.parameter, IotReading.measured_at, IotReading.value).filter(
        IotReading.device_id == device.id, IotReading.measured_at >= since) \
        .order_by(IotReading.parameter, IotReading.measured_at).all()
    found = {}
    for parameter, at, value in rows:
        found.setdefault(parameter, []).append((at, value))
    return found
