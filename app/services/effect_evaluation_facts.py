"""What an effect evaluation (services/effect_evaluations.py) reads rather than records: its state by the day, the
recurrence found since the case was closed (the same hazard type registered again at the enterprise: the seed's 隐患
复发率, counted by the cases as services/reports.py counts it), the enterprise's satisfaction ratings of the period
(services/satisfaction.py's ratings, 1–5), the list of evaluations a user may see, and the overdue notice.

Until the conclusion the recurrence and the satisfaction are computed from the cases and the ratings up to now; the
conclusion keeps them as they stood then (the report must not change afterwards)."""
from dataclasses import dataclass

from sqlalchemy import false, func, or_, select

from ..clock import clock
from ..models import EffectEvaluation, Expert, HazardCase, VisitRating
from ..models.effect_evaluation import effect_evaluation_expert
from . import audit, notifications

# Who commissions evaluations and records their conclusions (with the experts named on one): the bureau and the
# project leads.
COMMISSIONERS = ("bureau", "project_lead")
STATE_FILTERS = ("open", "observing", "due", "overdue", "uncommissioned", "concluded", "all")
OVERDUE_TOLD = ("bureau",)


def today():
    return clock.local_now().date()


def state(evaluation, day=None):
    """A key of EFFECT_STATES: concluded; overdue after `latest_on`; due from `earliest_on`; observing before."""
    if evaluation.concluded_at is not None:
        return "concluded"
    day = day or today()
    if day > evaluation.latest_on:
        return "overdue"
    return "due" if day >= evaluation.earliest_on else "observing"


def recurrences(session, evaluation):
    """The enterprise's cases of the same hazard type registered after the closing (up to the conclusion), oldest
    first."""
    if evaluation.recurrence_case_ids is not None:
        ids = list(evaluation.recurrence_case_ids)
        return session.query(HazardCase).filter(HazardCase.id.in_(ids)).order_by(HazardCase.registered_at).all() \
            if ids else []
    case = evaluation.case
    query = session.query(HazardCase).filter(
        HazardCase.enterprise_id == case.enterprise_id, HazardCase.hazard_type == case.hazard_type,
        HazardCase.id != case.id, HazardCase.registered_at > (case.closed_at or evaluation.opened_at))
    return query.order_by(HazardCase.registered_at, HazardCase.id).all()


def satisfaction(session, evaluation):
    """{"ratings": how many of the enterprise's visit ratings since the closing, "average": the mean of their four
    scores (1–5, two decimals) or None}."""
    if evaluation.satisfaction is not None:
        return dict(evaluation.satisfaction)
    case = evaluation.case
    overall = (VisitRating.service_quality + VisitRating.professional_level + VisitRating.communication +
               VisitRating.response_speed) / 4.0
    count, average = session.query(func.count(VisitRating.id), func.avg(overall)).filter(
        VisitRating.enterprise_id == case.enterprise_id,
        VisitRating.created_at >= (case.closed_at or evaluation.opened_at),
        VisitRating.created_at <= clock.now()).one()
    return {"ratings": int(count or 0), "average": round(float(average), 2) if average is not None else None}


# ---- the list ----------------------------------------------------------------------------------------------------
def visible_condition(user):
    """The evaluations the user reads: all for the commissioners; those naming them for an expert user; their own
    enterprise's for its staff (the conclusions only, services/effect_evaluations.py); none otherwise."""
    if user.has_role(*COMMISSIONERS):
        return None
    parts = []
    if "expert" in user.roles:
        parts.append(EffectEvaluation.id.in_(
            select(effect_evaluation_expert.c.evaluation_id)
            .join(Expert, Expert.id == effect_evaluation_expert.c.expert_id).where(Expert.user_id == user.id)))
    if "enterprise" in user.roles and user.enterprise_id:
        parts.append(HazardCase.enterprise_id == user.enterprise_id)
    return or_(*parts) if parts else false()


@dataclass
class EvaluationFilter:
    state: str = "open"
    limit: int = 100
    offset: int = 0


def listing(session, user, flt):
    """(evaluations in the state that the user may see, the most urgent first; how many)."""
    query = session.query(EffectEvaluation).join(HazardCase, HazardCase.id == EffectEvaluation.case_id)
    condition = visible_condition(user)
    if condition is not None:
        query = query.filter(condition)
    day = today()
    pending = EffectEvaluation.concluded_at.is_(None)
    filters = {
        "open": [pending], "observing": [pending, EffectEvaluation.earliest_on > day],
        "due": [pending, EffectEvaluation.earliest_on <= day, EffectEvaluation.latest_on >= day],
        "overdue": [pending, EffectEvaluation.latest_on < day],
        "uncommissioned": [pending, EffectEvaluation.commissioned_at.is_(None)],
        "concluded": [EffectEvaluation.concluded_at.isnot(None)], "all": []}
    query = query.filter(*filters.get(flt.state, filters["open"]))
    order = (EffectEvaluation.concluded_at.desc(), EffectEvaluation.id.desc()) if flt.state == "concluded" else \
        (EffectEvaluation.earliest_on, EffectEvaluation.id)
    total = query.count()
    return query.order_by(*order).limit(flt.limit).offset(flt.offset).all(), total


# ---- the overdue notice (scheduler, daily) ---------------------------------------------------------------------------
def notify_overdue(uow):
    """Evaluations without a conclusion past their last day (three months and 30 days after closing): the bureau told
    once each. Returns how many were told."""
    session, now, day = uow.session, clock.now(), today()
    rows = session.query(EffectEvaluation).filter(
        EffectEvaluation.concluded_at.is_(None), EffectEvaluation.latest_on < day,
        EffectEvaluation.overdue_notified_at.is_(None)).order_by(EffectEvaluation.id).all()
    for row in rows:
        case, key = row.case, f"effect_evaluation:{row.id}:overdue"
        notifications.send(uow, notifications.role_holders_without(uow, OVERDUE_TOLD, key),
                           "effect_evaluation_overdue", f"重大隐患整改效果评估逾期未出具结论（{case.code}）",
                           f"应于 {row.latest_on.isoformat()} 前完成评估", key, case.id)
        row.overdue_notified_at = now
        audit.record(uow, None, None, "effect_evaluation_overdue_notified", subject=("effect_evaluation", row.id),
                     changes={"overdue_notified_at": [None, now]}, details={"case": case.code})
    session.flush()
    return len(rows)
