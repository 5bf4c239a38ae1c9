"""Helpers of the resumption tests (复工复产验收): an enterprise stopped by a 特别重大 case's stop-work order task, an
application, an acceptance."""
from app.extensions import db
from app.models import HazardCase, StopWorkOrder
from app.services import resumption, stop_work
from app.services.uow import UnitOfWork
from tests.test_lifecycle_service import ASSIGN, complete, open_tasks, photo, rectify_data, register

ORDER = {"order_number": "停-2026-001", "scope": "反应釜区", "reason": "联锁摘除",
         "effective_at": "2026-11-23T10:00:00+08:00", "resumption_conditions": "恢复联锁并经专家验收"}
APPLICATION = {"measures": "恢复全部联锁，更换失效的温度变送器", "self_check": "自查合格，具备复工条件"}
AGREED = {"conclusion": "agreed", "inspected_on": "2026-11-24", "participants": "局安监科 王科长；企业 陈安全",
          "findings": "联锁已恢复，试验正常"}
REFUSED = {"conclusion": "refused", "inspected_on": "2026-11-24", "participants": "局安监科 王科长",
           "findings": "一处联锁仍旁路", "requirements": "恢复旁路联锁并提交测试记录", "next_date": "2026-12-04"}


def stopped_case(people, rectified=True):
    """A 特别重大 case of enterprise A whose stop-work order task the bureau completed; rectified (awaiting the joint
    verification) unless told otherwise. Returns (case id, order)."""
    case_id = register(people, score=40)
    complete(people.bureau, open_tasks(case_id)["stop_work_order"], ORDER)
    if rectified:
        complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
        complete(people.ent_a, open_tasks(case_id)["rectification"], rectify_data(people.ent_a))
    order = db.session.query(StopWorkOrder).filter_by(case_id=case_id).one()
    return case_id, order


def apply(user, enterprise_id, form=None, files=()):
    with UnitOfWork() as uow:
        row = resumption.apply(uow, user, enterprise_id, dict(form or APPLICATION), files)
        uow.commit()
        return row


def decide(user, application_id, form, files=()):
    with UnitOfWork() as uow:
        row = resumption.decide(uow, user, application_id, dict(form), files)
        uow.commit()
        return row


def by_hand(user, enterprise_id, **form):
    with UnitOfWork() as uow:
        row = stop_work.record_by_hand(uow, user, enterprise_id, {"reason": "设备停运重启前须经验收", **form})
        uow.commit()
        return row


def case_row(case_id):
    db.session.expire_all()
    return db.session.get(HazardCase, case_id)


__all__ = ["photo"]
