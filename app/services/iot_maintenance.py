"""The maintenance ledger (设备维护台账, 定期巡检更换电池及校准传感器): each record — battery replaced, calibrated,
repaired, routine check — says who did it, when and what, and updates the device (battery level, calibration date
and the next one due). Devices needing care — battery below LOW_BATTERY_PERCENT, calibration due within
CALIBRATION_NOTICE_DAYS or overdue, offline — make the maintenance list, and their enterprise's staff and the project
leads are reminded once per due date and once per low-battery spell (the scheduler's watch_iot job)."""
from datetime import timedelta

from sqlalchemy import or_

from ..clock import SHANGHAI, clock
from ..models import MAINTENANCE_KINDS, Enterprise, IotDevice, IotMaintenance
from . import audit, notifications
from .field_rules import aware_moment, clean_text, raise_if, whole_number
from .iot_access import check_may_edit, check_may_read, get_visible_device, visible_condition
from .iot_devices import audited, calibration_due

LOW_BATTERY_PERCENT = 20
CALIBRATION_NOTICE_DAYS = 7
REMINDED_ROLES = ("enterprise", "project_lead")
MAX_NOTE, MAX_PERFORMER = 2000, 100
NOTICE_KIND = "iot_maintenance_due"
# Why a device is on the list, in the order the list shows them.
REASONS = {
    "offline": ("设备离线，需现场检修", "Offline: check it on site"),
    "battery_low": ("电量低，需更换电池", "Battery low: replace it"),
    "calibration_overdue": ("校准已逾期", "Calibration overdue"),
    "calibration_due": ("即将到期校准", "Calibration due soon"),
}


def due_condition(today):
    """SQL: the device needs maintenance (see REASONS)."""
    return or_(IotDevice.battery_percent < LOW_BATTERY_PERCENT,
               IotDevice.calibration_due_on <= today + timedelta(days=CALIBRATION_NOTICE_DAYS),
               IotDevice.offline_since.isnot(None))


def reasons(device, today=None):
    """The keys of REASONS that apply to the device."""
    today = today or clock.local_now().date()
    found = []
    if device.offline_since is not None:
        found.append("offline")
    if device.battery_percent is not None and device.battery_percent < LOW_BATTERY_PERCENT:
        found.append("battery_low")
    due = device.calibration_due_on
    if due is not None and due < today:
        found.append("calibration_overdue")
    elif due is not None and due <= today + timedelta(days=CALIBRATION_NOTICE_DAYS):
        found.append("calibration_due")
    return found


def due_list(session, user):
    """[(device, reasons)] of the active devices the user sees that need maintenance, by enterprise and code."""
    check_may_read(user)
    today = clock.local_now().date()
    devices = session.query(IotDevice).join(Enterprise).filter(
        IotDevice.status == "active", visible_condition(user, IotDevice.enterprise_id), due_condition(today)) \
        .order_by(Enterprise.name, IotDevice.code).all()
    return [(device, reasons(device, today)) for device in devices]


def recent(session, user, limit=50):
    """The latest maintenance records of the devices the user sees."""
    check_may_read(user)
    return session.query(IotMaintenance).join(IotDevice).filter(visible_condition(user, IotDevice.enterprise_id)) \
        .order_by(IotMaintenance.performed_at.desc(), IotMaintenance.id.desc()).limit(limit).all()


def for_device(session, device_id, limit=100):
    return session.query(IotMaintenance).filter_by(device_id=device_id) \
        .order_by(IotMaintenance.performed_at.desc(), IotMaintenance.id.desc()).limit(limit).all()


