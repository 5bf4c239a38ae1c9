"""Whether the meetings the tender promises were held (承诺会议落实情况): per month or quarter of a year, each commitment
is met by a held meeting of its kind in that period (its minutes recorded: status held or issued), with at least its
minimum of attending enterprises. A period that has ended without one is missed; the current period is still open;
later ones are to come. "Today" is the app clock's, so tests move it.

The promises bind the contractor during its service: when service projects are recorded (services/service_projects.py),
a period overlapping none of their periods is outside the service (neither met nor missed unless a meeting was held);
without any project every period counts.

The commitments are constants (the seeds' words, not settings an administrator changes): 每月一次政企联席会议 (000 line
29; line 211 每月召开一次工作推进会), 每季度整改工作总结会议 (line 590), 每季度至少一次企业座谈会、不少于 10 家企业 (line 712)
and 每月质量分析会议 (line 892)."""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func

from ..clock import SHANGHAI, clock
from ..errors import NotAllowed
from ..models import Meeting, MeetingAttendee, ServiceProject
from .meetings import check_may_read, day_start, reads_all


@dataclass(frozen=True)
class Commitment:
    key: str
    kind: str  # a key of MEETING_KINDS
    period: str  # "month" or "quarter"
    min_enterprises: int
    title: tuple  # (Chinese, English)
    seed: str


COMMITMENTS = (
    Commitment("joint_monthly", "joint", "month", 0, ("每月召开一次政企联席会议", "A government-enterprise joint meeting "
                                                    "every month"), "000 L29, L211"),
    Commitment("summary_quarterly", "summary", "quarter", 0, ("每季度召开整改工作总结会议", "A rectification summary "
                                                              "meeting every quarter"), "000 L590"),
    Commitment("symposium_quarterly", "symposium", "quarter", 10, ("每季度至少一次企业座谈会，不少于 10 家企业",
                                                                  "An enterprise symposium every quarter with at "
                                                                  "least 10 enterprises"), "000 L712"),
    Commitment("quality_monthly", "quality", "month", 0, ("每月召开质量分析会议", "A quality analysis meeting every "
                                                        "month"), "000 L892"),
)
STATES = {
    "met": ("已落实", "Met"),
    "missed": ("未落实", "Missed"),
    "open": ("本期进行中", "In progress"),
    "future": ("未到期", "Not yet due"),
    "outside": ("不在服务期内", "Outside the service period"),
}


@dataclass
class Period:
    label: str  # "2026-11" or "2026Q4"
    start: date
    end: date  # the day after the period
    state: str = "future"
    meetings: list = field(default_factory=list)  # [(meeting, enterprises attending, counts)]


@dataclass
class CommitmentRow:
    commitment: Commitment
    periods: list

    @property
    def met(self):
        return sum(1 for p in self.periods if p.state == "met")

    @property
    def due(self):
        """Periods that have ended, or that are met already."""
        return sum(1 for p in self.periods if p.state in ("met", "missed"))


def check_may_read_commitments(user):
    check_may_read(user)
    if not reads_all(user):
        raise NotAllowed("会议承诺落实情况供工作人员查看 / the commitments check is for the staff")


def periods_of(year, period):
    if period == "month":
        return [Period(f"{year}-{m:02d}", date(year, m, 1), date(year + (m == 12), m % 12 + 1, 1))
                for m in range(1, 13)]
    return [Period(f"{year}Q{q}", date(year, 3 * q - 2, 1), date(year + (q == 4), (3 * q) % 12 + 1, 1))
            for q in range(1, 5)]


def compute(session, user, year):
    """[CommitmentRow] of the year, each commitment's periods with their state and the meetings held in them."""
    check_may_read_commitments(user)
    today = clock.local_now().date()
    services = session.query(ServiceProject.start_on, ServiceProject.end_on).all()
    kinds = {c.kind for c in COMMITMENTS}
    counts = session.query(MeetingAttendee.meeting_id, func.count(MeetingAttendee.enterprise_id).label("enterprises")) \
        .group_by(MeetingAttendee.meeting_id).subquery()
    rows = session.query(Meeting, func.coalesce(counts.c.enterprises, 0)).outerjoin(
        counts, counts.c.meeting_id == Meeting.id).filter(
        Meeting.kind.in_(kinds), Meeting.status.in_(("held", "issued")),
        Meeting.starts_at >= day_start(date(year, 1, 1)), Meeting.starts_at < day_start(date(year + 1, 1, 1))) \
        .order_by(Meeting.starts_at, Meeting.id).all()
    result = []
    for commitment in COMMITMENTS:
        periods = periods_of(year, commitment.period)
        for period in periods:
            held = [(m, n) for m, n in rows if m.kind == commitment.kind
                    and period.start <= m.starts_at.astimezone(SHANGHAI).date() < period.end]
            period.meetings = [(m, n, n >= commitment.min_enterprises) for m, n in held]
            if any(ok for _m, _n, ok in period.meetings):
                period.state = "met"
            elif services and not any(start < period.end and end >= period.start for start, end in services):
                period.state = "outside"
            elif period.end <= today:
                period.state = "missed"
            elif period.start <= today:
                period.state = "open"
        result.append(CommitmentRow(commitment, periods))
    return result
