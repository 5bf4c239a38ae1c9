"""The monitoring devices' register (监测设备台账): registering and editing a device with the parameters it measures
and their thresholds, its ingest key (shown once, stored hashed, rotated on request), and the edge gateways whose
key sends for every device of their enterprise. Rules of who may: services/iot_access.py."""
import math
import re
from datetime import timedelta

from ..clock import SHANGHAI, clock
from ..errors import Conflict, NotFound
from ..models import DEVICE_KINDS, DEVICE_STATUSES, PARAMETERS, Enterprise, IotDevice, IotGateway, IotParameter
from . import audit
from .field_rules import clean_text, parse_date, raise_if, row_id, whole_number
from .iot_access import (DEVICE_KEY_PREFIX, GATEWAY_KEY_PREFIX, check_may_edit, get_visible_device, new_key,
                         visible_condition)

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")
THRESHOLDS = ("warn_high", "alarm_high", "warn_low", "alarm_low")
MAX_NAME, MAX_PLACE, MAX_INTERVAL_DAYS, MAX_ABS_VALUE = 200, 200, 3650, 1e9
DEVICE_FIELDS = ("enterprise_id", "code", "name", "kind", "place", "latitude", "longitude", "status", "battery_percent",
                 "last_calibrated_on", "calibration_interval_days")


# ---- devices -----------------------------------------------------------------------------------------------------
def register(uow, user, data):
    """A new device from typed values (`data`: DEVICE_FIELDS and `parameters` {code: {threshold: value}});
    returns (device, its ingest key — shown once). ValidationFailed names each wrong field."""
    check_may_edit(user)
    values, parameters = _clean(uow.session, data)
    key, digest, hint = new_key(DEVICE_KEY_PREFIX)
    now = clock.now()
    device = IotDevice(**values, key_hash=digest, key_hint=hint, key_issued_at=now, created_at=now,
                       created_by_id=user.id, updated_at=now,
                       battery_at=now if values["battery_percent"] is not None else None)
    device.calibration_due_on = calibration_due(device)
    device.parameters = [IotParameter(parameter=code, **limits) for code, limits in parameters.items()]
    uow.session.add(device)
    uow.session.flush()
    audit.record(uow, None, user, "iot_device_registered", changes={
        **{audited(name): [None, _plain(values[name])] for name in DEVICE_FIELDS if values.get(name) not in (None, "")},
        **{audited(code): [None, limits_text(limits)] for code, limits in parameters.items()}},
        details={"device_id": device.id, "code": device.code, "enterprise_id": device.enterprise_id},
        subject=("iot_device", device.id))
    return device, key


def update(uow, user, device_id, data):
    """Change a device's facts, thresholds and status; parameters left out stop being monitored (their readings
    stay). Audited with before → after."""
    check_may_edit(user)
    device = get_visible_device(uow.session, user, device_id)
    values, parameters = _clean(uow.session, data, device)
    before = {name: _plain(getattr(device, name)) for name in DEVICE_FIELDS}
    before.update({p.parameter: limits_text(_limits_of(p)) for p in device.parameters})
    for name, value in values.items():
        setattr(device, name, value)
    if values["battery_percent"] != before["battery_percent"]:
        device.battery_at = clock.now()
    device.calibration_due_on = calibration_due(device)
    kept = {p.parameter: p for p in device.parameters}
    device.parameters = [_with_limits(kept.get(code) or IotParameter(parameter=code), limits)
                         for code, limits in parameters.items()]
    device.updated_at = clock.now()
    after = {name: _plain(getattr(device, name)) for name in DEVICE_FIELDS}
    after.update({code: limits_text(limits) for code, limits in parameters.items()})
    changes = {audited(name): [before.get(name), after.get(name)] for name in {**before, **after}
               if before.get(name) != after.get(name)}
    if changes:
        uow.session.flush()
        audit.record(uow, None, user, "iot_device_updated", changes=changes,
                     details={"device_id": device.id, "code": device.code}, subject=("iot_device", device.id))
    return device


def rotate_key(uow, user, device_id):
    """A new ingest key for the device; the old one stops working at once. Returns the new key (shown once)."""
    check_may_edit(user)
    device = get_visible_device(uow.session, user, device_id)
    key, device.key_hash, device.key_hint = new_key(DEVICE_KEY_PREFIX)
    device.key_issued_at = device.updated_at = clock.now()
    audit.record(uow, None, user, "iot_device_key_rotated", details={"device_id": device.id, "code": device.code},
                 subject=("iot_device", device.id))
    return device, key


