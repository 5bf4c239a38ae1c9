"""Helpers of the return-visit tests: records and flags through the services, the form's values."""
from app.clock import clock
from app.services import key_enterprises, return_visits
from app.services.uow import UnitOfWork

CHECKS = {"responsibility": "yes", "self_inspection": "yes", "ledger": "no", "training": "yes", "emergency": "yes"}
SCORES = {"response_speed": "5", "service_quality": "4", "communication": "3"}


def form(enterprise, visitor, **values):
    """The record form's fields as posted (checks and scores included)."""
    data = {"enterprise_id": str(enterprise.id), "way": "phone", "visited_on": clock.local_now().date().isoformat(),
            "contact_person": "陈安全", "contact_phone": "13800000000", "visitor_id": str(visitor.id),
            "safety_status": "制度健全", "opinions": "希望提前告知复查时间", "problems": "", "follow_up_action": "",
            "internal_note": "内部：负责人配合度一般"}
    data.update({f"check_{k}": v for k, v in CHECKS.items()})
    data.update({f"score_{k}": v for k, v in SCORES.items()})
    data.update(values)
    return data


def record(user, enterprise, findings=None, scores=SCORES, **values):
    data = form(enterprise, user, **values)
    with UnitOfWork() as uow:
        row = return_visits.create(uow, user, data, findings or {}, CHECKS, scores)
        uow.commit()
        return row.id


def flag(user, enterprise, reason="整改反复"):
    with UnitOfWork() as uow:
        key_enterprises.mark(uow, user, enterprise.id, reason)
        uow.commit()
