"""The emergency incident log (突发状况接报与处置, models/emergency.py): receiving an incident, correcting its record and
recording its stages in order; who reads which incident. The limits and lateness are in services/emergency_limits.py,
the people and instruments sent and the closing with its analysis report in services/emergency_response.py, the
duty roster in services/emergency_duty.py.

Who: project leads, the project team and inspectors (the contractor's people who take the calls and go out) record
and update; every other county-wide role (the bureau, managers …) reads all; a township safety office reads the
incidents in its townships / parks; an enterprise's staff read those at their enterprise, without the internal note
(another's: NotFound); department users: NotAllowed. Every change is audited under the incident (subject
"emergency") with before → after values."""
from dataclasses import dataclass
from datetime import timedelta, timezone

from sqlalchemy import false, func, or_
from sqlalchemy.exc import IntegrityError

from ..clock import SHANGHAI, clock, start_of_local_day
from ..errors import Conflict, NotAllowed, NotFound
from ..models import EMERGENCY_LEVELS, EMERGENCY_STAGES, EmergencyEvent, Enterprise, User
from . import audit, emergency_duty, emergency_notices
from .access import covered_townships, sees_all_cases
from .emergency_limits import TIMED_STAGES, is_late
from .field_rules import aware_moment, clean_text, raise_if, row_id
from .user_scope import register_townships

WRITERS = ("project_lead", "project_team", "inspector")
SUBJECT = "emergency"
MAX_TEXT = 4000
MAX_QUERY = 100
FIELDS = ("received_at", "received_by_id", "reporter", "reporter_contact", "enterprise_id", "township", "place",
          "description", "level", "handling_note", "internal_note")
STAGE_NAMES = {stage: names[0] for stage, names in EMERGENCY_STAGES.items()}


# ---- who may do what ----------------------------------------------------------------------------------------------
def reads_all(user):
    return sees_all_cases(user)


def own_enterprise(user):
    return user.enterprise_id if "enterprise" in user.roles and user.enterprise_id else None


def may_read(user):
    return reads_all(user) or own_enterprise(user) is not None or bool(covered_townships(user))


def may_write(user):
    return user.has_role(*WRITERS)


def sees_internal(user, row):
    """The internal note: for the county-wide roles and the township offices of the incident's area, never for the
    enterprise."""
    return reads_all(user) or (bool(row.township) and row.township in covered_townships(user))


def check_may_read(user):
    if not may_read(user):
        raise NotAllowed("突发状况记录供监管部门、服务机构、属地监管和事发企业查看 / the incident log is for the bureau, its "
                         "contractor, township offices and the enterprise concerned")


def check_may_write(user):
    if not may_write(user):
        raise NotAllowed("只有项目负责人、项目执行小组和现场排查人员可以登记突发状况 / only project leads, the project team "
                         "and inspectors record incidents")


def _visible(session, user):
    query = session.query(EmergencyEvent)
    if reads_all(user):
        return query
    parts = []
    if own_enterprise(user):
        parts.append(EmergencyEvent.enterprise_id == own_enterprise(user))
    if covered_townships(user):
        parts.append(EmergencyEvent.township.in_(covered_townships(user)))
    return query.filter(or_(*parts) if parts else false())


def get(session, user, event_id, for_update=False):
    """The incident if the user may read it; NotFound otherwise (no existence leak)."""
    check_may_read(user)
    number = row_id(event_id)
    query = _visible(session, user).filter(EmergencyEvent.id == number) if number is not None else None
    row = (query.with_for_update() if for_update else query).first() if query is not None else None
    if row is None:
        raise NotFound("突发状况记录不存在 / incident not found")
    return row


def get_for_change(session, user, event_id):
    """The incident, locked, for a change: NotFound / NotAllowed as usual, Conflict once it is closed."""
    row = get(session, user, event_id, for_update=True)
    check_may_write(user)
    if row.closed_at is not None:
        raise Conflict("突发状况已结案，不能再修改 / the incident is closed and can no longer be changed")
    return row


