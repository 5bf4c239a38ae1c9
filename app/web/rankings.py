"""The month's rectification-rate rankings (本月隐患整改率排行榜, services/rankings.py) under the statistics: the page
`/reports/rankings?month=2026-11&township=` and its CSV, Excel and PDF files, for the statistics' readers (a township
office: its own area; another area is 404)."""
from flask import Blueprint, Response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from reportlab.lib.units import mm

from ..extensions import db
from ..services import rankings, report_area, reports
from ..services.access import township_choices
from . import reports_pdf
from .downloads import csv_download, xlsx_download
from .guards import restrict
from .names import N_
from .reports import Labels, area_name

bp = Blueprint("rankings", __name__, url_prefix="/reports")

restrict(bp, "may_read_rankings", reports.may_read, N_("只有管理人员、应急管理局、属地监管和系统管理员可以查看统计报表"))

TITLES = {"township": N_("乡镇/园区整改率排行"), "industry": N_("行业整改率排行"), "enterprise": N_("企业整改率排行")}


def _read():
    """(month, township) asked for: this month by default; a malformed or future month is a 400 (the handler)."""
    text = (request.args.get("month") or "").strip()
    month = rankings.parse_month(text) if text else rankings.current_month()
    return month, (request.args.get("township") or "").strip() or None


@bp.route("/rankings")
@login_required
def index():
    month, township = _read()
    result = rankings.build(db.session, current_user, month, township=township)
    area = next(iter(result.values())).area
    query = {"month": f"{month:%Y-%m}", **({"township": township} if township else {})}
    this_month = rankings.current_month()
    last_month = rankings.month_before(this_month)
    return render_template(
        "reports/rankings.html", rankings=result, month=month, titles=TITLES, labels=Labels(),
        area_name=area_name(area), townships=township_choices(db.session, current_user), township=township,
        county=report_area.default_for(current_user).is_county, this_month=this_month, last_month=last_month,
        csv_url=url_for("rankings.export_csv", **query), xlsx_url=url_for("rankings.export_xlsx", **query),
        pdf_url=url_for("rankings.export_pdf", **query))


@bp.route("/rankings/export.csv")
@login_required
def export_csv():
    result, month = _result()
    return csv_download(_lines(result), _filename(month, "csv"))


@bp.route("/rankings/export.xlsx")
@login_required
def export_xlsx():
    result, month = _result()
    return xlsx_download(_lines(result), _filename(month, "xlsx"), _("整改率排行榜"))


@bp.route("/rankings/export.pdf")
@login_required
def export_pdf():
    result, month = _result()
    ranking = next(iter(result.values()))
    title = _("%(area)s %(month)s 隐患整改率排行榜", area=area_name(ranking.area), month=f"{month:%Y-%m}")
    subtitle = _("%(start)s — %(end)s 登记的隐患，整改率 = 已销号 / 登记数",
                 start=month.isoformat(), end=ranking.end.isoformat())
    body = reports_pdf.render_tables(title, subtitle, sections(result), first_column=16 * mm)
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{_filename(month, "pdf")}"'})


def _result():
    month, township = _read()
    return rankings.build(db.session, current_user, month, township=township), month


def _filename(month, extension):
    return f"rectification-rankings-{month:%Y%m}.{extension}"


def _lines(result):
    lines = []
    for title, rows in sections(result):
        lines += [[title], *rows, []]
    return lines


def change_text(standing):
    """↑2 / ↓1 / → against the month before; 新 when it was not ranked then; — when not ranked now."""
    if standing.rank is None:
        return "—"
    if standing.previous_rank is None:
        return _("新上榜")
    change = standing.change
    return f"↑{change}" if change > 0 else f"↓{-change}" if change < 0 else "→"


def _number(value):
    return "—" if value is None else value


def sections(result):
    """Each ranking as a titled table (the files' rows), ranked ones first, then those with too few cases."""
    labels = Labels()
    tables = []
    for kind, ranking in result.items():
        head = [_("名次"), _("较上月"), _("企业") if kind == "enterprise" else _("名称")]
        if kind == "enterprise":
            head += [_("乡镇/园区"), _("行业")]
        head += [_("登记数"), _("已销号"), _("逾期未整改"), _("整改率"), _("平均销号用时（天）")]
        rows = [head]
        for s in ranking.ranked + ranking.unranked:
            row = [_("样本不足") if s.rank is None else s.rank, change_text(s), labels.blank(s.name)]
            if kind == "enterprise":
                row += [labels.blank(s.township), labels.blank(s.industry)]
            rows.append(row + [s.registered, s.closed, s.overdue, "—" if s.rate is None else f"{s.rate} %",
                               _number(s.average_days_to_close)])
        title = _(TITLES[kind])
        if ranking.minimum > 1:
            title += _("（登记不少于 %(n)s 件的参与排名）", n=ranking.minimum)
        tables.append((title, rows))
    return tables
