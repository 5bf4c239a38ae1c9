"""The monthly report (月报) delivered to the management: once a month has ended, every manager and the bureau
get an in-app notice with its figures and a link to the full statistics (page, CSV, PDF), and the notice is
queued for email / SMS / WeChat like any other. Run by the scheduler every hour: a month is delivered once
(one notice per recipient and month), however often it runs or however late it starts again."""
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import insert, select

from ..clock import clock
from ..models import Notification
from . import audit, outbox, reports
from .users import holders_of_role

RECIPIENT_ROLES = ("manager", "bureau")
KIND = "monthly_report"
_INSERT = insert(Notification.__table__).returning(Notification.__table__.c.id, sort_by_parameter_order=True)


def dedup_key(month_start):
    return f"report:{month_start:%Y-%m}"


def period_of(key):
    """(first day, last day) of the month a notice's dedup key names, or None for other notices."""
    if not key.startswith("report:"):
        return None
    start = date.fromisoformat(key.removeprefix("report:") + "-01")
    return start, (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def deliver(uow):
    """Deliver last month's report to whoever has not had it; returns how many notices were created."""
    start, end = reports.previous_month(clock.local_now().date())
    key = dedup_key(start)
    users = {u.id: u for role in RECIPIENT_ROLES for u in holders_of_role(uow.session, role)}
    done = set(uow.session.execute(select(Notification.user_id).where(Notification.dedup_key == key)).scalars())
    recipients = [u for uid, u in sorted(users.items()) if uid not in done]
    if not recipients:
        return 0
    report = reports.compute(uow.session, start, end)
    t = report.total
    title = f"{start:%Y年%m月}隐患排查治理月报"
    rate = "—" if t.rate is None else f"{t.rate}%"
    body = (f"本月登记隐患 {t.registered} 件，已销号 {t.closed} 件，未销号 {t.open} 件（其中逾期 {t.overdue} 件），"
            f"整改率 {rate}。详见统计报表 {start.isoformat()} 至 {end.isoformat()}。")
    now = clock.now()
    rows = [{"case_id": None, "user_id": u.id, "kind": KIND, "title": title, "body": body, "dedup_key": key,
             "created_at": now, "read_at": None} for u in recipients]
    ids = uow.session.connection().execute(_INSERT, rows).scalars().all()
    outbox.enqueue(uow, [(i, title, body, u) for i, u in zip(ids, recipients)], current_app.config["NOTIFY_CHANNELS"])
    audit.record(uow, None, None, "monthly_report_sent", details={
        "month": f"{start:%Y-%m}", "recipients": len(recipients), "registered": t.registered, "closed": t.closed})
    return len(recipients)
