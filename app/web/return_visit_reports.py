"""The quarterly return-visit summary reports (季度回访汇总报告, services/return_visit_reports.py): the list with a
quarter to draft, the report's page with its figures, the lead's summary, submitting, the bureau's acknowledgement or
return, and the printable PDF."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..models import RETURN_REPORT_STATUSES
from ..services import return_visit_reports as reports
from ..services.uow import UnitOfWork
from . import return_visit_pdf
from .forms_render import bilingual
from .names import label
from .return_visits import recent_quarters

bp = Blueprint("return_visit_reports", __name__)


@bp.app_template_global()
def may_read_return_visit_reports():
    return current_user.is_authenticated and reports.may_read(current_user)


@bp.app_template_filter("return_report_status")
def return_report_status(code):
    return label(RETURN_REPORT_STATUSES, code)


@bp.route("/return-visits/reports")
@login_required
def index():
    return _index_page({}, {})


def _index_page(form, errors, message=None, status=200):
    rows = reports.listing(db.session, current_user)
    taken = {r.code for r in rows}
    return render_template("return_visit_reports/index.html", rows=rows, form=form, errors=errors, message=message,
                           may_write=reports.may_write(current_user),
                           quarters=[q for q in recent_quarters() if q.code not in taken]), status


@bp.route("/return-visits/reports", methods=["POST"])
@login_required
def create():
    form = {"quarter": request.form.get("quarter", "").strip()}
    try:
        with UnitOfWork() as uow:
            report_id = reports.create(uow, current_user, form["quarter"]).id
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        fields = {k: bilingual(v) for k, v in exc.fields.items()}
        return _index_page(form, fields, None if fields else bilingual(exc.message), exc.status)
    flash(_("已起草回访汇总报告"), "success")
    return redirect(url_for("return_visit_reports.show", report_id=report_id))


@bp.route("/return-visits/reports/<int:report_id>")
@login_required
def show(report_id):
    row = reports.get(db.session, current_user, report_id)
    return _show_page(row, {"summary": row.summary}, {})


def _show_page(row, form, errors, message=None, status=200):
    return render_template("return_visit_reports/show.html", row=row, facts=reports.facts(db.session, row),
                           form=form, errors=errors, message=message,
                           may_write=reports.may_write(current_user) and row.editable,
                           may_decide=reports.may_decide(current_user) and row.status == "submitted"), status


def _act(report_id, form, write, done):
    try:
        with UnitOfWork() as uow:
            write(uow)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        row = reports.get(db.session, current_user, report_id)
        fields = {k: bilingual(v) for k, v in exc.fields.items()}
        return _show_page(row, form, fields, None if fields else bilingual(exc.message), exc.status)
    flash(done, "success")
    return redirect(url_for("return_visit_reports.show", report_id=report_id))


@bp.route("/return-visits/reports/<int:report_id>/summary", methods=["POST"])
@login_required
def save(report_id):
    form = {"summary": request.form.get("summary", "")}
    submit = request.form.get("submit") == "1"

    def write(uow):
        reports.update(uow, current_user, report_id, form["summary"])
        if submit:
            reports.submit(uow, current_user, report_id)
    return _act(report_id, form, write, _("报告已提交应急管理局") if submit else _("报告已保存"))


@bp.route("/return-visits/reports/<int:report_id>/decision", methods=["POST"])
@login_required
def decide(report_id):
    choice = request.form.get("decision", "")
    form = {"decision": choice, "reason": request.form.get("reason", "")}
    acknowledged = {"acknowledge": True, "return": False}.get(choice)
    return _act(report_id, form, lambda uow: reports.decide(uow, current_user, report_id, acknowledged,
                                                            form["reason"]),
                _("已确认接收") if acknowledged else _("报告已退回"))


@bp.route("/return-visits/reports/<int:report_id>.pdf")
@login_required
def pdf(report_id):
    row = reports.get(db.session, current_user, report_id)
    body = return_visit_pdf.render(row, reports.facts(db.session, row))
    return body, 200, {"Content-Type": "application/pdf",
                       "Content-Disposition": f'attachment; filename="return-visits-{row.code}.pdf"'}
