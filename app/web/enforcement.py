"""Enforcement outcomes (执法处置结果, services/enforcement.py): the list of enforcement referrals with filters, the
period's statistics and CSV; one record's page with the forms of its steps (the bureau, admins), its documents and
history; the printable record (PDF); and the case page's card. Enterprise staff see the card only: the decided
measures and the decision number."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import SHANGHAI, clock
from ..errors import DomainError
from ..extensions import db
from ..models import ENFORCEMENT_MEASURES, ENFORCEMENT_STATUSES, FILING_CHOICES, Enterprise
from ..services import enforcement, enforcement_listing, users
from ..services.access import township_choices, visible_enterprises
from ..services.calendar import WorkingCalendar
from ..services.uow import UnitOfWork
from . import enforcement_pdf
from .downloads import csv_download, csv_moment
from .forms_render import bilingual
from .names import N_, is_english, label
from .query_args import int_or_none, page_count, page_number, read_days
from .stored_files import send_stored
from .uploads import store_chosen_files

bp = Blueprint("enforcement", __name__)
PAGE_SIZE = 50
STEP_TITLES = {"filing": N_("立案"), "decision": N_("处理决定"), "execution": N_("执行情况"), "closing": N_("结案")}
FIELD_TITLES = {"filing": N_("立案决定"), "filing_date": N_("立案/不予立案日期"), "case_number": N_("执法案号"),
                "officers": N_("承办执法人员"), "not_filed_reason": N_("不予立案理由"), "measures": N_("处理措施"),
                "fine_amount": N_("罚款金额（元）"), "decision_number": N_("决定书文号"), "decision_date": N_("决定日期"),
                "fine_paid_on": N_("罚款缴纳日期"), "resumed_on": N_("停产整顿解除日期"), "execution_note": N_("执行说明"),
                "closed_on": N_("结案日期"), "closing_note": N_("结案说明"), "status": N_("状态"), "files": N_("文书附件")}


@bp.app_template_filter("enforcement_status")
def enforcement_status(code):
    return label(ENFORCEMENT_STATUSES, code or "pending")


@bp.app_template_filter("enforcement_step")
def enforcement_step(code):
    return _(STEP_TITLES[code]) if code in STEP_TITLES else code


@bp.app_template_filter("filing_choice")
def filing_choice(code):
    return label(FILING_CHOICES, code)


@bp.app_template_filter("enforcement_measure")
def enforcement_measure(code):
    return label(ENFORCEMENT_MEASURES, code)


@bp.app_template_filter("enforcement_measures")
def enforcement_measures(outcome):
    """The decided measures in words, the fine with its amount: "罚款 20000.00 元、责令限期整改"."""
    if outcome is None:
        return ""
    names = []
    for code in outcome.measures or []:
        name = label(ENFORCEMENT_MEASURES, code)
        if code == "fine" and outcome.fine_amount is not None:
            name = _("%(name)s %(amount)s 元", name=name, amount=outcome.fine_amount)
        names.append(name)
    return (", " if is_english() else "、").join(names)


@bp.app_template_global()
def may_read_enforcement():
    return current_user.is_authenticated and enforcement.may_read(current_user)


@bp.app_template_global()
def enforcement_card(case):
    """[(referral, outcome, full record or the public part, overdue)] for the case page."""
    rows = enforcement_listing.for_case(db.session, current_user, case.id)
    calendar, now = WorkingCalendar.load(), clock.now()
    return [(r, o, full, full and enforcement.is_overdue(r, now, calendar)) for r, o, full in rows]


def _reader_only():
    if not enforcement.may_read(current_user):
        abort(403, _("只有应急管理局、管理人员、属地监管和系统管理员可以查看执法处置记录"))


def _filter(args, limit=PAGE_SIZE, page=1):
    days = read_days(args, ("from", "to"), {})
    status = args.get("status", "") if args.get("status") in enforcement_listing.STATUS_FILTERS else ""
    return enforcement_listing.EnforcementFilter(
        status=status, overdue=args.get("overdue") == "1", enterprise_id=int_or_none(args.get("enterprise_id")),
        township=(args.get("township") or "").strip(), date_from=days["from"], date_to=days["to"], limit=limit,
        offset=(page - 1) * (limit or 0))


@bp.route("/enforcement")
@login_required
def index():
    _reader_only()
    page = page_number(request.args)
    flt = _filter(request.args, PAGE_SIZE, page)
    rows, total = enforcement_listing.listing(db.session, current_user, flt)
    return render_template("enforcement/index.html", rows=rows, total=total, page=page,
                           pages=page_count(total, PAGE_SIZE), args=request.args, flt=flt,
                           stats=enforcement_listing.statistics(db.session, current_user, flt),
                           statuses=enforcement_listing.STATUS_FILTERS, measures=ENFORCEMENT_MEASURES,
                           enterprises=visible_enterprises(db.session, current_user).order_by(Enterprise.name).all(),
                           townships=township_choices(db.session, current_user),
                           due_days=enforcement.FILING_WORKING_DAYS)


@bp.route("/enforcement.csv")
@login_required
def export():
    _reader_only()
    rows, _total = enforcement_listing.listing(db.session, current_user, _filter(request.args, None))
    lines = [[_("案件编号"), _("企业"), _("乡镇/园区"), _("整改轮次"), _("移送时间"), _("状态"), _("立案逾期"),
              _("立案决定"), _("立案/不予立案日期"), _("执法案号"), _("承办执法人员"), _("不予立案理由"), _("处理措施"),
              _("罚款金额（元）"), _("决定书文号"), _("决定日期"), _("罚款缴纳日期"), _("停产整顿解除日期"),
              _("执行情况"), _("结案日期"), _("结案说明")]]
    for r in rows:
        o = r.outcome
        line = [r.case.code, r.enterprise.name, r.enterprise.township, r.round, csv_moment(r.referred_at),
                enforcement_status(o.status if o else None), _("是") if r.overdue else ""]
        if o is None:
            line += [""] * 14
        else:
            line += [label(FILING_CHOICES, o.filing), o.filing_date.isoformat(), o.case_number, o.officers,
                     o.not_filed_reason, "、".join(label(ENFORCEMENT_MEASURES, m) for m in o.measures or []),
                     str(o.fine_amount) if o.fine_amount is not None else "", o.decision_number,
                     _iso(o.decision_date), _iso(o.fine_paid_on), _iso(o.resumed_on), o.execution_note,
                     _iso(o.closed_on), o.closing_note]
        lines.append(line)
    return csv_download(lines, f"enforcement-{clock.local_now():%Y%m%d-%H%M}.csv")


def _iso(day):
    return day.isoformat() if day else ""


@bp.route("/enforcement/<int:referral_id>")
@login_required
def show(referral_id):
    row = _reader_row(referral_id)
    return _show_page(row, _form_of(row.outcome), {})


def _reader_row(referral_id):
    return enforcement.get_for_reader(db.session, current_user, referral_id)


def _form_of(outcome):
    """The forms' values: the record's own, today's date where a step is still to record."""
    today = clock.local_now().date().isoformat()
    if outcome is None:
        return {"filing": "filed", "filing_date": today, "measures": []}
    form = {name: getattr(outcome, name) for fields in enforcement.STEP_FIELDS.values() for name in fields}
    form = {k: (v.isoformat() if hasattr(v, "isoformat") else ("" if v is None else v)) for k, v in form.items()}
    form["fine_amount"] = str(outcome.fine_amount) if outcome.fine_amount is not None else ""
    form["measures"] = list(outcome.measures or [])
    for name in ("decision_date", "closed_on"):
        form[name] = form[name] or today
    return form


