"""Statistics (统计报表) of the hazards registered in a period, on a page and as CSV, Excel and PDF files,
for managers, the bureau and administrators, and for township / park safety offices of their own area
(services/reports.py, services/report_area.py). `township` and `enterprise_id` narrow the area; one outside the
reader's area is 404."""
from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import db
from ..models import ENTERPRISE_TAGS, Enterprise
from ..services import report_area, reports
from ..services.access import township_choices
from . import forms_render, reports_pdf
from .names import N_, label
from .guards import restrict
from .downloads import csv_download, xlsx_download
from .query_args import int_or_none, read_days

bp = Blueprint("reports", __name__, url_prefix="/reports")


may_read_reports = restrict(bp, "may_read_reports", reports.may_read,
                            N_("只有管理人员、应急管理局、属地监管和系统管理员可以查看统计报表"))


def read_period(args):
    """(start, end, {field: error}); this month so far when no dates are given."""
    errors = {}
    days = read_days(args, ("start", "end"), errors)
    default_start, default_end = reports.default_period()
    start, end = days["start"] or default_start, days["end"] or default_end
    if not errors and start > end:
        errors["end"] = _("结束日期早于开始日期")
    elif not errors and (end - start).days > reports.MAX_DAYS:
        errors["end"] = _("统计期间最长 %(n)s 天", n=reports.MAX_DAYS)
    return start, end, errors


def read_area(args):
    """The area asked for: {"township": name or None, "enterprise_id": number or None} (a malformed number is no
    filter, as in the case list)."""
    return {"township": (args.get("township") or "").strip() or None,
            "enterprise_id": int_or_none(args.get("enterprise_id"))}


@bp.route("")
@login_required
def index():
    start, end, errors = read_period(request.args)
    area = read_area(request.args)
    report = None if errors else reports.build(db.session, current_user, start, end, **area)
    query = {"start": start.isoformat(), "end": end.isoformat(), **{k: v for k, v in area.items() if v is not None}}
    townships = township_choices(db.session, current_user)

    def township_link(township):
        """A township's own statistics, for a row of the per-township table (not the one already shown)."""
        if township in townships and report.area.townships != (township,):
            return url_for("reports.index", start=query["start"], end=query["end"], township=township)
        return None
    return render_template(
        "reports/index.html", report=report, errors=errors, args=request.args, start=start, end=end,
        labels=Labels(), directions=DIRECTIONS, townships=townships, enterprises=_enterprise_choices(),
        county=report_area.default_for(current_user).is_county, township_link=township_link,
        area_name=area_name(report.area) if report else None,
        csv_url=url_for("reports.export_csv", **query), xlsx_url=url_for("reports.export_xlsx", **query),
        pdf_url=url_for("reports.export_pdf", **query)), 400 if errors else 200


def _enterprise_choices():
    """The enterprises the reader may narrow the statistics to: those of their area, by name."""
    area = report_area.default_for(current_user)
    return db.session.query(Enterprise.id, Enterprise.name).filter(area.condition(Enterprise.id)) \
        .order_by(Enterprise.name).all()


def area_name(area):
    """The counted area in words: the county, the townships / parks, or the enterprise."""
    return area.name(_("全县"))


@bp.route("/export.csv")
@login_required
def export_csv():
    report, labels = _report_or_400()
    return csv_download(_lines(report, labels), _filename(report, "csv"))


@bp.route("/export.xlsx")
@login_required
def export_xlsx():
    report, labels = _report_or_400()
    return xlsx_download(_lines(report, labels), _filename(report, "xlsx"), _("统计报表"))


@bp.route("/export.pdf")
@login_required
def export_pdf():
    report, labels = _report_or_400()
    body = reports_pdf.render(report, sections(report, labels), area_name(report.area))
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{_filename(report, "pdf")}"'})


def _report_or_400():
    start, end, errors = read_period(request.args)
    if errors:
        abort(400, "; ".join(f"{name}: {text}" for name, text in errors.items()))
    return reports.build(db.session, current_user, start, end, **read_area(request.args)), Labels()


def _lines(report, labels):
    """The sections one after another, each its title, its table and a blank row: the rows of the CSV and Excel
    files."""
    lines = []
    for title, rows in sections(report, labels):
        lines += [[title], *rows, []]
    return lines


