"""Training sessions (培训记录, services/trainings.py): the list with filters and CSV, the form project leads and the
project team record a session with (its attendees and materials), the session's page with the assessment (考核), its
materials and the printable sign-in sheet (签到表). Enterprise staff see the on-site trainings given to their
enterprise; the plan and the targets are in web/training_plans.py."""

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import SHANGHAI, clock
from ..errors import DomainError
from ..extensions import db
from ..models import ASSESSMENT_RESULTS, TRAINING_KINDS, TRAINING_MODULES, Attachment
from ..services import drills, training_files, trainings
from ..services.uow import UnitOfWork
from . import training_pdf
from .downloads import csv_download, csv_moment
from .forms_render import bilingual
from .names import label
from .query_args import int_or_none, page_count, page_number, read_days
from .stored_files import send_stored
from .uploads import store_chosen_files

bp = Blueprint("trainings", __name__)
PAGE_SIZE = 50
MAX_FILES = 20


@bp.app_template_global()
def may_read_trainings():
    return current_user.is_authenticated and trainings.may_read(current_user)


@bp.app_template_global()
def may_read_drills():
    return current_user.is_authenticated and drills.may_read(current_user)


@bp.app_template_filter("training_kind")
def training_kind(code):
    return label(TRAINING_KINDS, code)


@bp.app_template_filter("training_module")
def training_module(code):
    return label(TRAINING_MODULES, code)


@bp.app_template_filter("assessment_result")
def assessment_result(code):
    return label(ASSESSMENT_RESULTS, code) if code else ""


@bp.app_template_filter("hours")
def hours_text(value):
    """1.0 → "1", 1.5 → "1.5"."""
    return f"{value:g}" if value is not None else ""


# ---- the list ----------------------------------------------------------------------------------------------------
def _filter(args, limit=PAGE_SIZE, page=1):
    errors = {}
    days = read_days(args, ("date_from", "date_to"), errors)
    flt = trainings.TrainingFilter(kind=args.get("kind", "") if args.get("kind") in TRAINING_KINDS else "",
                                   enterprise_id=int_or_none(args.get("enterprise_id")), text=args.get("q", "")
                                   .strip()[:100], limit=limit, offset=(page - 1) * (limit or 0), **days)
    return flt, errors


@bp.route("/training")
@login_required
def index():
    page = page_number(request.args)
    flt, errors = _filter(request.args, PAGE_SIZE, page)
    rows, total = trainings.listing(db.session, current_user, flt)
    return render_template("training/index.html", rows=rows, total=total, page=page,
                           pages=page_count(total, PAGE_SIZE), args=request.args, errors=errors, kinds=TRAINING_KINDS,
                           enterprises=trainings.enterprise_choices(db.session)
                           if trainings.reads_all(current_user) else [],
                           reads_all=trainings.reads_all(current_user), may_write=trainings.may_write(current_user))


@bp.route("/training.csv")
@login_required
def export():
    flt, _errors = _filter(request.args, None)
    rows, _total = trainings.listing(db.session, current_user, flt)
    lines = [[_("编号"), _("类别"), _("培训时间"), _("学时"), _("主题"), _("内容模块"), _("授课人"), _("地点"), _("受训企业"),
              _("参训人数"), _("考核合格"), _("考核不合格"), _("计划项"), _("登记人")]]
    for r in rows:
        passed = sum(1 for a in r.attendees if a.result == "pass")
        failed = sum(1 for a in r.attendees if a.result == "fail")
        lines.append([r.id, training_kind(r.kind), csv_moment(r.held_at), r.hours, r.topic,
                      "、".join(training_module(m) for m in r.modules or []), r.trainer, r.location,
                      "、".join(e.name for e in r.enterprises), r.attendee_count, passed, failed,
                      f"{r.plan_item.year}-{r.plan_item.month:02d} {r.plan_item.topic}" if r.plan_item else "",
                      r.recorded_by.display_name])
    return csv_download(lines, f"trainings-{clock.local_now():%Y%m%d-%H%M}.csv")


# ---- writing -----------------------------------------------------------------------------------------------------
def _typed():
    form = {name: request.form.get(name, "").strip() for name in trainings.FIELDS}
    form["attendees"] = request.form.get("attendees", "")
    for name in ("modules", "staff_ids", "enterprise_ids"):
        form[name] = [v for v in request.form.getlist(name) if v]
    form["files"] = [i for i in request.form.getlist("files") if i]
    return form


