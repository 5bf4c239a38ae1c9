"""Enforcement outcomes (执法处置结果, models/enforcement.py): what enforcement did with a case referred to it. The
bureau (or an admin) records the steps of the enforcement case on the referral: the filing decision (立案 with the
enforcement case number and officers, or 不予立案 with the reason), the measures decided with the decision document's
number and date, their execution (fine paid, stop-work lifted) and the closing (结案), each with its documents. A
step may be recorded again to correct it until the record is closed; every change is audited with before → after
(on the record, not on the case: the case's history is the enterprise's to read, the officers and notes are not).

A decision with an administrative penalty (PENALTY_MEASURES) puts an entry into the enterprise's credit record; a
correction of the decision updates that entry (or takes it out again when no penalty is left).

Who sees what: the bureau's side (READERS; a township office for its area's enterprises) reads the records; the
bureau and admins record. Whoever may see the case sees the decided measures and the decision number on it
(services/enforcement_listing.py `public_view`), nothing else."""
from decimal import Decimal, InvalidOperation

from sqlalchemy import update

from ..clock import SHANGHAI, clock
from ..errors import Conflict, NotAllowed, NotFound, ValidationFailed
from ..models import (ENFORCEMENT_MEASURES, FILING_CHOICES, Attachment, CreditRecord, EnforcementOutcome,
                      EnforcementReferral)
from ..models.attachment import free_of_owners
from . import audit
from .access import enterprise_condition
from .calendar import WorkingCalendar
from .field_rules import clean_text, parse_date, raise_if

MANAGERS = ("bureau", "admin")
READERS = ("bureau", "admin", "manager", "township")  # a township office: its area's enterprises only
FILING_WORKING_DAYS = 5  # the filing decision is due this many working days after the referral
STEPS = ("filing", "decision", "execution", "closing")
MAX_TEXT = 2000
MAX_FILES = 20
MAX_FINE = Decimal("1e10")  # the column holds 10 digits before the point
STEP_FIELDS = {
    "filing": ("filing", "filing_date", "case_number", "officers", "not_filed_reason"),
    "decision": ("measures", "fine_amount", "decision_number", "decision_date"),
    "execution": ("fine_paid_on", "resumed_on", "execution_note"),
    "closing": ("closed_on", "closing_note"),
}


def may_read(user):
    return user.has_role(*READERS)


def may_manage(user):
    return user.has_role(*MANAGERS)


def get_visible(session, user, referral_id):
    """The referral if the user may see its enterprise; 404 otherwise (no existence leak)."""
    row = session.query(EnforcementReferral).filter(
        EnforcementReferral.id == referral_id, enterprise_condition(user, EnforcementReferral.enterprise_id)).first() \
        if isinstance(referral_id, int) else None
    if row is None:
        raise NotFound("执法移送记录不存在 / enforcement referral not found")
    return row


def get_for_reader(session, user, referral_id):
    """The referral for the enforcement pages: 404 when its enterprise is not the user's to see, 403 for a role
    that does not read enforcement records (enterprise staff among them)."""
    row = get_visible(session, user, referral_id)
    if not may_read(user):
        raise NotAllowed("只有应急管理局、管理人员、属地监管和系统管理员可以查看执法处置记录 / "
                         "only the bureau, managers, township offices and admins read enforcement records")
    return row


def filing_due(referral, calendar=None):
    """When the filing decision (立案 / 不予立案) is due: FILING_WORKING_DAYS working days after the referral."""
    return (calendar or WorkingCalendar.load()).add_workdays(referral.referred_at, FILING_WORKING_DAYS).moment


def is_overdue(referral, now=None, calendar=None):
    """No filing decision and past its due moment, or one dated after its due day (decided late)."""
    due = filing_due(referral, calendar)
    outcome = referral.outcome
    if outcome is None:
        return due < (now or clock.now())
    return outcome.filing_date > due.astimezone(SHANGHAI).date()


