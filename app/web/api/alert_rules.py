"""Alert rules (自定义预警规则) and the alerts they raised, in the API (services/alert_rules.py, alerts.py): the rules
read, created, changed, enabled and disabled (each change with the rule's `version`, as the page's form: 409 when it
was changed meanwhile), the alerts listed and acknowledged."""
from flask import g, request
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...models import ALERT_KINDS, ALERT_STATUSES
from ...services import alert_rules, alerts
from ...services.uow import UnitOfWork
from . import api
from .auth import token_required
from .helpers import json_body, query_args
from .schemas import LocalDateTime

_LISTS = ("townships", "industries", "scales", "tags", "region_levels", "grades", "roles", "channels")


class AlertRuleSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    enabled = fields.Boolean()
    kind = fields.String(metadata={"enum": list(ALERT_KINDS)})
    n = fields.Integer(allow_none=True, metadata={"description": "days or a count, by kind; null when not used"})
    m = fields.Integer(allow_none=True, metadata={"description": "a window in days, by kind; null when not used"})
    townships = fields.List(fields.String())
    industries = fields.List(fields.String())
    scales = fields.List(fields.String())
    tags = fields.List(fields.String())
    region_levels = fields.List(fields.String())
    grades = fields.List(fields.String())
    roles = fields.List(fields.String())
    channels = fields.List(fields.String())
    version = fields.Integer()
    updated_at = LocalDateTime()


class AlertRuleListSchema(Schema):
    items = fields.List(fields.Nested(AlertRuleSchema))


class AlertRuleRequestSchema(Schema):
    """Types only: the values are checked by the service, which names every wrong field (400)."""
    name = fields.String(required=True)
    enabled = fields.Boolean(load_default=True)
    kind = fields.String(required=True, metadata={"enum": list(ALERT_KINDS)})
    n = fields.Integer(strict=True, allow_none=True, load_default=None)
    m = fields.Integer(strict=True, allow_none=True, load_default=None)
    townships = fields.List(fields.String(), load_default=list)
    industries = fields.List(fields.String(), load_default=list)
    scales = fields.List(fields.String(), load_default=list)
    tags = fields.List(fields.String(), load_default=list)
    region_levels = fields.List(fields.String(), load_default=list)
    grades = fields.List(fields.String(), load_default=list)
    roles = fields.List(fields.String(), required=True)
    channels = fields.List(fields.String(), load_default=list)


class AlertRuleUpdateSchema(AlertRuleRequestSchema):
    version = fields.Integer(required=True, strict=True, metadata={
        "description": "the version read (GET); 409 when the rule was changed since"})


class AlertRuleSwitchSchema(Schema):
    version = fields.Integer(strict=True, load_default=None, metadata={
        "description": "the version read; with it, 409 when the rule was changed since"})


class AcknowledgeRequestSchema(Schema):
    note = fields.String(required=True, validate=validate.Length(1, alerts.MAX_NOTE),
                         metadata={"description": "what was done about it (处理说明)"})


class AlertSchema(Schema):
    id = fields.Integer()
    rule_id = fields.Integer()
    rule_name = fields.Function(lambda a: a.rule.name, metadata={"type": "string"})
    subject_type = fields.String(metadata={"enum": ["case", "enterprise"]})
    subject_id = fields.Integer()
    enterprise_id = fields.Integer()
    case_id = fields.Integer(allow_none=True)
    summary = fields.String()
    status = fields.String(metadata={"enum": list(ALERT_STATUSES)})
    raised_at = LocalDateTime()
    cleared_at = LocalDateTime(allow_none=True, metadata={"description": "when the condition stopped holding"})
    acknowledged_at = LocalDateTime(allow_none=True)
    note = fields.String()


class AlertListSchema(Schema):
    items = fields.List(fields.Nested(AlertSchema))
    total = fields.Integer()


class AlertQuery(Schema):
    status = fields.String(validate=validate.OneOf(list(ALERT_STATUSES)),
                           metadata={"description": "open or acknowledged; both when left out"})
    rule_id = fields.Integer(validate=validate.Range(1, 2 ** 31 - 1))
    current = fields.Boolean(load_default=False, metadata={"description": "only alerts whose condition still holds"})
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 200))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 1_000_000))


@api.get("/alert-rules")
@token_required
def list_alert_rules():
    return AlertRuleListSchema().dump({"items": alert_rules.all_rules(db.session, g.api_user)})


