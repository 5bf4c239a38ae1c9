"""Where a major hazard source stands (services/hazard_sources.py): its safety assessment's validity, its filing,
its open IoT alarms; the county list of sources with those filters; and the reminders of assessments falling due.

- Assessment (安全评估, at least every three years, 40号令第八条): due again on the assessment date + 3 years − 1 day
  (kept on the row as `assessment_due_on`). 即将到期 from 60 days before that day, 已过期 the day after it (Shanghai
  days); 未评估 without an assessment date.
- Filing (备案, 第二十三条: a re-assessed source is filed again): 未备案 without a filing number; 须重新备案 when it was
  filed before its latest assessment, or the assessment it rests on has lapsed.
- Alarms: the open (not closed) IoT alarms of the devices linked to the source.

The enterprise's staff are told once 60 days before the assessment's due day and once when it has passed (a source
entered already lapsed gets the second notice only); the day told about is kept on the row, so a new assessment
arms both again and a scheduler run twice tells nobody twice."""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, exists, func, or_, update

from ..clock import clock
from ..models import Enterprise, HazardSource, IotAlarm, source_device
from . import audit, notifications
from .access import enterprise_condition
from .hazard_sources import SUBJECT

WARN_DAYS = 60
LAPSES = ("any", "filing", "assessment")


def today():
    return clock.local_now().date()


def assessment_state(row, day=None):
    """"missing", "lapsed", "due" (within 60 days), "valid"; None for a retired source."""
    if row.retired_at is not None:
        return None
    if row.assessment_due_on is None:
        return "missing"
    day = day or today()
    if row.assessment_due_on < day:
        return "lapsed"
    return "due" if row.assessment_due_on <= day + timedelta(days=WARN_DAYS) else "valid"


def filing_state(row, day=None):
    """"missing", "refile" (filed before the latest assessment, or that assessment lapsed), "valid"; None retired."""
    if row.retired_at is not None:
        return None
    if not row.filing_number or row.filed_on is None:
        return "missing"
    if (row.assessed_on and row.filed_on < row.assessed_on) or assessment_state(row, day) == "lapsed":
        return "refile"
    return "valid"


def days_left(row, day=None):
    return (row.assessment_due_on - (day or today())).days if row.assessment_due_on else None


def _assessment_lapsed(day):
    return or_(HazardSource.assessment_due_on.is_(None), HazardSource.assessment_due_on < day)


def _filing_lapsed(day):
    return or_(HazardSource.filing_number == "", HazardSource.filed_on.is_(None),
               and_(HazardSource.assessed_on.isnot(None), HazardSource.filed_on < HazardSource.assessed_on),
               HazardSource.assessment_due_on < day)


def _open_alarm():
    return exists().where(source_device.c.source_id == HazardSource.id, IotAlarm.device_id == source_device.c.device_id,
                          IotAlarm.closed_at.is_(None))


def open_alarms(session, source_ids):
    """{source id: [open IotAlarm of its devices, the latest first]}."""
    if not source_ids:
        return {}
    found = {}
    rows = session.query(source_device.c.source_id, IotAlarm).join(
        IotAlarm, IotAlarm.device_id == source_device.c.device_id) \
        .filter(source_device.c.source_id.in_(list(source_ids)), IotAlarm.closed_at.is_(None)) \
        .order_by(IotAlarm.opened_at.desc(), IotAlarm.id.desc())
    for source_id, alarm in rows:
        found.setdefault(source_id, []).append(alarm)
    return found


@dataclass
class SourceFilter:
    level: int = None
    township: str = ""
    lapsed: str = ""  # "", "any", "filing" or "assessment"
    alarm: bool = False  # only sources with an open alarm
    name: str = ""  # part of the source's or the enterprise's name
    limit: int | None = 50
    offset: int = 0


