"""The learning centre's pages for learners (services/learning.py): the course list with the learner's progress and
hours, a course, a lesson (opened and marked done; its video or PDF), the mock test (start, answer, submit, result),
recording a completed course in the enterprise's training register, and the staff's hours against the yearly target.
The editors' pages are web/learning_edit.py (routes on the same blueprint)."""
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import db
from ..models import (ATTEMPT_STATUSES, COURSE_AUDIENCES, COURSE_MODULES, COURSE_STATUSES, LESSON_KINDS,
                      MINUTES_PER_PERIOD, QUESTION_KINDS)
from ..services import (learning, learning_bank, learning_files, learning_hours, learning_tests, training_plans,
                        trainings)
from ..services.uow import UnitOfWork
from .names import N_, label

bp = Blueprint("learning", __name__, url_prefix="/learning")
# The fields as the forms and the course's history name them.
LEARNING_TITLES = {"title": N_("名称"), "summary": N_("课程简介"), "module": N_("模块"), "industries": N_("适用行业"),
                   "audience": N_("适用对象"), "question_count": N_("每次抽题数"), "time_limit_minutes": N_("答题时限（分钟）"),
                   "pass_mark": N_("合格分数"), "status": N_("状态"), "lesson_title": N_("课时名称"),
                   "lesson_kind": N_("课时类型"), "lesson_body": N_("课时内容"), "lesson_minutes": N_("学时（分钟）"),
                   "lesson_file": N_("课时文件"), "lesson_order": N_("课时顺序"), "question_kind": N_("题型"),
                   "question_text": N_("题目"), "question_options": N_("选项"), "question_answer": N_("正确答案"),
                   "question_explanation": N_("答案解析")}
LABELS = {"module": COURSE_MODULES, "audience": COURSE_AUDIENCES, "status": COURSE_STATUSES, "kind": LESSON_KINDS,
          "question": QUESTION_KINDS, "attempt": ATTEMPT_STATUSES}


@bp.app_template_global()
def may_use_learning_centre():
    return current_user.is_authenticated and learning.may_learn(current_user)


@bp.app_template_filter("learning_label")
def learning_label(code, table):
    """A module, audience, status, lesson kind, question kind or attempt status in the page's language."""
    return label(LABELS[table], code)


def _year_minutes():
    return learning.minutes_in_year(db.session, [current_user.id], learning.this_year()).get(current_user.id, 0)


# ---- the list and a course ---------------------------------------------------------------------------------------
@bp.route("")
@login_required
def index():
    module = request.args.get("module", "")
    module = module if module in COURSE_MODULES else ""
    q = request.args.get("q", "").strip()[:learning.MAX_QUERY]
    courses = learning.listing(db.session, current_user, module, q)
    return render_template("learning/index.html", rows=learning.progress(db.session, current_user, courses),
                           module=module, q=q, modules=COURSE_MODULES, minutes=_year_minutes(),
                           periods=learning.periods, per_period=MINUTES_PER_PERIOD, year=learning.this_year(),
                           may_edit=learning.may_edit(current_user),
                           reads_hours=trainings.reads_all(current_user))


@bp.route("/courses/<int:course_id>")
@login_required
def course(course_id):
    return _course_page(learning.get(db.session, current_user, course_id))


def _course_page(row, errors=None, status=200):
    state = learning.progress(db.session, current_user, [row])[0]
    editor = learning.may_edit(current_user)
    enterprise = learning.enterprise_of(current_user)
    return render_template(
        "learning/course.html", row=row, state=state, may_edit=editor, errors=errors or {},
        attempts=learning_tests.attempts(db.session, current_user, row),
        bank_size=len(learning_bank.bank(db.session, row)), events=learning.history(db.session, row) if editor else [],
        titles=LEARNING_TITLES, people=learning_hours.people(db.session, current_user) if enterprise is not None and state.completion else [],
        enterprise=enterprise, periods=learning.periods), status


# ---- lessons -----------------------------------------------------------------------------------------------------
@bp.route("/courses/<int:course_id>/lessons/<int:lesson_id>")
@login_required
def lesson(course_id, lesson_id):
    with UnitOfWork() as uow:
        row, item, progress = learning.open_lesson(uow, current_user, course_id, lesson_id)
        uow.commit()
    ordered = list(row.lessons)
    index = [x.id for x in ordered].index(item.id)
    return render_template("learning/lesson.html", row=row, lesson=item, progress=progress,
                           previous=ordered[index - 1] if index else None,
                           following=ordered[index + 1] if index + 1 < len(ordered) else None,
                           number=index + 1, periods=learning.periods)


