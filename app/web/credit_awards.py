"""The annual 最佳配合企业 list (services/credit_awards.py): the system's proposal for the credit readers, the bureau's
confirmation with a note (published to every enterprise as a notice), the confirmed list for everyone who reads the
credit pages, and the printable PDF."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..services import credit, credit_awards
from ..services.uow import UnitOfWork
from . import credit_pdf
from .forms_render import bilingual
from .guards import restrict
from .names import N_

bp = Blueprint("credit_awards", __name__, url_prefix="/credit/awards")

restrict(bp, "may_read_credit_awards", credit.may_read,
         N_("最佳配合企业名单供应急管理局、管理人员、项目负责人、质量监督专员、系统管理员、属地监管和企业查看"))


def _default_year():
    """Last year until the current one is over: the award is for a closed year."""
    return credit.current_year() - 1


@bp.route("")
@login_required
def index():
    year = credit.parse_year(request.args.get("year"), default=_default_year())
    return _page(year, {"note": ""}, {})


def _page(year, form, errors, message=None, status=200):
    awards = credit_awards.award_list(db.session, current_user, year)
    row = awards.credit_year
    return render_template("credit/awards.html", awards=awards, year=year, form=form, errors=errors, message=message,
                           rule_text=credit_pdf.rule_text(),
                           years=list(range(credit.current_year(), credit.FIRST_YEAR - 1, -1))[:10],
                           may_confirm=credit.may_confirm(current_user) and row is not None
                           and row.award_confirmed_at is None), status


@bp.route("/<int:year>/confirm", methods=["POST"])
@login_required
def confirm(year):
    year = credit.parse_year(str(year))
    form = {"note": request.form.get("note", "")}
    try:
        with UnitOfWork() as uow:
            credit_awards.confirm(uow, current_user, year, form["note"])
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        fields = {k: bilingual(v) for k, v in exc.fields.items()}
        return _page(year, form, fields, None if fields else bilingual(exc.message), exc.status)
    flash(_("已确认 %(year)s 年度最佳配合企业名单并通知各企业", year=year), "success")
    return redirect(url_for("credit_awards.index", year=year))


@bp.route("/<int:year>.pdf")
@login_required
def pdf(year):
    year = credit.parse_year(str(year))
    awards = credit_awards.award_list(db.session, current_user, year)
    if not awards.visible:
        abort(404, _("该年度最佳配合企业名单尚未确认"))
    body = credit_pdf.render(awards)
    return body, 200, {"Content-Type": "application/pdf",
                       "Content-Disposition": f'attachment; filename="best-cooperating-enterprises-{year}.pdf"'}
