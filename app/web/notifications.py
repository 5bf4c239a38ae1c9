"""The user's in-app notifications: list, mark one or all read."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import db
from ..services import monthly_report, notifications, reports, weekly_report
from ..services.uow import UnitOfWork
from .auth import _safe_next

bp = Blueprint("notifications", __name__)


@bp.route("/notifications")
@login_required
def index():
    return render_template("notifications.html", items=notifications.for_user(db.session, current_user),
                           report_period=_report_period)


_PERIODIC = {monthly_report.KIND: monthly_report.period_of, weekly_report.KIND: weekly_report.period_of}


def _report_period(notice):
    """(first day, last day) of the statistics a report notice links to; None for other notices and for readers
    who may not open the statistics (project leads get the weekly briefing's text only)."""
    period_of = _PERIODIC.get(notice.kind)
    return period_of(notice.dedup_key) if period_of and reports.may_read(current_user) else None


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@login_required
def mark_one(notification_id):
    with UnitOfWork() as uow:
        notifications.mark_read(uow, current_user, notification_id)
        uow.commit()
    return redirect(_safe_next(request.form.get("next")) or url_for("notifications.index"))


@bp.route("/notifications/read-all", methods=["POST"])
@login_required
def mark_all():
    with UnitOfWork() as uow:
        count = notifications.mark_read(uow, current_user)
        uow.commit()
    flash(_("已将 %(n)s 条通知标为已读", n=count), "success")
    return redirect(url_for("notifications.index"))
