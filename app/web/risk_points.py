"""An enterprise's risk register (风险分级管控清单, services/risk_points.py): the register page (一表, with the links to
the map, the checklist and the ledger), the enterprise's form to add or update a point, a point's page (assessment,
measures, review, history) with the contractor's decision and the enterprise's retirement."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..models import (ACCIDENT_TYPES, CHECK_FREQUENCIES, CONTROL_LEVELS, KEY_LINKS, MEASURE_KINDS, POINT_KINDS,
                      POINT_REVIEW_STATUSES, RISK_COLOURS, UNIT_KINDS, HazardCase, RiskPoint)
from ..services import hazards, risk_levels, risk_map, risk_points as points
from ..services.uow import UnitOfWork
from . import record_review_pages as record_pages
from .forms_render import bilingual
from .names import N_, is_english, label

bp = Blueprint("risk_points", __name__)

# The audited fields' names (a point's history, the audit log).
POINT_TITLES = {"point_name": N_("风险点名称"), "unit_kind": N_("单元类型"), "point_place": N_("所在区域/装置/岗位"),
                "point_kind": N_("风险点类别"), "key_links": N_("关键环节"), "accident_types": N_("可能导致的事故类型"),
                "hazard_description": N_("主要危险有害因素"), "likelihood": N_("可能性 L"), "severity": N_("严重性 S"),
                "forced_major": N_("直接判定为重大风险"), "risk_colour": N_("风险等级"),
                "engineering_measures": N_("工程技术措施"), "management_measures": N_("管理措施"),
                "ppe_measures": N_("个体防护措施"), "emergency_measures": N_("应急处置措施"),
                "operating_rules": N_("操作规范"), "point_responsible": N_("责任人"), "control_level": N_("管控层级"),
                "check_frequency": N_("排查频次"), "review_status": N_("审核状态"), "review_note": N_("审核意见"),
                "point_retired": N_("移出清单"), "site_plan": N_("平面布置图"), "map_position": N_("分布图位置")}
# The coded fields' tables, for showing audited values.
POINT_LABELS = {"unit_kind": UNIT_KINDS, "point_kind": POINT_KINDS, "key_links": KEY_LINKS,
                "accident_types": ACCIDENT_TYPES, "risk_colour": RISK_COLOURS, "control_level": CONTROL_LEVELS,
                "check_frequency": CHECK_FREQUENCIES, "review_status": POINT_REVIEW_STATUSES}


@bp.app_template_filter("risk_label")
def risk_label(code, table_name):
    """A code of one of the register's tables (`table_name` as in POINT_LABELS) in the current language; a list of
    codes joined."""
    table = POINT_LABELS.get(table_name, {})
    if isinstance(code, (list, tuple)):
        return (", " if is_english() else "、").join(label(table, c) for c in code)
    return label(table, code) if code else ""


@bp.app_template_filter("risk_measure")
def risk_measure(code):
    return label(MEASURE_KINDS, code)


def audit_labels(catalog):
    """The audit log's names of the register's codes."""
    for name, table in POINT_LABELS.items():
        catalog.labels.setdefault(name, {code: label(table, code) for code in table})


@bp.app_template_global()
def may_read_risk_register():
    return current_user.is_authenticated and points.may_read(current_user)


@bp.app_template_global()
def risk_point_of_notice(notification):
    """(enterprise id, point id) a notification is about, for the notifications page's link."""
    parts = (notification.dedup_key or "").split(":")
    if len(parts) < 3 or parts[0] != points.SUBJECT or not parts[1].isdigit():
        return None
    row = db.session.get(RiskPoint, int(parts[1]))
    return (row.enterprise_id, row.id) if row is not None else None


def refuse(exc):
    abort(exc.status, bilingual(exc.message))


def enterprise_or_abort(enterprise_id):
    try:
        return points.get_enterprise(db.session, current_user, enterprise_id)
    except DomainError as exc:
        refuse(exc)


def _point(enterprise, point_id):
    try:
        return points.get(db.session, current_user, enterprise.id, point_id)
    except DomainError as exc:
        refuse(exc)


# ---- the register ------------------------------------------------------------------------------------------------
@bp.route("/risk-register/mine")
@login_required
def start():
    """风险分级管控 in the navigation: the enterprise's own register for its staff, the county's view for others."""
    if not points.may_read(current_user):
        abort(403, _("风险分级管控清单供企业本身、排查和监管人员查看"))
    if "enterprise" in current_user.roles and current_user.enterprise_id and len(current_user.roles) == 1:
        return redirect(url_for("risk_points.register", enterprise_id=current_user.enterprise_id))
    return redirect(url_for("risk_lists.county"))


@bp.route("/enterprises/<int:enterprise_id>/risk-points")
@login_required
def register(enterprise_id):
    enterprise = enterprise_or_abort(enterprise_id)
    rows = points.points_of(db.session, enterprise.id)
    return render_template("risk_points/register.html", enterprise=enterprise, rows=rows,
                           counts=points.colour_counts(rows), plan=risk_map.current_plan(db.session, enterprise.id),
                           retired=points.points_of(db.session, enterprise.id, retired=True),
                           may_write=points.may_write(current_user, enterprise.id))