def listing(session, user, flt):
    """(sources not retired of the enterprises the user may see, with the filters, by township, enterprise and
    level; how many)."""
    day = today()
    query = session.query(HazardSource).join(Enterprise, Enterprise.id == HazardSource.enterprise_id) \
        .filter(enterprise_condition(user, HazardSource.enterprise_id), HazardSource.retired_at.is_(None))
    if flt.level:
        query = query.filter(HazardSource.level == flt.level)
    if flt.township:
        query = query.filter(Enterprise.township == flt.township)
    if flt.lapsed == "filing":
        query = query.filter(_filing_lapsed(day))
    elif flt.lapsed == "assessment":
        query = query.filter(_assessment_lapsed(day))
    elif flt.lapsed == "any":
        query = query.filter(or_(_filing_lapsed(day), _assessment_lapsed(day)))
    if flt.alarm:
        query = query.filter(_open_alarm())
    if flt.name:
        query = query.filter(or_(HazardSource.name.contains(flt.name, autoescape=True),
                                 Enterprise.name.contains(flt.name, autoescape=True)))
    total = query.count()
    query = query.order_by(Enterprise.township, Enterprise.name, HazardSource.level, HazardSource.id) \
        .offset(flt.offset)
    return (query.limit(flt.limit) if flt.limit else query).all(), total


def device_alarm_counts(session, device_ids):
    """{device id: open alarms}."""
    if not device_ids:
        return {}
    return dict(session.query(IotAlarm.device_id, func.count(IotAlarm.id))
                .filter(IotAlarm.device_id.in_(list(device_ids)), IotAlarm.closed_at.is_(None))
                .group_by(IotAlarm.device_id).all())


# ---- reminders ---------------------------------------------------------------------------------------------------
def _told_about(column):
    return or_(column.is_(None), column != HazardSource.assessment_due_on)


def notify_due(uow):
    """Tell the enterprises' staff of assessments 60 days from their due day, and of those past it, once per due
    day each. Returns how many notices (per source) were sent now."""
    day = today()
    lapsed = and_(HazardSource.assessment_due_on < day, _told_about(HazardSource.lapsed_for))
    rows = uow.session.query(HazardSource).filter(
        HazardSource.retired_at.is_(None), HazardSource.assessment_due_on.isnot(None),
        HazardSource.assessment_due_on <= day + timedelta(days=WARN_DAYS),
        or_(_told_about(HazardSource.warned_for), lapsed)).order_by(HazardSource.id).all()
    sent = 0
    for row in rows:
        event = "lapsed" if row.assessment_due_on < day else "due"
        column = HazardSource.lapsed_for if event == "lapsed" else HazardSource.warned_for
        # both days are set once lapsed: a lapsed assessment is not warned "60 days before" afterwards
        values = {"warned_for": row.assessment_due_on, "lapsed_for": row.assessment_due_on} \
            if event == "lapsed" else {"warned_for": row.assessment_due_on}
        taken = uow.session.execute(update(HazardSource).where(
            HazardSource.id == row.id, HazardSource.assessment_due_on == row.assessment_due_on, _told_about(column))
            .values(**values).execution_options(synchronize_session=False))
        if taken.rowcount != 1:  # another scheduler told them a moment ago, or a new assessment came meanwhile
            continue
        _tell(uow, row, event)
        sent += 1
    return sent


def _tell(uow, row, event):
    due = row.assessment_due_on.isoformat()
    key = f"{SUBJECT}:{row.id}:assessment_{event}:{due}"
    staff = notifications.not_yet_given(uow, notifications.role_holders(uow, ("enterprise",), row.enterprise_id), key)
    if event == "due":
        title = f"重大危险源“{row.name}”的安全评估将于{due}到期"
    else:
        title = f"重大危险源“{row.name}”的安全评估已于{due}到期"
    body = "重大危险源安全评估每三年至少进行一次。请委托评估并在评估后向应急管理部门重新备案，然后在重大危险源登记中更新评估日期和备案信息。"
    notifications.send(uow, staff, f"hazard_source_assessment_{event}", title[:200], body, key)
    audit.record(uow, None, None, f"hazard_source_assessment_{event}",
                 details={"enterprise_id": row.enterprise_id, "source": row.name, "assessment_due_on": due,
                          "recipients": len(staff)}, subject=(SUBJECT, row.id))