# ---- the list -------------------------------------------------------------------------------------------------------
@dataclass
class EmergencyFilter:
    level: str = ""
    state: str = ""  # "open", "closed" or "" for both
    late: bool = False  # with any stage late (done late, or overdue now)
    enterprise_id: int = None
    township: str = ""
    date_from: object = None  # received on or after this day (Shanghai)
    date_to: object = None  # through this day
    text: str = ""


def listing(session, user, flt):
    """The incidents of the filter the user sees, the latest received first; the lateness (computed, not stored) is
    applied in Python, so every rule of emergency_limits holds here as on the page."""
    check_may_read(user)
    query = _visible(session, user)
    if flt.level in EMERGENCY_LEVELS:
        query = query.filter(EmergencyEvent.level == flt.level)
    if flt.state == "open":
        query = query.filter(EmergencyEvent.closed_at.is_(None))
    elif flt.state == "closed":
        query = query.filter(EmergencyEvent.closed_at.isnot(None))
    if flt.enterprise_id:
        query = query.filter(EmergencyEvent.enterprise_id == flt.enterprise_id)
    if flt.township:
        query = query.filter(EmergencyEvent.township == flt.township)
    if flt.date_from:
        query = query.filter(EmergencyEvent.received_at >= start_of_local_day(flt.date_from))
    if flt.date_to:
        query = query.filter(EmergencyEvent.received_at < start_of_local_day(flt.date_to + timedelta(days=1)))
    if flt.text:
        pattern = f"%{flt.text.lower()}%"
        query = query.filter(or_(*(func.lower(column).like(pattern) for column in
                                   (EmergencyEvent.code, EmergencyEvent.reporter, EmergencyEvent.place,
                                    EmergencyEvent.description))))
    rows = query.order_by(EmergencyEvent.received_at.desc(), EmergencyEvent.id.desc()).all()
    if flt.late:
        now = clock.now()
        rows = [row for row in rows if is_late(row, now)]
    return rows


def enterprise_choices(session):
    return session.query(Enterprise).order_by(Enterprise.name, Enterprise.id).all()


def township_choices(session, user):
    """The townships / parks the list can be narrowed to: the register's, or the office's own."""
    return register_townships(session) if reads_all(user) else sorted(covered_townships(user))


def staff_users(session):
    """Active staff users: who may receive a call or be sent out."""
    users = session.query(User).filter(User.active.is_(True)).order_by(User.display_name, User.id).all()
    return [u for u in users if sees_all_cases(u)]


# ---- receiving and correcting ------------------------------------------------------------------------------------
def clean(session, user, values, row=None):
    """The record's fields checked: ValidationFailed names every wrong field at once."""
    errors = {}
    now = clock.now()
    received_at = _received_at(values.get("received_at"), row, now, errors)
    receiver = _receiver(session, user, values.get("received_by_id"), errors)
    texts = {name: clean_text(values.get(name), longest, name, errors)
             for name, longest in (("reporter", 64), ("reporter_contact", 64), ("place", 200),
                                   ("description", MAX_TEXT), ("handling_note", MAX_TEXT),
                                   ("internal_note", MAX_TEXT))}
    for name, message in (("reporter", "请填写报告人 / enter who reported it"),
                          ("place", "请填写事发地点 / enter the place"),
                          ("description", "请填写事件情况 / describe what happened")):
        if not texts[name] and name not in errors:
            errors[name] = message
    enterprise_id, township = _where(session, values, errors, row)
    level = str(values.get("level") or "")
    if level not in EMERGENCY_LEVELS:
        errors["level"] = "请选择响应等级 / choose the level"
    raise_if(errors)
    return {"received_at": received_at, "received_by_id": receiver.id, "enterprise_id": enterprise_id,
            "township": township, "level": level, **texts}


