"""An enterprise's training register of its people (从业人员安全培训台账, services/roster.py): the register with its
达标情况 and the sheet import, the form of a person, a person's page with their trainings, status and history."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..models import OPERATION_CATEGORIES, ROSTER_CATEGORIES, ROSTER_TRAINING_KINDS, RosterPerson
from ..services import roster, roster_import, roster_rules as rules
from ..services.uow import UnitOfWork
from .forms_render import bilingual
from .names import N_, is_english, label

bp = Blueprint("roster", __name__)

# The audited fields' names (a person's history, the audit log).
ROSTER_TITLES = {"person_name": N_("姓名"), "person_position": N_("岗位"), "person_category": N_("人员类别"),
                 "person_hired_on": N_("入职日期"), "person_left_on": N_("离职日期"),
                 "person_operation_kind": N_("作业类别"), "person_certificate_number": N_("操作证编号"),
                 "person_certificate_issued_on": N_("发证日期"), "person_certificate_review_due": N_("复审期限"),
                 "person_certificate_expires_on": N_("有效期至"), "person_note": N_("备注"),
                 "training_trained_on": N_("培训日期"), "training_hours": N_("学时"), "training_kind": N_("培训类别"),
                 "training_provider": N_("培训机构/授课人"), "training_certificate": N_("证书/档案编号")}
_LABELS = {"person_category": ROSTER_CATEGORIES, "person_operation_kind": OPERATION_CATEGORIES,
           "training_kind": ROSTER_TRAINING_KINDS}


def audit_labels(catalog):
    """The audit log's names of the register's codes."""
    for name, table in _LABELS.items():
        catalog.labels.setdefault(name, {code: label(table, code) for code in table})


@bp.app_template_filter("roster_label")
def roster_label(code, field):
    """A register code's name: field "category", "operation", "training", "problem", "certificate", "industry"."""
    tables = {"category": ROSTER_CATEGORIES, "operation": OPERATION_CATEGORIES, "training": ROSTER_TRAINING_KINDS,
              "problem": rules.PROBLEMS, "certificate": rules.CERTIFICATE_STATES, "industry": rules.INDUSTRY_CLASSES,
              "person_category": ROSTER_CATEGORIES, "person_operation_kind": OPERATION_CATEGORIES,
              "training_kind": ROSTER_TRAINING_KINDS}
    return label(tables.get(field, {}), code) if code else ""


@bp.app_template_global()
def may_read_roster():
    return current_user.is_authenticated and roster.may_read(current_user)


@bp.app_template_global()
def roster_expired_count(enterprise_id):
    """Expired special-operations certificates at the enterprise, for the inspectors' hint (0 for those who may not
    read the register)."""
    if not may_read_roster() or enterprise_id is None:
        return 0
    return roster.expired_certificates(db.session, enterprise_id)


@bp.app_template_global()
def roster_person_of_notice(notification):
    """(enterprise id, person id) an expiry notice is about, for the notifications page's link."""
    parts = (notification.dedup_key or "").split(":")
    if len(parts) < 3 or parts[0] != roster.SUBJECT or not parts[1].isdigit():
        return None
    row = db.session.get(RosterPerson, int(parts[1]))
    return (row.enterprise_id, row.id) if row is not None else None


# ---- the register ------------------------------------------------------------------------------------------------
@bp.route("/enterprises/<int:enterprise_id>/staff")
@login_required
def index(enterprise_id):
    return _index_page(enterprise_id)


def _index_page(enterprise_id, plan=None, filename="", file_error=""):
    enterprise = roster.get_enterprise(db.session, current_user, enterprise_id)
    return render_template("roster/index.html", enterprise=enterprise,
                           result=roster.compliance_of(db.session, enterprise),
                           left=roster.people_of(db.session, enterprise.id, left=True),
                           may_write=roster.may_write(current_user, enterprise.id), filename=filename,
                           import_errors=_import_errors(plan), file_error=file_error, columns=_columns(),
                           max_rows=roster_import.MAX_ROWS, rules=rules)


def _header(name):
    return roster_import.HEADERS[name][1 if is_english() else 0]


def _columns():
    """(required, optional) column titles of the import, in the current language."""
    sep = ", " if is_english() else "、"
    return (sep.join(_header(n) for n in roster_import.REQUIRED),
            sep.join(_header(n) for n in roster_import.HEADERS if n not in roster_import.REQUIRED))


def _import_errors(plan):
    """[(line, name, [(field, column title, message)])] of a checked file's wrong rows."""
    if plan is None:
        return []
    return [(row.line, row.name, [(field, _header(field), bilingual(message)) for field, message in row.errors.items()])
            for row in plan.errors]


