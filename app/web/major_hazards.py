"""Major hazards (services/major_hazards.py, major_hazard_listing.py): the overview of every major / especially major
case with its report, plan and listing (and its CSV), one case's record, the project lead's special report (专报), the
enterprise's treatment plan (治理方案), the bureau's decision on it, listing (挂牌督办) and ending a listing (摘牌), and
the two documents: the special report and the supervision notice (督办通知书)."""
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..models import GRADES, PLAN_PARTS, PLAN_STATUSES
from ..services import attachments, major_hazard_listing as listing, major_hazards as majors
from ..services.access import township_choices
from ..services.uow import UnitOfWork
from . import major_hazard_pdf
from .downloads import csv_download, csv_moment
from .forms_render import bilingual
from .names import label
from .uploads import store_chosen_files

bp = Blueprint("major_hazards", __name__)
LISTING_FIELDS = ("supervisor_name", "supervisor_unit", "due_date", "note")


@bp.app_template_global()
def major_hazard_of(case):
    """The case's major-hazard record (None for other cases), for the case page's card."""
    return majors.record_of(db.session, case.id)


@bp.app_template_global()
def may_see_major_hazards():
    return current_user.is_authenticated and current_user.roles != {"enterprise"}


@bp.app_template_global()
def plan_status_name(code):
    return label(PLAN_STATUSES, code)


@bp.app_template_global()
def plan_part_name(code):
    return label(PLAN_PARTS, code)


@bp.app_template_global()
def major_flags(record):
    return listing.flags(record)


# ---- the overview ------------------------------------------------------------------------------------------------
@bp.route("/major-hazards")
@login_required
def index():
    args = request.args
    flt = listing.MajorFilter(
        grade=args.get("grade") if args.get("grade") in majors.MAJOR_GRADES else "",
        plan=args.get("plan") if args.get("plan") in PLAN_STATUSES else "",
        listing=args.get("listing") if args.get("listing") in listing.LISTING_STATES else "",
        due=args.get("due") if args.get("due") in listing.DUE_STATES else "",
        township=args.get("township", "").strip()[:64], open_only=args.get("closed") != "1",
        text=args.get("q", "").strip()[:100])
    records = listing.overview(db.session, current_user, flt)
    if args.get("format") == "csv":
        return csv_download(_csv_rows(records), "major-hazards.csv")
    return render_template("major_hazards/index.html", records=records, flt=flt,
                           townships=township_choices(db.session, current_user), grades=majors.MAJOR_GRADES)


def _csv_rows(records):
    rows = [[_("案件编号"), _("企业"), _("属地"), _("隐患等级"), _("状态"), _("登记时间"), _("专报期限"), _("专报报送时间"),
             _("专报逾期"), _("治理方案"), _("方案期限"), _("方案逾期"), _("挂牌督办"), _("督办单位"), _("督办责任人"),
             _("要求完成日期"), _("督办逾期"), _("摘牌时间"), _("摘牌原因")]]
    yes_no = {True: _("是"), False: _("否")}
    for r in records:
        case, flags = r.case, listing.flags(r)
        rows.append([case.code, case.enterprise.name, case.enterprise.township or "", label(GRADES, case.grade),
                     _("已销号") if case.status == "closed" else _("未销号"), csv_moment(case.registered_at),
                     csv_moment(r.report_due), csv_moment(r.reported_at), yes_no[flags["report_overdue"]],
                     label(PLAN_STATUSES, r.plan_status), csv_moment(r.plan_due), yes_no[flags["plan_overdue"]],
                     _("督办中") if r.is_listed else (_("已摘牌") if r.delisted_at else _("未挂牌")),
                     r.supervisor_unit or "", r.supervisor_name or "",
                     r.listing_due.isoformat() if r.listing_due else "", yes_no[flags["listing_overdue"]],
                     csv_moment(r.delisted_at), r.delist_reason or ""])
    return rows


# ---- one case's record ---------------------------------------------------------------------------------------------
@bp.route("/major-hazards/<int:case_id>", methods=["GET"])
@login_required
def show(case_id):
    record = majors.get_visible(db.session, current_user, case_id)  # 404 for another enterprise's / area's case
    return _show_page(record)


def _show_page(record, errors=None, form=None, message=None, status=200):
    photos = {a.public_id: a for a in majors.case_photos(db.session, record.case_id)}
    plan_files = {a.public_id: a for a in attachments.for_case(db.session, record.case_id)
                  if a.field == majors.PLAN_FILE_FIELD}
    return render_template("major_hazards/show.html", record=record, case=record.case, photos=photos,
                           plan_files=plan_files, parts=PLAN_PARTS, errors=errors or {}, form=form or {},
                           message=message, may_report=majors.may_report(current_user),
                           may_submit_plan=majors.may_submit_plan(current_user, record.case),
                           may_decide=majors.may_decide(current_user)), status


def _refused(exc):
    """A DomainError as the page's message and field errors (bilingual halves in the page's language)."""
    return (bilingual(exc.message) if not exc.fields else None), {k: bilingual(v) for k, v in (exc.fields or {}).items()}


# ---- the special report --------------------------------------------------------------------------------------------
@bp.route("/major-hazards/<int:case_id>/report", methods=["GET", "POST"])
@login_required
def report(case_id):
    record = majors.get_visible(db.session, current_user, case_id)
    if not majors.may_report(current_user):
        abort(403, _("只有项目负责人可以报送重大隐患专报"))
    form = {name: request.form.get(name, "") for name in majors.REPORT_FIELDS}
    form["photos"] = request.form.getlist("photos")
    if request.method == "GET" or record.reported_at is not None:
        return _report_page(record, form, {}, _("专报已经报送") if record.reported_at else None)
    try:
        with UnitOfWork() as uow:
            majors.submit_report(uow, current_user, case_id, form)
            uow.commit()
    except DomainError as exc:
        message, errors = _refused(exc)
        return _report_page(record, form, errors, message), exc.status if message else 400
    flash(_("重大隐患专报已报送应急管理局"), "success")
    return redirect(url_for("major_hazards.show", case_id=case_id))


