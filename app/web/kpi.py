"""The project KPIs against the tender's targets (项目绩效指标, services/kpi.py) on a page, as CSV and as a PDF for the
acceptance meeting (web/kpi_pdf.py). The page's query — `project_id`, `phase`, `quarter`, `from`, `to` — is read by
services/kpi_periods.py; a wrong one comes back with the message next to its field (400). Enterprise staff get 404,
roles that are not readers 403 (services/kpi.py)."""
from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import ValidationFailed
from ..extensions import db
from ..models import ServiceProject
from ..services import equipment, kpi, kpi_periods, trainings
from ..services.training_targets import Quarter
from . import kpi_pdf
from .downloads import csv_download
from .forms_render import bilingual
from .names import N_

bp = Blueprint("kpi", __name__, url_prefix="/kpi")
QUERY = ("project_id", "phase", "quarter", "from", "to")

NAMES = {"coverage": N_("排查覆盖率"), "accuracy": N_("隐患识别准确率"), "rectification": N_("整改完成率"),
         "verification": N_("二次核查通过率"), "initial_review": N_("线上初审按时率"), "certification": N_("人员持证率"), "calibration": N_("设备校准合格率")}
# (numerator, denominator) in words
PARTS = {"coverage": (N_("已排查企业"), N_("服务名单企业")), "accuracy": (N_("识别无误的隐患"), N_("本期登记隐患")),
         "rectification": (N_("已销号"), N_("本期登记隐患")), "verification": (N_("首轮复核通过"), N_("本期复核销号")),
         "initial_review": (N_("48小时内完成初审"), N_("本期到期的初审")),
         "certification": (N_("持有效证书人员"), N_("在岗项目人员")), "calibration": (N_("校准有效设备"), N_("在用计量设备"))}
DEFINITIONS = {
    "coverage": N_("服务项目名单内、自项目开始至期末有排查走访记录的企业 ÷ 名单企业数（累计）；目标取服务项目设定的覆盖率目标。"),
    "accuracy": N_("1 −（等级经复核定级或重新定级改变的隐患 + 质量抽查或局方抽查验收结论为“发现问题”的隐患，同一隐患只计一次）÷ 本期登记的隐患。"),
    "rectification": N_("本期登记的隐患中目前已销号的 ÷ 本期登记的隐患（与统计报表的整改率相同）。"),
    "verification": N_("本期销号（复核通过）的隐患中第 1 轮复核即通过的 ÷ 本期销号的隐患；复核不通过退回整改会增加轮次。"),
    "initial_review": N_("整改完成申请（进入复核）后 48 小时内完成首次线上初审的 ÷ 本期（截至目前）48 小时期满的初审；按期满月份统计。"
                         "非招标文件六项指标，按闭环流程“48 小时内组织线上初审”的要求，目标为全部按时（100％）。"),
    "certification": N_("期末（不晚于今天）持有至少一本有效资质证书的在岗项目人员 ÷ 在岗项目人员（与培训目标页相同）。"),
    "calibration": N_("期末（不晚于今天）校准在有效期内的在用计量设备 ÷ 有校准信息的在用设备（与设备清单相同）；以往月份按设备清单现状计算。"),
}
PHASES = {"prep": N_("准备阶段"), "implement": N_("实施阶段"), "rectify": N_("整改阶段"), "summary": N_("总结阶段")}
WHY = {"regraded": N_("等级经复核改变"), "quality_problem": N_("抽查发现问题")}


def _may_read():
    return current_user.is_authenticated and kpi.may_read(current_user)


bp.add_app_template_global(_may_read, "may_read_kpi")


def _args():
    return {name: request.args.get(name, "") for name in QUERY}


def _query(dashboard):
    """The query that reproduces the dashboard's period (for its files and links)."""
    args = {k: v for k, v in _args().items() if v}
    if dashboard.project is not None and "project_id" not in args:
        args["project_id"] = dashboard.project.id
    return args


def _build():
    return kpi.build(db.session, current_user, _args(), current_app.config["KPI_TARGETS"])


@bp.route("")
@login_required
def index():
    kpi.check_may_read(current_user)
    try:
        dashboard, errors = _build(), {}
    except ValidationFailed as exc:
        dashboard, errors = None, {name: bilingual(message) for name, message in exc.fields.items()}
    query = _query(dashboard) if dashboard else {}
    projects = db.session.query(ServiceProject).order_by(ServiceProject.start_on.desc(), ServiceProject.id.desc()) \
        .all() if kpi_periods.may_choose_project(current_user) else []
    return render_template(
        "kpi/index.html", dashboard=dashboard, errors=errors, args=_args(), projects=projects,
        phases=kpi_periods.phases(dashboard.project) if dashboard and dashboard.project else [],
        quarters=_quarters(dashboard), names=NAMES, parts=PARTS, definitions=DEFINITIONS, phase_names=PHASES,
        why=WHY, links=_links(dashboard) if dashboard else {},
        csv_url=url_for("kpi.export_csv", **query), pdf_url=url_for("kpi.export_pdf", **query)), \
        400 if errors else 200