def _received_at(value, row, now, errors):
    """When the call came: the app clock's now by default (to the second), a moment typed back in time; never in the
    future, and never after the call was acknowledged."""
    if value in (None, ""):
        return row.received_at if row is not None else now.replace(microsecond=0)
    moment = aware_moment(value) if isinstance(value, str) else value
    if moment is None or not hasattr(moment, "tzinfo") or moment.tzinfo is None:
        errors["received_at"] = "请填写接报时间，如 2026-11-23T09:00 / enter the time such as 2026-11-23T09:00"
        return value
    if moment > now:
        errors["received_at"] = "接报时间不能晚于现在 / the time cannot be in the future"
    elif row is not None and row.acknowledged_at is not None and moment > row.acknowledged_at:
        errors["received_at"] = "接报时间不能晚于接警时间 / the call cannot come after its acknowledgement"
    return moment.astimezone(timezone.utc).replace(microsecond=0)


def _receiver(session, user, value, errors):
    """Who took the call: an active staff user; by default the one on duty now, else the user recording it."""
    if value in (None, ""):
        on_duty = emergency_duty.default_receiver(session, user)
        return on_duty or user
    user_id = row_id(value)
    receiver = session.get(User, user_id) if user_id is not None else None
    if receiver is None or not receiver.active or not sees_all_cases(receiver):
        errors["received_by_id"] = "请选择接报人（在用的工作人员账号）/ choose who received it (an active staff user)"
        return user
    return receiver


def _where(session, values, errors, row=None):
    """(enterprise id, township): an enterprise of the register sets the township; without one, a township / park of
    the register may be chosen (or none; or the one the record has, even if the register renamed it since)."""
    value = values.get("enterprise_id")
    if value not in (None, ""):
        enterprise_id = row_id(value)
        enterprise = session.get(Enterprise, enterprise_id) if enterprise_id is not None else None
        if enterprise is None:
            errors["enterprise_id"] = "企业名录中没有这家企业 / no such enterprise on the register"
            return None, ""
        return enterprise.id, enterprise.township or ""
    township = clean_text(values.get("township"), 64, "township", errors)
    kept = row.township if row is not None else None
    if township and township != kept and township not in register_townships(session):
        errors["township"] = "企业名录中没有这个乡镇/园区 / no such township or park on the register"
    return None, township


def receive(uow, user, values):
    """A new incident; a 重大 or 较大 one tells the bureau and the project leads at once."""
    check_may_read(user)
    check_may_write(user)
    fields = clean(uow.session, user, values)
    now = clock.now()
    for attempt in range(3):
        row = EmergencyEvent(code=_next_code(uow.session, fields["received_at"]), recorded_by_id=user.id,
                             created_at=now, updated_at=now, **fields)
        uow.session.add(row)
        try:
            with uow.session.begin_nested():
                uow.session.flush()
            break
        except IntegrityError:  # the same code taken by another call recorded a moment ago
            if row in uow.session:
                uow.session.expunge(row)
            if attempt == 2:
                raise Conflict("编号冲突，请重试 / the code was taken, try again") from None
    audit.record(uow, None, user, "emergency_received",
                 changes=_audited(uow.session, {k: [None, v] for k, v in fields.items() if v not in ("", None)}),
                 details=audit_details(row), subject=(SUBJECT, row.id))
    emergency_notices.tell_urgent(uow, row)
    return row


def _next_code(session, received_at):
    year = received_at.astimezone(SHANGHAI).year
    prefix = f"TF-{year}-"
    last = session.query(func.max(EmergencyEvent.code)).filter(EmergencyEvent.code.like(f"{prefix}%")).scalar()
    number = int(last[len(prefix):]) + 1 if last and last[len(prefix):].isdigit() else 1
    return f"{prefix}{number:04d}"


