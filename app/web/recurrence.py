"""Recurring hazard types (重复出现隐患类型分析, services/recurrence.py) under the statistics: the page
`/reports/recurrence?start=&end=&township=&enterprise_id=&hazard_type=&page=` with its chart and the drill-down list
of recurring pairs, and its CSV, Excel and PDF files, for the statistics' readers (a township office: its own area;
another area is 404)."""
from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import db
from ..services import recurrence, report_area, reports
from ..services.access import township_choices
from . import forms_render, reports_pdf
from .downloads import csv_download, csv_moment, xlsx_download
from .guards import restrict
from .names import N_
from .query_args import page_count, page_number, read_days
from .reports import Labels, _enterprise_choices, area_name, read_area

bp = Blueprint("recurrence", __name__, url_prefix="/reports")

restrict(bp, "may_read_recurrence", reports.may_read, N_("只有管理人员、应急管理局、属地监管和系统管理员可以查看统计报表"))

STACKED_TOWNSHIPS = 5  # townships shown apart in the chart's bars; the rest as 其他


def read_period(args):
    """(start, end, {field: error}); this month and the five before it when no dates are given."""
    errors = {}
    days = read_days(args, ("start", "end"), errors)
    default_start, default_end = recurrence.default_period()
    start, end = days["start"] or default_start, days["end"] or default_end
    if not errors and start > end:
        errors["end"] = _("结束日期早于开始日期")
    elif not errors and (end - start).days > reports.MAX_DAYS:
        errors["end"] = _("统计期间最长 %(n)s 天", n=reports.MAX_DAYS)
    return start, end, errors


@bp.route("/recurrence")
@login_required
def index():
    start, end, errors = read_period(request.args)
    area, hazard_type = read_area(request.args), (request.args.get("hazard_type") or "").strip() or None
    analysis = pairs = None
    total = page = pages = 0
    if not errors:
        analysis = recurrence.build(db.session, current_user, start, end, **area)
        page = page_number(request.args)
        pairs, total = recurrence.pairs(db.session, analysis, hazard_type, recurrence.PAIR_PAGE,
                                        (page - 1) * recurrence.PAIR_PAGE)
        pages = page_count(total, recurrence.PAIR_PAGE)
    query = {"start": start.isoformat(), "end": end.isoformat(), **{k: v for k, v in area.items() if v is not None}}
    return render_template(
        "reports/recurrence.html", analysis=analysis, errors=errors, args=request.args, start=start, end=end,
        labels=Labels(), hazard_types=_hazard_types(), hazard_type=hazard_type, pairs=pairs, total=total, page=page,
        pages=pages, chart=chart(analysis) if analysis else None, townships=township_choices(db.session, current_user),
        enterprises=_enterprise_choices(), county=report_area.default_for(current_user).is_county,
        area_name=area_name(analysis.area) if analysis else None,
        csv_url=url_for("recurrence.export_csv", **query, **_type(hazard_type)),
        xlsx_url=url_for("recurrence.export_xlsx", **query, **_type(hazard_type)),
        pdf_url=url_for("recurrence.export_pdf", **query)), 400 if errors else 200


def _type(hazard_type):
    return {"hazard_type": hazard_type} if hazard_type else {}


def _hazard_types():
    """[(code, name)] of the registration form's hazard types, for the drill-down's filter."""
    return list(forms_render.Catalog.deployed().labels.get("hazard_type", {}).items())


def chart(analysis):
    """The bar chart of recurrences by hazard type, each bar split by township: (townships in the legend, rows of
    (hazard type, [(legend index, count)])). The STACKED_TOWNSHIPS townships with most recurrences keep their
    colour, the rest share the last one (其他)."""
    named = [place.key for place in analysis.townships[:STACKED_TOWNSHIPS]]
    others = len(analysis.townships) > STACKED_TOWNSHIPS
    legend = named + ([None] if others else [])
    rows = []
    for kind in analysis.by_type:
        parts = [(i, kind.townships.get(town, 0)) for i, town in enumerate(named)]
        if others:
            parts.append((len(named), kind.recurrences - sum(n for _i, n in parts)))
        rows.append((kind, [(i, n) for i, n in parts if n]))
    return legend, rows


