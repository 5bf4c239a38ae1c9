"""People handling the alarms (services/iot_alarms.py opens them): acknowledge (确认) and close with a handling note
(处置说明); the escalation of alarms nobody acknowledged in time (an urging notice to the bureau, once); the alarm list;
and registering an alarm as a hazard — the registration form prefilled from the alarm, never a case made by itself."""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, func, true, update

from ..clock import SHANGHAI, clock
from ..errors import Conflict, NotAllowed
from ..models import ALARM_LEVELS, PARAMETERS, Enterprise, IotAlarm
from . import audit, notifications
from .field_rules import clean_text, raise_if
from .iot_access import check_may_read, get_visible_alarm, may_handle, visible_condition

ESCALATION_NOTIFIED = ("bureau",)
MAX_NOTE = 2000
STATES = ("open", "acknowledged", "closed", "all")
# The registration form's hazard type for an alarm of each parameter (the process's hazard_type choices).
HAZARD_TYPES = {"h2s": "gas", "co": "gas", "ch4": "gas", "nh3": "gas", "o2": "confined_space",
                "dust": "dust_explosion", "vibration": "mechanical", "temperature": "hazardous_chemicals",
                "humidity": "other"}


def check_may_handle(user, alarm):
    if not may_handle(user, alarm):
        raise NotAllowed("只有企业人员、应急管理局、项目负责人和系统管理员可以处置告警 / only the enterprise's staff, "
                         "the bureau, project leads and administrators handle alarms")


def acknowledge(uow, user, alarm_id, note=""):
    """Someone has seen the alarm and is on it: the escalation stops. Once (409 afterwards, and once closed)."""
    alarm = get_visible_alarm(uow.session, user, alarm_id, lock=True)
    check_may_handle(user, alarm)
    errors = {}
    note = clean_text(note, MAX_NOTE, "note", errors)
    raise_if(errors)
    if alarm.closed_at is not None:
        raise Conflict("告警已关闭 / the alarm is closed")
    if alarm.acknowledged_at is not None:
        raise Conflict("告警已被确认 / the alarm was acknowledged already")
    alarm.acknowledged_at, alarm.acknowledged_by_id, alarm.acknowledge_note = clock.now(), user.id, note or None
    audit.record(uow, None, user, "iot_alarm_acknowledged",
                 changes={"acknowledge_note": [None, note]} if note else None, details=_details(alarm),
                 subject=("iot_alarm", alarm.id))
    return alarm


def close(uow, user, alarm_id, note):
    """Close the alarm with what was done (处置说明, required); closing one not acknowledged acknowledges it too. An
    alarm still exceeding may be closed (a faulty sensor, say): its next exceeding reading opens a new one."""
    alarm = get_visible_alarm(uow.session, user, alarm_id, lock=True)
    check_may_handle(user, alarm)
    errors = {}
    note = clean_text(note, MAX_NOTE, "note", errors)
    if not note and "note" not in errors:
        errors["note"] = "请填写处置说明 / describe how it was handled"
    raise_if(errors)
    if alarm.closed_at is not None:
        raise Conflict("告警已关闭 / the alarm was closed already")
    now = clock.now()
    if alarm.acknowledged_at is None:
        alarm.acknowledged_at, alarm.acknowledged_by_id = now, user.id
    alarm.closed_at, alarm.closed_by_id, alarm.handling_note = now, user.id, note
    audit.record(uow, None, user, "iot_alarm_closed", changes={"handling_note": [None, note]},
                 details=_details(alarm), subject=("iot_alarm", alarm.id))
    return alarm


def _details(alarm):
    return {"alarm_id": alarm.id, "device_id": alarm.device_id, "parameter": alarm.parameter, "level": alarm.level}


# ---- escalation (a scheduler job) --------------------------------------------------------------------------------
def escalate_unacknowledged(uow, minutes):
    """Alarm-level events (offline ones too) nobody acknowledged within `minutes` of reaching alarm level: the bureau
    is urged, once per event (compare-and-set, so two schedulers urge it once). Returns how many were urged."""
    now = clock.now()
    due = uow.session.query(IotAlarm).filter(
        IotAlarm.closed_at.is_(None), IotAlarm.acknowledged_at.is_(None), IotAlarm.escalated_at.is_(None),
        IotAlarm.alarm_at <= now - timedelta(minutes=minutes)).order_by(IotAlarm.id).all()
    urged = 0
    for alarm in due:
        marked = uow.session.execute(update(IotAlarm).where(
            IotAlarm.id == alarm.id, IotAlarm.acknowledged_at.is_(None), IotAlarm.escalated_at.is_(None))
            .values(escalated_at=now).execution_options(synchronize_session=False))
        if marked.rowcount != 1:
            continue
        alarm.escalated_at = now
        audit.record(uow, None, None, "iot_alarm_escalated", details={**_details(alarm), "minutes": minutes},
                     subject=("iot_alarm", alarm.id))
        key = f"iot_alarm:{alarm.id}:escalated"
        device = alarm.device
        notifications.send(uow, notifications.not_yet_given(uow, notifications.role_holders(
            uow, ESCALATION_NOTIFIED), key), "iot_alarm_escalated",
            f"告警超过 {minutes} 分钟无人确认：{device.enterprise.name} {device.name}"[:200],
            f"{headline(alarm)}；{device.place}；{alarm.alarm_at.astimezone(SHANGHAI):%m-%d %H:%M} 起告警，"
            f"企业尚未确认，请督促处置。", key)
        urged += 1
    return urged


