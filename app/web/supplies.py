"""The emergency supplies' pages (应急物资储备, services/supplies.py): the overview — the 资源调配表 with its filters, the
points below their minimum and the batches expiring — as a page, CSV and PDF; the kinds of items; the forms of points
and kinds. A point's page, its movements and counts are in web/supply_pages.py (same blueprint). Every route is for
the roles that read the stock (enterprise staff, township offices and department users: 403)."""
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import clock
from ..errors import DomainError
from ..extensions import db
from ..models import MOVEMENT_TYPES, SUPPLY_CATEGORIES
from ..services import supplies, supply_expiry, supply_stock
from ..services.field_rules import row_id
from ..services.uow import UnitOfWork
from . import supplies_pdf
from .downloads import csv_download
from .forms_render import bilingual
from .guards import restrict
from .names import N_, label

bp = Blueprint("supplies", __name__)
may_read_supplies = restrict(bp, "may_read_supplies", supplies.may_read, N_("应急物资储备仅供监管部门和服务机构使用"))
SUPPLY_TITLES = {"supply_point_name": N_("储备点名称"), "supply_point_place": N_("存放地点"),
                 "supply_point_keeper_id": N_("责任人"), "supply_point_phone": N_("联系电话"),
                 "supply_point_note": N_("备注"), "supply_point_active": N_("在用"),
                 "supply_kind_name": N_("物资名称"), "supply_kind_category": N_("资源类别"),
                 "supply_kind_unit": N_("计量单位"), "supply_kind_shelf_life_months": N_("保质期（月）"),
                 "supply_kind_note": N_("备注"), "supply_kind_active": N_("在用"),
                 "supply_quantity": N_("库存数量"), "supply_minimum": N_("最低储备量")}


@bp.app_template_filter("supply_category")
def supply_category(code):
    return label(SUPPLY_CATEGORIES, code)


@bp.app_template_filter("movement_type")
def movement_type(code):
    return label(MOVEMENT_TYPES, code)


@bp.app_template_global()
def supply_point_of_notice(notification):
    """The storage point an expiry notice is about (its id), for the notifications page's link."""
    return supply_expiry.point_of_key(db.session, notification.dedup_key)


def audit_labels(catalog):
    catalog.labels.setdefault("supply_kind_category", {code: supply_category(code) for code in SUPPLY_CATEGORIES})


def _filter(args):
    category = args.get("category", "") if args.get("category") in SUPPLY_CATEGORIES else ""
    return category, row_id(args.get("point_id", ""))


@bp.route("/supplies")
@login_required
def index():
    category, point_id = _filter(request.args)
    return render_template("supplies/index.html", lines=supply_stock.stock(db.session, category, point_id),
                           points=supplies.points(db.session, current_user),
                           below=supply_stock.below_minimum(db.session),
                           expiring=supply_stock.expiring(db.session, supply_expiry.WARN_DAYS),
                           today=supply_stock.today(), args=request.args, categories=SUPPLY_CATEGORIES,
                           may_manage=supplies.may_manage(current_user))


def table_rows(lines):
    """The 资源调配表's rows (the seed's columns, then expiry and minimum): header first."""
    rows = [[_("资源类别"), _("物资名称"), _("数量"), _("单位"), _("其中已过期"), _("最近有效期至"), _("最低储备量"),
             _("储备点"), _("存放地点"), _("责任人"), _("联系方式")]]
    for s in lines:
        rows.append([supply_category(s.kind.category), s.kind.name, s.quantity, s.kind.unit, s.expired,
                     s.next_expiry.isoformat() if s.next_expiry else "", "" if s.minimum is None else s.minimum,
                     s.point.name, s.point.place, s.point.keeper.display_name, s.point.phone])
    return rows


@bp.route("/supplies/table.csv")
@login_required
def table_csv():
    category, point_id = _filter(request.args)
    lines = supply_stock.stock(db.session, category, point_id)
    return csv_download(table_rows(lines), f"supplies-{clock.local_now():%Y%m%d-%H%M}.csv")


@bp.route("/supplies/table.pdf")
@login_required
def table_pdf():
    category, point_id = _filter(request.args)
    lines = supply_stock.stock(db.session, category, point_id)
    return Response(supplies_pdf.render(lines), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="supplies-{clock.local_now():%Y%m%d-%H%M}.pdf"'})


# ---- kinds --------------------------------------------------------------------------------------------------------
@bp.route("/supplies/kinds")
@login_required
def kinds():
    return render_template("supplies/kinds.html", rows=supplies.kinds(db.session, current_user),
                           may_manage=supplies.may_manage(current_user))


@bp.route("/supplies/kinds/new", methods=["GET", "POST"])
@bp.route("/supplies/kinds/<int:kind_id>/edit", methods=["GET", "POST"])
@login_required
def edit_kind(kind_id=None):
    supplies.check_may_manage(current_user)
    row = supplies.get_kind(db.session, current_user, kind_id) if kind_id is not None else None
    if request.method == "GET":
        form = {name: getattr(row, name) for name in supplies.KIND_FIELDS} if row else {"active": True}
        return _kind_page(row, form, {})
    form = {name: request.form.get(name, "") for name in supplies.KIND_FIELDS}
    form["active"] = "active" in request.form
    try:
        with UnitOfWork() as uow:
            supplies.save_kind(uow, current_user, form, kind_id)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        fields = {k: bilingual(v) for k, v in exc.fields.items()}
        return _kind_page(row, form, fields, None if fields else bilingual(exc.message)), exc.status
    flash(_("物资品种已保存"), "success")
    return redirect(url_for("supplies.kinds"))


def _kind_page(row, form, errors, message=None):
    return render_template("supplies/kind_form.html", row=row, form=form, errors=errors, message=message,
                           categories=SUPPLY_CATEGORIES)


# ---- points -------------------------------------------------------------------------------------------------------
@bp.route("/supplies/points/new", methods=["GET", "POST"])
@bp.route("/supplies/points/<int:point_id>/edit", methods=["GET", "POST"])
@login_required
def edit_point(point_id=None):
    supplies.check_may_manage(current_user)
    row = supplies.get_point(db.session, current_user, point_id) if point_id is not None else None
    if request.method == "GET":
        form = {name: getattr(row, name) for name in supplies.POINT_FIELDS} if row else {"active": True}
        form["keeper_id"] = str(form.get("keeper_id") or "")
        return _point_page(row, form, {})
    form = {name: request.form.get(name, "") for name in supplies.POINT_FIELDS}
    form["active"] = "active" in request.form
    try:
        with UnitOfWork() as uow:
            saved = supplies.save_point(uow, current_user, form, point_id)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        fields = {k: bilingual(v) for k, v in exc.fields.items()}
        return _point_page(row, form, fields, None if fields else bilingual(exc.message)), exc.status
    flash(_("储备点已保存"), "success")
    return redirect(url_for("supplies.point", point_id=saved.id))


def _point_page(row, form, errors, message=None):
    return render_template("supplies/point_form.html", row=row, form=form, errors=errors, message=message,
                           keepers=supplies.keepers(db.session))
