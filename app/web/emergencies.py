"""The emergency incident log's pages (突发状况接报与处置, services/emergencies.py): the list with its filters (late only
among them), the statistics of the period and CSV; receiving an incident and correcting it; the incident's page.
The stage, response and closing forms are in web/emergency_response.py, the duty roster in web/emergency_duty.py,
both on this blueprint. Named apart from /admin/incidents, which lists failed workflow steps."""
from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import SHANGHAI, clock
from ..errors import DomainError
from ..extensions import db
from ..models import EMERGENCY_LEVELS, EMERGENCY_STAGES
from ..services import emergencies, emergency_duty, emergency_limits, emergency_notices
from ..services.uow import UnitOfWork
from .downloads import csv_download, csv_moment
from .emergency_pdf import limit_text
from .forms_render import bilingual
from .guards import restrict
from .names import N_, label
from .query_args import int_or_none, page_count, page_number, read_days

bp = Blueprint("emergencies", __name__)
may_read_emergencies = restrict(bp, "may_read_emergencies", emergencies.may_read,
                                N_("突发状况记录供监管部门、服务机构、属地监管和事发企业查看"))
PAGE_SIZE = 50
FORM_MOMENT = "%Y-%m-%dT%H:%M:%S"
EMERGENCY_TITLES = {"received_at": N_("接报时间"), "received_by": N_("接报人"), "enterprise": N_("企业"),
                    "township": N_("乡镇/园区"), "reporter": N_("报告人"),
                    "reporter_contact": N_("联系方式"), "place": N_("事发地点"), "description": N_("事件情况"),
                    "level": N_("响应等级"), "handling_note": N_("处置情况"), "internal_note": N_("内部备注"),
                    "acknowledged_at": N_("接警时间"), "dispatched_at": N_("出动时间"), "arrived_at": N_("到场时间"),
                    "handled_at": N_("初步处置时间"), "closed_at": N_("结案时间"), "report_cause": N_("事件原因"),
                    "report_handling": N_("处置经过"), "report_lessons": N_("经验教训"),
                    "report_improvements": N_("改进措施"), "responder": N_("出动人员"),
                    "emergency_instrument": N_("出动设备"), "duty_user": N_("值班人员"), "duty_phone": N_("值班电话"),
                    "duty_starts_on": N_("开始日期"), "duty_ends_on": N_("结束日期")}


@bp.app_template_filter("emergency_level")
def emergency_level(code):
    return label(EMERGENCY_LEVELS, code)


@bp.app_template_filter("emergency_stage")
def emergency_stage(code):
    return label(EMERGENCY_STAGES, code)


@bp.app_template_filter("stage_state")
def stage_state(code):
    return label(emergency_limits.STATES, code)


@bp.app_template_filter("response_limit")
def response_limit(limit):
    return limit_text(limit)


@bp.app_template_filter("iso_local_seconds")
def iso_local_seconds(value):
    """An audited moment (ISO text, UTC) in Shanghai time to the second; other values as they are."""
    try:
        return datetime.fromisoformat(value).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")
    except (TypeError, ValueError):
        return value


@bp.app_template_global()
def emergency_of_notice(notification):
    """The incident a notification is about (its id), for the notifications page's link."""
    return emergency_notices.event_of_key(notification.dedup_key)


def _filter(args):
    errors = {}
    days = read_days(args, ("date_from", "date_to"), errors)
    if days["date_from"] and days["date_to"] and days["date_from"] > days["date_to"]:
        errors["date_to"] = _("结束日期早于开始日期")
    flt = emergencies.EmergencyFilter(
        level=args.get("level", "") if args.get("level") in EMERGENCY_LEVELS else "",
        state=args.get("state", "") if args.get("state") in ("open", "closed") else "",
        late=args.get("late") == "1", enterprise_id=int_or_none(args.get("enterprise_id")),
        township=args.get("township", "").strip()[:64], text=args.get("q", "").strip()[:emergencies.MAX_QUERY],
        **days)
    return flt, errors


@bp.route("/emergencies")
@login_required
def index():
    flt, errors = _filter(request.args)
    page = page_number(request.args)
    rows = emergencies.listing(db.session, current_user, flt)
    # The statistics of the period and the other filters, late or not (the rates are about lateness).
    counted = rows if not flt.late else emergencies.listing(db.session, current_user, _without_late(flt))
    now = clock.now()
    reads_all = emergencies.reads_all(current_user)
    return render_template(
        "emergencies/index.html", rows=rows[(page - 1) * PAGE_SIZE:page * PAGE_SIZE], total=len(rows), page=page,
        pages=page_count(len(rows), PAGE_SIZE), args=request.args, errors=errors, levels=EMERGENCY_LEVELS,
        stats=emergency_limits.statistics(counted, now), late_of=lambda r: emergency_limits.late_stages(r, now),
        next_of=emergency_limits.next_stage, reads_all=reads_all,
        enterprises=emergencies.enterprise_choices(db.session) if reads_all else [],
        townships=emergencies.township_choices(db.session, current_user),
        on_duty=emergency_duty.on_duty(db.session) if emergency_duty.may_read(current_user) else None,
        may_write=emergencies.may_write(current_user))


