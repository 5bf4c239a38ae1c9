"""The monthly report (月报) delivered to the management: once a month has ended, every manager and the bureau
get an in-app notice with the county's figures and a link to the full statistics (page, CSV, PDF), and every
township / park safety office the figures of the townships it covers (属地统计; its link opens the statistics of
its area); the notice is queued for email / SMS / WeChat like any other. Run by the scheduler every hour: a month
is delivered once (one notice per recipient and month), however often it runs or however late it starts again."""
from datetime import date, timedelta

from ..clock import clock
from . import audit, notifications, rankings, recurrence, report_area, reports, weekly_report

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
    sent = _deliver_area(uow, start, end, key, report_area.COUNTY,
                         notifications.role_holders_without(uow, RECIPIENT_ROLES, key))
    for townships, recipients in notifications.township_offices_without(uow, key).items():
        sent += _deliver_area(uow, start, end, key, report_area.of_townships(townships), recipients)
    return sent


def _deliver_area(uow, start, end, key, area, recipients):
    """The report of `area` to its recipients: one notice each, one audit row."""
    if not recipients:
        return 0
    report = reports.compute(uow.session, start, end, area)
    t = report.total
    title = f"{start:%Y年%m月}{area.name('')}隐患排查治理月报"
    rate = "—" if t.rate is None else f"{t.rate}%"
    body = (f"本月登记隐患 {t.registered} 件，已销号 {t.closed} 件，未销号 {t.open} 件（其中逾期 {t.overdue} 件），"
            f"整改率 {rate}。{_highlights(uow, start, end, area)}详见统计报表 {start.isoformat()} 至 {end.isoformat()}。")
    notifications.send(uow, recipients, KIND, title, body, key)
    details = {"month": f"{start:%Y-%m}", "recipients": len(recipients), "registered": t.registered,
               "closed": t.closed}
    if not area.is_county:
        details["townships"] = list(area.townships)
    audit.record(uow, None, None, "monthly_report_sent", details=details)
    return len(recipients)


def _highlights(uow, start, end, area):
    """The month's first and last township on the rectification-rate ranking (when two or more are ranked) and the
    hazard type that recurred most (services/rankings.py, services/recurrence.py), as a sentence or nothing."""
    ranked = rankings.compute(uow.session, start, ("township",), area)["township"].ranked
    text = ""
    if len(ranked) > 1:
        first, last = ranked[0], ranked[-1]
        text += f"整改率排行首位 {first.name or '未填写'}（{first.rate}%），末位 {last.name or '未填写'}（{last.rate}%）。"
    kinds = recurrence.compute(uow.session, start, end, area).by_type
    if kinds:
        name = weekly_report.hazard_type_names(uow).get(kinds[0].hazard_type, kinds[0].hazard_type)
        text += f"重复出现最多的隐患类型：{name}（{kinds[0].recurrences} 次）。"
    return text
