"""The register of third-party evaluation bodies (services/evaluation_bodies.py): the list, adding one, changing one
(and listing it inactive), each with its history. Pages of the effect evaluations' blueprint."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..services import audit, evaluation_bodies as bodies
from ..services.uow import UnitOfWork
from .effect_evaluations import bp, failed_form
from .names import N_

BODY_FIELDS = tuple(bodies.FIELDS) + ("active",)
BODY_TITLES = {"name": N_("机构名称"), "qualification": N_("资质"), "contact_person": N_("联系人"),
               "phone": N_("联系电话"), "active": N_("在册")}


@bp.route("/effect-evaluations/bodies")
@login_required
def bodies_index():
    return render_template("effect_evaluations/bodies.html", rows=bodies.all_bodies(db.session, current_user))


@bp.route("/effect-evaluations/bodies/new", methods=["GET", "POST"])
@bp.route("/effect-evaluations/bodies/<int:body_id>/edit", methods=["GET", "POST"])
@login_required
def body_form(body_id=None):
    bodies.check_keeper(current_user)  # 403 for those who do not keep the register
    row = bodies.get(db.session, current_user, body_id) if body_id is not None else None
    if request.method == "GET":
        form = {name: getattr(row, name) if row else "" for name in bodies.FIELDS}
        form["active"] = row.active if row else True
    else:
        form = {name: request.form.get(name, "").strip() for name in bodies.FIELDS}
        form["active"] = request.form.get("active") == "1"

    def render(errors, message):
        events = audit.subject_history(db.session, "evaluation_body", row.id) if row else []
        return render_template("effect_evaluations/body_form.html", row=row, form=form, errors=errors,
                               message=message, events=events, titles=BODY_TITLES)
    if request.method == "GET":
        return render({}, None)
    try:
        with UnitOfWork() as uow:
            bodies.save(uow, current_user, {**form, "active": "1" if form["active"] else ""}, body_id)
            uow.commit()
    except DomainError as exc:
        return failed_form(render, exc)
    flash(_("已保存第三方评估机构"), "success")
    return redirect(url_for("effect_evaluations.bodies_index"))
