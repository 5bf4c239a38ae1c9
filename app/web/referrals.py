"""Referrals of cases to other departments (跨部门移送 / 抄告, services/referrals.py): the list with filters and CSV,
referring a case (the bureau, admins), a referral's page (the letter, the replies, closing), the letter as PDF and
the reply files. Enterprise staff see the list and the case page's card only: to whom and how far, no details.
A department's own user (部门用户) sees its department's referrals: the list, a page with the letter's facts of the
case (no case page, no internal note), signing for it (签收) and its own replies (web/department_gate.py keeps it
from every other page)."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import clock
from ..errors import DomainError
from ..extensions import db
from ..models import REFERRAL_KINDS, REFERRAL_REQUESTS, REFERRAL_STATUSES, REPLY_OUTCOMES, Attachment
from ..services import departments, hazards, joint_meetings, referral_notices, referrals
from ..services.uow import UnitOfWork
from . import referral_pdf
from .downloads import csv_download, csv_moment
from .forms_render import bilingual
from .names import label
from .query_args import int_or_none, page_count, page_number
from .stored_files import send_stored
from .uploads import store_chosen_files

bp = Blueprint("referrals", __name__)
PAGE_SIZE = 50


@bp.app_template_filter("referral_kind")
def referral_kind(code):
    return label(REFERRAL_KINDS, code)


@bp.app_template_filter("referral_request")
def referral_request(code):
    return label(REFERRAL_REQUESTS, code)


@bp.app_template_filter("referral_status")
def referral_status(code):
    return label(REFERRAL_STATUSES, code)


@bp.app_template_filter("reply_outcome")
def reply_outcome(code):
    return label(REPLY_OUTCOMES, code)


@bp.app_template_global()
def referral_overdue(row):
    return referrals.is_overdue(row)


@bp.app_template_global()
def referral_of_notice(notification):
    """The referral a notification is about (its id), for the notifications page's link."""
    return referral_notices.referral_of_key(notification.dedup_key)


@bp.app_template_global()
def referrals_card(case):
    """(the case's referrals, its joint meetings, {department id: name} of those, whether the user sees details,
    whether the user refers) for the case page."""
    rows = referrals.for_case(db.session, case.id)
    meetings = joint_meetings.for_case(db.session, current_user, case.id)
    return (rows, meetings, joint_meetings.department_names(db.session, meetings),
            referrals.sees_details(current_user), referrals.may_manage(current_user))


def _filter(args, limit=PAGE_SIZE, page=1):
    status = args.get("status", "") if args.get("status") in REFERRAL_STATUSES else ""
    return referrals.ReferralFilter(department_id=int_or_none(args.get("department_id")), status=status,
                                    overdue=args.get("overdue") == "1", limit=limit, offset=(page - 1) * (limit or 0))


@bp.route("/referrals")
@login_required
def index():
    page = page_number(request.args)
    rows, total = referrals.listing(db.session, current_user, _filter(request.args, PAGE_SIZE, page))
    department_view = referrals.is_department_user(current_user)
    return render_template("referrals/index.html", rows=rows, total=total, page=page,
                           pages=page_count(total, PAGE_SIZE), args=request.args, statuses=REFERRAL_STATUSES,
                           departments=[] if department_view else departments.listing(db.session), now=clock.now(),
                           details=referrals.sees_details(current_user), department_view=department_view)


@bp.route("/referrals.csv")
@login_required
def export():
    rows, _total = referrals.listing(db.session, current_user, _filter(request.args, None))
    details = referrals.sees_details(current_user)
    head = [_("文书编号"), _("案件编号"), _("企业"), _("部门"), _("方式"), _("请求事项"), _("移送时间"), _("回复期限"),
            _("状态"), _("逾期未回复")]
    lines = [head + ([_("移送理由"), _("首次回复"), _("办结时间")] if details else [])]
    now = clock.now()
    for r in rows:
        line = [r.number, r.case.code, r.case.enterprise.name, r.department.name, referral_kind(r.kind),
                referral_request(r.request), csv_moment(r.referred_at), csv_moment(r.reply_due),
                referral_status(r.status), _("是") if referrals.is_overdue(r, now) else ""]
        if details:
            line += [r.reason, csv_moment(r.first_reply_at), csv_moment(r.closed_at)]
        lines.append(line)
    return csv_download(lines, f"referrals-{clock.local_now():%Y%m%d-%H%M}.csv")