def update(uow, user, event_id, values):
    """The corrected record (while open); a level raised to 重大 or 较大 tells the bureau and the project leads."""
    row = get_for_change(uow.session, user, event_id)
    fields = clean(uow.session, user, values, row)
    changes = {k: [getattr(row, k), v] for k, v in fields.items() if getattr(row, k) != v}
    for name, (_before, after) in changes.items():
        setattr(row, name, after)
    row.updated_at = clock.now()
    audit.record(uow, None, user, "emergency_updated", changes=_audited(uow.session, changes),
                 details=audit_details(row), subject=(SUBJECT, row.id))
    if "level" in changes:
        emergency_notices.tell_urgent(uow, row)
    return row


# ---- the stages -----------------------------------------------------------------------------------------------------
def record_stage(uow, user, event_id, stage, value=None):
    """A stage's time (now by default, or a moment typed back in time), the first time or corrected: at or after the
    stage before it (the receipt for 接警), at or before the stage after it if that is recorded, never in the future;
    the stage before must be recorded first. Closing is emergency_response.close. Errors name `<stage>_at`."""
    row = get_for_change(uow.session, user, event_id)
    if stage not in TIMED_STAGES:
        raise_if({"stage": "没有这个处置环节 / no such stage"})
    field = f"{stage}_at"
    errors = {}
    moment = check_stage_time(row, stage, value, errors, field)
    raise_if(errors)
    before = row.stage_at(stage)
    if before == moment:
        return row
    setattr(row, field, moment)
    row.updated_at = clock.now()
    audit.record(uow, None, user, "emergency_stage_recorded", changes={field: [before, moment]},
                 details={**audit_details(row), "stage": stage}, subject=(SUBJECT, row.id))
    return row


def check_stage_time(row, stage, value, errors, field):
    """The moment of `stage` read from `value` (None / "" is now) and checked against its neighbours."""
    now = clock.now()
    if value in (None, ""):
        moment = now.replace(microsecond=0)
    else:
        moment = aware_moment(value) if isinstance(value, str) else value
        if moment is None or getattr(moment, "tzinfo", None) is None:
            errors[field] = "请填写时间，如 2026-11-23T09:05 / enter the time such as 2026-11-23T09:05"
            return None
        moment = moment.astimezone(timezone.utc).replace(microsecond=0)
    stages = list(EMERGENCY_STAGES)
    position = stages.index(stage)
    previous = stages[position - 1] if position else None
    earliest = row.stage_at(previous) if previous else row.received_at
    following = next((row.stage_at(s) for s in stages[position + 1:] if row.stage_at(s) is not None), None)
    if previous and earliest is None:
        errors[field] = (f"请先记录{STAGE_NAMES[previous]}时间 / record the {EMERGENCY_STAGES[previous][1].lower()} "
                         "time first")
    elif moment > now:
        errors[field] = "时间不能晚于现在 / the time cannot be in the future"
    elif moment < earliest:
        name = STAGE_NAMES[previous] if previous else "接报"
        errors[field] = (f"时间不能早于{name}时间 {earliest.astimezone(SHANGHAI):%Y-%m-%d %H:%M:%S} / the time cannot be "
                         "before the stage before it")
    elif following is not None and moment > following:
        errors[field] = "时间不能晚于下一环节的时间 / the time cannot be after the next stage's"
    return moment


def _audited(session, changes):
    """The changes as the history shows them: the receiver's and the enterprise's names instead of their ids."""
    named = {"received_by_id": ("received_by", lambda i: session.get(User, i).display_name),
             "enterprise_id": ("enterprise", lambda i: session.get(Enterprise, i).name)}
    result = {}
    for name, pair in changes.items():
        if name in named:
            key, show = named[name]
            result[key] = [show(v) if v is not None else None for v in pair]
        else:
            result[name] = pair
    return result


def audit_details(row):
    return {"emergency": row.code, "level": row.level, "enterprise_id": row.enterprise_id}