def audited(name):
    """A field's name in the audit rows: a device's fields apart from the enterprise register's ("name", "kind"),
    a parameter's thresholds as "limits_<code>"."""
    if name == "enterprise_id":
        return name
    return f"limits_{name}" if name in PARAMETERS else f"device_{name}"


def calibration_due(device):
    """The day the next calibration is due: the last one plus the interval; with an interval but no calibration on
    record, the day the device was registered (calibrate before trusting it); None without an interval."""
    if not device.calibration_interval_days:
        return None
    if device.last_calibrated_on is None:
        return (device.created_at or clock.now()).astimezone(SHANGHAI).date()
    return device.last_calibrated_on + timedelta(days=device.calibration_interval_days)


def limits_text(limits):
    """Thresholds as the audit shows them: "预警≥10 告警≥20"."""
    signs = {"warn_high": "预警≥", "alarm_high": "告警≥", "warn_low": "预警≤", "alarm_low": "告警≤"}
    return " ".join(f"{signs[name]}{_number_text(limits[name])}" for name in THRESHOLDS
                    if limits.get(name) is not None) or "—"


def _limits_of(parameter):
    return {name: getattr(parameter, name) for name in THRESHOLDS}


def _with_limits(parameter, limits):
    for name in THRESHOLDS:
        setattr(parameter, name, limits[name])
    return parameter


# ---- checking a device's form ------------------------------------------------------------------------------------
def _clean(session, data, device=None):
    """(column values, {parameter: thresholds}) from typed `data`; ValidationFailed names every wrong field."""
    errors = {}
    values = {"enterprise_id": _enterprise(session, data.get("enterprise_id"), errors)}
    values["code"] = clean_text(data.get("code"), 64, "code", errors)
    if "code" not in errors:
        if not CODE.match(values["code"]):
            errors["code"] = "编号由字母、数字和 _ . : - 组成 / letters, digits and _ . : - only"
        elif session.query(IotDevice.id).filter(IotDevice.code == values["code"],
                                                IotDevice.id != (device.id if device else -1)).first():
            errors["code"] = "该编号已被其他设备使用 / another device has this code"
    for name, longest in (("name", MAX_NAME), ("place", MAX_PLACE)):
        values[name] = clean_text(data.get(name), longest, name, errors)
        if not values[name] and name not in errors:
            errors[name] = "必填 / required"
    values["kind"] = data.get("kind")
    if values["kind"] not in DEVICE_KINDS:
        errors["kind"] = "请选择设备类型 / choose the kind of device"
    values["status"] = data.get("status") or (device.status if device else "active")
    if values["status"] not in DEVICE_STATUSES:
        errors["status"] = "请选择状态 / choose a status"
    values["latitude"] = _number(data.get("latitude"), "latitude", errors, -90, 90)
    values["longitude"] = _number(data.get("longitude"), "longitude", errors, -180, 180)
    if (values["latitude"] is None) != (values["longitude"] is None) and not {"latitude", "longitude"} & set(errors):
        errors["longitude" if values["longitude"] is None else "latitude"] = \
            "经纬度须同时填写 / give both latitude and longitude"
    values["battery_percent"] = _whole(data.get("battery_percent"), "battery_percent", errors, 0, 100)
    values["calibration_interval_days"] = _whole(data.get("calibration_interval_days"), "calibration_interval_days",
                                                 errors, 1, MAX_INTERVAL_DAYS)
    values["last_calibrated_on"] = parse_date(data.get("last_calibrated_on"), "last_calibrated_on", errors)
    if "last_calibrated_on" not in errors and values["last_calibrated_on"] and \
            values["last_calibrated_on"] > clock.local_now().date():
        errors["last_calibrated_on"] = "校准日期不能晚于今天 / the calibration date cannot be in the future"
    parameters = _parameters(data.get("parameters") or {}, errors)
    raise_if(errors)
    return values, parameters


def _parameters(given, errors):
    """{code: thresholds} of the parameters chosen; errors under "<code>_<threshold>" and "parameters"."""
    chosen = {}
    for code, limits in given.items():
        if code not in PARAMETERS:
            errors["parameters"] = f"未知的监测指标 {code} / unknown parameter {code}"
            continue
        limits = limits if isinstance(limits, dict) else {}
        chosen[code] = {name: _number(limits.get(name), f"{code}_{name}", errors, -MAX_ABS_VALUE, MAX_ABS_VALUE)
                        for name in THRESHOLDS}
        _check_order(code, chosen[code], errors)
    if not chosen and "parameters" not in errors:
        errors["parameters"] = "请至少选择一项监测指标 / choose at least one parameter"
    return chosen


