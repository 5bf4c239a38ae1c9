"""Planned inspections (排查计划, services/inspection_plans.py): the list, planning one (its notice goes to the
enterprise), one plan's page and cancelling one; a joint plan's units (services/joint_plans.py), sending it to them
and their signatures (services/joint_plan_signoff.py). Recording the visit from a plan is the visit form's
(`/inspections/new?plan=`)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..models import VISIT_KINDS
from ..services import campaigns, departments, equipment, inspection_plans, inspections, joint_plan_signoff, joint_plans
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
                           unannounced=inspection_plans.UNANNOUNCED_KINDS,
                           is_enterprise_staff="enterprise" in current_user.roles)


@bp.app_template_global()
def joint_plan_of_notice(notification):
    """The joint plan a notification is about (its id), for the notifications page's link."""
    if not notification.kind.startswith("joint_plan_"):
        return None
    parts = (notification.dedup_key or "").split(":")
    return int(parts[1]) if len(parts) > 2 and parts[0] == "plan" and parts[1].isdigit() else None


@bp.app_template_global()
def joint_units_of_visit(visit):
    """[(unit name, participants)] of the joint plan the visit was recorded from, for the visit's page."""
    return [(_unit_label(unit), line) for unit, line in joint_plans.units_of_visit(db.session, visit.id)]


def _unit_label(unit):
    if unit.kind == "department":
        return unit.department.name
    return _("应急管理局") if unit.kind == "bureau" else _("第三方技术团队")


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
    units = _units_of_form(form)
    form["instrument_ids"] = request.form.getlist("instrument_ids")
    try:
        with UnitOfWork() as uow:
            row = inspection_plans.plan(uow, current_user, int_or_none(form["enterprise_id"]), form["planned_on"],
                                        form["areas"], form["team"], form["kind"], form["campaign_id"], units,
                                        form["instrument_ids"])
            name, day, announced = row.enterprise.name, row.planned_on.isoformat(), inspection_plans.is_announced(row)
            uow.commit()
    except DomainError as exc:
        if exc.status == 403:
            abort(403, bilingual(exc.message))
        return _form_page(form, {k: bilingual(v) for k, v in exc.fields.items()}), 400
    flash(_("已通知 %(name)s：%(day)s 开展排查", name=name, day=day) if announced else
          _("已制定对 %(name)s 的突击检查计划（%(day)s），不通知企业", name=name, day=day), "success")
    return redirect(url_for("inspection_plans.index"))


@bp.route("/<int:plan_id>")
@login_required
def show(plan_id):
    """One plan: what the enterprise was told; for a joint plan (not to the enterprise's staff) its units with their
    division of work and signatures, the instruments, sending and signing."""
    return _show_page(inspection_plans.get_visible(db.session, current_user, plan_id))


def _show_page(row, message=None):
    shows_units = row.kind == "joint" and "enterprise" not in current_user.roles
    return render_template("inspections/plan_show.html", plan=row, shows_units=shows_units, message=message,
                           unit_name=joint_plans.unit_name, send_days=joint_plans.SEND_DAYS,
                           participants=lambda unit: joint_plans.participants(db.session, unit),
                           signs_for=joint_plans.signs_for, may_send=inspections.may_record(current_user),
                           open=row.visit_id is None and row.cancelled_at is None,
                           unannounced=inspection_plans.UNANNOUNCED_KINDS)


@bp.route("/<int:plan_id>/send", methods=["POST"])
@login_required
def send(plan_id):
    try:
        with UnitOfWork() as uow:
            joint_plan_signoff.send(uow, current_user, plan_id)
            uow.commit()
    except DomainError as exc:
        return back_with(exc, plan_id)
    flash(_("已将联合检查计划发送至各参加单位"), "success")
    return redirect(url_for("inspection_plans.show", plan_id=plan_id))


@bp.route("/<int:plan_id>/sign", methods=["POST"])
@login_required
def sign(plan_id):
    try:
        with UnitOfWork() as uow:
            joint_plan_signoff.sign(uow, current_user, plan_id, request.form.get("remark", ""),
                                    request.form.get("unit_id"))
            uow.commit()
    except DomainError as exc:
        return back_with(exc, plan_id)
    flash(_("已签收联合检查计划"), "success")
    return redirect(url_for("inspection_plans.show", plan_id=plan_id))


def back_with(exc, plan_id):
    """A refused send or signature (already sent or signed, too late, a remark too long): the plan's page with the
    reason, answered with the error's status; not allowed or not visible go to the error handler."""
    if exc.status in (403, 404):
        raise exc
    row = inspection_plans.get_visible(db.session, current_user, plan_id)
    return _show_page(row, bilingual(next(iter(exc.fields.values())) if exc.fields else exc.message)), exc.status


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


def _unit_choices():
    """The units a joint plan may name, in the form's order: (key, name, kind, department id, users)."""
    rows = [("bureau", _("应急管理局"), "bureau", None, joint_plans.unit_users(db.session, "bureau"))]
    for department in departments.listing(db.session, active_only=True):
        rows.append((joint_plans.unit_key("department", department.id), department.name, "department",
                     department.id, joint_plans.unit_users(db.session, "department", department.id)))
    rows.append(("contractor", _("第三方技术团队"), "contractor", None,
                 joint_plans.unit_users(db.session, "contractor")))
    return rows


def _units_of_form(form):
    """The ticked units (`units` checkboxes by key) with their participants, names and division of work; the
    typed values are kept in `form` for the page after an error."""
    ticked = request.form.getlist("units")
    form["units"] = ticked
    units = []
    for key in ticked:
        for name in ("people", "names", "duties"):
            form[f"{name}_{key}"] = request.form.getlist(f"{name}_{key}") if name == "people" else \
                request.form.get(f"{name}_{key}", "")
        if key in ("bureau", "contractor"):
            kind, department_id = key, None
        elif key.startswith("dept_"):
            kind, department_id = "department", key[len("dept_"):]
        else:
            kind, department_id = key, None  # unknown: the service names it
        units.append({"kind": kind, "department_id": department_id, "participant_ids": form[f"people_{key}"],
                      "participant_names": form[f"names_{key}"], "duties": form[f"duties_{key}"]})
    return units


def _form_page(form, errors):
    return render_template("inspections/plan_new.html", form=form, errors=errors,
                           enterprises=enterprise_choices(current_user),
                           earliest=inspection_plans.earliest_day().isoformat(), kinds=VISIT_KINDS,
                           campaigns=campaigns.open_campaigns(db.session), unit_choices=_unit_choices(),
                           instruments=_instruments(), send_days=joint_plans.SEND_DAYS)


def _instruments():
    """The register's instruments in service, for the joint plan's equipment (none if the user may not read it)."""
    if not equipment.may_read(current_user):
        return []
    return [i for i in equipment.listing(db.session, current_user) if i.status == "in_service"]
