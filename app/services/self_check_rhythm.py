"""How often enterprises check themselves (自查频次) and whether their self-checks hold up:

- the expectation: at least MONTHLY_MINIMUM submitted self-check per calendar month (Shanghai) — a choice of this
  system, not a figure of the tender; a daily job tells an enterprise's staff once when the last complete month
  passed without one (`notify_missed_month`);
- the count per enterprise and month of a year (`frequency`), for the staff side's page and the enterprise's own;
- 自查不实: an item the enterprise marked 符合 that the contractor found 不符合 at a visit of the same enterprise (the
  same checklist item) within COMPARE_DAYS days after the self-check was submitted (`contradicted`)."""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import func

from ..clock import SHANGHAI, clock
from ..models import ChecklistResult, Enterprise, InspectionVisit, SelfCheck, User, UserRole
from . import audit, notifications
from .access import enterprise_condition

MONTHLY_MINIMUM = 1  # submitted self-checks expected of each enterprise per calendar month
COMPARE_DAYS = 90  # a visit this many days after a self-check can contradict its 符合
NOTICE_KIND = "self_check_month_missed"


def month_bounds(year, month):
    start = datetime.combine(date(year, month, 1), time.min, SHANGHAI)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return start, datetime.combine(following, time.min, SHANGHAI)


def last_complete_month(today=None):
    """(year, month) of the month before today's (Shanghai)."""
    today = today or clock.local_now().date()
    last_day = today.replace(day=1) - timedelta(days=1)
    return last_day.year, last_day.month


@dataclass
class Frequency:
    enterprise: object
    months: list = field(default_factory=lambda: [0] * 12)  # submitted self-checks in January … December

    @property
    def total(self):
        return sum(self.months)

    def missed(self, upto):
        """How many of the months 1 … `upto` fell short of the expectation."""
        return sum(1 for count in self.months[:upto] if count < MONTHLY_MINIMUM)


def frequency(session, user, year):
    """[Frequency] of the enterprises the user sees that have staff users or any self-check, by name: each month's
    count of submitted self-checks in `year` (Shanghai months)."""
    start, _ = month_bounds(year, 1)
    end, _ = month_bounds(year + 1, 1)
    local = SelfCheck.submitted_at  # compared as Shanghai months below, in Python (portable across databases)
    rows = session.query(SelfCheck.enterprise_id, local).filter(
        SelfCheck.status == "submitted", local >= start, local < end,
        enterprise_condition(user, SelfCheck.enterprise_id)).all()
    staffed = session.query(User.enterprise_id).join(UserRole).filter(
        UserRole.role == "enterprise", User.active.is_(True), User.enterprise_id.isnot(None))
    ids = {r[0] for r in rows} | {r[0] for r in staffed.filter(enterprise_condition(user, User.enterprise_id))}
    enterprises = session.query(Enterprise).filter(Enterprise.id.in_(ids)).order_by(Enterprise.name).all() \
        if ids else []
    found = {e.id: Frequency(e) for e in enterprises}
    for enterprise_id, moment in rows:
        found[enterprise_id].months[moment.astimezone(SHANGHAI).month - 1] += 1
    return list(found.values())


def count_in_year(session, enterprise_id, year):
    """Submitted self-checks of one enterprise in `year`."""
    start, _ = month_bounds(year, 1)
    end, _ = month_bounds(year + 1, 1)
    return session.query(func.count(SelfCheck.id)).filter(
        SelfCheck.enterprise_id == enterprise_id, SelfCheck.status == "submitted", SelfCheck.submitted_at >= start,
        SelfCheck.submitted_at < end).scalar()


@dataclass
class Regularity:
    """One enterprise's self-checks of a year, for its supervision page and its dossier."""
    year: int
    months: list  # submitted self-checks in January … December
    complete: int  # the months of the year that have ended (all twelve for a past year)
    last_at: object = None  # the last submission ever, None without any
    minimum: int = MONTHLY_MINIMUM

    @property
    def total(self):
        return sum(self.months)

    @property
    def regular_months(self):
        """How many of the ended months met the expectation (at least MONTHLY_MINIMUM)."""
        return sum(1 for count in self.months[:self.complete] if count >= MONTHLY_MINIMUM)


