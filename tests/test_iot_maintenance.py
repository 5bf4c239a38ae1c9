"""The maintenance ledger (设备维护台账): records update the device, the maintenance list and its reasons, reminders
sent once per due date and low-battery spell by the hourly job (clock moved), who may record; and the device
register's rules (codes, thresholds, who edits)."""
from datetime import date, timedelta

import pytest

from app.clock import clock
from app.errors import NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, IotMaintenance
from app.services import iot_devices, iot_maintenance
from app.services.uow import UnitOfWork
from scheduler import jobs
from tests.iot_support import device, device_data, notices, reading, register, send


def record(user, device_id, kind, **fields):
    values = {"performed_at": clock.local_now().strftime("%Y-%m-%dT%H:%M"), "performed_by": "王技术员", "note": ""}
    values.update(fields)
    with UnitOfWork() as uow:
        row = iot_maintenance.record(uow, user, device_id, kind, values["performed_at"], values["performed_by"],
                                     values["note"], values.get("battery_percent"))
        uow.commit()
        return row.id


def test_records_update_the_device_and_the_list_says_why_it_needs_care(people):
    device_id, key = register(people.project_lead, people.enterprise_a, last_calibrated_on="2026-08-30",
                              calibration_interval_days="90")
    row = device(device_id)
    assert row.calibration_due_on == date(2026, 11, 28)  # due within a week (the clock says 2026-11-23)
    assert iot_maintenance.reasons(row) == ["calibration_due"]
    clock.advance(minutes=1)
    send(key, reading("battery", 15))
    [(listed, why)] = iot_maintenance.due_list(db.session, people.bureau)
    assert listed.id == device_id and why == ["battery_low", "calibration_due"]
    assert iot_maintenance.due_list(db.session, people.ent_b) == []  # another enterprise's device is not theirs
    assert len(iot_maintenance.due_list(db.session, people.ent_a)) == 1
    clock.advance(hours=1)
    record(people.project_lead, device_id, "battery_replaced", note="更换锂电池")
    record(people.admin, device_id, "calibrated", note="标准气体校准，误差 2%")
    row = device(device_id)
    assert row.battery_percent == 100 and row.battery_replaced_at == clock.now().replace(second=0)
    assert row.last_calibrated_on == date(2026, 11, 23) and row.calibration_due_on == date(2027, 2, 21)
    assert iot_maintenance.due_list(db.session, people.bureau) == []
    kinds = [r.kind for r in iot_maintenance.for_device(db.session, device_id)]
    assert sorted(kinds) == ["battery_replaced", "calibrated"]
    audit = db.session.query(AuditEvent).filter_by(subject_type="iot_device", subject_id=device_id,
                                                   action="iot_maintenance_recorded").order_by(AuditEvent.id).all()
    assert [a.changes for a in audit] == [{"device_battery_percent": [15, 100]},
                                          {"device_last_calibrated_on": ["2026-08-30", "2026-11-23"]}]


def test_a_calibration_long_ago_does_not_move_the_date_back(people):
    device_id, _ = register(people.project_lead, people.enterprise_a, last_calibrated_on="2026-11-01")
    record(people.project_lead, device_id, "calibrated", performed_at="2026-10-01T10:00")
    assert device(device_id).last_calibrated_on == date(2026, 11, 1)


