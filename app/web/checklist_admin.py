"""Checklist upkeep (检查表维护, services/checklists.py) for process owners and administrators: the lists' items,
adding one, editing its dimension, content and basis, deactivating and reactivating it. Other users get 403."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..models import DIMENSIONS
from ..services import checklists
from ..services.uow import UnitOfWork
from .forms_render import bilingual
from .guards import restrict
from .names import N_
from .query_args import int_or_none

bp = Blueprint("checklist_admin", __name__, url_prefix="/inspections/checklists")
restrict(bp, "may_maintain_checklists", checklists.may_maintain, N_("只有流程管理员和系统管理员可以维护检查表"))
FIELDS = ("checklist_id", "code", "dimension", "content", "basis")


@bp.route("")
@login_required
def index():
    lists = checklists.all_checklists(db.session)
    chosen = next((c for c in lists if c.code == request.args.get("list")), lists[0] if lists else None)
    items = checklists.items_for(db.session, [chosen], include_inactive=True) if chosen else []
    return render_template("inspections/checklists.html", lists=lists, chosen=chosen, items=items)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    if request.method == "GET":
        return _form_page({"checklist_id": request.args.get("checklist_id", ""), "dimension": "management"}, {})
    form = {name: request.form.get(name, "").strip() for name in FIELDS}
    try:
        with UnitOfWork() as uow:
            item = checklists.add_item(uow, current_user, int_or_none(form["checklist_id"]), form)
            code, list_code = item.code, item.checklist.code
            uow.commit()
    except DomainError as exc:
        return _form_page(form, {k: bilingual(v) for k, v in exc.fields.items()}), exc.status
    flash(_("已添加检查项 %(code)s", code=code), "success")
    return redirect(url_for("checklist_admin.index", list=list_code))


@bp.route("/items/<int:item_id>", methods=["GET", "POST"])
@login_required
def edit(item_id):
    item = checklists.get_item(db.session, item_id)  # 404 for an unknown item
    if request.method == "GET":
        return _form_page({name: getattr(item, name) for name in ("dimension", "content", "basis")}, {}, item)
    form = {name: request.form.get(name, "").strip() for name in ("dimension", "content", "basis")}
    try:
        with UnitOfWork() as uow:
            changes = checklists.update_item(uow, current_user, item.id, form)
            uow.commit()
    except DomainError as exc:
        return _form_page(form, {k: bilingual(v) for k, v in exc.fields.items()}, item), exc.status
    flash(_("已修改检查项 %(code)s", code=item.code) if changes else _("检查项没有变化"), "success")
    return redirect(url_for("checklist_admin.index", list=item.checklist.code))


@bp.route("/items/<int:item_id>/active", methods=["POST"])
@login_required
def set_active(item_id):
    active = request.form.get("active") == "1"
    with UnitOfWork() as uow:
        item = checklists.set_active(uow, current_user, item_id, active)
        code, list_code = item.code, item.checklist.code
        uow.commit()
    flash(_("已启用检查项 %(code)s", code=code) if active else _("已停用检查项 %(code)s", code=code), "success")
    return redirect(url_for("checklist_admin.index", list=list_code))


def _form_page(form, errors, item=None):
    return render_template("inspections/checklist_item.html", form=form, errors=errors, item=item,
                           lists=checklists.all_checklists(db.session), dimensions=DIMENSIONS)
