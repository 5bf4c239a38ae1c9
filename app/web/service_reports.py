"""Enterprise service reports (企业服务情况报告和结论性意见, services/service_reports.py): the writer's form from the
enterprise page with the period's facts previewed before saving, the report's page, its PDF, issuing a draft, and the
bureau's list with its filters and CSV file, and withdrawing an issued report with a reason (project leads, on the
report's page). Enterprise staff reach their issued reports from the notice, the navigation and this list, which shows
them only those (a withdrawn one still opens from its notice, marked withdrawn)."""
from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import SHANGHAI, clock
from ..errors import DomainError
from ..extensions import db
from ..models import CHECK_CONCLUSIONS, CHECK_RESULTS, CONCLUSION_GRADES, DIMENSIONS, FOLLOW_UP_RESULTS, \
    REPORT_STATUSES
from ..services import service_reports
from ..services.uow import UnitOfWork
from . import forms_render, service_report_pdf
from .downloads import csv_download, csv_moment
from .forms_render import bilingual
from .names import label
from .query_args import page_count, page_number, read_days

bp = Blueprint("service_reports", __name__)
PAGE_SIZE = 50
FILTER_ARGS = ("township", "grade", "status", "start", "end")


@bp.app_template_global()
def may_read_service_reports():
    return current_user.is_authenticated and service_reports.may_read(current_user)


@bp.app_template_global()
def service_report_of_notice(notice):
    """The report an issuing or withdrawing notice is about (its id), for the notifications page's link."""
    if notice.kind not in (service_reports.NOTICE_KIND, service_reports.WITHDRAWN_KIND):
        return None
    parts = (notice.dedup_key or "").split(":")
    return int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else None


@bp.app_template_filter("conclusion_grade")
def conclusion_grade(code):
    return label(CONCLUSION_GRADES, code)


@bp.app_template_filter("report_status")
def report_status(code):
    return label(REPORT_STATUSES, code)


@bp.app_template_filter("iso_local")
def iso_local(text, fmt="%Y-%m-%d %H:%M"):
    """A moment of the frozen facts (ISO text) as Shanghai time."""
    return datetime.fromisoformat(text).astimezone(SHANGHAI).strftime(fmt) if text else "—"


def _labels():
    """What the facts' codes are called, for the templates and the PDF."""
    return {"dimension": lambda c: label(DIMENSIONS, c), "result": lambda c: label(CHECK_RESULTS, c),
            "follow_up": lambda c: label(FOLLOW_UP_RESULTS, c), "site_check": lambda c: label(CHECK_CONCLUSIONS, c),
            "hazard_type": lambda c: forms_render.Catalog.deployed().show("hazard_type", c)}


# ---- writing -----------------------------------------------------------------------------------------------------
def _typed():
    return {name: request.form.get(name, "").strip() for name in service_reports.FIELDS}


@bp.route("/supervision/enterprises/<int:enterprise_id>/service-reports/new", methods=["GET", "POST"])
@login_required
def new(enterprise_id):
    company = service_reports.enterprise_for(db.session, current_user, enterprise_id)
    service_reports.check_may_write(current_user)
    if request.method == "GET":
        start, end = service_reports.default_period(db.session, company.id)
        form = {"period_start": start.isoformat(), "period_end": end.isoformat(), "grade": "", "conclusion": "",
                "recommendations": ""}
        return _form_page(company, form, {})
    form, action = _typed(), request.form.get("action", "draft")
    if action == "preview":  # the facts of the period typed, nothing saved, everything typed kept
        return _form_page(company, form, {})
    return _save(company, form, action, None, lambda uow: service_reports.create(
        uow, current_user, company.id, form, issue_now=action == "issue").id)


@bp.route("/service-reports/<int:report_id>/edit", methods=["GET", "POST"])
@login_required
def edit(report_id):
    report = service_reports.get(db.session, current_user, report_id)
    service_reports.check_may_write(current_user)
    if not report.is_draft:
        abort(409, _("报告已出具，不能修改"))
    if request.method == "GET":
        form = {name: getattr(report, name) for name in service_reports.FIELDS}
        form["period_start"], form["period_end"] = report.period_start.isoformat(), report.period_end.isoformat()
        return _form_page(report.enterprise, form, {}, report=report)
    form, action = _typed(), request.form.get("action", "draft")
    if action == "preview":
        return _form_page(report.enterprise, form, {}, report=report)

    def write(uow):
        service_reports.update(uow, current_user, report_id, form)
        if action == "issue":
            service_reports.issue(uow, current_user, report_id)
        return report_id
    return _save(report.enterprise, form, action, report, write)


def _save(company, form, action, report, write):
    """`write(uow)` (returns the report's id) in one unit of work: to the report's page with what was done, or
    the form again with what is wrong next to its field and everything typed."""
    try:
        with UnitOfWork() as uow:
            report_id = write(uow)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        fields = {k: bilingual(v) for k, v in exc.fields.items()}
        return _form_page(company, form, fields, None if fields else bilingual(exc.message),
                          report=report), exc.status
    flash(_("服务情况报告已出具，已通知企业和应急管理局") if action == "issue" else _("报告草稿已保存"), "success")
    return redirect(url_for("service_reports.show", report_id=report_id))


