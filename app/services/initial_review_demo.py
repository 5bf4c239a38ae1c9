"""The demo's initial review (线上初审, services/initial_reviews.py): the general hazard at the sewage pool, rectified and
awaiting verification, reviewed online six hours after its verification opened — materials complete and consistent,
with a site re-check planned by the verification's deadline. The major hazard awaiting verification is left without
one: its task page warns, and the escalation job tells the project leads and the quality supervisor."""
from datetime import timedelta

from ..clock import SHANGHAI, clock
from ..models import HazardCase
from . import initial_reviews


def seed(uow, users):
    case = uow.session.query(HazardCase).filter_by(status="verifying", grade="general").order_by(HazardCase.id).first()
    record = initial_reviews.current(uow.session, case) if case is not None else None
    if record is None or record.status != "pending":
        return
    reviewer = users[record.roles[0]]  # the demo's users are named by their role
    saved = clock._fixed
    try:  # within its 48 hours (the case was rectified days before the seed)
        clock.set(record.opened_at + timedelta(hours=6))
        initial_reviews.record_review(uow, reviewer, case.id, {
            "materials_complete": True, "consistent": True, "conclusion": "site_check",
            "site_check_on": case.verification_due.astimezone(SHANGHAI).date().isoformat(),
            "site_checkers": f"{reviewer.display_name}（项目执行小组）", "site_checker_ids": [reviewer.id],
            "note": "整改前后对比照片、警示标识设置照片齐全，整改负责人已签字确认；现场核实警示标识和通风设施"})
    finally:
        clock._fixed = saved
