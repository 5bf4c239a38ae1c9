"""The meetings register (services/meetings.py, meeting_minutes.py): the list with filters and CSV, the form the
bureau and project leads plan a meeting with, the meeting's page (attendees, agenda, minutes, files, receipts, action
items), recording and issuing the minutes, signing for them, the files and the minutes PDF. The action items' list,
their forms and the commitments check are in web/meeting_actions.py."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import SHANGHAI, clock
from ..errors import DomainError
from ..extensions import db
from ..models import (ACTION_STATUSES, ATTENDEE_KINDS, MEETING_KINDS, MEETING_ORGANISERS, MEETING_STATUSES,
                      RECEIPT_STATUSES, Attachment, Meeting)
from ..services import bureau_notices, meeting_actions, meeting_files, meeting_minutes, meetings
from ..services.uow import UnitOfWork
from . import meeting_pdf
from .downloads import csv_download, csv_moment
from .forms_render import bilingual
from .names import N_, label
from .query_args import int_or_none, page_count, page_number, read_days
from .stored_files import send_stored
from .uploads import store_chosen_files

bp = Blueprint("meetings", __name__)
PAGE_SIZE = 50
MAX_FILES = 20
# The audit log's names of the fields a meeting's rows change (services/meetings.py `snapshot`, meeting_minutes.py,
# meeting_actions.py).
MEETING_TITLES = {"meeting_kind": N_("会议类别"), "meeting_title": N_("会议名称"), "meeting_starts_at": N_("会议时间"),
                  "meeting_place": N_("地点"), "meeting_organiser": N_("组织单位"),
                  "meeting_others": N_("其他参会人员"), "meeting_agenda": N_("会议议程"),
                  "meeting_enterprises": N_("参会企业"), "meeting_departments": N_("参会部门"),
                  "meeting_staff": N_("参会工作人员"), "meeting_cases": N_("关联案件"), "meeting_files": N_("会议材料"),
                  "meeting_status": N_("会议状态"), "meeting_minutes": N_("会议纪要"), "meeting_signed": N_("签收"),
                  "action_text": N_("事项内容"), "action_owner": N_("责任单位/责任人"),
                  "action_due_on": N_("完成期限"), "action_status": N_("督办事项状态"),
                  "action_note": N_("完成情况/取消原因")}


def audit_labels(catalog):
    """The audit log's names of the meetings' codes."""
    catalog.labels.setdefault("meeting_kind", {code: meeting_kind(code) for code in MEETING_KINDS})
    catalog.labels.setdefault("meeting_organiser", {code: meeting_organiser(code) for code in MEETING_ORGANISERS})
    catalog.labels.setdefault("meeting_status", {code: meeting_status(code) for code in MEETING_STATUSES})
    catalog.labels.setdefault("action_status", {code: action_status(code) for code in ACTION_STATUSES})


@bp.app_template_global()
def may_read_meetings():
    return current_user.is_authenticated and meetings.may_read(current_user)


@bp.app_template_global()
def meeting_of_notice(notification):
    """The meeting a notification links to (its id), or None."""
    return meeting_minutes.meeting_of_key(notification.dedup_key)


@bp.app_template_global()
def case_meetings(case):
    """The general meetings that discussed the case, for the case page (the staff side only; [] for others)."""
    return meetings.for_case(db.session, current_user, case.id)


@bp.app_template_global()
def meeting_of_minutes_notice(notice):
    """The meeting whose issued minutes a 会议纪要 notice carries (its id), or None."""
    if notice.kind != "minutes":
        return None
    return db.session.query(Meeting.id).filter(Meeting.notice_id == notice.id).scalar()


@bp.app_template_filter("meeting_kind")
def meeting_kind(code):
    return label(MEETING_KINDS, code)


@bp.app_template_filter("meeting_status")
def meeting_status(code):
    return label(MEETING_STATUSES, code)


@bp.app_template_filter("meeting_organiser")
def meeting_organiser(code):
    return label(MEETING_ORGANISERS, code)


@bp.app_template_filter("action_status")
def action_status(code):
    return label(ACTION_STATUSES, code)


@bp.app_template_filter("attendee_kind")
def attendee_kind(code):
    return label(ATTENDEE_KINDS, code)


# ---- the list ----------------------------------------------------------------------------------------------------
def _known(args, name, table):
    return args.get(name, "") if args.get(name) in table else ""


def _filter(args, limit=PAGE_SIZE, page=1):
    errors = {}
    days = read_days(args, ("date_from", "date_to"), errors)
    flt = meetings.MeetingFilter(kind=_known(args, "kind", MEETING_KINDS), status=_known(args, "status",
                                                                                       MEETING_STATUSES),
                                 organiser=_known(args, "organiser", MEETING_ORGANISERS),
                                 enterprise_id=int_or_none(args.get("enterprise_id")),
                                 text=args.get("q", "").strip()[:100], limit=limit,
                                 offset=(page - 1) * (limit or 0), **days)
    return flt, errors


@bp.route("/meetings")
@login_required
def index():
    page = page_number(request.args)
    flt, errors = _filter(request.args, PAGE_SIZE, page)
    rows, total = meetings.listing(db.session, current_user, flt)
    reads_all = meetings.reads_all(current_user)
    return render_template("meetings/index.html", rows=rows, total=total, page=page,
                           pages=page_count(total, PAGE_SIZE), args=request.args, errors=errors, kinds=MEETING_KINDS,
                           statuses=MEETING_STATUSES, organisers=MEETING_ORGANISERS, reads_all=reads_all,
                           enterprises=meetings.choices(db.session)["enterprises"] if reads_all else [],
                           may_write=meetings.may_write(current_user)), 400 if errors else 200


@bp.route("/meetings.csv")
@login_required
def export():
    flt, _errors = _filter(request.args, None)
    rows, _total = meetings.listing(db.session, current_user, flt)
    lines = [[_("编号"), _("类别"), _("会议名称"), _("会议时间"), _("地点"), _("组织单位"), _("状态"), _("参会企业"),
              _("参会企业数"), _("参会部门"), _("参会工作人员"), _("其他参会人员"), _("督办事项数"), _("未完成督办事项"),
              _("纪要印发时间")]]
    for r in rows:
        names = {k: [a.name for a in r.attendees if a.kind == k] for k in ATTENDEE_KINDS}
        items = meeting_actions.for_meeting(db.session, current_user, r)
        lines.append([r.id, meeting_kind(r.kind), r.title, csv_moment(r.starts_at), r.place,
                      meeting_organiser(r.organiser), meeting_status(r.status), "、".join(names["enterprise"]),
                      len(names["enterprise"]), "、".join(names["department"]), "、".join(names["user"]),
                      "、".join(r.other_lines), len(items), sum(1 for i in items if i.status == "open"),
                      csv_moment(r.issued_at) if r.issued_at else ""])
    return csv_download(lines, f"meetings-{clock.local_now():%Y%m%d-%H%M}.csv")


# ---- planning and editing ----------------------------------------------------------------------------------------
def _typed():
    form = {name: request.form.get(name, "").strip() for name in meetings.FIELDS}
    for name in ("others", "agenda"):
        form[name] = request.form.get(name, "")
    for name in ("enterprise_ids", "department_ids", "staff_ids"):
        form[name] = [v for v in request.form.getlist(name) if v]
    form["files"] = [i for i in request.form.getlist("files") if i]
    return form


@bp.route("/meetings/new", methods=["GET", "POST"])
@login_required
def new():
    meetings.check_may_write(current_user)
    if request.method == "GET":
        kind = _known(request.args, "kind", MEETING_KINDS) or "joint"
        start = clock.local_now().replace(minute=0, second=0, microsecond=0)
        return _form_page({"kind": kind, "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
                           "organiser": "bureau" if "bureau" in current_user.roles else "contractor",
                           "title": "", "enterprise_ids": [], "department_ids": [],
                           "staff_ids": [], "files": []}, {})
    form = _typed()
    return _save(form, None, lambda uow: meetings.create(uow, current_user, form, form["files"]).id)


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit(meeting_id):
    row = meetings.get(db.session, current_user, meeting_id)
    meetings.check_may_write(current_user)
    if request.method == "GET":
        who = meetings.attendee_ids(row)
        form = {name: getattr(row, name) for name in ("kind", "title", "place", "organiser", "others", "agenda")}
        form.update(starts_at=row.starts_at.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M"), files=[],
                    case_codes=" ".join(c.code for c in row.cases),
                    enterprise_ids=[str(i) for i in who["enterprise"]],
                    department_ids=[str(i) for i in who["department"]], staff_ids=[str(i) for i in who["user"]])
        return _form_page(form, {}, row=row)
    form = _typed()
    removed = request.form.getlist("remove_files")
    return _save(form, row, lambda uow: meetings.update(uow, current_user, meeting_id, form, form["files"],
                                                        removed).id)


def _save(form, row, write):
    try:
        form["files"] += store_chosen_files("meeting", limit=MAX_FILES)
        with UnitOfWork() as uow:
            meeting_id = write(uow)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        fields = {k: bilingual(v) for k, v in exc.fields.items()}
        return _form_page(form, fields, None if fields else bilingual(exc.message), row=row), exc.status
    flash(_("会议已保存"), "success")
    return redirect(url_for("meetings.show", meeting_id=meeting_id))


def pending_files(form):
    """The user's uploads a form named that are not on a meeting yet (kept when the form comes back)."""
    return db.session.query(Attachment).filter(Attachment.public_id.in_(form.get("files") or [""]),
                                               Attachment.uploader_id == current_user.id,
                                               Attachment.meeting_id.is_(None)).all()


