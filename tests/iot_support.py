"""Helpers shared by the IoT monitoring tests (no tests here): register a device through the service, send readings
through the service or the API, read back alarms and notices."""
from datetime import timedelta

from app.clock import SHANGHAI, clock
from app.extensions import db
from app.models import IotAlarm, IotDevice, Notification
from app.services import iot_devices, iot_readings
from app.services.uow import UnitOfWork

GAS = {"h2s": {"warn_high": 10, "alarm_high": 20}, "o2": {"warn_high": 23.5, "warn_low": 19.5, "alarm_low": 18}}


def device_data(enterprise, code="GD-001", kind="gas_detector", parameters=None, **changes):
    data = {"enterprise_id": str(enterprise.id), "code": code, "name": "储罐区气体检测仪", "kind": kind,
            "place": "甲类仓库东侧", "latitude": "35.5012", "longitude": "113.8321", "battery_percent": "90",
            "last_calibrated_on": "2026-09-01", "calibration_interval_days": "90",
            "parameters": GAS if parameters is None else parameters}
    data.update(changes)
    return data


def register(user, enterprise, code="GD-001", **changes):
    """A device registered by `user`; returns (device id, its key)."""
    with UnitOfWork() as uow:
        device, key = iot_devices.register(uow, user, device_data(enterprise, code, **changes))
        uow.commit()
        return device.id, key


def at(minutes=0, seconds=0):
    """A measured_at `minutes` from the clock's now, as a gateway writes it (ISO 8601 with +08:00)."""
    return (clock.now() + timedelta(minutes=minutes, seconds=seconds)).astimezone(SHANGHAI).isoformat()


def reading(parameter, value, minutes=0, device=None):
    item = {"parameter": parameter, "value": value, "measured_at": at(minutes)}
    if device is not None:
        item["device"] = device
    return item


def ingest(key, body):
    """Send through the service layer, committed; returns its answer."""
    with UnitOfWork() as uow:
        result = iot_readings.ingest(uow, key, body)
        uow.commit()
    db.session.expire_all()
    return result


def send(key, *items):
    return ingest(key, {"readings": list(items)})


def post(client, key, body):
    return client.post("/api/v1/iot/readings", json=body, headers={"X-Device-Key": key} if key else {})


def alarms(device_id, **filters):
    db.session.expire_all()
    return db.session.query(IotAlarm).filter_by(device_id=device_id, **filters).order_by(IotAlarm.id).all()


def device(device_id):
    db.session.expire_all()
    return db.session.get(IotDevice, device_id)


def notices(user, kind):
    return db.session.query(Notification).filter_by(user_id=user.id, kind=kind).order_by(Notification.id).all()
