"""What the bureau works from: the key-supervision list (重点监管名单), enforcement referrals and each
enterprise's credit record and accident records (the bureau and administrators add and remove those). Township /
park safety offices (属地监管) read the same lists and pages for the enterprises of their area."""
from functools import wraps

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..models import ACCIDENT_LEVELS
from ..errors import NotFound
from ..services import (accidents, cooperation, enterprise_dossier, iot_access, iot_device_list, roster,
                        service_reports, sla, sla_views, stop_work)
from ..services.access import get_visible_enterprise
from ..services import self_check_rhythm, self_checks
from ..services.uow import UnitOfWork
from .forms_render import bilingual
from .names import is_english

bp = Blueprint("supervision", __name__, url_prefix="/supervision")
ROLES = ("bureau", "manager", "admin", "quality", "project_lead")
READERS = ROLES + ("township",)  # a township office reads its area's part (services/access.py)


def supervisor_required(view):
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.has_role(*READERS):
            abort(403, _("只有应急管理局、管理人员、质量监督专员、项目负责人、属地监管和系统管理员可以查看监管名单"))
        return view(*args, **kwargs)
    return wrapper


@bp.app_template_global()
def may_see_supervision():
    return current_user.is_authenticated and current_user.has_role(*READERS)


@bp.route("")
@supervisor_required
def index():
    include_left = request.args.get("all") == "1"
    entries = sla.key_supervision_list(db.session, include_left=include_left, user=current_user)
    active = {e.enterprise_id for e in entries if e.left_at is None}
    return render_template("supervision/index.html", entries=entries, include_left=include_left,
                           active_enterprises=len(active), referrals=sla.enforcement_list(db.session, current_user),
                           credit_counts=sla_views.credit_counts(db.session),
                           stopped_enterprises=stop_work.stopped_enterprises(db.session, current_user))


@bp.route("/enterprises/<int:enterprise_id>")
@supervisor_required
def enterprise(enterprise_id):
    return _enterprise_page(enterprise_id)


@bp.route("/enterprises/<int:enterprise_id>/accidents", methods=["POST"])
@supervisor_required
def add_accident(enterprise_id):
    form = {name: request.form.get(name, "").strip() for name in accidents.FIELDS}
    try:
        with UnitOfWork() as uow:
            accidents.add(uow, current_user, enterprise_id, **form)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        fields = {name: bilingual(text) for name, text in exc.fields.items()}
        return _enterprise_page(enterprise_id, accident_form=form, accident_errors=fields), 400
    flash(_("已登记事故记录"), "success")
    return redirect(url_for("supervision.enterprise", enterprise_id=enterprise_id, _anchor="accidents"))


@bp.route("/enterprises/<int:enterprise_id>/accidents/<int:accident_id>/remove", methods=["POST"])
@supervisor_required
def remove_accident(enterprise_id, accident_id):
    try:
        with UnitOfWork() as uow:
            accidents.remove(uow, current_user, enterprise_id, accident_id, request.form.get("reason", ""))
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        flash(_("删除事故记录须填写原因"), "error")
    else:
        flash(_("已删除事故记录"), "success")
    return redirect(url_for("supervision.enterprise", enterprise_id=enterprise_id, _anchor="accidents"))


@bp.route("/enterprises/<int:enterprise_id>/dossier.zip")
@login_required
def dossier(enterprise_id):
    """The 一企一档 ZIP (services/enterprise_dossier.py). Not behind `supervisor_required`: an enterprise's staff get
    404 here (no dossier exists for them), not the 403 of the other supervision pages."""
    name, data = enterprise_dossier.build(db.session, current_user, enterprise_id,
                                          current_app.config["UPLOAD_DIR"],
                                          current_app.config["MAX_DOSSIER_BYTES"], english=is_english())
    return Response(data, mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


def _enterprise_page(enterprise_id, accident_form=None, accident_errors=None):
    try:  # another area's enterprise is as unknown to a township office as a missing one
        company = get_visible_enterprise(db.session, current_user, enterprise_id)
    except NotFound:
        abort(404, _("企业不存在"))
    records = sla.credit_records(db.session, enterprise_id)
    entries = sla_views.key_supervision_for(db.session, enterprise_id)
    return render_template("supervision/enterprise.html", enterprise=company, records=records, entries=entries,
                           referrals=sla_views.referrals_for(db.session, enterprise_id),
                           listed=any(e.left_at is None for e in entries),
                           codes=sla_views.case_codes(db.session, [r.case_id for r in records]),
                           accidents=accidents.records_of(db.session, enterprise_id),
                           may_edit_accidents=accidents.may_edit(current_user),
                           accident_form=accident_form or {}, accident_errors=accident_errors or {},
                           accident_levels=ACCIDENT_LEVELS,
                           cooperation_history=cooperation.history(db.session, enterprise_id),
                           cooperation_averages=cooperation.month_averages(db.session),
                           service_reports=service_reports.of_enterprise(db.session, current_user, enterprise_id)
                           if service_reports.may_read(current_user) else [],
                           may_write_service_reports=service_reports.may_write(current_user),
                           roster_summary=roster.summary(db.session, company)
                           if roster.may_read(current_user) else None,
                           self_check_regularity=self_check_rhythm.regularity(db.session, enterprise_id)
                           if self_checks.may_read(current_user) else None,
                           **_iot_devices(enterprise_id))


def _iot_devices(enterprise_id):
    """The enterprise's monitoring devices (物联网监测) with their states, for its page."""
    if not iot_access.may_read(current_user):  # a township office: IoT monitoring is not among its pages
        return {"iot_devices": [], "iot_states": {}, "may_edit_iot": False}
    devices = iot_device_list.of_enterprise(db.session, current_user, enterprise_id)
    return {"iot_devices": devices, "iot_states": iot_device_list.states(db.session, devices),
            "may_edit_iot": iot_access.may_edit(current_user)}
