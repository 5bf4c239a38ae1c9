"""The review of proposed checklist changes (检查表修改审核): the list of pending (or decided) proposals with before →
after, one proposal's page where the technical lead approves it (an optional note) or rejects it (a reason,
required), and where its proposer withdraws it (services/checklist_changes.py, checklist_review.py). For technical
leads, process owners and administrators; others (enterprise staff too) get 403, like the upkeep page."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..models import CHANGE_STATUSES
from ..services import checklist_changes, checklist_review
from ..services.uow import UnitOfWork
from .forms_render import bilingual
from .guards import restrict
from .names import N_

bp = Blueprint("checklist_review", __name__, url_prefix="/inspections/checklists/changes")
restrict(bp, "may_read_checklist_changes", checklist_changes.may_read,
         N_("检查表修改供流程管理员、系统管理员和技术负责人查看"))
STATUS_CHOICES = (*CHANGE_STATUSES, "all")


@bp.app_template_global()
def checklist_change_of_notice(notice):
    """The proposal a notice is about (its id), for a link from the notifications page; None for other notices."""
    parts = (notice.dedup_key or "").split(":")
    if notice.kind.startswith("checklist_change_") and len(parts) == 3 and parts[1].isdigit():
        return int(parts[1])
    return None


@bp.app_template_global()
def proposal_pairs(change):
    """{field: [before, after]} of a proposal, as the proposer saw it (the change_pairs macro shows them)."""
    return checklist_changes.audit_changes(change)


@bp.route("")
@login_required
def index():
    status = request.args.get("status") if request.args.get("status") in STATUS_CHOICES else "pending"
    rows = checklist_changes.listing(db.session, current_user, status)
    return render_template("inspections/checklist_changes.html", rows=rows, status=status,
                           statuses=STATUS_CHOICES, may_review=checklist_changes.may_review(current_user),
                           is_stale=checklist_changes.is_stale)


@bp.route("/<int:change_id>")
@login_required
def show(change_id):
    return _page(checklist_changes.get_change(db.session, current_user, change_id))


@bp.route("/<int:change_id>/approve", methods=["POST"])
@login_required
def approve(change_id):
    change = checklist_changes.get_change(db.session, current_user, change_id)  # 404 before anything else
    form = {"note": request.form.get("note", "")}
    try:
        with UnitOfWork() as uow:
            version = checklist_review.approve(uow, current_user, change.id, form["note"])[1]
            number = version.version if version else None
            uow.commit()
    except DomainError as exc:
        return _refused(change, exc, approve_form=form)
    flash(_("已批准，%(list)s 升为第 %(n)s 版，已发送标准更新通知", list=change.checklist.name, n=number)
          if number else _("已批准"), "success")
    return redirect(url_for("checklist_review.show", change_id=change.id))


@bp.route("/<int:change_id>/reject", methods=["POST"])
@login_required
def reject(change_id):
    change = checklist_changes.get_change(db.session, current_user, change_id)
    form = {"reason": request.form.get("reason", "")}
    try:
        with UnitOfWork() as uow:
            checklist_review.reject(uow, current_user, change.id, form["reason"])
            uow.commit()
    except DomainError as exc:
        return _refused(change, exc, reject_form=form)
    flash(_("已退回，提出人会收到通知"), "success")
    return redirect(url_for("checklist_review.show", change_id=change.id))


@bp.route("/<int:change_id>/withdraw", methods=["POST"])
@login_required
def withdraw(change_id):
    change = checklist_changes.get_change(db.session, current_user, change_id)
    try:
        with UnitOfWork() as uow:
            checklist_changes.withdraw(uow, current_user, change.id)
            uow.commit()
    except DomainError as exc:
        return _refused(change, exc)
    flash(_("已撤回"), "success")
    return redirect(url_for("checklist_admin.index", list=change.checklist.code))


def _refused(change, exc, approve_form=None, reject_form=None):
    """The proposal's page again with what was typed: a field's error next to it (400), a decision made meanwhile or
    a changed item (409) above the forms; 403 as an error page."""
    if exc.status == 403:
        raise exc  # the DomainError handler's error page
    db.session.expire_all()  # show the proposal as it now stands (decided by someone else, say)
    errors = {k: bilingual(v) for k, v in exc.fields.items()}
    return _page(checklist_changes.get_change(db.session, current_user, change.id), errors,
                 None if errors else bilingual(exc.message), approve_form or {}, reject_form or {}), exc.status


def _page(change, errors=None, message=None, approve_form=None, reject_form=None):
    pending = change.status == "pending"
    return render_template("inspections/checklist_change.html", change=change, errors=errors or {}, message=message,
                           approve_form=approve_form or {}, reject_form=reject_form or {},
                           stale=checklist_changes.is_stale(change),
                           may_decide=pending and checklist_changes.may_review(current_user)
                           and change.proposed_by_id != current_user.id,
                           may_withdraw=pending and change.proposed_by_id == current_user.id
                           and checklist_changes.may_propose(current_user),
                           max_note=checklist_changes.MAX_NOTE)
