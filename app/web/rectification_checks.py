"""Supervision checks of rectifications (整改过程督导检查, services/rectification_checks.py): the list of checks due,
the form that records one from a case, the case page's card, and a check's record to print (督导检查记录)."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import clock
from ..errors import DomainError
from ..extensions import db
from ..models import CHECK_CONCLUSIONS
from ..services import hazards, rectification_checks, site_check_draws
from ..services.field_rules import whole_number
from ..services.uow import UnitOfWork
from . import measurement_form, rectification_check_pdf
from .forms_render import bilingual
from .names import label

bp = Blueprint("rectification_checks", __name__)
FIELDS = ("checked_on", "checkers", "progress_percent", "findings", "conclusion")


@bp.app_template_global()
def may_read_rectification_checks():
    return current_user.is_authenticated and rectification_checks.may_read(current_user)


@bp.app_template_global()
def rectification_checks_card(case):
    """(the case's checks, when the next is due, whether the user records checks) for the case page."""
    if not rectification_checks.may_see_checks(current_user):
        return [], None, False
    return (rectification_checks.checks_of(db.session, case.id), rectification_checks.next_due(db.session, case),
            rectification_checks.may_check(current_user) and case.status == "rectifying")


@bp.app_template_filter("check_conclusion")
def check_conclusion(code):
    return label(CHECK_CONCLUSIONS, code)


@bp.route("/supervision/checks")
@login_required
def index():
    return _index_page({}, {})


@bp.route("/supervision/checks/draw", methods=["POST"])
@login_required
def draw():
    """双随机抽查: draw cases under rectification and give each to a random member of the supervision group."""
    if not site_check_draws.may_draw(current_user):
        abort(403, _("只有项目负责人和应急管理局可以随机抽取督导检查"))
    form = {"count": request.form.get("count", "").strip()}
    count = whole_number(form["count"]) if len(form["count"]) < 4 else None
    if count is None:
        count = form["count"] or None  # the service names what is wrong with it
    try:
        with UnitOfWork() as uow:
            row = site_check_draws.draw(uow, current_user, count)
            uow.commit()
    except DomainError as exc:
        errors = {k: bilingual(v) for k, v in exc.fields.items()} or {"count": bilingual(exc.message)}
        return _index_page(form, errors), exc.status
    flash(_("已随机抽取 %(n)s 件并指派督导人员", n=len(row.picks)), "success")
    return redirect(url_for("rectification_checks.index"))


def _index_page(form, errors):
    if not rectification_checks.may_read(current_user):
        abort(403, _("整改督导检查供督导组、项目负责人、应急管理局、管理人员、质量监督专员和系统管理员查看"))
    return render_template("supervision/checks.html", due=rectification_checks.due_checks(db.session, within_days=3),
                           intervals=rectification_checks.INTERVAL_DAYS, draws=site_check_draws.recent(db.session),
                           may_check=rectification_checks.may_check(current_user),
                           may_draw=site_check_draws.may_draw(current_user), form=form, errors=errors,
                           max_draw=site_check_draws.MAX_DRAW)


@bp.route("/cases/<int:case_id>/checks/new", methods=["GET", "POST"])
@login_required
def new(case_id):
    case = hazards.get_case(UnitOfWork(), current_user, case_id)  # 404 for another enterprise's case
    if not rectification_checks.may_check(current_user):
        abort(403, _("只有督导组和项目负责人可以登记督导检查"))
    form = {name: request.form.get(name, "").strip() for name in FIELDS}
    form["measurements"], form["files"] = measurement_form.typed_rows(), request.form.getlist("files")
    if request.method == "GET":
        form["checked_on"] = clock.local_now().strftime("%Y-%m-%dT%H:%M")
        form["checkers"] = current_user.display_name
        return _page(case, form, {})
    progress = whole_number(form["progress_percent"])
    if progress is None:
        progress = form["progress_percent"] or None  # the service names what is wrong with it
    try:
        form["files"] = measurement_form.kept_files()
        with UnitOfWork() as uow:
            rectification_checks.record(uow, current_user, case_id, form["checked_on"], form["checkers"], progress,
                                        form["findings"], form["conclusion"], form["measurements"], form["files"])
            uow.commit()
    except DomainError as exc:
        if not exc.fields:
            return _page(case, form, {}, bilingual(exc.message)), exc.status
        return _page(case, form, {k: bilingual(v) for k, v in exc.fields.items()}), 400
    flash(_("已登记督导检查"), "success")
    return redirect(url_for("cases.show", case_id=case_id))


def _page(case, form, errors, message=None):
    return render_template("supervision/check_new.html", case=case, form=form, errors=errors, message=message,
                           conclusions=CHECK_CONCLUSIONS)


@bp.route("/cases/<int:case_id>/checks/<int:check_id>.pdf")
@login_required
def record_pdf(case_id, check_id):
    """The check's record to print and sign on site, for whoever sees the case's checks on its page."""
    row = rectification_checks.get_visible(db.session, current_user, case_id, check_id)  # 404: another's case
    body = rectification_check_pdf.render(row, rectification_checks.credit_record(db.session, row))
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="check-{row.case.code}-{row.id}.pdf"'})
