"""The inspection priority list (重点排查名单, services/inspection_priority.py) and the regional risk levels
(区域安全风险分级, services/region_risk.py): the pages and their CSV and Excel downloads. For those who plan and do
the inspections and those who oversee them, and for township / park safety offices (属地监管), who see their area's
enterprises and areas only."""
from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import clock
from ..extensions import db
from ..models import ENTERPRISE_TAGS
from ..services import inspection_priority, region_risk
from ..services.access import sees_township, township_choices
from .downloads import csv_download, xlsx_download
from .guards import restrict
from .names import N_, is_english, label
from .supervision import ROLES as SUPERVISION_ROLES

bp = Blueprint("priorities", __name__, url_prefix="/supervision")
ROLES = SUPERVISION_ROLES + ("inspector", "supervision", "expert", "township")
REASON_NAMES = {"accident": N_("近三年发生生产安全事故"), "major_hazard_source": N_("有重大危险源"),
                "risk_tags": N_("重点监管类别"),
                "repeated_overdue": N_("两次以上整改逾期"), "trial_operation": N_("试运行期内"),
                "open_major_hazard": N_("有未销号的重大隐患"), "cooperation_c": N_("配合评分 C 类")}

ACCIDENT_LEVEL_NAMES = {"general": N_("一般事故"), "larger": N_("较大事故"), "major": N_("重大事故"),
                        "especially_major": N_("特别重大事故")}


@bp.app_template_filter()
def accident_level(code):
    return _(ACCIDENT_LEVEL_NAMES[code]) if code in ACCIDENT_LEVEL_NAMES else code


restrict(bp, "may_see_priorities", lambda user: user.has_role(*ROLES), N_("你的角色不能查看重点排查名单"))


@bp.app_template_filter()
def priority_reason(reason):
    """One reason as a short phrase with its figures, in the current language."""
    name = _(REASON_NAMES[reason.code])
    if reason.code == "accident":
        return _("%(name)s（%(n)s 起，最近 %(day)s）", name=name, n=reason.count, day=reason.last.isoformat())
    if reason.code == "trial_operation":
        return _("%(name)s（至 %(day)s）", name=name, day=reason.last.isoformat())
    if reason.code == "cooperation_c":
        return _("%(name)s（%(month)s）", name=name, month=reason.last.strftime("%Y-%m"))
    if reason.code in ("repeated_overdue", "open_major_hazard"):
        return _("%(name)s（%(n)s 件）", name=name, n=reason.count)
    if reason.code == "major_hazard_source" and reason.count:
        return _("%(name)s（%(n)s 处）", name=name, n=reason.count)
    if reason.code == "risk_tags":
        return _("%(name)s（%(tags)s）", name=name,
                 tags=(", " if is_english() else "、").join(label(ENTERPRISE_TAGS, t) for t in reason.tags))
    return name


@bp.route("/priorities")
@login_required
def index():
    filters = _filters()
    rows = inspection_priority.priority_list(db.session, **filters, user=current_user)
    industries = inspection_priority.filter_choices(db.session)[1]
    return render_template("supervision/priorities.html", rows=rows, filters=filters, tags=ENTERPRISE_TAGS,
                           townships=township_choices(db.session, current_user),
                           industries=industries, reasons=[(code, _(name)) for code, name in REASON_NAMES.items()])


@bp.route("/priorities.csv")
@login_required
def export_csv():
    return csv_download(_lines(), f"inspection-priorities-{clock.local_now():%Y%m%d}.csv")


@bp.route("/priorities.xlsx")
@login_required
def export_xlsx():
    return xlsx_download(_lines(), f"inspection-priorities-{clock.local_now():%Y%m%d}.xlsx", _("重点排查名单"))


def _filters():
    reason, tag = request.args.get("reason", ""), request.args.get("tag", "")
    return {"township": request.args.get("township", "").strip()[:100],
            "industry": request.args.get("industry", "").strip()[:100],
            "reason": reason if reason in REASON_NAMES else "", "tag": tag if tag in ENTERPRISE_TAGS else ""}


def _lines():
    rows = inspection_priority.priority_list(db.session, **_filters(), user=current_user)
    yield [_("企业名称"), _("统一社会信用代码"), _("乡镇/园区"), _("行业"), _("列入原因"), _("未销号隐患"),
           _("最近排查"), _("配合评分类别")]
    for row in rows:
        company = row.enterprise
        yield [company.name, company.credit_code, company.township, company.industry,
               "；".join(priority_reason(r) for r in row.reasons), row.open_cases,
               row.last_inspected.isoformat() if row.last_inspected else "", row.cooperation_class or ""]


# ---- regional risk levels (区域安全风险分级) ----------------------------------------------------------------------
DUE_SHOWN = 20  # enterprises due for inspection listed per area on the page (the files list them all)
LEVEL_NAMES = {"red": N_("红色"), "orange": N_("橙色"), "yellow": N_("黄色"), "blue": N_("蓝色")}
FACTOR_NAMES = {"open_hazards": N_("未销号隐患"), "overdue_hazards": N_("整改逾期隐患"),
                "accidents": N_("近三年生产安全事故"), "major_hazard_sources": N_("有重大危险源的企业"),
                "low_closed_rate": N_("近12个月销号率偏低")}


@bp.app_template_filter()
def risk_level(code):
    return _(LEVEL_NAMES[code]) if code in LEVEL_NAMES else "—"


@bp.app_template_filter()
def risk_factors(factors):
    """"未销号隐患 13 分、…", the largest first, in the current language."""
    parts = sorted((factors or {}).items(), key=lambda item: -item[1])
    return (", " if is_english() else "、").join(
        _("%(factor)s %(points)s 分", factor=_(FACTOR_NAMES.get(code, code)), points=points)
        for code, points in parts) or _("无风险因素")


@bp.route("/regions")
@login_required
def regions():
    changes = [c for c in region_risk.change_log(db.session) if sees_township(current_user, c.township)]
    return render_template("supervision/regions.html", areas=_visible_areas(), changes=changes, weights=region_risk,
                           due_shown=DUE_SHOWN)


def _visible_areas():
    """The graded areas the user may see: all, or a township office's own (graded among all, as for the bureau)."""
    return [area for area in region_risk.grade_areas(db.session) if sees_township(current_user, area.township)]


@bp.route("/regions.xlsx")
@login_required
def regions_xlsx():
    return xlsx_download(_region_lines(), f"region-risk-{clock.local_now():%Y%m%d}.xlsx", _("区域风险分级"))


@bp.route("/regions.csv")
@login_required
def regions_csv():
    return csv_download(_region_lines(), f"region-risk-{clock.local_now():%Y%m%d}.csv")


def _region_lines():
    yield [_("乡镇/园区"), _("风险等级"), _("每家平均分"), _("风险因素"), _("企业数"), _("近12个月销号率（%）"),
           _("排查间隔（天）"), _("应排查未排查的企业")]
    for area in _visible_areas():
        yield [area.township or _("未填乡镇"), risk_level(area.level), area.score, risk_factors(area.factors),
               area.enterprises, area.closed_rate if area.closed_rate is not None else "", area.inspection_days,
               "、".join(enterprise.name for enterprise, _last in area.due_inspection)]
