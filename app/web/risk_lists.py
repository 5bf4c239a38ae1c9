"""The risk registers as lists and files: an enterprise's 风险分级管控清单 (一表) as CSV, Excel and PDF; its
隐患排查清单 drawn from the points (services/risk_overview.py) as a page, CSV and Excel; the county's view of the
registers (enterprises by red and orange points, those without a register, colours per township) and its CSV.
Scoped like the cases: a township office sees its area, enterprise staff their own enterprise."""
from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import clock
from ..extensions import db
from ..models import MEASURE_KINDS
from ..services import risk_overview, risk_points as points
from ..services.access import township_choices
from . import risk_register_pdf
from .downloads import csv_download, xlsx_download
from .names import label
from .risk_points import enterprise_or_abort, risk_label

bp = Blueprint("risk_lists", __name__)


# ---- 一表: the register as files ---------------------------------------------------------------------------------
def register_lines(rows):
    lines = [[_("序号"), _("风险点名称"), _("单元类型"), _("所在区域/装置/岗位"), _("风险点类别"), _("关键环节"),
              _("主要危险有害因素"), _("可能导致的事故类型"), "L", "S", "R", _("风险等级"), _("直接判定为重大风险"),
              *(label(MEASURE_KINDS, name) for name in MEASURE_KINDS), _("操作规范"), _("管控层级"), _("责任人"),
              _("排查频次"), _("审核状态")]]
    for number, r in enumerate(rows, start=1):
        lines.append([number, r.name, risk_label(r.unit_kind, "unit_kind"), r.place, risk_label(r.kind, "point_kind"),
                      risk_label(r.key_links, "key_links"), r.hazard_description,
                      risk_label(r.accident_types, "accident_types"), r.likelihood, r.severity, r.score,
                      risk_label(r.colour, "risk_colour"), _("是") if r.forced_major else _("否"),
                      *(getattr(r, name) for name in MEASURE_KINDS), r.operating_rules,
                      risk_label(r.control_level, "control_level"), r.responsible_person,
                      risk_label(r.check_frequency, "check_frequency"), risk_label(r.status, "review_status")])
    return lines


def _register_rows(enterprise_id):
    enterprise = enterprise_or_abort(enterprise_id)
    return enterprise, points.points_of(db.session, enterprise.id)


def _stamp():
    return f"{clock.local_now():%Y%m%d}"


@bp.route("/enterprises/<int:enterprise_id>/risk-points.csv")
@login_required
def register_csv(enterprise_id):
    enterprise, rows = _register_rows(enterprise_id)
    return csv_download(register_lines(rows), f"risk-register-{enterprise.id}-{_stamp()}.csv")


@bp.route("/enterprises/<int:enterprise_id>/risk-points.xlsx")
@login_required
def register_xlsx(enterprise_id):
    enterprise, rows = _register_rows(enterprise_id)
    return xlsx_download(register_lines(rows), f"risk-register-{enterprise.id}-{_stamp()}.xlsx", _("风险分级管控清单"))


@bp.route("/enterprises/<int:enterprise_id>/risk-points.pdf")
@login_required
def register_pdf(enterprise_id):
    enterprise, rows = _register_rows(enterprise_id)
    return Response(risk_register_pdf.render(enterprise, rows), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="risk-register-{enterprise.id}-{_stamp()}.pdf"'})


# ---- the enterprise's 隐患排查清单 -------------------------------------------------------------------------------
def checklist_lines(items):
    lines = [[_("序号"), _("风险点"), _("所在区域/装置/岗位"), _("风险等级"), _("措施类别"), _("排查内容"),
              _("排查频次"), _("管控层级"), _("责任人")]]
    for item in items:
        p = item.point
        lines.append([item.number, p.name, p.place, risk_label(p.colour, "risk_colour"),
                      label(MEASURE_KINDS, item.measure_kind), item.content,
                      risk_label(p.check_frequency, "check_frequency"), risk_label(p.control_level, "control_level"),
                      p.responsible_person])
    return lines


@bp.route("/enterprises/<int:enterprise_id>/risk-checklist")
@login_required
def checklist(enterprise_id):
    enterprise = enterprise_or_abort(enterprise_id)
    return render_template("risk_points/checklist.html", enterprise=enterprise,
                           items=risk_overview.check_items(db.session, enterprise.id), measure_kinds=MEASURE_KINDS)


@bp.route("/enterprises/<int:enterprise_id>/risk-checklist.csv")
@login_required
def checklist_csv(enterprise_id):
    enterprise = enterprise_or_abort(enterprise_id)
    return csv_download(checklist_lines(risk_overview.check_items(db.session, enterprise.id)),
                        f"hazard-checklist-{enterprise.id}-{_stamp()}.csv")


@bp.route("/enterprises/<int:enterprise_id>/risk-checklist.xlsx")
@login_required
def checklist_xlsx(enterprise_id):
    enterprise = enterprise_or_abort(enterprise_id)
    return xlsx_download(checklist_lines(risk_overview.check_items(db.session, enterprise.id)),
                         f"hazard-checklist-{enterprise.id}-{_stamp()}.xlsx", _("隐患排查清单"))


# ---- the county ----------------------------------------------------------------------------------------------------
def _county_view():
    if not points.may_read(current_user):
        abort(403, _("风险分级管控清单供企业本身、排查和监管人员查看"))
    township = request.args.get("township", "").strip()[:100]
    name = request.args.get("name", "").strip()[:100]
    return risk_overview.county(db.session, current_user, township, name), township, name


@bp.route("/risk-register")
@login_required
def county():
    if current_user.roles <= {"enterprise"} and current_user.enterprise_id:
        return redirect(url_for("risk_points.register", enterprise_id=current_user.enterprise_id))
    view, township, name = _county_view()
    query = {k: v for k, v in (("township", township), ("name", name)) if v}
    return render_template("risk_points/county.html", view=view, args=request.args, query=query,
                           townships=township_choices(db.session, current_user))


@bp.route("/risk-register.csv")
@login_required
def county_csv():
    view, _township, _name = _county_view()
    lines = [[_("企业"), _("统一社会信用代码"), _("乡镇/园区"), _("行业"), _("重大风险（红）"), _("较大风险（橙）"),
              _("一般风险（黄）"), _("低风险（蓝）"), _("风险点合计"), _("待审核"), _("已退回")]]
    for row in view.enterprises:
        e, c = row.enterprise, row.counts
        lines.append([e.name, e.credit_code, e.township, e.industry, c["red"], c["orange"], c["yellow"], c["blue"],
                      row.total, row.pending, row.returned])
    for e in view.without:
        lines.append([e.name, e.credit_code, e.township, e.industry, 0, 0, 0, 0, 0, 0, 0])
    return csv_download(lines, f"risk-registers-{_stamp()}.csv")
