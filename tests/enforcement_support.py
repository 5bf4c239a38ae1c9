"""Helpers of the enforcement-outcome tests (执法处置结果): a case referred to enforcement, steps recorded."""
from datetime import timedelta

from app.clock import clock
from app.extensions import db
from app.models import EnforcementReferral, HazardCase
from app.services import enforcement
from app.services.uow import UnitOfWork
from tests.test_lifecycle_service import register

FILED = {"filing": "filed", "filing_date": "2026-11-25", "case_number": "（辉）应急罚立〔2026〕17号",
         "officers": "王执法（执法证号 41001）、李执法（执法证号 41002）"}
DECIDED = {"measures": ["fine", "rectify_order"], "fine_amount": "20000", "decision_number": "（辉）应急罚〔2026〕17号",
           "decision_date": "2026-11-27"}


def referral(people, enterprise=None, round_no=1, days_ago=0):
    """A case of the enterprise (A by default) referred to enforcement `days_ago` days before the clock's now."""
    case_id = register(people, enterprise=enterprise)
    case = db.session.get(HazardCase, case_id)
    row = EnforcementReferral(enterprise_id=case.enterprise_id, case_id=case_id, round=round_no,
                              reason=f"隐患 {case.code} 逾期后宽限期内仍未整改 / not rectified after the grace period",
                              referred_at=clock.now() - timedelta(days=days_ago))
    db.session.add(row)
    db.session.commit()
    return row.id


def step(user, referral_id, name, form, files=()):
    with UnitOfWork() as uow:
        row = enforcement.record_step(uow, user, referral_id, name, form, files)
        uow.commit()
        return row


def decided(people, **changes):
    """A referral filed on 11-25 and decided on 11-27 (a fine of 20,000 yuan and an order to rectify); the clock
    then on 2026-11-30."""
    referral_id = referral(people)
    clock.advance(days=7)
    step(people.bureau, referral_id, "filing", FILED)
    step(people.bureau, referral_id, "decision", {**DECIDED, **changes})
    return referral_id
