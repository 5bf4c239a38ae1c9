"""The knowledge base pages (专家知识库 / 法规标准库, services/knowledge.py): the search with its filters (the editors'
待复核 list among them), one entry with its kept versions and history, an earlier version, the editors' form,
publishing, withdrawing and the yearly review, the entry's PDF; and the card the case and task pages show."""
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..models import Attachment
from ..models.knowledge import KNOWLEDGE_KINDS, KNOWLEDGE_STATUSES, REGULATION_STATUSES
from ..services import knowledge, knowledge_edit, knowledge_files, knowledge_links, users
from ..services.field_rules import whole_number
from ..services.referrals import is_department_user
from ..services.uow import UnitOfWork
from . import forms_render
from .forms_render import bilingual
from .names import N_, label
from .query_args import page_count, page_number
from .uploads import store_chosen_files

bp = Blueprint("knowledge", __name__)
PAGE_SIZE = 50
FILTER_ARGS = ("q", "kind", "hazard_type", "industry", "status", "due_review")
# The content's fields as the form, the versions and the audit log name them.
KNOWLEDGE_TITLES = {"kind": N_("条目类型"), "title": N_("标题"), "body": N_("内容（处置建议 / 摘要）"),
                    "measures": N_("典型措施"), "references": N_("依据标准"), "number": N_("标准号 / 文号"),
                    "issuer": N_("发布机关"), "effective_on": N_("实施日期"), "regulation_status": N_("现行状态"),
                    "hazard_types": N_("适用隐患类型"), "industries": N_("适用行业"), "files": N_("文件"),
                    "reviewed_at": N_("复核时间")}
# The registration form's field the advice is copied into, per task form.
COPY_TARGETS = {"assignment": "rectification_requirements", "rectification": "measures"}


@bp.app_template_global()
def may_read_knowledge():
    """Every signed-in user reads the published entries; other departments' users reach their referrals only
    (web/department_gate.py), so the link is not theirs."""
    return current_user.is_authenticated and not is_department_user(current_user)


@bp.app_template_global()
def may_edit_knowledge():
    return current_user.is_authenticated and knowledge.may_edit(current_user)


@bp.app_template_global()
def knowledge_for_case(case):
    """The published advice, laws and standards for the case's hazard type and the cases to learn from (a case
    page's caller has already been allowed to see the case)."""
    return knowledge_links.for_case(db.session, current_user, case)


@bp.app_template_global()
def knowledge_copy_target(form_key):
    """The task form's field the advice button copies into, or None."""
    return COPY_TARGETS.get(form_key)


@bp.app_template_filter("knowledge_label")
def knowledge_label(code, table):
    """A kind, status or in-force status in the page's language: `{{ row.kind|knowledge_label('kind') }}`."""
    return label({"kind": KNOWLEDGE_KINDS, "status": KNOWLEDGE_STATUSES, "regulation": REGULATION_STATUSES}[table],
                 code)


