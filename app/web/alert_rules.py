"""Alert rules (自定义预警规则, services/alert_rules.py): the list with each rule's current alerts, the form to create
or change one, and the dry run (试运行) of a saved rule or of the form as typed, which lists what it would match now and
tells nobody. The bureau and administrators only (anyone else 403)."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..models import (ALERT_CHANNELS, ALERT_KINDS, ALERT_ROLES, ENTERPRISE_SCALES, ENTERPRISE_TAGS, GRADES,
                      REGION_LEVEL_NAMES, ROLES)
from ..services import alert_rules as rules
from ..services.uow import UnitOfWork
from .forms_render import bilingual
from .guards import restrict
from .names import N_, label

bp = Blueprint("alert_rules", __name__)
# The fields of a rule as the audit log titles them (web/audit.py, the rule's own rows only: "name", "kind" and
# "roles" mean other things on other records).
ALERT_RULE_TITLES = {"name": N_("规则名称"), "enabled": N_("启用"), "kind": N_("预警条件"), "n": N_("N"),
                     "m": N_("M（天）"), "townships": N_("乡镇/园区"), "industries": N_("行业"), "scales": N_("企业规模"),
                     "tags": N_("企业风险标签（具有任一即可）"), "region_levels": N_("所在区域风险等级"),
                     "grades": N_("隐患等级"), "roles": N_("通知角色"), "channels": N_("其他渠道（站内通知总会发送）")}

restrict(bp, "may_manage_alert_rules", rules.may_manage, N_("预警规则由应急管理局和系统管理员设置"))


@bp.app_template_filter()
def alert_kind(code):
    return label({k: v[:2] for k, v in ALERT_KINDS.items()}, code)


def _read_form(form):
    values = {name: form.getlist(name) for name in rules.LIST_FIELDS}
    values.update({name: form.get(name, "").strip() for name in ("name", "kind", "n", "m")})
    values["enabled"] = form.get("enabled") == "1"
    return values


@bp.route("/alert-rules")
@login_required
def index():
    found = rules.all_rules(db.session, current_user)
    return render_template("alert_rules/index.html", rules=found,
                           counts=rules.current_counts(db.session, [r.id for r in found]))


@bp.route("/alert-rules/new", methods=["GET", "POST"])
@login_required
def new():
    return _form(None)


@bp.route("/alert-rules/<int:rule_id>", methods=["GET", "POST"])
@login_required
def edit(rule_id):
    return _form(rules.get_rule(db.session, current_user, rule_id))


@bp.route("/alert-rules/<int:rule_id>/dry-run")
@login_required
def dry_run(rule_id):
    rule = rules.get_rule(db.session, current_user, rule_id)
    return _page(rule, rules.values_of(rule), {}, rules.dry_run(db.session, current_user, rules.values_of(rule),
                                                                 rule.id))


def _form(rule):
    if request.method == "GET":
        values = rules.values_of(rule) if rule else {"enabled": True, "kind": "", "roles": ["bureau"]}
        return _page(rule, values, {})
    values = _read_form(request.form)
    try:
        if request.form.get("action") == "dry_run":
            return _page(rule, values, {}, rules.dry_run(db.session, current_user, values, rule.id if rule else None))
        with UnitOfWork() as uow:
            if rule is None:
                rules.create(uow, current_user, values)
            else:
                rules.update(uow, current_user, rule.id, values, request.form.get("version") or None)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        errors = {k: bilingual(v) for k, v in exc.fields.items()} or {"name": bilingual(exc.message)}
        return _page(rule, values, errors), exc.status
    flash(_("已保存预警规则"), "success")
    return redirect(url_for("alert_rules.index"))


def _page(rule, values, errors, trial=None):
    townships, industries = rules.register_choices(db.session)
    choices = {"townships": {t: t for t in townships}, "industries": {i: i for i in industries},
               "scales": {k: label(ENTERPRISE_SCALES, k) for k in ENTERPRISE_SCALES},
               "tags": {k: label(ENTERPRISE_TAGS, k) for k in ENTERPRISE_TAGS},
               "region_levels": {k: label(REGION_LEVEL_NAMES, k) for k in REGION_LEVEL_NAMES},
               "grades": {k: label(GRADES, k) for k in GRADES},
               "roles": {k: label(ROLES, k) for k in ALERT_ROLES},
               "channels": {k: label(ALERT_CHANNELS, k) for k in ALERT_CHANNELS}}
    return render_template("alert_rules/form.html", rule=rule, form=values, errors=errors, kinds=ALERT_KINDS,
                           choices=choices, trial=trial)
