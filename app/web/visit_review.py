"""The review of a visit's report on its page (三级审核 and the pre-submission check list, services/visit_review.py and
services/visit_checks.py): the card inspections/_review.html fed by `visit_review_card`, the team's submit and edit,
and the reviewers' approve and return. Errors come back on the visit's page beside their field, input kept."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..models import QUALITY_GRADES, REVIEW_DECISIONS, REVIEW_LEVELS, VISIT_REVIEW_STATUSES
from ..services import inspections, visit_checks, visit_review
from ..services.uow import UnitOfWork
from .checklists import render_visit
from .forms_render import bilingual
from .names import label

bp = Blueprint("visit_review", __name__, url_prefix="/inspections")
TEXT_FIELDS = ("inspectors", "scope", "findings")


@bp.app_template_filter("visit_review_status")
def visit_review_status(code):
    return label(VISIT_REVIEW_STATUSES, code)


@bp.app_template_filter("review_level")
def review_level(level):
    return label(REVIEW_LEVELS, level)


@bp.app_template_filter("review_decision")
def review_decision(code):
    return label(REVIEW_DECISIONS, code)


@bp.app_template_filter("quality_grade")
def quality_grade(code):
    return f"{code} {label(QUALITY_GRADES, code)}" if code in QUALITY_GRADES else (code or "—")


@bp.app_template_filter("visit_check")
def visit_check(code):
    return bilingual(visit_checks.MESSAGES.get(code, code))


@bp.app_template_global()
def visit_review_card(visit):
    """What the review card shows the signed-in user (nothing for enterprise staff, who see released reports only)."""
    if not visit_review.sees_review(current_user):
        return None
    session = db.session
    checks = visit_checks.for_visit(session, visit) if inspections.report_editable(visit) else []
    waiting = visit_review.AWAITING.get(visit.review_status)
    return {"checks": checks, "blocking": visit_checks.blocking(checks), "steps": visit_review.steps(session, visit),
            "may_submit": visit_review.may_submit(current_user, visit),
            "may_edit": visit_review.may_edit(current_user, visit),
            "may_decide": visit_review.may_decide(session, current_user, visit),
            "level": waiting[0] if waiting else None, "returned": visit_review.last_return(session, visit)}


def _visit_page(visit_id, status, **extra):
    visit = inspections.get_visible_visit(db.session, current_user, visit_id)
    return render_visit(visit, **extra), status


@bp.route("/<int:visit_id>/review/submit", methods=["POST"])
@login_required
def submit(visit_id):
    """初审: the recorder submits the report; with blocking items open, the page says which (409)."""
    try:
        with UnitOfWork() as uow:
            visit_review.submit(uow, current_user, visit_id)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        return _visit_page(visit_id, exc.status, review_message=bilingual(exc.message))
    flash(_("排查报告已提交复审"), "success")
    return redirect(url_for("inspections.show", visit_id=visit_id))


@bp.route("/<int:visit_id>/review/approve", methods=["POST"])
@login_required
def approve(visit_id):
    return _decide(visit_id, visit_review.approve, "remark", _("审核通过"))


@bp.route("/<int:visit_id>/review/return", methods=["POST"])
@login_required
def return_(visit_id):
    return _decide(visit_id, visit_review.return_, "reason", _("已退回排查小组"))


def _decide(visit_id, action, field, done):
    form = {field: request.form.get(field, "")}
    try:
        with UnitOfWork() as uow:
            action(uow, current_user, visit_id, form[field])
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        errors = {k: bilingual(v) for k, v in exc.fields.items()}
        return _visit_page(visit_id, exc.status, review_form=form, review_errors=errors,
                           review_message=None if errors else bilingual(exc.message))
    flash(done, "success")
    return redirect(url_for("inspections.show", visit_id=visit_id))


@bp.route("/<int:visit_id>/edit", methods=["GET", "POST"])
@login_required
def edit(visit_id):
    """The team corrects the report's text while it is a draft or returned (403 for others, 409 under review)."""
    visit = inspections.get_visible_visit(db.session, current_user, visit_id)
    if request.method == "GET":
        form = {name: getattr(visit, name) for name in TEXT_FIELDS}
        return _edit_page(visit, form, {}, None, check=True)
    form = {name: request.form.get(name, "") for name in TEXT_FIELDS}
    try:
        with UnitOfWork() as uow:
            visit_review.edit(uow, current_user, visit_id, **form)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        errors = {k: bilingual(v) for k, v in exc.fields.items()}
        return _edit_page(visit, form, errors, None if errors else bilingual(exc.message)), exc.status
    flash(_("排查记录已修改"), "success")
    return redirect(url_for("inspections.show", visit_id=visit_id))


def _edit_page(visit, form, errors, message, check=False):
    if check:  # the form is offered to the team while the report may change; others are told why not
        if not visit_review.may_edit(current_user, visit):
            abort(403 if inspections.report_editable(visit) else 409)
    return render_template("inspections/edit.html", visit=visit, form=form, errors=errors, message=message)
