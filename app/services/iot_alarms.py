"""Threshold alarms (阈值预警) and offline devices: what the readings and the silence of a device open.

Rules:
- A reading at or over a parameter's warning threshold (or at or under a low one) opens a warning, at or over the
  alarm threshold an alarm. One event per device and parameter is open at a time: further exceeding readings update
  its peak and last-seen time and count it; a warning whose readings reach the alarm threshold rises to an alarm
  (never back down).
- RECOVERY_READINGS readings in a row back within limits mark it recovered; it stays open until a person closes it
  with a handling note (services/iot_alarm_handling.py). A new exceeding reading before that makes it active again.
- Opening a warning tells the enterprise's staff; an alarm (or a warning rising to one) tells them and the bureau —
  in the app and over the outbox's SMS / WeChat / email channels (services/notifications.py, outbox.py).
- A device silent for the configured time is marked offline by a job and gets an offline alarm of its own (alarm
  level: the place it watches is unwatched); its next reading marks that recovered.
"""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update

from ..clock import SHANGHAI, clock
from ..models import ALARM_LEVELS, PARAMETERS, IotAlarm, IotDevice
from . import audit, notifications

RECOVERY_READINGS = 3
WARNING_NOTIFIED = ("enterprise",)
ALARM_NOTIFIED = ("enterprise", "bureau")
NOTICE_KINDS = {"warning": "iot_warning", "alarm": "iot_alarm", "offline": "iot_offline"}


@dataclass(frozen=True)
class Hit:
    level: str  # warning / alarm
    direction: str  # high / low
    threshold: float


def hit_of(parameter, value):
    """The threshold a value crosses (the alarm's before the warning's), None within limits."""
    for level, high, low in (("alarm", parameter.alarm_high, parameter.alarm_low),
                             ("warning", parameter.warn_high, parameter.warn_low)):
        if high is not None and value >= high:
            return Hit(level, "high", high)
        if low is not None and value <= low:
            return Hit(level, "low", low)
    return None


def evaluate(uow, readings, parameters, devices):
    """Open, update and recover the threshold events of newly stored `readings` [(device id, parameter, measured
    at, value)], taken in time order; `parameters` {(device id, code): IotParameter} (locked by the caller, so two
    uploads for one device do not both open an event), `devices` {id: IotDevice}. Returns the events opened."""
    if not readings:
        return []
    open_events = {(a.device_id, a.parameter): a for a in uow.session.query(IotAlarm).filter(
        IotAlarm.device_id.in_({r[0] for r in readings}), IotAlarm.kind == "threshold",
        IotAlarm.closed_at.is_(None)).order_by(IotAlarm.id)}
    opened, raised, recovered = [], [], []
    for device_id, code, measured_at, value in sorted(readings, key=lambda r: r[2]):
        parameter = parameters.get((device_id, code))
        if parameter is None:  # the battery level: no thresholds
            continue
        hit = hit_of(parameter, value)
        event = open_events.get((device_id, code))
        if hit is None:
            if event is not None and event.recovered_at is None:
                event.normal_streak += 1
                if event.normal_streak >= RECOVERY_READINGS:
                    event.recovered_at = measured_at
                    recovered.append(event)
        elif event is None:
            event = open_events[(device_id, code)] = _new_event(devices[device_id], code, hit, measured_at, value)
            opened.append(event)
        elif _exceeded_again(event, hit, measured_at, value) and event not in opened:
            raised.append(event)
    if opened:
        uow.session.add_all(opened)
        uow.session.flush()
    for event in opened:
        _announce(uow, event, devices[event.device_id], "iot_alarm_opened")
    for event in raised:
        _announce(uow, event, devices[event.device_id], "iot_alarm_raised")
    for event in dict.fromkeys(recovered):  # once each, even if it recovered twice in one upload
        if event.recovered_at is not None:  # not exceeded again later in the same upload
            _audit(uow, event, "iot_alarm_recovered", value=None)
    return opened


def _new_event(device, code, hit, measured_at, value):
    now = clock.now()
    return IotAlarm(device_id=device.id, enterprise_id=device.enterprise_id, kind="threshold", parameter=code,
                    level=hit.level, direction=hit.direction, threshold=hit.threshold, first_value=value,
                    peak_value=value, peak_at=measured_at, started_at=measured_at, last_exceeded_at=measured_at,
                    exceed_count=1, normal_streak=0, opened_at=now, alarm_at=now if hit.level == "alarm" else None)


