"""The weekly contact rule (seed 000 line 600: 联络专员每周至少与企业对接一次): for an ISO week (Monday 00:00 to the next
Monday 00:00, Shanghai time), the enterprises that had a liaison the whole week and no contact in the log within it.

Choices where the tender is silent: any logged contact with the enterprise counts, whoever of the staff had it (the
rule is that the enterprise hears from the project every week); an enterprise whose liaison changed during the week,
or who got one after the week began, is not counted against anyone for that week; an enterprise without a liaison is
listed on the assignments page (scope "none"), not here. Once a week — checked hourly, each notice sent once per week
and liaison — each liaison is told which of their enterprises went without contact in the last complete week."""
import re
from datetime import date, datetime, timedelta

from sqlalchemy import and_, exists, or_

from ..clock import SHANGHAI, clock
from ..errors import ValidationFailed
from ..models import ContactEntry, Enterprise, LiaisonAssignment
from . import audit, liaisons, notifications

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
NOTICE_KIND = "liaison_week_gap"


def week_label(monday):
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(text):
    """The Monday of an ISO week typed as "2026-W47"; None when empty; ValidationFailed naming `week` otherwise."""
    if not text:
        return None
    match = _WEEK.match(str(text).strip())
    if not match:
        _bad_week()
    try:
        return date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        return _bad_week()


def _bad_week():
    raise ValidationFailed("请按 2026-W47 的格式选择周 / give the week as 2026-W47",
                           fields={"week": "请按 2026-W47 的格式选择周 / give the week as 2026-W47"})


def last_complete_week(today=None):
    """The Monday of the last ISO week that has ended (on a Monday: the week that ended at midnight)."""
    today = today or clock.local_now().date()
    return today - timedelta(days=today.weekday() + 7)


def week_bounds(monday):
    start = datetime.combine(monday, datetime.min.time(), tzinfo=SHANGHAI)
    return start, start + timedelta(days=7)


def gaps(session, monday, condition=None):
    """[(enterprise, assignment)] for the week starting `monday`: the enterprises with a liaison for the whole week
    and no logged contact in it, by name; `condition` limits the enterprises (a reader's area)."""
    start, end = week_bounds(monday)
    contacted = exists().where(ContactEntry.enterprise_id == LiaisonAssignment.enterprise_id,
                               ContactEntry.contacted_at >= start, ContactEntry.contacted_at < end)
    query = session.query(Enterprise, LiaisonAssignment).join(
        LiaisonAssignment, LiaisonAssignment.enterprise_id == Enterprise.id).filter(
        LiaisonAssignment.assigned_at <= start,
        or_(LiaisonAssignment.ended_at.is_(None), LiaisonAssignment.ended_at >= end), ~contacted)
    if condition is not None:
        query = query.filter(condition)
    return query.order_by(Enterprise.name, Enterprise.id).all()


def visible_gaps(session, user, monday):
    liaisons.check_may_read_log(user)
    return gaps(session, monday, liaisons.log_condition(user, Enterprise.id))


def covered_count(session, monday, condition=None):
    """How many enterprises had a liaison the whole week (what the gaps are out of)."""
    start, end = week_bounds(monday)
    query = session.query(LiaisonAssignment.enterprise_id).join(
        Enterprise, Enterprise.id == LiaisonAssignment.enterprise_id).filter(and_(
            LiaisonAssignment.assigned_at <= start,
            or_(LiaisonAssignment.ended_at.is_(None), LiaisonAssignment.ended_at >= end)))
    if condition is not None:
        query = query.filter(condition)
    return query.distinct().count()


def notify_gaps(uow):
    """Tell each liaison, once per week, which of their enterprises had no contact in the last complete week.
    Returns how many liaisons were told (0 when every one was told already, or nothing was missed)."""
    monday = last_complete_week()
    label = week_label(monday)
    by_liaison = {}
    for enterprise, assignment in gaps(uow.session, monday):
        by_liaison.setdefault(assignment.liaison_id, (assignment.liaison, []))[1].append(enterprise.name)
    told = 0
    for liaison_id, (liaison, names) in sorted(by_liaison.items()):
        key = f"liaison-gaps:{label}:{liaison_id}"
        recipients = notifications.not_yet_given(uow, [liaison] if liaison.active else [], key)
        if not recipients:
            continue
        notifications.send(uow, recipients, NOTICE_KIND, f"{label} 周未与 {len(names)} 家企业对接",
                           "联络专员每周至少与企业对接一次。上周没有沟通记录的企业：" + "、".join(names[:30])
                           + ("等" if len(names) > 30 else ""), key)
        told += 1
    if told:
        audit.record(uow, None, None, "liaison_gaps_notified",
                     details={"week": label, "liaisons": told,
                              "enterprises": sum(len(names) for _user, names in by_liaison.values())})
    return told
