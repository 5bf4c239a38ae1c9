"""When the periodic reports are due (报送期限) and the list of those owed, with the daily reminder of the missing ones.

- A weekly report (周报) covers a week, Monday to Sunday, and is due by 12:00 on the Monday after it (seed 000 line
  596, 每周报送); when that Monday is not a working day (a holiday), by 12:00 on the first working day after it.
- A monthly report (月度综合评估简报) covers a calendar month and is due by the end of the month after's fifth
  working day (the working-day calendar, services/calendar.py: holidays and 调休 Saturdays count as they should).
- Phase and annual reports are written when the project calls for them and have no due date here.

Which reports are owed: the weeks and months that overlap a service project's period (服务项目: the contract the
bureau bought; no project, no reports owed) and have ended. A report counts as submitted from its first issued
version — a version the bureau returned was still submitted on time; the revision is the bureau's business with it.

The scheduler's daily job tells the project leads once per report that is past due and not issued
(`remind_overdue`)."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy.exc import IntegrityError

from ..clock import SHANGHAI, clock, start_of_local_day
from ..models import PeriodicReport, ServiceProject
from . import notifications
from .calendar import WorkingCalendar

DUE_KINDS = ("weekly", "monthly")
WEEKLY_DUE_TIME = time(12, 0)
MONTHLY_WORKING_DAYS = 5
REMINDED_ROLES = ("project_lead",)
REMINDER_KIND = "periodic_report_overdue"
STATES = {
    "not_due": ("未到期", "Not due yet"),
    "overdue": ("逾期未报送", "Overdue"),
    "on_time": ("按时报送", "Submitted on time"),
    "late": ("逾期报送", "Submitted late"),
}


def week_of(day):
    """(Monday, Sunday) of the week `day` is in."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def month_of(day):
    first = day.replace(day=1)
    return first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def due_at(kind, start, end):
    """The moment a report of `kind` over `start`..`end` must be issued by (aware), or None for kinds without one."""
    calendar = WorkingCalendar.load()
    if kind == "weekly":
        # The first working day after the Sunday, at noon (a Monday, unless it is a holiday).
        return calendar.add_workdays(datetime.combine(end, WEEKLY_DUE_TIME, SHANGHAI), 1).moment
    if kind == "monthly":
        fifth = calendar.add_workdays(start_of_local_day(end), MONTHLY_WORKING_DAYS).moment
        return start_of_local_day(fifth.date() + timedelta(days=1))  # by the end of that day
    return None


def due_label(kind, moment):
    """The due moment as people say it: "2026-11-30 12:00" for a weekly report, the day for a monthly one."""
    if moment is None:
        return ""
    local = moment.astimezone(SHANGHAI)
    if kind == "monthly":
        return (local.date() - timedelta(days=1)).isoformat()
    return local.strftime("%Y-%m-%d %H:%M")


@dataclass
class Owed:
    kind: str
    start: date
    end: date
    due_at: datetime
    report: PeriodicReport = None  # the report of this kind and period, if one was started

    @property
    def due_label(self):
        return due_label(self.kind, self.due_at)

    @property
    def submitted_at(self):
        return self.report.first_issued_at if self.report is not None else None

    def state(self, now=None):
        now = now or clock.now()
        if self.submitted_at is not None:
            return "on_time" if self.submitted_at < self.due_at else "late"
        return "overdue" if now >= self.due_at else "not_due"


def periods(session, kind, today=None):
    """[(start, end)] of the `kind` periods owed up to `today` (ended before it), newest first."""
    today = today or clock.local_now().date()
    spans = session.query(ServiceProject.start_on, ServiceProject.end_on).filter(ServiceProject.start_on < today).all()
    step = week_of if kind == "weekly" else month_of
    found = set()
    for first, last in spans:
        start, end = step(first)
        while start <= last and end < today:
            found.add((start, end))
            start, end = step(end + timedelta(days=1))
    return sorted(found, reverse=True)


def owed(session, kinds=DUE_KINDS, today=None):
    """Every owed report of `kinds`, newest period first, each with its report when one exists."""
    rows = []
    for kind in kinds:
        spans = periods(session, kind, today)
        if not spans:
            continue
        reports = {(r.period_start, r.period_end): r for r in session.query(PeriodicReport).filter(
            PeriodicReport.kind == kind, PeriodicReport.period_start >= spans[-1][0])}
        rows += [Owed(kind, start, end, due_at(kind, start, end), reports.get((start, end))) for start, end in spans]
    return sorted(rows, key=lambda o: (o.due_at, o.kind), reverse=True)


def reminder_key(kind, start):
    return f"periodic_report_overdue:{kind}:{start.isoformat()}"


def remind_overdue(uow):
    """Tell the project leads of each owed report past its due moment and not issued, once per report (however often
    the job runs; several schedulers on PostgreSQL send it once). Returns how many reports were reminded of."""
    now = clock.now()
    missing = [o for o in owed(uow.session) if o.state(now) == "overdue"]
    if not missing:
        return 0
    people = notifications.role_holders(uow, REMINDED_ROLES)
    sent = 0
    for item in missing:
        key = reminder_key(item.kind, item.start)
        recipients = notifications.not_yet_given(uow, people, key)
        if not recipients:
            continue
        title, body = reminder_text(item)
        try:
            with uow.savepoint():
                notifications.send(uow, recipients, REMINDER_KIND, title, body, key)
        except IntegrityError:  # another scheduler sent it a moment ago
            continue
        sent += 1
    return sent


def reminder_text(item):
    what = "周报" if item.kind == "weekly" else "月度综合评估简报"
    span = f"{item.start.isoformat()}～{item.end.isoformat()}"
    return (f"{what}逾期未报送（{span}）",
            f"{span} 的{what}应于 {item.due_label} 前报送应急管理局，至今未出具，请尽快起草并报送。")
