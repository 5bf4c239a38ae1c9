"""Readings through the service layer (services/iot_readings.py): one or a batch, all or nothing, idempotent on
(device, parameter, measured_at), a device's key for itself and a gateway's for its enterprise, latest values, the
battery level and the last contact. The HTTP statuses of the same rules: tests/test_iot_api.py."""
from datetime import timedelta, timezone

import pytest

from app.clock import clock

from app.errors import NotAllowed, ValidationFailed
from app.extensions import db
from app.models import IotParameter, IotReading
from app.services import iot_devices
from app.services.iot_readings import KeyRejected
from app.services.uow import UnitOfWork
from tests.iot_support import at, device, ingest, reading, register, send


def stored(device_id):
    return db.session.query(IotReading).filter_by(device_id=device_id) \
        .order_by(IotReading.parameter, IotReading.measured_at).all()


def latest(device_id, parameter):
    db.session.expire_all()
    return db.session.query(IotParameter).filter_by(device_id=device_id, parameter=parameter).one()


def gateway(user, enterprise, name="一号边缘网关"):
    with UnitOfWork() as uow:
        row, key = iot_devices.add_gateway(uow, user, str(enterprise.id), name)
        uow.commit()
        return row.id, key


def test_a_single_reading_and_a_batch_are_stored_with_the_latest_values(people):
    device_id, key = register(people.project_lead, people.enterprise_a)
    answer = ingest(key, reading("h2s", 3.5, minutes=-5))
    assert answer == {"received": 1, "stored": 1, "duplicates": 0, "alarms_opened": []}
    answer = send(key, reading("h2s", 4, minutes=-2), reading("o2", 20.9, minutes=-2), reading("h2s", 2.5, minutes=-1))
    assert answer["stored"] == 3 and answer["duplicates"] == 0
    assert [(r.parameter, r.value) for r in stored(device_id)] == [("h2s", 3.5), ("h2s", 4.0), ("h2s", 2.5),
                                                                   ("o2", 20.9)]
    assert latest(device_id, "h2s").latest_value == 2.5 and latest(device_id, "o2").latest_value == 20.9
    late = send(key, reading("h2s", 9, minutes=-30))  # buffered by a gateway: stored, but not the latest
    assert late["stored"] == 1 and latest(device_id, "h2s").latest_value == 2.5
    assert device(device_id).last_seen_at is not None


def test_a_replayed_batch_stores_nothing_twice(people):
    device_id, key = register(people.project_lead, people.enterprise_a)
    batch = [reading("h2s", 25, minutes=-3), reading("h2s", 26, minutes=-2), reading("o2", 20.8, minutes=-2)]
    first = send(key, *batch)
    assert first["stored"] == 3 and len(first["alarms_opened"]) == 1
    again = send(key, *batch)  # the gateway lost the answer and sends the same batch
    assert again == {"received": 3, "stored": 0, "duplicates": 3, "alarms_opened": []}
    assert len(stored(device_id)) == 3
    # the same moment written in another offset is the same reading; a repeat inside one batch counts once
    same = batch[0] | {"measured_at": (clock.now() - timedelta(minutes=3)).astimezone(timezone.utc).isoformat()}
    assert send(key, same)["duplicates"] == 1
    repeated = send(key, reading("o2", 20.7, minutes=-1), reading("o2", 20.7, minutes=-1))
    assert repeated == {"received": 1, "stored": 1, "duplicates": 0, "alarms_opened": []}


def test_wrong_readings_refuse_the_whole_batch_with_each_error_under_its_index(people):
    device_id, key = register(people.project_lead, people.enterprise_a)
    with pytest.raises(ValidationFailed) as refused:
        send(key, reading("h2s", 3), reading("co", 5), {"parameter": "h2s", "value": "high", "measured_at": at()},
             reading("h2s", 3, minutes=30), {"parameter": "h2s", "value": True, "measured_at": "yesterday"},
             reading("battery", 140), "not an object")
    errors = refused.value.fields["readings"]
    assert set(errors) == {"1", "2", "3", "4", "5", "6"}
    assert "parameter" in errors["1"] and "value" in errors["2"] and "measured_at" in errors["3"]
    assert set(errors["4"]) == {"value", "measured_at"} and "value" in errors["5"] and "_item" in errors["6"]
    assert stored(device_id) == []  # all or nothing: the good first reading was not kept either
    with pytest.raises(ValidationFailed) as single:
        ingest(key, {"parameter": "h2s", "value": None, "measured_at": at()})
    assert set(single.value.fields) == {"value"}  # a single reading's errors are its own fields
    for body in ({"readings": []}, {"readings": "h2s"}, ["h2s"], None, {"readings": [reading("h2s", 1)] * 1001}):
        with pytest.raises(ValidationFailed):
            ingest(key, body)
    with pytest.raises(ValidationFailed) as too_old:
        send(key, reading("h2s", 1, minutes=-31 * 24 * 60))
    assert "30" in too_old.value.fields["readings"]["0"]["measured_at"]


