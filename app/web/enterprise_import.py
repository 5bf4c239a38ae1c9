"""Importing and exporting the enterprise register, for administrators (rules in services/enterprise_import.py).

Two steps, as people expect of an import: upload → the check shows, row by row, what would be added or updated and
every wrong cell (nothing written); then "确认导入" writes it. Between the two the uploaded file waits
(web/pending_uploads.py) for the administrator who uploaded it; the confirmation checks it again.
"""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..clock import clock
from ..extensions import db
from ..services import enterprise_import
from .admin import admin_required
from .downloads import csv_download, xlsx_download
from .names import is_english
from .pending_uploads import check_upload, confirm_upload

bp = Blueprint("enterprise_import", __name__, url_prefix="/admin/enterprises")
SHOWN_ROWS = 200  # rows listed on the check's page (the counts cover all)


@bp.route("/import", methods=["GET", "POST"])
@admin_required
def upload():
    if request.method == "GET":
        return _page()
    return check_upload(enterprise_import.plan_import, lambda plan: bool(plan.errors), _page)


@bp.route("/import/confirm", methods=["POST"])
@admin_required
def confirm():
    def apply(uow, filename, plan):
        enterprise_import.apply_import(uow, current_user, filename, plan)

    def done(filename, plan, _result):
        flash(_("已导入 %(file)s：新增 %(added)s 家，更新 %(updated)s 家，无变化 %(unchanged)s 家", file=filename,
                added=plan.count("add"), updated=plan.count("update"), unchanged=plan.count("unchanged")), "success")
        return redirect(url_for("admin_people.enterprises"))
    return confirm_upload(enterprise_import.plan_import, lambda plan: bool(plan.errors), apply, _page,
                          "enterprise_import.upload", done)


@bp.route("/export.csv")
@admin_required
def export_csv():
    rows = enterprise_import.export_rows(db.session, english=is_english())
    return csv_download(list(rows), f"enterprises-{clock.local_now():%Y%m%d}.csv")


@bp.route("/export.xlsx")
@admin_required
def export_xlsx():
    rows = enterprise_import.export_rows(db.session, english=is_english())
    return xlsx_download(rows, f"enterprises-{clock.local_now():%Y%m%d}.xlsx", _("企业名录"))


def _page(plan=None, filename="", token=None, file_error=""):
    return render_template("admin/enterprise_import.html", plan=plan, filename=filename, token=token,
                           file_error=file_error, shown=SHOWN_ROWS, headers=enterprise_import.HEADERS,
                           required=enterprise_import.REQUIRED, max_rows=enterprise_import.MAX_ROWS,
                           english=is_english())