def _filename(report, extension):
    return f"hazard-statistics-{report.start:%Y%m%d}-{report.end:%Y%m%d}.{extension}"


class Labels:
    """Names of grades and hazard types (from the deployed registration form) in the current language."""

    def __init__(self):
        self._catalog = forms_render.Catalog.deployed()

    def grade(self, code):
        return self._catalog.show("grade", code) if code else _("未定级")

    def hazard_type(self, code):
        return self._catalog.show("hazard_type", code)

    @staticmethod
    def blank(text):
        return text or _("未填写")

    @staticmethod
    def month(key):
        return key  # "2026-11": read alike in both languages

    @staticmethod
    def tag(code):
        return label(ENTERPRISE_TAGS, code)


def _percent(value):
    return "—" if value is None else f"{value} %"


def sections(report, labels):
    """The report as titled tables of text and numbers, shared by the page's files (CSV, Excel, PDF)."""
    head = [_("分组"), _("登记数"), _("已销号"), _("未销号"), _("逾期未整改"), _("整改率")]

    def rows(groups, name):
        return [head] + [[name(key), t.registered, t.closed, t.open, t.overdue, _percent(t.rate)]
                         for key, t in groups.items()]
    total = report.total
    summary = [[_("统计范围"), area_name(report.area)],
               [_("统计期间"), f"{report.start.isoformat()} — {report.end.isoformat()}"],
               [_("登记隐患数"), total.registered], [_("已销号"), total.closed], [_("未销号"), total.open],
               [_("逾期未整改"), total.overdue], [_("整改率"), _percent(total.rate)],
               [_("隐患复发率（六个月内同企业同类型）"), _percent(report.recurrence_rate)],
               [_("平均销号用时（天）"), "—" if report.average_days_to_close is None else report.average_days_to_close]]
    enterprises = [[_("企业"), _("行业"), _("乡镇/园区")] + head[1:] + [_("有未销号重大隐患")]] + [
        [e.name, labels.blank(e.industry), labels.blank(e.township), t.registered, t.closed, t.open, t.overdue,
         _percent(t.rate), _("是") if e.enterprise_id in report.open_major else _("否")] for e, t in report.enterprises]
    heat = [[_("乡镇/园区")] + [labels.hazard_type(t) for t in report.heat_types]] + [
        [labels.blank(town)] + [counts.get(t, 0) for t in report.heat_types] for town, counts in report.heat.items()]
    tables = [(_("总体情况"), summary), (_("按隐患等级"), rows(report.by_grade, labels.grade)),
              (_("按隐患类型"), rows(report.by_type, labels.hazard_type)),
              (_("按行业"), rows(report.by_industry, labels.blank)),
              (_("按乡镇/园区"), rows(report.by_township, labels.blank)),
              (_("按月份（登记时间）"), rows(report.by_month, labels.month)),
              (_("按企业风险标签（一家企业的隐患计入其每个标签）"), rows(report.by_tag, labels.tag)),
              (_("%(year)s 年重点类别排查覆盖率", year=report.end.year), coverage_rows(report.tag_coverage, labels))]
    if report.heat_max:
        tables.append((_("区域隐患热力图（乡镇/园区 × 隐患类型）"), heat))
    tables.append((_("按企业"), enterprises))
    tables.append((_("趋势与预测（近六个整月登记数，按直线趋势估算下月）"), trend_rows(report.trend, labels)))
    return tables


def coverage_rows(coverage, labels):
    return [[_("风险标签"), _("企业数"), _("已排查"), _("未排查"), _("覆盖率")]] + [
        [labels.tag(c.tag), c.enterprises, c.visited, c.not_visited, _percent(c.percent)] for c in coverage]


DIRECTIONS = {"rising": N_("上升"), "falling": N_("下降"), "steady": N_("平稳")}


def trend_rows(trend, labels):
    """The trend as a table: each month's count, the direction and the next month's forecast, all hazards first."""
    head = [_("隐患类型")] + trend.months + [_("趋势"), _("%(month)s 预计", month=trend.next_month)]

    def row(name, series):
        return [name] + series.counts + [_(DIRECTIONS[series.direction]), series.forecast]
    return [head, row(_("全部隐患"), trend.total)] + [row(labels.hazard_type(kind), series)
                                                   for kind, series in trend.by_type.items()]
