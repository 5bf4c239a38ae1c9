"""The readings' daily roll-up and retention (services/iot_retention.py): days are Shanghai days, a day past the limit
is made final before its readings are deleted in chunks, runs are idempotent (twice, or after a crash between the
roll-up and the deletion or in the middle of the deletion), thresholds are those in force when a day was first
rolled up, late readings of recent days are counted; the nightly scheduler job and `flask iot prune`."""
from datetime import date, datetime

import pytest
from sqlalchemy import event

from app.clock import SHANGHAI, clock
from app.errors import ValidationFailed
from app.extensions import db
from app.models import IotReading, IotReadingDaily, SchedulerHeartbeat
from app.services import iot_devices, iot_retention
from app.services.uow import UnitOfWork
from scheduler import jobs
from tests.iot_support import device_data, reading, register, send

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)


def local(text):
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def send_at(key, moment, **values):
    """Readings measured at `moment` (Shanghai time "2026-11-09T23:59"), sent then."""
    clock.set(local(moment))
    return send(key, *(reading(parameter, value) for parameter, value in values.items()))


def daily_rows(device_id):
    db.session.expire_all()
    return db.session.query(IotReadingDaily).filter_by(device_id=device_id) \
        .order_by(IotReadingDaily.parameter, IotReadingDaily.day).all()


def summary(device_id):
    """(parameter, day, count, sum, min, max, warnings, alarms, final) per daily row."""
    return [(r.parameter, r.day.isoformat(), r.reading_count, r.value_sum, r.value_min, r.value_max, r.warning_count,
             r.alarm_count, r.final) for r in daily_rows(device_id)]


