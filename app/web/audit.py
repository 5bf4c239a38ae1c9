"""The audit log (审计日志): every recorded event, of cases and outside them, filtered, paged and exported as
CSV and Excel, for managers, the bureau and administrators (services/audit_log.py)."""
import json

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import SHANGHAI, clock
from ..extensions import db
from ..models import (ACCIDENT_LEVELS, COMMITMENT_STATUSES, COMPLAINT_KINDS, CONTACT_WAYS, MANAGER_CATEGORIES,
                      OPERATION_CATEGORIES, QUESTION_STATUSES, QUESTION_URGENCIES, REVIEW_STATUSES)
from ..services import audit_log, users
from . import forms_render, names
from .names import N_, label
from .guards import restrict
from .downloads import csv_download, xlsx_download
from .admin_people import ACCIDENT_TITLES, ENTERPRISE_TITLES, USER_TITLES, VISIT_TITLES
from .complaints import COMPLAINT_TITLES, complaint_kind
from .liaison import LIAISON_TITLES
from .enterprise_documents import DOCUMENT_TITLES, document_category, review_status
from .effect_evaluations import EVALUATION_TITLES
from .alert_rules import ALERT_RULE_TITLES
from .emergencies import EMERGENCY_TITLES
from .resumption import RESUMPTION_TITLES
from .evaluation_bodies import BODY_TITLES
from .equipment import EQUIPMENT_TITLES, audit_labels as equipment_audit_labels
from .experts import EXPERT_TITLES, audit_labels as expert_audit_labels
from .iot import IOT_TITLES, audit_labels as iot_audit_labels
from .meetings import MEETING_TITLES, audit_labels as meeting_audit_labels
from .priorities import accident_level
from .query_args import page_count, page_number, read_days
from .report_intake import REPORT_TITLES, audit_labels as report_audit_labels
from .staff_certificates import CERTIFICATE_TITLES, audit_labels as certificate_audit_labels
from .staff_supervision import SUPERVISION_TITLES, audit_labels as supervision_audit_labels
from .quality_incidents import INCIDENT_TITLES, audit_labels as incident_audit_labels
from .supplies import SUPPLY_TITLES, audit_labels as supply_audit_labels
from .risk_points import POINT_TITLES, audit_labels as risk_audit_labels
from .roster import ROSTER_TITLES, audit_labels as roster_audit_labels
from .typical_cases import TYPICAL_CASE_TITLES
from .knowledge import KNOWLEDGE_TITLES
from .learning import LEARNING_TITLES

bp = Blueprint("audit", __name__, url_prefix="/audit")
PAGE_SIZE = 50
MAX_TEXT = 64


_NAMED_SUBJECTS = {"iot_device": N_("监测设备 #%(id)s"), "iot_alarm": N_("监测告警 #%(id)s"),
                 "iot_gateway": N_("边缘网关 #%(id)s"), "training": N_("培训 #%(id)s"), "drill": N_("应急演练 #%(id)s"),
                 "training_plan": N_("%(id)s 年度培训计划"), "return_visit": N_("回访记录 #%(id)s"),
                 "return_visit_report": N_("回访汇总报告 #%(id)s"), "emergency": N_("突发状况 #%(id)s"),
                 "emergency_duty": N_("值班安排 #%(id)s"), "risk_point": N_("风险点 #%(id)s"),
                 "risk_map": N_("企业 #%(id)s 的风险分布图"),
                 "meeting": N_("会议 #%(id)s"), "inspection_visit": N_("排查记录 #%(id)s"),
                 "visit_quality_round": N_("排查质量抽查 #%(id)s"), "staff_supervision": N_("督查记录 #%(id)s"),
                 "credit_year": N_("%(id)s 年度信用评价"), "supply_point": N_("应急物资储备点 #%(id)s"),
                 "supply_kind": N_("应急物资品种 #%(id)s"), "roster_person": N_("从业人员 #%(id)s"),
                 "stop_work": N_("停产停业指令 #%(id)s"), "knowledge_entry": N_("知识库条目 #%(id)s"),
                 "effect_evaluation": N_("整改效果评估 #%(id)s"),
                 "evaluation_body": N_("第三方评估机构 #%(id)s"), "alert_rule": N_("预警规则 #%(id)s"),
                 "alert": N_("预警 #%(id)s")}
_NAMED_SUBJECTS.update({"course": N_("课程 #%(id)s"), "learning_attempt": N_("模拟测试 #%(id)s")})
_NAMED_SUBJECTS.update({"key_part": N_("重点部位 #%(id)s")})

