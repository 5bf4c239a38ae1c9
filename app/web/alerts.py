"""Alerts raised by the alert rules (预警, services/alerts.py): the list (open / acknowledged, one rule's, current only)
and the acknowledgement with a note. The supervisors' page: the bureau, administrators, managers, quality
supervisors and project leads see every alert, a township office its area's, anyone else 403."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..models import ALERT_STATUSES
from ..services import alerts
from ..services.uow import UnitOfWork
from .forms_render import bilingual
from .guards import restrict
from .names import N_, label
from .query_args import page_count, page_number

bp = Blueprint("alerts", __name__)
PAGE_SIZE = 50

restrict(bp, "may_read_alerts", alerts.may_read, N_("预警供监管人员查看"))


@bp.app_template_filter()
def alert_status(code):
    return label(ALERT_STATUSES, code)


def _filters(args):
    status = args.get("status", "open")
    rule = args.get("rule", "")
    return (status if status in ALERT_STATUSES else "", int(rule) if rule.isdigit() and len(rule) < 10 else None,
            args.get("current") == "1")


@bp.route("/alerts")
@login_required
def index():
    return _page()


@bp.route("/alerts/<int:alert_id>/acknowledge", methods=["POST"])
@login_required
def acknowledge(alert_id):
    note = request.form.get("note", "")
    try:
        with UnitOfWork() as uow:
            alerts.acknowledge(uow, current_user, alert_id, note)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        return _page(errors={alert_id: bilingual(exc.fields.get("note") or exc.message)},
                     notes={alert_id: note}), exc.status
    flash(_("已确认预警"), "success")
    return redirect(request.form.get("back") if (request.form.get("back") or "").startswith("/alerts")
                    else url_for("alerts.index"))


def _page(errors=None, notes=None):
    status, rule_id, current = _filters(request.args)
    page = page_number(request.args)
    rows, total = alerts.visible(db.session, current_user, status, rule_id, current, PAGE_SIZE,
                                 (page - 1) * PAGE_SIZE)
    return render_template("alerts/index.html", rows=rows, total=total, page=page,
                           pages=page_count(total, PAGE_SIZE), status=status, rule_id=rule_id, current=current,
                           statuses=ALERT_STATUSES, errors=errors or {}, notes=notes or {})
