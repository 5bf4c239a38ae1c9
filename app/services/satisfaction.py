"""The satisfaction report (满意度评价统计): for the visits of a period (by their day) and a township / park, how many
visits there were, how many were rated and how many ratings came in (the response rate is rated visits over visits),
the average per dimension and overall, per month and per recorder of the visit (the inspection team member who
recorded it), the distribution of the overall scores, and the low-score ratings with their comments — the basis of
the contractor's improvement (作为后续改进依据) and of the quality supervision desk's follow-up of complaints.
Counted by the database, grouped per day and recorder, and folded into months and recorders here."""
import operator
from dataclasses import dataclass, field
from datetime import date
from functools import reduce

from sqlalchemy import distinct, func, or_
from sqlalchemy.orm import contains_eager, joinedload

from ..errors import NotAllowed
from ..models import RATING_DIMENSIONS, Enterprise, InspectionVisit, User, VisitRating
from ..models.rating import HIGHEST_SCORE, LOWEST_SCORE
from .visit_ratings import LOW_SCORE

REPORT_READERS = ("bureau", "manager", "quality", "project_lead", "admin")
LOW_LIMIT = 200  # low-score ratings listed on the page (the file has up to EXPORT_LIMIT)
EXPORT_LIMIT = 50_000


def may_read(user):
    return user.has_role(*REPORT_READERS)


@dataclass
class SatisfactionFilter:
    since: date
    until: date
    township: str = ""


@dataclass
class Tally:
    visits: int = 0
    rated: int = 0  # visits with at least one rating
    ratings: int = 0
    sums: dict = field(default_factory=lambda: dict.fromkeys(RATING_DIMENSIONS, 0))

    def add(self, visits, rated, ratings, sums):
        self.visits += visits
        self.rated += rated
        self.ratings += ratings
        for name, value in zip(RATING_DIMENSIONS, sums):
            self.sums[name] += int(value or 0)

    @property
    def response_rate(self):
        """Per cent of the visits that were rated, None without visits."""
        return round(100 * self.rated / self.visits, 1) if self.visits else None

    @property
    def averages(self):
        return {name: round(total / self.ratings, 2) if self.ratings else None for name, total in self.sums.items()}

    @property
    def overall(self):
        """The mean of all scores of all ratings (each rating's four weigh alike), None without ratings."""
        return round(sum(self.sums.values()) / (self.ratings * len(self.sums)), 2) if self.ratings else None


@dataclass
class Report:
    filters: SatisfactionFilter
    total: Tally
    by_month: dict  # "2026-11": Tally, in order
    by_recorder: list  # [(display name, Tally)], the most visits first
    distribution: dict  # overall score rounded half up, 1..5: ratings
    low: list  # VisitRating with any score <= LOW_SCORE, newest first
    low_total: int


def build(session, user, flt, low_limit=LOW_LIMIT):
    if not may_read(user):
        raise NotAllowed("满意度评价统计供应急管理局、管理人员、质量监督专员、项目负责人和系统管理员查看 / the "
                         "satisfaction report is for the bureau, managers, quality supervisors, project leads and "
                         "administrators")
    total, months, recorders = Tally(), {}, {}
    for visited_on, recorder_id, visits, rated, ratings, *sums in _per_day_and_recorder(session, flt):
        for tally in (total, months.setdefault(visited_on.strftime("%Y-%m"), Tally()),
                      recorders.setdefault(recorder_id, Tally())):
            tally.add(visits, rated, ratings, sums)
    names = dict(session.query(User.id, User.display_name).filter(User.id.in_(recorders))) if recorders else {}
    by_recorder = sorted(((names.get(i, str(i)), t) for i, t in recorders.items()),
                         key=lambda pair: (-pair[1].visits, pair[0]))
    low = _ratings(session, flt).filter(or_(*(getattr(VisitRating, name) <= LOW_SCORE for name in RATING_DIMENSIONS)))
    return Report(flt, total, dict(sorted(months.items())), by_recorder, _distribution(session, flt),
                  low.order_by(VisitRating.created_at.desc(), VisitRating.id.desc()).limit(low_limit).all(),
                  low.count())


def by_recorder(session, flt):
    """{recorder's user id: Tally} of the period's visits, as the report's per-recorder table counts them (the staff
    scorecards, services/performance.py, read each member's satisfaction from here)."""
    found = {}
    for _day, recorder_id, visits, rated, ratings, *sums in _per_day_and_recorder(session, flt):
        found.setdefault(recorder_id, Tally()).add(visits, rated, ratings, sums)
    return found


def _filtered(query, flt):
    query = query.filter(InspectionVisit.visited_on >= flt.since, InspectionVisit.visited_on <= flt.until)
    if flt.township:
        query = query.join(Enterprise, Enterprise.id == InspectionVisit.enterprise_id) \
            .filter(Enterprise.township == flt.township)
    return query


def _per_day_and_recorder(session, flt):
    """(day, recorder, visits, rated visits, ratings, score sums per dimension): a visit is in one group only, so the
    groups add up to months, recorders and the total."""
    query = session.query(InspectionVisit.visited_on, InspectionVisit.created_by_id,
                          func.count(distinct(InspectionVisit.id)), func.count(distinct(VisitRating.visit_id)),
                          func.count(VisitRating.id),
                          *(func.sum(getattr(VisitRating, name)) for name in RATING_DIMENSIONS)) \
        .select_from(InspectionVisit).outerjoin(VisitRating, VisitRating.visit_id == InspectionVisit.id)
    return _filtered(query, flt).group_by(InspectionVisit.visited_on, InspectionVisit.created_by_id).all()


def _distribution(session, flt):
    """{1..5: ratings} by each rating's overall score (the mean of its four) rounded half up: a sum s of four scores
    gives floor(s / 4 + 1/2) = (s + 2) // 4."""
    total = reduce(operator.add, (getattr(VisitRating, name) for name in RATING_DIMENSIONS))
    found = dict.fromkeys(range(LOWEST_SCORE, HIGHEST_SCORE + 1), 0)
    query = session.query(total, func.count(VisitRating.id)).select_from(VisitRating) \
        .join(InspectionVisit, InspectionVisit.id == VisitRating.visit_id)
    for score_sum, count in _filtered(query, flt).group_by(total):
        found[(int(score_sum) + 2) // len(RATING_DIMENSIONS)] += count
    return found


def _ratings(session, flt):
    """The period's ratings with their visits (and the visits' enterprises and recorders, which the list shows)."""
    query = session.query(VisitRating).join(InspectionVisit, InspectionVisit.id == VisitRating.visit_id) \
        .options(contains_eager(VisitRating.visit).joinedload(InspectionVisit.enterprise),
                 contains_eager(VisitRating.visit).joinedload(InspectionVisit.created_by),
                 joinedload(VisitRating.rater))
    return _filtered(query, flt)


def default_period(today):
    """This year so far."""
    return today.replace(month=1, day=1), today