def record_step(uow, user, referral_id, step, form, file_ids=()):
    """Record (or correct) one step of the referral's enforcement case; returns the record. ValidationFailed names
    each wrong field; a step out of order (a decision before filing, closing before a decision) or any change of a
    closed record: 409."""
    if step not in STEPS:
        raise NotFound("没有该步骤 / no such step")
    referral = get_for_reader(uow.session, user, referral_id)
    if not may_manage(user):
        raise NotAllowed("只有应急管理局或管理员可以登记执法处置结果 / only the bureau or an admin records outcomes")
    uow.session.query(EnforcementReferral.id).filter_by(id=referral.id).with_for_update().one()  # one writer
    outcome = uow.session.get(EnforcementOutcome, referral.id, populate_existing=True)
    _check_order(outcome, step)
    errors = {}
    values = _CLEANERS[step](form, referral, outcome, errors)
    files = _free_uploads(uow.session, user, file_ids, referral, errors)
    raise_if(errors)
    now = clock.now()
    created = outcome is None
    if created:
        outcome = EnforcementOutcome(referral_id=referral.id, recorded_at=now, measures=[], case_number="",
                                     officers="", not_filed_reason="", decision_number="", execution_note="",
                                     closing_note="")
        uow.session.add(outcome)
    before = {name: None if created else _plain(getattr(outcome, name)) for name in values}
    before_status = "pending" if created else outcome.status
    for name, value in values.items():
        setattr(outcome, name, value)
    outcome.status = outcome.derived_status()
    outcome.updated_at, outcome.updated_by_id = now, user.id
    uow.session.flush()
    changes = {name: [before[name], _plain(value)] for name, value in values.items() if before[name] != _plain(value)}
    if before_status != outcome.status:
        changes["status"] = [before_status, outcome.status]
    details = {"case_id": referral.case_id, "case_code": referral.case.code, "enterprise_id": referral.enterprise_id,
               "round": referral.round}
    if step == "decision":
        credit = _sync_credit(uow, referral, outcome)
        if credit:
            details["credit_record"] = credit
    if files:
        _link(uow, referral, files, step)
        changes["files"] = [None, [a.original_name for a in files]]
    action = "enforcement_not_filed" if step == "filing" and outcome.filing == "not_filed" else _ACTIONS[step]
    audit.record(uow, None, user, action, changes=changes, details=details, subject=("enforcement", referral.id))
    return outcome


def record_resumption(uow, user, referral_id, day, application_id):
    """停产整顿解除日期 (`resumed_on`) filled in with `day` when a resumption acceptance agrees to lift the stop-work
    order this referral's decision made (services/resumption.py), in the acceptance's transaction and audited as
    the execution step (before → after). Only a decided record ordering 责令停产停业整顿, without the date yet and not
    closed (a closed record is final; a date recorded by hand is kept). Returns the day written, or None."""
    outcome = uow.session.get(EnforcementOutcome, referral_id, populate_existing=True)
    if outcome is None or not outcome.is_decided or outcome.status == "closed" or outcome.resumed_on is not None \
            or "suspension" not in (outcome.measures or []) or day < outcome.decision_date:
        return None
    before_status = outcome.status
    outcome.resumed_on = day
    outcome.status = outcome.derived_status()
    outcome.updated_at, outcome.updated_by_id = clock.now(), user.id
    changes = {"resumed_on": [None, day]}
    if before_status != outcome.status:
        changes["status"] = [before_status, outcome.status]
    referral = outcome.referral
    audit.record(uow, None, user, "enforcement_executed", changes=changes,
                 details={"case_id": referral.case_id, "case_code": referral.case.code,
                          "enterprise_id": referral.enterprise_id, "round": referral.round,
                          "resumption_application_id": application_id}, subject=("enforcement", referral.id))
    return day


_ACTIONS = {"filing": "enforcement_filed", "decision": "enforcement_decided", "execution": "enforcement_executed",
            "closing": "enforcement_closed"}


def _check_order(outcome, step):
    if outcome is not None and outcome.status == "closed":
        raise Conflict("执法案件已结案，不能再修改 / the enforcement case is closed")
    if step == "decision" and (outcome is None or outcome.filing != "filed"):
        raise Conflict("尚未立案，不能登记处理决定 / no decision before the case is filed")
    if step in ("execution", "closing") and (outcome is None or not outcome.is_decided):
        raise Conflict("尚未作出处理决定 / no decision recorded yet")


