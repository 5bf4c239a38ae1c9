"""The response to an incident (services/emergencies.py): the staff sent (出动人员), the instruments sent — each one a
loan of the equipment register recorded through its own service (services/equipment_loans.py: one open loan per
instrument, never one with a lapsed calibration, returned on the instrument's page) — and the closing with the
analysis report (事件分析报告: cause, handling, lessons, improvements; seed 000 line 31 "事后形成事件分析报告，用于改进
预案"). A closed incident can be registered as a hazard case once: the registration page opens prefilled from it
(`?emergency=`, like an IoT alarm's 登记为隐患) and the case is recorded on the incident in the same transaction."""
from sqlalchemy.exc import IntegrityError

from ..clock import SHANGHAI, clock
from ..errors import Conflict, NotAllowed
from ..models import EMERGENCY_LEVELS, EmergencyInstrument, EmergencyResponder, Instrument, User
from . import audit, equipment_loans
from .access import sees_all_cases
from .emergencies import MAX_TEXT, SUBJECT, audit_details, check_stage_time, get, get_for_change
from .field_rules import clean_text, raise_if, row_id

REPORT_FIELDS = ("report_cause", "report_handling", "report_lessons", "report_improvements")
REPORT_MESSAGES = {"report_cause": "请填写事件原因 / state the cause",
                   "report_handling": "请填写处置经过 / describe the handling",
                   "report_lessons": "请填写经验教训 / state the lessons learned",
                   "report_improvements": "请填写改进措施 / state the improvements"}


# ---- people and instruments sent ---------------------------------------------------------------------------------
def add_responder(uow, user, event_id, person_id):
    row = get_for_change(uow.session, user, event_id)
    number = row_id(person_id)
    person = uow.session.get(User, number) if number is not None else None
    if person is None or not person.active or not sees_all_cases(person):
        raise_if({"user_id": "请选择出动人员（在用的工作人员账号）/ choose who was sent (an active staff user)"})
    if any(r.user_id == person.id for r in row.responders):
        raise Conflict(f"{person.display_name} 已在出动人员中 / {person.display_name} is already listed")
    uow.session.add(EmergencyResponder(event_id=row.id, user_id=person.id, added_by_id=user.id, added_at=clock.now()))
    try:
        with uow.session.begin_nested():
            uow.session.flush()
    except IntegrityError:  # added by someone else a moment ago
        raise Conflict(f"{person.display_name} 已在出动人员中 / {person.display_name} is already listed") from None
    audit.record(uow, None, user, "emergency_responder_added", changes={"responder": [None, person.display_name]},
                 details=audit_details(row), subject=(SUBJECT, row.id))
    return person


def remove_responder(uow, user, event_id, person_id):
    row = get_for_change(uow.session, user, event_id)
    line = next((r for r in row.responders if r.user_id == row_id(person_id)), None)
    if line is None:
        raise Conflict("此人不在出动人员中 / the person is not listed")
    name = line.user.display_name
    uow.session.delete(line)
    audit.record(uow, None, user, "emergency_responder_removed", changes={"responder": [name, None]},
                 details=audit_details(row), subject=(SUBJECT, row.id))


def send_instrument(uow, user, event_id, form):
    """An instrument of the register sent out: form {instrument_id, borrower_id (keepers of the register choose;
    others borrow for themselves)}. The loan's refusals (out already, calibration lapsed, not in service) are the
    register's 409s."""
    row = get_for_change(uow.session, user, event_id)
    number = row_id(form.get("instrument_id"))
    instrument = uow.session.get(Instrument, number) if number is not None else None
    if instrument is None:
        raise_if({"instrument_id": "请选择设备 / choose the instrument"})
    purpose = f"突发状况 {row.code} 应急处置：{row.place}"[:equipment_loans.MAX_PURPOSE]
    loan = equipment_loans.lend(uow, user, instrument.id, {"borrower_id": form.get("borrower_id"),
                                                           "purpose": purpose})
    uow.session.add(EmergencyInstrument(event_id=row.id, instrument_id=instrument.id, loan_id=loan.id,
                                        added_by_id=user.id, added_at=clock.now()))
    uow.session.flush()
    audit.record(uow, None, user, "emergency_instrument_sent",
                 changes={"emergency_instrument": [None, f"{instrument.model}（{instrument.asset_no}）"]},
                 details={**audit_details(row), "loan_id": loan.id, "borrower": loan.borrower.display_name},
                 subject=(SUBJECT, row.id))
    return loan


