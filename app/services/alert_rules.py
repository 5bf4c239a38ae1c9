"""The alert rules (自定义预警规则, models/alert_rule.py): read, checked, created and changed by the bureau and the
administrators (anyone else NotAllowed), each change audited before → after on the rule; a dry run tells what a rule
(saved or as typed) matches now without raising or telling anyone (services/alert_evaluation.py).

Checks: the name (1–100 characters, unique), a kind of ALERT_KINDS with the numbers it takes (whole numbers; N of
overdue_workdays from 0, any other from 1; at most MAX_NUMBER), scope values the register knows (townships and
industries on the enterprise register, scales, risk tags, regional levels, grades), at least one role to tell and
known channels. A number the kind does not take is dropped. Every wrong field is named at once (ValidationFailed)."""
from sqlalchemy import func

from ..clock import clock
from ..errors import Conflict, NotAllowed, NotFound
from ..models import (ALERT_CHANNELS, ALERT_KINDS, ALERT_ROLES, ENTERPRISE_SCALES, ENTERPRISE_TAGS, GRADES,
                      REGION_LEVEL_NAMES, Alert, AlertRule, Enterprise)
from . import audit
from .alert_evaluation import matches
from .field_rules import raise_if

MANAGERS = ("bureau", "admin")
MAX_NAME = 100
MAX_NUMBER = 3650  # ten years of days; a count beyond it is no useful threshold either
FIELDS = ("name", "enabled", "kind", "n", "m", "townships", "industries", "scales", "tags", "region_levels",
          "grades", "roles", "channels")
LIST_FIELDS = FIELDS[5:]
DRY_RUN_SHOWN = 200


def may_manage(user):
    return user.has_role(*MANAGERS)


def _require(user):
    if not may_manage(user):
        raise NotAllowed("预警规则由应急管理局和系统管理员设置 / alert rules are set by the bureau and administrators")


def all_rules(session, user):
    _require(user)
    return session.query(AlertRule).order_by(AlertRule.enabled.desc(), AlertRule.name).all()


def get_rule(session, user, rule_id):
    _require(user)
    rule = session.get(AlertRule, rule_id)
    if rule is None:
        raise NotFound("没有这条预警规则 / no such alert rule")
    return rule


def current_counts(session, rule_ids):
    """{rule id: alerts whose condition still holds}."""
    if not rule_ids:
        return {}
    return dict(session.query(Alert.rule_id, func.count(Alert.id))
                .filter(Alert.rule_id.in_(list(rule_ids)), Alert.cleared_at.is_(None)).group_by(Alert.rule_id))


def register_choices(session):
    """(townships, industries) of the enterprise register, the scope's choices."""
    def distinct(column):
        return [v for (v,) in session.query(column).distinct().order_by(column) if v]
    return distinct(Enterprise.township), distinct(Enterprise.industry)


def clean(session, values, rule_id=None):
    """The rule's values checked: {field: value} or ValidationFailed naming every wrong field."""
    errors = {}
    name = str(values.get("name") or "").strip()
    if not name:
        errors["name"] = "请填写规则名称 / enter the rule's name"
    elif len(name) > MAX_NAME:
        errors["name"] = f"最多 {MAX_NAME} 个字符 / at most {MAX_NAME} characters"
    elif session.query(AlertRule.id).filter(AlertRule.name == name, AlertRule.id != (rule_id or 0)).first():
        errors["name"] = "已有同名规则 / a rule of this name exists"
    kind = values.get("kind")
    if kind not in ALERT_KINDS:
        errors["kind"] = "请选择预警条件 / choose a condition: " + ", ".join(ALERT_KINDS)
    wanted = ALERT_KINDS[kind][2] if kind in ALERT_KINDS else ()
    numbers = {p: _number(values.get(p), p, 0 if (kind, p) == ("overdue_workdays", "n") else 1, errors)
               if p in wanted else None for p in ("n", "m")}
    townships, industries = register_choices(session)
    lists = {"townships": _codes(values, "townships", townships, "乡镇/园区 / township", errors),
             "industries": _codes(values, "industries", industries, "行业 / industry", errors),
             "scales": _codes(values, "scales", ENTERPRISE_SCALES, "企业规模 / scale", errors),
             "tags": _codes(values, "tags", ENTERPRISE_TAGS, "风险标签 / risk tag", errors),
             "region_levels": _codes(values, "region_levels", REGION_LEVEL_NAMES, "区域风险等级 / region level", errors),
             "grades": _codes(values, "grades", GRADES, "隐患等级 / grade", errors),
             "roles": _codes(values, "roles", ALERT_ROLES, "通知角色 / role", errors),
             "channels": _codes(values, "channels", ALERT_CHANNELS, "通知渠道 / channel", errors)}
    if not lists["roles"] and "roles" not in errors:
        errors["roles"] = "请至少选择一个通知角色 / choose at least one role to tell"
    raise_if(errors)
    return {"name": name, "enabled": _flag(values.get("enabled", True)), "kind": kind, **numbers, **lists}