def _filing(form, referral, outcome, errors):
    filing = str(form.get("filing") or "")
    if filing not in FILING_CHOICES:
        errors["filing"] = "请选择立案或不予立案 / choose filed or not filed"
    if filing == "not_filed" and outcome is not None and outcome.is_decided:
        raise Conflict("已作出处理决定，不能改为不予立案 / a decision is recorded: the case was filed")
    day = _day(form.get("filing_date"), "filing_date", "立案日期", errors)
    if day is not None and day < referral.referred_at.astimezone(SHANGHAI).date():
        errors["filing_date"] = "立案日期不能早于移送日期 / the date cannot be before the referral"
    elif day is not None and outcome is not None and outcome.decision_date and day > outcome.decision_date:
        errors["filing_date"] = "立案日期不能晚于决定日期 / the date cannot be after the decision"
    values = {"filing": filing, "filing_date": day}
    if filing == "not_filed":
        reason = clean_text(form.get("not_filed_reason"), MAX_TEXT, "not_filed_reason", errors)
        if not reason and "not_filed_reason" not in errors:
            errors["not_filed_reason"] = "请写明不予立案的理由 / give the reason"
        return values | {"not_filed_reason": reason, "case_number": "", "officers": ""}
    case_number = clean_text(form.get("case_number"), 64, "case_number", errors)
    officers = clean_text(form.get("officers"), 200, "officers", errors)
    if filing == "filed" and not case_number and "case_number" not in errors:
        errors["case_number"] = "请填写执法案号 / enter the enforcement case number"
    if filing == "filed" and not officers and "officers" not in errors:
        errors["officers"] = "请填写承办执法人员 / enter the officers"
    return values | {"case_number": case_number, "officers": officers, "not_filed_reason": ""}


def _decision(form, referral, outcome, errors):
    measures = _measures(form.get("measures"), errors)
    amount = _fine(form.get("fine_amount"), "fine" in measures, errors)
    number = clean_text(form.get("decision_number"), 64, "decision_number", errors)
    if not number and "decision_number" not in errors:
        errors["decision_number"] = "请填写决定书文号 / enter the decision document's number"
    day = _day(form.get("decision_date"), "decision_date", "决定日期", errors)
    if day is not None and day < outcome.filing_date:
        errors["decision_date"] = "决定日期不能早于立案日期 / the decision cannot be before the filing"
    elif day is not None and any(d and d < day for d in (outcome.fine_paid_on, outcome.resumed_on)):
        errors["decision_date"] = "决定日期不能晚于已登记的执行日期 / the decision cannot be after its execution"
    if outcome.fine_paid_on and "fine" not in measures and "measures" not in errors:
        errors["measures"] = "已登记罚款缴纳，不能去掉罚款 / the fine is recorded as paid"
    if outcome.resumed_on and "suspension" not in measures and "measures" not in errors:
        errors["measures"] = "已登记停产整顿解除，不能去掉该项 / the stop-work order is recorded as lifted"
    return {"measures": measures, "fine_amount": amount, "decision_number": number, "decision_date": day}


def _execution(form, referral, outcome, errors):
    paid = _executed_on(form.get("fine_paid_on"), "fine_paid_on", "fine", outcome, errors)
    resumed = _executed_on(form.get("resumed_on"), "resumed_on", "suspension", outcome, errors)
    note = clean_text(form.get("execution_note"), MAX_TEXT, "execution_note", errors)
    if not (paid or resumed or note) and not errors:
        errors["execution_note"] = "请登记执行情况 / record how the decision was executed"
    return {"fine_paid_on": paid, "resumed_on": resumed, "execution_note": note}


def _executed_on(value, name, measure, outcome, errors):
    day = parse_date(value, name, errors)
    if day is None or name in errors:
        return None
    if measure not in outcome.measures:
        errors[name] = "处理决定中没有该项措施 / the decision has no such measure"
    elif day < outcome.decision_date:
        errors[name] = "执行日期不能早于决定日期 / the date cannot be before the decision"
    elif day > clock.local_now().date():
        errors[name] = "日期不能晚于今天 / the date cannot be in the future"
    return day


def _closing(form, referral, outcome, errors):
    day = _day(form.get("closed_on"), "closed_on", "结案日期", errors)
    latest = max(d for d in (outcome.decision_date, outcome.fine_paid_on, outcome.resumed_on) if d)
    if day is not None and day < outcome.decision_date:
        errors["closed_on"] = "结案日期不能早于决定日期 / closing cannot be before the decision"
    elif day is not None and day < latest:
        errors["closed_on"] = "结案日期不能早于执行日期 / closing cannot be before the execution"
    note = clean_text(form.get("closing_note"), MAX_TEXT, "closing_note", errors)
    return {"closed_on": day, "closing_note": note}


_CLEANERS = {"filing": _filing, "decision": _decision, "execution": _execution, "closing": _closing}


def _day(value, name, title, errors):
    """A required date not after today (Shanghai)."""
    day = parse_date(value, name, errors)
    if name in errors:
        return None
    if day is None:
        errors[name] = f"请填写{title} / the date is required"
    elif day > clock.local_now().date():
        errors[name] = f"{title}不能晚于今天 / the date cannot be in the future"
        return None
    return day


