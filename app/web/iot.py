"""IoT monitoring pages (物联网监测预警, services/iot_*.py), the devices: the list with its filters, registering and
editing a device (project leads, administrators), its page — parameters with thresholds and latest values, the last
24 hours and the last 90 days (daily roll-up) as charts, alarms, the maintenance ledger — its ingest key (shown once) and maintenance records. The alarm,
maintenance and gateway pages are in web/iot_alarms.py, on the same blueprint."""
from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import clock
from ..errors import DomainError
from ..extensions import db
from ..models import (ALARM_KINDS, ALARM_LEVELS, DEVICE_KINDS, DEVICE_STATUSES, MAINTENANCE_KINDS, PARAMETERS,
                      Enterprise)
from ..models.iot import BATTERY, BATTERY_NAMES, KIND_PARAMETERS
from ..services import (iot_access, iot_alarm_handling, iot_alarms, iot_device_list, iot_devices, iot_maintenance,
                        iot_readings, iot_retention, users)
from ..services.iot_devices import DEVICE_FIELDS, THRESHOLDS
from ..services.uow import UnitOfWork
from . import iot_chart
from .forms_render import bilingual
from .guards import restrict
from .names import N_, is_english, label
from .query_args import int_or_none, page_count, page_number

bp = Blueprint("iot", __name__, url_prefix="/iot")
PAGE_SIZE = 50
restrict(bp, "may_read_iot", iot_access.may_read, N_("物联网监测仅供企业人员和监管、服务人员查看"))


# ---- names in the current language, for the templates ------------------------------------------------------------
@bp.app_template_global()
def iot_label(table, code):
    return label(_TABLES[table], code)


@bp.app_template_global()
def iot_parameter(code):
    """(name, unit) of a parameter (the battery level too)."""
    names = BATTERY_NAMES if code == BATTERY else PARAMETERS.get(code)
    if not names:
        return code or "", ""
    return (names[1] if is_english() else names[0]), names[2]


_TABLES = {"kind": DEVICE_KINDS, "status": DEVICE_STATUSES, "level": ALARM_LEVELS, "alarm_kind": ALARM_KINDS,
           "maintenance": MAINTENANCE_KINDS, "state": iot_device_list.STATES, "reason": iot_maintenance.REASONS}


@bp.app_template_global()
def iot_target_of_notice(notice):
    """("alarm" | "device", id) a notice is about, for a link from the notifications page; None for others."""
    parts = (notice.dedup_key or "").split(":")
    if notice.kind.startswith("iot_") and len(parts) > 1 and parts[0] in ("iot_alarm", "iot_device") \
            and parts[1].isdigit():
        return parts[0][4:], int(parts[1])
    return None


# The audited fields of devices, maintenance and alarms (services/iot_devices.audited), as the audit log names them.
IOT_TITLES = {"device_code": N_("设备编号"), "device_name": N_("设备名称"), "device_kind": N_("设备类型"),
              "device_place": N_("安装位置"), "device_latitude": N_("纬度"), "device_longitude": N_("经度"),
              "device_status": N_("设备状态"), "device_battery_percent": N_("电池电量"),
              "device_last_calibrated_on": N_("上次校准日期"), "device_calibration_interval_days": N_("校准周期（天）"),
              "acknowledge_note": N_("确认说明"), "handling_note": N_("处置说明")}


def audit_labels(catalog):
    """The audit log's names of the IoT fields' codes and of each parameter's thresholds."""
    catalog.labels.setdefault("device_kind", {code: label(DEVICE_KINDS, code) for code in DEVICE_KINDS})
    catalog.labels.setdefault("device_status", {code: label(DEVICE_STATUSES, code) for code in DEVICE_STATUSES})
    for code in PARAMETERS:
        catalog.titles.setdefault(f"limits_{code}", _("%(name)s阈值", name=iot_parameter(code)[0]))


