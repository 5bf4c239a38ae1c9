"""System administration: background-step incidents with retry, timer lateness, and the working-day calendar."""
import json
from datetime import datetime
from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import SHANGHAI, clock
from ..errors import CalendarError, DomainError, NotFound
from ..extensions import db
from ..services import calendar_admin, health, sla, sla_views, timers
from ..services.calendar import add_workdays, parse_day
from ..services.uow import UnitOfWork
from . import sla_helpers
from .forms_render import bilingual

bp = Blueprint("admin", __name__, url_prefix="/admin")
sla_helpers.install(bp)
MAX_SCHEDULE_BYTES = 200_000
MAX_CALC_DAYS = 365


def admin_required(view):
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.has_role("admin"):
            abort(403, _("只有系统管理员可以访问此页面"))
        return view(*args, **kwargs)
    return wrapper


@bp.route("/")
@admin_required
def index():
    return redirect(url_for("admin.incidents"))


# ---- incidents ----------------------------------------------------------------------------------------------
@bp.route("/incidents")
@admin_required
def incidents():
    return render_template("admin/incidents.html", incidents=timers.open_incidents(db.session))


@bp.route("/incidents/<int:incident_id>/retry", methods=["POST"])
@admin_required
def retry(incident_id):
    try:
        with UnitOfWork() as uow:
            fired, failure = timers.retry_incident(uow, current_user, incident_id)
            summary = [(f.case_code, f.name or f.bpmn_id) for f in fired]
            error = failure.error if failure is not None else None
            uow.commit()
    except NotFound:
        flash(_("该事件已处理或不存在"), "error")
        return redirect(url_for("admin.incidents"))
    if error is not None:
        flash(_("重试仍然失败：%(error)s", error=bilingual(error)), "error")
    elif summary:
        flash(_("已重试，触发了 %(n)s 个定时器：%(names)s", n=len(summary),
                names="、".join(f"{code} {name}" for code, name in summary)), "success")
    else:
        flash(_("已重试，案件恢复正常，当前没有到期的定时器"), "success")
    return redirect(url_for("admin.incidents"))


# ---- timer lateness -----------------------------------------------------------------------------------------
@bp.route("/timers")
@admin_required
def timer_stats():
    return render_template("admin/timers.html", recent=sla.lateness_stats(db.session, since=sla_views.recent(7)),
                           overall=sla.lateness_stats(db.session), heartbeats=health.heartbeats(db.session))


# ---- working-day calendar -----------------------------------------------------------------------------------
@bp.route("/calendar")
@admin_required
def calendar():
    return _calendar_page(calc=_calculate(request.args) if request.args.get("start") else None)


def _calendar_page(status=200, **extra):
    this_year = clock.now().astimezone(SHANGHAI).year
    show_all = request.args.get("all") == "1"
    context = {"years": sla_views.imported_years(db.session), "missing": calendar_admin.missing_years(db.session),
               "overrides": sla_views.overrides(db.session, None if show_all else this_year - 1),
               "show_all": show_all, "override_form": {}, "override_errors": {}, "import_errors": [],
               "import_result": None, "calc": None, "this_year": this_year}
    context.update(extra)
    return render_template("admin/calendar.html", **context), status


def _calculate(args):
    form = {"start": args.get("start", "").strip(), "days": args.get("days", "").strip()}
    errors, result = {}, None
    try:
        start = calendar_admin.parse_moment(form["start"])
    except CalendarError:
        errors["start"] = _("请输入日期，格式 YYYY-MM-DD")
    try:
        days = int(form["days"])
        if abs(days) > MAX_CALC_DAYS:
            raise ValueError
    except ValueError:
        errors["days"] = _("请输入 -%(n)s 到 %(n)s 之间的整数", n=MAX_CALC_DAYS)
    if not errors:
        try:
            result = add_workdays(start, days)
        except DomainError as exc:
            errors["days"] = bilingual(exc.message)
    return {"form": form, "errors": errors, "result": result}


@bp.route("/calendar/overrides", methods=["POST"])
@admin_required
def add_override():
    form = {"day": request.form.get("day", "").strip(), "is_workday": request.form.get("is_workday", ""),
            "note": request.form.get("note", "").strip()}
    errors = {}
    try:
        day = parse_day(form["day"])
    except CalendarError:
        errors["day"] = _("日期格式不正确，应为 YYYY-MM-DD")
    if form["is_workday"] not in ("0", "1"):
        errors["is_workday"] = _("请选择工作日或休息日")
    if len(form["note"]) > 100:
        errors["note"] = _("备注不能超过 100 个字")
    if errors:
        return _calendar_page(400, override_form=form, override_errors=errors)
    with UnitOfWork() as uow:
        calendar_admin.set_override(uow, current_user, day, form["is_workday"] == "1", form["note"])
        uow.commit()
    flash(_("已设置 %(day)s 为%(kind)s", day=day.isoformat(),
            kind=_("工作日") if form["is_workday"] == "1" else _("休息日")), "success")
    return redirect(url_for("admin.calendar"))


@bp.route("/calendar/overrides/<day>/remove", methods=["POST"])
@admin_required
def remove_override(day):
    try:
        parsed = parse_day(day)
    except CalendarError:
        abort(404)
    with UnitOfWork() as uow:
        calendar_admin.remove_override(uow, current_user, parsed)
        uow.commit()
    flash(_("已删除 %(day)s 的设置，恢复为国务院公布的安排", day=parsed.isoformat()), "success")
    return redirect(url_for("admin.calendar"))


@bp.route("/calendar/import", methods=["POST"])
@admin_required
def import_schedule():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _calendar_page(400, import_errors=[_("请选择要导入的 JSON 文件")])
    raw = upload.stream.read(MAX_SCHEDULE_BYTES + 1)
    if len(raw) > MAX_SCHEDULE_BYTES:
        return _calendar_page(400, import_errors=[_("文件过大")])
    try:
        payload = json.loads(raw.decode("utf-8-sig"))
        if not isinstance(payload, dict):
            raise ValueError("not a JSON object")
    except (UnicodeDecodeError, ValueError) as exc:
        return _calendar_page(400, import_errors=[_("不是有效的 JSON 文件：%(error)s", error=str(exc))])
    try:
        with UnitOfWork() as uow:
            year, recomputed = calendar_admin.import_year(uow, current_user, payload)
            uow.commit()
    except DomainError as exc:
        details = [f"{name}: {value}" for name, value in (exc.fields or {}).items()]
        return _calendar_page(400, import_errors=[bilingual(exc.message)] + details)
    ids = sla_views.case_ids_by_code(db.session, [code for code, _mapping in recomputed])
    cases = [(code, ids.get(code), [(_local(old), _local(new)) for old, new in sorted(mapping.items())])
             for code, mapping in recomputed]
    result = {"year": year, "cases": cases}
    flash(_("已导入 %(year)s 年节假日安排，重新计算了 %(n)s 个案件的暂定期限", year=year, n=len(recomputed)),
          "success")
    return _calendar_page(import_result=result)


def _local(iso_text):
    try:
        return datetime.fromisoformat(iso_text).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return str(iso_text)
