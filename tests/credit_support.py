"""Helpers of the credit evaluation tests (信用评价): monthly cooperation scores and credit-record entries put in
directly (their own features are tested elsewhere), the Shanghai clock, the confirmations."""
from datetime import date, datetime

from app.clock import SHANGHAI, clock
from app.extensions import db
from app.models import CooperationScore, CreditRecord
from app.services import credit_awards, credit_years
from app.services.cooperation import class_of
from app.services.uow import UnitOfWork


def at(year, month, day, hour=9, minute=0, second=0):
    """Set the clock to a Shanghai moment."""
    clock.set(datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI))


def months(enterprise, year, scores):
    """The enterprise's monthly cooperation scores of the year: {month number: score}."""
    for month, score in scores.items():
        db.session.add(CooperationScore(
            enterprise_id=enterprise.id, month=date(year, month, 1), score=score, cooperation_class=class_of(score),
            rank=1, profile_score=min(score, 20), feedback_score=0, rectification_score=0, factors={},
            computed_at=clock.now()))
    db.session.commit()


def entry(enterprise, kind, moment, note="测试记录 / test entry"):
    """A credit-record entry made at the aware `moment`."""
    row = CreditRecord(enterprise_id=enterprise.id, kind=kind, note=note, created_at=moment)
    db.session.add(row)
    db.session.commit()
    return row


def confirm(user, year):
    with UnitOfWork() as uow:
        row = credit_years.confirm(uow, user, year)
        uow.commit()
        return row


def confirm_award(user, year, note=""):
    with UnitOfWork() as uow:
        row = credit_awards.confirm(uow, user, year, note)
        uow.commit()
        return row


def shanghai(year, month, day, hour=0, minute=0, second=0):
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)