def record(uow, user, device_id, kind, performed_at, performed_by, note="", battery_percent=None):
    """A maintenance record of the device, which it updates; ValidationFailed names each wrong field."""
    check_may_edit(user)
    device = get_visible_device(uow.session, user, device_id)
    errors = {}
    if kind not in MAINTENANCE_KINDS:
        errors["kind"] = "请选择维护类型 / choose what was done"
    moment = performed_at if hasattr(performed_at, "tzinfo") else aware_moment(performed_at)
    if moment is None:
        errors["performed_at"] = "请填写维护时间 / give the time it was done"
    elif moment > clock.now() + timedelta(minutes=5):
        errors["performed_at"] = "维护时间不能晚于现在 / the time cannot be in the future"
    performed_by = clean_text(performed_by, MAX_PERFORMER, "performed_by", errors)
    if not performed_by and "performed_by" not in errors:
        errors["performed_by"] = "请填写维护人员 / say who did it"
    note = clean_text(note, MAX_NOTE, "note", errors)
    if kind == "repaired" and not note and "note" not in errors:
        errors["note"] = "请写明维修内容 / describe the repair"
    level = _battery(battery_percent, errors) if kind == "battery_replaced" else None
    raise_if(errors)
    before = {"battery_percent": device.battery_percent, "last_calibrated_on": _day(device.last_calibrated_on)}
    if kind == "battery_replaced":
        device.battery_percent, device.battery_at, device.battery_replaced_at = level, moment, moment
    elif kind == "calibrated":
        day = moment.astimezone(SHANGHAI).date()
        if device.last_calibrated_on is None or day > device.last_calibrated_on:
            device.last_calibrated_on = day
            device.calibration_due_on = calibration_due(device)
    device.updated_at = clock.now()
    row = IotMaintenance(device_id=device.id, kind=kind, performed_at=moment, performed_by=performed_by, note=note,
                         recorded_by_id=user.id, recorded_at=clock.now())
    uow.session.add(row)
    uow.session.flush()
    after = {"battery_percent": device.battery_percent, "last_calibrated_on": _day(device.last_calibrated_on)}
    audit.record(uow, None, user, "iot_maintenance_recorded",
                 changes={audited(name): [before[name], after[name]] for name in before if before[name] != after[name]},
                 details={"device_id": device.id, "code": device.code, "kind": kind, "maintenance_id": row.id,
                          "performed_by": performed_by, "note": note},
                 subject=("iot_device", device.id))
    return row


def _battery(value, errors):
    """The level after replacing the battery: 100 unless the technician read another."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 100
    number = whole_number(value)
    if number is None or not 0 <= number <= 100:
        errors["battery_percent"] = "请填写 0 到 100 的整数 / a whole number from 0 to 100"
    return number


def _day(value):
    return value.isoformat() if value else None


# ---- reminders (part of the scheduler's watch_iot job) -------------------------------------------------------------
def remind_due(uow):
    """Tell each active device's enterprise staff and the project leads of a low battery (once per spell: until the
    battery is replaced) and of a calibration due within CALIBRATION_NOTICE_DAYS and again once overdue (once per due
    date). Returns how many reminders went out."""
    today = clock.local_now().date()
    devices = uow.session.query(IotDevice).filter(
        IotDevice.status == "active", or_(IotDevice.battery_percent < LOW_BATTERY_PERCENT,
                                          IotDevice.calibration_due_on <= today + timedelta(
                                              days=CALIBRATION_NOTICE_DAYS))).order_by(IotDevice.id).all()
    sent = 0
    for device in devices:
        for reason in reasons(device, today):
            if reason == "offline":
                continue  # the offline alarm told them already
            key, text = _reminder(device, reason)
            people = notifications.role_holders(uow, REMINDED_ROLES, device.enterprise_id)
            recipients = notifications.not_yet_given(uow, people, key)
            if recipients:
                notifications.send(uow, recipients, NOTICE_KIND,
                                   f"设备维护提醒：{device.enterprise.name} {device.name}（{device.code}）"[:200],
                                   text, key)
                sent += 1
    return sent


def _reminder(device, reason):
    """(dedup key, the notice's text) of one reason."""
    if reason == "battery_low":
        spell = (device.battery_replaced_at or device.created_at).isoformat()
        return (f"iot_device:{device.id}:battery_low:{spell}",
                f"电池电量 {device.battery_percent}%，低于 {LOW_BATTERY_PERCENT}%，请及时更换电池；{device.place}")
    due = device.calibration_due_on.isoformat()
    if reason == "calibration_overdue":
        return f"iot_device:{device.id}:calibration:{due}:overdue", f"传感器校准已于 {due} 到期，请尽快校准；{device.place}"
    return f"iot_device:{device.id}:calibration:{due}:due", f"传感器将于 {due} 到期校准，请安排校准；{device.place}"
