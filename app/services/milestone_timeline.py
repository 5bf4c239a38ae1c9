"""The progress timeline (进度甘特图) of open cases: one bar per case from its registration to its rectification
deadline, its milestones as marks, and today's line, over a window of days shared by all rows. Positions are
percentages of the window (the page draws them as CSS widths, no chart library). Filters: an enterprise and a
township / park, within what the user may see (services/access.py)."""
from dataclasses import dataclass, field
from sqlalchemy.orm import joinedload

from ..clock import SHANGHAI
from ..models import CaseMilestone, Enterprise, HazardCase
from .access import visible_cases
from .milestones import deadline_day, is_late, today

MAX_ROWS = 200


@dataclass
class Mark:
    milestone: CaseMilestone
    at: float  # percent of the window
    late: bool


@dataclass
class Row:
    case: HazardCase
    start: float
    width: float
    deadline: object  # a date, or None before the case has one
    overdue: bool  # past the case's deadline, still open
    marks: list = field(default_factory=list)

    @property
    def late(self):
        return self.overdue or any(m.late for m in self.marks)


@dataclass
class Timeline:
    rows: list
    first: object  # the window's first and last days
    last: object
    today_at: float
    truncated: bool


def _local_day(moment):
    return moment.astimezone(SHANGHAI).date()


def build(session, user, enterprise_id=None, township="", late_only=False):
    query = visible_cases(session, user).filter(HazardCase.status != "closed") \
        .options(joinedload(HazardCase.enterprise))
    if enterprise_id:
        query = query.filter(HazardCase.enterprise_id == enterprise_id)
    if township:
        query = query.join(Enterprise, Enterprise.id == HazardCase.enterprise_id) \
            .filter(Enterprise.township == township)
    cases = query.order_by(HazardCase.rectification_due.is_(None), HazardCase.rectification_due, HazardCase.id) \
        .limit(MAX_ROWS + 1).all()
    truncated = len(cases) > MAX_ROWS
    cases = cases[:MAX_ROWS]
    day = today()
    marks = {}
    if cases:
        for m in session.query(CaseMilestone).filter(CaseMilestone.case_id.in_([c.id for c in cases])) \
                .order_by(CaseMilestone.due_on, CaseMilestone.id):
            marks.setdefault(m.case_id, []).append(m)
    spans = [(c, _local_day(c.registered_at), deadline_day(c)) for c in cases]
    first = min([s for _c, s, _e in spans] + [day])
    last = max([e or day for _c, _s, e in spans] + [day] + [m.due_on for ms in marks.values() for m in ms])
    days = max((last - first).days + 1, 1)

    def at(d):
        return round(100.0 * (d - first).days / days, 2)

    rows = []
    for case, start, end in spans:
        bar_end = end or day
        row = Row(case=case, start=at(start), width=max(round(100.0 * ((bar_end - start).days + 1) / days, 2), 0.5),
                  deadline=end, overdue=end is not None and day > end,
                  marks=[Mark(m, at(m.due_on), is_late(m, day)) for m in marks.get(case.id, [])])
        if not late_only or row.late:
            rows.append(row)
    return Timeline(rows=rows, first=first, last=last, today_at=at(day), truncated=truncated)
