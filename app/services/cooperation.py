"""Monthly enterprise cooperation scores (企业配合情况综合评分): every enterprise on the register scored 0-100 for each
calendar month (Asia/Shanghai), classed A / B / C and ranked, the record keeping each factor's inputs.

The tender (seed 000) asks for a monthly score of each enterprise's cooperation over 资料完整性、反馈及时性、整改落实情况,
a dynamic ranking published on the platform for the enterprises to look up and compare, a special supervision
procedure (专项督导) for an enterprise below the pass mark two months running, half-yearly routine checks of class A
and more spot checks of class C. The weights and thresholds below are the contractor's proposal, open to the
bureau: they are constants here, shown on the page.

Score = 资料完整性 20 + 反馈及时性 30 + 整改落实情况 50 points:
  资料完整性 (profile)       20 × the share of the register's ten fields filled (address, township, industry, main
                             products, employees, safety managers, special-operations workers, main risk factors,
                             contact person and phone; numbers count above 0), as the register stands when scored
  反馈及时性 (feedback)      15 × the share of the rectification notices signed for within 1 working day of their
                             issue (the round's assignment) + 15 × the share of the inspection visits confirmed
                             within 3 days of being recorded
  整改落实情况 (rectification) 30 × the share of the rectifications due in the month (and those past their deadline
                             and still owed when it began) submitted by their deadline + 20 × the share of the cases
                             closed in the month that passed verification in the first round − 10 for each case past
                             its deadline and not rectified at the month's end (the factor not below 0)
A part with nothing to measure in the month gets its full points: an enterprise is not marked down for having had
no hazards or no visit. What is counted in which month: services/cooperation_measures.py.
Class: A from 85, B from 60 (the pass mark, 合格线), C below. Rank 1 is the best; equal scores share a rank.
"""
import re
from collections import Counter
from datetime import date, timedelta

from sqlalchemy import func

from ..clock import clock
from ..errors import NotAllowed, ValidationFailed
from ..models import CooperationScore, Enterprise
from . import audit, notifications
from .cooperation_measures import PROFILE_FIELDS, measure_month

PROFILE_POINTS = 20
NOTICE_POINTS, VISIT_POINTS = 15, 15  # 反馈及时性 30
ON_TIME_POINTS, FIRST_ROUND_POINTS = 30, 20  # 整改落实情况 50
OVERDUE_PENALTY = 10  # per case overdue and not rectified at the month's end, off 整改落实情况
FACTOR_MAXIMA = {"profile": PROFILE_POINTS, "feedback": NOTICE_POINTS + VISIT_POINTS,
                 "rectification": ON_TIME_POINTS + FIRST_ROUND_POINTS}
CLASS_THRESHOLDS = (("A", 85), ("B", 60))  # the least score of each class; below the last: C
PASS_MARK = 60  # 合格线
SUPERVISION_MONTHS = 2  # class C this many months running: 专项督导
OVERSIGHT_ROLES = ("bureau", "manager", "quality", "project_lead", "admin")
NOTIFIED_ROLES = ("bureau", "quality")
NOTICE_KIND = "cooperation_supervision"
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def may_read(user):
    """The oversight roles read every enterprise's scores; enterprise staff their own enterprise's."""
    return is_oversight(user) or (user.has_role("enterprise") and user.enterprise_id is not None)


def is_oversight(user):
    return user.has_role(*OVERSIGHT_ROLES)