@bp.route("/training/new", methods=["GET", "POST"])
@login_required
def new():
    trainings.check_may_write(current_user)
    if request.method == "GET":
        kind = request.args.get("kind") if request.args.get("kind") in TRAINING_KINDS else "internal"
        now = clock.local_now().replace(minute=0, second=0, microsecond=0)
        return _form_page({"kind": kind, "held_at": now.strftime("%Y-%m-%dT%H:%M"), "hours": "2", "modules": [],
                           "staff_ids": [], "enterprise_ids": [request.args["enterprise_id"]]
                           if request.args.get("enterprise_id") else [], "files": []}, {})
    form = _typed()
    return _save(form, None, lambda uow: trainings.create(uow, current_user, form, form["files"]).id)


@bp.route("/training/<int:training_id>/edit", methods=["GET", "POST"])
@login_required
def edit(training_id):
    row = trainings.get(db.session, current_user, training_id)
    trainings.check_may_write(current_user)
    if request.method == "GET":
        form = {name: getattr(row, name) for name in ("kind", "topic", "modules", "content", "trainer", "location",
                                                      "attendee_count")}
        form.update(held_at=row.held_at.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M"), hours=f"{row.hours:g}",
                    plan_item_id=str(row.plan_item_id or ""), files=[],
                    staff_ids=[str(a.user_id) for a in row.attendees if a.user_id],
                    enterprise_ids=[str(e.id) for e in row.enterprises],
                    attendees="\n".join(f"{a.name} {a.position}".strip() for a in row.attendees if not a.user_id))
        return _form_page(form, {}, row=row)
    form = _typed()
    removed = request.form.getlist("remove_files")
    return _save(form, row, lambda uow: trainings.update(uow, current_user, training_id, form, form["files"],
                                                         removed).id)


def _save(form, row, write):
    try:
        form["files"] += store_chosen_files("training", limit=MAX_FILES)
        with UnitOfWork() as uow:
            training_id = write(uow)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        fields = {k: bilingual(v) for k, v in exc.fields.items()}
        return _form_page(form, fields, None if fields else bilingual(exc.message), row=row), exc.status
    flash(_("培训记录已保存"), "success")
    return redirect(url_for("trainings.show", training_id=training_id))


def _form_page(form, errors, message=None, row=None):
    pending = db.session.query(Attachment).filter(Attachment.public_id.in_(form.get("files") or [""]),
                                                  Attachment.uploader_id == current_user.id,
                                                  Attachment.training_id.is_(None)).all()
    year = clock.local_now().year
    return render_template("training/form.html", form=form, errors=errors, message=message, row=row,
                           pending=pending, kinds=TRAINING_KINDS, modules=TRAINING_MODULES,
                           staff=trainings.staff_choices(db.session),
                           enterprises=trainings.enterprise_choices(db.session),
                           plan_items=trainings.plan_choices(db.session, year),
                           chosen_staff={str(v) for v in form.get("staff_ids") or []},
                           chosen_enterprises={str(v) for v in form.get("enterprise_ids") or []},
                           max_text=trainings.MAX_TEXT)


# ---- the session -------------------------------------------------------------------------------------------------
@bp.route("/training/<int:training_id>")
@login_required
def show(training_id):
    row = trainings.get(db.session, current_user, training_id)
    return _show_page(row, {}, {})


def _show_page(row, form, errors, message=None):
    return render_template("training/show.html", row=row, form=form, errors=errors, message=message,
                           results=ASSESSMENT_RESULTS, may_write=trainings.may_write(current_user))


@bp.route("/training/<int:training_id>/assessment", methods=["POST"])
@login_required
def assess(training_id):
    row = trainings.get(db.session, current_user, training_id)
    trainings.check_may_write(current_user)
    form = {key: request.form.get(key, "") for key in request.form if key.startswith(("result_", "score_"))}
    results = {str(a.id): (form.get(f"result_{a.id}", ""), form.get(f"score_{a.id}", "")) for a in row.attendees}
    try:
        with UnitOfWork() as uow:
            trainings.assess(uow, current_user, training_id, results)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        fields = {k: bilingual(v) for k, v in exc.fields.items()}
        return _show_page(trainings.get(db.session, current_user, training_id), form, fields,
                          None if fields else bilingual(exc.message)), exc.status
    flash(_("考核结果已保存"), "success")
    return redirect(url_for("trainings.show", training_id=training_id))


@bp.route("/training/<int:training_id>/files/<public_id>")
@login_required
def material(training_id, public_id):
    item = training_files.file_of(db.session, trainings.get(db.session, current_user, training_id), public_id)
    return send_stored(item)


@bp.route("/training/<int:training_id>/sign-in.pdf")
@login_required
def sign_in_sheet(training_id):
    row = trainings.get(db.session, current_user, training_id)
    return Response(training_pdf.render(row), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="training-{row.id}-sign-in.pdf"'})
