"""Service complaints (服务投诉, services/complaints.py and complaint_handling.py): the list (open, overdue, answered,
all), raising one (enterprise staff), and a complaint's page with its deadlines, history and the forms of the steps
the user may take — start the investigation, draft the answer (quality supervisors), approve it or send it back
(project leads)."""
import re
from datetime import datetime

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..models import COMPLAINT_KINDS
from ..services import audit, complaint_handling, complaints, users
from ..services.uow import UnitOfWork
from . import complaint_pdf
from .forms_render import bilingual
from .guards import restrict
from .names import N_, label
from .query_args import page_count, page_number

bp = Blueprint("complaints", __name__)
PAGE_SIZE = 50
# What the enterprise reads of a complaint's history: the desk's notes, drafts and review notes are internal.
ENTERPRISE_ACTIONS = ("complaint_raised", "complaint_opened", "complaint_investigation_started",
                      "complaint_answer_approved")
_NOTICE_KEY = re.compile(r"complaint:(\d+):")
# The audited fields of a complaint, as the audit log names them.
COMPLAINT_TITLES = {"kind": N_("投诉类别"), "text": N_("投诉内容"), "investigation_note": N_("调查安排"),
                    "answer": N_("答复内容"), "review_note": N_("退回意见"), "complaint_upheld": N_("投诉是否属实")}

restrict(bp, "may_see_complaints", complaints.may_see_complaints,
         N_("服务投诉供企业人员、质量监督专员、项目负责人、应急管理局、管理人员和系统管理员查看"))


@bp.app_template_global()
def complaint_kind(code):
    return label(COMPLAINT_KINDS, code)


@bp.app_template_global()
def complaint_stage(row):
    return label(complaints.STAGES, complaints.stage(row))


@bp.app_template_global()
def complaint_of_notice(notice):
    """The complaint a notice is about (its id), for a link from the notifications page; None for other notices."""
    match = _NOTICE_KEY.match(notice.dedup_key or "") if notice.kind.startswith("complaint_") else None
    return int(match.group(1)) if match else None


@bp.route("/complaints")
@login_required
def index():
    state = request.args.get("state") if request.args.get("state") in complaints.STATES else "open"
    page = page_number(request.args)
    rows, total = complaints.listing(db.session, current_user, complaints.ComplaintFilter(
        state=state, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE))
    return render_template("complaints/index.html", rows=rows, total=total, state=state, page=page,
                           pages=page_count(total, PAGE_SIZE), counts=complaints.counts(db.session, current_user),
                           names=users.display_names(db.session, [r.raised_by_id for r in rows]))


@bp.route("/complaints/new", methods=["GET", "POST"])
@login_required
def new():
    if not complaints.may_raise(current_user):
        abort(403, _("只有企业人员可以提出服务投诉"))
    form = {name: request.form.get(name, request.args.get(name, "")) for name in ("kind", "visit_id", "text")}
    if request.method == "GET":
        return _new_page(form, {})
    try:
        with UnitOfWork() as uow:
            row = complaints.raise_complaint(uow, current_user, form["kind"], form["text"], form["visit_id"])
            complaint_id = row.id
            uow.commit()
    except DomainError as exc:
        if not exc.fields:
            return _new_page(form, {}, bilingual(exc.message)), exc.status
        return _new_page(form, {k: bilingual(v) for k, v in exc.fields.items()}), 400
    flash(_("投诉已提交，服务质量监督岗将在24小时内启动调查、72小时内答复"), "success")
    return redirect(url_for("complaints.show", complaint_id=complaint_id))


def _new_page(form, errors, message=None):
    return render_template("complaints/new.html", form=form, errors=errors, message=message,
                           kinds=complaints.RAISED_KINDS, visits=complaints.visit_choices(db.session, current_user))


@bp.route("/complaints/<int:complaint_id>")
@login_required
def show(complaint_id):
    return _show_page(complaints.get_visible(db.session, current_user, complaint_id))