def parse_month(text):
    """'YYYY-MM' as the month's first day; ValidationFailed otherwise."""
    match = _MONTH.match((text or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
        raise ValidationFailed(f"月份应为 YYYY-MM 格式，如 2026-11 / the month must be YYYY-MM: {text}",
                               {"month": "月份应为 YYYY-MM 格式 / the month must be YYYY-MM"})
    return date(int(match.group(1)), int(match.group(2)), 1)


def previous_month(day):
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def class_of(score):
    return next((name for name, least in CLASS_THRESHOLDS if score >= least), "C")


def _share(points, done, total):
    return points * done / total if total else points  # nothing to measure: full points


def score_factors(found):
    """{factor: {points, max, inputs...}} of one enterprise's Measures."""
    profile = _share(PROFILE_POINTS, len(found.filled), len(PROFILE_FIELDS))
    feedback = _share(NOTICE_POINTS, found.notices_on_time, found.notices) + \
        _share(VISIT_POINTS, found.visits_on_time, found.visits)
    rectification = max(0.0, _share(ON_TIME_POINTS, found.rectified_on_time, found.rectifications)
                        + _share(FIRST_ROUND_POINTS, found.closed_first_round, found.closed)
                        - OVERDUE_PENALTY * found.overdue_open)
    return {
        "profile": {"points": round(profile, 1), "max": PROFILE_POINTS, "filled": len(found.filled),
                    "fields": len(PROFILE_FIELDS), "missing": found.missing},
        "feedback": {"points": round(feedback, 1), "max": FACTOR_MAXIMA["feedback"], "notices": found.notices,
                     "notices_on_time": found.notices_on_time, "late_notices": found.late_notices,
                     "visits": found.visits, "visits_on_time": found.visits_on_time,
                     "late_visits": found.late_visits},
        "rectification": {"points": round(rectification, 1), "max": FACTOR_MAXIMA["rectification"],
                          "due": found.rectifications, "on_time": found.rectified_on_time,
                          "late": found.late_rectifications, "closed": found.closed,
                          "first_round": found.closed_first_round, "overdue_open": found.overdue_open,
                          "overdue_cases": found.overdue_cases},
    }


def score_month(uow, month, actor=None):
    """Score every enterprise for the month (its first day), replacing the month's rows (a recomputation gives
    the same rows for the same records); then list the enterprises for 专项督导 and notify the bureau and the
    quality supervisors of them, once per month. Returns the month's rows, by rank."""
    session = uow.session
    now = clock.now()
    rows = []
    for enterprise_id, found in measure_month(session, month).items():
        factors = score_factors(found)
        points = {name: factor["points"] for name, factor in factors.items()}
        total = round(sum(points.values()), 1)
        rows.append(CooperationScore(enterprise_id=enterprise_id, month=month, score=total,
                                     cooperation_class=class_of(total), rank=0, profile_score=points["profile"],
                                     feedback_score=points["feedback"],
                                     rectification_score=points["rectification"], factors=factors,
                                     computed_at=now))
    _rank(rows)
    session.query(CooperationScore).filter(CooperationScore.month == month).delete(synchronize_session="fetch")
    session.add_all(rows)
    session.flush()
    flagged = supervision_list(session, month)
    counts = Counter(row.cooperation_class for row in rows)
    audit.record(uow, None, actor, "cooperation_scored", details={
        "month": f"{month:%Y-%m}", "enterprises": len(rows), "classes": dict(sorted(counts.items())),
        "special_supervision": [row.enterprise_id for row, _before in flagged]})
    if flagged:
        _notify(uow, month, flagged)
    return sorted(rows, key=lambda r: (r.rank, r.enterprise_id))


def _rank(rows):
    """Competition ranking: 1 + the number of better scores, so equal scores share a rank (1, 1, 3)."""
    first_place = {}
    for place, row in enumerate(sorted(rows, key=lambda r: -r.score), start=1):
        first_place.setdefault(row.score, place)
    for row in rows:
        row.rank = first_place[row.score]


def score_due(uow):
    """The scheduler's monthly scoring: last month, once (the first run of a month, or the first after a
    scheduler that was down on the 1st starts again). Returns the rows scored, None when already done."""
    month = previous_month(clock.local_now().date())
    if is_scored(uow.session, month) or uow.session.query(Enterprise.id).first() is None:
        return None  # done, or nothing to score yet (no audit row every hour for an empty register)
    return score_month(uow, month)


def is_scored(session, month):
    return session.query(CooperationScore.id).filter(CooperationScore.month == month).first() is not None


def scored_months(session):
    """The months with scores, the latest first."""
    return [m for (m,) in session.query(CooperationScore.month).distinct().order_by(CooperationScore.month.desc())]


def ranking(session, month):
    """The month's rows with their enterprises, by rank then name."""
    return session.query(CooperationScore).join(Enterprise, Enterprise.id == CooperationScore.enterprise_id) \
        .filter(CooperationScore.month == month).order_by(CooperationScore.rank, Enterprise.name).all()


def class_counts(rows):
    counts = Counter(row.cooperation_class for row in rows)
    return {name: counts.get(name, 0) for name in ("A", "B", "C")}


def supervision_list(session, month):
    """[(row, the month before's row)] of the enterprises in class C this month and the SUPERVISION_MONTHS - 1
    months before (专项督导), by name."""
    months = [month]
    for _n in range(SUPERVISION_MONTHS - 1):
        months.append(previous_month(months[-1]))
    rows = session.query(CooperationScore).filter(CooperationScore.month.in_(months),
                                                  CooperationScore.cooperation_class == "C").all()
    by_enterprise = {}
    for row in rows:
        by_enterprise.setdefault(row.enterprise_id, {})[row.month] = row
    flagged = [(found[month], found[months[1]]) for found in by_enterprise.values() if len(found) == len(months)]
    return sorted(flagged, key=lambda pair: (pair[0].enterprise.name, pair[0].enterprise_id))


def history(session, enterprise_id):
    """An enterprise's rows, the latest month first."""
    return session.query(CooperationScore).filter_by(enterprise_id=enterprise_id) \
        .order_by(CooperationScore.month.desc()).all()


def month_averages(session):
    """{month: (enterprises scored, their average score)}: what an enterprise compares its own score with, without
    any other enterprise's name."""
    return {month: (count, round(average, 1)) for month, count, average in session.query(
        CooperationScore.month, func.count(CooperationScore.id), func.avg(CooperationScore.score))
        .group_by(CooperationScore.month)}


def latest_classes(session):
    """{enterprise id: its row of the latest month it was scored}."""
    latest = session.query(CooperationScore.enterprise_id, func.max(CooperationScore.month).label("month")) \
        .group_by(CooperationScore.enterprise_id).subquery()
    rows = session.query(CooperationScore).join(
        latest, (latest.c.enterprise_id == CooperationScore.enterprise_id) & (latest.c.month == CooperationScore.month))
    return {row.enterprise_id: row for row in rows}


def visible_scores(session, user, month=None):
    """(month, rows the user may see, enterprises scored that month, enterprise ids for 专项督导) for the month
    (default: the latest scored). Oversight roles see every enterprise, enterprise staff their own row only."""
    if not may_read(user):
        raise NotAllowed("企业配合评分供应急管理局、管理人员、质量监督专员、项目负责人、系统管理员和企业本身查看 / the "
                         "cooperation scores are for the oversight roles and each enterprise's own staff")
    if month is None:
        months = scored_months(session)
        month = months[0] if months else None
    if month is None:
        return None, [], 0, set()
    rows = ranking(session, month)
    total = len(rows)
    flagged = {row.enterprise_id for row, _before in supervision_list(session, month)}
    if not is_oversight(user):
        rows = [row for row in rows if row.enterprise_id == user.enterprise_id]
        flagged &= {user.enterprise_id}
    return month, rows, total, flagged


def _notify(uow, month, flagged):
    key = f"cooperation-supervision:{month:%Y-%m}"  # once per month, however often the month is scored again
    recipients = notifications.role_holders_without(uow, NOTIFIED_ROLES, key)
    names = "、".join(f"{row.enterprise.name}（{row.score} 分，上月 {before.score} 分）" for row, before in flagged)
    title = f"{month:%Y年%m月}配合评分连续两月 C 类：{len(flagged)} 家企业应启动专项督导"
    body = (f"以下企业连续两个月配合评分低于合格线 {PASS_MARK} 分（C 类），按规定启动专项督导程序：{names}。"
            "详见企业配合评分页面。")
    notifications.send(uow, recipients, NOTICE_KIND, title, body, key)