# ---- the list ------------------------------------------------------------------------------------------------------
def _read_filter(args, page):
    flt = knowledge.KnowledgeFilter(
        q=args.get("q", "").strip(), kind=args.get("kind", "").strip(), hazard_type=args.get("hazard_type", "").strip(),
        industry=args.get("industry", "").strip(), status=args.get("status", "").strip(),
        due_review=args.get("due_review") == "1", limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    try:
        knowledge.check_filter(flt)
    except DomainError as exc:
        return flt, {k: bilingual(v) for k, v in exc.fields.items()}
    return flt, {}


@bp.route("/knowledge")
@login_required
def index():
    page = page_number(request.args)
    flt, errors = _read_filter(request.args, page)
    rows, total = ([], 0) if errors else knowledge.listing(db.session, current_user, flt)
    catalog = forms_render.Catalog.deployed()
    return render_template(
        "knowledge/index.html", rows=rows, total=total, page=page, pages=page_count(total, PAGE_SIZE),
        args=request.args, errors=errors, catalog=catalog,
        hazard_types=[(c, catalog.show("hazard_type", c)) for c in knowledge.hazard_type_codes(db.session)],
        industries=knowledge.industries(db.session, current_user), kinds=KNOWLEDGE_KINDS,
        statuses=KNOWLEDGE_STATUSES if knowledge.reads_all(current_user) else {},
        query={k: request.args[k] for k in FILTER_ARGS if request.args.get(k)},
        due_count=knowledge.due_count(db.session, current_user), may_edit=knowledge.may_edit(current_user),
        is_due=knowledge.is_due_for_review), 400 if errors else 200


# ---- one entry -----------------------------------------------------------------------------------------------------
@bp.route("/knowledge/<int:entry_id>")
@login_required
def show(entry_id):
    return _show_page(knowledge.get(db.session, current_user, entry_id))


def _show_page(row, message=None, status=200):
    kept = knowledge.versions(db.session, row)
    return render_template(
        "knowledge/show.html", row=row, versions=kept, catalog=forms_render.Catalog.deployed(), message=message,
        events=knowledge.history(db.session, row) if knowledge.reads_all(current_user) else [],
        titles=KNOWLEDGE_TITLES, may_edit=knowledge.may_edit(current_user), due=knowledge.is_due_for_review(row),
        names=users.display_names(db.session, [v.saved_by_id for v in kept]
                                  + [row.published_by_id, row.reviewed_by_id])), status


@bp.route("/knowledge/<int:entry_id>/versions/<int:number>")
@login_required
def version(entry_id, number):
    row, kept = knowledge.version_of(db.session, current_user, entry_id, number)
    return render_template("knowledge/version.html", row=row, kept=kept, content=kept.content,
                           catalog=forms_render.Catalog.deployed(), titles=KNOWLEDGE_TITLES)


@bp.route("/knowledge/<int:entry_id>/files/<public_id>")
@login_required
def file(entry_id, public_id):
    item = knowledge_files.file_of(db.session, knowledge.get(db.session, current_user, entry_id), public_id)
    path = Path(current_app.config["UPLOAD_DIR"]) / item.stored_name
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=item.content_type, as_attachment=True, download_name=item.original_name,
                         max_age=3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.cache_control.private = True
    return response


# ---- the editors' form ---------------------------------------------------------------------------------------------
def _typed():
    form = {name: request.form.get(name, "") for name in knowledge_edit.CONTENT if name != "hazard_types"}
    form["hazard_types"] = [v for v in request.form.getlist("hazard_types") if v]
    form["kind"] = request.form.get("kind", "")
    form["files"] = [i for i in request.form.getlist("files") if i]
    return form


@bp.route("/knowledge/new", methods=["GET", "POST"])
@login_required
def new():
    knowledge.check_may_edit(current_user)
    if request.method == "GET":
        kind = request.args.get("kind") if request.args.get("kind") in KNOWLEDGE_KINDS else "advice"
        hazard_type = request.args.get("hazard_type", "")
        return _form_page({"kind": kind, "hazard_types": [hazard_type] if hazard_type else [], "files": [],
                           "regulation_status": "current"}, {})
    form = _typed()
    return _save(form, None, lambda uow: knowledge_edit.create(uow, current_user, form, form["files"]).id)


@bp.route("/knowledge/<int:entry_id>/edit", methods=["GET", "POST"])
@login_required
def edit(entry_id):
    row = knowledge.get(db.session, current_user, entry_id)
    knowledge.check_may_edit(current_user)
    if request.method == "GET":
        form = {**knowledge_edit.content_of(row), "kind": row.kind, "files": []}
        form["industries"] = "、".join(form["industries"])
        return _form_page(form, {}, row)
    form = _typed()
    form["kind"] = row.kind
    # The version the editor read; a form without one is refused as stale rather than saved blindly.
    read = whole_number(request.form.get("version", ""))
    removed = request.form.getlist("remove_files")
    return _save(form, row, lambda uow: knowledge_edit.update(
        uow, current_user, entry_id, form, -1 if read is None else read, form["files"], removed).id)


def _save(form, row, write):
    try:
        form["files"] += store_chosen_files("knowledge", limit=knowledge_files.MAX_FILES)
        with UnitOfWork() as uow:
            entry_id = write(uow)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        fields = {k: bilingual(v) for k, v in exc.fields.items()}
        fresh = knowledge.get(db.session, current_user, row.id) if row is not None else None
        return _form_page(form, fields, fresh, None if fields else bilingual(exc.message)), exc.status
    flash(_("知识库条目已保存"), "success")
    return redirect(url_for("knowledge.show", entry_id=entry_id))


def _form_page(form, errors, row=None, message=None):
    """The form with what was typed; after a save made meanwhile (409) it carries the newer version, so saving again
    keeps what this editor typed, knowingly."""
    pending = db.session.query(Attachment).filter(Attachment.public_id.in_(form.get("files") or [""]),
                                                  Attachment.uploader_id == current_user.id,
                                                  Attachment.knowledge_entry_id.is_(None)).all()
    catalog = forms_render.Catalog.deployed()
    if isinstance(form.get("industries"), list):
        form["industries"] = "、".join(form["industries"])
    return render_template(
        "knowledge/form.html", form=form, errors=errors, row=row, message=message, pending=pending,
        kinds=KNOWLEDGE_KINDS, regulation_statuses=REGULATION_STATUSES, titles=KNOWLEDGE_TITLES,
        hazard_types=[(c, catalog.show("hazard_type", c)) for c in knowledge.hazard_type_codes(db.session)],
        limits={"title": knowledge_edit.MAX_TITLE, "text": knowledge_edit.MAX_TEXT,
                "references": knowledge_edit.MAX_REFERENCES})


# ---- publishing, withdrawing, reviewing ----------------------------------------------------------------------------
_ACTIONS = {"publish": (knowledge_edit.publish, N_("已发布，所有登录用户可以查阅")),
            "withdraw": (knowledge_edit.withdraw, N_("已撤回，企业和其他读者不再看到该条目")),
            "review": (knowledge_edit.review, N_("已复核确认，12 个月后再次复核"))}


@bp.route("/knowledge/<int:entry_id>/publish", methods=["POST"])
@login_required
def publish(entry_id):
    return _act(entry_id, "publish")


@bp.route("/knowledge/<int:entry_id>/withdraw", methods=["POST"])
@login_required
def withdraw(entry_id):
    return _act(entry_id, "withdraw")


@bp.route("/knowledge/<int:entry_id>/review", methods=["POST"])
@login_required
def review(entry_id):
    return _act(entry_id, "review")


def _act(entry_id, action):
    row = knowledge.get(db.session, current_user, entry_id)
    knowledge.check_may_edit(current_user)
    write, done = _ACTIONS[action]
    read = whole_number(request.form.get("version", ""))
    try:
        with UnitOfWork() as uow:
            write(uow, current_user, entry_id, -1 if read is None else read)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        return _show_page(knowledge.get(db.session, current_user, row.id), bilingual(exc.message), exc.status)
    flash(_(done), "success")
    return redirect(url_for("knowledge.show", entry_id=entry_id))