def _measures(value, errors):
    values = value if isinstance(value, (list, tuple)) else ([] if value in (None, "") else [value])
    chosen = {str(v) for v in values}
    if not chosen:
        errors["measures"] = "请选择至少一项处理措施 / choose at least one measure"
    elif chosen - set(ENFORCEMENT_MEASURES):
        errors["measures"] = "处理措施无效 / unknown measure"
    return [code for code in ENFORCEMENT_MEASURES if code in chosen]


def _fine(value, fined, errors):
    """The fine in yuan (two decimals): required and above 0 with the measure "fine", absent without it."""
    text = "" if value is None else str(value).strip().replace(",", "")
    if not text:
        if fined:
            errors["fine_amount"] = "请填写罚款金额（元） / enter the fine in yuan"
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        errors["fine_amount"] = "请填写金额（元），如 20000 / enter an amount in yuan, e.g. 20000"
    elif amount <= 0:
        errors["fine_amount"] = "罚款金额应大于 0 / the fine must be more than 0"
    elif amount.quantize(Decimal("0.01")) >= MAX_FINE:
        errors["fine_amount"] = "金额过大 / the amount is too large"
    elif not fined:
        errors["fine_amount"] = "未选择罚款，不应填写金额 / an amount without the measure fine"
    else:
        return amount.quantize(Decimal("0.01"))
    return None


def _free_uploads(session, user, file_ids, referral, errors):
    """The user's own uploads not owned by anything yet, as Attachments; a wrong id or too many: a field error."""
    wanted = [str(p) for p in file_ids]
    if not wanted:
        return []
    held = session.query(Attachment.id).filter_by(enforcement_referral_id=referral.id).count()
    rows = session.query(Attachment).filter(
        Attachment.public_id.in_(wanted), Attachment.uploader_id == user.id,
        free_of_owners(Attachment.__table__.c)).all()
    if len(rows) != len(set(wanted)):
        errors["files"] = "附件无效 / unknown attachment"
    elif held + len(rows) > MAX_FILES:
        errors["files"] = f"最多 {MAX_FILES} 个附件 / at most {MAX_FILES} files"
    return rows


def _link(uow, referral, files, step):
    taken = uow.session.execute(update(Attachment).where(
        Attachment.id.in_([a.id for a in files]), free_of_owners(Attachment.__table__.c)).values(enforcement_referral_id=referral.id, field=step)
        .execution_options(synchronize_session="fetch"))
    if taken.rowcount != len(files):  # linked elsewhere a moment ago
        raise ValidationFailed("附件无效 / unknown attachment", fields={"files": "unknown attachment"})


def _sync_credit(uow, referral, outcome):
    """The credit-record entry of a penalty decision: added, updated, or removed when no penalty is left."""
    if outcome.penalties:
        note = credit_note(outcome)
        if outcome.credit_record_id is None:
            entry = CreditRecord(enterprise_id=referral.enterprise_id, case_id=referral.case_id,
                                 kind="enforcement_penalty", note=note, created_at=clock.now())
            uow.session.add(entry)
            uow.session.flush()
            outcome.credit_record_id = entry.id
            return "added"
        entry = uow.session.get(CreditRecord, outcome.credit_record_id)
        if entry.note != note:
            entry.note = note
            return "updated"
        return None
    if outcome.credit_record_id is not None:
        entry = uow.session.get(CreditRecord, outcome.credit_record_id)
        outcome.credit_record_id = None
        uow.session.flush()
        uow.session.delete(entry)
        return "removed"
    return None


def credit_note(outcome):
    """"中文 / English", as the other credit-record notes (shown by the `bilingual` filter)."""
    zh = "、".join(ENFORCEMENT_MEASURES[m][0] for m in outcome.measures)
    en = ", ".join(ENFORCEMENT_MEASURES[m][1].lower() for m in outcome.measures)
    if outcome.fine_amount is not None:
        zh += f"（罚款 {outcome.fine_amount} 元）"
        en += f" (fine {outcome.fine_amount} yuan)"
    return f"执法决定 {outcome.decision_number}：{zh} / enforcement decision {outcome.decision_number}: {en}"


def files_of(session, referral_id):
    return session.query(Attachment).filter_by(enforcement_referral_id=referral_id).order_by(Attachment.id).all()


def file_of(session, user, referral_id, public_id):
    """A document of the record, for those who read it."""
    get_for_reader(session, user, referral_id)
    item = session.query(Attachment).filter_by(enforcement_referral_id=referral_id, public_id=str(public_id)).first()
    if item is None:
        raise NotFound("附件不存在 / attachment not found")
    return item


def history(session, referral_id):
    return audit.subject_history(session, "enforcement", referral_id)[::-1]


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list):
        return list(value)
    return value
