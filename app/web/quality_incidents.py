"""Quality incidents (质量事故, services/quality_incidents.py): the list, the registration form (new and edit, errors next
to the fields, the input kept) and the incident's page with its history. The steps' forms, the files and the PDF are
in web/quality_incident_steps.py. Every route is for quality supervisors, project leads and the bureau; enterprise staff
get 404, any other role 403 (the services' errors, through the DomainError handler)."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import SHANGHAI, clock
from ..errors import DomainError
from ..extensions import db
from ..models import (ACCOUNTABILITY_MEASURES, INCIDENT_GRADES, INCIDENT_SOURCES, INCIDENT_STATUSES, SOURCE_COLUMNS,
                      AuditEvent)
from ..services import quality_incident_handling as handling
from ..services import quality_incidents as incidents
from ..services import users
from ..services.uow import UnitOfWork
from .forms_render import bilingual
from .names import N_, label
from .query_args import page_count, page_number

bp = Blueprint("quality_incidents", __name__, url_prefix="/quality-incidents")
PAGE_SIZE = 50
# The audit log's names of an incident's fields (services/quality_incidents.snapshot, quality_incident_handling.py).
INCIDENT_TITLES = {"qi_title": N_("事故概要"), "qi_description": N_("事故经过"), "qi_found_at": N_("发现时间"),
                   "qi_source": N_("事故来源"), "qi_source_id": N_("来源记录"), "qi_cases": N_("相关隐患"),
                   "qi_visits": N_("相关排查"), "qi_grade": N_("事故级别"), "qi_due_at": N_("处置时限"),
                   "qi_responsible": N_("责任人"), "qi_investigators": N_("专项调查组"), "qi_status": N_("状态"),
                   "qi_findings": N_("调查情况"), "qi_cause": N_("事故原因"), "qi_remedy": N_("补救方案"),
                   "qi_accountability": N_("追责措施"), "qi_lesson": N_("通报内容和案例教训"),
                   "qi_training": N_("组织学习（内部培训）"), "qi_files": N_("调查录音录像")}


@bp.before_request
def _guard():
    if current_user.is_authenticated:
        incidents.check_may_read(current_user)  # enterprise staff 404, other roles 403


def audit_labels(catalog):
    catalog.labels.setdefault("qi_grade", {c: incident_grade(c) for c in INCIDENT_GRADES})
    catalog.labels.setdefault("qi_source", {c: incident_source(c) for c in INCIDENT_SOURCES})
    catalog.labels.setdefault("qi_status", {c: incident_status(c) for c in INCIDENT_STATUSES})


@bp.app_template_filter("incident_grade")
def incident_grade(code):
    return label(INCIDENT_GRADES, code)


@bp.app_template_filter("incident_status")
def incident_status(code):
    return label(INCIDENT_STATUSES, code)


@bp.app_template_filter("incident_source")
def incident_source(code):
    return label(INCIDENT_SOURCES, code)


@bp.app_template_filter("accountability_measure")
def accountability_measure(code):
    return label(ACCOUNTABILITY_MEASURES, code)


@bp.app_template_global()
def may_read_quality_incidents():
    return current_user.is_authenticated and incidents.may_read(current_user)


@bp.app_template_global()
def quality_incident_of_notice(notification):
    return incidents.of_notice_key(notification.dedup_key)


@bp.app_template_global()
def incident_value(name, value):
    """An audited value as a reader names it (codes by their names, lists joined, a dash for none)."""
    shown = {"qi_grade": incident_grade, "qi_source": incident_source, "qi_status": incident_status}.get(name)
    if name == "qi_accountability" and isinstance(value, dict):
        return _("；").join(f"{who}{_('：')}{_('、').join(accountability_measure(m) for m in pair[0]) or '—'}"
                            for who, pair in value.items()) or "—"
    values = value if isinstance(value, list) else [value]
    text = _("、").join(str(shown(v) if shown else v) for v in values if v not in (None, ""))
    return text or "—"


# ---- the list ----------------------------------------------------------------------------------------------------
@bp.route("")
@login_required
def index():
    args = request.args
    page = page_number(args)
    flt = incidents.IncidentFilter(status=args.get("status") if args.get("status") in INCIDENT_STATUSES else "",
                                   grade=args.get("grade") if args.get("grade") in INCIDENT_GRADES else "",
                                   overdue=args.get("overdue") == "1", limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    rows, total = incidents.listing(db.session, current_user, flt)
    return render_template("quality_incidents/index.html", rows=rows, total=total, page=page, args=args,
                           pages=page_count(total, PAGE_SIZE), grades=INCIDENT_GRADES, statuses=INCIDENT_STATUSES,
                           now=clock.now(), may_manage=incidents.may_manage(current_user))


# ---- the registration --------------------------------------------------------------------------------------------
def _typed():
    form = {name: request.form.get(name, "").strip() for name in ("title", "found_at", "grade", "case_codes",
                                                                  "visit_ids", "source_ref")}
    form["description"] = request.form.get("description", "")
    form["responsible_ids"] = [v for v in request.form.getlist("responsible_ids") if v]
    source, _sep, source_id = form["source_ref"].partition(":")
    form.update(source=source, source_id=source_id)
    return form


def _form_errors(exc):
    fields = {k: bilingual(v) for k, v in exc.fields.items()}
    for name in ("source", "source_id"):  # one control on the page
        if name in fields:
            fields.setdefault("source_ref", fields.pop(name))
    return fields


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    incidents.check_may_manage(current_user)
    if request.method == "GET":
        form = {"found_at": clock.local_now().strftime("%Y-%m-%dT%H:%M"), "grade": "general",
                "source_ref": request.args.get("source_ref", "other"), "responsible_ids": []}
        return _form_page(form, {})
    form = _typed()
    return _save(form, None, lambda uow: incidents.register(uow, current_user, form).id)


@bp.route("/<int:incident_id>/edit", methods=["GET", "POST"])
@login_required
def edit(incident_id):
    row = incidents.get(db.session, current_user, incident_id)
    incidents.check_may_manage(current_user)
    if request.method == "GET":
        column = SOURCE_COLUMNS.get(row.source)
        form = {"title": row.title, "description": row.description, "grade": row.grade,
                "found_at": row.found_at.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M"),
                "source_ref": f"{row.source}:{getattr(row, column)}" if column else "other",
                "case_codes": " ".join(c.code for c in incidents.cases_of(db.session, row)),
                "visit_ids": " ".join(str(i) for i in row.visit_ids or []),
                "responsible_ids": [str(p.user_id) for p in row.responsible]}
        return _form_page(form, {}, row=row)
    form = _typed()
    return _save(form, row, lambda uow: incidents.update(uow, current_user, incident_id, form).id)


def _save(form, row, write):
    try:
        with UnitOfWork() as uow:
            incident_id = write(uow)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        fields = _form_errors(exc)
        return _form_page(form, fields, None if fields else bilingual(exc.message), row=row), exc.status
    flash(_("质量事故已保存"), "success")
    return redirect(url_for("quality_incidents.show", incident_id=incident_id))


def _form_page(form, errors, message=None, row=None):
    return render_template("quality_incidents/form.html", form=form, errors=errors, message=message, row=row,
                           grades=INCIDENT_GRADES, other_source=incident_source("other"),
                           choices=incidents.source_choices(db.session), staff=incidents.company_staff(db.session),
                           chosen_staff={str(v) for v in form.get("responsible_ids") or []},
                           max_text=incidents.MAX_TEXT)


# ---- the incident ------------------------------------------------------------------------------------------------
@bp.route("/<int:incident_id>")
@login_required
def show(incident_id):
    return show_page(incidents.get(db.session, current_user, incident_id))


def show_page(row, forms=None, errors=None, message=None, status=200):
    """The incident's page; `forms` / `errors`: a posted step's values and errors by the step's name."""
    events = db.session.query(AuditEvent).filter_by(subject_type=incidents.SUBJECT, subject_id=row.id) \
        .order_by(AuditEvent.created_at, AuditEvent.id).all()
    may_manage = incidents.may_manage(current_user)
    return render_template(
        "quality_incidents/show.html", row=row, events=events, titles=INCIDENT_TITLES,
        names=users.display_names(db.session, (e.actor_id for e in events)), may_manage=may_manage,
        cases=incidents.cases_of(db.session, row), visits=incidents.visits_of(db.session, row),
        source=incidents.source_record(row), now=clock.now(), measures=ACCOUNTABILITY_MEASURES,
        staff=incidents.company_staff(db.session) if may_manage and row.status == "registered" else [],
        trainings=handling.training_choices(db.session, row) if may_manage and row.status == "notified" else [],
        recordings=handling.recordings(db.session, row), min_group=handling.MIN_GROUP,
        forms=forms or {}, errors=errors or {}, message=message, max_text=incidents.MAX_TEXT), status
