"""The department register (部门名录, services/departments.py) and the joint meetings of a case (联席会议 / 会商,
services/joint_meetings.py): pages of the bureau's side beside the referrals (web/referrals.py)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..models import DEPARTMENT_KINDS
from ..services import departments, hazards, joint_meetings, referrals
from ..services.uow import UnitOfWork
from .forms_render import bilingual
from .names import label

bp = Blueprint("departments", __name__)
FIELDS = ("name", "kind", "contact_person", "phone", "email")


@bp.app_template_filter("department_kind")
def department_kind(code):
    return label(DEPARTMENT_KINDS, code)


@bp.app_template_global()
def may_read_departments():
    return current_user.is_authenticated and departments.may_read(current_user)


@bp.route("/departments")
@login_required
def index():
    if not departments.may_read(current_user):
        abort(403, _("部门名录仅供监管部门和服务机构使用"))
    return render_template("referrals/departments.html", rows=departments.listing(db.session),
                           may_manage=departments.may_manage(current_user))


@bp.route("/departments/new", methods=["GET", "POST"])
@bp.route("/departments/<int:department_id>/edit", methods=["GET", "POST"])
@login_required
def edit(department_id=None):
    if not departments.may_manage(current_user):
        abort(403, _("只有应急管理局或管理员可以维护部门名录"))
    row = departments.get(db.session, department_id) if department_id is not None else None
    if request.method == "GET":
        form = {name: getattr(row, name) for name in FIELDS} if row else {"kind": ""}
        form["active"] = row.active if row else True
        return _form_page(row, form, {})
    form = {name: request.form.get(name, "") for name in FIELDS}
    form["active"] = request.form.get("active") == "1"
    try:
        with UnitOfWork() as uow:
            departments.save(uow, current_user, form, department_id)
            uow.commit()
    except DomainError as exc:
        db.session.expire_all()
        fields = {k: bilingual(v) for k, v in exc.fields.items()}
        return _form_page(row, form, fields, None if fields else bilingual(exc.message)), exc.status
    flash(_("部门名录已保存"), "success")
    return redirect(url_for("departments.index"))


def _form_page(row, form, errors, message=None):
    return render_template("referrals/department_form.html", row=row, form=form, errors=errors, message=message,
                           kinds=DEPARTMENT_KINDS)


@bp.route("/cases/<int:case_id>/meetings/new", methods=["GET", "POST"])
@login_required
def new_meeting(case_id):
    case = hazards.get_case(UnitOfWork(), current_user, case_id)  # 404 for another enterprise's case
    if not referrals.may_manage(current_user):
        abort(403, _("只有应急管理局或管理员可以登记联席会议"))
    if request.method == "GET":
        return _meeting_page(case, {"department_ids": [], "referral_ids": []}, {})
    form = {name: request.form.get(name, "") for name in ("held_on", "place", "minutes", "decisions")}
    form["department_ids"] = request.form.getlist("department_ids")
    form["referral_ids"] = request.form.getlist("referral_ids")
    try:
        with UnitOfWork() as uow:
            joint_meetings.record(uow, current_user, case_id, form)
            uow.commit()
    except DomainError as exc:
        db.session.expire_all()
        fields = {k: bilingual(v) for k, v in exc.fields.items()}
        return _meeting_page(case, form, fields, None if fields else bilingual(exc.message)), exc.status
    flash(_("联席会议已登记"), "success")
    return redirect(url_for("cases.show", case_id=case_id))


def _meeting_page(case, form, errors, message=None):
    return render_template("referrals/meeting_new.html", case=case, form=form, errors=errors, message=message,
                           departments=departments.listing(db.session),
                           case_referrals=referrals.for_case(db.session, case.id),
                           chosen_departments={str(i) for i in form.get("department_ids") or []},
                           chosen_referrals={str(i) for i in form.get("referral_ids") or []})
