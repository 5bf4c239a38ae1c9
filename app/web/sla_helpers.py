"""Template helpers for deadlines and the calendar, used app-wide (inbox, task, case and admin pages)."""
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..services import calendar_admin, sla_views


def missing_calendar_years():
    """Years deadlines reach into without an official holiday schedule (admins only; [] for others)."""
    if not (current_user.is_authenticated and current_user.has_role("admin")):
        return []
    return calendar_admin.missing_years(db.session)


def provisional_deadline(case, moment):
    return sla_views.is_provisional(case, moment)


def workdays_ahead(days):
    """ISO date `days` working days from today (for the inbox's "due soon" filter)."""
    return sla_views.workdays_from_today(days)[0].isoformat()


def seconds_text(value):
    """Lateness in seconds as "2.5 秒" / "3 分 20 秒" / "1 小时 5 分" / "2 天 3 小时"."""
    if value is None:
        return "—"
    value = float(value)
    if value < 60:
        return _("%(s)s 秒", s=f"{value:.1f}".rstrip("0").rstrip("."))
    minutes, secs = divmod(int(round(value)), 60)
    if minutes < 60:
        return _("%(m)s 分 %(s)s 秒", m=minutes, s=secs)
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return _("%(h)s 小时 %(m)s 分", h=hours, m=minutes)
    days, hours = divmod(hours, 24)
    return _("%(d)s 天 %(h)s 小时", d=days, h=hours)


def install(blueprint):
    for function in (missing_calendar_years, provisional_deadline, workdays_ahead):
        blueprint.add_app_template_global(function)
    blueprint.add_app_template_filter(seconds_text, "seconds")
