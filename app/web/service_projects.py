"""Service projects (服务项目, services/service_projects.py): the list with each project's coverage, the project's page
(coverage against its roster within its period, the lists of roster enterprises not yet visited / without a
confirmed visit / without an issued service report, the roster itself), its CSV, the form project leads and the
bureau create and edit a project with, and its roster set by hand (pick from the register, take off) or imported
from a list (check, then confirm: web/pending_uploads.py). Enterprise staff see the projects their enterprise is on,
with their own row only."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import clock
from ..errors import DomainError
from ..extensions import db
from ..models import ENTERPRISE_SCALES, ENTERPRISE_TAGS
from ..models.service_project import DEFAULT_TARGET_PERCENT
from ..services import platform_entries, service_project_coverage, service_project_roster, service_projects
from ..services.uow import UnitOfWork
from .downloads import csv_download
from .forms_render import bilingual
from .names import is_english, label
from .pending_uploads import check_upload, confirm_upload

bp = Blueprint("service_projects", __name__, url_prefix="/service-projects")
SHOWN_ROWS = 200  # import lines listed on the check's page (the counts cover all)


@bp.app_template_filter("enterprise_scale")
def enterprise_scale(code):
    return label(ENTERPRISE_SCALES, code) if code else ""


@bp.app_template_filter("enterprise_tag")
def enterprise_tag(code):
    """A risk tag's name (企业风险标签) in the current language."""
    return label(ENTERPRISE_TAGS, code) if code else ""


@bp.app_template_global()
def may_read_service_projects():
    return current_user.is_authenticated and service_projects.may_read(current_user)


def _project(project_id, manage=False):
    """The project the user may see (404 otherwise); with `manage`, 403 unless they manage projects."""
    project = service_projects.get(db.session, current_user, project_id)
    if manage:
        service_projects.check_may_manage(current_user)
    return project


def _coverage(project):
    own = None if service_projects.reads_all(current_user) else service_projects.own_enterprise(current_user)
    return service_project_coverage.compute(db.session, project, enterprise_id=own)


# ---- reading -----------------------------------------------------------------------------------------------------
@bp.route("")
@login_required
def index():
    projects = service_projects.listing(db.session, current_user)
    return render_template("service_projects/index.html", rows=[(p, _coverage(p)) for p in projects],
                           may_manage=service_projects.may_manage(current_user),
                           reads_all=service_projects.reads_all(current_user), is_current=service_projects.is_current)


@bp.route("/<int:project_id>")
@login_required
def show(project_id):
    return _show_page(_project(project_id))


def _show_page(project, roster_errors=None, status=200):
    reads_all = service_projects.reads_all(current_user)
    may_manage = service_projects.may_manage(current_user)
    return render_template("service_projects/show.html", project=project, coverage=_coverage(project),
                           reads_all=reads_all, may_manage=may_manage,
                           current=service_projects.is_current(project),
                           elapsed=service_projects.elapsed_percent(project),
                           platform_done=platform_entries.project_figure(db.session, project.id)[0] if reads_all else 0,
                           candidates=service_projects.candidates(db.session, project) if may_manage else [],
                           roster_errors=roster_errors or {}), status


@bp.route("/<int:project_id>/coverage.csv")
@login_required
def export(project_id):
    project = _project(project_id)
    coverage = _coverage(project)
    lines = [[_("企业名称"), _("统一社会信用代码"), _("乡镇/园区"), _("企业规模"), _("期间内排查次数"), _("最近排查日期"),
              _("已确认排查次数"), _("发现隐患"), _("已销号"), _("未销号"), _("服务情况报告")]]
    for row in coverage.rows:
        company = row.enterprise
        lines.append([company.name, company.credit_code, company.township, enterprise_scale(company.scale),
                      row.visits, row.last_visit.isoformat() if row.last_visit else "", row.confirmed, row.hazards,
                      row.closed, row.open, _("已出具") if row.report_id else _("未出具")])
    return csv_download(lines, f"service-project-{project.id}-{clock.local_now():%Y%m%d}.csv")


