"""Helpers of the effect evaluation tests: a major case taken to its closing on the real diagram, an expert of the
pool linked to the `expert` user, and the service calls in their own unit of work."""
from app.clock import clock
from app.extensions import db
from app.models import EffectEvaluation, Expert
from app.services import effect_evaluations
from app.services.uow import UnitOfWork
from tests.test_lifecycle_service import ASSIGN, complete, open_tasks, rectify_data, register

SCORES = {"quality_score": 85, "equipment_score": "90", "system_score": 80, "risk_control_score": 88}


def closed_major(people, enterprise=None):
    """A major case (score 60) of enterprise A (or the one given), assigned, rectified and signed off by the bureau
    and the expert: closed."""
    case_id = register(people, score=60, enterprise=enterprise)
    staff = people.ent_b if enterprise is people.enterprise_b else people.ent_a
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    complete(staff, open_tasks(case_id)["rectification"], rectify_data(staff))
    complete(people.bureau, open_tasks(case_id)["joint_verification_bureau"],
             {"bureau_passed": True, "bureau_opinion": "同意"})
    complete(people.expert, open_tasks(case_id)["joint_verification_expert"],
             {"expert_passed": True, "expert_opinion": "同意"})
    return case_id


def evaluation(case_id):
    db.session.expire_all()
    return db.session.query(EffectEvaluation).filter_by(case_id=case_id).first()


def pool_expert(user=None, name="周建国"):
    row = Expert(name=name, organisation="省化工设计院", title="高级工程师", domains=["chemical"], phone="",
                 certificate_no="", note="", active=True, user_id=user.id if user else None,
                 created_at=clock.now(), updated_at=clock.now())
    db.session.add(row)
    db.session.commit()
    return row


def commission(user, case_id, **values):
    with UnitOfWork() as uow:
        effect_evaluations.commission(uow, user, case_id, values)
        uow.commit()


def visit(user, case_id, files=(), **values):
    with UnitOfWork() as uow:
        row = effect_evaluations.record_visit(uow, user, case_id, values, files)
        uow.commit()
        return row.id


def conclude(user, case_id, files=(), **values):
    with UnitOfWork() as uow:
        effect_evaluations.conclude(uow, user, case_id, values, files)
        uow.commit()