def headline(alarm):
    """One line saying what happened, in Chinese (notices and the registration form)."""
    if alarm.kind == "offline":
        return f"设备离线（{alarm.started_at.astimezone(SHANGHAI):%m-%d %H:%M} 起无数据）"
    name, _english, unit, _limits = PARAMETERS[alarm.parameter]
    side = "≥" if alarm.direction == "high" else "≤"
    return f"{name} {alarm.peak_value:g}{unit}（{ALARM_LEVELS[alarm.level][0]}阈值 {side}{alarm.threshold:g}{unit}）"


# ---- the list ----------------------------------------------------------------------------------------------------
@dataclass
class AlarmFilter:
    state: str = "open"
    enterprise_id: int = None
    township: str = ""
    level: str = None
    kind: str = None
    device_id: int = None
    limit: int = 50
    offset: int = 0


def _state_condition(state):
    return {"open": and_(IotAlarm.closed_at.is_(None), IotAlarm.acknowledged_at.is_(None)),
            "acknowledged": and_(IotAlarm.closed_at.is_(None), IotAlarm.acknowledged_at.isnot(None)),
            "closed": IotAlarm.closed_at.isnot(None)}.get(state, true())


def _filtered(session, user, flt):
    check_may_read(user)
    query = session.query(IotAlarm).join(Enterprise, Enterprise.id == IotAlarm.enterprise_id).filter(
        visible_condition(user, IotAlarm.enterprise_id))
    for column, value in ((IotAlarm.enterprise_id, flt.enterprise_id), (Enterprise.township, flt.township or None),
                          (IotAlarm.level, flt.level), (IotAlarm.kind, flt.kind), (IotAlarm.device_id, flt.device_id)):
        if value is not None:
            query = query.filter(column == value)
    return query


def listing(session, user, flt):
    """(alarms in the state, newest first; how many)."""
    query = _filtered(session, user, flt).filter(_state_condition(flt.state))
    total = query.count()
    rows = query.order_by(IotAlarm.opened_at.desc(), IotAlarm.id.desc()).limit(flt.limit).offset(flt.offset).all()
    return rows, total


def counts(session, user, flt):
    """{state: how many} under the other filters, for the list's chips."""
    columns = [func.count(IotAlarm.id).filter(_state_condition(state)) for state in STATES[:-1]]
    row = _filtered(session, user, flt).with_entities(*columns, func.count(IotAlarm.id)).one()
    return dict(zip(STATES, row))


def for_device(session, device_id, limit=20):
    return session.query(IotAlarm).filter_by(device_id=device_id) \
        .order_by(IotAlarm.opened_at.desc(), IotAlarm.id.desc()).limit(limit).all()


# ---- registering as a hazard ------------------------------------------------------------------------------------
def may_register_from(alarm):
    """An alarm-level event not registered yet offers 登记为隐患."""
    return alarm.level == "alarm" and alarm.case_id is None


def hazard_prefill(session, user, alarm_id):
    """(the alarm, the registration form's values drafted from it: enterprise, place, position, type, description,
    when it was found); 404 for an alarm the user does not see, 409 for a warning or one registered already."""
    alarm = get_visible_alarm(session, user, alarm_id)
    if alarm.case_id is not None:
        raise Conflict(f"该告警已登记为隐患 {alarm.case.code} / the alarm was registered as hazard {alarm.case.code}")
    if alarm.level != "alarm":
        raise Conflict("预警不登记为隐患，告警才可以 / only alarms, not warnings, are registered as hazards")
    device = alarm.device
    found = alarm.started_at.astimezone(SHANGHAI)
    text = (f"物联网监测告警：{device.name}（{device.code}）{headline(alarm)}，{found:%Y-%m-%d %H:%M} 起"
            + (f"超限 {alarm.exceed_count} 次" if alarm.kind == "threshold" else "现场监测中断")
            + (f"；处置说明：{alarm.handling_note}" if alarm.handling_note else "") + "。")
    values = {"enterprise_id": str(alarm.enterprise_id), "place": f"{device.place}（{device.name}）"[:200],
              "hazard_type": HAZARD_TYPES.get(alarm.parameter, "safety_management"), "description": text[:4000],
              "found_at": found.strftime("%Y-%m-%dT%H:%M")}
    if device.latitude is not None:
        values.update(latitude=str(device.latitude), longitude=str(device.longitude))
    return alarm, values


def link_case(uow, user, alarm_id, case):
    """The hazard registered from the alarm, recorded on it (in the registration's transaction)."""
    alarm = get_visible_alarm(uow.session, user, alarm_id, lock=True)
    if alarm.case_id is not None:
        raise Conflict(f"该告警已登记为隐患 {alarm.case.code} / the alarm was registered as hazard {alarm.case.code}")
    alarm.case_id = case.id
    audit.record(uow, None, user, "iot_alarm_registered_as_hazard", details={**_details(alarm), "case": case.code},
                 subject=("iot_alarm", alarm.id))
    return alarm
