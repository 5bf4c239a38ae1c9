"""Demo data of enforcement outcomes (`make run`, services/demo.py): two of the demo's cases referred to enforcement
(as the grace-period timer does, services/sla.py), one filed and decided — a fine and an order to rectify, with its
credit-record entry — and one still waiting for its filing decision past the 5 working days (flagged overdue)."""
from datetime import timedelta

from ..clock import clock
from ..models import EnforcementReferral, HazardCase
from . import enforcement, sla


def seed(uow, bureau):
    saved = clock._fixed
    now = clock.now()
    try:
        press = uow.session.query(HazardCase).filter_by(place="冲压车间").order_by(HazardCase.id).first()
        if press is not None:
            clock.set(now - timedelta(days=9))
            referral = _refer(uow, press)
            clock.set(now - timedelta(days=7))
            enforcement.record_step(uow, bureau, referral.id, "filing", {
                "filing": "filed", "filing_date": clock.local_now().date().isoformat(),
                "case_number": "（辉）应急立〔2026〕031号", "officers": "赵立新（执法证号 41070001）、孙嘉（执法证号 41070002）"})
            clock.set(now - timedelta(days=2))
            enforcement.record_step(uow, bureau, referral.id, "decision", {
                "measures": ["rectify_order", "fine"], "fine_amount": "30000",
                "decision_number": "（辉）应急罚〔2026〕031号", "decision_date": clock.local_now().date().isoformat()})
        wiring = uow.session.query(HazardCase).filter_by(place="配电房").order_by(HazardCase.id).first()
        if wiring is not None:
            clock.set(now - timedelta(days=11))  # after the case was registered, past its 5 working days
            _refer(uow, wiring)
    finally:
        clock._fixed = saved


def _refer(uow, case):
    sla.refer_to_enforcement(uow, case, 1)
    uow.session.flush()
    return uow.session.query(EnforcementReferral).filter_by(case_id=case.id, round=1).one()
