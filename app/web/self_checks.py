"""Enterprise self-checks (企业自查, services/self_checks.py): the list (an enterprise's own; the staff side's of every
enterprise, filtered by enterprise, period and findings), starting one (enterprise staff, with a checklist for their
industry), a self-check's page — the fill-in form of a draft (results, notes, photos; for a nonconforming item whether
to report it and its place, score and type), saved or submitted, or the record of a submitted one with the cases it
made and the items a later visit contradicted (自查不实) — and the self-check frequency per enterprise and month."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import clock
from ..errors import DomainError, NotFound
from ..extensions import db
from ..models import CHECK_RESULTS, DIMENSIONS, SELF_CHECK_STATUSES
from ..services import attachments, self_check_files, self_check_rhythm as rhythm, self_check_submit, self_checks
from ..services.field_rules import parse_date
from ..services.uow import UnitOfWork
from .cases import enterprise_choices
from .forms_render import Catalog, bilingual
from .guards import restrict
from .names import N_, label
from .query_args import int_or_none, page_count, page_number

bp = Blueprint("self_checks", __name__)
PAGE_SIZE = 50
ITEM_FIELDS = ("result", "note", "report", "place", "score", "hazard_type")

restrict(bp, "may_read_self_checks", self_checks.may_read, N_("企业自查供企业人员、项目各方、应急管理局和属地监管查看"))


@bp.app_template_global()
def self_check_status(code):
    return label(SELF_CHECK_STATUSES, code)


@bp.app_template_global()
def self_check_result(code):
    return label(CHECK_RESULTS, code) if code else "—"


@bp.app_template_global()
def self_check_dimension(code):
    return label(DIMENSIONS, code) if code in DIMENSIONS else code


@bp.route("/self-checks")
@login_required
def index():
    errors = {}
    flt = self_checks.SelfCheckFilter(
        enterprise_id=int_or_none(request.args.get("enterprise_id")),
        since=parse_date(request.args.get("since"), "since", errors),
        until=parse_date(request.args.get("until"), "until", errors),
        findings=request.args.get("findings", ""), status=request.args.get("status", ""))
    if errors:
        flt.since = flt.until = None
        errors = {k: bilingual(v) for k, v in errors.items()}
    page = page_number(request.args)
    rows, total = self_checks.listing(db.session, current_user, flt, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    own = self_checks.may_write(current_user)
    lists = self_checks.lists_for(db.session, current_user.enterprise) if own else []
    return render_template("self_checks/index.html", rows=rows, total=total, page=page,
                           pages=page_count(total, PAGE_SIZE), args=request.args, errors=errors, own=own,
                           lists=lists, enterprises=enterprise_choices(current_user),
                           counts={r.id: self_checks.counts(r) for r in rows},
                           flagged=rhythm.contradicted_count(db.session, rows),
                           this_year=rhythm.count_in_year(db.session, current_user.enterprise_id,
                                                          clock.local_now().year) if own else None,
                           minimum=rhythm.MONTHLY_MINIMUM), (400 if errors else 200)


@bp.route("/self-checks", methods=["POST"])
@login_required
def start():
    self_checks.check_may_write(current_user)
    try:
        with UnitOfWork() as uow:
            row = self_checks.start(uow, current_user, request.form.get("checklist", ""), request.form.get("note"))
            self_check_id = row.id
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        flash(bilingual(next(iter(exc.fields.values()), exc.message)), "error")
        return redirect(url_for("self_checks.index"))
    flash(_("已开始自查，请逐项填写"), "success")
    return redirect(url_for("self_checks.show", self_check_id=self_check_id))


@bp.route("/self-checks/<int:self_check_id>")
@login_required
def show(self_check_id):
    return _page(self_checks.get_visible(db.session, current_user, self_check_id))


def _page(row, form=None, errors=None, message=None):
    editable = row.status == "draft" and self_checks.may_write(current_user) \
        and row.enterprise_id == current_user.enterprise_id
    groups = {}
    for item in row.items:
        groups.setdefault(item.dimension, []).append(item)
    catalog = Catalog.deployed()
    return render_template(
        "self_checks/show.html", row=row, editable=editable, form=form or {}, errors=errors or {}, message=message,
        groups=[(code, groups[code]) for code in DIMENSIONS if code in groups] +
        [(code, items) for code, items in groups.items() if code not in DIMENSIONS],
        results=CHECK_RESULTS, counts=self_checks.counts(row),
        photos=self_check_files.by_item(db.session, row), flagged=rhythm.contradicted(db.session, row),
        hazard_types=list(catalog.labels.get("hazard_type", {}).items()),
        default_types=self_check_submit.TYPE_BY_DIMENSION, compare_days=rhythm.COMPARE_DAYS,
        max_photos=self_check_files.MAX_PHOTOS), (400 if errors or message else 200)


def _entries(row):
    """The page form's items as the service's entries ({item_id, result, …}); a checkbox left off is report False."""
    entries = []
    for item in row.items:
        key = str(item.id)
        if f"result.{key}" not in request.form:
            continue
        entry = {"item_id": item.id, **{name: request.form.get(f"{name}.{key}", "") for name in ITEM_FIELDS}}
        entry["report"] = request.form.get(f"report.{key}") == "1"
        entries.append(entry)
    return entries


def _store_photos(row):
    """The photos chosen per item, kept as the user's own uploads in their own transaction (a page sent back with
    errors keeps them, by id, in the hidden `pending.<item id>` inputs): {item id: [public ids]}."""
    chosen = {}
    with UnitOfWork() as uow:
        for item in row.items:
            ids = [i for i in request.form.getlist(f"pending.{item.id}") if i]
            for upload in request.files.getlist(f"photos.{item.id}")[:self_check_files.MAX_PHOTOS]:
                if upload and upload.filename:
                    stored = attachments.store_upload(
                        uow, current_user, upload.filename, upload.stream, upload_dir=current_app.config["UPLOAD_DIR"],
                        max_bytes=current_app.config["MAX_UPLOAD_BYTES"], field=f"items.{item.id}.photos",
                        images_only=True)
                    ids.append(stored.public_id)
            if ids:
                chosen[item.id] = ids
        uow.commit()
    return chosen


@bp.route("/self-checks/<int:self_check_id>", methods=["POST"])
@login_required
def save(self_check_id):
    row = self_checks.get_visible(db.session, current_user, self_check_id)  # 404 outside the user's share
    self_checks.check_may_write(current_user, row)  # 403 for the staff side
    submitting = request.form.get("action") == "submit"
    # A photo's 移除 button sends the whole form here, so what was typed meanwhile is saved with the removal.
    removing = request.form.get("remove", "").strip()
    entries, note = _entries(row), request.form.get("note")
    pending = {}
    try:
        pending = _store_photos(row)
        with UnitOfWork() as uow:
            self_checks.save(uow, current_user, row.id, entries, note)
            for item in row.items:
                self_check_files.attach(uow, current_user, row, item, pending.get(item.id, ()),
                                        self_checks.field_name(item.id, "photos"))
            if removing:
                _remove(uow, row, removing)
            cases = self_check_submit.submit(uow, current_user, row.id)[1] if submitting else None
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.rollback()
        db.session.expire_all()
        row = self_checks.get_visible(db.session, current_user, self_check_id)
        form = {"entries": {e["item_id"]: e for e in entries}, "note": note, "pending": pending}
        if exc.fields:
            return _page(row, form, {k: bilingual(v) for k, v in exc.fields.items()})
        return _page(row, form, message=bilingual(exc.message))[0], exc.status
    if submitting:
        flash(_("自查已提交，不符合项已上报 %(n)s 条隐患", n=len(cases)), "success")
    elif removing:
        flash(_("照片已移除"), "success")
    else:
        flash(_("草稿已保存"), "success")
    return redirect(url_for("self_checks.show", self_check_id=self_check_id))


@bp.route("/self-checks/<int:self_check_id>/photos/<public_id>/remove", methods=["POST"])
@login_required
def remove_photo(self_check_id, public_id):
    row = self_checks.get_visible(db.session, current_user, self_check_id)
    self_checks.check_may_write(current_user, row)
    if row.status != "draft":
        abort(409, _("该自查已提交，不能再修改"))
    with UnitOfWork() as uow:
        _remove(uow, row, public_id)
        uow.commit()
    flash(_("照片已移除"), "success")
    return redirect(url_for("self_checks.show", self_check_id=self_check_id))


def _remove(uow, row, public_id):
    field = self_check_files.remove(uow, row, public_id)
    if field is None:
        raise NotFound("没有这张照片 / no such photo")
    self_checks.audit_photo_removed(uow, current_user, row, public_id, field)


@bp.route("/self-checks/frequency")
@login_required
def frequency():
    year = int_or_none(request.args.get("year")) or clock.local_now().year
    if not 2000 <= year <= 2100:
        year = clock.local_now().year
    today = clock.local_now().date()
    upto = 12 if year < today.year else (today.month - 1 if year == today.year else 0)
    return render_template("self_checks/frequency.html", year=year, rows=rhythm.frequency(db.session, current_user,
                                                                                             year),
                           upto=upto, minimum=rhythm.MONTHLY_MINIMUM)