@bp.route("/enterprises/<int:enterprise_id>/staff/import", methods=["POST"])
@login_required
def import_sheet(enterprise_id):
    """All or nothing in one step: a file with any wrong row is shown with every error and nothing is written."""
    upload = request.files.get("file")
    filename = upload.filename if upload else ""
    try:
        with UnitOfWork() as uow:
            enterprise, plan = roster_import.plan_import(uow, current_user, enterprise_id, filename,
                                                         upload.read() if upload else b"")
            if plan.errors:
                uow.rollback()
                return _index_page(enterprise_id, plan, filename), 400
            roster_import.apply_import(uow, current_user, enterprise, filename, plan)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        return _index_page(enterprise_id, file_error=bilingual(exc.fields.get("file") or exc.message)), exc.status
    flash(_("已导入 %(file)s：新增 %(added)s 人，更新 %(updated)s 人，无变化 %(unchanged)s 人", file=filename,
            added=plan.count("add"), updated=plan.count("update"), unchanged=plan.count("unchanged")), "success")
    return redirect(url_for("roster.index", enterprise_id=enterprise_id))


# ---- a person ----------------------------------------------------------------------------------------------------
def _typed():
    return {name: request.form.get(name, "").strip() for name in roster.PERSON_FIELDS}


@bp.route("/enterprises/<int:enterprise_id>/staff/new", methods=["GET", "POST"])
@login_required
def new(enterprise_id):
    enterprise = roster.writable_enterprise(db.session, current_user, enterprise_id)
    if request.method == "GET":
        return _form_page(enterprise, {"category": request.args.get("category", "")}, {})
    form = _typed()
    return _save(enterprise, form, None)


@bp.route("/enterprises/<int:enterprise_id>/staff/<int:person_id>/edit", methods=["GET", "POST"])
@login_required
def edit(enterprise_id, person_id):
    enterprise = roster.writable_enterprise(db.session, current_user, enterprise_id)
    row = roster.get_person(db.session, current_user, enterprise.id, person_id)
    if request.method == "GET":
        form = {name: getattr(row, name) for name in roster.PERSON_FIELDS}
        form = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in form.items()}
        return _form_page(enterprise, form, {}, row)
    return _save(enterprise, _typed(), row)


def _save(enterprise, form, row):
    try:
        with UnitOfWork() as uow:
            person = roster.save_person(uow, current_user, enterprise.id, form, row.id if row else None)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        return _form_page(enterprise, form, {k: bilingual(v) for k, v in exc.fields.items()}, row), exc.status
    flash(_("人员信息已保存"), "success")
    return redirect(url_for("roster.show", enterprise_id=enterprise.id, person_id=person.id))


def _form_page(enterprise, form, errors, row=None):
    return render_template("roster/form.html", enterprise=enterprise, form=form, errors=errors, row=row,
                           categories=ROSTER_CATEGORIES, operations=OPERATION_CATEGORIES, rules=rules,
                           max_note=roster.MAX_NOTE)


@bp.route("/enterprises/<int:enterprise_id>/staff/<int:person_id>")
@login_required
def show(enterprise_id, person_id):
    return _show_page(enterprise_id, person_id)


def _show_page(enterprise_id, person_id, form=None, errors=None):
    enterprise = roster.get_enterprise(db.session, current_user, enterprise_id)
    row = roster.get_person(db.session, current_user, enterprise.id, person_id)
    return render_template("roster/show.html", enterprise=enterprise, row=row,
                           status=roster.status_of(db.session, enterprise, row), today=roster.today(),
                           trainings=roster.trainings_by_person(db.session, [row.id]).get(row.id, []),
                           may_write=roster.may_write(current_user, enterprise.id), form=form or {},
                           errors=errors or {}, kinds=ROSTER_TRAINING_KINDS, titles=ROSTER_TITLES,
                           history=roster.history(db.session, row))


@bp.route("/enterprises/<int:enterprise_id>/staff/<int:person_id>/trainings", methods=["POST"])
@login_required
def add_training(enterprise_id, person_id):
    form = {name: request.form.get(name, "").strip() for name in roster.TRAINING_FIELDS}
    try:
        with UnitOfWork() as uow:
            roster.add_training(uow, current_user, enterprise_id, person_id, form)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        return _show_page(enterprise_id, person_id, form, {k: bilingual(v) for k, v in exc.fields.items()}), \
            exc.status
    flash(_("培训记录已登记"), "success")
    return redirect(url_for("roster.show", enterprise_id=enterprise_id, person_id=person_id, _anchor="trainings"))


@bp.route("/enterprises/<int:enterprise_id>/staff/<int:person_id>/trainings/<int:training_id>/remove",
          methods=["POST"])
@login_required
def remove_training(enterprise_id, person_id, training_id):
    with UnitOfWork() as uow:
        roster.remove_training(uow, current_user, enterprise_id, person_id, training_id)
        uow.commit()
    flash(_("培训记录已删除"), "success")
    return redirect(url_for("roster.show", enterprise_id=enterprise_id, person_id=person_id, _anchor="trainings"))
