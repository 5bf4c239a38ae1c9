"""Supervision records on the inspection staff (督查记录, services/staff_supervision.py): the list with the year's
monthly cross-check commitment (每月交叉互查), the form project leads and quality supervisors record and change a
record with (errors next to the fields, the input kept), and the record's page with its history."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import clock
from ..errors import DomainError
from ..extensions import db
from ..models import SUPERVISION_KINDS, SUPERVISION_MEASURES, SUPERVISION_RESULTS, AuditEvent, InspectionVisit
from ..services import performance, staff_supervision, supervision_commitments, users
from ..services.performance_signals import field_staff
from ..services.uow import UnitOfWork
from .forms_render import bilingual
from .names import N_
from .query_args import int_or_none, page_count, page_number, read_days

bp = Blueprint("staff_supervision", __name__, url_prefix="/performance/supervision")
PAGE_SIZE = 50
VISIT_CHOICES = 200  # the form offers the latest visits
# The audit log's names of a record's fields (services/staff_supervision.snapshot).
SUPERVISION_TITLES = {"supervision_kind": N_("督查方式"), "supervision_checked_on": N_("督查日期"),
                      "supervision_visit": N_("被检查的排查"), "supervision_area": N_("督查区域"),
                      "supervision_checkers": N_("督查人员"), "supervision_findings": N_("督查发现"),
                      "supervision_result": N_("督查结果"), "supervision_measures": N_("处理措施"),
                      "supervision_measures_note": N_("处理说明"), "supervision_staff": N_("被督查人员")}


def audit_labels(catalog):
    from .performance import supervision_kind, supervision_measure, supervision_result
    catalog.labels.setdefault("supervision_kind", {c: supervision_kind(c) for c in SUPERVISION_KINDS})
    catalog.labels.setdefault("supervision_result", {c: supervision_result(c) for c in SUPERVISION_RESULTS})
    catalog.labels.setdefault("supervision_measures", {c: supervision_measure(c) for c in SUPERVISION_MEASURES})


@bp.app_template_global()
def supervision_value(name, value):
    """An audited value of a record as a reader names it (codes by their names, lists joined, a dash for none)."""
    from .performance import supervision_kind, supervision_measure, supervision_result
    shown = {"supervision_kind": supervision_kind, "supervision_result": supervision_result,
             "supervision_measures": supervision_measure}.get(name)
    values = value if isinstance(value, list) else [value]
    text = _("、").join(str(shown(v) if shown else v) for v in values if v not in (None, ""))
    return text or "—"


@bp.app_template_global()
def may_read_staff_supervision():
    return current_user.is_authenticated and staff_supervision.may_read(current_user)


@bp.app_template_global()
def staff_supervision_of_notice(notification):
    return staff_supervision.of_notice_key(notification.dedup_key)


@bp.route("")
@login_required
def index():
    lists = staff_supervision.may_read(current_user)
    if not lists:  # the bureau, managers, administrators: the cross-check summary only
        performance.check_may_read_ranking(current_user)
    errors = {}
    days = read_days(request.args, ("since", "until"), errors)
    page = page_number(request.args)
    flt = staff_supervision.SupervisionFilter(
        kind=request.args.get("kind") if request.args.get("kind") in SUPERVISION_KINDS else "",
        result=request.args.get("result") if request.args.get("result") in SUPERVISION_RESULTS else "",
        staff_id=int_or_none(request.args.get("staff_id")), limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, **days)
    rows, total = staff_supervision.listing(db.session, current_user, flt) if lists else ([], 0)
    year = int_or_none(request.args.get("year")) or clock.local_now().year
    if not 2000 <= year <= 2100:
        errors["year"] = _("年份应在 2000 到 2100 之间")
        year = clock.local_now().year
    cross = supervision_commitments.cross_checks(db.session, current_user, year) \
        if performance.may_read_ranking(current_user) else None
    reads_all = staff_supervision.reads_all(current_user)
    return render_template("performance/supervision_index.html", rows=rows, total=total, page=page,
                           pages=page_count(total, PAGE_SIZE), args=request.args, errors=errors, cross=cross,
                           year=year, kinds=SUPERVISION_KINDS, results=SUPERVISION_RESULTS, reads_all=reads_all,
                           staff=field_staff(db.session) if reads_all else [],
                           may_write=staff_supervision.may_write(current_user)), 400 if errors else 200


def _typed():
    form = {name: request.form.get(name, "").strip() for name in staff_supervision.FIELDS}
    for name in ("findings", "measures_note"):
        form[name] = request.form.get(name, "")
    form["measures"] = [v for v in request.form.getlist("measures") if v]
    form["staff_ids"] = [v for v in request.form.getlist("staff_ids") if v]
    return form


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    staff_supervision.check_may_write(current_user)
    if request.method == "GET":
        kind = request.args.get("kind") if request.args.get("kind") in SUPERVISION_KINDS else "unannounced"
        form = {"kind": kind, "checked_on": clock.local_now().date().isoformat(), "result": "pass", "measures": [],
                "staff_ids": [v for v in request.args.getlist("staff_id") if v],
                "visit_id": request.args.get("visit_id", "")}
        return _form_page(form, {})
    form = _typed()
    return _save(form, None, lambda uow: staff_supervision.create(uow, current_user, form).id)


@bp.route("/<int:record_id>/edit", methods=["GET", "POST"])
@login_required
def edit(record_id):
    row = staff_supervision.get(db.session, current_user, record_id)
    staff_supervision.check_may_write(current_user)
    if request.method == "GET":
        form = {name: getattr(row, name) for name in ("kind", "area", "checkers", "findings", "result",
                                                      "measures_note")}
        form.update(checked_on=row.checked_on.isoformat(), visit_id=str(row.visit_id or ""),
                    measures=list(row.measures or []),
                    staff_ids=[str(i) for i in staff_supervision.staff_of(db.session, row)])
        return _form_page(form, {}, row=row)
    form = _typed()
    return _save(form, row, lambda uow: staff_supervision.update(uow, current_user, record_id, form).id)


def _save(form, row, write):
    try:
        with UnitOfWork() as uow:
            record_id = write(uow)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        fields = {k: bilingual(v) for k, v in exc.fields.items()}
        return _form_page(form, fields, None if fields else bilingual(exc.message), row=row), exc.status
    flash(_("督查记录已保存"), "success")
    return redirect(url_for("staff_supervision.show", record_id=record_id))


def _form_page(form, errors, message=None, row=None):
    visits = db.session.query(InspectionVisit).order_by(InspectionVisit.visited_on.desc(), InspectionVisit.id.desc()) \
        .limit(VISIT_CHOICES).all()
    chosen = str(form.get("visit_id") or "")
    if chosen.isdigit() and all(str(v.id) != chosen for v in visits):
        extra = db.session.get(InspectionVisit, int(chosen))
        visits += [extra] if extra is not None else []
    return render_template("performance/supervision_form.html", form=form, errors=errors, message=message, row=row,
                           kinds=SUPERVISION_KINDS, results=SUPERVISION_RESULTS, measures=SUPERVISION_MEASURES,
                           staff=field_staff(db.session), visits=visits,
                           chosen_staff={str(v) for v in form.get("staff_ids") or []},
                           chosen_measures=set(form.get("measures") or []),
                           max_text=staff_supervision.MAX_TEXT)


@bp.route("/<int:record_id>")
@login_required
def show(record_id):
    row = staff_supervision.get(db.session, current_user, record_id)
    events = db.session.query(AuditEvent).filter_by(subject_type=staff_supervision.SUBJECT, subject_id=row.id) \
        .order_by(AuditEvent.created_at, AuditEvent.id).all() if staff_supervision.reads_all(current_user) else []
    return render_template("performance/supervision_show.html", row=row, events=events,
                           names=users.display_names(db.session, (e.actor_id for e in events)),
                           may_write=staff_supervision.may_write(current_user),
                           titles=SUPERVISION_TITLES)
