"""An enterprise's safety archive (企业安全管理档案, services/enterprise_documents.py): the archive page with its
completeness, the enterprise's form to add or update a document with its files, a document's page (files, review,
history) with the reviewers' decision and the enterprise's retirement."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError, ValidationFailed
from ..extensions import db
from ..models import (DOCUMENT_KINDS, MANAGER_CATEGORIES, OPERATION_CATEGORIES, REVIEW_STATUSES, Attachment,
                      EnterpriseDocument)
from ..services import document_completeness as completeness, document_expiry as expiry, \
    enterprise_documents as documents
from ..services.uow import UnitOfWork
from . import record_review_pages as record_pages
from .forms_render import bilingual
from .names import N_, label
from .uploads import store_chosen_files

bp = Blueprint("enterprise_documents", __name__)

# The audited fields' names (the document's history, the audit log).
DOCUMENT_TITLES = {"title": N_("资料名称"), "number": N_("编号"), "issuer": N_("发证/备案机关"),
                   "valid_from": N_("起始/备案日期"), "valid_to": N_("有效期至"), "holder_name": N_("持证人"),
                   "holder_id_masked": N_("身份证号码"), "category": N_("类别"), "note": N_("备注"),
                   "review_status": N_("审核状态"), "review_note": N_("审核意见"), "files": N_("文件"),
                   "retired": N_("移出档案")}


@bp.app_template_filter("document_kind")
def document_kind(code):
    return label(DOCUMENT_KINDS, code)


@bp.app_template_filter("review_status")
def review_status(code):
    return label(REVIEW_STATUSES, code)


@bp.app_template_filter("document_category")
def document_category(code):
    return label({**MANAGER_CATEGORIES, **OPERATION_CATEGORIES}, code) if code else ""


@bp.app_template_global()
def may_read_enterprise_documents():
    return current_user.is_authenticated and documents.may_read(current_user)


@bp.app_template_global()
def enterprise_document_of_notice(notification):
    """(enterprise id, document id) a notification is about, for the notifications page's link."""
    parts = (notification.dedup_key or "").split(":")
    if len(parts) < 3 or parts[0] != documents.SUBJECT or not parts[1].isdigit():
        return None
    row = db.session.get(EnterpriseDocument, int(parts[1]))
    return (row.enterprise_id, row.id) if row is not None else None


def _enterprise(enterprise_id):
    return documents.get_enterprise(db.session, current_user, enterprise_id)


# ---- the archive -------------------------------------------------------------------------------------------------
@bp.route("/documents")
@login_required
def start():
    """安全档案 in the navigation: the enterprise's own archive for its staff, the expiry list for everyone else."""
    if not documents.may_read(current_user):
        abort(403, _("企业安全档案供企业本身、排查和监管人员查看"))
    if "enterprise" in current_user.roles and current_user.enterprise_id and len(current_user.roles) == 1:
        return redirect(url_for("enterprise_documents.archive", enterprise_id=current_user.enterprise_id))
    return redirect(url_for("document_lists.expiring"))


@bp.route("/enterprises/<int:enterprise_id>/documents")
@login_required
def archive(enterprise_id):
    enterprise = _enterprise(enterprise_id)
    rows = documents.documents_of(db.session, enterprise.id)
    return render_template("enterprise_documents/archive.html", enterprise=enterprise, rows=rows,
                           retired=documents.documents_of(db.session, enterprise.id, retired=True),
                           status=completeness.of_enterprise(db.session, enterprise), kinds=DOCUMENT_KINDS,
                           may_write=documents.may_write(current_user, enterprise.id), state=expiry.state,
                           days_left=expiry.days_left)


# ---- writing -----------------------------------------------------------------------------------------------------
def _typed():
    form = {name: request.form.get(name, "").strip() for name in documents.FIELDS}
    form["files"] = [i for i in request.form.getlist("files") if i]
    return form


@bp.route("/enterprises/<int:enterprise_id>/documents/new", methods=["GET", "POST"])
@login_required
def new(enterprise_id):
    enterprise = _enterprise(enterprise_id)
    if not documents.may_write(current_user, enterprise.id):
        abort(403, _("只有本企业人员可以上传和更新档案资料"))
    kind = (request.form.get("kind") if request.method == "POST" else request.args.get("kind")) or ""
    if kind not in DOCUMENT_KINDS:
        return render_template("enterprise_documents/choose.html", enterprise=enterprise, kinds=DOCUMENT_KINDS), \
            (400 if request.method == "POST" else 200)
    if request.method == "GET":
        return _form_page(enterprise, kind, {"files": []}, {})
    form = _typed()
    return _save(enterprise, kind, form, None, lambda uow: documents.create(
        uow, current_user, enterprise.id, kind, form, form["files"]).id)


