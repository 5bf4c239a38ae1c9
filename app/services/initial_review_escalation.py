"""Initial reviews not done in their 48 hours (services/initial_reviews.py): escalated once per round to the project
leads and the quality supervisor (as an overdue verification is escalated to the quality supervisor), and the
on-time rate of the reviews for the statistics."""
from sqlalchemy import and_, func, select, update

from ..clock import clock
from ..models import HazardCase, InitialReview
from . import audit, notifications

ESCALATE_TO = ("project_lead", "quality")


def escalate_overdue(uow):
    """Records of cases still awaiting this round's verification, past their 48 hours without a review and not
    escalated yet: each claimed by a conditional update (two runs tell nobody twice), the project leads and quality
    supervisors told, audited. Returns how many were escalated. A round whose verification was completed without
    an initial review is not escalated (nothing is left to review)."""
    session, now = uow.session, clock.now()
    rows = session.execute(
        select(InitialReview.id, InitialReview.case_id, InitialReview.round, InitialReview.due_at, HazardCase.code,
               HazardCase.description)
        .join(HazardCase, and_(HazardCase.id == InitialReview.case_id, HazardCase.round == InitialReview.round))
        .where(HazardCase.status == "verifying", InitialReview.first_reviewed_at.is_(None),
               InitialReview.escalated_at.is_(None), InitialReview.due_at < now)
        .order_by(InitialReview.id)).all()
    escalated = 0
    for row in rows:
        claimed = session.execute(update(InitialReview).where(InitialReview.id == row.id,
                                                              InitialReview.escalated_at.is_(None))
                                  .values(escalated_at=now))
        if claimed.rowcount != 1:
            continue
        key = f"initial-review:{row.id}:overdue"
        recipients = notifications.not_yet_given(uow, notifications.role_holders(uow, ESCALATE_TO), key)
        notifications.send(uow, recipients, "initial_review_overdue",
                           f"整改完成申请超过48小时未初审（{row.code}）", row.description[:200], key, row.case_id)
        audit.record(uow, row.case_id, None, "initial_review_escalated", changes={"escalated_at": [None, now]},
                     details={"round": row.round, "due": row.due_at.isoformat(), "recipients": len(recipients)})
        escalated += 1
    session.expire_all()  # the records updated above, if loaded, are read again
    return escalated


def on_time_rate(session, begin, finish, condition=None):
    """(due, on time) of the initial reviews whose 48 hours ended from `begin` (included) to `finish` (excluded) and
    up to now: a review is on time when its first review came by its deadline. `condition` narrows the cases."""
    end = min(finish, clock.now())
    query = select(func.count(InitialReview.id), func.count(InitialReview.id).filter(
        InitialReview.first_reviewed_at.isnot(None), InitialReview.first_reviewed_at <= InitialReview.due_at)) \
        .where(InitialReview.due_at >= begin, InitialReview.due_at < end)
    if condition is not None:
        query = query.join(HazardCase, HazardCase.id == InitialReview.case_id).where(condition)
    due, kept = session.execute(query).one()
    return due or 0, kept or 0