@bp.route("/courses/<int:course_id>/lessons/<int:lesson_id>/done", methods=["POST"])
@login_required
def lesson_done(course_id, lesson_id):
    with UnitOfWork() as uow:
        _progress, completion = learning.complete_lesson(uow, current_user, course_id, lesson_id)
        uow.commit()
    flash(_("课程已全部完成") if completion is not None else _("本课时已标记为完成"), "success")
    following = request.form.get("next", "")
    if following.isdigit():
        return redirect(url_for("learning.lesson", course_id=course_id, lesson_id=int(following)))
    return redirect(url_for("learning.course", course_id=course_id))


@bp.route("/courses/<int:course_id>/lessons/<int:lesson_id>/files/<public_id>")
@login_required
def lesson_file(course_id, lesson_id, public_id):
    _course, item = learning.lesson_of(db.session, current_user, course_id, lesson_id)
    stored = learning_files.file_of(db.session, item, public_id)
    path = Path(current_app.config["UPLOAD_DIR"]) / stored.stored_name
    if not path.is_file():
        abort(404)
    # A video plays in the page (range requests: conditional); a PDF downloads. The type was sniffed at upload.
    response = send_file(path, mimetype=stored.content_type, as_attachment=not stored.is_video,
                         download_name=stored.original_name, conditional=True, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


# ---- mock tests --------------------------------------------------------------------------------------------------
@bp.route("/courses/<int:course_id>/tests", methods=["POST"])
@login_required
def start_test(course_id):
    with UnitOfWork() as uow:
        attempt = learning_tests.start(uow, current_user, course_id)
        uow.commit()
        attempt_id = attempt.id
    return redirect(url_for("learning.test", attempt_id=attempt_id))


def _expire_if_late(attempt_id):
    with UnitOfWork() as uow:
        learning_tests.expire_if_late(uow, current_user, attempt_id)
        uow.commit()


@bp.route("/tests/<int:attempt_id>")
@login_required
def test(attempt_id):
    _expire_if_late(attempt_id)
    return _test_page(learning_tests.get(db.session, current_user, attempt_id))


def _test_page(attempt, errors=None, given=None, status=200):
    questions = learning_tests.questions_of(db.session, attempt)
    results = {r["question_id"]: r for r in attempt.results or []}
    return render_template("learning/test.html", attempt=attempt, questions=questions, results=results,
                           errors=errors or {}, given=given or {}, choices=learning_bank.choices,
                           letters=learning_bank.letters, seconds_left=learning_tests.seconds_left(attempt)), status


@bp.route("/tests/<int:attempt_id>/submit", methods=["POST"])
@login_required
def submit_test(attempt_id):
    _expire_if_late(attempt_id)
    attempt = learning_tests.get(db.session, current_user, attempt_id)
    given = {str(qid): request.form.getlist(f"q{qid}") for qid in attempt.question_ids
             if request.form.getlist(f"q{qid}")}
    with UnitOfWork() as uow:
        learning_tests.submit(uow, current_user, attempt_id, given)
        uow.commit()
    return redirect(url_for("learning.test", attempt_id=attempt_id))


# ---- the training register and the hours -------------------------------------------------------------------------
@bp.route("/courses/<int:course_id>/roster", methods=["POST"])
@login_required
def record_in_roster(course_id):
    with UnitOfWork() as uow:
        learning_hours.record_in_roster(uow, current_user, course_id, request.form.get("person_id", ""))
        uow.commit()
    flash(_("已记入本企业培训台账"), "success")
    return redirect(url_for("learning.course", course_id=course_id))


@bp.route("/hours")
@login_required
def hours():
    year = training_plans.year_or_current(request.args.get("year"))
    report = learning_hours.staff_year(db.session, current_user, year,
                                       current_app.config["TRAINING_STAFF_HOURS_PER_YEAR"])
    return render_template("learning/hours.html", report=report, year=year, per_period=MINUTES_PER_PERIOD)