def raw(device_id):
    db.session.expire_all()
    return [(r.parameter, r.measured_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"), r.value)
            for r in db.session.query(IotReading).filter_by(device_id=device_id)
            .order_by(IotReading.parameter, IotReading.measured_at)]


def around_midnight(people):
    """A gas detector's readings on both sides of Shanghai midnight, 9 to 10 November (the UTC date is the same)."""
    device_id, key = register(people.project_lead, people.enterprise_a)
    send_at(key, "2026-11-09T12:00", h2s=12, o2=20.9)  # h2s at warning level (>= 10)
    send_at(key, "2026-11-09T23:59", h2s=5)
    send_at(key, "2026-11-10T00:01", h2s=25, o2=17.5)  # h2s at alarm level (>= 20), o2 under the alarm low (<= 18)
    send_at(key, "2026-11-10T08:00", h2s=3)
    return device_id, key


def test_days_are_shanghai_days_with_min_max_sum_first_last_and_threshold_counts(people):
    device_id, _key = around_midnight(people)
    clock.set(NOW)
    outcome = iot_retention.roll_up_and_prune(90)
    assert outcome.series == 2 and outcome.days_rolled_up == 4 and outcome.days_finalised == 0
    assert outcome.readings_deleted == 0 and outcome.kept_from == date(2026, 8, 25)
    assert summary(device_id) == [("h2s", "2026-11-09", 2, 17.0, 5.0, 12.0, 1, 0, False),
                                  ("h2s", "2026-11-10", 2, 28.0, 3.0, 25.0, 1, 1, False),
                                  ("o2", "2026-11-09", 1, 20.9, 20.9, 20.9, 0, 0, False),
                                  ("o2", "2026-11-10", 1, 17.5, 17.5, 17.5, 1, 1, False)]
    h2s_9, h2s_10 = daily_rows(device_id)[:2]
    assert h2s_9.first_at == local("2026-11-09T12:00") and h2s_9.last_at == local("2026-11-09T23:59")
    assert h2s_10.first_at == local("2026-11-10T00:01") and h2s_10.average == 14.0
    assert (h2s_10.warn_high, h2s_10.alarm_high, h2s_10.warn_low, h2s_10.alarm_low) == (10, 20, None, None)
    assert len(raw(device_id)) == 6  # nothing past the limit: nothing deleted


def test_days_past_the_limit_are_made_final_then_deleted_and_newer_readings_stay(people):
    device_id, key = around_midnight(people)
    clock.set(NOW)
    iot_retention.roll_up_and_prune(90)  # the night after: provisional rows with the thresholds of then
    before = summary(device_id)
    with UnitOfWork() as uow:  # the thresholds change later; the days already rolled up keep theirs
        iot_devices.update(uow, people.project_lead, device_id, device_data(
            people.enterprise_a, parameters={"h2s": {"warn_high": 2, "alarm_high": 4}, "o2": {"warn_low": 19.5}}))
        uow.commit()
    send_at(key, "2027-02-14T10:00", h2s=3)  # 96 days on; 9 and 10 November are past 90 days
    clock.set(local("2027-02-15T03:30"))
    outcome = iot_retention.roll_up_and_prune(90)
    assert outcome.kept_from == date(2026, 11, 17) and outcome.days_finalised == 4
    assert outcome.readings_deleted == 6 and outcome.chunks == 2  # one chunk per series
    assert summary(device_id)[:2] == [row[:-1] + (True,) for row in before[:2]]  # the same values, now final
    assert raw(device_id) == [("h2s", "2027-02-14 10:00", 3.0)]
    newest = daily_rows(device_id)[2]  # the recent day, counted against the thresholds now in force
    assert (newest.day, newest.warning_count, newest.alarm_count, newest.warn_high, newest.final) == \
        (date(2027, 2, 14), 1, 0, 2.0, False)
    again = iot_retention.roll_up_and_prune(90)  # a second run: nothing more to finalise or delete
    assert (again.days_finalised, again.readings_deleted, again.chunks) == (0, 0, 0)
    assert summary(device_id)[:2] == [row[:-1] + (True,) for row in before[:2]]


def test_a_crash_between_the_roll_up_and_the_deletion_counts_nothing_twice(people, monkeypatch):
    device_id, _key = around_midnight(people)
    clock.set(local("2027-02-15T03:30"))

    def crash(*args, **kwargs):
        raise RuntimeError("the scheduler was killed")
    with monkeypatch.context() as patched:
        patched.setattr(iot_retention, "_delete_before", crash)
        with pytest.raises(RuntimeError):
            iot_retention.roll_up_and_prune(90)
    db.session.rollback()
    assert [(row[0], row[-1]) for row in summary(device_id)] == [("h2s", True), ("h2s", True)]  # o2 not reached
    assert len(raw(device_id)) == 6
    outcome = iot_retention.roll_up_and_prune(90)
    assert outcome.days_finalised == 2 and outcome.readings_deleted == 6  # o2's days; h2s's readings not recounted
    assert summary(device_id) == [("h2s", "2026-11-09", 2, 17.0, 5.0, 12.0, 1, 0, True),
                                  ("h2s", "2026-11-10", 2, 28.0, 3.0, 25.0, 1, 1, True),
                                  ("o2", "2026-11-09", 1, 20.9, 20.9, 20.9, 0, 0, True),
                                  ("o2", "2026-11-10", 1, 17.5, 17.5, 17.5, 1, 1, True)]
    assert raw(device_id) == []


def test_a_crash_halfway_through_the_deletion_leaves_final_rows_that_the_next_run_keeps(people):
    device_id, _key = around_midnight(people)
    clock.set(local("2027-02-15T03:30"))
    deletes = []

    def second_chunk_fails(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("DELETE FROM iot_reading "):
            deletes.append(statement)
            if len(deletes) == 2:
                raise RuntimeError("the database went away")
    event.listen(db.engine, "before_cursor_execute", second_chunk_fails)
    try:
        with pytest.raises(RuntimeError):
            iot_retention.roll_up_and_prune(90, chunk=3)
    finally:
        event.remove(db.engine, "before_cursor_execute", second_chunk_fails)
    db.session.rollback()
    assert [r[0] for r in raw(device_id)] == ["h2s", "o2", "o2"]  # h2s's first chunk of 3 went
    iot_retention.roll_up_and_prune(90, chunk=3)
    assert summary(device_id)[:2] == [("h2s", "2026-11-09", 2, 17.0, 5.0, 12.0, 1, 0, True),
                                      ("h2s", "2026-11-10", 2, 28.0, 3.0, 25.0, 1, 1, True)]
    assert raw(device_id) == []


def test_deletion_goes_in_bounded_chunks_and_leaves_newer_readings(people):
    device_id, key = register(people.project_lead, people.enterprise_a, parameters={"h2s": {"warn_high": 10}})
    clock.set(local("2026-11-01T08:00"))
    send(key, *(reading("h2s", n, minutes=-10 * n) for n in range(10)))
    clock.set(local("2026-12-05T09:00"))
    send(key, *(reading("h2s", n, minutes=-n) for n in range(3)))
    outcome = iot_retention.roll_up_and_prune(31, chunk=4)
    assert outcome.readings_deleted == 10 and outcome.chunks == 3  # 4 + 4 + 2
    assert [when for _p, when, _v in raw(device_id)] == ["2026-12-05 08:58", "2026-12-05 08:59", "2026-12-05 09:00"]
    [old] = [r for r in daily_rows(device_id) if r.final]
    assert (old.day, old.reading_count, old.value_sum, old.value_max) == (date(2026, 11, 1), 10, 45.0, 9.0)


def test_recent_days_are_rolled_up_again_with_readings_sent_late(people):
    device_id, key = register(people.project_lead, people.enterprise_a, parameters={"h2s": {"warn_high": 10}})
    send_at(key, "2026-11-20T10:00", h2s=4)
    clock.set(NOW)
    iot_retention.roll_up_and_prune(90)
    send(key, {"parameter": "h2s", "value": 11, "measured_at": "2026-11-20T11:00:00+08:00"})  # a gateway's buffer
    outcome = iot_retention.roll_up_and_prune(90)
    assert outcome.days_rolled_up == 1
    assert summary(device_id) == [("h2s", "2026-11-20", 2, 15.0, 4.0, 11.0, 1, 0, False)]  # replaced, not added
    assert iot_retention.roll_up_and_prune(90).days_rolled_up == 1 and len(daily_rows(device_id)) == 1


def test_keep_days_must_outlast_the_ingestion_of_late_readings():
    for wrong in (30, 0, -1, 3651, "90", 90.0, True):
        with pytest.raises(ValidationFailed):
            iot_retention.check_keep_days(wrong)
    assert iot_retention.check_keep_days(31) == 31 and iot_retention.MIN_KEEP_DAYS == 31


def test_the_nightly_job_runs_once_a_night_after_half_past_three(app, people):
    device_id, key = around_midnight(people)
    clock.set(local("2027-02-15T02:00"))  # never ran: it runs at the first check, whatever the hour
    assert jobs.roll_up_iot_readings().readings_deleted == 6
    beat = db.session.get(SchedulerHeartbeat, iot_retention.JOB_ID)
    assert beat.ok and "6 readings deleted" in beat.message
    clock.set(local("2027-02-15T03:20"))
    assert jobs.roll_up_iot_readings() is None  # ran since yesterday's 03:30
    clock.set(local("2027-02-15T03:35"))
    assert jobs.roll_up_iot_readings() is not None
    clock.set(local("2027-02-15T23:50"))
    assert jobs.roll_up_iot_readings() is None
    assert not iot_retention.claim_nightly_run(db.session)  # a second scheduler checking at the same time
    clock.set(local("2027-02-16T03:40"))
    assert iot_retention.claim_nightly_run(db.session) and not iot_retention.claim_nightly_run(db.session)


def test_a_failed_night_is_reported_and_tried_again_an_hour_later(app, people):
    device_id, key = around_midnight(people)
    clock.set(local("2027-02-15T03:40"))
    app.config["IOT_READINGS_KEEP_DAYS"] = 7
    try:
        assert jobs.roll_up_iot_readings() is None
        beat = db.session.get(SchedulerHeartbeat, iot_retention.JOB_ID)
        assert not beat.ok and "keep days must be a whole number from 31" in beat.message
        clock.set(local("2027-02-15T04:20"))
        assert jobs.roll_up_iot_readings() is None  # not yet tried again
        db.session.expire_all()
        assert not db.session.get(SchedulerHeartbeat, iot_retention.JOB_ID).ok
    finally:
        app.config["IOT_READINGS_KEEP_DAYS"] = 90
    clock.set(local("2027-02-15T04:45"))
    assert jobs.roll_up_iot_readings().readings_deleted == 6
    db.session.expire_all()
    assert db.session.get(SchedulerHeartbeat, iot_retention.JOB_ID).ok


def test_the_scheduler_checks_the_roll_up_every_ten_minutes(app):
    [job] = [j for j in jobs.job_table(app.config) if j["id"] == "iot_roll_up"]
    assert job["func"] is jobs.roll_up_iot_readings and job["seconds"] == 600


def test_the_prune_command_prints_what_it_did_and_refuses_a_wrong_number(app, people):
    device_id, key = around_midnight(people)
    clock.set(local("2027-02-15T10:00"))
    runner = app.test_cli_runner()
    for wrong in ("30", "abc", "-5"):
        refused = runner.invoke(args=["iot", "prune", "--keep-days", wrong])
        assert refused.exit_code == 2, refused.output
    assert "from 31 to 3650" in runner.invoke(args=["iot", "prune", "--keep-days", "12"]).output
    assert len(raw(device_id)) == 6
    kept = runner.invoke(args=["iot", "prune", "--keep-days", "120"])
    assert kept.exit_code == 0 and "0 readings deleted" in kept.output and "4 recent daily rows" in kept.output
    done = runner.invoke(args=["iot", "prune"])  # IOT_READINGS_KEEP_DAYS: 90
    assert done.exit_code == 0, done.output
    assert "readings kept from 2026-11-17 (90 days)" in done.output and "6 readings deleted in 2 chunks" in done.output
    assert "4 made final" in done.output and raw(device_id) == []