def _form_page(form, errors, message=None, row=None):
    return render_template("meetings/form.html", form=form, errors=errors, message=message, row=row,
                           pending=pending_files(form), kinds=MEETING_KINDS, organisers=MEETING_ORGANISERS,
                           choices=meetings.choices(db.session),
                           chosen={k: {str(v) for v in form.get(k) or []}
                                   for k in ("enterprise_ids", "department_ids", "staff_ids")},
                           max_text=meetings.MAX_TEXT)


# ---- the meeting -------------------------------------------------------------------------------------------------
@bp.route("/meetings/<int:meeting_id>")
@login_required
def show(meeting_id):
    with UnitOfWork() as uow:
        row, receipt = meeting_minutes.open_meeting(uow, current_user, meeting_id)
        uow.commit()
    return show_page(row, receipt)


def own_receipt(row):
    """The viewer's receipt of the issued minutes (no write), for a page drawn after a form error."""
    if row.status != "issued":
        return None
    enterprise = meetings.own_enterprise(current_user)
    if enterprise is not None:
        return bureau_notices.receipt_of(db.session, row.notice_id, enterprise) if row.notice_id else None
    return meeting_minutes.own_row(row, current_user)


def show_page(row, receipt=None, forms=None, errors=None, message=None, status=200):
    """The meeting's page; `forms` / `errors`: a posted form's values and errors by the form's name ("action",
    "close_<id>", "sign", "issue")."""
    forms, errors = forms or {}, errors or {}
    may_write = meetings.may_write(current_user)
    items = meeting_actions.for_meeting(db.session, current_user, row)
    enterprise_receipts, other_receipts = meeting_minutes.receipts(db.session, current_user, row)
    return render_template(
        "meetings/show.html", row=row, receipt=receipt, items=items, may_write=may_write,
        sees_minutes=meetings.sees_minutes(current_user, row), reads_all=meetings.reads_all(current_user),
        owners=meeting_actions.owner_choices(db.session, row) if may_write and row.status != "planned" else {},
        is_owner=meeting_actions.is_owner, is_overdue=meeting_actions.is_overdue, today=clock.local_now().date(),
        enterprise_receipts=enterprise_receipts, other_receipts=other_receipts, receipt_statuses=RECEIPT_STATUSES,
        forms=forms, errors=errors, message=message, sign_workdays=meeting_minutes.SIGN_WORKDAYS,
        reads_notices=bureau_notices.reads_all(current_user), now=clock.now()), status