@bp.route("/enterprises/<int:enterprise_id>/documents/<int:document_id>/edit", methods=["GET", "POST"])
@login_required
def edit(enterprise_id, document_id):
    enterprise = _enterprise(enterprise_id)
    row = documents.get(db.session, current_user, enterprise.id, document_id)
    if not documents.may_write(current_user, enterprise.id):
        abort(403, _("只有本企业人员可以上传和更新档案资料"))
    if row.is_retired:
        abort(409, _("资料已移出档案，不能修改"))
    if request.method == "GET":
        form = {name: getattr(row, name) for name in documents.FIELDS}
        form.update(valid_from=row.valid_from.isoformat() if row.valid_from else "",
                    valid_to=row.valid_to.isoformat() if row.valid_to else "", files=[], version=row.version)
        return _form_page(enterprise, row.kind, form, {}, row)
    form = _typed()
    form["version"] = request.form.get("version", "")
    removed = request.form.getlist("remove_files")
    return _save(enterprise, row.kind, form, row, lambda uow: documents.update(
        uow, current_user, enterprise.id, row.id, form, form["files"], removed, form["version"]).id)


def _save(enterprise, kind, form, row, write):
    """Keep the chosen files as the user's uploads first (a form that comes back keeps them), then write; a
    wrong field or file: the form again with every error beside its field and the input kept."""
    try:
        try:
            form["files"] += store_chosen_files(documents.FILE_FIELD, limit=documents.MAX_FILES)
        except ValidationFailed as exc:  # a file of the wrong kind or too large: shown under the files field
            raise ValidationFailed(exc.message, fields={"files": exc.message}) from None
        with UnitOfWork() as uow:
            document_id = write(uow)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        fields = {k: bilingual(v) for k, v in exc.fields.items()}
        return _form_page(enterprise, kind, form, fields, row, None if fields else bilingual(exc.message)), \
            exc.status
    flash(_("档案资料已保存，等待审核"), "success")
    return redirect(url_for("enterprise_documents.show", enterprise_id=enterprise.id, document_id=document_id))


def _form_page(enterprise, kind, form, errors, row=None, message=None):
    pending = db.session.query(Attachment).filter(Attachment.public_id.in_(form.get("files") or [""]),
                                                  Attachment.uploader_id == current_user.id,
                                                  Attachment.document_id.is_(None)).all()
    return render_template("enterprise_documents/form.html", enterprise=enterprise, kind=kind, form=form,
                           errors=errors, row=row, message=message, pending=pending,
                           required=documents.required_fields(kind), categories=documents.categories(kind),
                           max_note=documents.MAX_NOTE)


# ---- a document --------------------------------------------------------------------------------------------------
@bp.route("/enterprises/<int:enterprise_id>/documents/<int:document_id>")
@login_required
def show(enterprise_id, document_id):
    return _show_page(enterprise_id, document_id)


def _show_page(enterprise_id, document_id, message=None, form=None):
    enterprise = _enterprise(enterprise_id)
    row = documents.get(db.session, current_user, enterprise.id, document_id)
    return render_template("enterprise_documents/show.html", enterprise=enterprise, row=row, message=message,
                           form=form or {}, state=expiry.state(row), days_left=expiry.days_left(row),
                           may_write=documents.may_write(current_user, enterprise.id),
                           may_review=documents.may_review(current_user),
                           history=list(reversed(documents.history(db.session, row))), titles=DOCUMENT_TITLES,
                           reason_max=documents.MAX_REASON)


@bp.route("/enterprises/<int:enterprise_id>/documents/<int:document_id>/review", methods=["POST"])
@login_required
def review(enterprise_id, document_id):
    return record_pages.review(lambda uow, decision, note, version: documents.review(
        uow, current_user, enterprise_id, document_id, decision, note, version),
        _("资料已审核"), _("资料已退回，已通知企业"), *_again_and_back(enterprise_id, document_id))


@bp.route("/enterprises/<int:enterprise_id>/documents/<int:document_id>/retire", methods=["POST"])
@login_required
def retire(enterprise_id, document_id):
    return record_pages.retire(lambda uow, reason, version: documents.retire(
        uow, current_user, enterprise_id, document_id, reason, version),
        _("资料已移出档案"), *_again_and_back(enterprise_id, document_id))


def _again_and_back(enterprise_id, document_id):
    """The document's page again with a refusal, and its address after a change."""
    return (lambda message, form: _show_page(enterprise_id, document_id, message, form),
            url_for("enterprise_documents.show", enterprise_id=enterprise_id, document_id=document_id))
