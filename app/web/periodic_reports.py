"""Periodic reports to the bureau (定期报告, services/periodic_reports.py and periodic_report_review.py): the list, the
due list (报送期限), the writer's form with the period's figures beside it, the report page with its versions, issuing,
the bureau's sign / return, publishing the annual edition, and the PDF of a version."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..models import GRADES, PERIODIC_REPORT_KINDS, PERIODIC_REPORT_SECTIONS, PERIODIC_REPORT_STATUSES
from ..services import periodic_report_due as due, periodic_report_facts, periodic_report_review as review, \
    periodic_reports
from ..services.uow import UnitOfWork
from . import forms_render, periodic_report_pdf
from .forms_render import bilingual
from .names import label
from .query_args import int_or_none, page_count, page_number

bp = Blueprint("periodic_reports", __name__)
PAGE_SIZE = 50


@bp.app_template_global()
def may_read_periodic_reports():
    return current_user.is_authenticated and periodic_reports.may_read(current_user)


@bp.app_template_global()
def periodic_report_of_notice(notice):
    """(endpoint, arguments) of the page a periodic report's notice links to, or None for other notices."""
    if notice.kind == due.REMINDER_KIND:
        return "periodic_reports.due_list", {}
    parts = (notice.dedup_key or "").split(":")
    if parts[0] == "periodic_report" and len(parts) == 4 and parts[1].isdigit():
        return "periodic_reports.show", {"report_id": int(parts[1])}
    return None


@bp.app_template_filter("periodic_kind")
def periodic_kind(code):
    return label(PERIODIC_REPORT_KINDS, code)


@bp.app_template_filter("periodic_status")
def periodic_status(code):
    return label(PERIODIC_REPORT_STATUSES, code)


@bp.app_template_filter("periodic_section")
def periodic_section(code):
    return label(PERIODIC_REPORT_SECTIONS, code)


@bp.app_template_filter("due_state")
def due_state(code):
    return label(due.STATES, code)


def labels():
    """What the figures' codes are called, for the templates and the PDF."""
    return {"grade": lambda c: label(GRADES, c) if c != "ungraded" else _("未定级"),
            "hazard_type": lambda c: forms_render.Catalog.deployed().show("hazard_type", c)}


def _visible(report_id):
    return periodic_reports.get(db.session, current_user, report_id)