def _form_page(company, form, errors, message=None, report=None):
    """The form with the facts of the period typed (when it reads as one) beside it."""
    facts, period_errors = None, {}
    try:
        facts = service_reports.preview(db.session, current_user, company.id, form)
    except DomainError as exc:
        period_errors = {k: bilingual(v) for k, v in exc.fields.items()}
    return render_template("service_reports/form.html", enterprise=company, form=form,
                           errors={**period_errors, **errors}, message=message, report=report, facts=facts,
                           labels=_labels(), grades=CONCLUSION_GRADES,
                           max_text=service_reports.MAX_CONCLUSION)


@bp.route("/service-reports/<int:report_id>/issue", methods=["POST"])
@login_required
def issue(report_id):
    try:
        with UnitOfWork() as uow:
            service_reports.issue(uow, current_user, report_id)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        flash("；".join(bilingual(v) for v in exc.fields.values()) or bilingual(exc.message), "error")
        return redirect(url_for("service_reports.show", report_id=report_id))
    flash(_("服务情况报告已出具，已通知企业和应急管理局"), "success")
    return redirect(url_for("service_reports.show", report_id=report_id))


# ---- reading -----------------------------------------------------------------------------------------------------
def _visible(report_id):
    return service_reports.get(db.session, current_user, report_id)


@bp.route("/service-reports/<int:report_id>")
@login_required
def show(report_id):
    return _show_page(_visible(report_id), {"reason": ""}, {})


def _show_page(report, form, errors, message=None):
    return render_template("service_reports/show.html", report=report,
                           facts=service_reports.facts(db.session, report), labels=_labels(),
                           may_write=service_reports.may_write(current_user),
                           reads_all=service_reports.reads_all(current_user), form=form, errors=errors,
                           message=message, reason_max=service_reports.MAX_REASON)


@bp.route("/service-reports/<int:report_id>/withdraw", methods=["POST"])
@login_required
def withdraw(report_id):
    """Withdraw an issued report (project leads): back to its page, or the page again with the error next to the
    reason and what was typed kept."""
    form = {"reason": request.form.get("reason", "").strip()}
    try:
        with UnitOfWork() as uow:
            service_reports.withdraw(uow, current_user, report_id, form["reason"])
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        errors = {k: bilingual(v) for k, v in exc.fields.items()}
        return _show_page(_visible(report_id), form, errors, None if errors else bilingual(exc.message)), exc.status
    flash(_("服务情况报告已撤回，已通知企业和应急管理局；可为同一期间出具更正后的报告"), "success")
    return redirect(url_for("service_reports.show", report_id=report_id))


@bp.route("/service-reports/<int:report_id>.pdf")
@login_required
def pdf(report_id):
    report = _visible(report_id)
    body = service_report_pdf.render(report, service_reports.facts(db.session, report), _labels())
    return body, 200, {"Content-Type": "application/pdf",
                       "Content-Disposition": f'attachment; filename="service-report-{report_id}.pdf"'}


def _read_filter(args, page=1, size=PAGE_SIZE):
    errors = {}
    days = read_days(args, ("start", "end"), errors)
    grade = args.get("grade", "") if args.get("grade") in CONCLUSION_GRADES else ""
    status = args.get("status", "") if args.get("status") in REPORT_STATUSES else ""
    return service_reports.ReportFilter(township=args.get("township", "").strip()[:100], grade=grade, status=status,
                                        start=days["start"], end=days["end"], limit=size,
                                        offset=(page - 1) * size), errors


@bp.route("/service-reports")
@login_required
def index():
    service_reports.check_may_read(current_user)
    page = page_number(request.args)
    flt, errors = _read_filter(request.args, page)
    rows, total = ([], 0) if errors else service_reports.listing(db.session, current_user, flt)
    return render_template("service_reports/index.html", rows=rows, total=total, page=page, errors=errors,
                           pages=page_count(total, PAGE_SIZE), args=request.args, grades=CONCLUSION_GRADES,
                           statuses=REPORT_STATUSES, reads_all=service_reports.reads_all(current_user),
                           townships=service_reports.townships(db.session),
                           query={k: request.args[k] for k in FILTER_ARGS if request.args.get(k)}), \
        400 if errors else 200


@bp.route("/service-reports/export.csv")
@login_required
def export():
    service_reports.check_may_read(current_user)
    flt, errors = _read_filter(request.args)
    if errors:
        abort(400, "; ".join(errors.values()))
    lines = [[_("报告编号"), _("企业"), _("乡镇/园区"), _("行业"), _("服务期间起"), _("服务期间止"), _("状态"), _("结论等级"),
              _("发现隐患"), _("已销号"), _("未销号"), _("逾期"), _("整改率"), _("结论性意见"), _("整改建议"), _("出具人"),
              _("出具时间")]]
    for r in service_reports.export(db.session, current_user, flt):
        hazards = (r.facts or {}).get("hazards") or {}
        rate = hazards.get("rectification_rate")
        lines.append([r.id, r.enterprise.name, r.enterprise.township, r.enterprise.industry,
                      r.period_start.isoformat(), r.period_end.isoformat(), report_status(r.status),
                      conclusion_grade(r.grade), hazards.get("total", ""), hazards.get("closed", ""),
                      hazards.get("open", ""), hazards.get("overdue", ""), "" if rate is None else f"{rate}%",
                      r.conclusion, r.recommendations, r.issued_by.display_name if r.issued_by else "",
                      csv_moment(r.issued_at)])
    return csv_download(lines, f"service-reports-{clock.local_now():%Y%m%d-%H%M}.csv")
