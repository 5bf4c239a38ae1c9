"""Enterprises' objections (异议, services/objections.py): the list (open, overdue, answered), raising one on a case,
answering it, and the answer as a letter (异议答复书)."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..models import OBJECTION_SUBJECTS
from ..services import hazards, objections
from ..services.uow import UnitOfWork
from . import objection_pdf
from .forms_render import bilingual
from .names import label
from .query_args import page_count, page_number

bp = Blueprint("objections", __name__)
PAGE_SIZE = 50


@bp.app_template_global()
def objection_subject(code):
    return label(OBJECTION_SUBJECTS, code)


@bp.app_template_global()
def may_answer_objections():
    return current_user.is_authenticated and objections.may_answer(current_user)


@bp.route("/objections")
@login_required
def index():
    state = request.args.get("state") if request.args.get("state") in objections.STATES else "open"
    page = page_number(request.args)
    rows, total = objections.listing(db.session, current_user, objections.ObjectionFilter(
        state=state, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE))
    return render_template("objections/index.html", rows=rows, total=total, state=state, page=page,
                           pages=page_count(total, PAGE_SIZE))


@bp.route("/cases/<int:case_id>/objections/new", methods=["GET", "POST"])
@login_required
def new(case_id):
    case = hazards.get_case(UnitOfWork(), current_user, case_id)  # 404 for another enterprise's case
    if not objections.may_raise(current_user, case):
        abort(403, _("只有案件所属企业可以对未销号的案件提出异议"))
    form = {"subject": request.form.get("subject", ""), "text": request.form.get("text", "")}
    if request.method == "GET":
        return _new_page(case, form, {})
    try:
        with UnitOfWork() as uow:
            objections.raise_objection(uow, current_user, case_id, form["subject"], form["text"])
            uow.commit()
    except DomainError as exc:
        if not exc.fields:
            return _new_page(case, form, {}, bilingual(exc.message)), exc.status
        return _new_page(case, form, {k: bilingual(v) for k, v in exc.fields.items()}), 400
    flash(_("异议已提交，项目负责人将在3个工作日内答复"), "success")
    return redirect(url_for("cases.show", case_id=case_id))


def _new_page(case, form, errors, message=None):
    return render_template("objections/new.html", case=case, form=form, errors=errors, message=message,
                           subjects=list(OBJECTION_SUBJECTS))


@bp.route("/objections/<int:objection_id>/reply", methods=["GET", "POST"])
@login_required
def reply(objection_id):
    row = objections.get_visible(db.session, current_user, objection_id)  # 404 for another enterprise's
    if not objections.may_answer(current_user):
        abort(403, _("只有项目负责人或管理员可以答复异议"))
    form = {"reply": request.form.get("reply", ""), "accepted": request.form.get("accepted", "")}
    if request.method == "GET" or row.replied_at is not None:
        return _reply_page(row, form, {}, _("该异议已经答复") if row.replied_at else None)
    accepted = {"true": True, "false": False}.get(form["accepted"])
    try:
        with UnitOfWork() as uow:
            objections.answer(uow, current_user, objection_id, form["reply"], accepted)
            case_id = row.case_id
            uow.commit()
    except DomainError as exc:
        if not exc.fields:
            return _reply_page(row, form, {}, bilingual(exc.message)), exc.status
        return _reply_page(row, form, {k: bilingual(v) for k, v in exc.fields.items()}), 400
    flash(_("已答复异议"), "success")
    return redirect(url_for("cases.show", case_id=case_id))


@bp.route("/objections/<int:objection_id>/answer.pdf")
@login_required
def answer_pdf(objection_id):
    """The answer as a letter (异议答复书), for whoever may see the objection; none before it is answered."""
    row = objections.get_visible(db.session, current_user, objection_id)  # 404 for another enterprise's
    if row.replied_at is None:
        abort(404, _("异议尚未答复"))
    return Response(objection_pdf.render(row), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="objection-{row.id}-answer.pdf"'})


def _reply_page(row, form, errors, message=None):
    return render_template("objections/reply.html", row=row, case=row.case, form=form, errors=errors,
                           message=message)
