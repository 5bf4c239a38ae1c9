"""The equipment register's pages (设备储备清单, services/equipment.py): the list with its calibration rate, filters
and CSV, one instrument with its loans and history, the form, lending and returning (services/equipment_loans.py).
Every route is for the roles that read the register (enterprise staff and township offices: 403)."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import clock
from ..errors import DomainError
from ..extensions import db
from ..models import INSTRUMENT_KINDS, INSTRUMENT_STATUSES
from ..services import equipment, equipment_calibration, equipment_loans, measurement_instruments, rectification_checks
from ..services.uow import UnitOfWork
from .downloads import csv_download
from .forms_render import bilingual
from .guards import restrict
from .names import N_, label

bp = Blueprint("equipment", __name__)
may_read_equipment = restrict(bp, "may_read_equipment", equipment.may_read, N_("设备清单仅供监管部门和服务机构使用"))
EQUIPMENT_TITLES = {"instrument_kind": N_("设备类别"), "instrument_model": N_("型号"), "instrument_serial_no": N_("出厂编号"),
                    "instrument_asset_no": N_("资产编号"), "instrument_certificate_no": N_("校准证书编号"),
                    "instrument_calibrated_on": N_("校准日期"), "instrument_calibration_due": N_("校准有效期至"),
                    "instrument_status": N_("设备状态"), "instrument_keeper": N_("保管人"),
                    "instrument_location": N_("存放地点"), "instrument_note": N_("备注"),
                    "instrument_borrower": N_("借用人")}
LEND_FIELDS = ("borrower_id", "purpose", "case_code", "visit_id", "expected_return")


@bp.app_template_filter("instrument_kind")
def instrument_kind(code):
    return label(INSTRUMENT_KINDS, code)


@bp.app_template_filter("instrument_status")
def instrument_status(code):
    return label(INSTRUMENT_STATUSES, code)


@bp.app_template_filter("calibration_state")
def calibration_state(code):
    return label(equipment_calibration.STATES, code)


def audit_labels(catalog):
    """The audit log's names of the register's codes."""
    catalog.labels.setdefault("instrument_kind", {code: instrument_kind(code) for code in INSTRUMENT_KINDS})
    catalog.labels.setdefault("instrument_status", {code: instrument_status(code) for code in INSTRUMENT_STATUSES})


def _filter(args):
    def known(name, table):
        return args.get(name, "") if args.get(name) in table else ""
    return equipment.InstrumentFilter(q=args.get("q", "").strip()[:equipment.MAX_QUERY],
                                      kind=known("kind", INSTRUMENT_KINDS), status=known("status", INSTRUMENT_STATUSES),
                                      calibration=known("calibration", equipment_calibration.STATES),
                                      on_loan=args.get("on_loan", "") if args.get("on_loan") in ("0", "1") else "")


@bp.route("/equipment")
@login_required
def index():
    rows = equipment.listing(db.session, current_user, _filter(request.args))
    today = clock.local_now().date()
    return render_template("equipment/index.html", rows=rows, args=request.args, kinds=INSTRUMENT_KINDS,
                           statuses=INSTRUMENT_STATUSES, states=equipment_calibration.STATES,
                           state_of=lambda i: equipment_calibration.state(i, today),
                           loans=equipment.open_loans(db.session, [i.id for i in rows]),
                           rate=equipment_calibration.rate(db.session, today),
                           may_manage=equipment.may_manage(current_user))


@bp.route("/equipment/export.csv")
@login_required
def export():
    rows = equipment.listing(db.session, current_user, _filter(request.args))
    loans = equipment.open_loans(db.session, [i.id for i in rows])
    today = clock.local_now().date()
    lines = [[_("设备类别"), _("型号"), _("出厂编号"), _("资产编号"), _("校准证书编号"), _("校准日期"), _("校准有效期至"),
              _("校准状态"), _("设备状态"), _("保管人"), _("存放地点"), _("借用人"), _("备注")]]
    for i in rows:
        loan = loans.get(i.id)
        lines.append([instrument_kind(i.kind), i.model, i.serial_no, i.asset_no, i.certificate_no,
                      i.calibrated_on.isoformat() if i.calibrated_on else "",
                      i.calibration_due.isoformat() if i.calibration_due else "",
                      calibration_state(equipment_calibration.state(i, today)), instrument_status(i.status), i.keeper,
                      i.location, loan.borrower.display_name if loan else "", i.note])
    return csv_download(lines, f"equipment-{clock.local_now():%Y%m%d-%H%M}.csv")


@bp.route("/equipment/<int:instrument_id>")
@login_required
def show(instrument_id):
    return _show_page(equipment.get(db.session, current_user, instrument_id))


def _show_page(row, lend_form=None, lend_errors=None, return_form=None, return_errors=None, message=None, status=200):
    loan = equipment.open_loan(db.session, row.id)
    return render_template(
        "equipment/show.html", row=row, loan=loan,
        loans=equipment_loans.for_instrument(db.session, current_user, row.id),
        state=equipment_calibration.state(row), events=equipment.history(db.session, row.id), titles=EQUIPMENT_TITLES,
        may_manage=equipment.may_manage(current_user),
        may_return=loan is not None and (loan.borrower_id == current_user.id or equipment.may_manage(current_user)),
        borrowers=equipment_loans.staff_users(db.session) if equipment.may_manage(current_user) else [],
        lend_form=lend_form or {"borrower_id": str(current_user.id)}, lend_errors=lend_errors or {},
        return_form=return_form or {"condition": "good"}, return_errors=return_errors or {},
        conditions=equipment_loans.CONDITIONS, message=message,
        readings=measurement_instruments.taken_with(db.session, row.id, rectification_checks.may_read(current_user))), \
        status


@bp.route("/equipment/new", methods=["GET", "POST"])
@bp.route("/equipment/<int:instrument_id>/edit", methods=["GET", "POST"])
@login_required
def edit(instrument_id=None):
    equipment.check_may_manage(current_user)
    row = equipment.get(db.session, current_user, instrument_id) if instrument_id is not None else None
    if request.method == "GET":
        form = {name: getattr(row, name) for name in equipment.FIELDS} if row else {"status": "in_service"}
        for name in ("calibrated_on", "calibration_due"):
            form[name] = form[name].isoformat() if form.get(name) else ""
        return _form_page(row, form, {})
    form = {name: request.form.get(name, "") for name in equipment.FIELDS}
    try:
        with UnitOfWork() as uow:
            saved = equipment.save(uow, current_user, form, instrument_id)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        fields = {k: bilingual(v) for k, v in exc.fields.items()}
        return _form_page(row, form, fields, None if fields else bilingual(exc.message)), exc.status
    flash(_("设备信息已保存"), "success")
    return redirect(url_for("equipment.show", instrument_id=saved.id))


def _form_page(row, form, errors, message=None):
    return render_template("equipment/form.html", row=row, form=form, errors=errors, message=message,
                           kinds=INSTRUMENT_KINDS, statuses=INSTRUMENT_STATUSES)


@bp.route("/equipment/<int:instrument_id>/loans", methods=["POST"])
@login_required
def lend(instrument_id):
    row = equipment.get(db.session, current_user, instrument_id)
    form = {name: request.form.get(name, "") for name in LEND_FIELDS}
    try:
        with UnitOfWork() as uow:
            equipment_loans.lend(uow, current_user, row.id, form)
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        fields = {k: bilingual(v) for k, v in exc.fields.items()}
        return _show_page(row, lend_form=form, lend_errors=fields, message=None if fields else bilingual(exc.message),
                          status=exc.status)
    flash(_("已登记借出"), "success")
    return redirect(url_for("equipment.show", instrument_id=row.id))


@bp.route("/equipment/<int:instrument_id>/return", methods=["POST"])
@login_required
def give_back(instrument_id):
    row = equipment.get(db.session, current_user, instrument_id)
    form = {"condition": request.form.get("condition", ""), "return_note": request.form.get("return_note", "")}
    try:
        with UnitOfWork() as uow:
            equipment_loans.give_back(uow, current_user, row.id, form["condition"], form["return_note"])
            uow.commit()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        db.session.expire_all()
        fields = {k: bilingual(v) for k, v in exc.fields.items()}
        return _show_page(row, return_form=form, return_errors=fields,
                          message=None if fields else bilingual(exc.message), status=exc.status)
    flash(_("已登记归还"), "success")
    return redirect(url_for("equipment.show", instrument_id=row.id))
