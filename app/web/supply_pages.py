"""A storage point's page and what is done there (the `supplies` blueprint of web/supplies.py): its stock per kind with
the batches and their expiry dates, the minimum levels, the 出入库登记 and the counts; the forms of a movement
(入库, 出库, 调拨, 报废) and of a count (services/supply_stock.py, services/supply_counts.py). A refused form comes back
with its input and the error next to its field; too little stock is 409 with the message on the form."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..services import supplies, supply_counts, supply_stock
from ..services.uow import UnitOfWork
from .forms_render import bilingual
from .names import N_
from .supplies import SUPPLY_TITLES, bp

DONE = {"receipt": N_("已登记入库"), "issue": N_("已登记出库"), "transfer": N_("已登记调拨"), "scrap": N_("已登记报废")}


@bp.route("/supplies/points/<int:point_id>")
@login_required
def point(point_id):
    return _point_page(supplies.get_point(db.session, current_user, point_id))


def _point_page(row, minimum_form=None, minimum_errors=None, message=None, status=200):
    held = supply_stock.batches(db.session, point_id=row.id)
    return render_template(
        "supplies/point.html", row=row, lines=supply_stock.stock(db.session, point_id=row.id),
        batches_of=lambda kind_id: [(b, n) for b, n in held if b.kind_id == kind_id],
        today=supply_stock.today(), movements=supply_stock.movements(db.session, point_id=row.id),
        counts=supply_counts.counts(db.session, row.id), may_record=supplies.may_record(current_user, row),
        may_manage=supplies.may_manage(current_user),
        kinds=supplies.kinds(db.session, current_user) if supplies.may_manage(current_user) else [],
        minimum_form=minimum_form or {}, minimum_errors=minimum_errors or {}, message=message,
        events=supplies.history(db.session, "supply_point", row.id), titles=SUPPLY_TITLES), status


@bp.route("/supplies/points/<int:point_id>/minimums", methods=["POST"])
@login_required
def set_minimum(point_id):
    row = supplies.get_point(db.session, current_user, point_id)
    form = {"kind_id": request.form.get("kind_id", ""), "minimum": request.form.get("minimum", "")}
    try:
        with UnitOfWork() as uow:
            supplies.set_minimum(uow, current_user, row.id, form)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        fields = {k: bilingual(v) for k, v in exc.fields.items()}
        return _point_page(row, form, fields, None if fields else bilingual(exc.message), exc.status)
    flash(_("最低储备量已保存"), "success")
    return redirect(url_for("supplies.point", point_id=row.id) + "#minimums")


@bp.route("/supplies/points/<int:point_id>/movements/<movement_type>", methods=["GET", "POST"])
@login_required
def movement(point_id, movement_type):
    if movement_type not in supply_stock.FORM_FIELDS:
        abort(404)
    row = supplies.get_point(db.session, current_user, point_id)
    supplies.check_may_record(current_user, row)
    if request.method == "GET":
        return _movement_page(row, movement_type, {"kind_id": request.args.get("kind_id", ""),
                                                    "batch_id": request.args.get("batch_id", "")}, {})
    form = {name: request.form.get(name, "") for name in supply_stock.FORM_FIELDS[movement_type]}
    try:
        with UnitOfWork() as uow:
            supply_stock.record(uow, current_user, row.id, movement_type, form)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        fields = {k: bilingual(v) for k, v in exc.fields.items()}
        return _movement_page(row, movement_type, form, fields, None if fields else bilingual(exc.message)), \
            exc.status
    flash(_(DONE[movement_type]), "success")
    return redirect(url_for("supplies.point", point_id=row.id))


def _movement_page(row, movement_type, form, errors, message=None):
    receipt = movement_type == "receipt"
    return render_template(
        "supplies/movement_form.html", row=row, movement_type=movement_type, form=form, errors=errors,
        message=message, kinds=supplies.kinds(db.session, current_user, active_only=receipt),
        held=[] if receipt else supply_stock.batches(db.session, point_id=row.id), today=supply_stock.today(),
        targets=[p for p in supplies.points(db.session, current_user, active_only=True) if p.id != row.id])


@bp.route("/supplies/points/<int:point_id>/count", methods=["GET", "POST"])
@login_required
def count(point_id):
    row = supplies.get_point(db.session, current_user, point_id)
    supplies.check_may_record(current_user, row)
    sheet = supply_counts.sheet(db.session, row)
    if request.method == "GET":
        return _count_page(row, sheet, {}, {})
    names = [supply_counts.field_name(kind.id) for kind, _ in sheet] + ["reason", "note"]
    form = {name: request.form.get(name, "") for name in names}
    try:
        with UnitOfWork() as uow:
            saved = supply_counts.record(uow, current_user, row.id, form)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        fields = {k: bilingual(v) for k, v in exc.fields.items()}
        return _count_page(row, sheet, form, fields, None if fields else bilingual(exc.message)), exc.status
    flash(_("盘点已登记"), "success")
    return redirect(url_for("supplies.count_record", count_id=saved.id))


def _count_page(row, sheet, form, errors, message=None):
    return render_template("supplies/count_form.html", row=row, sheet=sheet, form=form, errors=errors,
                           message=message, field_name=supply_counts.field_name)


@bp.route("/supplies/counts/<int:count_id>")
@login_required
def count_record(count_id):
    row = supply_counts.get(db.session, current_user, count_id)
    return render_template("supplies/count.html", row=row,
                           adjustments=supply_stock.movements(db.session, count_id=row.id))
