"""The equipment register (设备储备清单, models/equipment.py): kept by the project leads, the bureau and the
administrators; read by every role that works across the county (enterprise staff and township offices: 403).
Calibration (validity, the rate, reminders) is in services/equipment_calibration.py, loans in
services/equipment_loans.py."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, func, or_
from sqlalchemy.exc import IntegrityError

from ..clock import clock
from ..errors import Conflict, NotAllowed, NotFound
from ..models import CALIBRATION_OPTIONAL_KINDS, INSTRUMENT_KINDS, INSTRUMENT_STATUSES, Instrument, InstrumentLoan
from . import audit
from .access import sees_all_cases
from .equipment_calibration import STATES, state_condition
from .field_rules import clean_text, parse_date, raise_if

MANAGERS = ("project_lead", "bureau", "admin")
FIELDS = ("kind", "model", "serial_no", "asset_no", "certificate_no", "calibrated_on", "calibration_due", "status",
          "keeper", "location", "note")
MAX_NOTE = 2000
MAX_QUERY = 64


def may_read(user):
    return sees_all_cases(user)


def may_manage(user):
    return user.has_role(*MANAGERS)


def check_may_read(user):
    if not may_read(user):
        raise NotAllowed("设备清单仅供监管部门和服务机构使用 / the equipment register is for the bureau and its contractor")


def check_may_manage(user):
    if not may_manage(user):
        raise NotAllowed("只有项目负责人、应急管理局或管理员可以维护设备清单 / "
                         "only project leads, the bureau or an admin keep the equipment register")


@dataclass
class InstrumentFilter:
    q: str = ""  # model, serial, asset or certificate number, keeper, location
    kind: str = ""  # a key of INSTRUMENT_KINDS
    status: str = ""  # a key of INSTRUMENT_STATUSES
    calibration: str = ""  # a key of equipment_calibration.STATES
    on_loan: str = ""  # "1" out on loan, "0" in store, "" either


def _open_loan_exists():
    return exists().where(InstrumentLoan.instrument_id == Instrument.id, InstrumentLoan.returned_at.is_(None))


def listing(session, user, flt=None):
    """The instruments of the filter, by kind and asset number."""
    check_may_read(user)
    flt = flt or InstrumentFilter()
    query = session.query(Instrument)
    if flt.kind in INSTRUMENT_KINDS:
        query = query.filter(Instrument.kind == flt.kind)
    if flt.status in INSTRUMENT_STATUSES:
        query = query.filter(Instrument.status == flt.status)
    if flt.calibration in STATES:
        query = query.filter(state_condition(flt.calibration, clock.local_now().date()))
    if flt.on_loan in ("0", "1"):
        query = query.filter(_open_loan_exists() if flt.on_loan == "1" else ~_open_loan_exists())
    if flt.q:
        pattern = f"%{flt.q.lower()}%"
        query = query.filter(or_(*(func.lower(column).like(pattern) for column in
                                   (Instrument.model, Instrument.serial_no, Instrument.asset_no,
                                    Instrument.certificate_no, Instrument.keeper, Instrument.location))))
    return query.order_by(Instrument.kind, Instrument.asset_no, Instrument.id).all()


def get(session, user, instrument_id):
    check_may_read(user)
    row = session.get(Instrument, instrument_id) if isinstance(instrument_id, int) else None
    if row is None:
        raise NotFound("设备不存在 / instrument not found")
    return row


def _check(form, errors):
    values = {"kind": str(form.get("kind") or ""),
              "model": clean_text(form.get("model"), 100, "model", errors),
              "serial_no": clean_text(form.get("serial_no"), 64, "serial_no", errors),
              "asset_no": clean_text(form.get("asset_no"), 64, "asset_no", errors),
              "certificate_no": clean_text(form.get("certificate_no"), 64, "certificate_no", errors),
              "calibrated_on": parse_date(form.get("calibrated_on"), "calibrated_on", errors),
              "calibration_due": parse_date(form.get("calibration_due"), "calibration_due", errors),
              "status": str(form.get("status") or "in_service"),
              "keeper": clean_text(form.get("keeper"), 64, "keeper", errors),
              "location": clean_text(form.get("location"), 200, "location", errors),
              "note": clean_text(form.get("note"), MAX_NOTE, "note", errors)}
    if values["kind"] not in INSTRUMENT_KINDS:
        errors["kind"] = "请选择设备类别 / choose the kind of instrument"
    if values["status"] not in INSTRUMENT_STATUSES:
        errors["status"] = "请选择设备状态 / choose the status"
    for name, what in (("model", "请填写型号 / enter the model"), ("asset_no", "请填写资产编号 / enter the asset number")):
        if not values[name] and name not in errors:
            errors[name] = what
    _check_calibration(values, errors)
    return values


def _check_calibration(values, errors):
    """Measuring instruments need a calibration certificate, its date and its due date; a drone may have none, but
    what it has must be whole. The due date cannot be before the calibration, which cannot be in the future."""
    calibrated, due = values["calibrated_on"], values["calibration_due"]
    required = values["kind"] not in CALIBRATION_OPTIONAL_KINDS
    any_given = bool(values["certificate_no"]) or calibrated is not None or due is not None
    if required or any_given:
        for name, what in (("certificate_no", "请填写校准证书编号 / enter the calibration certificate number"),
                           ("calibrated_on", "请填写校准日期 / enter the calibration date"),
                           ("calibration_due", "请填写校准有效期至 / enter the date the calibration is valid until")):
            if values[name] in ("", None) and name not in errors:
                errors[name] = what
    if isinstance(calibrated, date) and calibrated > clock.local_now().date():
        errors["calibrated_on"] = "校准日期不能晚于今天 / the calibration date cannot be in the future"
    if isinstance(calibrated, date) and isinstance(due, date) and due < calibrated:
        errors["calibration_due"] = "校准有效期至不能早于校准日期 / the due date cannot be before the calibration date"


def save(uow, user, form, instrument_id=None):
    """A new instrument (instrument_id None) or the changed one; ValidationFailed names each wrong field, an asset
    number on another instrument is 409 on that field, retiring or sending to repair one that is out on loan is 409.
    Audited before → after."""
    check_may_manage(user)
    row = get(uow.session, user, instrument_id) if instrument_id is not None else None
    errors = {}
    values = _check(form, errors)
    raise_if(errors)
    clash = uow.session.query(Instrument.id).filter(Instrument.asset_no == values["asset_no"])
    if row is not None:
        clash = clash.filter(Instrument.id != row.id)
    if clash.first():
        message = "资产编号已被其他设备使用 / another instrument has that asset number"
        raise Conflict(message, fields={"asset_no": message})
    if row is not None and values["status"] != "in_service" and row.status == "in_service" \
            and open_loan(uow.session, row.id) is not None:
        raise Conflict("设备借出未还，请先登记归还 / the instrument is out on loan: record its return first")
    before = {name: getattr(row, name) for name in FIELDS} if row is not None else {}
    now = clock.now()
    if row is None:
        row = Instrument(created_at=now, **values)
        uow.session.add(row)
    else:
        for name, value in values.items():
            setattr(row, name, value)
    row.updated_at = now
    try:
        with uow.session.begin_nested():
            uow.session.flush()
    except IntegrityError:  # the same asset number saved by someone else a moment ago
        message = "资产编号已被其他设备使用 / another instrument has that asset number"
        raise Conflict(message, fields={"asset_no": message}) from None
    changes = {audited(name): [before.get(name), value] for name, value in values.items()
               if before.get(name) != value and (before or value not in ("", None))}
    audit.record(uow, None, user, "instrument_saved" if before else "instrument_added", changes=changes,
                 subject=("instrument", row.id))
    return row


def audited(name):
    """A field's name in the audit rows, apart from other registers' "kind", "status" …"""
    return f"instrument_{name}"


def open_loan(session, instrument_id):
    return session.query(InstrumentLoan).filter_by(instrument_id=instrument_id, returned_at=None).first()


def open_loans(session, instrument_ids):
    """{instrument id: its open loan} of the instruments."""
    if not instrument_ids:
        return {}
    rows = session.query(InstrumentLoan).filter(InstrumentLoan.instrument_id.in_(list(instrument_ids)),
                                                InstrumentLoan.returned_at.is_(None)).all()
    return {loan.instrument_id: loan for loan in rows}


def history(session, instrument_id, limit=200):
    return audit.subject_history(session, "instrument", instrument_id, limit=limit)