@api.post("/alert-rules")
@token_required
def create_alert_rule():
    if not alert_rules.may_manage(g.api_user):
        alert_rules.all_rules(db.session, g.api_user)  # NotAllowed (403) before the body is judged
    body = json_body(AlertRuleRequestSchema())
    with UnitOfWork() as uow:
        rule = alert_rules.create(uow, g.api_user, body)
        uow.commit()
        return AlertRuleSchema().dump(rule), 201


@api.get("/alert-rules/<int:rule_id>")
@token_required
def get_alert_rule(rule_id):
    return AlertRuleSchema().dump(alert_rules.get_rule(db.session, g.api_user, rule_id))


@api.put("/alert-rules/<int:rule_id>")
@token_required
def update_alert_rule(rule_id):
    alert_rules.get_rule(db.session, g.api_user, rule_id)  # 403 / 404 before the body is judged
    body = json_body(AlertRuleUpdateSchema())
    version = body.pop("version")
    with UnitOfWork() as uow:
        rule = alert_rules.update(uow, g.api_user, rule_id, body, version)
        uow.commit()
        return AlertRuleSchema().dump(rule)


def _switch(rule_id, enabled):
    """The rule's stored values with `enabled` changed, saved through the same update as the form."""
    alert_rules.get_rule(db.session, g.api_user, rule_id)
    body = AlertRuleSwitchSchema().load(request.get_json(silent=True) or {})  # no body: no version check
    with UnitOfWork() as uow:
        rule = alert_rules.get_rule(uow.session, g.api_user, rule_id)
        values = {**alert_rules.values_of(rule), "enabled": enabled}
        rule = alert_rules.update(uow, g.api_user, rule_id, values, body["version"])
        uow.commit()
        return AlertRuleSchema().dump(rule)


@api.post("/alert-rules/<int:rule_id>/enable")
@token_required
def enable_alert_rule(rule_id):
    return _switch(rule_id, True)


@api.post("/alert-rules/<int:rule_id>/disable")
@token_required
def disable_alert_rule(rule_id):
    return _switch(rule_id, False)


@api.post("/alerts/<int:alert_id>/acknowledge")
@token_required
def acknowledge_alert(alert_id):
    alerts.get_visible(db.session, g.api_user, alert_id)  # 403 / 404 before the body is judged
    body = json_body(AcknowledgeRequestSchema())
    with UnitOfWork() as uow:
        alert = alerts.acknowledge(uow, g.api_user, alert_id, body["note"])
        uow.commit()
        return AlertSchema().dump(alert)


@api.get("/alerts")
@token_required
def list_alerts():
    args = query_args(AlertQuery())
    rows, total = alerts.visible(db.session, g.api_user, args.get("status", ""), args.get("rule_id"),
                                 args["current"], args["limit"], args["offset"])
    return AlertListSchema().dump({"items": rows, "total": total})


OPERATIONS = {
    "list_alert_rules": ("The alert rules (自定义预警规则; bureau and administrators, others 403)", "alerts", None, None,
                         {"200": AlertRuleListSchema}),
    "create_alert_rule": ("Create an alert rule (bureau and administrators): a condition `kind` with its numbers "
                          "(open_days N, rectifying_days N: calendar days; overdue_workdays N: working days, from 0; "
                          "many_hazards N and M days; open_majors N; recurrence M days), a scope (empty lists: all), "
                          "the roles told and the extra channels; 400 naming every wrong field", "alerts",
                          AlertRuleRequestSchema, None, {"201": AlertRuleSchema}),
    "list_alerts": ("The alerts the caller may see, newest first (township offices: their area's; enterprise and "
                    "department tokens 403)", "alerts", None, AlertQuery, {"200": AlertListSchema}),
    "get_alert_rule": ("One alert rule with its version (bureau and administrators)", "alerts", None, None,
                       {"200": AlertRuleSchema}),
    "update_alert_rule": ("Change an alert rule: every field as on creation, and the `version` read (409 when the "
                          "rule was changed meanwhile); disabling it clears its current alerts. 400 naming every "
                          "wrong field", "alerts", AlertRuleUpdateSchema, None, {"200": AlertRuleSchema}),
    "enable_alert_rule": ("Enable a rule (evaluated again by the hourly job); `version` optional, 409 when stale",
                          "alerts", AlertRuleSwitchSchema, None, {"200": AlertRuleSchema}),
    "disable_alert_rule": ("Disable a rule: its current alerts are cleared; `version` optional, 409 when stale",
                           "alerts", AlertRuleSwitchSchema, None, {"200": AlertRuleSchema}),
    "acknowledge_alert": ("Acknowledge an alert with a note (确认预警; the readers of alerts; another area's 404). 409 "
                          "when acknowledged already", "alerts", AcknowledgeRequestSchema, None,
                          {"200": AlertSchema}),
}
