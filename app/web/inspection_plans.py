"""Planned inspections (排查计划, services/inspection_plans.py): the list, planning one (its notice goes to the
enterprise) and cancelling one. Recording the visit from a plan is the visit form's (`/inspections/new?plan=`)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..models import VISIT_KINDS
from ..services import campaigns, inspection_plans, inspections
from ..services.uow import UnitOfWork
from .cases import enterprise_choices
from .forms_render import bilingual
from .query_args import int_or_none, page_count, page_number

bp = Blueprint("inspection_plans", __name__, url_prefix="/inspections/plans")
PAGE_SIZE = 50
FIELDS = ("enterprise_id", "planned_on", "areas", "team", "kind", "campaign_id")


@bp.route("")
@login_required
def index():
    state = request.args.get("state") if request.args.get("state") in inspection_plans.STATES else "upcoming"
    kind = request.args.get("kind") if request.args.get("kind") in VISIT_KINDS else ""
    campaign_id = int_or_none(request.args.get("campaign_id"))
    page = page_number(request.args)
    rows, total = inspection_plans.listing(db.session, current_user, inspection_plans.PlanFilter(
        state=state, kind=kind, campaign_id=campaign_id, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE))
    return render_template("inspections/plans.html", rows=rows, total=total, state=state, page=page,
                           pages=page_count(total, PAGE_SIZE), kind=kind, campaign_id=campaign_id, kinds=VISIT_KINDS,
                           unannounced=inspection_plans.UNANNOUNCED_KINDS)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    if not inspections.may_record(current_user):
        abort(403, _("只有排查人员和项目负责人可以制定排查计划"))
    if request.method == "GET":
        form = {"planned_on": inspection_plans.earliest_day().isoformat(), "team": current_user.display_name,
                "enterprise_id": request.args.get("enterprise_id", ""), "kind": request.args.get("kind", "routine"),
                "campaign_id": request.args.get("campaign_id", "")}
        return _form_page(form, {})
    form = {name: request.form.get(name, "").strip() for name in FIELDS}
    try:
        with UnitOfWork() as uow:
            row = inspection_plans.plan(uow, current_user, int_or_none(form["enterprise_id"]), form["planned_on"],
                                        form["areas"], form["team"], form["kind"], form["campaign_id"])
            name, day, announced = row.enterprise.name, row.planned_on.isoformat(), inspection_plans.is_announced(row)
            uow.commit()
    except DomainError as exc:
        if exc.status == 403:
            abort(403, bilingual(exc.message))
        return _form_page(form, {k: bilingual(v) for k, v in exc.fields.items()}), 400
    flash(_("已通知 %(name)s：%(day)s 开展排查", name=name, day=day) if announced else
          _("已制定对 %(name)s 的突击检查计划（%(day)s），不通知企业", name=name, day=day), "success")
    return redirect(url_for("inspection_plans.index"))


@bp.route("/<int:plan_id>/cancel", methods=["POST"])
@login_required
def cancel(plan_id):
    try:
        with UnitOfWork() as uow:
            announced = inspection_plans.is_announced(
                inspection_plans.cancel(uow, current_user, plan_id, request.form.get("reason", "")))
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        flash(bilingual(next(iter(exc.fields.values()), exc.message) if exc.fields else exc.message), "error")
        return redirect(url_for("inspection_plans.index"))
    flash(_("已取消排查计划并通知企业") if announced else _("已取消排查计划"), "success")
    return redirect(url_for("inspection_plans.index"))


def _form_page(form, errors):
    return render_template("inspections/plan_new.html", form=form, errors=errors,
                           enterprises=enterprise_choices(current_user),
                           earliest=inspection_plans.earliest_day().isoformat(), kinds=VISIT_KINDS,
                           campaigns=campaigns.open_campaigns(db.session))
