"""An import's two steps — check, then confirm — and the uploaded spreadsheet waiting between them (the enterprise
register, the accident history).

The file waits under UPLOAD_DIR/imports with a random name that includes the uploader's id, so only the user who
checked it can confirm it; it is removed once imported and, if never confirmed, after a day. The confirmation
checks the file again, in its own transaction.
"""
import re
import secrets
import time
from pathlib import Path

from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import DomainError, ValidationFailed
from ..services.spreadsheet import EXTENSIONS
from ..services.uow import UnitOfWork
from .forms_render import bilingual

PENDING_SECONDS = 24 * 3600
_TOKEN = re.compile(r"[0-9a-f]{32}")


def read_upload():
    """(filename, bytes, error message) of the request's `file` field, within MAX_UPLOAD_BYTES."""
    uploaded = request.files.get("file")
    filename = Path(uploaded.filename or "").name if uploaded else ""
    if not filename:
        return "", b"", _("请选择要导入的文件")
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    data = uploaded.read(limit + 1)
    if len(data) > limit:
        return filename, b"", _("文件太大（最大 %(mb)s MB）", mb=limit // 2**20)
    return filename, data, ""


def keep(data, filename):
    """Store the checked file for its confirmation; sweep files older than a day. Returns the token."""
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        if old.stat().st_mtime < time.time() - PENDING_SECONDS:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    path_of(token, filename).write_bytes(data)
    return token


def path_of(token, filename):
    """The waiting file of this user's check (None for a malformed token or type)."""
    suffix = Path(filename).suffix.lower()
    if not _TOKEN.fullmatch(token or "") or suffix not in EXTENSIONS:
        return None
    return _folder() / f"{current_user.id}-{token}{suffix}"


def confirmed_file():
    """(filename, path) of the confirmation form's waiting file; path None when it is gone or never was."""
    token, filename = request.form.get("token", ""), Path(request.form.get("filename", "")).name
    path = path_of(token, filename)
    return filename, (path if path is not None and path.is_file() else None)


def _folder():
    return Path(current_app.config["UPLOAD_DIR"]) / "imports"


def check_upload(plan_import, has_errors, page):
    """An import's check: read the upload, plan it with `plan_import(uow, filename, data)` (nothing written) and
    keep it for the confirmation when `has_errors(plan)` finds none. `page(**context)` renders the import page."""
    filename, data, problem = read_upload()
    if problem:
        return page(file_error=problem), 400
    try:
        with UnitOfWork() as uow:
            plan = plan_import(uow, filename, data)
    except ValidationFailed as exc:
        return page(file_error=bilingual(exc.fields.get("file", exc.message))), 400
    wrong = has_errors(plan)
    return page(plan=plan, filename=filename, token=None if wrong else keep(data, filename)), (400 if wrong else 200)


def confirm_upload(plan_import, has_errors, apply, page, upload_endpoint, done, upload_args=None):
    """An import's confirmation: plan the waiting file again and, without errors, `apply(uow, filename, plan)` in
    the same transaction; then `done(filename, plan, result)` gives the response (the file is removed).
    `upload_args`: the upload page's URL arguments (a project's id), for the way back when the file is gone."""
    filename, path = confirmed_file()
    if path is None:
        flash(_("待确认的导入文件已过期或不存在，请重新上传"), "error")
        return redirect(url_for(upload_endpoint, **(upload_args or {})))
    try:
        with UnitOfWork() as uow:
            plan = plan_import(uow, filename, path.read_bytes())
            if has_errors(plan):  # the data changed since the check (another user, another import)
                return page(plan=plan, filename=filename), 409
            result = apply(uow, filename, plan)
            uow.commit()
    except DomainError as exc:
        return page(file_error=bilingual(exc.fields.get("file", exc.message))), exc.status
    path.unlink(missing_ok=True)
    return done(filename, plan, result)