# ---- lists -------------------------------------------------------------------------------------------------------
@bp.route("/periodic-reports")
@login_required
def index():
    periodic_reports.check_may_read(current_user)
    page = page_number(request.args)
    kind = request.args.get("kind", "") if request.args.get("kind") in PERIODIC_REPORT_KINDS else ""
    status = request.args.get("status", "") if request.args.get("status") in PERIODIC_REPORT_STATUSES else ""
    year = int_or_none(request.args.get("year"))
    flt = periodic_reports.ReportFilter(kind=kind, status=status, year=year if year and 2000 <= year <= 2999 else None,
                                        limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    rows, total = periodic_reports.listing(db.session, current_user, flt)
    waiting = [o for o in due.owed(db.session) if o.state() == "overdue"]
    return render_template("periodic_reports/index.html", rows=rows, total=total, page=page,
                           pages=page_count(total, PAGE_SIZE), args=request.args, kinds=PERIODIC_REPORT_KINDS,
                           statuses=PERIODIC_REPORT_STATUSES, overdue=waiting,
                           may_write=periodic_reports.may_write(current_user))


@bp.route("/periodic-reports/due")
@login_required
def due_list():
    periodic_reports.check_may_read(current_user)
    return render_template("periodic_reports/due.html", rows=due.owed(db.session),
                           may_write=periodic_reports.may_write(current_user))


# ---- writing -----------------------------------------------------------------------------------------------------
def _typed(kind):
    return {"kind": kind, "period_start": request.form.get("period_start", "").strip(),
            "period_end": request.form.get("period_end", "").strip(),
            "sections": {code: request.form.get(code, "") for code, _ in periodic_reports.sections_of(kind)},
            "typical_case_ids": [v for v in request.form.getlist("typical_case_ids") if v.strip()]}


def _writer():
    periodic_reports.check_may_write(current_user)


@bp.route("/periodic-reports/new", methods=["GET", "POST"])
@login_required
def new():
    _writer()
    kind = request.values.get("kind", "")
    if kind not in PERIODIC_REPORT_KINDS:
        return render_template("periodic_reports/choose.html", kinds=PERIODIC_REPORT_KINDS)
    if request.method == "GET":
        start, end = periodic_reports.default_period(db.session, kind)
        form = {"kind": kind, "period_start": start.isoformat(), "period_end": end.isoformat(), "sections": {},
                "typical_case_ids": []}
        return _form_page(kind, form, {})
    form, action = _typed(kind), request.form.get("action", "draft")
    if action == "preview":
        return _form_page(kind, form, {})
    return _save(kind, form, action, None, lambda uow: periodic_reports.create(
        uow, current_user, form, issue_now=action == "issue").id)


@bp.route("/periodic-reports/<int:report_id>/edit", methods=["GET", "POST"])
@login_required
def edit(report_id):
    report = _visible(report_id)
    _writer()
    if not report.editable:
        abort(409, _("报告已报送，等待签收或已签收，不能修改"))
    if request.method == "GET":
        form = {"kind": report.kind, "period_start": report.period_start.isoformat(),
                "period_end": report.period_end.isoformat(), "sections": dict(report.sections),
                "typical_case_ids": list(report.typical_case_ids)}
        return _form_page(report.kind, form, {}, report=report)
    form, action = _typed(report.kind), request.form.get("action", "draft")
    if action == "preview":
        return _form_page(report.kind, form, {}, report=report)

    def write(uow):
        periodic_reports.update(uow, current_user, report_id, form)
        if action == "issue":
            periodic_reports.issue(uow, current_user, report_id)
        return report_id
    return _save(report.kind, form, action, report, write)


def _save(kind, form, action, report, write):
    try:
        with UnitOfWork() as uow:
            report_id = write(uow)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        fields = {k: bilingual(v) for k, v in exc.fields.items()}
        return _form_page(kind, form, fields, None if fields else bilingual(exc.message), report=report), exc.status
    flash(_("报告已报送应急管理局") if action == "issue" else _("报告草稿已保存"), "success")
    return redirect(url_for("periodic_reports.show", report_id=report_id))


def _form_page(kind, form, errors, message=None, report=None):
    """The form with the figures of the period typed (when it reads as one) beside it."""
    figures, period_errors = None, {}
    start, end = periodic_reports.read_period(kind, form, period_errors)
    if not period_errors:
        figures = periodic_report_facts.compute(db.session, kind, start, end)
    chosen = [i for i in (int_or_none(v) for v in form.get("typical_case_ids", [])) if i is not None]
    return render_template("periodic_reports/form.html", kind=kind, form=form, errors={**period_errors, **errors},
                           message=message, report=report, figures=figures, labels=labels(),
                           sections=periodic_reports.sections_of(kind), chosen=chosen,
                           library=periodic_reports.library_choices(db.session, chosen)
                           if periodic_reports.takes_typical_cases(kind) else [],
                           period_fixed=bool(report and report.versions_issued),
                           max_section=periodic_reports.MAX_SECTION)


def _act(report_id, action, done, form=None):
    """`action(uow)` in one unit of work: back to the report with `done`, or its page again with the error next to
    the field and what was typed kept."""
    try:
        with UnitOfWork() as uow:
            action(uow)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        errors = {k: bilingual(v) for k, v in exc.fields.items()}
        report = _visible(report_id)
        return _show_page(report, None if report.editable else report.latest, form or {}, errors,
                          None if errors else bilingual(exc.message)), exc.status
    flash(done, "success")
    return redirect(url_for("periodic_reports.show", report_id=report_id))


@bp.route("/periodic-reports/<int:report_id>/issue", methods=["POST"])
@login_required
def issue(report_id):
    return _act(report_id, lambda uow: periodic_reports.issue(uow, current_user, report_id),
                _("报告已报送应急管理局"))


@bp.route("/periodic-reports/<int:report_id>/sign", methods=["POST"])
@login_required
def sign(report_id):
    return _act(report_id, lambda uow: review.sign(uow, current_user, report_id), _("已签收"))


@bp.route("/periodic-reports/<int:report_id>/return", methods=["POST"])
@login_required
def return_(report_id):
    form = {"comments": request.form.get("comments", "").strip()}
    return _act(report_id, lambda uow: review.return_for_revision(uow, current_user, report_id, form["comments"]),
                _("已退回项目负责人修改"), form)


@bp.route("/periodic-reports/<int:report_id>/publish", methods=["POST"])
@login_required
def publish(report_id):
    return _act(report_id, lambda uow: review.publish(uow, current_user, report_id),
                _("白皮书已在公众页面发布"))


@bp.route("/periodic-reports/<int:report_id>/unpublish", methods=["POST"])
@login_required
def unpublish(report_id):
    form = {"reason": request.form.get("reason", "").strip()}
    return _act(report_id, lambda uow: review.unpublish(uow, current_user, report_id, form["reason"]),
                _("白皮书已撤下"), form)


# ---- reading -----------------------------------------------------------------------------------------------------
def _version(report):
    """The version asked for by `?version=` (404 for one that does not exist); without one, the latest of a report
    issued or signed, and None — the text being written — for a draft or a returned report under revision."""
    number = int_or_none(request.args.get("version"))
    if number is None:
        return None if report.editable else report.latest
    return periodic_reports.version_of(report, number)


@bp.route("/periodic-reports/<int:report_id>")
@login_required
def show(report_id):
    report = _visible(report_id)
    return _show_page(report, _version(report), {}, {})


def _show_page(report, version, form, errors, message=None):
    figures = periodic_reports.facts(db.session, report, version)
    deadline = due.due_at(report.kind, report.period_start, report.period_end)
    return render_template("periodic_reports/show.html", report=report, version=version, figures=figures,
                           labels=labels(), sections=periodic_reports.sections_of(report.kind),
                           text=version.sections if version else report.sections,
                           title=periodic_reports.title(report),
                           may_write=periodic_reports.may_write(current_user),
                           may_answer=periodic_reports.may_answer(current_user),
                           may_publish=review.may_publish(current_user), form=form, errors=errors, message=message,
                           due_at=due.due_label(report.kind, deadline),
                           timeliness=due.Owed(report.kind, report.period_start, report.period_end, deadline,
                                               report).state() if deadline else None,
                           max_comments=review.MAX_COMMENTS, max_reason=review.MAX_REASON)


@bp.route("/periodic-reports/<int:report_id>.pdf")
@login_required
def pdf(report_id):
    report = _visible(report_id)
    version = _version(report)
    body = periodic_report_pdf.render(report, version, periodic_reports.facts(db.session, report, version), labels())
    suffix = f"-v{version.number}" if version else "-draft"
    return body, 200, {"Content-Type": "application/pdf",
                       "Content-Disposition": f'attachment; filename="periodic-report-{report_id}{suffix}.pdf"'}
