"""Threshold alarms (阈值预警) through the services and the scheduler jobs with a moved clock: a warning opens and rises
to an alarm, further readings update it, N readings within limits mark it recovered but open, people are told (in
the app and in the outbox for SMS), acknowledging and closing, the escalation of unacknowledged alarms, devices going
offline and coming back, registering an alarm as a hazard."""
from datetime import timedelta

import pytest

from app.clock import clock
from app.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, IotAlarm, OutboxMessage, SchedulerHeartbeat
from app.services import iot_alarm_handling
from app.services.iot_alarms import RECOVERY_READINGS
from app.services.uow import UnitOfWork
from scheduler import jobs
from tests.iot_support import alarms, device, notices, reading, register, send


def handle(action, user, alarm_id, *args):
    with UnitOfWork() as uow:
        getattr(iot_alarm_handling, action)(uow, user, alarm_id, *args)
        uow.commit()
    db.session.expire_all()
    return db.session.get(IotAlarm, alarm_id)


def history(alarm_id):
    return [e.action for e in db.session.query(AuditEvent).filter_by(subject_type="iot_alarm", subject_id=alarm_id)
            .order_by(AuditEvent.id)]


def test_a_warning_rises_to_an_alarm_updates_recovers_and_stays_open(people):
    device_id, key = register(people.project_lead, people.enterprise_a)
    send(key, reading("h2s", 4, minutes=-10))
    assert alarms(device_id) == []
    send(key, reading("h2s", 12, minutes=-9))  # at or over the warning threshold (10)
    [event] = alarms(device_id)
    assert (event.level, event.direction, event.threshold, event.first_value, event.alarm_at) == \
        ("warning", "high", 10, 12, None)
    assert len(notices(people.ent_a, "iot_warning")) == 1 and notices(people.bureau, "iot_warning") == []
    assert notices(people.ent_b, "iot_warning") == []  # another enterprise's staff hear nothing
    send(key, reading("h2s", 24, minutes=-8), reading("h2s", 31, minutes=-7), reading("h2s", 15, minutes=-6))
    [event] = alarms(device_id)  # one open event per device and parameter
    assert (event.level, event.threshold, event.peak_value, event.exceed_count) == ("alarm", 20, 31, 4)
    assert event.alarm_at == clock.now() and event.peak_at == clock.now() - timedelta(minutes=7)
    assert event.last_exceeded_at == clock.now() - timedelta(minutes=6)
    [told] = notices(people.bureau, "iot_alarm")  # rising to an alarm tells the bureau, and the enterprise again
    assert "甲化工有限公司" in told.title and "31" in told.title and len(notices(people.ent_a, "iot_alarm")) == 1
    # back within limits: recovered after RECOVERY_READINGS in a row, but open until someone closes it
    send(key, *[reading("h2s", 3, minutes=-5 + n) for n in range(RECOVERY_READINGS - 1)])
    assert alarms(device_id)[0].recovered_at is None
    send(key, reading("h2s", 2, minutes=0))
    [event] = alarms(device_id)
    assert event.recovered_at is not None and event.closed_at is None and event.normal_streak == RECOVERY_READINGS
    assert history(event.id) == ["iot_alarm_opened", "iot_alarm_raised", "iot_alarm_recovered"]
    clock.advance(minutes=5)
    send(key, reading("h2s", 11, minutes=0))  # exceeding again before it was closed: the same event, active again
    [event] = alarms(device_id)
    assert event.recovered_at is None and event.exceed_count == 5 and event.level == "alarm"
    handle("close", people.ent_a, event.id, "关闭储罐阀门，通风后复测正常")
    clock.advance(minutes=5)
    send(key, reading("h2s", 13, minutes=0))  # after closing, a new exceeding reading opens a new event
    assert [(a.level, a.closed_at is None) for a in alarms(device_id)] == [("alarm", False), ("warning", True)]