@bp.route("/recurrence/export.csv")
@login_required
def export_csv():
    analysis, hazard_type = _analysis_or_400()
    return csv_download(_lines(analysis, hazard_type), _filename(analysis, "csv"))


@bp.route("/recurrence/export.xlsx")
@login_required
def export_xlsx():
    analysis, hazard_type = _analysis_or_400()
    return xlsx_download(_lines(analysis, hazard_type), _filename(analysis, "xlsx"), _("重复隐患分析"))


@bp.route("/recurrence/export.pdf")
@login_required
def export_pdf():
    analysis, _hazard_type = _analysis_or_400()
    title = _("%(area)s重复出现隐患类型分析", area=area_name(analysis.area))
    subtitle = _("%(start)s — %(end)s 登记的隐患；同一企业六个月内再次出现同类型隐患计为一次重复",
                 start=analysis.start.isoformat(), end=analysis.end.isoformat())
    body = reports_pdf.render_tables(title, subtitle, sections(analysis))
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{_filename(analysis, "pdf")}"'})


def _analysis_or_400():
    start, end, errors = read_period(request.args)
    if errors:
        abort(400, "; ".join(f"{name}: {text}" for name, text in errors.items()))
    analysis = recurrence.build(db.session, current_user, start, end, **read_area(request.args))
    return analysis, (request.args.get("hazard_type") or "").strip() or None


def _filename(analysis, extension):
    return f"recurring-hazards-{analysis.start:%Y%m%d}-{analysis.end:%Y%m%d}.{extension}"


def _lines(analysis, hazard_type):
    """The summary tables, then every recurring pair (at most EXPORT_PAIRS), as the files' rows."""
    lines = []
    for title, rows in sections(analysis):
        lines += [[title], *rows, []]
    labels = Labels()
    pairs, total = recurrence.pairs(db.session, analysis, hazard_type, recurrence.EXPORT_PAIRS)
    lines += [[_("重复隐患明细（共 %(n)s 对）", n=total)],
              [_("企业"), _("乡镇/园区"), _("隐患类型"), _("前次隐患"), _("前次登记时间"), _("重复隐患"), _("登记时间"), _("间隔天数")]]
    lines += [[p.enterprise, labels.blank(p.township), labels.hazard_type(p.hazard_type), p.first_code,
               csv_moment(p.first_at), p.case_code, csv_moment(p.at), p.days] for p in pairs]
    return lines


def _percent(value):
    return "—" if value is None else f"{value} %"


def sections(analysis):
    """The analysis as titled tables: the summary, by hazard type, by township, by enterprise."""
    labels = Labels()
    summary = [[_("统计范围"), area_name(analysis.area)],
               [_("统计期间"), f"{analysis.start.isoformat()} — {analysis.end.isoformat()}"],
               [_("登记隐患数"), analysis.registered], [_("重复出现次数"), analysis.recurrences],
               [_("隐患复发率（六个月内同企业同类型）"), _percent(analysis.rate)]]
    by_type = [[_("隐患类型"), _("登记数"), _("重复次数"), _("复发率"), _("涉及企业数"), _("重复最多的企业"), _("重复最多的乡镇/园区")]]
    for kind in analysis.by_type:
        by_type.append([labels.hazard_type(kind.hazard_type), kind.registered, kind.recurrences, _percent(kind.rate),
                        len(kind.enterprises), _places(analysis.top_enterprises(kind)),
                        _places([(labels.blank(t), n) for t, n in list(kind.townships.items())[:recurrence.TOP_PLACES]])])
    def places(rows, with_township):
        head = [_("企业") if with_township else _("乡镇/园区")] + ([_("乡镇/园区")] if with_township else [])
        return [head + [_("重复次数"), _("重复的隐患类型")]] + [
            [labels.blank(p.name)] + ([labels.blank(p.township)] if with_township else [])
            + [p.recurrences, _places([(labels.hazard_type(t), n) for t, n in p.types.items()])] for p in rows]
    return [(_("总体情况"), summary), (_("按隐患类型"), by_type),
            (_("按乡镇/园区"), places(analysis.townships, False)), (_("按企业"), places(analysis.enterprises, True))]


def _places(pairs):
    """"甲公司 3、乙公司 2": names with their counts, in one cell."""
    return _("、").join(f"{name} {n}" for name, n in pairs)
