"""任务提醒 (seed 000 line 774): at the start of a working day each inspector is told their plans of that day in route
order, with the link to the route and day sheet — once per inspector and day (the notice's dedup key is the day, and
the notification table's unique key makes a second scheduler or run a no-op).

The scheduler checks hourly (scheduler/jobs.py `remind_dispatch_day`); it sends from REMIND_FROM (Shanghai) on, so a
scheduler started later in the morning still reminds that day. Days off by the working-day calendar (weekends,
holidays; 调休 Saturdays are working days) send nothing — a plan on such a day is an exception the inspector knows
of. Inspectors without a plan that day get nothing."""
from datetime import time

from ..clock import clock
from ..models import InspectionPlan
from . import audit, notifications
from .calendar import WorkingCalendar
from .dispatch_routes import build_route
from .dispatch_scoring import team_names
from .users import holders_of_role

REMIND_FROM = time(7, 0)
KIND = "dispatch_day_reminder"


def key_for(day):
    return f"dispatch:day:{day.isoformat()}"


def route_path(user_id, day):
    """The route page's path, as the notice and the notifications page link it."""
    return f"/dispatch/inspectors/{user_id}/route?day={day.isoformat()}"


def remind_today(uow):
    """Tell each inspector with plans today, once; returns how many were told."""
    local = clock.local_now()
    today = local.date()
    if local.time() < REMIND_FROM or not WorkingCalendar.load().is_workday(today)[0]:
        return 0
    plans = uow.session.query(InspectionPlan).filter(InspectionPlan.planned_on == today,
                                                     InspectionPlan.cancelled_at.is_(None),
                                                     InspectionPlan.visit_id.is_(None)).all()
    named = set().union(*(team_names(p.team) for p in plans)) if plans else set()
    inspectors = [u for u in holders_of_role(uow.session, "inspector") if u.display_name in named]
    key = key_for(today)
    told = []
    for inspector in notifications.not_yet_given(uow, inspectors, key):
        route = build_route(uow.session, inspector, today)
        stops = [s for s in route.stops if s.plan.visit_id is None]
        if not stops:
            continue
        lines = "；".join(f"{n}. {s.plan.enterprise.name}" for n, s in enumerate(stops, 1))
        notifications.send(uow, [inspector], KIND, f"今日排查任务：{len(stops)} 家企业（{today.isoformat()}）",
                           f"{lines}。约 {route.total_km} 公里。行程：{route_path(inspector.id, today)}", key)
        told.append(inspector.id)
    if told:
        audit.record(uow, None, None, "dispatch_day_reminded",
                     details={"day": today.isoformat(), "user_ids": told})
    return len(told)
