"""Demo data of the dispatch (智能调度, `make run`, services/demo_features.py): a second inspector (王排查, no
certificate recorded), and for the next working day two plans of the demo inspector 张排查 — the chemical plant,
planned by him, and 城关木业, planned by the project lead and dispatched to him through the suggestions — so his route
and day sheet read as a day; and a plan at 南湖纺织 the same day still to dispatch (the lead's own name on it), where
张排查 is full and the suggestions offer 王排查. The plans were made far enough back for the five working days'
notice (the clock is set back while they are made, as the other demos do)."""
from datetime import datetime, time, timedelta

from ..clock import SHANGHAI, clock
from ..models import Enterprise
from . import inspection_plans, user_admin
from .calendar import WorkingCalendar

SECOND_INSPECTOR = ("inspector2", "王排查")
PLANS = [  # enterprise, areas, planned by ("inspector" / "project_lead"), dispatched to the inspector afterwards
    ("华东精细化工有限公司", "甲类仓库、罐区和动火作业审批台账", "inspector", False),
    ("城关木业有限公司", "木粉尘除尘系统、喷漆房和消防通道", "project_lead", True),
    ("南湖纺织有限公司", "配电室、成品仓库和员工宿舍消防设施", "project_lead", False),
]


def next_working_day(today):
    calendar = WorkingCalendar.load()
    day = today + timedelta(days=1)
    while not calendar.is_workday(day)[0]:
        day += timedelta(days=1)
    return day


def seed(uow, users, password):
    """`users`: the demo users by username."""
    username, name = SECOND_INSPECTOR
    users[username] = user_admin.create_user(uow, users["admin"], username, name, ["inspector"], password)
    now = clock.now()
    day = next_working_day(now.astimezone(SHANGHAI).date())
    made = datetime.combine(day - timedelta(days=7), time(9, 0), SHANGHAI)
    while inspection_plans.earliest_day(made) > day:  # five working days' notice, holidays included
        made -= timedelta(days=1)
    rows = []
    clock.set(made)
    try:
        for enterprise_name, areas, planner, dispatched in PLANS:
            enterprise = uow.session.query(Enterprise).filter_by(name=enterprise_name).first()
            if enterprise is None:
                continue
            author = users[planner]
            row = inspection_plans.plan(uow, author, enterprise.id, day.isoformat(), areas, author.display_name)
            rows.append((row, dispatched))
        clock.set(made + timedelta(hours=2))
        for row, dispatched in rows:
            if dispatched:
                inspection_plans.set_team(uow, users["project_lead"], row.id, [users["inspector"].id])
    finally:
        clock.set(now)
    return [row for row, _ in rows]