def test_a_low_threshold_and_an_alarm_at_once_tell_the_bureau_with_an_sms_in_the_outbox(people):
    people.ent_a.phone, people.bureau.phone = "13800000001", "13800000002"
    db.session.commit()
    device_id, key = register(people.project_lead, people.enterprise_a)
    send(key, reading("o2", 19.0, minutes=-2))  # at or under the warning's low limit
    send(key, reading("o2", 17.2, minutes=-1), reading("o2", 16.5, minutes=0))
    [event] = alarms(device_id)
    assert (event.direction, event.level, event.threshold, event.peak_value) == ("low", "alarm", 18, 16.5)
    [notice] = notices(people.bureau, "iot_alarm")
    sms = db.session.query(OutboxMessage).filter_by(notification_id=notice.id, channel="sms").one()
    assert sms.recipient == "13800000002" and "低于告警阈值 18%VOL" in sms.body
    assert db.session.query(OutboxMessage).filter_by(recipient="13800000001", channel="sms").count() == 2
    opened = send(key, reading("h2s", 40, minutes=0))["alarms_opened"]  # straight to alarm level
    assert [a.id for a in alarms(device_id, parameter="h2s")] == opened
    assert len(notices(people.bureau, "iot_alarm")) == 2


def test_who_acknowledges_and_closes(people):
    device_id, key = register(people.project_lead, people.enterprise_a)
    [alarm_id] = send(key, reading("h2s", 25))["alarms_opened"]
    with pytest.raises(NotFound):  # another enterprise's staff do not see it
        handle("acknowledge", people.ent_b, alarm_id)
    for role in ("inspector", "manager", "quality"):  # they read alarms but do not handle them
        with pytest.raises(NotAllowed):
            handle("acknowledge", people[role], alarm_id)
    with pytest.raises(NotAllowed):
        handle("acknowledge", people.process_owner, alarm_id)
    alarm = handle("acknowledge", people.ent_a, alarm_id, "已通知现场人员撤离并检查")
    assert alarm.acknowledged_by_id == people.ent_a.id and alarm.acknowledge_note == "已通知现场人员撤离并检查"
    with pytest.raises(Conflict):
        handle("acknowledge", people.bureau, alarm_id)
    with pytest.raises(ValidationFailed) as refused:
        handle("close", people.bureau, alarm_id, "   ")
    assert "note" in refused.value.fields
    alarm = handle("close", people.bureau, alarm_id, "泄漏点已封堵，复测正常")
    assert alarm.closed_by_id == people.bureau.id and alarm.acknowledged_by_id == people.ent_a.id
    with pytest.raises(Conflict):
        handle("close", people.bureau, alarm_id, "again")
    [other_id] = send(key, reading("h2s", 30, minutes=1))["alarms_opened"]
    alarm = handle("close", people.project_lead, other_id, "传感器故障，已更换")  # closing acknowledges too
    assert alarm.acknowledged_at == alarm.closed_at and alarm.acknowledged_by_id == people.project_lead.id
    assert history(other_id) == ["iot_alarm_opened", "iot_alarm_closed"]


def test_unacknowledged_alarms_escalate_once_to_the_bureau(people):
    device_id, key = register(people.project_lead, people.enterprise_a)
    [late] = send(key, reading("h2s", 25))["alarms_opened"]
    [seen] = send(key, reading("o2", 17))["alarms_opened"]
    handle("acknowledge", people.ent_a, seen)
    clock.advance(minutes=29)
    assert jobs.iot_escalate_alarms() == 0
    clock.advance(minutes=2)
    assert jobs.iot_escalate_alarms() == 1 and jobs.iot_escalate_alarms() == 0
    assert db.session.get(IotAlarm, late).escalated_at == clock.now()
    assert db.session.get(IotAlarm, seen).escalated_at is None
    [urged] = notices(people.bureau, "iot_alarm_escalated")
    assert "30 分钟无人确认" in urged.title and notices(people.ent_a, "iot_alarm_escalated") == []
    assert "iot_alarm_escalated" in history(late)