def _exceeded_again(event, hit, measured_at, value):
    """Update an open event by another exceeding reading; True when it rose from warning to alarm."""
    event.exceed_count += 1
    event.normal_streak = 0
    event.recovered_at = None
    event.last_exceeded_at = max(event.last_exceeded_at, measured_at)
    worse = value > event.peak_value if event.direction == "high" else value < event.peak_value
    if worse:
        event.peak_value, event.peak_at = value, measured_at
    if hit.level == "alarm" and event.level == "warning":
        event.level, event.direction, event.threshold, event.alarm_at = "alarm", hit.direction, hit.threshold, \
            clock.now()
        return True
    return False


def _announce(uow, event, device, action):
    """Audit the event's opening (or rising to alarm) and tell the people of its level, with its worst value so far
    (an event opened and risen within one upload is announced once, as an alarm)."""
    value = event.peak_value
    _audit(uow, event, action, value)
    name, _english, unit, _limits = PARAMETERS[event.parameter]
    level = ALARM_LEVELS[event.level][0]
    title = f"监测{level}：{device.enterprise.name} {device.name} {name} {value:g}{unit}"
    side = "超过" if event.direction == "high" else "低于"
    body = (f"{device.place}，{event.last_exceeded_at.astimezone(SHANGHAI):%m-%d %H:%M} {name} {value:g}{unit}，"
            f"{side}{level}阈值 {event.threshold:g}{unit}。请立即核查处置，必要时启动应急预案。")
    _tell(uow, event, device, event.level, title, body, f"iot_alarm:{event.id}:{event.level}")


def _tell(uow, event, device, kind, title, body, key):
    roles = ALARM_NOTIFIED if event.level == "alarm" else WARNING_NOTIFIED
    recipients = notifications.not_yet_given(uow, notifications.role_holders(uow, roles, device.enterprise_id), key)
    notifications.send(uow, recipients, NOTICE_KINDS[kind], title[:200], body, key)


def _audit(uow, event, action, value):
    audit.record(uow, None, None, action, details={
        "alarm_id": event.id, "device_id": event.device_id, "parameter": event.parameter, "level": event.level,
        "value": value, "threshold": event.threshold}, subject=("iot_alarm", event.id))


# ---- offline devices ---------------------------------------------------------------------------------------------
def mark_offline(uow, minutes):
    """Active devices that sent nothing for `minutes` (those that never sent are not watched yet) are marked offline
    — once, by a compare-and-set, so two schedulers mark a device once — each with an offline alarm (a still open
    one of an earlier spell is made active again) and its enterprise's staff and the bureau told. Returns the
    devices marked."""
    now = clock.now()
    cutoff = now - timedelta(minutes=minutes)
    silent = uow.session.query(IotDevice).filter(IotDevice.status == "active", IotDevice.offline_since.is_(None),
                                                 IotDevice.last_seen_at < cutoff).order_by(IotDevice.id).all()
    marked = []
    for device in silent:
        changed = uow.session.execute(update(IotDevice).where(
            IotDevice.id == device.id, IotDevice.offline_since.is_(None), IotDevice.last_seen_at < cutoff)
            .values(offline_since=now).execution_options(synchronize_session=False))
        if changed.rowcount != 1:
            continue
        device.offline_since = now
        event = _offline_event(uow, device, now)
        _audit(uow, event, "iot_device_offline", value=None)
        seen = device.last_seen_at.astimezone(SHANGHAI)
        _tell(uow, event, device, "offline",
              f"监测设备离线：{device.enterprise.name} {device.name}（{device.code}）",
              f"{device.place}，自 {seen:%m-%d %H:%M} 起超过 {minutes} 分钟无数据，现场监测中断，请立即检查设备和网络。",
              f"iot_alarm:{event.id}:offline:{now.isoformat()}")
        marked.append(device)
    return marked


def _offline_event(uow, device, now):
    event = uow.session.query(IotAlarm).filter_by(device_id=device.id, kind="offline", closed_at=None).first()
    if event is not None:  # an earlier spell not handled yet: the same event, active again
        event.recovered_at, event.normal_streak = None, 0
        event.exceed_count += 1
        event.last_exceeded_at = now
        return event
    event = IotAlarm(device_id=device.id, enterprise_id=device.enterprise_id, kind="offline", level="alarm",
                     started_at=device.last_seen_at, last_exceeded_at=now, exceed_count=1, normal_streak=0,
                     opened_at=now, alarm_at=now)
    uow.session.add(event)
    uow.session.flush()
    return event


def back_online(uow, device):
    """A reading from a device marked offline: it is online again and its offline alarm recovered (still open)."""
    device.offline_since = None
    event = uow.session.query(IotAlarm).filter_by(device_id=device.id, kind="offline", closed_at=None,
                                                  recovered_at=None).first()
    if event is not None:
        event.recovered_at = clock.now()
        _audit(uow, event, "iot_alarm_recovered", value=None)
