"""Importing and exporting the enterprise register, for administrators (rules in services/enterprise_import.py).

Two steps, as people expect of an import: upload → the check shows, row by row, what would be added or updated and
every wrong cell (nothing written); then "确认导入" writes it. Between the two the uploaded file waits
(web/pending_uploads.py) for the administrator who uploaded it; the confirmation checks it again.
"""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..clock import clock
from ..errors import DomainError, ValidationFailed
from ..extensions import db
from ..services import enterprise_import
from ..services.spreadsheet import EXTENSIONS
from ..services.uow import UnitOfWork
from .admin import admin_required
from .downloads import csv_download, xlsx_download
from .forms_render import bilingual
from .names import is_english
from .pending_uploads import confirmed_file, keep, read_upload

bp = Blueprint("enterprise_import", __name__, url_prefix="/admin/enterprises")
SHOWN_ROWS = 200  # rows listed on the check's page (the counts cover all)


@bp.route("/import", methods=["GET", "POST"])
@admin_required
def upload():
    if request.method == "GET":
        return _page()
    filename, data, problem = read_upload()
    if problem:
        return _page(file_error=problem), 400
    try:
        with UnitOfWork() as uow:
            plan = enterprise_import.plan_import(uow, filename, data)
    except ValidationFailed as exc:
        return _page(file_error=bilingual(exc.fields.get("file", exc.message))), 400
    token = None if plan.errors else keep(data, filename)
    return _page(plan=plan, filename=filename, token=token), (400 if plan.errors else 200)


@bp.route("/import/confirm", methods=["POST"])
@admin_required
def confirm():
    filename, path = confirmed_file()
    if path is None:
        flash(_("待确认的导入文件已过期或不存在，请重新上传"), "error")
        return redirect(url_for("enterprise_import.upload"))
    try:
        with UnitOfWork() as uow:
            plan = enterprise_import.plan_import(uow, filename, path.read_bytes())
            if plan.errors:  # the register changed since the check (another admin, another import)
                return _page(plan=plan, filename=filename), 409
            enterprise_import.apply_import(uow, current_user, filename, plan)
            uow.commit()
    except DomainError as exc:
        return _page(file_error=bilingual(exc.fields.get("file", exc.message))), exc.status
    path.unlink(missing_ok=True)
    flash(_("已导入 %(file)s：新增 %(added)s 家，更新 %(updated)s 家，无变化 %(unchanged)s 家", file=filename,
            added=plan.count("add"), updated=plan.count("update"), unchanged=plan.count("unchanged")), "success")
    return redirect(url_for("admin_people.enterprises"))


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
                           english=is_english(), extensions=", ".join(EXTENSIONS))