def test_a_warning_does_not_escalate_until_it_becomes_an_alarm(people):
    device_id, key = register(people.project_lead, people.enterprise_a)
    [warning] = send(key, reading("h2s", 11))["alarms_opened"]
    clock.advance(hours=2)
    assert jobs.iot_escalate_alarms() == 0
    send(key, reading("h2s", 21))
    clock.advance(minutes=31)  # counted from the moment it reached alarm level
    assert jobs.iot_escalate_alarms() == 1 and db.session.get(IotAlarm, warning).level == "alarm"


def test_silent_devices_go_offline_and_come_back(people):
    device_id, key = register(people.project_lead, people.enterprise_a, "GD-1")
    never_id, _ = register(people.project_lead, people.enterprise_a, "GD-2")  # installed, not sending yet
    send(key, reading("h2s", 3))
    clock.advance(minutes=29)
    assert jobs.iot_mark_offline() == []
    clock.advance(minutes=2)
    assert [d.id for d in jobs.iot_mark_offline()] == [device_id] and jobs.iot_mark_offline() == []
    assert device(device_id).offline_since == clock.now() and device(never_id).offline_since is None
    [event] = alarms(device_id)
    assert (event.kind, event.level, event.parameter, event.alarm_at) == ("offline", "alarm", None, clock.now())
    for who in ("ent_a", "bureau"):
        [notice] = notices(people[who], "iot_offline")
        assert "GD-1" in notice.title
    clock.advance(minutes=5)
    send(key, reading("h2s", 3))  # back: online, the offline alarm recovered but open
    assert device(device_id).offline_since is None
    [event] = alarms(device_id)
    assert event.recovered_at == clock.now() and event.closed_at is None
    clock.advance(minutes=31)
    jobs.iot_mark_offline()  # silent again before anyone closed it: the same event, active again, told again
    [event] = alarms(device_id)
    assert event.recovered_at is None and event.exceed_count == 2
    assert len(notices(people.bureau, "iot_offline")) == 2
    # offline alarms escalate too: nobody acknowledged this one in the 36 minutes since it was raised
    assert jobs.iot_escalate_alarms() == 1 and jobs.iot_escalate_alarms() == 0


def test_an_alarm_drafts_the_registration_form_and_records_the_case(people, login):
    device_id, key = register(people.project_lead, people.enterprise_a)
    [warning] = send(key, reading("o2", 19, minutes=-1))["alarms_opened"]
    [alarm_id] = send(key, reading("h2s", 26))["alarms_opened"]
    alarm, values = iot_alarm_handling.hazard_prefill(db.session, people.inspector, alarm_id)
    assert values["enterprise_id"] == str(people.enterprise_a.id) and values["hazard_type"] == "gas"
    assert values["place"] == "甲类仓库东侧（储罐区气体检测仪）" and values["latitude"] == "35.5012"
    assert "硫化氢 26ppm" in values["description"] and "GD-001" in values["description"]
    with pytest.raises(Conflict):  # a warning is not registered as a hazard
        iot_alarm_handling.hazard_prefill(db.session, people.inspector, warning)
    with pytest.raises(NotFound):
        iot_alarm_handling.hazard_prefill(db.session, people.ent_b, alarm_id)


def test_one_scheduler_job_watches_devices_alarms_and_maintenance(app, people):
    table = {job["id"]: job for job in jobs.job_table(app.config)}
    assert table["watch_iot"]["seconds"] == app.config["IOT_CHECK_SECONDS"] == 60
    assert app.config["IOT_OFFLINE_MINUTES"] == 30 and app.config["IOT_ESCALATE_MINUTES"] == 30
    device_id, key = register(people.project_lead, people.enterprise_a, calibration_interval_days="")
    send(key, reading("h2s", 25))
    assert jobs.watch_iot() == {"offline": 0, "escalated": 0, "reminders": 0}
    clock.advance(minutes=31)
    assert jobs.watch_iot() == {"offline": 1, "escalated": 1, "reminders": 0}
    beat = db.session.get(SchedulerHeartbeat, "watch_iot")
    assert beat.ok and beat.message == "1 offline, 1 escalated"