may_read_audit_log = restrict(bp, "may_read_audit_log", audit_log.may_read,
                              N_("只有管理人员、应急管理局和系统管理员可以查看审计日志"))


def read_query(args):
    """(AuditQuery, {field: error}) from the page's query arguments; a bad field is named, not ignored."""
    errors, values = {}, {}
    scope = args.get("scope", "")
    values["scope"] = scope if scope in audit_log.SCOPES else ""
    action = args.get("action", "").strip()
    if action and action not in names.ACTION_CODES:
        errors["action"] = _("没有这种操作")
    values["action"] = action
    for name in ("actor", "case_code"):
        text = args.get(name, "").strip()
        if len(text) > MAX_TEXT:
            errors[name] = _("最多 %(n)s 个字符", n=MAX_TEXT)
        values[name] = text
    values.update(read_days(args, ("since", "until"), errors))
    if values["since"] and values["until"] and values["since"] > values["until"]:
        errors["until"] = _("结束日期早于开始日期")
    return audit_log.AuditQuery(**values), errors


@bp.route("")
@login_required
def index():
    query, errors = read_query(request.args)
    page = page_number(request.args)
    rows, total = ([], 0) if errors else audit_log.search(db.session, current_user, query, PAGE_SIZE,
                                                           (page - 1) * PAGE_SIZE)
    return render_template("audit/index.html", rows=rows, total=total, page=page, pages=page_count(total, PAGE_SIZE),
                           args=request.args, errors=errors, catalog=_catalog(e for e, _code in rows),
                           actions=names.action_choices(), scopes=audit_log.SCOPES,
                           names=users.display_names(db.session, (e.actor_id for e, _code in rows)),
                           subject_text=subject_text, subject_titles=subject_titles,
                           export_url=_export_url("audit.export"),
                           xlsx_url=_export_url("audit.export_xlsx")), 400 if errors else 200


def _export_url(endpoint):
    """A file of the page's filters (without its page number)."""
    return url_for(endpoint, **{k: v for k, v in request.args.items() if k != "page" and v})


@bp.route("/export.csv")
@login_required
def export():
    return csv_download(_export_lines(), f"audit-log-{clock.local_now():%Y%m%d-%H%M}.csv")


@bp.route("/export.xlsx")
@login_required
def export_xlsx():
    return xlsx_download(_export_lines(), f"audit-log-{clock.local_now():%Y%m%d-%H%M}.xlsx", _("审计日志"))


def _export_lines():
    """The rows of the files (CSV, Excel), a header first: the request's filters, at most
    audit_log.EXPORT_LIMIT events; 403 for other roles, 400 for a bad filter."""
    query, errors = read_query(request.args)
    if errors:
        abort(400, "; ".join(f"{name}: {text}" for name, text in errors.items()))
    rows = list(audit_log.export(db.session, current_user, query))
    catalog = _catalog(e for e, _code in rows)
    lines = [[_("时间"), _("操作人"), _("操作类型"), _("案件编号"), _("对象"), _("环节"), _("原因"), _("变更"),
              _("详情")]]
    for event, code in rows:
        lines.append([event.created_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S"),
                      event.actor_name if event.actor_name != "system" else _("系统"),
                      names.action_name(event.action), code or "", subject_text(event),
                      names.step_name(event.task_name), event.reason,
                      "; ".join(f"{subject_titles(catalog, event.subject_type)(name)}: {_plain(catalog, name, pair)}"
                                for name, pair in (event.changes or {}).items()),
                      json.dumps(event.details, ensure_ascii=False) if event.details else ""])
    return lines


# Records whose field names are shared with others ("level" is an accident's 事故等级 on an enterprise, an incident's
# 响应等级 here): their titles apply to their own rows only, not to the whole log's catalog.
_SUBJECT_TITLES = {"emergency": EMERGENCY_TITLES, "question": LIAISON_TITLES, "stop_work": RESUMPTION_TITLES,
                   "knowledge_entry": KNOWLEDGE_TITLES, "effect_evaluation": EVALUATION_TITLES,
                   "evaluation_body": BODY_TITLES}
_SUBJECT_TITLES["course"] = LEARNING_TITLES
_SUBJECT_TITLES["alert_rule"] = ALERT_RULE_TITLES


def subject_titles(catalog, subject_type):
    """The title function for one row's changes: its record's own titles first, then the log's catalog."""
    own = _SUBJECT_TITLES.get(subject_type)
    if not own:
        return catalog.title
    return lambda name: _(own[name]) if name in own else catalog.title(name)


