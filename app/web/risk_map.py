"""The four-colour risk map of an enterprise (四色风险分布图, services/risk_map.py): its site plan with a marker of each
point's colour; the enterprise's staff upload the plan and place the markers. Placing works without a script (two
numbers per point, 0–1 from the top left corner); static/risk_map.js lets them click the plan instead. Without a
plan the page lists the points by colour."""
import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError, ValidationFailed
from ..extensions import db
from ..services import risk_levels, risk_map, risk_points as points
from ..services.uow import UnitOfWork
from .forms_render import bilingual
from .risk_points import enterprise_or_abort, refuse
from .uploads import store_chosen_files

bp = Blueprint("risk_map", __name__)
_POSITION_FIELD = re.compile(r"^([xy])_(\d{1,9})$")


@bp.route("/enterprises/<int:enterprise_id>/risk-map")
@login_required
def show(enterprise_id):
    return _page(enterprise_or_abort(enterprise_id))


def _page(enterprise, form=None, errors=None, message=None, plan_error=None):
    rows = points.points_of(db.session, enterprise.id)
    if form is None:
        form = {}
        for row in rows:
            form[f"x_{row.id}"] = "" if row.map_x is None else f"{row.map_x:.4f}"
            form[f"y_{row.id}"] = "" if row.map_y is None else f"{row.map_y:.4f}"
    by_colour = [(colour, [r for r in rows if r.colour == colour]) for colour in risk_levels.COLOUR_ORDER]
    return render_template("risk_points/map.html", enterprise=enterprise, rows=rows, by_colour=by_colour,
                           plan=risk_map.current_plan(db.session, enterprise.id), form=form, errors=errors or {},
                           message=message, plan_error=plan_error, counts=points.colour_counts(rows),
                           numbers={r.id: n for n, r in enumerate(rows, start=1)},
                           may_write=points.may_write(current_user, enterprise.id))


def _writer(enterprise_id):
    enterprise = enterprise_or_abort(enterprise_id)
    if not points.may_write(current_user, enterprise.id):
        abort(403, _("只有本企业人员可以维护风险分级管控清单"))
    return enterprise


@bp.route("/enterprises/<int:enterprise_id>/risk-map/plan", methods=["POST"])
@login_required
def upload_plan(enterprise_id):
    enterprise = _writer(enterprise_id)
    try:
        try:
            chosen = store_chosen_files(risk_map.FILE_FIELD, limit=1)
        except ValidationFailed as exc:  # a file of the wrong kind or too large: shown under the plan's field
            raise ValidationFailed(exc.message, fields={"plan": exc.message}) from None
        with UnitOfWork() as uow:
            risk_map.set_plan(uow, current_user, enterprise.id, chosen[0] if chosen else "")
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            refuse(exc)
        db.session.expire_all()
        return _page(enterprise, plan_error=bilingual(exc.fields.get("plan") or exc.message)), exc.status
    flash(_("平面布置图已上传，请在图上标注风险点"), "success")
    return redirect(url_for("risk_map.show", enterprise_id=enterprise.id))


@bp.route("/enterprises/<int:enterprise_id>/risk-map/markers", methods=["POST"])
@login_required
def place_markers(enterprise_id):
    enterprise = _writer(enterprise_id)
    form, positions = {}, {}
    for name, value in request.form.items():
        match = _POSITION_FIELD.match(name)
        if match:
            form[name] = value.strip()
            positions.setdefault(int(match.group(2)), ["", ""])[0 if match.group(1) == "x" else 1] = value
    try:
        with UnitOfWork() as uow:
            moved = risk_map.place_markers(uow, current_user, enterprise.id,
                                           {k: tuple(v) for k, v in positions.items()})
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            refuse(exc)
        db.session.expire_all()
        errors = {k: bilingual(v) for k, v in exc.fields.items()}
        return _page(enterprise, form, errors, bilingual(exc.message)), exc.status
    flash(_("已保存 %(n)s 个风险点的位置", n=moved) if moved else _("位置没有变化"), "success")
    return redirect(url_for("risk_map.show", enterprise_id=enterprise.id))
