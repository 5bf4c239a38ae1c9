"""The IoT monitoring jobs (services/iot_*.py): the frequent watch (devices gone silent, alarms nobody acknowledged,
maintenance reminders) and the nightly roll-up and pruning of the readings. Listed in jobs.job_table."""
from app.extensions import db
from app.services import iot_alarm_handling, iot_alarms, iot_maintenance, iot_retention
from app.services.uow import UnitOfWork
from scheduler.heartbeat import beat as _beat, log

ROLL_UP_CHECK_SECONDS = 600


def watch_iot():
    """IoT monitoring, every IOT_CHECK_SECONDS, each part in its own transaction (one failing does not hold back the
    others): devices gone silent, alarms nobody acknowledged, maintenance reminders (each sent once, so checking
    this often costs a query, not a notice)."""
    results, failed = {}, []
    for name, part in (("offline", iot_mark_offline), ("escalated", iot_escalate_alarms),
                       ("reminders", iot_remind_maintenance)):
        try:
            found = part()
            results[name] = len(found) if isinstance(found, list) else found
        except Exception as exc:  # noqa: BLE001 - reported in the heartbeat; the other parts still run
            db.session.rollback()
            log.exception("iot %s failed", name)
            failed.append(f"{name}: {exc}")
    message = ", ".join(f"{n} {name}" for name, n in results.items() if n)
    _beat("watch_iot", ok=not failed, message="; ".join(failed) or message)
    return results


def iot_mark_offline():
    """Monitoring devices silent for IOT_OFFLINE_MINUTES: marked offline, an offline alarm each, people told."""
    from flask import current_app
    with UnitOfWork() as uow:
        marked = iot_alarms.mark_offline(uow, current_app.config["IOT_OFFLINE_MINUTES"])
        uow.commit()
    for device in marked:
        log.info("iot device %s offline", device.code)
    return marked


def iot_escalate_alarms():
    """Alarms nobody acknowledged within IOT_ESCALATE_MINUTES: the bureau is urged, once each."""
    from flask import current_app
    with UnitOfWork() as uow:
        urged = iot_alarm_handling.escalate_unacknowledged(uow, current_app.config["IOT_ESCALATE_MINUTES"])
        uow.commit()
    return urged


def iot_remind_maintenance():
    """Low batteries and calibrations due or overdue: the enterprise's staff and the project leads reminded once."""
    with UnitOfWork() as uow:
        sent = iot_maintenance.remind_due(uow)
        uow.commit()
    return sent


def roll_up_iot_readings():
    """Nightly: the IoT readings rolled up per day and those past IOT_READINGS_KEEP_DAYS deleted in chunks
    (services/iot_retention.py). Checked every ROLL_UP_CHECK_SECONDS, run once after 03:30 Shanghai time (a scheduler
    that was down then runs it when it starts; a failed run is tried again an hour later); the claim on its heartbeat
    row makes two schedulers run it once. The heartbeat says what the run did."""
    from flask import current_app
    if not iot_retention.claim_nightly_run(db.session):
        db.session.remove()
        return None
    try:
        outcome = iot_retention.roll_up_and_prune(current_app.config["IOT_READINGS_KEEP_DAYS"])
    except Exception as exc:  # noqa: BLE001 - a wrong setting or a lost database shows in the heartbeat
        db.session.rollback()
        message = getattr(exc, "message", None) or str(exc)
        log.error("iot roll-up failed: %s", message)
        _beat(iot_retention.JOB_ID, ok=False, message=f"roll-up failed: {message}")
        return None
    _beat(iot_retention.JOB_ID, message=outcome.summary())
    log.info("iot roll-up: %s", outcome.summary())
    return outcome