# ---- the list ----------------------------------------------------------------------------------------------------
@bp.route("/devices")
@login_required
def devices():
    args = request.args
    page = page_number(args)
    flt = iot_device_list.DeviceFilter(
        enterprise_id=int_or_none(args.get("enterprise_id")), township=args.get("township", "").strip()[:100],
        kind=args.get("kind") if args.get("kind") in DEVICE_KINDS else None,
        state=args.get("state") if args.get("state") in iot_device_list.STATES else None,
        q=args.get("q", "").strip()[:100], limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    rows, total = iot_device_list.listing(db.session, current_user, flt)
    counts = iot_device_list.counts(db.session, current_user, iot_device_list.DeviceFilter(**{
        **vars(flt), "state": None}))
    reads_all = iot_access.reads_all(current_user)
    return render_template("iot/devices.html", rows=rows, total=total, page=page, pages=page_count(total, PAGE_SIZE),
                           args=args, flt=flt, counts=counts, states=iot_device_list.states(db.session, rows),
                           reads_all=reads_all, enterprises=users.enterprises(db.session) if reads_all else [],
                           townships=townships() if reads_all else [], may_edit=iot_access.may_edit(current_user),
                           query={k: v for k, v in args.items() if v and k != "page"},
                           today=clock.local_now().date())


def townships():
    return [t for (t,) in db.session.query(Enterprise.township).filter(Enterprise.township != "").distinct()
            .order_by(Enterprise.township)]


# ---- registering and editing -------------------------------------------------------------------------------------
@bp.route("/devices/new", methods=["GET", "POST"])
@login_required
def new():
    iot_access.check_may_edit(current_user)
    if request.method == "GET":
        kind = request.args.get("kind") if request.args.get("kind") in DEVICE_KINDS else "gas_detector"
        form = {"enterprise_id": request.args.get("enterprise_id", ""), "kind": kind,
                "calibration_interval_days": "180", **_suggested(KIND_PARAMETERS[kind])}
        return _form_page(None, form, {})
    form = request.form
    try:
        with UnitOfWork() as uow:
            device, key = iot_devices.register(uow, current_user, _device_data(form))
            device_id = device.id
            uow.commit()
    except DomainError as exc:
        return _refused(exc, None, form)
    return _device_page(iot_access.get_visible_device(db.session, current_user, device_id), new_key=key), 201


@bp.route("/devices/<int:device_id>/edit", methods=["GET", "POST"])
@login_required
def edit(device_id):
    iot_access.check_may_edit(current_user)
    device = iot_access.get_visible_device(db.session, current_user, device_id)
    if request.method == "GET":
        return _form_page(device, _form_of(device), {})
    try:
        with UnitOfWork() as uow:
            iot_devices.update(uow, current_user, device_id, _device_data(request.form))
            uow.commit()
    except DomainError as exc:
        return _refused(exc, device, request.form)
    return redirect(url_for("iot.show", device_id=device_id))


def _refused(exc, device, form):
    if exc.status in (403, 404):
        raise exc
    errors = {name: bilingual(text) for name, text in exc.fields.items()}
    return _form_page(device, form.to_dict(flat=True) | {"param": form.getlist("param")}, errors), exc.status


def _device_data(form):
    data = {name: form.get(name, "") for name in DEVICE_FIELDS}
    data["parameters"] = {code: {name: form.get(f"{code}_{name}", "") for name in THRESHOLDS}
                          for code in form.getlist("param")}
    return data


def _suggested(codes):
    """The form's values for the parameter rows: every parameter's suggested thresholds, `codes` ticked."""
    values = {"param": list(codes)}
    for code, (_zh, _en, _unit, limits) in PARAMETERS.items():
        for name, value in zip(THRESHOLDS, limits):
            values[f"{code}_{name}"] = "" if value is None else f"{value:g}"
    return values


def _form_of(device):
    form = {name: getattr(device, name) for name in DEVICE_FIELDS}
    form = {name: "" if value is None else (value.isoformat() if hasattr(value, "isoformat") else str(value))
            for name, value in form.items()}
    form.update(_suggested([p.parameter for p in device.parameters]))
    for p in device.parameters:
        for name in THRESHOLDS:
            value = getattr(p, name)
            form[f"{p.parameter}_{name}"] = "" if value is None else f"{value:g}"
    return form


def _form_page(device, form, errors):
    return render_template("iot/device_form.html", device=device, form=form, errors=errors,
                           enterprises=users.enterprises(db.session), kinds=DEVICE_KINDS, parameters=PARAMETERS,
                           thresholds=THRESHOLDS, statuses=DEVICE_STATUSES)


# ---- a device's page ---------------------------------------------------------------------------------------------
@bp.route("/devices/<int:device_id>")
@login_required
def show(device_id):
    return _device_page(iot_access.get_visible_device(db.session, current_user, device_id))


@bp.route("/devices/<int:device_id>/key", methods=["POST"])
@login_required
def rotate_key(device_id):
    """A new key, shown on the answer only (never in a redirect, a flash message or a log)."""
    with UnitOfWork() as uow:
        device, key = iot_devices.rotate_key(uow, current_user, device_id)
        uow.commit()
    return _device_page(iot_access.get_visible_device(db.session, current_user, device_id), new_key=key)


@bp.route("/devices/<int:device_id>/maintenance", methods=["POST"])
@login_required
def record_maintenance(device_id):
    device = iot_access.get_visible_device(db.session, current_user, device_id)
    form = {name: request.form.get(name, "") for name in ("kind", "performed_at", "performed_by", "note",
                                                           "battery_percent")}
    try:
        with UnitOfWork() as uow:
            iot_maintenance.record(uow, current_user, device_id, form["kind"], form["performed_at"],
                                   form["performed_by"], form["note"], form["battery_percent"])
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        errors = {name: bilingual(text) for name, text in exc.fields.items()}
        return _device_page(device, maintenance_form=form, maintenance_errors=errors), 400
    return redirect(url_for("iot.show", device_id=device_id, _anchor="maintenance"))


def _device_page(device, new_key=None, maintenance_form=None, maintenance_errors=None):
    now = clock.now()
    series = iot_readings.series(db.session, device)
    today = clock.local_now().date()
    daily = iot_retention.daily(db.session, device.id, iot_chart.DAYS)
    recent = iot_alarm_handling.for_device(db.session, device.id)
    records = iot_maintenance.for_device(db.session, device.id)
    default_form = {"kind": "inspected", "performed_at": clock.local_now().strftime("%Y-%m-%dT%H:%M"),
                    "performed_by": current_user.display_name}
    state = iot_device_list.states(db.session, [device])[device.id]
    return render_template(
        "iot/device.html", device=device, new_key=new_key, state=state,
        reasons=iot_maintenance.reasons(device), hits={p.parameter: iot_alarms.hit_of(p, p.latest_value)
                                                       for p in device.parameters if p.latest_value is not None},
        charts={p.parameter: iot_chart.chart(series.get(p.parameter, []), p, now) for p in device.parameters},
        daily_charts={p.parameter: iot_chart.daily_chart(daily.get(p.parameter, []), p, today)
                      for p in device.parameters}, keep_days=current_app.config["IOT_READINGS_KEEP_DAYS"],
        alarms=recent, records=records, may_edit=iot_access.may_edit(current_user),
        names=users.display_names(db.session, [r.recorded_by_id for r in records]),
        maintenance_form=maintenance_form or default_form, maintenance_errors=maintenance_errors or {},
        maintenance_kinds=MAINTENANCE_KINDS, ingest_url=url_for("api.ingest_iot_readings", _external=True),
        low_battery=iot_maintenance.LOW_BATTERY_PERCENT)