def _check_order(code, limits, errors):
    """The warning comes before the alarm on each side, and the low side stays below the high side."""
    def ok(low, high):
        return limits[low] is None or limits[high] is None or limits[low] < limits[high]
    if not ok("warn_high", "alarm_high"):
        errors[f"{code}_alarm_high"] = "告警上限须高于预警上限 / the alarm's high limit must be above the warning's"
    if not ok("alarm_low", "warn_low"):
        errors[f"{code}_alarm_low"] = "告警下限须低于预警下限 / the alarm's low limit must be below the warning's"
    low = limits["warn_low"] if limits["warn_low"] is not None else limits["alarm_low"]
    high = limits["warn_high"] if limits["warn_high"] is not None else limits["alarm_high"]
    if low is not None and high is not None and low >= high:
        errors[f"{code}_warn_low"] = "下限须低于上限 / the low limits must be below the high ones"


def _enterprise(session, value, errors):
    number = row_id(value)
    if number is None or session.get(Enterprise, number) is None:
        errors["enterprise_id"] = "请选择企业 / choose the enterprise"
        return None
    return number


def _number(value, name, errors, lowest, highest):
    """A number typed or sent (not a bool, finite, within the range); empty is None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(value) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        number = None
    if number is None or not math.isfinite(number):
        errors[name] = "请填写数字 / enter a number"
        return None
    if not lowest <= number <= highest:
        errors[name] = f"应在 {lowest:g} 到 {highest:g} 之间 / between {lowest:g} and {highest:g}"
    return number


def _whole(value, name, errors, lowest, highest):
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = whole_number(value)
    if number is None or not lowest <= number <= highest:
        errors[name] = f"请填写 {lowest} 到 {highest} 的整数 / a whole number from {lowest} to {highest}"
        return None
    return number


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _number_text(value):
    return f"{value:g}"


# ---- edge gateways -----------------------------------------------------------------------------------------------
def gateways(session, user):
    """The gateways the user may see, their enterprise's name first, active ones before revoked ones."""
    return session.query(IotGateway).join(Enterprise).filter(visible_condition(user, IotGateway.enterprise_id)) \
        .order_by(Enterprise.name, IotGateway.revoked_at.isnot(None), IotGateway.id).all()


def add_gateway(uow, user, enterprise_id, name):
    """A gateway of the enterprise; returns (gateway, its key — shown once)."""
    check_may_edit(user)
    errors = {}
    number = _enterprise(uow.session, enterprise_id, errors)
    name = clean_text(name, MAX_NAME, "name", errors)
    if not name and "name" not in errors:
        errors["name"] = "必填 / required"
    raise_if(errors)
    key, digest, hint = new_key(GATEWAY_KEY_PREFIX)
    now = clock.now()
    gateway = IotGateway(enterprise_id=number, name=name, key_hash=digest, key_hint=hint, key_issued_at=now,
                         created_at=now, created_by_id=user.id)
    uow.session.add(gateway)
    uow.session.flush()
    audit.record(uow, None, user, "iot_gateway_added", changes={"name": [None, name]},
                 details={"gateway_id": gateway.id, "enterprise_id": number}, subject=("iot_gateway", gateway.id))
    return gateway, key


def rotate_gateway_key(uow, user, gateway_id):
    gateway = _active_gateway(uow, user, gateway_id)
    key, gateway.key_hash, gateway.key_hint = new_key(GATEWAY_KEY_PREFIX)
    gateway.key_issued_at = clock.now()
    audit.record(uow, None, user, "iot_gateway_key_rotated", details={"gateway_id": gateway.id},
                 subject=("iot_gateway", gateway.id))
    return gateway, key


def revoke_gateway(uow, user, gateway_id):
    """The gateway's key stops working for good (a gateway replaced or lost)."""
    gateway = _active_gateway(uow, user, gateway_id)
    gateway.revoked_at = clock.now()
    audit.record(uow, None, user, "iot_gateway_revoked", details={"gateway_id": gateway.id},
                 subject=("iot_gateway", gateway.id))
    return gateway


def _active_gateway(uow, user, gateway_id):
    check_may_edit(user)
    gateway = uow.session.get(IotGateway, gateway_id) if isinstance(gateway_id, int) else None
    if gateway is None:
        raise NotFound("网关不存在 / gateway not found")
    if gateway.revoked_at is not None:
        raise Conflict("该网关已停用 / the gateway was revoked")
    return gateway
