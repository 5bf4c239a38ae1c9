"""Inspection visits (排查记录, services/inspections.py): the list with the period's coverage, its CSV and Excel
files, and the form the inspection team records a visit with."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import clock
from ..errors import DomainError
from ..extensions import db
from ..models import VISIT_KINDS, VISIT_REVIEW_STATUSES, InspectionCampaign
from ..services import (campaigns, inspection_plans, inspections, service_project_coverage, service_projects,
                        visit_checkins, visit_reports)
from ..services.access import sees_all_cases, sees_township, township_choices
from ..services.uow import UnitOfWork
from . import checklists, visit_report_pdf
from .cases import enterprise_choices
from .visit_checkins import checkin_flag
from .downloads import csv_download, xlsx_download
from .forms_render import bilingual
from .names import label
from .query_args import int_or_none, page_count, page_number, read_days

bp = Blueprint("inspections", __name__, url_prefix="/inspections")
PAGE_SIZE = 50
EXPORT_LIMIT = 50_000
FIELDS = ("enterprise_id", "visited_on", "inspectors", "scope", "findings", "kind", "campaign_id", "visit_time")


@bp.app_template_global()
def may_record_inspections():
    return current_user.is_authenticated and inspections.may_record(current_user)


@bp.route("")
@login_required
def index():
    errors = {}
    filters = _filters(errors)
    page = page_number(request.args)
    query = inspections.visible_visits(db.session, current_user, filters)
    total = query.count()
    visits = query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE).all()
    since = filters.since or clock.local_now().date().replace(month=1, day=1)
    until = filters.until or clock.local_now().date()
    visited, registered = inspections.coverage(db.session, since, until, filters.township, filters.enterprise_id) \
        if since <= until else (0, 0)
    # The county's coverage is for those who see the county; a township office sees its own township's.
    show_coverage = sees_all_cases(current_user) or sees_township(current_user, filters.township)
    # Beside the register-wide figure: each current service project's coverage of its roster in its own period.
    projects = [service_project_coverage.compute(db.session, p) for p in service_projects.current_projects(
        db.session)] if sees_all_cases(current_user) else []
    return render_template("inspections/index.html", project_coverage=projects, visits=visits, total=total, page=page,
                           pages=page_count(total, PAGE_SIZE), filters=filters, errors=errors,
                           found=inspections.hazards_found(db.session, visits),
                           checkins=visit_checkins.summaries(db.session, visits), enterprises=enterprise_choices(
                               current_user), townships=township_choices(db.session, current_user),
                           coverage=(visited, registered, since, until), show_coverage=show_coverage,
                           kinds=VISIT_KINDS, campaign_filter=_campaign_filter(filters)), \
        (400 if errors else 200)


@bp.route("/export.csv")
@login_required
def export_csv():
    return csv_download(_lines(_valid_filters()), f"inspections-{clock.local_now():%Y%m%d}.csv")


@bp.route("/export.xlsx")
@login_required
def export_xlsx():
    return xlsx_download(_lines(_valid_filters()), f"inspections-{clock.local_now():%Y%m%d}.xlsx", _("排查记录"))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    if not inspections.may_record(current_user):
        abort(403, _("只有排查人员和项目负责人可以登记排查记录"))
    plan = _plan(request.values.get("plan"))
    if request.method == "GET":
        form = {"visited_on": clock.local_now().date().isoformat(), "inspectors": current_user.display_name,
                "enterprise_id": request.args.get("enterprise_id", "")}
        form.update(kind=request.args.get("kind", "routine"), campaign_id=request.args.get("campaign_id", ""))
        if plan is not None:  # recording the visit of a plan: its enterprise, team, areas, kind and campaign
            form.update(enterprise_id=str(plan.enterprise_id), inspectors=plan.team, scope=plan.areas, kind=plan.kind,
                        campaign_id=str(plan.campaign_id or ""))
        return _form_page(form, {}, plan)
    form = {name: request.form.get(name, "").strip() for name in FIELDS}
    try:
        with UnitOfWork() as uow:
            visit = inspections.record(uow, current_user, int_or_none(form["enterprise_id"]), form["visited_on"],
                                       form["inspectors"], form["scope"], form["findings"], form["kind"],
                                       form["campaign_id"], form["visit_time"])
            if plan is not None:
                inspection_plans.close_with_visit(uow, plan, visit)
            name, visit_id = visit.enterprise.name, visit.id
            uow.commit()
    except DomainError as exc:
        if exc.status == 403:
            abort(403, bilingual(exc.message))
        if not exc.fields:
            return _form_page(form, {}, plan, bilingual(exc.message)), exc.status
        return _form_page(form, {k: bilingual(v) for k, v in exc.fields.items()}, plan), 400
    flash(_("已登记对 %(name)s 的排查", name=name), "success")
    return redirect(url_for("inspections.show", visit_id=visit_id))


@bp.route("/<int:visit_id>")
@login_required
def show(visit_id):
    """One visit with the hazards registered from it and its checklist (web/checklists.py); inspectors register the
    next hazard from here."""
    visit = inspections.get_visible_visit(db.session, current_user, visit_id)  # 404 for another enterprise's staff
    return checklists.render_visit(visit)


@bp.route("/<int:visit_id>/report.pdf")
@login_required
def report(visit_id):
    """The visit's report (排查报告) to print or send; for everyone who sees the visit."""
    body = visit_report_pdf.render(visit_reports.report(db.session, current_user, visit_id))
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="inspection-{visit_id}.pdf"'})


