"""The satisfaction report (满意度评价统计, services/satisfaction.py) on a page and as a CSV file, for the bureau,
managers, quality supervisors, project leads and administrators."""
from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import clock
from ..extensions import db
from ..models import RATING_DIMENSIONS
from ..services import inspection_priority, satisfaction
from .downloads import csv_download, csv_moment
from .guards import restrict
from .names import N_, label
from .query_args import read_days

bp = Blueprint("satisfaction", __name__, url_prefix="/inspections/satisfaction")

may_read_satisfaction = restrict(bp, "may_read_satisfaction", satisfaction.may_read,
                                 N_("满意度评价统计供应急管理局、管理人员、质量监督专员、项目负责人和系统管理员查看"))


@bp.route("")
@login_required
def index():
    errors = {}
    flt = _filter(errors)
    report = None if errors else satisfaction.build(db.session, current_user, flt)
    return render_template("inspections/satisfaction.html", report=report, filters=flt, errors=errors,
                           townships=inspection_priority.filter_choices(db.session)[0]), (400 if errors else 200)


@bp.route("/export.csv")
@login_required
def export_csv():
    errors = {}
    flt = _filter(errors)
    if errors:  # a malformed filter is a 400, not a file of something else
        abort(400, next(iter(errors.values())))
    report = satisfaction.build(db.session, current_user, flt, low_limit=satisfaction.EXPORT_LIMIT)
    lines = []
    for title, rows in sections(report):
        lines += [[title], *rows, []]
    return csv_download(lines, f"visit-satisfaction-{flt.since:%Y%m%d}-{flt.until:%Y%m%d}.csv")


def _filter(errors):
    days = read_days(request.args, ("since", "until"), errors)
    since, until = satisfaction.default_period(clock.local_now().date())
    flt = satisfaction.SatisfactionFilter(since=days["since"] or since, until=days["until"] or until,
                                          township=request.args.get("township", "").strip()[:100])
    if not errors and flt.since > flt.until:
        errors["until"] = _("结束日期不能早于开始日期")
    return flt


def _number(value, suffix=""):
    return "—" if value is None else f"{value}{suffix}"


def sections(report):
    """The report as titled tables of text and numbers (the CSV file's rows)."""
    names = [label(RATING_DIMENSIONS, name) for name in RATING_DIMENSIONS]
    head = [_("排查次数"), _("已评价排查"), _("评价条数"), _("参评率")] + names + [_("综合")]

    def row(t):
        return [t.visits, t.rated, t.ratings, _number(t.response_rate, " %")] + \
            [_number(v) for v in t.averages.values()] + [_number(t.overall)]
    flt = report.filters
    summary = [[_("排查日期"), f"{flt.since.isoformat()} — {flt.until.isoformat()}"],
               [_("乡镇/园区"), flt.township or _("全部")]]
    low = [[_("评价时间"), _("排查日期"), _("企业"), _("登记人"), _("评价人")] + names + [_("综合"), _("意见和建议")]]
    low += [[csv_moment(r.created_at),
             r.visit.visited_on.isoformat(), r.visit.enterprise.name, r.visit.created_by.display_name,
             _("匿名") if r.anonymous else r.shown_rater.display_name, *r.scores.values(), r.overall, r.comment]
            for r in report.low]
    return [(_("满意度评价统计"), summary), (_("总体情况"), [head, row(report.total)]),
            (_("按月份（排查日期）"), [[_("月份")] + head] + [[m] + row(t) for m, t in report.by_month.items()]),
            (_("按排查登记人"), [[_("登记人")] + head] + [[n] + row(t) for n, t in report.by_recorder]),
            (_("综合得分分布（四项平均，四舍五入）"), [[_("综合得分"), _("评价条数")]] +
             [[_("%(n)s 分", n=score), count] for score, count in report.distribution.items()]),
            (_("低分评价（任一项 2 分及以下，最新在前）"), low)]
