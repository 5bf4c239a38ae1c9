"""The enterprise register and the users, for administrators: lists with search, add and edit forms,
(de)activation and a new password. The rules are in services/user_admin.py; a rejected form comes back with
status 400, each error next to its field and the typed values kept (never a typed password)."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import DomainError, ValidationFailed
from ..extensions import db
from ..models import ENTERPRISE_SCALES, ENTERPRISE_TAGS, ROLES
from ..services import audit, audit_log, two_factor, user_admin, user_scope, users
from ..services.uow import UnitOfWork
from .admin import admin_required
from .forms_render import bilingual
from .hazard_map import map_page
from .names import N_
from .query_args import page_count, page_number
from .staff_certificates import CERTIFICATE_TITLES

bp = Blueprint("admin_people", __name__, url_prefix="/admin")
PAGE_SIZE = 50
MAX_SEARCH = 100
ENTERPRISE_FIELDS = user_admin.ENTERPRISE_FIELDS
PROFILE_FIELDS = ("display_name", "enterprise", "department", "email", "phone")
STATUSES = {"active": True, "inactive": False}
# The names of the audited fields, for the change history on an enterprise's and a user's page.
ENTERPRISE_TITLES = {"name": N_("企业名称"), "credit_code": N_("统一社会信用代码"), "address": N_("地址"),
                     "township": N_("乡镇/园区"), "industry": N_("行业"), "main_products": N_("主要产品"),
                     "employees": N_("从业人员数"), "safety_managers": N_("安全管理人员数"),
                     "special_workers": N_("特种作业人员数"), "contact_person": N_("联系人"),
                     "contact_phone": N_("联系电话"), "main_risks": N_("主要风险因素"),
                     "major_hazard_sources": N_("重大危险源"), "trial_operation_until": N_("试运行期至"),
                     "scale": N_("企业规模"), "tags": N_("风险标签"), "latitude": N_("纬度"),
                     "longitude": N_("经度")}
# The accident records' fields (their audit rows are about the enterprise, so its history shows them too).
ACCIDENT_TITLES = {"occurred_on": N_("事故日期"), "level": N_("事故等级"), "accident_type": N_("事故类别"),
                   "deaths": N_("死亡人数"), "injuries": N_("重伤人数"), "direct_loss": N_("直接经济损失（万元）"),
                   "summary": N_("简况")}
# An inspection visit's audited fields (its rows are in the audit log).
VISIT_TITLES = {"visited_on": N_("排查日期"), "inspectors": N_("排查人员"), "scope": N_("检查内容"),
                "findings": N_("发现问题及整改建议")}
USER_TITLES = {"display_name": N_("姓名"), "roles": N_("角色"), "enterprise": N_("所属企业（统一社会信用代码）"),
               "townships": N_("负责的乡镇/园区"), "department": N_("所属部门"), "email": N_("电子邮箱"),
               "phone": N_("手机号码"), "active": N_("账号状态")}


# ---- enterprises --------------------------------------------------------------------------------------------
@bp.route("/enterprises")
@admin_required
def enterprises():
    search, page = _search(), page_number(request.args)
    # ?scale=above|below|micro, or "none" for those without one; anything else is no filter
    scale = request.args.get("scale", "")
    scale = scale if scale in ENTERPRISE_SCALES or scale == "none" else ""
    tag = request.args.get("tag", "") if request.args.get("tag") in ENTERPRISE_TAGS else ""
    rows, total = user_admin.list_enterprises(db.session, search, PAGE_SIZE, (page - 1) * PAGE_SIZE,
                                              scale=None if not scale else "" if scale == "none" else scale, tag=tag)
    return render_template("admin/enterprises.html", enterprises=rows, total=total, search=search, page=page,
                           pages=page_count(total, PAGE_SIZE), scale=scale, scales=ENTERPRISE_SCALES, tag=tag,
                           tags=ENTERPRISE_TAGS)


@bp.route("/enterprises/new", methods=["GET", "POST"])
@admin_required
def new_enterprise():
    if request.method == "GET":
        return _enterprise_page(None, {})
    form = _enterprise_form()
    try:
        with UnitOfWork() as uow:
            name = user_admin.add_enterprise(uow, current_user, **form).name
            uow.commit()
    except DomainError as exc:
        return _enterprise_page(None, form, exc)
    flash(_("已添加企业：%(name)s", name=name), "success")
    return redirect(url_for("admin_people.enterprises"))


@bp.route("/enterprises/<int:enterprise_id>", methods=["GET", "POST"])
@admin_required
def edit_enterprise(enterprise_id):
    enterprise = user_admin.get_enterprise(db.session, enterprise_id)  # 404 when there is none
    if request.method == "GET":
        return _enterprise_page(enterprise, {name: getattr(enterprise, name) for name in ENTERPRISE_FIELDS})
    form = _enterprise_form()
    try:
        with UnitOfWork() as uow:
            changes = user_admin.update_enterprise(uow, current_user, enterprise_id, **form)
            uow.commit()
    except DomainError as exc:
        return _enterprise_page(enterprise, form, exc)
    if changes:
        flash(_("已保存企业 %(name)s 的 %(n)s 项修改", name=form["name"], n=len(changes)), "success")
    else:
        flash(_("没有修改"), "message")
    return redirect(url_for("admin_people.enterprises"))


def _enterprise_form():
    """The typed fields; the risk tags are checkboxes (none ticked: none)."""
    return {**_submitted(ENTERPRISE_FIELDS), "tags": request.form.getlist("tags")}


def _enterprise_page(enterprise, form, exc=None):
    """The form, with the small map that sets the position (its base layer and CSP as on the hazard map)."""
    errors, message, status = _errors(exc)
    response = map_page("admin/enterprise_form.html", enterprise=enterprise, form=form, errors=errors,
                        scales=ENTERPRISE_SCALES, tags=ENTERPRISE_TAGS,
                        message=message, titles={**ENTERPRISE_TITLES, **ACCIDENT_TITLES},
                        history=_history("enterprise", enterprise))
    response.status_code = status
    return response


# ---- users --------------------------------------------------------------------------------------------------
@bp.route("/users")
@admin_required
def user_list():
    search, page = _search(), page_number(request.args)
    role = request.args.get("role") if request.args.get("role") in ROLES else ""
    status = request.args.get("status") if request.args.get("status") in STATUSES else ""
    rows, total = user_admin.list_users(db.session, role or None, search, STATUSES.get(status), PAGE_SIZE,
                                        (page - 1) * PAGE_SIZE)
    return render_template("admin/users.html", users=rows, total=total, search=search, role=role, status=status,
                           roles=ROLES, page=page, pages=page_count(total, PAGE_SIZE))


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def new_user():
    if request.method == "GET":
        return _user_page(None, {"roles": [], "townships": [], "department": ""})
    form = dict(_submitted(("username",) + PROFILE_FIELDS), roles=request.form.getlist("roles"),
                townships=request.form.getlist("townships"))
    password = request.form.get("password", "")
    mismatch = _mismatch(password)
    try:
        with UnitOfWork() as uow:
            user_admin.create_user(uow, current_user, form["username"], form["display_name"], form["roles"],
                                   password, form["enterprise"], form["email"], form["phone"],
                                   form["townships"], form["department"])
            if mismatch:
                raise ValidationFailed(mismatch["password2"], fields=mismatch)
            uow.commit()
    except DomainError as exc:
        return _user_page(None, form, exc, extra_errors=mismatch)
    flash(_("已创建用户 %(username)s", username=form["username"]), "success")
    return redirect(url_for("admin_people.user_list"))


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def edit_user(user_id):
    user = user_admin.get_user(db.session, user_id)  # 404 when there is none
    if request.method == "GET":
        return _user_page(user, _profile_of(user))
    form = dict(_submitted(PROFILE_FIELDS), roles=request.form.getlist("roles"),
                townships=request.form.getlist("townships"))
    username = user.username
    try:
        with UnitOfWork() as uow:
            changes = user_admin.update_user(uow, current_user, user_id, form["display_name"], form["roles"],
                                             form["enterprise"], form["email"], form["phone"],
                                             form["townships"], form["department"])
            uow.commit()
    except DomainError as exc:
        return _user_page(user, form, exc)
    if changes:
        flash(_("已保存用户 %(username)s 的 %(n)s 项修改", username=username, n=len(changes)), "success")
    else:
        flash(_("没有修改"), "message")
    return redirect(url_for("admin_people.user_list"))


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@admin_required
def set_password(user_id):
    user = user_admin.get_user(db.session, user_id)
    username, password = user.username, request.form.get("password", "")
    mismatch = _mismatch(password)
    try:
        with UnitOfWork() as uow:
            user_admin.set_password(uow, current_user, username, password)
            if mismatch:
                raise ValidationFailed(mismatch["password2"], fields=mismatch)
            uow.commit()
    except DomainError as exc:
        errors, _message, status = _errors(exc)
        return _user_page(user, _profile_of(user), password_errors={**errors, **mismatch}, status=status)
    flash(_("已为 %(username)s 设置新密码，其 API 令牌随之失效", username=username), "success")
    return redirect(url_for("admin_people.edit_user", user_id=user_id))


@bp.route("/users/<int:user_id>/two-factor/reset", methods=["POST"])
@admin_required
def reset_two_factor(user_id):
    """For a user who lost the phone with the authenticator app (services/two_factor.reset)."""
    user = user_admin.get_user(db.session, user_id)
    username = user.username
    try:
        with UnitOfWork() as uow:
            two_factor.reset(uow, current_user, username)
            uow.commit()
    except DomainError as exc:
        flash(bilingual(exc.message), "error")
    else:
        flash(_("已重置 %(username)s 的双因素认证", username=username), "success")
    return redirect(url_for("admin_people.edit_user", user_id=user_id))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@admin_required
def set_active(user_id):
    user = user_admin.get_user(db.session, user_id)
    username, active = user.username, request.form.get("active") == "1"
    try:
        with UnitOfWork() as uow:
            user_admin.set_active(uow, current_user, username, active)
            uow.commit()
    except DomainError as exc:
        return _user_page(user, _profile_of(user), active_error=bilingual(exc.message), status=_errors(exc)[2])
    flash(_("已启用用户 %(username)s", username=username) if active else
          _("已停用用户 %(username)s，其无法再登录", username=username), "success")
    return redirect(url_for("admin_people.edit_user", user_id=user_id))


def _user_page(user, form, exc=None, extra_errors=None, password_errors=None, active_error="", status=None):
    errors, message, exc_status = _errors(exc)
    errors.update(extra_errors or {})
    enterprises = users.enterprises(db.session)
    return render_template("admin/user_form.html", user=user, form=form, errors=errors, message=message,
                           roles=ROLES, enterprises=enterprises,
                           enterprise_names={e.credit_code: e.name for e in enterprises},
                           townships=_township_options(user, form),
                           departments=user_scope.departments_to_choose(db.session, user and user.department_id),
                           password_errors=password_errors or {}, active_error=active_error,
                           is_self=user is not None and user.id == current_user.id,
                           titles={**USER_TITLES, **CERTIFICATE_TITLES},
                           history=_history("user", user)), status or exc_status


def _township_options(user, form):
    """The register's townships / parks to tick, with any the user covers or the form named that it lacks."""
    stored = user.townships if user is not None else []
    return sorted(set(user_scope.register_townships(db.session)) | set(stored) | set(form.get("townships") or []))


