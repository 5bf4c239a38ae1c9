"""Enterprises rate each inspection visit (满意度评价, the tender's 邀请企业在每次排查结束后对服务质量、专业水平等方面
进行打分): the visited enterprise's staff give the visit 1–5 for service quality, professional level, communication
and response speed, with a comment, once each, from the day of the visit up to 30 days after it, openly or
anonymously (系统支持匿名评分). An anonymous rating names nobody anywhere — not on a page, in a file, in the API, in
its notice or in the audit log. A rating with any score of 2 or less is a complaint: the quality supervisors
(服务质量监督岗) and the project leads are told at once, with the comment, and it opens a service complaint
(services/complaints.py) the desk answers within 72 hours. The inspection team and the oversight roles read the
ratings; each of the enterprise's staff reads their own."""
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.exc import IntegrityError

from ..clock import clock
from ..errors import Conflict, NotAllowed
from ..models import RATING_DIMENSIONS, VisitRating
from ..models.rating import HIGHEST_SCORE, LOWEST_SCORE
from . import audit, complaints, notifications
from .field_rules import clean_text, raise_if, whole_number
from .inspections import get_visible_visit

# Who reads a visit's ratings: the inspection team and the oversight roles (not experts or process owners).
READERS = ("inspector", "project_lead", "project_team", "supervision", "quality", "bureau", "manager", "admin")
NOTIFIED = ("quality", "project_lead")  # a low rating is a complaint for the quality supervision desk
RATING_DAYS = 30  # from the day of the visit, that day included
MAX_COMMENT = 1000
LOW_SCORE = 2  # any score this low or lower makes the rating a complaint


def may_read(user):
    return user.has_role(*READERS)


def is_rater(user, visit):
    """The visited enterprise's own staff (another enterprise's do not even see the visit)."""
    return "enterprise" in user.roles and user.enterprise_id == visit.enterprise_id


def last_day(visit):
    return visit.visited_on + timedelta(days=RATING_DAYS)


def is_open(visit):
    """Ratings are taken from the visit's day to 30 days after it (Shanghai dates)."""
    return visit.visited_on <= clock.local_now().date() <= last_day(visit)


def own_rating(session, user, visit):
    return session.query(VisitRating).filter_by(visit_id=visit.id, rater_id=user.id).first()


def check_may_rate(user, visit):
    """NotAllowed unless the user is one of the visited enterprise's staff (the caller found the visit visible)."""
    if not is_rater(user, visit):
        raise NotAllowed("只有被排查企业的人员可以评价本次排查 / only the visited enterprise's staff rate the visit")


def check_open(session, user, visit):
    """Conflict when the user's rating of the visit can no longer be given: already given, or outside the window."""
    if own_rating(session, user, visit) is not None:
        raise Conflict("您已评价过本次排查 / you have already rated this visit")
    if not is_open(visit):
        day = last_day(visit).isoformat()
        raise Conflict(f"评价期为排查当天起30天内（至 {day}），已经结束 / ratings were taken until {day}")


def rate(uow, user, visit_id, scores, comment="", anonymous=False):
    """The user's rating of the visit, from {dimension: score} and the comment; ValidationFailed names each wrong
    field; a second rating by the same user is a Conflict (also when two are sent at once)."""
    visit = get_visible_visit(uow.session, user, visit_id)  # another enterprise's staff: 404
    check_may_rate(user, visit)
    check_open(uow.session, user, visit)
    errors = {}
    values = {name: _score(scores.get(name), name, errors) for name in RATING_DIMENSIONS}
    comment = clean_text(comment, MAX_COMMENT, "comment", errors)
    if not isinstance(anonymous, bool):
        errors["anonymous"] = "请选择是否匿名评价 / say whether the rating is anonymous"
    raise_if(errors)
    try:
        with uow.session.begin_nested():
            row = VisitRating(visit_id=visit.id, enterprise_id=visit.enterprise_id, comment=comment,
                              anonymous=anonymous, rater_id=user.id, created_at=clock.now(), **values)
            uow.session.add(row)
    except IntegrityError:
        raise Conflict("您已评价过本次排查 / you have already rated this visit") from None
    # An anonymous rating is recorded as the system's: neither the actor nor the details name the rater.
    audit.record(uow, None, None if anonymous else user, "visit_rated",
                 changes={**{name: [None, score] for name, score in values.items()}, "comment": [None, comment]},
                 details={"visit_id": visit.id, "rating_id": row.id, "enterprise_id": visit.enterprise_id,
                          "name": visit.enterprise.name, "anonymous": anonymous})
    if min(values.values()) <= LOW_SCORE:
        complaint = complaints.open_from_rating(uow, row, visit, LOW_SCORE)
        _report_low(uow, row, visit, complaint)
    return row


def _score(value, name, errors):
    """A whole score from LOWEST_SCORE to HIGHEST_SCORE, from a number or a form's text."""
    number = whole_number(value)
    if number is None or not LOWEST_SCORE <= number <= HIGHEST_SCORE:
        zh, en = RATING_DIMENSIONS[name]
        errors[name] = f"请为{zh}打分（1–5分） / rate {en.lower()} from 1 to 5"
    return value if number is None else number


def _report_low(uow, row, visit, complaint):
    """The complaint's notice to the quality supervisors and the project leads, with the scores, the comment and
    the service complaint it opened."""
    key = f"visit_rating:{row.id}:low"
    scores = "，".join(f"{RATING_DIMENSIONS[name][0]} {score} 分" for name, score in row.scores.items())
    rater = "匿名" if row.shown_rater is None else row.shown_rater.display_name
    body = f"{scores}；评价人：{rater}；意见：{row.comment or '（无）'}；已登记为服务投诉 #{complaint.id}"
    notifications.send(uow, notifications.role_holders_without(uow, NOTIFIED, key), "visit_rating_low",
                       f"满意度低分评价：{visit.enterprise.name}（{visit.visited_on.isoformat()} 排查）", body, key)


def visible_ratings(session, user, visit):
    """The visit's ratings the user may read, newest first: all of them for READERS, their own for the visited
    enterprise's staff; NotAllowed for anyone else (the caller found the visit visible)."""
    query = session.query(VisitRating).filter_by(visit_id=visit.id)
    if not may_read(user):
        check_may_rate(user, visit)
        query = query.filter_by(rater_id=user.id)
    return query.order_by(VisitRating.created_at.desc(), VisitRating.id.desc()).all()


@dataclass
class RatingCard:
    """What the visit page's rating card shows the user."""
    ratings: list = field(default_factory=list)  # all for READERS, their own for the enterprise's staff
    is_rater: bool = False
    may_rate: bool = False
    last_day: date = None


def card(session, user, visit):
    """The user's rating card of the visit, None for those who neither rate nor read ratings."""
    if not (may_read(user) or is_rater(user, visit)):
        return None
    ratings = visible_ratings(session, user, visit)
    rater = is_rater(user, visit)
    return RatingCard(ratings=ratings, is_rater=rater, last_day=last_day(visit),
                      may_rate=rater and is_open(visit) and not any(r.rater_id == user.id for r in ratings))
