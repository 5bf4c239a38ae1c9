"""Re-inspections of closed cases (销号后复查, services/followups.py): the list by state, the record form, and a
recorded one's record to print (回头看复查记录)."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import clock
from ..errors import DomainError
from ..extensions import db
from ..models import FOLLOW_UP_RESULTS
from ..services import case_documents, followups
from ..services.uow import UnitOfWork
from . import followup_pdf, measurement_form
from .forms_render import bilingual
from .names import label
from .query_args import page_count, page_number

bp = Blueprint("followups", __name__)
PAGE_SIZE = 50


@bp.app_template_global()
def follow_up_result(code):
    return label(FOLLOW_UP_RESULTS, code)


@bp.app_template_global()
def may_record_follow_ups():
    return current_user.is_authenticated and followups.may_record(current_user)


@bp.route("/followups")
@login_required
def index():
    state = request.args.get("state") if request.args.get("state") in followups.STATES else "due"
    page = page_number(request.args)
    rows, total = followups.listing(db.session, current_user, followups.FollowUpFilter(
        state=state, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE))
    return render_template("followups/index.html", rows=rows, total=total, state=state, page=page,
                           pages=page_count(total, PAGE_SIZE), today=clock.local_now().date())


@bp.route("/followups/<int:follow_up_id>/record", methods=["GET", "POST"])
@login_required
def record(follow_up_id):
    row = followups.get_visible(db.session, current_user, follow_up_id)  # 404 for another enterprise's
    if not followups.may_record(current_user):
        abort(403, _("只有排查人员、项目执行小组和项目负责人可以登记复查"))
    form = {"result": request.form.get("result", ""), "notes": request.form.get("notes", ""),
            "measurements": measurement_form.typed_rows(), "files": request.form.getlist("files")}
    if request.method == "GET":
        return _page(row, form, {})
    try:
        form["files"] = measurement_form.kept_files()
        with UnitOfWork() as uow:
            followups.record(uow, current_user, follow_up_id, form["result"], form["notes"], form["measurements"],
                             form["files"])
            case_id = row.case_id
            uow.commit()
    except DomainError as exc:
        if not exc.fields:
            return _page(row, form, {}, bilingual(exc.message)), exc.status
        return _page(row, form, {k: bilingual(v) for k, v in exc.fields.items()}), 400
    flash(_("已登记第 %(n)s 次复查", n=row.sequence), "success")
    return redirect(url_for("cases.show", case_id=case_id))


@bp.route("/followups/<int:follow_up_id>.pdf")
@login_required
def record_pdf(follow_up_id):
    """The recorded re-inspection to print and sign, for whoever may see it (its case); none before it is done."""
    row = followups.get_visible(db.session, current_user, follow_up_id)  # 404 for another enterprise's
    if row.result is None:
        abort(404, _("该复查尚未登记"))
    receipt = case_documents.closure_receipt(db.session, current_user, row.case_id)  # how the hazard was closed
    return Response(followup_pdf.render(row, receipt), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="followup-{row.case.code}-{row.sequence}.pdf"'})


def _page(row, form, errors, message=None):
    return render_template("followups/record.html", row=row, case=row.case, form=form, errors=errors,
                           message=message, results=list(FOLLOW_UP_RESULTS), today=clock.local_now().date())