def _quarters(dashboard):
    """The quarters to offer: those of the chosen project's period, else the last eight."""
    if dashboard and dashboard.project is not None:
        first, last = Quarter.of(dashboard.project.start_on), Quarter.of(dashboard.project.end_on)
    else:
        today = dashboard.today if dashboard else None
        last = Quarter.of(today) if today else None
        if last is None:
            return []
        first = Quarter(last.year - 2, last.number) if last.number < 4 else Quarter(last.year - 1, 1)
    found, quarter = [], first
    while (quarter.year, quarter.number) <= (last.year, last.number) and len(found) < 40:
        found.append(quarter)
        quarter = Quarter(quarter.year + 1, 1) if quarter.number == 4 else Quarter(quarter.year, quarter.number + 1)
    return list(reversed(found))


def _links(dashboard):
    """{key: (numerator link, denominator link)} to the lists behind the figures the reader may open."""
    period, links = dashboard.period, {}
    days = {"since": period.start.isoformat(), "until": period.end.isoformat()}
    registered = url_for("cases.index", **days)
    links["accuracy"] = (None, registered)
    links["rectification"] = (url_for("cases.index", status="closed", **days), registered)
    if dashboard.project is not None and "coverage" in dashboard.indicators:
        project = url_for("service_projects.show", project_id=dashboard.project.id)
        links["coverage"] = (project, project)
    if "certification" in dashboard.indicators and trainings.reads_all(current_user):
        targets = url_for("training_plans.targets")
        links["certification"] = (targets, targets)
    if "calibration" in dashboard.indicators and equipment.may_read(current_user):
        links["calibration"] = (url_for("equipment.index"), url_for("equipment.index", calibration="overdue"))
    return links


def _dashboard_or_400():
    kpi.check_may_read(current_user)
    try:
        return _build()
    except ValidationFailed as exc:
        abort(400, bilingual(exc.message))


def summary_rows(dashboard):
    """The indicators as a table: a header row, then one row each (the CSV's; the PDF takes its columns)."""
    rows = [[_("指标"), _("目标"), _("分子"), _("分母"), _("实际值"), _("是否达标"), _("分子为"), _("分母为"),
             _("计算口径")]]
    for key, item in dashboard.indicators.items():
        figure = item.figure
        rows.append([_(NAMES[key]), f"≥ {item.target_percent} %", figure.numerator if figure else "—",
                     figure.denominator if figure else "—", percent(figure.percent if figure else None),
                     met_text(item.met), _(PARTS[key][0]), _(PARTS[key][1]), _(DEFINITIONS[key])])
    return rows


def trend_rows(dashboard):
    """Month by month: a header row of the indicators, then one row a month ("92.5 % (37/40)")."""
    keys = list(dashboard.indicators)
    rows = [[_("月份")] + [_(NAMES[k]) for k in keys]]
    for index, (month, _first, _last) in enumerate(dashboard.period.months()):
        row = [month]
        for key in keys:
            figure = dashboard.indicators[key].months[index][1] if dashboard.indicators[key].months else None
            row.append(f"{percent(figure.percent)} ({figure.numerator}/{figure.denominator})"
                       if figure is not None and figure.denominator else "—")
        rows.append(row)
    return rows


def percent(value):
    return "—" if value is None else f"{value} %"


def met_text(met):
    return _("无数据") if met is None else _("达标") if met else _("未达标")


def period_text(dashboard):
    period = dashboard.period
    span = f"{period.start.isoformat()} — {period.end.isoformat()}"
    if period.kind == "phase":
        return f"{_(PHASES[period.phase])} {span}"
    if period.kind == "quarter":
        return f"{period.quarter} {span}"
    return span


def area_text(dashboard):
    return dashboard.area.name(_("全县"))


@bp.route("/export.csv")
@login_required
def export_csv():
    dashboard = _dashboard_or_400()
    head = [[_("项目绩效指标")], [_("服务项目"), dashboard.project.name if dashboard.project else "—"],
            [_("期间"), period_text(dashboard)], [_("范围"), area_text(dashboard)], []]
    return csv_download(head + summary_rows(dashboard) + [[], [_("按月趋势")]] + trend_rows(dashboard),
                        _filename(dashboard, "csv"))


@bp.route("/export.pdf")
@login_required
def export_pdf():
    dashboard = _dashboard_or_400()
    body = kpi_pdf.render(dashboard, summary_rows(dashboard), trend_rows(dashboard), period_text(dashboard),
                          area_text(dashboard))
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{_filename(dashboard, "pdf")}"'})


def _filename(dashboard, extension):
    return f"project-kpi-{dashboard.period.start:%Y%m%d}-{dashboard.period.end:%Y%m%d}.{extension}"
