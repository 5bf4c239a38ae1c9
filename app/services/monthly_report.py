"""The monthly report (月报) delivered to the management: once a month has ended, every manager and the bureau
get an in-app notice with its figures and a link to the full statistics (page, CSV, PDF), and the notice is
queued for email / SMS / WeChat like any other. Run by the scheduler every hour: a month is delivered once
(one notice per recipient and month), however often it runs or however late it starts again."""
from datetime import date, timedelta

from ..clock import clock
from . import audit, notifications, reports

RECIPIENT_ROLES = ("manager", "bureau")
KIND = "monthly_report"


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
    recipients = notifications.role_holders_without(uow, RECIPIENT_ROLES, key)
    if not recipients:
        return 0
    report = reports.compute(uow.session, start, end)
    t = report.total
    title = f"{start:%Y年%m月}隐患排查治理月报"
    rate = "—" if t.rate is None else f"{t.rate}%"
    body = (f"本月登记隐患 {t.registered} 件，已销号 {t.closed} 件，未销号 {t.open} 件（其中逾期 {t.overdue} 件），"
            f"整改率 {rate}。详见统计报表 {start.isoformat()} 至 {end.isoformat()}。")
    notifications.send(uow, recipients, KIND, title, body, key)
    audit.record(uow, None, None, "monthly_report_sent", details={
        "month": f"{start:%Y-%m}", "recipients": len(recipients), "registered": t.registered, "closed": t.closed})
    return len(recipients)
