"""The register's instruments on spot measurements (services/site_measurements.py, services/equipment.py): a
measurement row may name an instrument of the equipment register instead of typing one. The server then writes the
instrument's name and its calibration certificate's number on the row from the register (what was typed for them is
not used), and refuses an instrument that could not give evidence on the measurement's day — not in service, without
calibration data, calibrated only after that day (the register knows the current certificate only), or with its
calibration overdue (valid through its due day, as services/equipment_calibration.py says): a reading from an
uncalibrated instrument proves nothing. Instruments not on the register are still typed as free text.

The instrument's page lists the readings taken with it."""
from ..models import INSTRUMENT_KINDS, HazardCase, Instrument, SiteMeasurement
from .field_rules import whole_number

MAX_NAME = 100  # SiteMeasurement.instrument


def choices(session):
    """The instruments a measurement row may pick: in service, with calibration data, by kind and asset number."""
    return session.query(Instrument).filter(Instrument.status == "in_service", Instrument.calibration_due.isnot(None)) \
        .order_by(Instrument.kind, Instrument.asset_no, Instrument.id).all()


def name_of(instrument):
    """"气体检测仪 MSA Altair 4XR（SB-QT-001）": what the row's instrument says when picked from the register."""
    kind = INSTRUMENT_KINDS.get(instrument.kind, (instrument.kind,))[0]
    return f"{kind} {instrument.model}（{instrument.asset_no}）"[:MAX_NAME]


def resolve(session, raw, measured_on, name, errors):
    """The register's instrument a row names (`raw`: its id as typed or sent), None for none; a refused one puts its
    reason under `name` in `errors`. `measured_on`: the measurement's day (None when it is itself wrong: then only
    the instrument is checked)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    number = whole_number(raw)
    instrument = session.get(Instrument, number) if number is not None else None
    if instrument is None:
        errors[name] = "请从设备清单中选择仪器 / choose an instrument of the equipment register"
        return None
    if instrument.status != "in_service":
        errors[name] = f"设备 {instrument.asset_no} 不在用（维修中或已报废） / instrument {instrument.asset_no} is not in service"
        return None
    if instrument.calibration_due is None or instrument.calibrated_on is None:
        errors[name] = (f"设备 {instrument.asset_no} 没有校准信息，其读数不能作为检测依据 / instrument "
                        f"{instrument.asset_no} has no calibration on record: its readings are no evidence")
        return None
    if measured_on is None:
        return instrument
    due, calibrated = instrument.calibration_due.isoformat(), instrument.calibrated_on.isoformat()
    if instrument.calibration_due < measured_on:
        errors[name] = (f"设备校准已于 {due} 到期，校准逾期的仪器检测数据不能作为依据，请先送检校准 / the instrument's "
                        f"calibration expired on {due}: a reading from an uncalibrated instrument is not evidence")
        return None
    if instrument.calibrated_on > measured_on:
        errors[name] = (f"设备现有校准自 {calibrated} 起，更早的检测请手工填写当时的仪器和证书编号 / the instrument's "
                        f"calibration on record starts on {calibrated}: type the instrument and certificate of an "
                        f"earlier reading")
        return None
    return instrument


def taken_with(session, instrument_id, with_checks, limit=200):
    """The readings taken with the instrument, newest first, with their case's code: [(measurement, case code)].
    `with_checks`: whether the reader sees supervision checks (services/rectification_checks.may_read); without,
    only the readings of re-inspections."""
    query = session.query(SiteMeasurement, HazardCase.code).join(HazardCase, HazardCase.id == SiteMeasurement.case_id) \
        .filter(SiteMeasurement.instrument_id == instrument_id)
    if not with_checks:
        query = query.filter(SiteMeasurement.follow_up_id.isnot(None))
    return query.order_by(SiteMeasurement.recorded_at.desc(), SiteMeasurement.id.desc()).limit(limit).all()