def _report_page(record, form, errors, message=None):
    return render_template("major_hazards/report.html", record=record, case=record.case, form=form, errors=errors,
                           message=message, photos=majors.case_photos(db.session, record.case_id))


@bp.route("/major-hazards/<int:case_id>/report.pdf")
@login_required
def report_pdf(case_id):
    record = majors.get_visible(db.session, current_user, case_id)
    if record.reported_at is None:
        abort(404, _("专报尚未报送"))
    photos = [a for a in majors.case_photos(db.session, record.case_id) if a.public_id in record.report_photos]
    body = major_hazard_pdf.report(record, photos, current_app.config["UPLOAD_DIR"])
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="major-report-{record.case.code}.pdf"'})


# ---- the treatment plan --------------------------------------------------------------------------------------------
@bp.route("/major-hazards/<int:case_id>/plan", methods=["GET", "POST"])
@login_required
def plan(case_id):
    record = majors.get_visible(db.session, current_user, case_id)
    if not majors.may_submit_plan(current_user, record.case):
        abort(403, _("只有案件所属企业可以提交治理方案"))
    latest = record.latest_plan
    if request.method == "GET":
        form = {name: getattr(latest, name) for name in PLAN_PARTS} if latest else {}
        return _plan_page(record, form, {})
    form = {name: request.form.get(name, "") for name in PLAN_PARTS}
    form["files"] = [i for i in request.form.getlist("files") if i]
    try:
        form["files"] += store_chosen_files(majors.PLAN_FILE_FIELD)
        with UnitOfWork() as uow:
            majors.submit_plan(uow, current_user, case_id, form, form["files"])
            uow.commit()
    except DomainError as exc:
        message, errors = _refused(exc)
        return _plan_page(record, form, errors, message), exc.status if message else 400
    flash(_("治理方案已提交，等待应急管理局审核"), "success")
    return redirect(url_for("major_hazards.show", case_id=case_id))


def _plan_page(record, form, errors, message=None):
    return render_template("major_hazards/plan.html", record=record, case=record.case, form=form, errors=errors,
                           message=message, parts=PLAN_PARTS)


@bp.route("/major-hazards/<int:case_id>/plan/decision", methods=["POST"])
@login_required
def decide(case_id):
    record = majors.get_visible(db.session, current_user, case_id)
    if not majors.may_decide(current_user):
        abort(403, _("只有应急管理局可以审核治理方案"))
    form = {"decision": request.form.get("decision", ""), "opinion": request.form.get("opinion", "")}
    approved = {"approve": True, "return": False}.get(form["decision"])
    try:
        with UnitOfWork() as uow:
            majors.decide_plan(uow, current_user, case_id, approved, form["opinion"])
            uow.commit()
    except DomainError as exc:
        message, errors = _refused(exc)
        return _show_page(record, errors, form, message, exc.status if message else 400)
    flash(_("治理方案已批准") if approved else _("治理方案已退回企业修改"), "success")
    return redirect(url_for("major_hazards.show", case_id=case_id))


# ---- listed supervision ------------------------------------------------------------------------------------------
@bp.route("/major-hazards/<int:case_id>/listing", methods=["GET", "POST"])
@login_required
def list_case(case_id):
    record = majors.get_visible(db.session, current_user, case_id)
    if not majors.may_decide(current_user):
        abort(403, _("只有应急管理局可以挂牌督办"))
    form = {name: request.form.get(name, "").strip() for name in LISTING_FIELDS}
    if request.method == "GET":
        return _listing_page(record, form, {}, _("该隐患已挂牌督办") if record.is_listed else None)
    try:
        with UnitOfWork() as uow:
            listing.list_case(uow, current_user, case_id, form)
            uow.commit()
    except DomainError as exc:
        message, errors = _refused(exc)
        return _listing_page(record, form, errors, message), exc.status if message else 400
    flash(_("已挂牌督办"), "success")
    return redirect(url_for("major_hazards.show", case_id=case_id))


def _listing_page(record, form, errors, message=None):
    return render_template("major_hazards/listing.html", record=record, case=record.case, form=form, errors=errors,
                           message=message)


@bp.route("/major-hazards/<int:case_id>/delisting", methods=["POST"])
@login_required
def delist(case_id):
    record = majors.get_visible(db.session, current_user, case_id)
    if not majors.may_decide(current_user):
        abort(403, _("只有应急管理局可以摘牌"))
    form = {"reason": request.form.get("reason", "")}
    try:
        with UnitOfWork() as uow:
            listing.delist(uow, current_user, case_id, form["reason"])
            uow.commit()
    except DomainError as exc:
        message, errors = _refused(exc)
        return _show_page(record, errors, form, message, exc.status if message else 400)
    flash(_("已摘牌"), "success")
    return redirect(url_for("major_hazards.show", case_id=case_id))


@bp.route("/major-hazards/<int:case_id>/listing.pdf")
@login_required
def listing_pdf(case_id):
    record = majors.get_visible(db.session, current_user, case_id)
    if record.listed_at is None:
        abort(404, _("该隐患未挂牌督办"))
    return Response(major_hazard_pdf.supervision_notice(record), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="supervision-notice-{record.case.code}.pdf"'})
