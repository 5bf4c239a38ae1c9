"""My tasks: the role inbox, one task's page with its form, and claim / release / reassign / complete."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..models import GRADES
from ..services import forms, tasks
from ..services.access import get_workable_task
from ..services.processes import form_for
from ..services.tasks import InboxFilter
from ..services.uow import UnitOfWork
from . import forms_render, names
from .auth import _safe_next
from .cases import case_context, enterprise_choices, may_reassign, reassign_candidates
from .query_args import int_or_none, page_count, page_number

bp = Blueprint("inbox", __name__)
forms_render.install(bp)


@bp.app_template_global()
def url_with(**changes):
    """The current page's URL with some query arguments changed (None drops one); back to page 1."""
    args = {k: v for k, v in request.args.items() if k != "page"}
    args.update(changes)
    return url_for(request.endpoint, **(request.view_args or {}),
                   **{k: v for k, v in args.items() if v not in (None, "")})


@bp.app_template_global()
def here():
    return request.full_path if request.query_string else request.path


# ---- inbox -----------------------------------------------------------------------------------------------
@bp.route("/tasks")
@bp.route("/")  # registered first, so url_for builds "/"
@login_required
def index():
    flt, page = _inbox_filter(request.args)
    rows, total = tasks.inbox(db.session, current_user, flt)
    counts = tasks.inbox_counts(db.session, current_user)
    return render_template("inbox.html", tasks=rows, total=total, counts=counts, page=page,
                           pages=page_count(total, flt.limit), grades=GRADES, args=request.args,
                           enterprises=enterprise_choices(current_user),
                           filtered=any(request.args.get(k) for k in
                                        ("grade", "overdue", "enterprise_id", "due_before", "mine")))


def _inbox_filter(args):
    page = page_number(args)
    size = current_app.config["INBOX_PAGE_SIZE"]
    due = forms_render.parse_date(args.get("due_before"))
    flt = InboxFilter(grade=args.get("grade") if args.get("grade") in GRADES else None,
                      overdue=args.get("overdue") == "1", enterprise_id=int_or_none(args.get("enterprise_id")),
                      due_before=forms_render.end_of_local_day(due) if due else None,
                      mine=args.get("mine") == "1", limit=size, offset=(page - 1) * size)
    return flt, page


# ---- one task ----------------------------------------------------------------------------------------------
@bp.route("/tasks/<int:task_id>")
@login_required
def task(task_id):
    return _task_page(task_id)


@bp.route("/tasks/<int:task_id>", methods=["POST"])
@login_required
def complete(task_id):
    raw = request.form.to_dict(flat=False)
    current = get_workable_task(db.session, current_user, task_id)
    form = form_for(current.case.process_version, current.form_key)
    data = forms.coerce(form, forms_render.normalize(form, raw))
    try:
        with UnitOfWork() as uow:
            case = tasks.complete(uow, current_user, task_id, data)
            code, name = case.code, current.name
            uow.commit()
    except ValidationFailed as exc:
        return _task_page(task_id, raw, exc.fields, exc.message, 400)
    except Conflict as exc:
        return _task_page(task_id, raw, {}, exc.message, 409)
    flash(_("已提交“%(task)s”（%(code)s）", task=names.step_name(name), code=code), "success")
    return redirect(url_for("inbox.index"))


@bp.route("/tasks/<int:task_id>/draft", methods=["POST"])
@login_required
def save_draft(task_id):
    """保存草稿: the task form's values so far, kept on the task; nothing is required yet."""
    raw = request.form.to_dict(flat=False)
    current = get_workable_task(db.session, current_user, task_id)
    form = form_for(current.case.process_version, current.form_key)
    data = forms.coerce(form, forms_render.normalize(form, raw))
    try:
        with UnitOfWork() as uow:
            tasks.save_draft(uow, current_user, task_id, data)
            uow.commit()
    except ValidationFailed as exc:
        return _task_page(task_id, raw, exc.fields, exc.message, 400)
    except Conflict as exc:
        return _task_page(task_id, raw, {}, exc.message, 409)
    flash(_("草稿已保存，提交前可随时修改"), "success")
    return redirect(url_for("inbox.task", task_id=task_id))


def _task_page(task_id, raw=None, errors=None, message=None, status=200):
    errors = errors or {}
    try:
        current = get_workable_task(db.session, current_user, task_id)
    except NotFound:
        if status == 409:  # someone else finished it meanwhile: say so rather than "not found"
            return render_template("error.html", status=status, message=message), status
        raise
    case = current.case
    form = form_for(case.process_version, current.form_key)
    from_draft = raw is None and current.draft_saved_at is not None
    raw = forms_render.to_raw(form, current.draft or {}) if from_draft else (raw or {})
    rows = forms_render.build(form, raw, errors, files=forms_render.describe_files(
        db.session, current_user, forms_render.file_ids(form, raw), case_id=case.id))
    known = {f.name for row in rows for f in row}
    return render_template(
        "task.html", task=current, case=case, form=form, rows=rows, message=message, from_draft=from_draft,
        other_errors={k: v for k, v in errors.items() if k not in known},
        candidates=reassign_candidates(current) if may_reassign(current_user) else [],
        **case_context(case)), status


@bp.route("/tasks/<int:task_id>/claim", methods=["POST"])
@login_required
def claim(task_id):
    return _act(task_id, tasks.claim, _("已认领任务，其他人将不能再认领"))


@bp.route("/tasks/<int:task_id>/release", methods=["POST"])
@login_required
def release(task_id):
    return _act(task_id, tasks.release, _("已释放任务，同角色的其他人可以认领"))


@bp.route("/tasks/<int:task_id>/reassign", methods=["POST"])
@login_required
def reassign(task_id):
    return _act(task_id, tasks.reassign, _("已改派任务"),
                request.form.get("username", "").strip(), request.form.get("reason", ""))


def _act(task_id, action, done, *args):
    """Run one task action; a conflict or a bad input comes back as a flash, not an error page."""
    try:
        with UnitOfWork() as uow:
            action(uow, current_user, task_id, *args)
            uow.commit()
        flash(done, "success")
    except (Conflict, ValidationFailed) as exc:
        flash(forms_render.bilingual(exc.message), "error")
    return redirect(_safe_next(request.form.get("next")) or url_for("inbox.task", task_id=task_id))
