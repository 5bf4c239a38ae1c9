"""Grading a case again during rectification (重新定级, services/regrading.py): the form on its own page, reached
from the case page by project leads and the bureau."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..services import hazards, regrading
from ..services.field_rules import whole_number
from ..services.uow import UnitOfWork
from .forms_render import bilingual

bp = Blueprint("regrading", __name__)
FIELDS = ("review_score", "review_legal_major", "review_reason", "deadline_days")


@bp.app_template_global()
def may_regrade_case(case):
    return current_user.is_authenticated and regrading.may_regrade(current_user, case)


@bp.route("/cases/<int:case_id>/regrade", methods=["GET", "POST"])
@login_required
def regrade(case_id):
    case = hazards.get_case(UnitOfWork(), current_user, case_id)  # 404 for another enterprise's case
    if not regrading.may_regrade(current_user):
        abort(403, _("只有项目负责人或应急管理局可以重新定级"))
    form = {name: request.form.get(name, "").strip() for name in FIELDS}
    if request.method == "GET":
        return _page(case, form, {})
    errors = {}
    score, days = _whole(form["review_score"], "review_score", errors), _whole(form["deadline_days"], "deadline_days",
                                                                                errors)
    legal_major = {"true": True, "false": False}.get(form["review_legal_major"])
    if errors:
        return _page(case, form, errors), 400
    try:
        with UnitOfWork() as uow:
            regrading.regrade(uow, current_user, case_id, score, legal_major, form["review_reason"], days)
            uow.commit()
    except DomainError as exc:
        if not exc.fields:
            return _page(case, form, {}, bilingual(exc.message)), exc.status
        return _page(case, form, {k: bilingual(v) for k, v in exc.fields.items()}), 400
    flash(_("已重新定级，整改期限已按新等级重新计算"), "success")
    return redirect(url_for("cases.show", case_id=case_id))


def _whole(text, name, errors):
    """A typed whole number, None when left empty; anything else is an error next to the field."""
    if not text:
        return None
    number = whole_number(text) if len(text) <= 6 else None
    if number is None:
        errors[name] = _("请输入整数")
    return number


def _page(case, form, errors, message=None):
    return render_template("regrade.html", case=case, form=form, errors=errors, message=message)
