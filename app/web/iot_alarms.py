"""IoT monitoring pages, continued (the `iot` blueprint of web/iot.py): the alarm list and an alarm's page with its
acknowledge and close forms and 登记为隐患, the maintenance list, and the edge gateways with their keys."""
from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..models import ALARM_KINDS, ALARM_LEVELS
from ..services import audit, hazards, iot_access, iot_alarm_handling, iot_devices, iot_maintenance, users
from ..services.uow import UnitOfWork
from .forms_render import bilingual
from .iot import PAGE_SIZE, bp, townships
from .query_args import int_or_none, page_count, page_number


# ---- alarms ------------------------------------------------------------------------------------------------------
@bp.route("/alarms")
@login_required
def alarms():
    args = request.args
    page = page_number(args)
    state = args.get("state") if args.get("state") in iot_alarm_handling.STATES else "open"
    flt = iot_alarm_handling.AlarmFilter(
        state=state, enterprise_id=int_or_none(args.get("enterprise_id")),
        township=args.get("township", "").strip()[:100], level=args.get("level") if args.get("level") in ALARM_LEVELS
        else None, kind=args.get("kind") if args.get("kind") in ALARM_KINDS else None,
        device_id=int_or_none(args.get("device_id")), limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    rows, total = iot_alarm_handling.listing(db.session, current_user, flt)
    reads_all = iot_access.reads_all(current_user)
    return render_template("iot/alarms.html", rows=rows, total=total, page=page, pages=page_count(total, PAGE_SIZE),
                           state=state, args=args, counts=iot_alarm_handling.counts(db.session, current_user, flt),
                           reads_all=reads_all, enterprises=users.enterprises(db.session) if reads_all else [],
                           townships=townships() if reads_all else [],
                           query={k: v for k, v in args.items() if v and k not in ("page", "state")})


@bp.route("/alarms/<int:alarm_id>")
@login_required
def alarm(alarm_id):
    return _alarm_page(iot_access.get_visible_alarm(db.session, current_user, alarm_id))


def _alarm_page(row, step=None, form=None, errors=None, message=None):
    events = list(reversed(audit.subject_history(db.session, "iot_alarm", row.id)))  # oldest first
    return render_template(
        "iot/alarm.html", row=row, events=events, step=step, form=form or {}, errors=errors or {}, message=message,
        names=users.display_names(db.session, [e.actor_id for e in events] + [row.acknowledged_by_id,
                                                                              row.closed_by_id]),
        may_handle=iot_access.may_handle(current_user, row),
        # inspectors, and the enterprise's staff as a self-check report (they see their own alarms only)
        may_register_hazard=iot_alarm_handling.may_register_from(row) and hazards.may_register(current_user))


def _step(alarm_id, step, action):
    """Run acknowledge or close from its form; the page again with the errors (400) or the refusal (409)."""
    row = iot_access.get_visible_alarm(db.session, current_user, alarm_id)  # 404 for another enterprise's
    form = {"note": request.form.get("note", "")}
    try:
        with UnitOfWork() as uow:
            action(uow, current_user, alarm_id, form["note"])
            uow.commit()
    except DomainError as exc:
        db.session.expire_all()
        row = iot_access.get_visible_alarm(db.session, current_user, alarm_id)
        if exc.status == 403:
            abort(403, bilingual(exc.message))
        if exc.fields:
            return _alarm_page(row, step, form, {k: bilingual(v) for k, v in exc.fields.items()}), 400
        return _alarm_page(row, step, form, message=bilingual(exc.message)), exc.status
    return redirect(url_for("iot.alarm", alarm_id=alarm_id))


@bp.route("/alarms/<int:alarm_id>/acknowledge", methods=["POST"])
@login_required
def acknowledge(alarm_id):
    return _step(alarm_id, "acknowledge", iot_alarm_handling.acknowledge)


@bp.route("/alarms/<int:alarm_id>/close", methods=["POST"])
@login_required
def close(alarm_id):
    return _step(alarm_id, "close", iot_alarm_handling.close)


# ---- maintenance -------------------------------------------------------------------------------------------------
@bp.route("/maintenance")
@login_required
def maintenance():
    due = iot_maintenance.due_list(db.session, current_user)
    records = iot_maintenance.recent(db.session, current_user)
    return render_template("iot/maintenance.html", due=due, records=records,
                           names=users.display_names(db.session, [r.recorded_by_id for r in records]),
                           low_battery=iot_maintenance.LOW_BATTERY_PERCENT,
                           notice_days=iot_maintenance.CALIBRATION_NOTICE_DAYS)


# ---- edge gateways -----------------------------------------------------------------------------------------------
@bp.route("/gateways", methods=["GET", "POST"])
@login_required
def gateways():
    if request.method == "GET":
        return _gateways_page()
    form = {name: request.form.get(name, "") for name in ("enterprise_id", "name")}
    try:
        with UnitOfWork() as uow:
            gateway, key = iot_devices.add_gateway(uow, current_user, form["enterprise_id"], form["name"])
            shown = (gateway.id, key)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        return _gateways_page(form, {k: bilingual(v) for k, v in exc.fields.items()}), 400
    return _gateways_page(new_key=shown), 201


@bp.route("/gateways/<int:gateway_id>/rotate", methods=["POST"])
@login_required
def rotate_gateway(gateway_id):
    with UnitOfWork() as uow:
        gateway, key = iot_devices.rotate_gateway_key(uow, current_user, gateway_id)
        uow.commit()
    return _gateways_page(new_key=(gateway_id, key))


@bp.route("/gateways/<int:gateway_id>/revoke", methods=["POST"])
@login_required
def revoke_gateway(gateway_id):
    with UnitOfWork() as uow:
        iot_devices.revoke_gateway(uow, current_user, gateway_id)
        uow.commit()
    return redirect(url_for("iot.gateways"))


def _gateways_page(form=None, errors=None, new_key=None):
    may_edit = iot_access.may_edit(current_user)
    return render_template("iot/gateways.html", rows=iot_devices.gateways(db.session, current_user), form=form or {},
                           errors=errors or {}, new_key=new_key, may_edit=may_edit,
                           enterprises=users.enterprises(db.session) if may_edit else [],
                           ingest_url=url_for("api.ingest_iot_readings", _external=True))
