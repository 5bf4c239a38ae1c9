"""The annual credit evaluation (企业信用评价, services/credit.py, credit_years.py): the county list of a year with its
grade counts, filters (grade, township, industry) and CSV; an enterprise's page with its grade, the records and months
behind it and its grade year by year; the bureau's confirmation of a closed year. Enterprise staff are sent to their
own enterprise's page; another enterprise's (another area's for a township office) is 404."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import db
from ..models import CREDIT_GRADES, CREDIT_RECORD_KINDS
from ..services import credit, credit_years
from ..services.access import township_choices
from ..services.uow import UnitOfWork
from .downloads import csv_download
from .guards import restrict
from .names import N_, label

bp = Blueprint("credit", __name__, url_prefix="/credit")
FILTERS = ("year", "grade", "township", "industry")

restrict(bp, "may_read_credit", credit.may_read,
         N_("企业信用评价供应急管理局、管理人员、项目负责人、质量监督专员、系统管理员、属地监管和企业本身查看"))


@bp.app_template_filter()
def credit_grade(code):
    return label(CREDIT_GRADES, code) if code in CREDIT_GRADES else "—"


@bp.app_template_filter()
def credit_kind(code):
    return label(CREDIT_RECORD_KINDS, code)


@bp.app_template_global()
def credit_rules():
    return credit


def _filter(args):
    """(year, YearFilter) from the query; a bad year or grade: ValidationFailed (400)."""
    return credit.parse_year(args.get("year")), credit_years.year_filter(
        args.get("grade"), args.get("township"), args.get("industry"))


def _enterprise_only():
    return not credit.reads_all(current_user) and "township" not in current_user.roles


@bp.route("")
@login_required
def index():
    if _enterprise_only():
        return redirect(url_for("credit.enterprise", enterprise_id=current_user.enterprise_id,
                                year=request.args.get("year") or None))
    year, flt = _filter(request.args)
    confirmed, rows = credit_years.listing(db.session, current_user, year, flt)
    query = {k: request.args[k] for k in FILTERS if request.args.get(k)}
    return render_template("credit/index.html", year=year, confirmed=confirmed, rows=rows, flt=flt, query=query,
                           csv_query=dict(query, year=year),
                           counts=credit_years.grade_counts(rows), years=_years(),
                           townships=township_choices(db.session, current_user),
                           industries=credit_years.industries(db.session, current_user),
                           may_confirm=credit.may_confirm(current_user) and confirmed is None
                           and credit.is_over(year))


def _years():
    return list(range(credit.current_year(), credit.FIRST_YEAR - 1, -1))[:10]


@bp.route("/export.csv")
@login_required
def export_csv():
    year, flt = _filter(request.args)
    confirmed, rows = credit_years.listing(db.session, current_user, year, flt)
    lines = [[_("企业名称"), _("统一社会信用代码"), _("乡镇/园区"), _("行业"), _("年度"), _("信用得分"), _("信用等级"),
              _("扣分"), _("加分"), _("月度配合评分平均分"), _("评分月数"), _("配合评分折算"), _("信用记录条数"),
              _("状态")]]
    for row in rows:
        company = row.enterprise
        lines.append([company.name, company.credit_code, company.township, company.industry, year, row.score,
                      row.grade, row.deductions, row.additions,
                      "" if row.cooperation_average is None else row.cooperation_average, row.cooperation_months,
                      row.cooperation_points, len(row.records),
                      _("已确认") if confirmed else _("试算（年度未确认）")])
    return csv_download(lines, f"credit-{year}.csv")


@bp.route("/enterprises/<int:enterprise_id>")
@login_required
def enterprise(enterprise_id):
    year = credit.parse_year(request.args.get("year"))
    company = credit_years.get_enterprise(db.session, current_user, enterprise_id)
    evaluation = credit_years.of_enterprise(db.session, current_user, enterprise_id, year)
    history = credit_years.history(db.session, current_user, enterprise_id)
    return render_template("credit/enterprise.html", enterprise=company, year=year, evaluation=evaluation,
                           history=history, confirmed=credit_years.confirmed_year(db.session, year),
                           county=credit.reads_all(current_user) or "township" in current_user.roles)


@bp.route("/years/<int:year>/confirm", methods=["POST"])
@login_required
def confirm(year):
    year = credit.parse_year(str(year))
    with UnitOfWork() as uow:
        credit_years.confirm(uow, current_user, year)
        uow.commit()
    flash(_("已确认 %(year)s 年度信用评价，各企业的等级已固定", year=year), "success")
    return redirect(url_for("credit.index", year=year))