def _post(meeting_id, form_name, form, write, done_message):
    """Run one of the page's forms; on a domain error the page again with the message and the input kept."""
    try:
        with UnitOfWork() as uow:
            write(uow)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        row = meetings.get(db.session, current_user, meeting_id)
        fields = {k: bilingual(v) for k, v in exc.fields.items()}
        return show_page(row, own_receipt(row), {form_name: form}, {form_name: fields},
                         None if fields else bilingual(exc.message), exc.status)
    flash(done_message, "success")
    return redirect(url_for("meetings.show", meeting_id=meeting_id))


@bp.route("/meetings/<int:meeting_id>/minutes", methods=["GET", "POST"])
@login_required
def minutes(meeting_id):
    row = meetings.get(db.session, current_user, meeting_id)
    meetings.check_may_write(current_user)
    if request.method == "GET":
        return _minutes_page(row, {"minutes": row.minutes, "files": []}, {})
    form = {"minutes": request.form.get("minutes", ""), "files": [i for i in request.form.getlist("files") if i]}
    removed = request.form.getlist("remove_files")
    try:
        form["files"] += store_chosen_files("meeting", limit=MAX_FILES)
        with UnitOfWork() as uow:
            meeting_minutes.record(uow, current_user, meeting_id, form["minutes"], form["files"], removed)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        fields = {k: bilingual(v) for k, v in exc.fields.items()}
        return _minutes_page(meetings.get(db.session, current_user, meeting_id), form, fields,
                             None if fields else bilingual(exc.message)), exc.status
    flash(_("会议纪要已保存"), "success")
    return redirect(url_for("meetings.show", meeting_id=meeting_id))


