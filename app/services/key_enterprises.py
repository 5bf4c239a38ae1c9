"""Key enterprises for return visits (重点企业, seed 000 "定期回访重点企业") and the quarter's due list.

An enterprise is key, with each reason shown, when it is on the key-supervision list (services/sla.py: a case past
its rectification deadline), when it had a 重大 or 特别重大 case registered in the twelve months before, or when a
project lead flagged it (a reason required, removed with a reason, both audited). Nothing else is stored: the list
is computed for a span of days, so the quarter's list holds every enterprise that was key on any day of the quarter
so far — one that left the key-supervision list in its second month still had its return visit due.

Each key enterprise is due RETURN_VISITS_PER_QUARTER return visits (config, 1) per calendar quarter; what remains
when the quarter has ended is overdue. In the quarter's last REMIND_DAYS days the project leads are told once what
remains (scheduler job `remind_return_visits`)."""
import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import func, or_, update

from ..clock import SHANGHAI, clock
from ..errors import Conflict, NotAllowed
from ..models import Enterprise, HazardCase, KeyEnterpriseMark, KeySupervisionEntry, ReturnVisit
from . import audit, notifications
from .access import enterprise_condition, get_visible_enterprise
from .field_rules import clean_text, raise_if, row_id
from .training_targets import Quarter

MAJOR_GRADES = ("major", "especially_major")
MAJOR_MONTHS = 12
DEFAULT_PER_QUARTER = 1
REMIND_DAYS = 30
STAFF = ("project_lead", "project_team", "inspector")  # record return visits
READERS = STAFF + ("bureau", "manager")
MARKERS = ("project_lead",)
MAX_REASON = 500
NOTICE_KIND = "return_visit_due"
KEY_REASON_KINDS = {
    "supervision": ("重点监管名单", "On the key-supervision list"),
    "major_case": ("近12个月有重大隐患", "Major hazard in the last 12 months"),
    "marked": ("项目负责人标记", "Flagged by a project lead"),
}


def may_read(user):
    return user.has_role(*READERS)


def may_mark(user):
    return user.has_role(*MARKERS)


def check_may_read(user):
    if not may_read(user):
        raise NotAllowed("重点企业和待回访清单供项目负责人、项目执行小组、排查人员、应急管理局和管理人员查看 / the key "
                         "enterprises and the due list are for the project team, the bureau and managers")


def per_quarter():
    return current_app.config.get("RETURN_VISITS_PER_QUARTER", DEFAULT_PER_QUARTER)


def day_start(day):
    return datetime.combine(day, time(0), tzinfo=SHANGHAI)


