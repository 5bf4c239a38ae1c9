"""The online initial review of a rectification (线上初审, services/initial_reviews.py): the case's page of reviews by
round with the verifiers' review form and the enterprise's supplement form, and the card the case page and the
verification task page show (with the review form on the task page)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..models import ENTRY_KINDS, REVIEW_CONCLUSIONS, REVIEW_STATUSES
from ..services import attachments, initial_reviews as reviews
from ..services.access import get_visible_case
from ..services.field_rules import row_id
from ..services.uow import UnitOfWork
from .forms_render import bilingual
from .names import label
from .uploads import store_chosen_files

bp = Blueprint("initial_reviews", __name__)
REVIEW_FIELDS = ("materials_complete", "missing_items", "consistent", "consistency_note", "conclusion",
                 "site_check_on", "site_checkers", "note")
_YES_NO = {"yes": True, "no": False}


@bp.app_template_global()
def initial_review_card(case):
    """(the current round's record, whether the user reviews it now, whether the user supplements it now,
    the users a site re-check may send) for the case page's and the task page's card."""
    record = reviews.current(db.session, case)
    may_review = reviews.may_review(current_user, case, record)
    choices = reviews.site_checker_choices(db.session, record) if may_review else []
    return record, may_review, reviews.may_supplement(current_user, case, record), choices


@bp.app_template_global()
def is_verification_task(task):
    return task.form_key in reviews.VERIFICATION_FORMS


@bp.app_template_global()
def review_conclusion_name(code):
    return label(REVIEW_CONCLUSIONS, code)


@bp.app_template_global()
def review_status_name(code):
    return label(REVIEW_STATUSES, code)


@bp.app_template_global()
def review_entry_kind(code):
    return label(ENTRY_KINDS, code)


@bp.app_template_global()
def review_overdue(record):
    return reviews.overdue(record)


@bp.route("/cases/<int:case_id>/initial-review")
@login_required
def show(case_id):
    case = get_visible_case(db.session, current_user, case_id)  # 404 for another enterprise's or area's case
    return _page(case)


def _page(case, form=None, errors=None, message=None, status=200):
    records = reviews.records_of(db.session, case.id)
    ids = {i for r in records for e in r.entries for i in [e.created_by_id, *(e.site_checker_ids or [])]}
    files = {a.public_id: a for a in attachments.for_case(db.session, case.id)}
    return render_template("initial_reviews/show.html", case=case, records=records, form=form or {},
                           errors=errors or {}, message=message, names=reviews.user_names(db.session, ids),
                           files=files, conclusions=REVIEW_CONCLUSIONS), status


def _back(case_id):
    """To the verification task the form was sent from, else the review page."""
    task_id = row_id(request.form.get("task_id", ""))
    if task_id is not None:
        return redirect(url_for("inbox.task", task_id=task_id))
    return redirect(url_for("initial_reviews.show", case_id=case_id))


@bp.route("/cases/<int:case_id>/initial-review", methods=["POST"])
@login_required
def review(case_id):
    case = get_visible_case(db.session, current_user, case_id)
    form = {name: request.form.get(name, "").strip() for name in REVIEW_FIELDS}
    form["site_checker_ids"] = request.form.getlist("site_checker_ids")
    form["task_id"] = row_id(request.form.get("task_id", ""))  # a refused review still goes back to the task
    values = dict(form, materials_complete=_YES_NO.get(form["materials_complete"]),
                  consistent=_YES_NO.get(form["consistent"]))
    try:
        with UnitOfWork() as uow:
            reviews.record_review(uow, current_user, case_id, values)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        return _refused(case, form, exc)
    flash(_("已登记线上初审"), "success")
    return _back(case_id)


@bp.route("/cases/<int:case_id>/initial-review/supplement", methods=["POST"])
@login_required
def supplement(case_id):
    case = get_visible_case(db.session, current_user, case_id)
    if not ("enterprise" in current_user.roles and current_user.enterprise_id == case.enterprise_id):
        abort(403, _("只有案件所属企业可以提交补正材料"))
    form = {"note": request.form.get("note", "").strip(), "files": [i for i in request.form.getlist("files") if i]}
    try:
        form["files"] += store_chosen_files(reviews.SUPPLEMENT_FIELD)
        with UnitOfWork() as uow:
            reviews.supplement(uow, current_user, case_id, form["note"], form["files"])
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        return _refused(case, form, exc)
    flash(_("补正材料已提交，等待重新初审"), "success")
    return redirect(url_for("initial_reviews.show", case_id=case_id))


def _refused(case, form, exc):
    """The page again with the service's field errors next to the fields, or its message (409) above them."""
    if exc.fields:
        return _page(case, form, {k: bilingual(v) for k, v in exc.fields.items()}, status=400)
    return _page(case, form, message=bilingual(exc.message), status=exc.status)
