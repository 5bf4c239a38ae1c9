"""双随机一公开: a draw's results for staff (with the bureau's publish and withdraw), and the public pages of the
published results, which need no login (services/spot_check_results.py says what the public sees)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..models import CHECK_CONCLUSIONS
from ..services import rectification_checks, spot_check_results
from ..services.uow import UnitOfWork
from .downloads import csv_download, csv_moment
from .forms_render import Catalog, bilingual
from .names import label
from .query_args import page_count, page_number

bp = Blueprint("spot_checks", __name__)


# ---- staff ---------------------------------------------------------------------------------------------------
@bp.route("/supervision/checks/draws/<int:draw_id>")
@login_required
def draw(draw_id):
    return _draw_page(draw_id, {}, {})


@bp.route("/supervision/checks/draws/<int:draw_id>/publish", methods=["POST"])
@login_required
def publish(draw_id):
    try:
        with UnitOfWork() as uow:
            spot_check_results.publish(uow, current_user, draw_id)
            uow.commit()
    except DomainError as exc:
        return _draw_page(draw_id, {}, {}, bilingual(exc.message)), exc.status
    flash(_("抽查结果已向社会公开"), "success")
    return redirect(url_for("spot_checks.draw", draw_id=draw_id))


@bp.route("/supervision/checks/draws/<int:draw_id>/withdraw", methods=["POST"])
@login_required
def withdraw(draw_id):
    form = {"reason": request.form.get("reason", "").strip()}
    try:
        with UnitOfWork() as uow:
            spot_check_results.withdraw(uow, current_user, draw_id, form["reason"])
            uow.commit()
    except DomainError as exc:
        errors = {k: bilingual(v) for k, v in exc.fields.items()}
        return _draw_page(draw_id, form, errors, None if errors else bilingual(exc.message)), exc.status
    flash(_("已撤回公开的抽查结果"), "success")
    return redirect(url_for("spot_checks.draw", draw_id=draw_id))


def _draw_page(draw_id, form, errors, message=None):
    if not rectification_checks.may_read(current_user):
        abort(403, _("整改督导检查供督导组、项目负责人、应急管理局、管理人员、质量监督专员和系统管理员查看"))
    try:
        row = spot_check_results.draw_for_staff(db.session, draw_id)
    except DomainError:
        abort(404)
    return render_template("supervision/draw.html", draw=row, results=spot_check_results.results(db.session, row),
                           may_publish=spot_check_results.may_publish(current_user), catalog=Catalog.deployed(),
                           form=form, errors=errors, message=message, reason_max=spot_check_results.REASON_MAX)


@bp.app_template_filter("draw_progress")
def draw_progress(draw):
    """(checked, drawn) of a draw, for the list of draws."""
    results = spot_check_results.results(db.session, draw)
    return sum(1 for r in results if r.check is not None), len(results)


# ---- the public ----------------------------------------------------------------------------------------------
@bp.route("/public/spot-checks")
def public_index():
    page = page_number(request.args)
    rows, total = spot_check_results.published(db.session, page)
    return render_template("public/spot_checks.html", draws=rows, page=page,
                           pages=page_count(total, spot_check_results.PUBLIC_PAGE_SIZE))


@bp.route("/public/spot-checks/<int:draw_id>")
def public_show(draw_id):
    row = _published_or_404(draw_id)
    results = [r.public() for r in spot_check_results.results(db.session, row)]
    return render_template("public/spot_check.html", draw=row, results=results, catalog=Catalog.deployed())


@bp.route("/public/spot-checks/<int:draw_id>.csv")
def public_csv(draw_id):
    row = _published_or_404(draw_id)
    catalog = Catalog.deployed()
    header = [_("企业名称"), _("统一社会信用代码"), _("乡镇/园区"), _("隐患类型"), _("隐患等级"), _("检查时间"),
              _("整改进度（%）"), _("检查结论")]
    body = [[r["enterprise"], r["credit_code"], r["township"], catalog.show("hazard_type", r["hazard_type"]),
             catalog.show("grade", r["grade"]), csv_moment(r["checked_at"]), r["progress_percent"],
             label(CHECK_CONCLUSIONS, r["conclusion"])]
            for r in (x.public() for x in spot_check_results.results(db.session, row))]
    return csv_download([header] + body, f"spot-checks-{row.id}.csv")


def _published_or_404(draw_id):
    try:
        return spot_check_results.published_draw(db.session, draw_id)
    except DomainError:
        abort(404)