@bp.route("/cases/<int:case_id>/referrals/new", methods=["GET", "POST"])
@login_required
def new(case_id):
    case = hazards.get_case(UnitOfWork(), current_user, case_id)  # 404 for another enterprise's case
    if not referrals.may_manage(current_user):
        abort(403, _("只有应急管理局或管理员可以移送或抄告案件"))
    if request.method == "GET":
        return _new_page(case, {"kind": "transfer", "request": "handle",
                                "reply_days": referrals.DEFAULT_REPLY_DAYS, "department_ids": []}, {})
    form = {name: request.form.get(name, "") for name in ("kind", "request", "reason", "internal_note",
                                                          "reply_days")}
    form["department_ids"] = request.form.getlist("department_ids")
    try:
        with UnitOfWork() as uow:
            rows = referrals.refer(uow, current_user, case_id, form)
            uow.commit()
    except DomainError as exc:
        db.session.expire_all()
        fields = {k: bilingual(v) for k, v in exc.fields.items()}
        return _new_page(case, form, fields, None if fields else bilingual(exc.message)), exc.status
    flash(_("已移送 %(n)s 个部门，请下载函件送达", n=len(rows)), "success")
    return redirect(url_for("referrals.show", referral_id=rows[0].id) if len(rows) == 1
                    else url_for("cases.show", case_id=case_id))


def _new_page(case, form, errors, message=None):
    return render_template("referrals/new.html", case=case, form=form, errors=errors, message=message,
                           departments=departments.listing(db.session, active_only=True), kinds=REFERRAL_KINDS,
                           requests=REFERRAL_REQUESTS, chosen={str(i) for i in form.get("department_ids") or []},
                           max_days=referrals.MAX_REPLY_DAYS)


@bp.route("/referrals/<int:referral_id>")
@login_required
def show(referral_id):
    row = referrals.get_details(db.session, current_user, referral_id)
    return _show_page(row, {"received_on": clock.local_now().date().isoformat()}, {})


def _show_page(row, form, errors, message=None):
    files = {a.public_id: a for a in _reply_files(row)}
    common = dict(row=row, case=row.case, form=form, errors=errors, message=message, outcomes=REPLY_OUTCOMES,
                  files=files, overdue=referrals.is_overdue(row), letter_title=referral_pdf.title_of(row))
    if referrals.is_department_user(current_user):
        return render_template("referrals/department.html", facts=referral_pdf.case_facts(row),
                               may_reply=referrals.may_reply(current_user, row), **common)
    return render_template("referrals/show.html", may_manage=referrals.may_manage(current_user), **common)


def _reply_files(row):
    ids = [p for reply in row.replies for p in (reply.files or [])]
    return db.session.query(Attachment).filter(Attachment.public_id.in_(ids or [""])).all()


@bp.route("/referrals/<int:referral_id>/replies", methods=["POST"])
@login_required
def reply(referral_id):
    row = referrals.get_details(db.session, current_user, referral_id)
    if not referrals.may_reply(current_user, row):
        abort(403, _("只有应急管理局或管理员可以登记部门回复"))
    form = {name: request.form.get(name, "") for name in ("received_on", "outcome", "text")}
    try:
        file_ids = store_chosen_files("files", limit=referrals.MAX_FILES + 1)
        with UnitOfWork() as uow:
            referrals.record_reply(uow, current_user, referral_id, form, file_ids)
            uow.commit()
    except DomainError as exc:
        db.session.expire_all()
        fields = {k: bilingual(v) for k, v in exc.fields.items()}
        return _show_page(row, form, fields, None if fields else bilingual(exc.message)), exc.status
    flash(_("已提交回复，应急管理局会收到通知") if referrals.is_department_user(current_user) else _("已登记部门回复"),
          "success")
    return redirect(url_for("referrals.show", referral_id=referral_id))


@bp.route("/referrals/<int:referral_id>/sign", methods=["POST"])
@login_required
def sign(referral_id):
    """签收 by a user of the addressed department; signing again is no error (the first signature stays)."""
    with UnitOfWork() as uow:
        signed = referrals.sign(uow, current_user, referral_id)
        uow.commit()
    flash(_("已签收") if signed else _("此前已签收"), "success" if signed else "message")
    return redirect(url_for("referrals.show", referral_id=referral_id))


@bp.route("/referrals/<int:referral_id>/close", methods=["POST"])
@login_required
def close(referral_id):
    with UnitOfWork() as uow:
        referrals.close(uow, current_user, referral_id, request.form.get("close_note", ""))
        uow.commit()
    flash(_("移送已办结"), "success")
    return redirect(url_for("referrals.show", referral_id=referral_id))


@bp.route("/referrals/<int:referral_id>/letter.pdf")
@login_required
def letter(referral_id):
    row = referrals.get_details(db.session, current_user, referral_id)
    return Response(referral_pdf.render(row), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="referral-{row.number}.pdf"'})


@bp.route("/referrals/<int:referral_id>/files/<public_id>")
@login_required
def reply_file(referral_id, public_id):
    item = referrals.reply_file(db.session, current_user, referral_id, public_id)
    return send_stored(item)