def _without_late(flt):
    return emergencies.EmergencyFilter(**{**flt.__dict__, "late": False})


@bp.route("/emergencies.csv")
@login_required
def export():
    flt, _errors = _filter(request.args)
    rows = emergencies.listing(db.session, current_user, flt)
    now = clock.now()
    internal = emergencies.reads_all(current_user)
    head = [_("事件编号"), _("接报时间"), _("接报人"), _("报告人"), _("联系方式"), _("企业"), _("乡镇/园区"), _("事发地点"),
            _("响应等级"), _("事件情况"), _("接警时间"), _("出动时间"), _("到场时间"), _("初步处置时间"), _("结案时间"),
            _("超时环节"), _("出动人员"), _("出动设备"), _("处置情况"), _("登记为隐患")]
    lines = [head + ([_("内部备注")] if internal else [])]
    for r in rows:
        line = [r.code, csv_moment(r.received_at), r.received_by.display_name, r.reporter, r.reporter_contact,
                r.enterprise.name if r.enterprise else "", r.township, r.place, emergency_level(r.level),
                r.description, csv_moment(r.acknowledged_at), csv_moment(r.dispatched_at), csv_moment(r.arrived_at),
                csv_moment(r.handled_at), csv_moment(r.closed_at),
                "、".join(emergency_stage(s) for s in emergency_limits.late_stages(r, now)),
                "、".join(p.user.display_name for p in r.responders),
                "、".join(i.instrument.asset_no for i in r.instruments), r.handling_note,
                r.case.code if r.case else ""]
        lines.append(line + ([r.internal_note] if internal else []))
    return csv_download(lines, f"emergencies-{clock.local_now():%Y%m%d-%H%M}.csv")


# ---- receiving and correcting -------------------------------------------------------------------------------------
def _typed():
    return {name: request.form.get(name, "").strip() for name in emergencies.FIELDS}


@bp.route("/emergencies/new", methods=["GET", "POST"])
@login_required
def new():
    emergencies.check_may_write(current_user)
    if request.method == "GET":
        receiver = emergency_duty.default_receiver(db.session, current_user) or current_user
        return _form_page({"received_at": clock.local_now().strftime(FORM_MOMENT), "level": "general",
                           "received_by_id": str(receiver.id),
                           "enterprise_id": request.args.get("enterprise_id", "")}, {})
    form = _typed()
    return _save(form, None, lambda uow: emergencies.receive(uow, current_user, form))


@bp.route("/emergencies/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit(event_id):
    row = emergencies.get(db.session, current_user, event_id)
    emergencies.check_may_write(current_user)
    if request.method == "GET":
        form = {name: getattr(row, name) for name in emergencies.FIELDS}
        form.update(received_at=row.received_at.astimezone(SHANGHAI).strftime(FORM_MOMENT),
                    received_by_id=str(row.received_by_id), enterprise_id=str(row.enterprise_id or ""))
        return _form_page(form, {}, row=row)
    form = _typed()
    return _save(form, row, lambda uow: emergencies.update(uow, current_user, event_id, form))


def _save(form, row, write):
    try:
        with UnitOfWork() as uow:
            saved = write(uow)
            event_id = saved.id
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        fields = {k: bilingual(v) for k, v in exc.fields.items()}
        return _form_page(form, fields, None if fields else bilingual(exc.message), row=row), exc.status
    flash(_("突发状况记录已保存"), "success")
    return redirect(url_for("emergencies.show", event_id=event_id))


def _form_page(form, errors, message=None, row=None):
    townships = emergencies.township_choices(db.session, current_user)
    if row is not None and row.township and row.township not in townships:
        townships.append(row.township)  # renamed on the register since: it stays choosable
    options = {"staff": [(u.id, u.display_name) for u in emergencies.staff_users(db.session)],
               "levels": [(code, emergency_level(code)) for code in EMERGENCY_LEVELS],
               "enterprises": [(e.id, e.name) for e in emergencies.enterprise_choices(db.session)],
               "townships": [(t, t) for t in townships]}
    return render_template("emergencies/form.html", form=form, errors=errors, message=message, row=row,
                           options=options, limits=emergency_limits.ARRIVAL_LIMITS,
                           on_duty=emergency_duty.on_duty(db.session), max_text=emergencies.MAX_TEXT)
