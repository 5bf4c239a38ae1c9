"""Checklist upkeep (检查表维护) for process owners and administrators: the lists' items with the changes waiting
for the technical lead, and the forms that propose a change — add an item, edit its dimension, content and basis,
deactivate or reactivate it (services/checklist_changes.py). Nothing proposed here reaches a visit until the
technical lead approves it (web/checklist_review.py). Other users get 403."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..models import DIMENSIONS
from ..services import checklist_changes, checklists
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
    return _index_page(request.args.get("list"))


def _index_page(list_code, message=None, status=200):
    """The items of the list `list_code` (else the first), each with its pending change, and the proposed new ones;
    `message`: why a change was refused."""
    lists = checklists.all_checklists(db.session)
    chosen = next((c for c in lists if c.code == list_code), lists[0] if lists else None)
    items = checklists.items_for(db.session, [chosen], include_inactive=True) if chosen else []
    pending = checklist_changes.pending_by_code(db.session, chosen) if chosen else {}
    known = {item.code for item in items}
    return render_template("inspections/checklists.html", lists=lists, chosen=chosen, items=items, pending=pending,
                           proposed_items=[c for code, c in pending.items() if code not in known], message=message,
                           pending_total=checklist_changes.pending_count(db.session)), status


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    if request.method == "GET":
        return _form_page({"checklist_id": request.args.get("checklist_id", ""), "dimension": "management"}, {})
    form = {name: request.form.get(name, "").strip() for name in FIELDS}
    try:
        with UnitOfWork() as uow:
            change = checklist_changes.propose_add(uow, current_user, int_or_none(form["checklist_id"]), form)
            code, list_code = change.item_code, change.checklist.code
            uow.commit()
    except DomainError as exc:
        return _refused(form, exc)
    flash(_("已提交新增检查项 %(code)s，待技术负责人审核批准后生效", code=code), "success")
    return redirect(url_for("checklist_admin.index", list=list_code))


@bp.route("/items/<int:item_id>", methods=["GET", "POST"])
@login_required
def edit(item_id):
    item = checklists.get_item(db.session, item_id)  # 404 for an unknown item
    waiting = checklist_changes.pending_by_code(db.session, item.checklist).get(item.code)
    if request.method == "GET":
        return _form_page({name: getattr(item, name) for name in ("dimension", "content", "basis")}, {}, item,
                          waiting=waiting)
    form = {name: request.form.get(name, "").strip() for name in ("dimension", "content", "basis")}
    try:
        with UnitOfWork() as uow:
            change = checklist_changes.propose_update(uow, current_user, item.id, form)
            uow.commit()
    except DomainError as exc:
        return _refused(form, exc, item)
    flash(_("已提交检查项 %(code)s 的修改，待技术负责人审核批准后生效", code=item.code) if change
          else _("检查项没有变化"), "success")
    return redirect(url_for("checklist_admin.index", list=item.checklist.code))


@bp.route("/items/<int:item_id>/active", methods=["POST"])
@login_required
def set_active(item_id):
    item = checklists.get_item(db.session, item_id)  # 404 for an unknown item
    active = request.form.get("active") == "1"
    try:
        with UnitOfWork() as uow:
            change = checklist_changes.propose_active(uow, current_user, item.id, active)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        return _index_page(item.checklist.code, bilingual(exc.message), exc.status)
    if change is None:
        flash(_("检查项没有变化"), "success")
    elif active:
        flash(_("已提交启用检查项 %(code)s，待技术负责人审核批准后生效", code=item.code), "success")
    else:
        flash(_("已提交停用检查项 %(code)s，待技术负责人审核批准后生效", code=item.code), "success")
    return redirect(url_for("checklist_admin.index", list=item.checklist.code))


def _refused(form, exc, item=None):
    """The form again with what was typed: field errors next to their fields, or the refusal (a pending change of
    the item: 409) above the form."""
    if exc.status == 403:
        raise exc
    errors = {k: bilingual(v) for k, v in exc.fields.items()}
    return _form_page(form, errors, item, message=None if errors else bilingual(exc.message)), exc.status


def _form_page(form, errors, item=None, message=None, waiting=None):
    return render_template("inspections/checklist_item.html", form=form, errors=errors, item=item, message=message,
                           waiting=waiting, lists=checklists.all_checklists(db.session), dimensions=DIMENSIONS)