def test_keys_devices_and_gateways(people, make_enterprise):
    own_id, own_key = register(people.project_lead, people.enterprise_a, "GD-A1")
    other_id, other_key = register(people.project_lead, people.enterprise_a, "GD-A2")
    foreign_id, foreign_key = register(people.project_lead, people.enterprise_b, "GD-B1")
    for key in ("", "   ", "iotd_not-a-key", "secret", own_key + "x"):
        with pytest.raises(KeyRejected):
            send(key, reading("h2s", 1))
    with pytest.raises(NotAllowed):  # a device's key sends for itself only
        send(own_key, reading("h2s", 1, device="GD-A2"))
    assert send(own_key, reading("h2s", 1, device="GD-A1"))["stored"] == 1
    gateway_id, gateway_key = gateway(people.project_lead, people.enterprise_a)
    answer = send(gateway_key, reading("h2s", 2, minutes=-1, device="GD-A1"), reading("h2s", 3, device="GD-A2"))
    assert answer["stored"] == 2
    with pytest.raises(NotAllowed) as refused:  # enterprise A's gateway cannot send for enterprise B's device
        send(gateway_key, reading("h2s", 2, minutes=-2, device="GD-A1"), reading("h2s", 4, device="GD-B1"))
    assert refused.value.fields == {"devices": ["GD-B1"]}
    with pytest.raises(NotAllowed):  # an unknown code is refused the same way: nothing said about B's devices
        send(gateway_key, reading("h2s", 2, device="GD-ZZ"))
    with pytest.raises(ValidationFailed):  # a gateway must name the device
        send(gateway_key, reading("h2s", 2))
    assert len(stored(own_id)) == 2 and len(stored(other_id)) == 1 and stored(foreign_id) == []
    # a rotated key stops working at once; a revoked gateway too; a retired device's key is refused with 403
    data = {**_form_of(other_id), "status": "retired"}
    with UnitOfWork() as uow:
        _, new_key = iot_devices.rotate_key(uow, people.project_lead, own_id)
        iot_devices.revoke_gateway(uow, people.project_lead, gateway_id)
        iot_devices.update(uow, people.admin, other_id, data)
        uow.commit()
    with pytest.raises(KeyRejected):
        send(own_key, reading("h2s", 1, minutes=1))
    assert send(new_key, reading("h2s", 1, minutes=1))["stored"] == 1
    with pytest.raises(KeyRejected):
        send(gateway_key, reading("h2s", 1, device="GD-A1"))
    with pytest.raises(NotAllowed):
        send(other_key, reading("h2s", 1))
    assert foreign_key and gateway_key.startswith("iotg_") and new_key.startswith("iotd_")


def _form_of(device_id):
    row = device(device_id)
    return {"enterprise_id": row.enterprise_id, "code": row.code, "name": row.name, "kind": row.kind,
            "place": row.place, "parameters": {p.parameter: {"warn_high": p.warn_high, "alarm_high": p.alarm_high,
                                                             "warn_low": p.warn_low, "alarm_low": p.alarm_low}
                                               for p in row.parameters}}


def test_the_battery_level_comes_from_readings(people):
    device_id, key = register(people.project_lead, people.enterprise_a)
    assert device(device_id).battery_percent == 90  # as registered
    clock.advance(minutes=30)
    send(key, reading("battery", 18.4, minutes=-2), reading("battery", 35, minutes=-10))
    row = device(device_id)  # the newest reading's level, rounded
    assert row.battery_percent == 18 and row.battery_at == clock.now() - timedelta(minutes=2)
    assert stored(device_id)[0].parameter == "battery"  # kept like any reading
