"""What the emergency incident log tells people: a 重大 or 较大 incident the bureau and the project leads at once (when
received, or when its level is raised to one of those later — once per incident and level), and an incident whose
arrival on site is late the project leads once (the scheduler's job every few minutes, scheduler/jobs.py)."""
from datetime import timedelta

from sqlalchemy import or_
from sqlalchemy.exc import IntegrityError

from ..clock import SHANGHAI, clock
from ..models import EMERGENCY_LEVELS, EmergencyEvent
from . import audit, notifications
from .emergency_limits import URGENT_LEVELS, stage_time

URGENT_ROLES = ("bureau", "project_lead")
LATE_ROLES = ("project_lead",)
RECEIVED_KIND, LATE_KIND = "emergency_received", "emergency_arrival_late"
KEY_PREFIX = "emergency:"
# Closed incidents are looked at this long after closing, so a late arrival recorded and closed between two runs is
# still told.
RECENTLY_CLOSED = timedelta(days=1)


def event_of_key(key):
    """The incident id a notice's dedup key names, None for other notices."""
    if not (key or "").startswith(KEY_PREFIX):
        return None
    number = key[len(KEY_PREFIX):].split(":", 1)[0]
    return int(number) if number.isdigit() else None


def tell_urgent(uow, row):
    """A 重大 / 较大 incident: the bureau and the project leads, once per incident and level."""
    if row.level not in URGENT_LEVELS:
        return 0
    key = f"{KEY_PREFIX}{row.id}:received:{row.level}"
    recipients = notifications.not_yet_given(uow, notifications.role_holders(uow, URGENT_ROLES), key)
    level = EMERGENCY_LEVELS[row.level][0]
    where = row.enterprise.name if row.enterprise else row.place
    title = f"突发状况接报（{level}）：{where}"[:200]
    body = (f"{row.code} · 接报时间 {row.received_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M} · 地点 {row.place} · "
            f"报告人 {row.reporter}\n{row.description}")[:2000]
    notifications.send(uow, recipients, RECEIVED_KIND, title, body, key)
    audit.record(uow, None, None, "emergency_notified", details={"emergency": row.code, "level": row.level,
                                                                 "recipients": len(recipients)},
                 subject=("emergency", row.id))
    return len(recipients)


def notify_late_arrivals(uow):
    """The project leads told once of each incident whose arrival on site is late (overdue now, or recorded after its
    limit). Returns how many incidents were told of."""
    now = clock.now()
    rows = uow.session.query(EmergencyEvent).filter(or_(EmergencyEvent.closed_at.is_(None),
                                                        EmergencyEvent.closed_at >= now - RECENTLY_CLOSED)) \
        .order_by(EmergencyEvent.id).all()
    people = notifications.role_holders(uow, LATE_ROLES)
    sent = 0
    for row in rows:
        arrival = stage_time(row, "arrived", now)
        if not arrival.is_late:
            continue
        key = f"{KEY_PREFIX}{row.id}:arrival_late"
        recipients = notifications.not_yet_given(uow, people, key)
        if not recipients:
            continue
        title, body = _late_notice(row, arrival)
        try:
            with uow.savepoint():
                notifications.send(uow, recipients, LATE_KIND, title, body, key)
                audit.record(uow, None, None, "emergency_arrival_late", details={"emergency": row.code,
                                                                                 "due": arrival.due},
                             subject=("emergency", row.id))
        except IntegrityError:  # another scheduler (PostgreSQL allows several) told them a moment ago
            continue
        sent += 1
    return sent


def _late_notice(row, arrival):
    level = EMERGENCY_LEVELS[row.level][0]
    minutes = int(arrival.limit.total_seconds() // 60)
    due = arrival.due.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    state = (f"实际到场 {arrival.at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}" if arrival.at is not None
             else "至今未记录到场")
    return (f"突发状况到场超时：{row.code}（{level}）"[:200],
            f"{level}事件应在接报后 {minutes} 分钟内到达现场（{due} 前），{state}。地点：{row.place}")
