"""The learning centre's pages for editors (services/learning_edit.py, learning_bank.py): a course's form, publishing
and withdrawing, its lessons (added with their video or PDF, edited, moved, removed) and its question bank. Routes on
web/learning.py's blueprint; a course the user may not see is 404 first, then a non-editor's write 403."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..models import COURSE_AUDIENCES, COURSE_MODULES, LESSON_KINDS, QUESTION_KINDS
from ..services import attachments, learning, learning_bank, learning_edit
from ..services.uow import UnitOfWork
from .forms_render import bilingual
from .learning import LEARNING_TITLES, _course_page, bp
from .names import N_



def _fields(exc):
    return {k: bilingual(v) for k, v in exc.fields.items()}


def _write(write, done, page):
    """Run `write` in a unit of work; a field error (400) or a refusal (409) shows `page(fields, message)` again,
    403 / 404 go to the error handler."""
    try:
        with UnitOfWork() as uow:
            target = write(uow)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        fields = _fields(exc)
        return page(fields, None if fields else bilingual(exc.message)), exc.status
    flash(_(done), "success")
    return redirect(target)


# ---- courses -----------------------------------------------------------------------------------------------------
def _course_form(form, errors, row=None, message=None):
    return render_template("learning/course_form.html", form=form, errors=errors, row=row, message=message,
                           modules=COURSE_MODULES, audiences=COURSE_AUDIENCES, titles=LEARNING_TITLES)


def _typed_course():
    return {name: request.form.get(name, "").strip() for name in learning_edit.COURSE_FIELDS}


@bp.route("/courses/new", methods=["GET", "POST"])
@login_required
def new_course():
    learning.check_may_edit(current_user)
    if request.method == "GET":
        return _course_form({"module": "general", "audience": "both", **learning_edit.DEFAULTS}, {})
    form = _typed_course()
    return _write(lambda uow: url_for("learning.course", course_id=learning_edit.create_course(
        uow, current_user, form).id), N_("课程已保存"), lambda fields, message: _course_form(form, fields, None, message))


@bp.route("/courses/<int:course_id>/edit", methods=["GET", "POST"])
@login_required
def edit_course(course_id):
    row = learning.get(db.session, current_user, course_id)
    learning.check_may_edit(current_user)
    if request.method == "GET":
        form = {name: getattr(row, name) for name in learning_edit.COURSE_FIELDS}
        form["industries"] = "、".join(row.industries or [])
        return _course_form(form, {}, row)
    form = _typed_course()
    return _write(lambda uow: url_for("learning.course", course_id=learning_edit.update_course(
        uow, current_user, course_id, form).id), N_("课程已保存"),
        lambda fields, message: _course_form(form, fields, row, message))


def _course_action(course_id, write, done):
    learning.get(db.session, current_user, course_id)
    learning.check_may_edit(current_user)
    return _write(lambda uow: url_for("learning.course", course_id=write(uow, current_user, course_id).id), done,
                  lambda fields, message: _course_page(learning.get(db.session, current_user, course_id),
                                                       {"status": message})[0])


@bp.route("/courses/<int:course_id>/publish", methods=["POST"])
@login_required
def publish_course(course_id):
    return _course_action(course_id, learning_edit.publish, N_("课程已发布"))


@bp.route("/courses/<int:course_id>/withdraw", methods=["POST"])
@login_required
def withdraw_course(course_id):
    return _course_action(course_id, learning_edit.withdraw, N_("课程已撤回为草稿"))


# ---- lessons -----------------------------------------------------------------------------------------------------
def _lesson_form(row, form, errors, item=None, message=None):
    return render_template("learning/lesson_form.html", row=row, form=form, errors=errors, lesson=item,
                           message=message, kinds=LESSON_KINDS, titles=LEARNING_TITLES)


def _typed_lesson():
    return {name: request.form.get(name, "").strip() for name in learning_edit.LESSON_FIELDS}


def _chosen_file():
    """The lesson's chosen upload kept as the editor's own (a video up to MAX_VIDEO_BYTES), in its own transaction;
    its public id in a list, or [] when none was chosen."""
    upload = request.files.get("upload")
    if upload is None or not upload.filename:
        return [i for i in request.form.getlist("files") if i][:1]
    config = current_app.config
    with UnitOfWork() as uow:
        stored = attachments.store_upload(uow, current_user, upload.filename, upload.stream,
                                          upload_dir=config["UPLOAD_DIR"], max_bytes=config["MAX_UPLOAD_BYTES"],
                                          field="lesson", max_video_bytes=config["MAX_VIDEO_BYTES"])
        uow.commit()
        return [stored.public_id]


@bp.route("/courses/<int:course_id>/lessons/new", methods=["GET", "POST"])
@login_required
def new_lesson(course_id):
    row = learning.get(db.session, current_user, course_id)
    learning.check_may_edit(current_user)
    if request.method == "GET":
        return _lesson_form(row, {"kind": "video", "minutes": 45}, {})
    form = _typed_lesson()

    def write(uow):
        learning_edit.add_lesson(uow, current_user, course_id, form, _chosen_file())
        return url_for("learning.course", course_id=course_id)
    return _write(write, N_("课时已添加"), lambda fields, message: _lesson_form(row, form, fields, None, message))


@bp.route("/courses/<int:course_id>/lessons/<int:lesson_id>/edit", methods=["GET", "POST"])
@login_required
def edit_lesson(course_id, lesson_id):
    row, item = learning.lesson_of(db.session, current_user, course_id, lesson_id)
    learning.check_may_edit(current_user)
    if request.method == "GET":
        return _lesson_form(row, {name: getattr(item, name) for name in learning_edit.LESSON_FIELDS}, {}, item)
    form = _typed_lesson()

    def write(uow):
        learning_edit.update_lesson(uow, current_user, course_id, lesson_id, form, _chosen_file())
        return url_for("learning.course", course_id=course_id)
    return _write(write, N_("课时已保存"), lambda fields, message: _lesson_form(row, form, fields, item, message))


@bp.route("/courses/<int:course_id>/lessons/<int:lesson_id>/move", methods=["POST"])
@login_required
def move_lesson(course_id, lesson_id):
    learning.lesson_of(db.session, current_user, course_id, lesson_id)
    learning.check_may_edit(current_user)
    with UnitOfWork() as uow:
        learning_edit.move_lesson(uow, current_user, course_id, lesson_id, request.form.get("direction", ""))
        uow.commit()
    return redirect(url_for("learning.course", course_id=course_id) + "#lessons")


@bp.route("/courses/<int:course_id>/lessons/<int:lesson_id>/remove", methods=["POST"])
@login_required
def remove_lesson(course_id, lesson_id):
    learning.lesson_of(db.session, current_user, course_id, lesson_id)
    learning.check_may_edit(current_user)
    with UnitOfWork() as uow:
        learning_edit.remove_lesson(uow, current_user, course_id, lesson_id)
        uow.commit()
    flash(_("课时已删除"), "success")
    return redirect(url_for("learning.course", course_id=course_id) + "#lessons")


# ---- the question bank -------------------------------------------------------------------------------------------
def _typed_question():
    form = {name: request.form.get(name, "").strip() for name in ("kind", "text", "options", "explanation")}
    form["answer"] = "".join(request.form.getlist("answer")) or request.form.get("answer_text", "").strip()
    return form


def _bank_page(row, form, errors, message=None, item=None):
    return render_template("learning/questions.html", row=row, form=form, errors=errors, message=message,
                           question=item, questions=learning_bank.bank(db.session, row), kinds=QUESTION_KINDS,
                           choices=learning_bank.choices, letters=learning_bank.letters, titles=LEARNING_TITLES)


def _form_of(question):
    return {"kind": question.kind, "text": question.text, "options": "\n".join(question.options),
            "explanation": question.explanation, "answer": learning_bank.letters(question.answer)}


@bp.route("/courses/<int:course_id>/questions", methods=["GET", "POST"])
@login_required
def questions(course_id):
    row = learning.get(db.session, current_user, course_id)
    learning.check_may_edit(current_user)
    if request.method == "GET":
        return _bank_page(row, {"kind": "single"}, {})
    form = _typed_question()

    def write(uow):
        learning_bank.add_question(uow, current_user, course_id, form)
        return url_for("learning.questions", course_id=course_id)
    return _write(write, N_("题目已加入题库"), lambda fields, message: _bank_page(row, form, fields, message))


@bp.route("/courses/<int:course_id>/questions/<int:question_id>/edit", methods=["GET", "POST"])
@login_required
def edit_question(course_id, question_id):
    row, item = learning_bank.editable_question(db.session, current_user, course_id, question_id)
    if request.method == "GET":
        return _bank_page(row, _form_of(item), {}, item=item)
    form = _typed_question()

    def write(uow):
        learning_bank.update_question(uow, current_user, course_id, question_id, form)
        return url_for("learning.questions", course_id=course_id)
    return _write(write, N_("题目已保存"), lambda fields, message: _bank_page(row, form, fields, message, item))


@bp.route("/courses/<int:course_id>/questions/<int:question_id>/remove", methods=["POST"])
@login_required
def remove_question(course_id, question_id):
    learning_bank.editable_question(db.session, current_user, course_id, question_id)
    with UnitOfWork() as uow:
        learning_bank.remove_question(uow, current_user, course_id, question_id)
        uow.commit()
    flash(_("题目已从题库移除"), "success")
    return redirect(url_for("learning.questions", course_id=course_id))
