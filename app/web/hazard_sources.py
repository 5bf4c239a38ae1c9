"""An enterprise's major hazard sources (重大危险源登记, services/hazard_sources.py): its list (with the register's old
text while it has no structured source), the form to add or update a source, a source's page (substances with the
simplified R, the three responsible people, its IoT devices with their open alarms, review, 核销, history)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..models import RESPONSIBLE_ROLES, SOURCE_LEVELS, HazardSource
from ..services import hazard_source_states as states, hazard_sources as sources
from ..services.uow import UnitOfWork
from . import record_review_pages as record_pages
from .forms_render import bilingual
from .names import N_, is_english, label

bp = Blueprint("hazard_sources", __name__)
BLANK_SUBSTANCE_ROWS = 3  # empty rows under the typed ones: room for more substances without a script
# The audited fields' names (a source's history).
SOURCE_TITLES = {"name": N_("名称"), "unit": N_("所在单元/装置"), "source_level": N_("级别"),
                 "filing_number": N_("备案编号"), "filed_on": N_("备案日期"), "assessed_on": N_("安全评估日期"),
                 "assessment_due_on": N_("评估有效期至"), "principal_name": N_("主要负责人"),
                 "principal_phone": N_("主要负责人电话"), "technical_name": N_("技术负责人"),
                 "technical_phone": N_("技术负责人电话"), "operator_name": N_("操作负责人"),
                 "operator_phone": N_("操作负责人电话"), "substances": N_("危险物质"),
                 "distance_checked": N_("周边安全距离已核查"), "distance_note": N_("安全距离说明"), "note": N_("备注"),
                 "devices": N_("关联监测设备"), "review_status": N_("审核状态"), "review_note": N_("审核意见"),
                 "retired": N_("核销")}


@bp.app_template_filter("source_level")
def source_level(code):
    return label(SOURCE_LEVELS, code) if code else ""


@bp.app_template_filter("responsible_role")
def responsible_role(code):
    return label(RESPONSIBLE_ROLES, code)


@bp.app_template_filter("substances_text")
def substances_text(items):
    """"液氨 30 t / 10 t；…" for a history line or a CSV cell."""
    parts = (f"{s['name']} {s['quantity']:g} t / {s['critical_quantity']:g} t" for s in items or ())
    return ("; " if is_english() else "；").join(parts)


@bp.app_template_global()
def may_read_hazard_sources():
    return current_user.is_authenticated and sources.may_read(current_user)


@bp.app_template_global()
def hazard_source_of_notice(notification):
    """(enterprise id, source id) a notification is about, for the notifications page's link."""
    parts = (notification.dedup_key or "").split(":")
    if len(parts) < 3 or parts[0] != sources.SUBJECT or not parts[1].isdigit():
        return None
    row = db.session.get(HazardSource, int(parts[1]))
    return (row.enterprise_id, row.id) if row is not None else None


def _enterprise(enterprise_id):
    return sources.get_enterprise(db.session, current_user, enterprise_id)


def _source(enterprise, source_id):
    return sources.get(db.session, current_user, enterprise.id, source_id)


# ---- the enterprise's sources ------------------------------------------------------------------------------------
@bp.route("/enterprises/<int:enterprise_id>/hazard-sources")
@login_required
def of_enterprise(enterprise_id):
    enterprise = _enterprise(enterprise_id)
    rows = sources.sources_of(db.session, enterprise.id)
    return render_template("hazard_sources/enterprise.html", enterprise=enterprise, rows=rows,
                           retired=sources.sources_of(db.session, enterprise.id, retired=True),
                           alarms=states.open_alarms(db.session, [r.id for r in rows]),
                           may_write=sources.may_write(current_user, enterprise.id), states=states)


# ---- writing -----------------------------------------------------------------------------------------------------
def _typed():
    """The form as typed: text fields, the substance rows (parallel lists), the linked devices."""
    form = {name: request.form.get(name, "").strip() for name in sources.FIELDS
            if name not in ("substances", "device_ids")}
    names, quantities, criticals = (request.form.getlist(f"substance_{k}") for k in ("name", "quantity", "critical"))
    form["substances"] = [{"name": n, "quantity": q, "critical_quantity": c}
                          for n, q, c in zip(names, quantities, criticals)][:sources.MAX_SUBSTANCES + 10]
    form["device_ids"] = [i for i in request.form.getlist("device_ids") if i]
    form["version"] = request.form.get("version", "")
    return form


@bp.route("/enterprises/<int:enterprise_id>/hazard-sources/new", methods=["GET", "POST"])
@login_required
def new(enterprise_id):
    enterprise = _enterprise(enterprise_id)
    if not sources.may_write(current_user, enterprise.id):
        abort(403, _("只有本企业人员、项目负责人、排查人员和应急管理局可以登记重大危险源"))
    if request.method == "GET":
        return _form_page(enterprise, {"substances": [], "device_ids": [], "distance_checked": "0"}, {})
    form = _typed()
    return _save(enterprise, form, None, lambda uow: sources.create(uow, current_user, enterprise.id, form).id)


