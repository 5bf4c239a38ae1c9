"""What the bureau works from when deadlines pass: the key-supervision list, enforcement referrals and the
credit record; plus lateness statistics of fired timers. Every movement is audited."""
from sqlalchemy import bindparam, func, insert, or_, select, update

from ..clock import clock
from ..models import CreditRecord, EnforcementReferral, HazardCase, KeySupervisionEntry, TimerFiring
from . import audit, projection
from .access import enterprise_condition


def on_process_event(uow, case, event_name, round_no):
    if event_name == "rectification_urging":
        put_on_key_supervision(uow, case, round_no)
    elif event_name == "enforcement_referral":
        refer_to_enforcement(uow, case, round_no)


def put_on_key_supervision(uow, case, round_no):
    active = uow.session.query(KeySupervisionEntry).filter_by(enterprise_id=case.enterprise_id, case_id=case.id,
                                                              left_at=None).first()
    if active is not None:
        return active
    entry = KeySupervisionEntry(enterprise_id=case.enterprise_id, case_id=case.id, since=clock.now(),
                                reason=f"隐患 {case.code} 第{round_no}轮整改逾期未完成 / rectification overdue")
    uow.session.add(entry)
    audit.record(uow, case.id, None, "key_supervision_added", details={"enterprise_id": case.enterprise_id,
                                                                        "round": round_no})
    return entry


def refer_to_enforcement(uow, case, round_no):
    exists = uow.session.query(EnforcementReferral.id).filter_by(case_id=case.id, round=round_no).first()
    if exists:
        return
    reason = f"隐患 {case.code} 逾期后宽限期内仍未整改 / not rectified after the grace period"
    uow.session.add(EnforcementReferral(enterprise_id=case.enterprise_id, case_id=case.id, round=round_no,
                                        reason=reason, referred_at=clock.now()))
    uow.session.add(CreditRecord(enterprise_id=case.enterprise_id, case_id=case.id, kind="enforcement_referral",
                                 note=reason, created_at=clock.now()))
    audit.record(uow, case.id, None, "enforcement_referred", details={"enterprise_id": case.enterprise_id,
                                                                       "round": round_no})


# The closed case's own entry ends; so do the enterprise's other entries unless another of its cases is still
# open past its deadline. One prebuilt statement: this runs on every case's closing step.
_ENTRY = KeySupervisionEntry.__table__
_STILL_OVERDUE = select(HazardCase.id).where(
    HazardCase.enterprise_id == bindparam("b_enterprise_id"), HazardCase.status != "closed",
    HazardCase.id != bindparam("b_case_id"), HazardCase.rectification_due < bindparam("b_now")).exists()
_LEAVE = update(_ENTRY).where(
    _ENTRY.c.enterprise_id == bindparam("b_enterprise_id"), _ENTRY.c.left_at.is_(None),
    or_(_ENTRY.c.case_id == bindparam("b_case_id"), ~_STILL_OVERDUE),
).values(left_at=bindparam("b_now")).returning(_ENTRY.c.id, _ENTRY.c.case_id)


def on_case_closed(uow, case):
    """Entries leave the key-supervision list when the enterprise has no case open past its deadline."""
    session = uow.session
    session.flush()  # an entry added earlier in this unit of work must be seen by the statement
    now = clock.now()
    left = session.connection().execute(_LEAVE, {"b_enterprise_id": case.enterprise_id, "b_case_id": case.id,
                                                 "b_now": now}).all()
    for entry_id, case_id in left:
        entry = projection.loaded_object(session, KeySupervisionEntry, entry_id)
        if entry is not None:
            projection.set_committed(entry, {"left_at": now})
        audit.record(uow, case_id, None, "key_supervision_removed",
                     details={"enterprise_id": case.enterprise_id, "closed_case": case.code})


def key_supervision_list(session, include_left=False, user=None):
    """The list's entries (current ones only unless `include_left`); of the enterprises `user` may see if given."""
    query = session.query(KeySupervisionEntry)
    if user is not None:
        query = query.filter(enterprise_condition(user, KeySupervisionEntry.enterprise_id))
    if not include_left:
        query = query.filter(KeySupervisionEntry.left_at.is_(None))
    return query.order_by(KeySupervisionEntry.since.desc()).all()


def enforcement_list(session, user=None):
    query = session.query(EnforcementReferral)
    if user is not None:
        query = query.filter(enterprise_condition(user, EnforcementReferral.enterprise_id))
    return query.order_by(EnforcementReferral.referred_at.desc()).all()


_INSERT_FIRING = insert(TimerFiring.__table__)


def record_firings(uow, case_id, timers):
    """Due and fire time of each fired timer ([(bpmn_id, name, due_at)]), in one statement."""
    now = clock.now()
    rows = [{"case_id": case_id, "bpmn_id": bpmn_id, "name": name or "", "due_at": due_at, "fired_at": now,
             "lateness_seconds": max(0.0, (now - due_at).total_seconds())} for bpmn_id, name, due_at in timers]
    if rows:
        uow.session.connection().execute(_INSERT_FIRING, rows)


def lateness_stats(session, since=None):
    """p50 / p95 / max seconds between a timer's due time and its firing."""
    query = session.query(TimerFiring.lateness_seconds)
    if since is not None:
        query = query.filter(TimerFiring.fired_at >= since)
    values = sorted(v for (v,) in query)
    if not values:
        return {"count": 0, "p50": None, "p95": None, "max": None}

    def pct(p):
        return values[min(len(values) - 1, int(round(p * (len(values) - 1))))]
    return {"count": len(values), "p50": pct(0.5), "p95": pct(0.95), "max": values[-1]}


def credit_records(session, enterprise_id):
    return session.query(CreditRecord).filter_by(enterprise_id=enterprise_id) \
        .order_by(CreditRecord.created_at.desc()).all()


def count_active_key_supervision(session):
    return session.query(func.count(KeySupervisionEntry.id)).filter(KeySupervisionEntry.left_at.is_(None)).scalar()
