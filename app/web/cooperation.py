"""The monthly cooperation scores (企业配合情况综合评分, services/cooperation.py): the ranking of a month for the oversight
roles with its class counts, the 专项督导 list and a CSV file; each enterprise's staff see their own enterprise's
scores, class and place month by month (第 N / M 名), and never another enterprise's name (the tender's 公示，供企业
查询与对比分析)."""
from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import ValidationFailed
from ..extensions import db
from ..models import COOPERATION_CLASSES
from ..services import cooperation
from .downloads import csv_download
from .guards import restrict
from .names import N_, label

bp = Blueprint("cooperation", __name__, url_prefix="/cooperation")

restrict(bp, "may_see_cooperation", cooperation.may_read,
         N_("企业配合评分供应急管理局、管理人员、质量监督专员、项目负责人、系统管理员和企业本身查看"))

FACTOR_NAMES = {"profile": N_("资料完整性"), "feedback": N_("反馈及时性"), "rectification": N_("整改落实情况")}
FIELD_NAMES = {"address": N_("地址"), "township": N_("乡镇/园区"), "industry": N_("行业"), "main_products": N_("主要产品"),
               "employees": N_("从业人员数"), "safety_managers": N_("安全管理人员数"),
               "special_workers": N_("特种作业人员数"), "main_risks": N_("主要风险因素"),
               "contact_person": N_("联系人"), "contact_phone": N_("联系电话")}


@bp.app_template_filter()
def cooperation_class(code):
    return label(COOPERATION_CLASSES, code) if code in COOPERATION_CLASSES else "—"


@bp.app_template_filter()
def profile_field(name):
    return _(FIELD_NAMES[name]) if name in FIELD_NAMES else name


@bp.route("")
@login_required
def index():
    month = _month_arg()
    if cooperation.is_oversight(current_user):
        month, rows, total, flagged = cooperation.visible_scores(db.session, current_user, month)
        return render_template("cooperation/index.html", month=month, rows=rows, flagged=flagged,
                               counts=cooperation.class_counts(rows),
                               supervision=cooperation.supervision_list(db.session, month) if month else [],
                               months=cooperation.scored_months(db.session), weights=cooperation,
                               factor_names={code: _(name) for code, name in FACTOR_NAMES.items()})
    return render_template("cooperation/own.html", history=cooperation.history(db.session, current_user.enterprise_id),
                           averages=cooperation.month_averages(db.session), chosen=month, weights=cooperation,
                           enterprise=current_user.enterprise,
                           factor_names={code: _(name) for code, name in FACTOR_NAMES.items()})


@bp.route("/export.csv")
@login_required
def export_csv():
    if not cooperation.is_oversight(current_user):
        abort(403, _("排名表只供应急管理局、管理人员、质量监督专员、项目负责人和系统管理员导出"))
    month, rows, _total, flagged = cooperation.visible_scores(db.session, current_user, _month_arg())
    if month is None or not rows:
        abort(404, _("该月没有配合评分"))
    return csv_download(_lines(rows, flagged), f"cooperation-scores-{month:%Y-%m}.csv")


def _month_arg():
    text = request.args.get("month", "").strip()
    if not text:
        return None
    try:
        return cooperation.parse_month(text)
    except ValidationFailed:
        abort(400, _("月份应为 YYYY-MM 格式，如 2026-11"))


def _ratio(done, total):
    return f"{done}/{total}" if total else "—"


def _lines(rows, flagged):
    yield [_("排名"), _("企业名称"), _("统一社会信用代码"), _("乡镇/园区"), _("行业"), _("综合得分"), _("类别"),
           _("资料完整性"), _("反馈及时性"), _("整改落实情况"), _("通知书按时签收"), _("排查结果按时确认"),
           _("整改按期提交"), _("首轮验收通过"), _("月末逾期未整改"), _("专项督导")]
    for row in rows:
        company, feedback, rectification = row.enterprise, row.factors["feedback"], row.factors["rectification"]
        yield [row.rank, company.name, company.credit_code, company.township, company.industry, row.score,
               row.cooperation_class, row.profile_score, row.feedback_score, row.rectification_score,
               _ratio(feedback["notices_on_time"], feedback["notices"]),
               _ratio(feedback["visits_on_time"], feedback["visits"]),
               _ratio(rectification["on_time"], rectification["due"]),
               _ratio(rectification["first_round"], rectification["closed"]), rectification["overdue_open"],
               _("是") if row.enterprise_id in flagged else ""]