def subject_text(event):
    """What a row outside a case is about, as a reader names it."""
    if event.subject_type == "enterprise":
        return _("企业 #%(id)s", id=event.subject_id)
    if event.subject_type == "user":
        return _("用户 #%(id)s", id=event.subject_id)
    if event.subject_type == "complaint":
        return _("服务投诉 #%(id)s", id=event.subject_id)
    if event.subject_type == "question":
        return _("企业咨询 #%(id)s", id=event.subject_id)
    if event.subject_type == "public_report":
        return _("群众举报 #%(id)s", id=event.subject_id)
    if event.subject_type == "typical_case":
        return _("典型案例 #%(id)s", id=event.subject_id)
    if event.subject_type == "service_report":
        return _("服务情况报告 #%(id)s", id=event.subject_id)
    if event.subject_type == "periodic_report":
        return _("定期报告 #%(id)s", id=event.subject_id)
    if event.subject_type == "bureau_notice":
        return _("通知公告 #%(id)s", id=event.subject_id)
    if event.subject_type == "enforcement":
        return _("执法处置 #%(id)s", id=event.subject_id)
    if event.subject_type == "enterprise_document":
        return _("档案资料 #%(id)s", id=event.subject_id)
    if event.subject_type in _NAMED_SUBJECTS:
        return _(_NAMED_SUBJECTS[event.subject_type], id=event.subject_id)
    if event.subject_type == "expert":
        return _("专家 #%(id)s", id=event.subject_id)
    if event.subject_type == "instrument":
        return _("设备 #%(id)s", id=event.subject_id)
    if event.subject_type == "checklist":  # standards version management: the list's code is in the details
        return _("检查表 %(code)s", code=(event.details or {}).get("checklist") or event.subject_id)
    return ""


def _plain(catalog, name, pair):
    before, after = pair if isinstance(pair, (list, tuple)) and len(pair) == 2 else (None, pair)
    if before is None or before == "" or before == []:
        return catalog.show(name, after)
    return f"{catalog.show(name, before)} → {catalog.show(name, after)}"


def _catalog(events):
    """Field titles of the deployed forms, the case's tracked columns and the administered records; the names of
    the enterprises the events' registrations name."""
    catalog = forms_render.Catalog.deployed()
    ids = {pair[1] for e in events for name, pair in (e.changes or {}).items()
           if name == "enterprise_id" and isinstance(pair, list) and isinstance(pair[1], int)}
    catalog.labels["enterprise_id"] = {str(i): name for i, name in users.enterprise_names(db.session, ids).items()}
    for name, title in {**ENTERPRISE_TITLES, **USER_TITLES, **ACCIDENT_TITLES, **VISIT_TITLES,
                        **COMPLAINT_TITLES, **TYPICAL_CASE_TITLES, **IOT_TITLES, **REPORT_TITLES,
                        **DOCUMENT_TITLES, **EXPERT_TITLES, **EQUIPMENT_TITLES, **CERTIFICATE_TITLES,
                        **POINT_TITLES, **MEETING_TITLES, **SUPERVISION_TITLES, **LIAISON_TITLES,
                        **SUPPLY_TITLES, **ROSTER_TITLES, **INCIDENT_TITLES}.items():
        catalog.titles.setdefault(name, _(title))
    iot_audit_labels(catalog)
    expert_audit_labels(catalog)
    equipment_audit_labels(catalog)
    certificate_audit_labels(catalog)
    meeting_audit_labels(catalog)
    supervision_audit_labels(catalog)
    incident_audit_labels(catalog)
    report_audit_labels(catalog)
    risk_audit_labels(catalog)
    supply_audit_labels(catalog)
    roster_audit_labels(catalog)
    catalog.labels.setdefault("level", {code: accident_level(code) for code in ACCIDENT_LEVELS})
    catalog.labels.setdefault("kind", {code: complaint_kind(code) for code in COMPLAINT_KINDS})
    catalog.labels.setdefault("way", {code: label(CONTACT_WAYS, code) for code in CONTACT_WAYS})
    catalog.labels.setdefault("urgency", {code: label(QUESTION_URGENCIES, code) for code in QUESTION_URGENCIES})
    catalog.labels.setdefault("question_status", {code: label(QUESTION_STATUSES, code) for code in QUESTION_STATUSES})
    catalog.labels.setdefault("commitment_status", {code: label(COMMITMENT_STATUSES, code)
                                                    for code in COMMITMENT_STATUSES})
    catalog.labels.setdefault("review_status", {code: review_status(code) for code in REVIEW_STATUSES})
    catalog.labels.setdefault("category", {code: document_category(code)
                                           for code in {**MANAGER_CATEGORIES, **OPERATION_CATEGORIES}})
    return catalog
