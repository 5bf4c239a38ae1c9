"""Loans of the register's instruments (借出 / 归还): who has an instrument, since when, for which case or visit.

Anyone who reads the register records a loan to themself; the register's keepers (services/equipment.MANAGERS) to
any staff user. The borrower or a keeper records the return. Refused with 409: an instrument already out (one open
loan at a time, held by a partial unique index too), one not in service, one whose calibration has expired (a
measurement with it would prove nothing). Returned in need of repair, an instrument goes to 维修中."""
from sqlalchemy.exc import IntegrityError

from ..clock import SHANGHAI, clock
from ..errors import Conflict, NotAllowed
from ..models import INSTRUMENT_STATUSES, HazardCase, InspectionVisit, InstrumentLoan, User
from . import audit
from .access import sees_all_cases
from .equipment import audited, check_may_read, get, may_manage, open_loan
from .equipment_calibration import lapsed
from .field_rules import clean_text, parse_date, raise_if, row_id

MAX_PURPOSE, MAX_NOTE = 200, 2000
CONDITIONS = {"good": ("完好", "In good order"), "needs_repair": ("需维修", "Needs repair")}


def lend(uow, user, instrument_id, form):
    """Lend the instrument: form {borrower_id (keepers only; others borrow for themselves), purpose, case_code?,
    visit_id?, expected_return?}."""
    instrument = get(uow.session, user, instrument_id)
    errors = {}
    borrower = _borrower(uow.session, user, form.get("borrower_id"), errors)
    purpose = clean_text(form.get("purpose"), MAX_PURPOSE, "purpose", errors)
    if not purpose and "purpose" not in errors:
        errors["purpose"] = "请填写借用事由 / say what it is for"
    case = _case(uow.session, form.get("case_code"), errors)
    visit = _visit(uow.session, form.get("visit_id"), errors)
    expected = parse_date(form.get("expected_return"), "expected_return", errors)
    if expected is not None and "expected_return" not in errors and expected < clock.local_now().date():
        errors["expected_return"] = "预计归还日期不能早于今天 / the return date cannot be in the past"
    raise_if(errors)
    if instrument.status != "in_service":
        status = INSTRUMENT_STATUSES[instrument.status][0]
        raise Conflict(f"设备{status}，不能借出 / the instrument is not in service")
    if lapsed(instrument):
        raise Conflict(f"设备校准已于 {instrument.calibration_due.isoformat()} 到期，校准逾期的设备不能借出，请先送检校准 / "
                       f"the calibration expired on {instrument.calibration_due.isoformat()}: calibrate the "
                       "instrument before lending it")
    current = open_loan(uow.session, instrument.id)
    if current is not None:
        raise Conflict(_already_out(current))
    row = InstrumentLoan(instrument_id=instrument.id, borrower_id=borrower.id, purpose=purpose,
                         case_id=case.id if case else None, visit_id=visit.id if visit else None,
                         expected_return=expected, lent_by_id=user.id, lent_at=clock.now(), return_note="")
    uow.session.add(row)
    try:
        with uow.session.begin_nested():
            uow.session.flush()
    except IntegrityError:  # lent by someone else a moment ago
        raise Conflict(_already_out(open_loan(uow.session, instrument.id))) from None
    audit.record(uow, None, user, "instrument_lent", changes={audited("borrower"): [None, borrower.display_name]},
                 details={"loan_id": row.id, "purpose": purpose, "case": case.code if case else None,
                          "visit_id": visit.id if visit else None,
                          "expected_return": expected.isoformat() if expected else None},
                 subject=("instrument", instrument.id))
    return row


def _already_out(loan):
    if loan is None:
        return "设备已借出 / the instrument is out on loan"
    since = loan.lent_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    return (f"设备已于 {since} 借给 {loan.borrower.display_name}，尚未归还 / the instrument is out on loan to "
            f"{loan.borrower.display_name} since {since}")


def _borrower(session, user, value, errors):
    """The borrower: a keeper names any active staff user; others borrow for themselves."""
    if not may_manage(user) or value in (None, ""):
        return user
    user_id = row_id(value)
    borrower = session.get(User, user_id) if user_id is not None else None
    if borrower is None or not borrower.active or not sees_all_cases(borrower):
        errors["borrower_id"] = "请选择借用人（在用的工作人员账号）/ choose the borrower (an active staff user)"
        return user
    return borrower


def _case(session, code, errors):
    code = (code or "").strip().upper()
    if not code:
        return None
    case = session.query(HazardCase).filter_by(code=code).first() if len(code) <= 32 else None
    if case is None:
        errors["case_code"] = "没有这个案件编号 / no case with that code"
    return case


def _visit(session, value, errors):
    if value in (None, ""):
        return None
    visit_id = row_id(value)
    visit = session.get(InspectionVisit, visit_id) if visit_id is not None else None
    if visit is None:
        errors["visit_id"] = "没有这个排查记录 / no inspection visit with that number"
    return visit


def give_back(uow, user, instrument_id, condition="good", note=""):
    """Record the return of the instrument's open loan (the borrower or a keeper); 409 when it is not out. Returned
    needing repair, it goes to 维修中 (audited too)."""
    instrument = get(uow.session, user, instrument_id)
    errors = {}
    if condition not in CONDITIONS:
        errors["condition"] = "请选择设备状况 / choose the instrument's condition"
    note = clean_text(note, MAX_NOTE, "return_note", errors)
    if condition == "needs_repair" and not note and "return_note" not in errors:
        errors["return_note"] = "请写明故障情况 / describe what is wrong"
    raise_if(errors)
    loan = open_loan(uow.session, instrument.id)
    if loan is None:
        raise Conflict("设备未借出 / the instrument is not out on loan")
    if loan.borrower_id != user.id and not may_manage(user):
        raise NotAllowed("只有借用人或设备管理人员可以登记归还 / only the borrower or a keeper records the return")
    loan.returned_at, loan.returned_by_id, loan.return_note = clock.now(), user.id, note
    changes = {audited("borrower"): [loan.borrower.display_name, None]}
    if condition == "needs_repair" and instrument.status == "in_service":
        instrument.status, instrument.updated_at = "repair", clock.now()
        changes[audited("status")] = ["in_service", "repair"]
    audit.record(uow, None, user, "instrument_returned", changes=changes,
                 details={"loan_id": loan.id, "condition": condition, "note": note},
                 subject=("instrument", instrument.id))
    return loan


def for_instrument(session, user, instrument_id, limit=100):
    """The instrument's loans, newest first."""
    check_may_read(user)
    return session.query(InstrumentLoan).filter_by(instrument_id=instrument_id) \
        .order_by(InstrumentLoan.lent_at.desc(), InstrumentLoan.id.desc()).limit(limit).all()


def staff_users(session):
    """Active users who may borrow (staff roles: anyone who reads the register)."""
    users = session.query(User).filter(User.active.is_(True)).order_by(User.display_name, User.id).all()
    return [u for u in users if sees_all_cases(u)]