def test_wrong_records_and_who_may_record(people):
    device_id, _ = register(people.project_lead, people.enterprise_a)
    with pytest.raises(ValidationFailed) as refused:
        record(people.project_lead, device_id, "painted", performed_at="tomorrow", performed_by=" ")
    assert set(refused.value.fields) == {"kind", "performed_at", "performed_by"}
    with pytest.raises(ValidationFailed) as refused:
        record(people.project_lead, device_id, "repaired",
               performed_at=(clock.local_now() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    assert set(refused.value.fields) == {"performed_at", "note"}
    with pytest.raises(ValidationFailed):
        record(people.project_lead, device_id, "battery_replaced", battery_percent="120")
    for who in ("ent_a", "bureau", "inspector"):
        with pytest.raises(NotAllowed):
            record(people[who], device_id, "inspected")
    assert db.session.query(IotMaintenance).count() == 0


def test_reminders_once_per_due_date_and_battery_spell(people):
    device_id, key = register(people.project_lead, people.enterprise_a, last_calibrated_on="2026-08-30",
                              calibration_interval_days="90")
    register(people.project_lead, people.enterprise_b, "GD-B", calibration_interval_days="")  # nothing due
    assert jobs.iot_remind_maintenance() == 1 and jobs.iot_remind_maintenance() == 0
    for who in ("ent_a", "project_lead"):
        [notice] = notices(people[who], "iot_maintenance_due")
        assert "2026-11-28" in notice.body
    assert notices(people.ent_b, "iot_maintenance_due") == [] and notices(people.bureau, "iot_maintenance_due") == []
    clock.advance(days=6)  # 2026-11-29: overdue now
    send(key, reading("battery", 12))
    assert jobs.iot_remind_maintenance() == 2 and jobs.iot_remind_maintenance() == 0
    assert len(notices(people.ent_a, "iot_maintenance_due")) == 3
    record(people.project_lead, device_id, "battery_replaced")
    clock.advance(minutes=5)
    send(key, reading("battery", 10))  # a new spell after the replacement: told again
    assert jobs.iot_remind_maintenance() == 1


def test_the_register_checks_codes_thresholds_and_who_edits(people):
    device_id, _ = register(people.project_lead, people.enterprise_a)
    bad = device_data(people.enterprise_a, code="GD-001", kind="radar", place="", latitude="95", longitude="",
                      battery_percent="101", last_calibrated_on="2027-01-01",
                      parameters={"h2s": {"warn_high": "20", "alarm_high": "10"}, "o2": {"warn_low": "abc"},
                                  "co": {"warn_low": "50", "warn_high": "30"}})
    with UnitOfWork() as uow, pytest.raises(ValidationFailed) as refused:
        iot_devices.register(uow, people.admin, bad)
    assert set(refused.value.fields) == {"code", "kind", "place", "latitude", "battery_percent",
                                         "last_calibrated_on", "h2s_alarm_high", "o2_warn_low", "co_warn_low"}
    with UnitOfWork() as uow, pytest.raises(ValidationFailed) as refused:
        iot_devices.register(uow, people.admin, device_data(people.enterprise_a, code="带空格 的编号", parameters={}))
    assert set(refused.value.fields) == {"code", "parameters"}
    for who in ("ent_a", "bureau", "inspector"):
        with UnitOfWork() as uow, pytest.raises(NotAllowed):
            iot_devices.register(uow, people[who], device_data(people.enterprise_a, code="GD-X"))
    with UnitOfWork() as uow, pytest.raises(NotFound):  # an enterprise's staff see only their own devices
        from app.services.iot_access import get_visible_device
        get_visible_device(uow.session, people.ent_b, device_id)
    with UnitOfWork() as uow:
        iot_devices.update(uow, people.admin, device_id, device_data(
            people.enterprise_a, name="储罐区四合一气体检测仪", parameters={"h2s": {"warn_high": "5", "alarm_high": "10"},
                                                                  "ch4": {"warn_high": "25", "alarm_high": "50"}}))
        uow.commit()
    row = device(device_id)
    assert [(p.parameter, p.warn_high, p.alarm_high) for p in row.parameters] == [("h2s", 5, 10), ("ch4", 25, 50)]
    [change] = db.session.query(AuditEvent).filter_by(action="iot_device_updated").all()
    assert change.changes["device_name"] == ["储罐区气体检测仪", "储罐区四合一气体检测仪"]
    assert change.changes["limits_h2s"] == ["预警≥10 告警≥20", "预警≥5 告警≥10"]
    assert change.changes["limits_o2"][1] is None and change.changes["limits_ch4"] == [None, "预警≥25 告警≥50"]