def _minutes_page(row, form, errors, message=None):
    return render_template("meetings/minutes.html", row=row, form=form, errors=errors, message=message,
                           pending=pending_files(form), max_minutes=meetings.MAX_MINUTES)


@bp.route("/meetings/<int:meeting_id>/issue", methods=["POST"])
@login_required
def issue(meeting_id):
    form = {"sign_by_workdays": request.form.get("sign_by_workdays", "").strip()}
    return _post(meeting_id, "issue", form, lambda uow: meeting_minutes.issue(
        uow, current_user, meeting_id, form["sign_by_workdays"]), _("会议纪要已印发"))


@bp.route("/meetings/<int:meeting_id>/sign", methods=["POST"])
@login_required
def sign(meeting_id):
    form = {"reply": request.form.get("reply", "")}
    return _post(meeting_id, "sign", form, lambda uow: meeting_minutes.sign(uow, current_user, meeting_id,
                                                                             form["reply"]), _("已签收会议纪要"))


@bp.route("/meetings/<int:meeting_id>/files/<public_id>")
@login_required
def file(meeting_id, public_id):
    row = meetings.get(db.session, current_user, meeting_id)
    if not meetings.sees_minutes(current_user, row):
        abort(404)
    item = meeting_files.file_of(db.session, row, public_id)
    return send_stored(item)


@bp.route("/meetings/<int:meeting_id>/minutes.pdf")
@login_required
def minutes_pdf(meeting_id):
    row = meetings.get(db.session, current_user, meeting_id)
    if not meetings.sees_minutes(current_user, row) or row.status == "planned":
        abort(404)
    items = meeting_actions.for_meeting(db.session, current_user, row)
    return Response(meeting_pdf.render(row, items), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="meeting-{row.id}-minutes.pdf"'})
