"""Importing and exporting the enterprise register, for administrators (rules in services/enterprise_import.py).

Two steps, as people expect of an import: upload → the check shows, row by row, what would be added or updated and
every wrong cell (nothing written); then "确认导入" writes it. Between the two the uploaded file waits under
UPLOAD_DIR/imports with a random name that only the administrator who uploaded it can confirm; it is removed
once imported and, if never confirmed, after a day. The confirmation checks the file again, in its transaction.
"""
import re
import secrets
import time
from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
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

bp = Blueprint("enterprise_import", __name__, url_prefix="/admin/enterprises")
PENDING_SECONDS = 24 * 3600
SHOWN_ROWS = 200  # rows listed on the check's page (the counts cover all)
_TOKEN = re.compile(r"[0-9a-f]{32}")


@bp.route("/import", methods=["GET", "POST"])
@admin_required
def upload():
    if request.method == "GET":
        return _page()
    uploaded = request.files.get("file")
    filename = Path(uploaded.filename or "").name if uploaded else ""
    if not filename:
        return _page(file_error=_("请选择要导入的文件")), 400
    data = uploaded.read(current_app.config["MAX_UPLOAD_BYTES"] + 1)
    if len(data) > current_app.config["MAX_UPLOAD_BYTES"]:
        return _page(file_error=_("文件太大（最大 %(mb)s MB）", mb=current_app.config["MAX_UPLOAD_BYTES"] // 2**20)), 400
    try:
        with UnitOfWork() as uow:
            plan = enterprise_import.plan_import(uow, filename, data)
    except ValidationFailed as exc:
        return _page(file_error=bilingual(exc.fields.get("file", exc.message))), 400
    token = None if plan.errors else _keep(data, filename)
    return _page(plan=plan, filename=filename, token=token), (400 if plan.errors else 200)


@bp.route("/import/confirm", methods=["POST"])
@admin_required
def confirm():
    token, filename = request.form.get("token", ""), Path(request.form.get("filename", "")).name
    path = _pending_path(token, filename)
    if path is None or not path.is_file():
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


def _pending_dir():
    return Path(current_app.config["UPLOAD_DIR"]) / "imports"


def _keep(data, filename):
    """Store the checked file for its confirmation; sweep files older than a day."""
    folder = _pending_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        if old.stat().st_mtime < time.time() - PENDING_SECONDS:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    _pending_path(token, filename).write_bytes(data)
    return token


def _pending_path(token, filename):
    """The waiting file of this administrator's check (None for a malformed token or type)."""
    suffix = Path(filename).suffix.lower()
    if not _TOKEN.fullmatch(token) or suffix not in EXTENSIONS:
        return None
    return _pending_dir() / f"{current_user.id}-{token}{suffix}"