def _number(value, name, least, errors):
    if isinstance(value, bool) or value is None or (isinstance(value, str) and not value.strip()):
        errors[name] = "请填写数值 / enter a number"
        return None
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        errors[name] = "请填写整数 / enter a whole number"
        return None
    if number < least or number > MAX_NUMBER:
        errors[name] = f"请填写 {least} 到 {MAX_NUMBER} 之间的整数 / enter a whole number from {least} to {MAX_NUMBER}"
    return number


def _codes(values, name, known, what, errors):
    """A list of known codes or names (order of `known`, duplicates dropped); an unknown one names the field."""
    given = values.get(name) or []
    if isinstance(given, str):
        given = [given]
    if not isinstance(given, (list, tuple)):
        errors[name] = f"应为列表 / {what.split(' / ')[1]}: expected a list"
        return []
    items = {str(v).strip() for v in given if str(v or "").strip()}
    unknown = sorted(items - set(known))
    if unknown:
        zh, en = what.split(" / ")
        errors[name] = f"未知的{zh}“{unknown[0][:30]}” / unknown {en} “{unknown[0][:30]}”"
    return [code for code in known if code in items]


def _flag(value):
    return value if isinstance(value, bool) else str(value).strip().lower() in ("1", "true", "on", "yes", "y")


def values_of(rule):
    return {f: (list(getattr(rule, f) or []) if f in LIST_FIELDS else getattr(rule, f)) for f in FIELDS}


def create(uow, user, values):
    _require(user)
    clean_values = clean(uow.session, values)
    rule = AlertRule(**clean_values, version=1, updated_at=clock.now(), updated_by_id=user.id)
    uow.session.add(rule)
    uow.session.flush()
    audit.record(uow, None, user, "alert_rule_created", changes={k: [None, v] for k, v in clean_values.items()},
                 subject=("alert_rule", rule.id))
    return rule


def update(uow, user, rule_id, values, version=None):
    """Change a rule; with `version`, Conflict when it was changed meanwhile. Disabling it clears its current alerts
    (enabled again, whatever still holds is raised afresh)."""
    rule = get_rule(uow.session, user, rule_id)
    if version is not None and str(version).strip() != str(rule.version):
        raise Conflict("该规则已被他人修改，请刷新后重试 / the rule was changed meanwhile; reload and try again")
    clean_values = clean(uow.session, values, rule.id)
    before = values_of(rule)
    changes = {k: [before[k], v] for k, v in clean_values.items() if before[k] != v}
    if not changes:
        return rule
    for key, value in clean_values.items():
        setattr(rule, key, value)
    rule.version += 1
    rule.updated_at, rule.updated_by_id = clock.now(), user.id
    if "enabled" in changes and not rule.enabled:
        uow.session.query(Alert).filter(Alert.rule_id == rule.id, Alert.cleared_at.is_(None)) \
            .update({"cleared_at": clock.now()}, synchronize_session=False)
    audit.record(uow, None, user, "alert_rule_saved", changes=changes, subject=("alert_rule", rule.id))
    return rule


def dry_run(session, user, values, rule_id=None):
    """(matches shown, total, {enterprise id: name}) of the values as typed (checked like a save), nothing written."""
    _require(user)
    rule = AlertRule(**clean(session, values, rule_id))
    found = matches(session, rule)
    shown = found[:DRY_RUN_SHOWN]
    names = dict(session.query(Enterprise.id, Enterprise.name)
                 .filter(Enterprise.id.in_({m.enterprise_id for m in shown}))) if shown else {}
    return shown, len(found), names