# ---- writing -----------------------------------------------------------------------------------------------------
def _typed():
    form = {name: request.form.get(name, "").strip() for name in points.FIELDS if name not in points.LIST_FIELDS}
    form.update({name: request.form.getlist(name) for name in points.LIST_FIELDS})
    form["forced_major"] = request.form.get("forced_major") == "1"
    return form


@bp.route("/enterprises/<int:enterprise_id>/risk-points/new", methods=["GET", "POST"])
@login_required
def new(enterprise_id):
    enterprise = enterprise_or_abort(enterprise_id)
    if not points.may_write(current_user, enterprise.id):
        abort(403, _("只有本企业人员可以维护风险分级管控清单"))
    if request.method == "GET":
        return _form_page(enterprise, {"kind": "general", "key_links": [], "accident_types": []}, {})
    form = _typed()
    return _save(enterprise, form, None, lambda uow: points.create(uow, current_user, enterprise.id, form).id)


@bp.route("/enterprises/<int:enterprise_id>/risk-points/<int:point_id>/edit", methods=["GET", "POST"])
@login_required
def edit(enterprise_id, point_id):
    enterprise = enterprise_or_abort(enterprise_id)
    row = _point(enterprise, point_id)
    if not points.may_write(current_user, enterprise.id):
        abort(403, _("只有本企业人员可以维护风险分级管控清单"))
    if row.is_retired:
        abort(409, _("风险点已移出清单，不能修改"))
    if request.method == "GET":
        form = {name: getattr(row, name) for name in points.FIELDS}
        form.update(likelihood=str(row.likelihood), severity=str(row.severity), version=row.version)
        return _form_page(enterprise, form, {}, row)
    form = _typed()
    form["version"] = request.form.get("version", "")
    return _save(enterprise, form, row, lambda uow: points.update(
        uow, current_user, enterprise.id, row.id, form, form["version"]).id)


def _save(enterprise, form, row, write):
    """Write; a wrong field: the form again with every error beside its field and the input kept."""
    try:
        with UnitOfWork() as uow:
            point_id = write(uow)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            refuse(exc)
        db.session.expire_all()
        fields = {k: bilingual(v) for k, v in exc.fields.items()}
        return _form_page(enterprise, form, fields, row, None if fields else bilingual(exc.message)), exc.status
    flash(_("风险点已保存，等待审核"), "success")
    return redirect(url_for("risk_points.show", enterprise_id=enterprise.id, point_id=point_id))


def _form_page(enterprise, form, errors, row=None, message=None):
    return render_template("risk_points/form.html", enterprise=enterprise, form=form, errors=errors, row=row,
                           message=message, unit_kinds=UNIT_KINDS, point_kinds=POINT_KINDS, key_links=KEY_LINKS,
                           accident_types=ACCIDENT_TYPES, control_levels=CONTROL_LEVELS,
                           frequencies=CHECK_FREQUENCIES, measure_kinds=MEASURE_KINDS,
                           likelihood_scale=risk_levels.LIKELIHOOD_SCALE, severity_scale=risk_levels.SEVERITY_SCALE,
                           max_text=points.MAX_TEXT)


# ---- a point -----------------------------------------------------------------------------------------------------
@bp.route("/enterprises/<int:enterprise_id>/risk-points/<int:point_id>")
@login_required
def show(enterprise_id, point_id):
    return _show_page(enterprise_id, point_id)


def _show_page(enterprise_id, point_id, message=None, form=None):
    enterprise = enterprise_or_abort(enterprise_id)
    row = _point(enterprise, point_id)
    return render_template("risk_points/show.html", enterprise=enterprise, row=row, message=message,
                           form=form or {}, may_write=points.may_write(current_user, enterprise.id),
                           may_review=points.may_review(current_user), measure_kinds=MEASURE_KINDS,
                           history=list(reversed(points.history(db.session, row))), titles=POINT_TITLES,
                           reason_max=points.MAX_REASON, cases=_cases_at(row),
                           may_register_here=hazards.may_register(current_user)
                           and hazards.registers_for_any_enterprise(current_user))


def _cases_at(row):
    """The hazard cases registered at this point, newest first (the ledger's part that belongs to it)."""
    return db.session.query(HazardCase).filter(HazardCase.risk_point_id == row.id) \
        .order_by(HazardCase.registered_at.desc()).limit(50).all()


@bp.route("/enterprises/<int:enterprise_id>/risk-points/<int:point_id>/review", methods=["POST"])
@login_required
def review(enterprise_id, point_id):
    return record_pages.review(lambda uow, decision, note, version: points.review(
        uow, current_user, enterprise_id, point_id, decision, note, version),
        _("风险点已审核"), _("风险点已退回，已通知企业"), *_again_and_back(enterprise_id, point_id), refuse=refuse)


@bp.route("/enterprises/<int:enterprise_id>/risk-points/<int:point_id>/retire", methods=["POST"])
@login_required
def retire(enterprise_id, point_id):
    return record_pages.retire(lambda uow, reason, version: points.retire(
        uow, current_user, enterprise_id, point_id, reason, version),
        _("风险点已移出清单"), *_again_and_back(enterprise_id, point_id), refuse=refuse)


def _again_and_back(enterprise_id, point_id):
    """The point's page again with a refusal, and its address after a change."""
    return (lambda message, form: _show_page(enterprise_id, point_id, message, form),
            url_for("risk_points.show", enterprise_id=enterprise_id, point_id=point_id))
