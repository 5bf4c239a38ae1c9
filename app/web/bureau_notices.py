"""Notices from the bureau to enterprises (通知公告, services/bureau_notices.py and bureau_notice_receipts.py): the list
(every notice with its tallies for the bureau's side, the enterprise's own notices with its receipt for enterprise
staff), the writer's form with files, publishing, the notice's page (reading marks it read; signing with a reply; the
receipts table with filters, urging and withdrawing for the writers) and the receipts as CSV."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import clock
from ..errors import DomainError
from ..extensions import db
from ..models import (NOTICE_ISSUERS, NOTICE_KINDS, NOTICE_STATUSES, NOTICE_TARGETS, RECEIPT_STATUSES, Attachment)
from ..services import bureau_notice_receipts as receipts, bureau_notices as notices
from ..services.uow import UnitOfWork
from .downloads import csv_download, csv_moment
from .forms_render import bilingual
from .names import label
from .query_args import page_count, page_number
from .uploads import store_chosen_files

bp = Blueprint("bureau_notices", __name__)
PAGE_SIZE = 50


@bp.app_template_global()
def may_read_bureau_notices():
    return current_user.is_authenticated and notices.may_read(current_user)


@bp.app_template_global()
def bureau_notice_of_notice(notification):
    """The notice a notification is about (its id), for the notifications page's link."""
    return notices.notice_of_key(notification.dedup_key)


@bp.app_template_filter("notice_kind")
def notice_kind(code):
    return label(NOTICE_KINDS, code)


@bp.app_template_filter("notice_status")
def notice_status(code):
    return label(NOTICE_STATUSES, code)


@bp.app_template_filter("notice_target")
def notice_target(code):
    return label(NOTICE_TARGETS, code)


@bp.app_template_filter("receipt_status")
def receipt_status(code):
    return label(RECEIPT_STATUSES, code)


@bp.app_template_filter("notice_issuer")
def notice_issuer(code):
    return label(NOTICE_ISSUERS, code) if code else "—"