@bp.route("/<int:visit_id>/acknowledge", methods=["POST"])
@login_required
def acknowledge(visit_id):
    """The enterprise confirms the results (排查结果确认), with its remarks; errors come back beside the field."""
    form = {"enterprise_remarks": request.form.get("enterprise_remarks", "")}
    try:
        with UnitOfWork() as uow:
            visit_reports.acknowledge(uow, current_user, visit_id, form["enterprise_remarks"])
            uow.commit()
    except DomainError as exc:
        visit = inspections.get_visible_visit(db.session, current_user, visit_id)
        errors = {k: bilingual(v) for k, v in exc.fields.items()}
        return checklists.render_visit(visit, ack_form=form, ack_errors=errors,
                                       ack_message=None if errors else bilingual(exc.message)), exc.status
    flash(_("已确认本次排查结果"), "success")
    return redirect(url_for("inspections.show", visit_id=visit_id))


def _plan(value):
    """The plan a visit is recorded from (`?plan=` / the form's hidden field): a 404 when it is not one the user
    sees, a 409 when it is done or cancelled."""
    if not (value or "").strip():
        return None
    return inspection_plans.open_for_visit(db.session, current_user, int_or_none(value))


def _form_page(form, errors, plan=None, message=None):
    return render_template("inspections/new.html", form=form, errors=errors, plan=plan, message=message,
                           enterprises=enterprise_choices(current_user), kinds=VISIT_KINDS,
                           campaigns=campaigns.open_campaigns(db.session))


def _campaign_filter(filters):
    """The campaign the list is filtered by, for its name (staff only: the filter is an id otherwise)."""
    if not filters.campaign_id or not campaigns.may_read(current_user):
        return None
    return db.session.get(InspectionCampaign, filters.campaign_id)


def _valid_filters():
    """The list's filters for a download; a malformed one is a 400, not a file of everything."""
    errors = {}
    filters = _filters(errors)
    if errors:
        abort(400, next(iter(errors.values())))
    return filters


def _filters(errors):
    days = read_days(request.args, ("since", "until"), errors)
    if days["since"] and days["until"] and days["since"] > days["until"]:
        errors["until"] = _("结束日期不能早于开始日期")
    return inspections.VisitFilter(enterprise_id=int_or_none(request.args.get("enterprise_id")),
                                   township=request.args.get("township", "").strip()[:100],
                                   since=days["since"], until=days["until"],
                                   flagged=request.args.get("flagged") == "1",
                                   kind=request.args.get("kind") if request.args.get("kind") in VISIT_KINDS else "",
                                   campaign_id=int_or_none(request.args.get("campaign_id")),
                                   review_status=request.args.get("review")
                                   if request.args.get("review") in VISIT_REVIEW_STATUSES else "")


def _lines(filters):
    visits = inspections.visible_visits(db.session, current_user, filters).limit(EXPORT_LIMIT).all()
    found = inspections.hazards_found(db.session, visits)
    checkins = visit_checkins.summaries(db.session, visits)
    yield [_("排查日期"), _("企业名称"), _("统一社会信用代码"), _("乡镇/园区"), _("排查人员"), _("检查内容"),
           _("发现问题及整改建议"), _("登记隐患数"), _("隐患编号"), _("打卡人数"), _("最短在场时长（分钟）"),
           _("最远到场距离（米）"), _("打卡异常"), _("检查方式"), _("检查时间"), _("所属专项行动")]
    for visit in visits:
        company, checkin = visit.enterprise, checkins[visit.id]
        yield [visit.visited_on.isoformat(), company.name, company.credit_code, company.township, visit.inspectors,
               visit.scope, visit.findings, len(found[visit.id]), "、".join(found[visit.id]), checkin.count,
               "" if checkin.shortest_minutes is None else checkin.shortest_minutes,
               "" if checkin.farthest_m is None else round(checkin.farthest_m),
               _("、").join(checkin_flag(flag) for flag in checkin.flags), label(VISIT_KINDS, visit.kind),
               visit.visit_time.strftime("%H:%M") if visit.visit_time else "",
               visit.campaign.name if visit.campaign else ""]

