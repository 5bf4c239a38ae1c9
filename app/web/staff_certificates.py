"""Staff certificates (services/staff_certificates.py) on the admin people pages: the overview of every staff member's
certificates, a person's certificates with the form to add one, editing and removing one — for administrators and
project leads (403 for everyone else; a user of an enterprise, township office or department has no certificates
page: 404) — and the holder's own list on their account page. A rejected form comes back with status 400, each
error next to its field and the typed values and chosen scans kept."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError, ValidationFailed
from ..extensions import db
from ..models import STAFF_CERTIFICATE_KINDS, Attachment, StaffCertificate
from ..services import audit, staff_certificates as certificates
from ..services.uow import UnitOfWork
from .forms_render import bilingual
from .names import N_, label
from .uploads import store_chosen_files

bp = Blueprint("staff_certificates", __name__)
# The audited fields' names, for the person's change history (and the audit log).
CERTIFICATE_TITLES = {"certificate_kind": N_("证书类别"), "certificate_title": N_("证书名称/作业类别"),
                      "certificate_number": N_("证书编号"), "certificate_issuer": N_("发证机关"),
                      "certificate_valid_from": N_("有效期起"), "certificate_valid_to": N_("有效期至"),
                      "certificate_note": N_("备注"), "certificate_files": N_("证书扫描件")}
CERTIFICATE_ACTIONS = ("staff_certificate_added", "staff_certificate_updated", "staff_certificate_removed",
                       "staff_certificate_expiring", "staff_certificate_expired")


@bp.app_template_filter()
def certificate_kind(code):
    return label(STAFF_CERTIFICATE_KINDS, code)


@bp.app_template_filter()
def certificate_state(code):
    return label(certificates.STATES, code)


def audit_labels(catalog):
    """The audit log's names of the certificates' kinds."""
    catalog.labels.setdefault("certificate_kind", {code: certificate_kind(code) for code in STAFF_CERTIFICATE_KINDS})


@bp.app_template_global()
def may_keep_certificates():
    return current_user.is_authenticated and certificates.may_keep(current_user)


@bp.app_template_global()
def is_staff_member(user):
    return certificates.is_staff(user)


@bp.app_template_global()
def has_own_certificates_page():
    return current_user.is_authenticated and certificates.is_staff(current_user)


@bp.app_template_global()
def staff_certificate_of_notice(notification):
    """Where a certificate's expiry notice leads: the holder's own list, or a keeper's page of the holder."""
    parts = (notification.dedup_key or "").split(":")
    if len(parts) < 3 or parts[0] != certificates.SUBJECT or not parts[1].isdigit():
        return None
    row = db.session.get(StaffCertificate, int(parts[1]))
    if row is None:
        return None
    if row.user_id == notification.user_id:
        return url_for("staff_certificates.own")
    return url_for("staff_certificates.person", user_id=row.user_id) if may_keep_certificates() else None


def _holder(user_id):
    return certificates.holder(db.session, current_user, user_id)


# ---- the overview ------------------------------------------------------------------------------------------------
@bp.route("/admin/certificates")
@login_required
def overview():
    if not certificates.may_keep(current_user):
        abort(403, _("人员资质证书由系统管理员和项目负责人维护"))
    wanted = request.args.get("state", "")
    wanted = wanted if wanted in ("expiring", "expired", "none") else ""
    rows = certificates.overview(db.session, wanted)
    return render_template("admin/certificates.html", rows=rows, wanted=wanted, state=certificates.state)


# ---- a person's certificates -------------------------------------------------------------------------------------
@bp.route("/admin/users/<int:user_id>/certificates", methods=["GET", "POST"])
@login_required
def person(user_id):
    person = _holder(user_id)
    if request.method == "GET":
        return _person_page(person, {"kind": "", "files": []}, {})
    form = _typed()
    return _save(person, form, None, lambda uow: certificates.save(uow, current_user, person.id, form, form["files"]))


@bp.route("/admin/users/<int:user_id>/certificates/<int:certificate_id>", methods=["GET", "POST"])
@login_required
def edit(user_id, certificate_id):
    person = _holder(user_id)
    row = certificates.get(db.session, current_user, person.id, certificate_id)
    if request.method == "GET":
        form = {name: getattr(row, name) for name in certificates.FIELDS}
        form.update(valid_from=row.valid_from.isoformat() if row.valid_from else "",
                    valid_to=row.valid_to.isoformat() if row.valid_to else "", files=[])
        return _person_page(person, form, {}, row)
    form = _typed()
    removed = request.form.getlist("remove_files")
    return _save(person, form, row, lambda uow: certificates.save(uow, current_user, person.id, form, form["files"],
                                                                  removed, row.id))


@bp.route("/admin/users/<int:user_id>/certificates/<int:certificate_id>/remove", methods=["POST"])
@login_required
def remove(user_id, certificate_id):
    person = _holder(user_id)
    with UnitOfWork() as uow:
        certificates.remove(uow, current_user, person.id, certificate_id)
        uow.commit()
    flash(_("已删除证书"), "success")
    return redirect(url_for("staff_certificates.person", user_id=person.id))


def _typed():
    form = {name: request.form.get(name, "").strip() for name in certificates.FIELDS}
    form["files"] = [i for i in request.form.getlist("files") if i]
    return form


def _save(person, form, row, write):
    """Keep the chosen scans as the user's uploads first (a form that comes back keeps them), then write."""
    try:
        try:
            form["files"] += store_chosen_files(certificates.FILE_FIELD, limit=certificates.MAX_FILES + 1)
        except ValidationFailed as exc:  # a file of the wrong kind or too large: shown under the files field
            raise ValidationFailed(exc.message, fields={"files": exc.message}) from None
        with UnitOfWork() as uow:
            write(uow)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        fields = {k: bilingual(v) for k, v in exc.fields.items()}
        return _person_page(person, form, fields, row, None if fields else bilingual(exc.message), exc.status)
    flash(_("证书已保存") if row is not None else _("已添加证书"), "success")
    return redirect(url_for("staff_certificates.person", user_id=person.id))


def _person_page(person, form, errors, row=None, message=None, status=200):
    pending = db.session.query(Attachment).filter(Attachment.public_id.in_(form.get("files") or [""]),
                                                  Attachment.uploader_id == current_user.id,
                                                  Attachment.certificate_id.is_(None)).all()
    history = [e for e in audit.subject_history(db.session, "user", person.id) if e.action in CERTIFICATE_ACTIONS]
    return render_template("admin/staff_certificates.html", person=person, rows=certificates.of_user(db.session,
                                                                                                     person.id),
                           form=form, errors=errors, row=row, message=message, pending=pending,
                           kinds=STAFF_CERTIFICATE_KINDS, state=certificates.state, history=history,
                           titles=CERTIFICATE_TITLES, max_files=certificates.MAX_FILES), status


# ---- the holder's own --------------------------------------------------------------------------------------------
@bp.route("/account/certificates")
@login_required
def own():
    if not certificates.is_staff(current_user):
        abort(404)
    return render_template("account/certificates.html", rows=certificates.of_user(db.session, current_user.id),
                           state=certificates.state)