# ---- the project's fields ----------------------------------------------------------------------------------------
def _typed():
    return {name: request.form.get(name, "").strip() for name in service_projects.FIELDS}


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    service_projects.check_may_manage(current_user)
    if request.method == "GET":
        return _form_page(None, {"target_percent": DEFAULT_TARGET_PERCENT}, {})
    form = _typed()
    try:
        with UnitOfWork() as uow:
            project_id = service_projects.create(uow, current_user, form).id
            uow.commit()
    except DomainError as exc:
        return _form_page(None, form, {k: bilingual(v) for k, v in exc.fields.items()}), exc.status
    flash(_("已建立服务项目，请添加服务对象名单"), "success")
    return redirect(url_for("service_projects.show", project_id=project_id))


@bp.route("/<int:project_id>/edit", methods=["GET", "POST"])
@login_required
def edit(project_id):
    project = _project(project_id, manage=True)
    if request.method == "GET":
        form = {name: getattr(project, name) for name in service_projects.FIELDS}
        form["start_on"], form["end_on"] = project.start_on.isoformat(), project.end_on.isoformat()
        return _form_page(project, form, {})
    form = _typed()
    try:
        with UnitOfWork() as uow:
            changes = service_projects.update(uow, current_user, project_id, form)
            uow.commit()
    except DomainError as exc:
        db.session.expire_all()
        return _form_page(project, form, {k: bilingual(v) for k, v in exc.fields.items()}), exc.status
    flash(_("已保存服务项目的 %(n)s 项修改", n=len(changes)) if changes else _("没有修改"),
          "success" if changes else "message")
    return redirect(url_for("service_projects.show", project_id=project_id))


def _form_page(project, form, errors):
    return render_template("service_projects/form.html", project=project, form=form, errors=errors)


# ---- the roster by hand ------------------------------------------------------------------------------------------
@bp.route("/<int:project_id>/roster", methods=["POST"])
@login_required
def add(project_id):
    project = _project(project_id, manage=True)
    try:
        with UnitOfWork() as uow:
            added = service_projects.add_to_roster(uow, current_user, project_id,
                                                   request.form.getlist("enterprise_ids"))
            uow.commit()
    except DomainError as exc:
        db.session.expire_all()
        return _show_page(project, {k: bilingual(v) for k, v in exc.fields.items()} or
                          {"enterprise_ids": bilingual(exc.message)}, exc.status)
    flash(_("已将 %(n)s 家企业加入服务对象名单", n=len(added)), "success")
    return redirect(url_for("service_projects.show", project_id=project_id) + "#roster")


@bp.route("/<int:project_id>/roster/<int:enterprise_id>/remove", methods=["POST"])
@login_required
def remove(project_id, enterprise_id):
    _project(project_id, manage=True)
    with UnitOfWork() as uow:
        name = service_projects.remove_from_roster(uow, current_user, project_id, enterprise_id)
        uow.commit()
    flash(_("已将 %(name)s 移出服务对象名单", name=name), "success")
    return redirect(url_for("service_projects.show", project_id=project_id) + "#roster")


# ---- the roster from a list --------------------------------------------------------------------------------------
@bp.route("/<int:project_id>/roster/import", methods=["GET", "POST"])
@login_required
def upload(project_id):
    project = _project(project_id, manage=True)
    page = _import_page(project)
    if request.method == "GET":
        return page()
    return check_upload(_planner(project), lambda plan: bool(plan.errors), page)


@bp.route("/<int:project_id>/roster/import/confirm", methods=["POST"])
@login_required
def confirm(project_id):
    project = _project(project_id, manage=True)

    def apply(uow, filename, plan):
        return service_project_roster.apply(uow, current_user, project.id, plan, filename)

    def done(filename, plan, added):
        flash(_("已导入 %(file)s：加入 %(added)s 家，已在名单中 %(already)s 家", file=filename, added=len(added),
                already=plan.count("on_roster")), "success")
        return redirect(url_for("service_projects.show", project_id=project.id) + "#roster")
    return confirm_upload(_planner(project), lambda plan: bool(plan.errors), apply, _import_page(project),
                          "service_projects.upload", done, {"project_id": project.id})


def _planner(project):
    return lambda uow, filename, data: service_project_roster.plan_file(uow.session, project, filename, data)


def _import_page(project):
    def page(plan=None, filename="", token=None, file_error=""):
        return render_template("service_projects/import.html", project=project, plan=plan, filename=filename,
                               token=token, file_error=file_error, shown=SHOWN_ROWS,
                               headers=service_project_roster.HEADERS, max_rows=service_project_roster.MAX_ROWS,
                               english=is_english())
    return page