@bp.route("/complaints/<int:complaint_id>/answer.pdf")
@login_required
def answer_pdf(complaint_id):
    """The approved answer as a letter (投诉答复书), for whoever may see the complaint; none before approval."""
    row = complaints.get_visible(db.session, current_user, complaint_id)  # 404 for another enterprise's
    if row.approved_at is None:
        abort(404, _("答复尚未审核发送"))
    body = complaint_pdf.render(row, users.display_names(db.session, [row.approved_by_id]).get(row.approved_by_id, ""))
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="complaint-{row.id}-answer.pdf"'})


def _show_page(row, step=None, form=None, errors=None, message=None):
    """The complaint's page; after a refused step, its form again with what was typed and the errors."""
    internal = complaints.shows_internals(current_user)
    events = list(reversed(audit.subject_history(db.session, "complaint", row.id)))  # oldest first
    if not internal:
        events = [e for e in events if e.action in ENTERPRISE_ACTIONS]
    people = [e.actor_id for e in events] + [row.raised_by_id, row.investigated_by_id, row.answer_drafted_by_id,
                                             row.approved_by_id]
    return render_template("complaints/show.html", row=row, internal=internal, events=events,
                           names=users.display_names(db.session, people), step=step, form=form or {},
                           errors=errors or {}, message=message,
                           may_handle=complaint_handling.may_handle(current_user),
                           may_approve=complaint_handling.may_approve(current_user),
                           stage=complaints.stage(row))


def _step(complaint_id, step, action, flash_text):
    """Run one handling step from its form; the page again with the errors (400) or the refusal (403/409)."""
    row = complaints.get_visible(db.session, current_user, complaint_id)  # 404 for another enterprise's
    form = {name: request.form.get(name, "") for name in ("note", "answer", "drafted_at", "upheld")}
    try:
        with UnitOfWork() as uow:
            action(uow, form)
            uow.commit()
    except DomainError as exc:
        db.session.expire_all()
        row = complaints.get_visible(db.session, current_user, complaint_id)
        if exc.fields:
            return _show_page(row, step, form, {k: bilingual(v) for k, v in exc.fields.items()}), 400
        if exc.status == 403:
            abort(403, bilingual(exc.message))
        return _show_page(row, step, form, message=bilingual(exc.message)), exc.status
    flash(flash_text, "success")
    return redirect(url_for("complaints.show", complaint_id=row.id))


def _seen_draft(form):
    """The time of the draft the project lead read (the form carries it), None when missing or malformed."""
    try:
        moment = datetime.fromisoformat(form["drafted_at"]) if form["drafted_at"] else None
    except ValueError:
        return None
    return moment if moment and moment.tzinfo else None


@bp.route("/complaints/<int:complaint_id>/investigate", methods=["POST"])
@login_required
def investigate(complaint_id):
    return _step(complaint_id, "investigate", lambda uow, form: complaint_handling.start_investigation(
        uow, current_user, complaint_id, form["note"]), _("已启动调查"))


@bp.route("/complaints/<int:complaint_id>/answer", methods=["POST"])
@login_required
def answer(complaint_id):
    return _step(complaint_id, "answer", lambda uow, form: complaint_handling.draft_answer(
        uow, current_user, complaint_id, form["answer"], form["upheld"]), _("答复稿已保存，等待项目负责人审核"))


@bp.route("/complaints/<int:complaint_id>/approve", methods=["POST"])
@login_required
def approve(complaint_id):
    return _step(complaint_id, "approve", lambda uow, form: complaint_handling.approve(
        uow, current_user, complaint_id, _seen_draft(form)), _("答复已审核通过并发送给企业"))


@bp.route("/complaints/<int:complaint_id>/return", methods=["POST"])
@login_required
def send_back(complaint_id):
    return _step(complaint_id, "return", lambda uow, form: complaint_handling.send_back(
        uow, current_user, complaint_id, form["note"], _seen_draft(form)), _("答复稿已退回修改"))
