"""The annual training plan with its progress (services/training_plans.py) and the training targets
(services/training_targets.py): planned vs held, the served enterprises below the quarter's on-site target, the
staff below the year's hours, the certification rate (人员持证率) with the staff without a valid certificate, each as a
page and CSV. Staff side only (enterprise staff and other roles: 403)."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import SHANGHAI
from ..errors import DomainError
from ..extensions import db
from ..models import TRAINING_KINDS
from ..services import staff_certificates, training_plans, training_targets, trainings
from ..services.uow import UnitOfWork
from .downloads import csv_download
from .forms_render import bilingual
from .trainings import training_kind

bp = Blueprint("training_plans", __name__)


@bp.app_template_global()
def may_read_training_plan():
    return current_user.is_authenticated and trainings.reads_all(current_user)


@bp.route("/training/plan")
@login_required
def plan():
    year = training_plans.year_or_current(request.args.get("year"))
    return _plan_page(year, {"year": str(year), "kind": "internal", "hours": "2"}, {})


def _plan_page(year, form, errors, message=None):
    progress = training_plans.progress(db.session, current_user, year)
    return render_template("training/plan.html", progress=progress, year=year, form=form, errors=errors,
                           message=message, kinds=TRAINING_KINDS, may_write=trainings.may_write(current_user))


@bp.route("/training/plan/items", methods=["POST"])
@login_required
def add_item():
    form = {name: request.form.get(name, "").strip() for name in ("year", "month", "kind", "topic", "hours")}
    year = training_plans.year_or_current(form["year"])
    try:
        with UnitOfWork() as uow:
            training_plans.add(uow, current_user, form)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        fields = {k: bilingual(v) for k, v in exc.fields.items()}
        return _plan_page(year, form, fields, None if fields else bilingual(exc.message)), exc.status
    flash(_("已加入年度培训计划"), "success")
    return redirect(url_for("training_plans.plan", year=year))


@bp.route("/training/plan/items/<int:item_id>/remove", methods=["POST"])
@login_required
def remove_item(item_id):
    try:
        with UnitOfWork() as uow:
            year = training_plans.remove(uow, current_user, item_id)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        year = training_plans.year_or_current(request.form.get("year"))
        return _plan_page(year, {"year": str(year), "kind": "internal", "hours": "2"}, {},
                          bilingual(exc.message)), exc.status
    flash(_("已从年度培训计划删除"), "success")
    return redirect(url_for("training_plans.plan", year=year))


@bp.route("/training/plan.csv")
@login_required
def plan_csv():
    year = training_plans.year_or_current(request.args.get("year"))
    progress = training_plans.progress(db.session, current_user, year)
    lines = [[_("月份"), _("类别"), _("主题"), _("计划学时"), _("已举办"), _("培训时间"), _("逾期未办")]]
    for r in progress.rows:
        lines.append([f"{year}-{r.item.month:02d}", training_kind(r.item.kind), r.item.topic, r.item.hours,
                      len(r.held), "、".join(f"{s.held_at.astimezone(SHANGHAI):%Y-%m-%d}"
                                            for s in r.held), _("是") if r.overdue else ""])
    return csv_download(lines, f"training-plan-{year}.csv")


def _targets_args():
    quarter = training_targets.Quarter.parse(request.args.get("quarter")) or training_targets.current_quarter()
    year = training_plans.year_or_current(request.args.get("year") or quarter.year)
    return quarter, year


@bp.route("/training/targets")
@login_required
def targets():
    quarter, year = _targets_args()
    config = current_app.config
    target = training_targets.quarter_target(db.session, current_user, quarter, config["TRAINING_ONSITE_PER_QUARTER"])
    hours = training_targets.staff_hours(db.session, current_user, year, config["TRAINING_STAFF_HOURS_PER_YEAR"])
    current = training_targets.current_quarter()
    quarters = [training_targets.Quarter(y, n) for y in (current.year - 1, current.year) for n in (1, 2, 3, 4)]
    return render_template("training/targets.html", target=target, hours=hours, year=year, quarters=quarters,
                           per_quarter=config["TRAINING_ONSITE_PER_QUARTER"],
                           minimum=config["TRAINING_STAFF_HOURS_PER_YEAR"],
                           below_hours=[r for r in hours if r.missing],
                           certification=training_targets.certification(db.session, current_user),
                           certificate_state=staff_certificates.state)


@bp.route("/training/targets.csv")
@login_required
def targets_csv():
    quarter, year = _targets_args()
    config = current_app.config
    target = training_targets.quarter_target(db.session, current_user, quarter, config["TRAINING_ONSITE_PER_QUARTER"])
    hours = training_targets.staff_hours(db.session, current_user, year, config["TRAINING_STAFF_HOURS_PER_YEAR"])
    lines = [[_("对象"), _("名称"), _("期间"), _("完成"), _("目标"), _("差额")]]
    for r in target.rows:
        lines.append([_("企业现场培训（次）"), r.enterprise.name, quarter.code, r.held, r.target, r.missing])
    for r in hours:
        lines.append([_("人员培训学时"), r.user.display_name, str(year), r.hours, r.target, r.missing])
    certification = training_targets.certification(db.session, current_user)
    for r in certification.rows:  # 持证: 1 when holding a valid certificate on the day
        lines.append([_("人员持证"), r.user.display_name, certification.day.isoformat(), int(r.holds), 1,
                      0 if r.holds else 1])
    return csv_download(lines, f"training-targets-{quarter.code}.csv")