def _show_page(row, form, errors, step=None, message=None):
    files = enforcement.files_of(db.session, row.id)
    events = enforcement.history(db.session, row.id)
    calendar = WorkingCalendar.load()
    return render_template("enforcement/show.html", row=row, outcome=row.outcome, case=row.case, form=form,
                           errors=errors, step=step, message=message, files=files, events=events,
                           actor_names=users.display_names(db.session, (e.actor_id for e in events)),
                           may_manage=enforcement.may_manage(current_user), measures=ENFORCEMENT_MEASURES,
                           filing_choices=FILING_CHOICES, filing_due=enforcement.filing_due(row, calendar),
                           overdue=enforcement.is_overdue(row, calendar=calendar),
                           due_days=enforcement.FILING_WORKING_DAYS, max_files=enforcement.MAX_FILES,
                           field_titles={name: _(title) for name, title in FIELD_TITLES.items()})


@bp.route("/enforcement/<int:referral_id>/<step>", methods=["POST"])
@login_required
def record(referral_id, step):
    if step not in enforcement.STEPS:
        abort(404)
    row = _reader_row(referral_id)
    if not enforcement.may_manage(current_user):
        abort(403, _("只有应急管理局或管理员可以登记执法处置结果"))
    form = {name: request.form.get(name, "") for name in enforcement.STEP_FIELDS[step]}
    if step == "decision":
        form["measures"] = request.form.getlist("measures")
    try:
        file_ids = store_chosen_files(step, limit=enforcement.MAX_FILES + 1)
        with UnitOfWork() as uow:
            enforcement.record_step(uow, current_user, referral_id, step, form, file_ids)
            uow.commit()
    except DomainError as exc:
        db.session.expire_all()
        if exc.status in (403, 404):
            raise
        row = _reader_row(referral_id)
        shown = _form_of(row.outcome) | form
        fields = {k: bilingual(v) for k, v in exc.fields.items()}
        return _show_page(row, shown, fields, step, None if fields else bilingual(exc.message)), exc.status
    flash(_("已登记执法处置结果"), "success")
    return redirect(url_for("enforcement.show", referral_id=referral_id, _anchor=f"step-{step}"))


@bp.route("/enforcement/<int:referral_id>/record.pdf")
@login_required
def record_pdf(referral_id):
    row = _reader_row(referral_id)
    body = enforcement_pdf.render(row, enforcement.files_of(db.session, row.id))
    stamp = row.referred_at.astimezone(SHANGHAI).strftime("%Y%m%d")
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="enforcement-{row.case.code}-{row.round}-{stamp}.pdf"'})


@bp.route("/enforcement/<int:referral_id>/files/<public_id>")
@login_required
def file(referral_id, public_id):
    item = enforcement.file_of(db.session, current_user, referral_id, public_id)
    return send_stored(item)
