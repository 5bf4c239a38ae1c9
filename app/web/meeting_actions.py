"""Meetings' action items and the commitments check (services/meeting_actions.py, meeting_commitments.py): the list
of action items (open by default) with filters and CSV, adding an item on the meeting's page, marking one done (its
owner) or cancelling it (the organisers), and the per-month / per-quarter check of the promised meetings."""
from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import clock
from ..extensions import db
from ..models import ACTION_STATUSES, MEETING_KINDS
from ..services import meeting_actions, meeting_commitments, meetings
from .downloads import csv_download, csv_moment
from .meetings import _post, action_status, meeting_kind
from .names import is_english, label
from .query_args import int_or_none, page_count, page_number

bp = Blueprint("meeting_actions", __name__)
PAGE_SIZE = 100
OWNER_KINDS = {"enterprise": ("企业", "Enterprise"), "department": ("部门", "Department"),
               "user": ("工作人员", "Staff")}


@bp.app_template_filter("owner_kind")
def owner_kind(code):
    return label(OWNER_KINDS, code)


def _filter(args, limit=PAGE_SIZE, page=1):
    status = args.get("status", "open")
    return meeting_actions.ActionFilter(
        status=status if status in ACTION_STATUSES else "", owner_kind=args.get("owner_kind", "")
        if args.get("owner_kind") in OWNER_KINDS else "",
        meeting_kind=args.get("kind", "") if args.get("kind") in MEETING_KINDS else "",
        overdue=args.get("overdue") == "1", mine=args.get("mine") == "1", text=args.get("q", "").strip()[:100],
        limit=limit, offset=(page - 1) * (limit or 0))


@bp.route("/meetings/actions")
@login_required
def index():
    page = page_number(request.args)
    flt = _filter(request.args, PAGE_SIZE, page)
    rows, total = meeting_actions.listing(db.session, current_user, flt)
    return render_template("meetings/actions.html", rows=rows, total=total, page=page,
                           pages=page_count(total, PAGE_SIZE), args=request.args, flt=flt,
                           statuses=ACTION_STATUSES, kinds=MEETING_KINDS, owner_kinds=OWNER_KINDS,
                           reads_all=meetings.reads_all(current_user), is_overdue=meeting_actions.is_overdue,
                           today=clock.local_now().date())


@bp.route("/meetings/actions.csv")
@login_required
def export():
    rows, _total = meeting_actions.listing(db.session, current_user, _filter(request.args, None))
    today = clock.local_now().date()
    lines = [[_("编号"), _("所属会议"), _("会议类别"), _("会议时间"), _("事项内容"), _("责任类型"), _("责任单位/责任人"),
              _("完成期限"), _("状态"), _("是否逾期"), _("完成情况/取消原因"), _("办结人"), _("办结时间")]]
    for item in rows:
        lines.append([item.id, item.meeting.title, meeting_kind(item.meeting.kind), csv_moment(item.meeting.starts_at),
                      item.text, owner_kind(item.owner_kind), item.owner_name, item.due_on.isoformat(),
                      action_status(item.status), _("是") if meeting_actions.is_overdue(item, today) else "",
                      item.note, item.closed_by.display_name if item.closed_by else "",
                      csv_moment(item.closed_at) if item.closed_at else ""])
    return csv_download(lines, f"meeting-actions-{clock.local_now():%Y%m%d-%H%M}.csv")


@bp.route("/meetings/<int:meeting_id>/actions", methods=["POST"])
@login_required
def add(meeting_id):
    form = {name: request.form.get(name, "").strip() for name in ("text", "owner", "due_on", "due_workdays")}
    return _post(meeting_id, "action", form, lambda uow: meeting_actions.add(uow, current_user, meeting_id, form),
                 _("督办事项已登记"))


def _close(action_id, close):
    item = meeting_actions.get_item(db.session, current_user, action_id)
    form = {"note": request.form.get("note", "")}
    return _post(item.meeting_id, f"close_{item.id}", form,
                 lambda uow: close(uow, current_user, action_id, form["note"]), _("督办事项已更新"))


@bp.route("/meetings/actions/<int:action_id>/done", methods=["POST"])
@login_required
def done(action_id):
    return _close(action_id, meeting_actions.complete)


@bp.route("/meetings/actions/<int:action_id>/cancel", methods=["POST"])
@login_required
def cancel(action_id):
    return _close(action_id, meeting_actions.cancel)


@bp.route("/meetings/commitments")
@login_required
def commitments():
    year = int_or_none(request.args.get("year"))
    this_year = clock.local_now().year
    if year is None or not 2000 <= year <= this_year + 1:
        year = this_year
    rows = meeting_commitments.compute(db.session, current_user, year)
    return render_template("meetings/commitments.html", rows=rows, year=year, this_year=this_year,
                           states=meeting_commitments.STATES, english=is_english())