@bp.route("/enterprises/<int:enterprise_id>/hazard-sources/<int:source_id>/edit", methods=["GET", "POST"])
@login_required
def edit(enterprise_id, source_id):
    enterprise = _enterprise(enterprise_id)
    row = _source(enterprise, source_id)
    if not sources.may_write(current_user, enterprise.id):
        abort(403, _("只有本企业人员、项目负责人、排查人员和应急管理局可以登记重大危险源"))
    if row.is_retired:
        abort(409, _("重大危险源已核销，不能修改"))
    if request.method == "GET":
        form = {name: getattr(row, name) for name in sources.TEXT_FIELDS}
        form.update(level=str(row.level), filed_on=row.filed_on.isoformat() if row.filed_on else "",
                    assessed_on=row.assessed_on.isoformat() if row.assessed_on else "",
                    distance_checked="1" if row.distance_checked else "0",
                    substances=[{k: f"{v:g}" if isinstance(v, float) else v for k, v in s.items()}
                                for s in row.substances or ()],
                    device_ids=[str(d.id) for d in row.devices], version=row.version)
        return _form_page(enterprise, form, {}, row)
    form = _typed()
    return _save(enterprise, form, row, lambda uow: sources.update(
        uow, current_user, enterprise.id, row.id, form, form["version"]).id)


def _save(enterprise, form, row, write):
    """Write; a wrong field: the form again with every error beside its field and the input kept."""
    try:
        with UnitOfWork() as uow:
            source_id = write(uow)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        fields = {k: bilingual(v) for k, v in exc.fields.items()}
        return _form_page(enterprise, form, fields, row, None if fields else bilingual(exc.message)), exc.status
    flash(_("重大危险源已保存，等待审核"), "success")
    return redirect(url_for("hazard_sources.show", enterprise_id=enterprise.id, source_id=source_id))


def _form_page(enterprise, form, errors, row=None, message=None):
    rows = list(form.get("substances") or [])
    rows += [{}] * BLANK_SUBSTANCE_ROWS
    return render_template("hazard_sources/form.html", enterprise=enterprise, form=form, errors=errors, row=row,
                           message=message, substance_rows=rows, levels=SOURCE_LEVELS, roles=RESPONSIBLE_ROLES,
                           devices=sources.devices_of_enterprise(db.session, enterprise.id))


# ---- a source ----------------------------------------------------------------------------------------------------
@bp.route("/enterprises/<int:enterprise_id>/hazard-sources/<int:source_id>")
@login_required
def show(enterprise_id, source_id):
    return _show_page(enterprise_id, source_id)


def _show_page(enterprise_id, source_id, message=None, form=None):
    enterprise = _enterprise(enterprise_id)
    row = _source(enterprise, source_id)
    alarms = states.open_alarms(db.session, [row.id]).get(row.id, [])
    return render_template("hazard_sources/show.html", enterprise=enterprise, row=row, message=message,
                           form=form or {}, alarms=alarms, states=states, roles=RESPONSIBLE_ROLES,
                           device_alarms=states.device_alarm_counts(db.session, [d.id for d in row.devices]),
                           may_write=sources.may_write(current_user, enterprise.id),
                           may_review=sources.may_review(current_user, row),
                           is_reviewer=sources.may_review(current_user),
                           history=list(reversed(sources.history(db.session, row))), titles=SOURCE_TITLES,
                           reason_max=sources.MAX_REASON)


@bp.route("/enterprises/<int:enterprise_id>/hazard-sources/<int:source_id>/review", methods=["POST"])
@login_required
def review(enterprise_id, source_id):
    return record_pages.review(lambda uow, decision, note, version: sources.review(
        uow, current_user, enterprise_id, source_id, decision, note, version),
        _("已审核"), _("已退回，已通知企业"), *_again_and_back(enterprise_id, source_id))


@bp.route("/enterprises/<int:enterprise_id>/hazard-sources/<int:source_id>/retire", methods=["POST"])
@login_required
def retire(enterprise_id, source_id):
    return record_pages.retire(lambda uow, reason, version: sources.retire(
        uow, current_user, enterprise_id, source_id, reason, version),
        _("重大危险源已核销"), *_again_and_back(enterprise_id, source_id))


def _again_and_back(enterprise_id, source_id):
    """The source's page again with a refusal, and its address after a change."""
    return (lambda message, form: _show_page(enterprise_id, source_id, message, form),
            url_for("hazard_sources.show", enterprise_id=enterprise_id, source_id=source_id))
