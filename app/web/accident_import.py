"""Importing the county's accident history through the browser (services/accidents.py plan_import/apply_import),
for the bureau and administrators: upload → the check lists what would be added, what is already on record and
every wrong cell; then the confirmation writes it (web/pending_uploads.py holds the file between the two)."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..services import accidents
from .guards import restrict
from .names import N_
from .pending_uploads import check_upload, confirm_upload

bp = Blueprint("accident_import", __name__, url_prefix="/supervision/accidents")
SHOWN_ROWS = 200


restrict(bp, "may_import_accidents", accidents.may_edit, N_("只有应急管理局和系统管理员可以导入事故记录"))


@bp.route("/import", methods=["GET", "POST"])
@login_required
def upload():
    if request.method == "GET":
        return _page()
    return check_upload(accidents.plan_import, lambda plan: bool(_errors(plan)), _page)


@bp.route("/import/confirm", methods=["POST"])
@login_required
def confirm():
    def apply(uow, filename, plan):
        return accidents.apply_import(uow, current_user, filename, plan)

    def done(filename, plan, added):
        flash(_("已导入 %(file)s：新增事故记录 %(added)s 条，已有 %(existing)s 条", file=filename, added=added,
                existing=len(plan) - added), "success")
        return redirect(url_for("priorities.index"))
    return confirm_upload(accidents.plan_import, lambda plan: bool(_errors(plan)), apply, _page,
                          "accident_import.upload", done)


def _errors(plan):
    return [(line, fields) for line, action, fields in plan if action == "error"]


def _page(plan=None, filename="", token=None, file_error=""):
    rows = plan or []
    return render_template("supervision/accident_import.html", plan=plan, filename=filename, token=token,
                           file_error=file_error, errors=_errors(rows), shown=SHOWN_ROWS,
                           added=sum(1 for _line, action, _v in rows if action == "add"),
                           existing=sum(1 for _line, action, _v in rows if action == "exists"),
                           headers=accidents.IMPORT_HEADERS, required=accidents.IMPORT_REQUIRED)