# ---- the list ----------------------------------------------------------------------------------------------------
@bp.route("/notices")
@login_required
def index():
    notices.check_may_read(current_user)
    page = page_number(request.args)
    flt = notices.NoticeFilter(kind=request.args.get("kind", "") if request.args.get("kind") in NOTICE_KINDS else "",
                               status=request.args.get("status", "") if request.args.get("status") in NOTICE_STATUSES
                               else "", limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    rows, total = notices.listing(db.session, current_user, flt)
    reads_all = notices.reads_all(current_user)
    return render_template("notices/index.html", rows=rows, total=total, page=page, pages=page_count(total, PAGE_SIZE),
                           args=request.args, kinds=NOTICE_KINDS, statuses=NOTICE_STATUSES, reads_all=reads_all,
                           may_write=notices.may_write(current_user),
                           tallies=notices.tallies(db.session, [n.id for n, _r in rows]) if reads_all else {},
                           now=clock.now())


# ---- writing -----------------------------------------------------------------------------------------------------
def _typed():
    form = {name: request.form.get(name, "").strip() for name in notices.FIELDS if name != "target_values"}
    form["target_values"] = request.form.getlist(form["target_kind"]) if form["target_kind"] in \
        ("townships", "industries", "enterprises") else []
    form["files"] = [i for i in request.form.getlist("files") if i]
    return form


@bp.route("/notices/new", methods=["GET", "POST"])
@login_required
def new():
    notices.check_may_write(current_user)
    if request.method == "GET":
        return _form_page({"kind": "notice", "target_kind": "all", "target_values": [], "files": []}, {})
    form, action = _typed(), request.form.get("action", "draft")
    return _save(form, action, None, lambda uow: notices.create(
        uow, current_user, form, form["files"], publish_now=action == "publish").id)


@bp.route("/notices/<int:notice_id>/edit", methods=["GET", "POST"])
@login_required
def edit(notice_id):
    notice = notices.get(db.session, current_user, notice_id)
    notices.check_may_write(current_user)
    if not notice.is_draft:
        abort(409, _("通知已发布，不能修改"))
    if request.method == "GET":
        form = {name: getattr(notice, name) for name in notices.FIELDS}
        form["sign_by_date"] = notice.sign_by_date.isoformat() if notice.sign_by_date else ""
        form["sign_by_workdays"], form["files"] = notice.sign_by_workdays or "", []
        return _form_page(form, {}, notice=notice)
    form, action = _typed(), request.form.get("action", "draft")
    removed = request.form.getlist("remove_files")

    def write(uow):
        notices.update(uow, current_user, notice_id, form, form["files"], removed)
        if action == "publish":
            notices.publish(uow, current_user, notice_id)
        return notice_id
    return _save(form, action, notice, write)


def _save(form, action, notice, write):
    try:
        form["files"] += store_chosen_files("notice")
        with UnitOfWork() as uow:
            notice_id = write(uow)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        fields = {k: bilingual(v) for k, v in exc.fields.items()}
        return _form_page(form, fields, None if fields else bilingual(exc.message), notice=notice), exc.status
    flash(_("通知已发布，已通知收文企业") if action == "publish" else _("通知草稿已保存"), "success")
    return redirect(url_for("bureau_notices.show", notice_id=notice_id))


def _form_page(form, errors, message=None, notice=None):
    pending = db.session.query(Attachment).filter(Attachment.public_id.in_(form.get("files") or [""]),
                                                  Attachment.uploader_id == current_user.id).all()
    return render_template("notices/form.html", form=form, errors=errors, message=message, notice=notice,
                           pending=pending, kinds={k: NOTICE_KINDS[k] for k in notices.WRITABLE_KINDS},
                           targets=NOTICE_TARGETS,
                           choices=notices.choices(db.session), max_body=notices.MAX_BODY,
                           chosen={str(v) for v in form.get("target_values") or []})


@bp.route("/notices/<int:notice_id>/publish", methods=["POST"])
@login_required
def publish(notice_id):
    return _act(notice_id, lambda uow: notices.publish(uow, current_user, notice_id), _("通知已发布，已通知收文企业"))


@bp.route("/notices/<int:notice_id>/urge", methods=["POST"])
@login_required
def urge(notice_id):
    def run(uow):
        flash(_("已向 %(n)s 家未签收的企业催签", n=receipts.urge(uow, current_user, notice_id)), "success")
    return _act(notice_id, run, None)


@bp.route("/notices/<int:notice_id>/sign", methods=["POST"])
@login_required
def sign(notice_id):
    reply = request.form.get("reply", "")
    return _act(notice_id, lambda uow: receipts.sign(uow, current_user, notice_id, reply), _("已签收"))


@bp.route("/notices/<int:notice_id>/withdraw", methods=["POST"])
@login_required
def withdraw(notice_id):
    reason = request.form.get("reason", "")
    return _act(notice_id, lambda uow: notices.withdraw(uow, current_user, notice_id, reason),
                _("通知已撤回，已告知收文企业"))


def _act(notice_id, run, done):
    """One action on the notice's page: back to the page with what was done, or with the error (403 / 404 as
    such; 409 and 400 with their status and the page again)."""
    try:
        with UnitOfWork() as uow:
            run(uow)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        message = "；".join(bilingual(v) for v in exc.fields.values()) or bilingual(exc.message)
        return _show_page(notice_id, message), exc.status
    if done:
        flash(done, "success")
    return redirect(url_for("bureau_notices.show", notice_id=notice_id))


# ---- reading -----------------------------------------------------------------------------------------------------
def _receipt_filter(args):
    status = args.get("status", "") if args.get("status") in RECEIPT_STATUSES else ""
    return receipts.ReceiptFilter(status=status, township=args.get("township", "").strip()[:100],
                                  name=args.get("name", "").strip()[:100])


@bp.route("/notices/<int:notice_id>")
@login_required
def show(notice_id):
    return _show_page(notice_id)


def _show_page(notice_id, message=None):
    with UnitOfWork() as uow:
        notice, receipt = receipts.open_notice(uow, current_user, notice_id)
        uow.commit()
    reads_all = notices.reads_all(current_user)
    rows, townships = [], []
    if reads_all and not notice.is_draft:
        rows = receipts.receipts(db.session, current_user, notice.id, _receipt_filter(request.args))[1]
        townships = receipts.recipient_townships(db.session, notice.id)
    query = {k: request.args[k] for k in ("status", "township", "name") if request.args.get(k)}
    return render_template("notices/show.html", notice=notice, receipt=receipt, reads_all=reads_all, rows=rows,
                           townships=townships, query=query, args=request.args, message=message,
                           tally=notices.tallies(db.session, [notice.id])[notice.id],
                           may_write=notices.may_write(current_user), urged_today=receipts.urged_today(notice),
                           statuses=RECEIPT_STATUSES, targets=_target_names(notice), now=clock.now(),
                           is_late=receipts.is_late, is_overdue=receipts.is_overdue,
                           reply_max=receipts.MAX_REPLY, reason_max=notices.MAX_REASON)


def _target_names(notice):
    if notice.target_kind != "enterprises":
        return list(notice.target_values or [])
    names = dict(notices.choices(db.session)["enterprises"])
    return [names.get(int(i), f"#{i}") for i in notice.target_values or []]


@bp.route("/notices/<int:notice_id>/receipts.csv")
@login_required
def export(notice_id):
    notice, rows = receipts.receipts(db.session, current_user, notice_id, _receipt_filter(request.args))
    lines = [[_("企业"), _("统一社会信用代码"), _("乡镇/园区"), _("行业"), _("状态"), _("阅读人"), _("阅读时间"), _("签收人"),
              _("签收时间"), _("逾期签收"), _("回复"), _("最近催签")]]
    for r in rows:
        lines.append([r.enterprise.name, r.enterprise.credit_code, r.enterprise.township, r.enterprise.industry,
                      receipt_status(r.status), r.read_by.display_name if r.read_by else "", csv_moment(r.read_at),
                      r.signed_by.display_name if r.signed_by else "", csv_moment(r.signed_at),
                      _("是") if receipts.is_late(notice, r) else "", r.reply, csv_moment(r.last_urged_at)])
    return csv_download(lines, f"notice-{notice.id}-receipts-{clock.local_now():%Y%m%d-%H%M}.csv")