def regularity(session, enterprise_id, today=None):
    """The enterprise's submitted self-checks this year (Shanghai months), how many ended months had their minimum,
    and its last submission."""
    today = today or clock.local_now().date()
    start, _ = month_bounds(today.year, 1)
    submitted = session.query(SelfCheck.submitted_at).filter(
        SelfCheck.enterprise_id == enterprise_id, SelfCheck.status == "submitted", SelfCheck.submitted_at.isnot(None))
    months = [0] * 12
    for (moment,) in submitted.filter(SelfCheck.submitted_at >= start):
        local = moment.astimezone(SHANGHAI)
        if local.year == today.year:
            months[local.month - 1] += 1
    last = submitted.order_by(SelfCheck.submitted_at.desc()).limit(1).scalar()
    return Regularity(today.year, months, today.month - 1, last)


def notify_missed_month(uow, today=None):
    """The staff of each enterprise (with active staff users) that submitted fewer than MONTHLY_MINIMUM self-checks in
    the last complete month told once (dedup per enterprise and month); returns how many enterprises were told."""
    year, month = last_complete_month(today)
    start, end = month_bounds(year, month)
    session = uow.session
    done = dict(session.query(SelfCheck.enterprise_id, func.count(SelfCheck.id)).filter(
        SelfCheck.status == "submitted", SelfCheck.submitted_at >= start, SelfCheck.submitted_at < end)
        .group_by(SelfCheck.enterprise_id).all())
    staffed = sorted({r[0] for r in session.query(User.enterprise_id).join(UserRole).filter(
        UserRole.role == "enterprise", User.active.is_(True), User.enterprise_id.isnot(None))})
    told = 0
    for enterprise_id in staffed:
        if done.get(enterprise_id, 0) >= MONTHLY_MINIMUM:
            continue
        key = f"self_check_month:{enterprise_id}:{year}-{month:02d}"
        recipients = notifications.not_yet_given(uow, notifications.role_holders(uow, ("enterprise",), enterprise_id),
                                                 key)
        if not recipients:
            continue
        notifications.send(uow, recipients, NOTICE_KIND, f"{year}年{month}月未开展企业自查",
                           f"本企业 {year} 年 {month} 月没有提交企业自查。请每月至少对照标准化检查表自查一次，发现的"
                           "隐患如实上报并整改。", key)
        audit.record(uow, None, None, "self_check_month_missed", changes={"month": [None, f"{year}-{month:02d}"]},
                     details={"enterprise_id": enterprise_id, "recipients": len(recipients)},
                     subject=("enterprise", enterprise_id))
        told += 1
    return told


def contradicted(session, row):
    """{self-check item id: [(visit, result)]}: the items of the submitted self-check `row` marked 符合 that a visit of
    the same enterprise within COMPARE_DAYS days after its submission recorded as 不符合 (自查不实)."""
    if row.status != "submitted" or row.submitted_at is None:
        return {}
    conform = {i.item_id: i.id for i in row.items if i.result == "conform"}
    if not conform:
        return {}
    first = row.submitted_at.astimezone(SHANGHAI).date()
    found = session.query(ChecklistResult, InspectionVisit).join(
        InspectionVisit, InspectionVisit.id == ChecklistResult.visit_id).filter(
        InspectionVisit.enterprise_id == row.enterprise_id, ChecklistResult.result == "nonconform",
        ChecklistResult.item_id.in_(conform), InspectionVisit.visited_on >= first,
        InspectionVisit.visited_on <= first + timedelta(days=COMPARE_DAYS)).order_by(InspectionVisit.visited_on).all()
    flagged = {}
    for result, visit in found:
        flagged.setdefault(conform[result.item_id], []).append((visit, result))
    return flagged


def contradicted_count(session, rows):
    """{self-check id: items flagged 自查不实} of the submitted self-checks among `rows` (the list page)."""
    return {row.id: len(contradicted(session, row)) for row in rows if row.status == "submitted"}