def months_before(day, months):
    """The same day `months` calendar months earlier (the month's last day when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@dataclass
class KeyReason:
    kind: str  # a key of KEY_REASON_KINDS
    text: str  # the reason as recorded: the list entry's, the case's code, the lead's words
    grade: str = None  # a major case's grade


@dataclass
class KeyEnterprise:
    enterprise: Enterprise
    reasons: list = field(default_factory=list)
    mark: KeyEnterpriseMark = None  # the lead's standing flag, if any

    def reason_kinds(self):
        return sorted({r.kind for r in self.reasons})


def compute(session, start, end, user=None):
    """[KeyEnterprise] key on any day from `start` to `end` (Shanghai days, both included), by name; of the
    enterprises `user` may see when given."""
    return _compute(session, day_start(start), day_start(end + timedelta(days=1)) - timedelta(microseconds=1), user)


def _compute(session, low, high, user):
    """Key at some moment from `low` to `high` (both included; the same moment for "now")."""
    found = {}

    def visible(query, column):
        return query.filter(enterprise_condition(user, column)) if user is not None else query

    entries = visible(session.query(KeySupervisionEntry), KeySupervisionEntry.enterprise_id).filter(
        KeySupervisionEntry.since <= high,
        or_(KeySupervisionEntry.left_at.is_(None), KeySupervisionEntry.left_at > low))
    for entry in entries.order_by(KeySupervisionEntry.since, KeySupervisionEntry.id):
        found.setdefault(entry.enterprise_id, []).append(KeyReason("supervision", entry.reason))
    since = day_start(months_before(low.astimezone(SHANGHAI).date(), MAJOR_MONTHS))
    majors = visible(session.query(HazardCase.enterprise_id, HazardCase.code, HazardCase.grade),
                     HazardCase.enterprise_id).filter(
        HazardCase.grade.in_(MAJOR_GRADES), HazardCase.registered_at <= high, HazardCase.registered_at >= since)
    for enterprise_id, code, grade in majors.order_by(HazardCase.registered_at, HazardCase.id):
        found.setdefault(enterprise_id, []).append(KeyReason("major_case", code, grade))
    marks = visible(session.query(KeyEnterpriseMark), KeyEnterpriseMark.enterprise_id).filter(
        KeyEnterpriseMark.marked_at <= high,
        or_(KeyEnterpriseMark.removed_at.is_(None), KeyEnterpriseMark.removed_at > low))
    standing = {}
    for mark in marks.order_by(KeyEnterpriseMark.marked_at, KeyEnterpriseMark.id):
        found.setdefault(mark.enterprise_id, []).append(KeyReason("marked", mark.reason))
        if mark.removed_at is None:
            standing[mark.enterprise_id] = mark
    if not found:
        return []
    enterprises = session.query(Enterprise).filter(Enterprise.id.in_(found)).order_by(Enterprise.name, Enterprise.id)
    return [KeyEnterprise(e, found[e.id], standing.get(e.id)) for e in enterprises]


def current(session, user):
    """The key enterprises today, for the key list page."""
    check_may_read(user)
    now = clock.now()
    return _compute(session, now, now, user)


# ---- the due list --------------------------------------------------------------------------------------------------
@dataclass
class DueRow:
    key: KeyEnterprise
    visits: int  # return visits in the quarter
    last_visit: date  # the latest one ever, None without
    required: int

    @property
    def missing(self):
        return max(0, self.required - self.visits)


@dataclass
class QuarterDue:
    quarter: Quarter
    rows: list  # DueRow, those still due first
    required: int
    overdue: bool  # the quarter has ended: what remains is overdue

    @property
    def remaining(self):
        return [r for r in self.rows if r.missing]

    @property
    def last_day(self):
        return self.quarter.end - timedelta(days=1)


def current_quarter():
    return Quarter.of(clock.local_now().date())


def quarter_due(session, user, quarter, required=None):
    """The quarter's key enterprises and their return visits (of the enterprises `user` sees, all for None). A quarter
    not begun yet is refused (Conflict)."""
    required = per_quarter() if required is None else required
    today = clock.local_now().date()
    if quarter.start > today:
        raise Conflict("该季度尚未开始 / that quarter has not begun")
    until = min(quarter.end - timedelta(days=1), today)
    keys = compute(session, quarter.start, until, user)
    ids = [k.enterprise.id for k in keys] or [0]
    counts = dict(session.query(ReturnVisit.enterprise_id, func.count(ReturnVisit.id)).filter(
        ReturnVisit.enterprise_id.in_(ids), ReturnVisit.visited_on >= quarter.start,
        ReturnVisit.visited_on < quarter.end).group_by(ReturnVisit.enterprise_id))
    latest = dict(session.query(ReturnVisit.enterprise_id, func.max(ReturnVisit.visited_on)).filter(
        ReturnVisit.enterprise_id.in_(ids)).group_by(ReturnVisit.enterprise_id))
    rows = [DueRow(k, counts.get(k.enterprise.id, 0), latest.get(k.enterprise.id), required) for k in keys]
    rows.sort(key=lambda r: (-r.missing, r.last_visit or date.min, r.key.enterprise.name))
    return QuarterDue(quarter, rows, required, today >= quarter.end)


def due_for(session, user, quarter=None):
    check_may_read(user)
    return quarter_due(session, user, quarter or current_quarter())


def remind_due(uow):
    """In the quarter's last REMIND_DAYS days: the project leads who have not had it are told, once per quarter, which
    key enterprises still wait for their return visit. Returns how many were told."""
    today = clock.local_now().date()
    quarter = Quarter.of(today)
    if (quarter.end - today).days > REMIND_DAYS:
        return 0
    key = f"return_visits:{quarter.code}:due"
    recipients = notifications.role_holders_without(uow, MARKERS, key)
    if not recipients:
        return 0
    due = quarter_due(uow.session, None, quarter)
    remaining = due.remaining
    if not remaining:
        return 0
    names = "、".join(r.key.enterprise.name for r in remaining[:20]) + ("等" if len(remaining) > 20 else "")
    notifications.send(uow, recipients, NOTICE_KIND, f"{quarter.code} 还有 {len(remaining)} 家重点企业待回访",
                       f"请在 {due.last_day.isoformat()} 前完成本季度回访：{names}", key)
    audit.record(uow, None, None, "return_visit_due_sent", details={
        "quarter": quarter.code, "remaining": len(remaining), "recipients": len(recipients)})
    return len(recipients)


# ---- the lead's flag -----------------------------------------------------------------------------------------------
def _reason(value, errors, what):
    reason = clean_text(value, MAX_REASON, "reason", errors)
    if not reason and "reason" not in errors:
        errors["reason"] = f"请填写{what}原因 / give the reason"
    return reason


def mark(uow, user, enterprise_id, reason):
    """Flag an enterprise as key for return visits, with the reason (Conflict when it is flagged already)."""
    session = uow.session
    if not may_mark(user):
        raise NotAllowed("只有项目负责人可以标记重点企业 / only project leads flag key enterprises")
    errors = {}
    number = row_id(enterprise_id)
    company = session.get(Enterprise, number) if number is not None else None
    if company is None:
        errors["enterprise_id"] = "请选择企业 / choose the enterprise"
    reason = _reason(reason, errors, "标记")
    raise_if(errors)
    get_visible_enterprise(session, user, company.id)
    session.query(Enterprise.id).filter_by(id=company.id).with_for_update().first()  # two leads at once: one wins
    if standing_mark(session, company.id) is not None:
        raise Conflict("该企业已标记为重点企业 / the enterprise is flagged already")
    row = KeyEnterpriseMark(enterprise_id=company.id, reason=reason, marked_by_id=user.id, marked_at=clock.now())
    session.add(row)
    session.flush()
    audit.record(uow, None, user, "key_enterprise_marked", changes={"key_enterprise": [None, reason]},
                 details={"enterprise_id": company.id, "name": company.name}, subject=("enterprise", company.id))
    return row


def unmark(uow, user, enterprise_id, reason):
    """Remove the lead's flag, with the reason; the other reasons (key supervision, a major case) stay."""
    session = uow.session
    if not may_mark(user):
        raise NotAllowed("只有项目负责人可以取消重点企业标记 / only project leads remove the flag")
    number = row_id(enterprise_id)
    company = get_visible_enterprise(session, user, number if number is not None else 0)
    errors = {}
    reason = _reason(reason, errors, "取消")
    raise_if(errors)
    row = standing_mark(session, company.id)
    if row is None:
        raise Conflict("该企业没有重点企业标记 / the enterprise is not flagged")
    now = clock.now()
    done = session.execute(update(KeyEnterpriseMark).where(KeyEnterpriseMark.id == row.id,
                                                           KeyEnterpriseMark.removed_at.is_(None))
                           .values(removed_at=now, removed_by_id=user.id, removed_reason=reason))
    if done.rowcount != 1:
        raise Conflict("该企业没有重点企业标记 / the enterprise is not flagged")
    session.refresh(row)
    audit.record(uow, None, user, "key_enterprise_unmarked", changes={"key_enterprise": [row.reason, None]},
                 reason=reason, details={"enterprise_id": company.id, "name": company.name},
                 subject=("enterprise", company.id))
    return row


def standing_mark(session, enterprise_id):
    return session.query(KeyEnterpriseMark).filter_by(enterprise_id=enterprise_id, removed_at=None).first()


def enterprise_choices(session, user):
    return session.query(Enterprise).filter(enterprise_condition(user, Enterprise.id)) \
        .order_by(Enterprise.name, Enterprise.id).all()
