"""Enterprises' questions (线上咨询反馈, services/questions.py and question_handling.py): the list — an enterprise's own,
the staff side's inbox (mine / all, waiting, overdue, closed) —, asking one (enterprise staff, with files), and a
question's page with its thread, the response clock and the forms of what the user may do: answer or add a word,
close, reopen."""
import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..models import QUESTION_STATUSES, QUESTION_URGENCIES, Attachment
from ..services import question_files, question_handling, questions
from ..services.uow import UnitOfWork
from .forms_render import bilingual
from .guards import restrict
from .names import N_, is_english, label
from .query_args import page_count, page_number
from .stored_files import send_stored
from .uploads import store_chosen_files

bp = Blueprint("questions", __name__)
PAGE_SIZE = 50
_NOTICE_KEY = re.compile(r"question:(\d+):")

restrict(bp, "may_see_questions", questions.may_see_questions,
         N_("企业咨询供企业人员、联络专员、项目负责人、应急管理局、管理人员、质量监督专员和属地监管查看"))


@bp.app_template_global()
def question_urgency(code):
    return label(QUESTION_URGENCIES, code)


@bp.app_template_global()
def question_status(row):
    if row.status == "closed":
        return label(QUESTION_STATUSES, "closed")
    if row.respond_due is None:
        return _("已答复")
    return _("已逾期") if questions.is_overdue(row) else _("待答复")


@bp.app_template_global()
def question_of_notice(notice):
    """The question a notice is about (its id), for a link from the notifications page; None for other notices."""
    match = _NOTICE_KEY.match(notice.dedup_key or "") if notice.kind.startswith("question_") else None
    return int(match.group(1)) if match else None


@bp.app_template_global()
def liaison_page_of_notice(notice):
    """Whether a notice is a liaison's weekly reminder (linked to the weekly gaps page)."""
    return notice.kind == "liaison_week_gap"


@bp.app_template_filter("wait_time")
def wait_time(seconds):
    """A wait as hours and minutes ("1 小时 5 分钟"); a dash for none."""
    if seconds is None:
        return "—"
    minutes = max(int(seconds) // 60, 0)
    hours, minutes = divmod(minutes, 60)
    if is_english():
        return f"{hours} h {minutes} min" if hours else f"{minutes} min"
    return f"{hours} 小时 {minutes} 分钟" if hours else f"{minutes} 分钟"


@bp.route("/questions")
@login_required
def index():
    state = request.args.get("state") if request.args.get("state") in questions.STATES else "open"
    staff = not questions.is_enterprise_staff(current_user)
    mine = staff and request.args.get("mine") == "1"
    page = page_number(request.args)
    flt = questions.QuestionFilter(state=state, mine=mine, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    rows, total = questions.listing(db.session, current_user, flt)
    return render_template("questions/index.html", rows=rows, total=total, state=state, mine=mine, staff=staff,
                           page=page, pages=page_count(total, PAGE_SIZE),
                           counts=questions.counts(db.session, current_user, flt))


@bp.route("/questions/new", methods=["GET", "POST"])
@login_required
def new():
    if not questions.may_ask(current_user):
        abort(403, _("只有企业人员可以提出咨询"))
    form = {name: request.form.get(name, request.args.get(name, "")) for name in
            ("subject", "description", "urgency", "case_id")}
    form["files"] = [i for i in request.form.getlist("files") if i]
    if request.method == "GET":
        form["urgency"] = form["urgency"] or "normal"
        return _new_page(form, {})
    try:
        form["files"] += store_chosen_files("question", limit=questions.MAX_FILES)
        with UnitOfWork() as uow:
            row = questions.ask(uow, current_user, form, form["files"])
            question_id = row.id
            uow.commit()
    except DomainError as exc:
        if exc.status == 403:
            raise
        db.session.expire_all()
        if not exc.fields:
            return _new_page(form, {}, bilingual(exc.message)), exc.status
        return _new_page(form, {k: bilingual(v) for k, v in exc.fields.items()}), 400
    flash(_("咨询已提交，联络专员将尽快答复（一般 2 小时内，紧急 30 分钟内）"), "success")
    return redirect(url_for("questions.show", question_id=question_id))


def _pending(form):
    """The files the user uploaded with a form sent back with errors, still theirs and unowned."""
    return db.session.query(Attachment).filter(Attachment.public_id.in_(form.get("files") or [""]),
                                               Attachment.uploader_id == current_user.id,
                                               Attachment.question_id.is_(None)).all()


def _new_page(form, errors, message=None):
    return render_template("questions/new.html", form=form, errors=errors, message=message, pending=_pending(form),
                           urgencies=QUESTION_URGENCIES, minutes=questions.RESPONSE_MINUTES,
                           cases=questions.case_choices(db.session, current_user), max_text=questions.MAX_TEXT)


@bp.route("/questions/<int:question_id>")
@login_required
def show(question_id):
    return _show_page(questions.get_visible(db.session, current_user, question_id))


def _show_page(row, step=None, form=None, errors=None, message=None):
    form = form or {}
    return render_template("questions/show.html", row=row, files=question_files.by_field(row), step=step, form=form,
                           errors=errors or {}, message=message, pending=_pending(form),
                           may_answer=question_handling.may_answer(current_user, row),
                           as_enterprise=question_handling.may_write_as_enterprise(current_user, row),
                           minutes=questions.RESPONSE_MINUTES[row.urgency],
                           first_wait=questions.first_response_seconds(row))


def _step(question_id, step, action, flash_text):
    row = questions.get_visible(db.session, current_user, question_id)  # 404 outside the user's share
    form = {"text": request.form.get("text", ""), "files": [i for i in request.form.getlist("files") if i]}
    try:
        if step != "close":
            form["files"] += store_chosen_files("question", limit=questions.MAX_FILES)
        with UnitOfWork() as uow:
            action(uow, form)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        row = questions.get_visible(db.session, current_user, question_id)
        if exc.fields:
            return _show_page(row, step, form, {k: bilingual(v) for k, v in exc.fields.items()}), 400
        return _show_page(row, step, form, message=bilingual(exc.message)), exc.status
    flash(flash_text, "success")
    return redirect(url_for("questions.show", question_id=row.id, _anchor="thread"))


@bp.route("/questions/<int:question_id>/messages", methods=["POST"])
@login_required
def reply(question_id):
    return _step(question_id, "reply", lambda uow, form: question_handling.reply(
        uow, current_user, question_id, form["text"], form["files"]), _("已发送"))


@bp.route("/questions/<int:question_id>/close", methods=["POST"])
@login_required
def close(question_id):
    return _step(question_id, "close", lambda uow, form: question_handling.close(uow, current_user, question_id),
                 _("咨询已关闭"))


@bp.route("/questions/<int:question_id>/reopen", methods=["POST"])
@login_required
def reopen(question_id):
    return _step(question_id, "reopen", lambda uow, form: question_handling.reopen(
        uow, current_user, question_id, form["text"], form["files"]), _("咨询已重新打开"))


@bp.route("/questions/<int:question_id>/files/<public_id>")
@login_required
def file(question_id, public_id):
    item = question_files.file_of(db.session, questions.get_visible(db.session, current_user, question_id), public_id)
    return send_stored(item)