def instruments_to_send(session):
    """The register's instruments in service, by kind and asset number (the loan service refuses the rest)."""
    return session.query(Instrument).filter(Instrument.status == "in_service") \
        .order_by(Instrument.kind, Instrument.asset_no).all()


# ---- closing with the analysis report ------------------------------------------------------------------------------
def close(uow, user, event_id, form):
    """结案 with the analysis report: form {closed_at (now by default), report_cause, report_handling,
    report_lessons, report_improvements} — every part required; the initial handling must be recorded, and the
    closing is at or after it and not in the future."""
    row = get_for_change(uow.session, user, event_id)
    errors = {}
    closed_at = check_stage_time(row, "closed", form.get("closed_at"), errors, "closed_at")
    report = {name: clean_text(form.get(name), MAX_TEXT, name, errors) for name in REPORT_FIELDS}
    for name, message in REPORT_MESSAGES.items():
        if not report[name] and name not in errors:
            errors[name] = message
    raise_if(errors)
    changes = {"closed_at": [None, closed_at], **{name: [getattr(row, name) or None, value]
                                                  for name, value in report.items()}}
    row.closed_at = closed_at
    for name, value in report.items():
        setattr(row, name, value)
    row.updated_at = clock.now()
    audit.record(uow, None, user, "emergency_closed", changes=changes, details=audit_details(row),
                 subject=(SUBJECT, row.id))
    return row


# ---- registered as a hazard ---------------------------------------------------------------------------------------
def may_register_from(user, row):
    """登记为隐患 is offered on a closed incident not registered yet, to those who register at any enterprise."""
    return row.closed_at is not None and row.case_id is None and user.has_role("inspector", "bureau")


def _check_registrable(user, row):
    if not user.has_role("inspector", "bureau"):
        raise NotAllowed("只有现场排查人员和应急管理局可以将突发状况登记为隐患 / only inspectors and the bureau register an "
                         "incident as a hazard")
    if row.case_id is not None:
        raise Conflict(f"该突发状况已登记为隐患 {row.case.code} / the incident was registered as hazard {row.case.code}")
    if row.closed_at is None:
        raise Conflict("突发状况结案并形成分析报告后才能登记为隐患 / an incident is registered as a hazard once it is "
                       "closed with its report")


def hazard_prefill(session, user, event_id):
    """(the incident, the registration form's values drafted from it: enterprise, place, description, type, when
    found — the arrival on site)."""
    row = get(session, user, event_id)
    _check_registrable(user, row)
    received = row.received_at.astimezone(SHANGHAI)
    text = (f"突发状况 {row.code}（{EMERGENCY_LEVELS[row.level][0]}，{received:%Y-%m-%d %H:%M} 接报）：{row.description}"
            f"\n事件原因：{row.report_cause}\n改进措施：{row.report_improvements}")
    found = (row.arrived_at or row.received_at).astimezone(SHANGHAI)
    values = {"place": row.place[:200], "description": text[:4000], "hazard_type": "safety_management",
              "found_at": found.strftime("%Y-%m-%dT%H:%M")}
    if row.enterprise_id:
        values["enterprise_id"] = str(row.enterprise_id)
    return row, values


def link_case(uow, user, event_id, case):
    """The hazard registered from the incident, recorded on it (in the registration's transaction)."""
    row = get(uow.session, user, event_id, for_update=True)
    _check_registrable(user, row)
    row.case_id = case.id
    audit.record(uow, None, user, "emergency_registered_as_hazard", details={**audit_details(row), "case": case.code},
                 subject=(SUBJECT, row.id))
    return row