def _profile_of(user):
    """The user's editable values as the form shows them (empty where the service has None; the department by
    its id, as the form's choice sends it)."""
    values = {name: "" if value is None else value for name, value in user_admin.profile_of(user).items()}
    return dict(values, department=str(user.department_id or ""))


def _mismatch(password):
    if password != request.form.get("password2", ""):
        return {"password2": _("两次输入的密码不一致")}
    return {}


# ---- shared -------------------------------------------------------------------------------------------------
def _history(subject_type, record):
    # Logins are the audit log's (/audit, scope "logins"); a record's page shows how the record changed, and locks.
    return audit.subject_history(db.session, subject_type, record.id, exclude=audit_log.LOGIN_ATTEMPTS) \
        if record is not None else []


def _errors(exc):
    """({field: message}, message for the page when no field is named, status) in the current language."""
    if exc is None:
        return {}, "", 200
    fields = {name: bilingual(str(text)) for name, text in (exc.fields or {}).items()}
    # A taken credit code or username (a conflict) is shown like any wrong field: the form again, status 400.
    return fields, ("" if fields else bilingual(exc.message)), (400 if fields else exc.status)


def _submitted(names):
    return {name: request.form.get(name, "").strip() for name in names}


def _search():
    return request.args.get("q", "").strip()[:MAX_SEARCH]
