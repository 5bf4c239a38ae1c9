"""Importing the county's accident history through the browser (services/accidents.py plan_import/apply_import),
for the bureau and administrators: upload → the check lists what would be added, what is already on record and
every wrong cell; then the confirmation writes it (web/pending_uploads.py holds the file between the two)."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError, ValidationFailed
from ..services import accidents
from ..services.uow import UnitOfWork
from .forms_render import bilingual
from .guards import restrict
from .names import N_
from .pending_uploads import confirmed_file, keep, read_upload

bp = Blueprint("accident_import", __name__, url_prefix="/supervision/accidents")
SHOWN_ROWS = 200


restrict(bp, "may_import_accidents", accidents.may_edit, N_("只有应急管理局和系统管理员可以导入事故记录"))


@bp.route("/import", methods=["GET", "POST"])
@login_required
def upload():
    if request.method == "GET":
        return _page()
    filename, data, problem = read_upload()
    if problem:
        return _page(file_error=problem), 400
    try:
        with UnitOfWork() as uow:
            plan = accidents.plan_import(uow, filename, data)
    except ValidationFailed as exc:
        return _page(file_error=bilingual(exc.fields.get("file", exc.message))), 400
    errors = _errors(plan)
    token = None if errors else keep(data, filename)
    return _page(plan=plan, filename=filename, token=token), (400 if errors else 200)


@bp.route("/import/confirm", methods=["POST"])
@login_required
def confirm():
    filename, path = confirmed_file()
    if path is None:
        flash(_("待确认的导入文件已过期或不存在，请重新上传"), "error")
        return redirect(url_for("accident_import.upload"))
    try:
        with UnitOfWork() as uow:
            plan = accidents.plan_import(uow, filename, path.read_bytes())
            if _errors(plan):
                return _page(plan=plan, filename=filename), 409
            added = accidents.apply_import(uow, current_user, filename, plan)
            uow.commit()
    except DomainError as exc:
        return _page(file_error=bilingual(exc.fields.get("file", exc.message))), exc.status
    path.unlink(missing_ok=True)
    flash(_("已导入 %(file)s：新增事故记录 %(added)s 条，已有 %(existing)s 条", file=filename, added=added,
            existing=len(plan) - added), "success")
    return redirect(url_for("priorities.index"))


def _errors(plan):
    return [(line, fields) for line, action, fields in plan if action == "error"]


def _page(plan=None, filename="", token=None, file_error=""):
    rows = plan or []
    return render_template("supervision/accident_import.html", plan=plan, filename=filename, token=token,
                           file_error=file_error, errors=_errors(rows), shown=SHOWN_ROWS,
                           added=sum(1 for _line, action, _v in rows if action == "add"),
                           existing=sum(1 for _line, action, _v in rows if action == "exists"),
                           headers=accidents.IMPORT_HEADERS, required=accidents.IMPORT_REQUIRED)
