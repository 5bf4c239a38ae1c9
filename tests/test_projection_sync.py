"""Projection rows after each step: the same whether the runtime came from this process's cache (rows diffed in
memory) or from the database (rows read back); a claim on a task that stays survives; no stale object lingers."""
import pytest

from app.extensions import db
from app.models import HumanTask, Timer
from app.services import tasks
from app.services.case_store import _cache
from app.services.uow import UnitOfWork
from tests.test_lifecycle_service import ASSIGN, complete, open_tasks, rectify_data, register


def rows(case_id):
    db.session.expire_all()
    return ({(t.form_key, t.role, t.due_at, t.assignee_id) for t in db.session.query(HumanTask).filter_by(case_id=case_id)},
            {(t.bpmn_id, t.due_at) for t in db.session.query(Timer).filter_by(case_id=case_id)})


@pytest.mark.parametrize("cached", [True, False], ids=["runtime from cache", "runtime from database"])
def test_joint_verification_rows_and_a_surviving_claim(people, cached):
    case_id = register(people, score=60)  # major: bureau and expert verify side by side
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    complete(people.ent_a, open_tasks(case_id)["rectification"], rectify_data(people.ent_a))
    expert_task = open_tasks(case_id)["joint_verification_expert"]
    with UnitOfWork() as uow:
        tasks.claim(uow, people.expert, expert_task.id)
        uow.commit()
    before = rows(case_id)
    if not cached:
        _cache.clear()
    complete(people.bureau, open_tasks(case_id)["joint_verification_bureau"],
             {"bureau_passed": True, "bureau_opinion": "同意"})
    task_rows, timer_rows = rows(case_id)
    # the bureau's task and its boundary timer are gone; the expert's task stays, claimed, with its deadline
    assert {r[0] for r in task_rows} == {"joint_verification_expert"}
    [(_, role, due, assignee)] = task_rows
    assert role == "expert" and assignee == people.expert.id
    assert due == next(r[2] for r in before[0] if r[0] == "joint_verification_expert")
    assert len(timer_rows) == len(before[1]) - 1
    assert db.session.get(HumanTask, expert_task.id).assignee_id == people.expert.id


def test_a_completed_tasks_object_leaves_the_session(people):
    case_id = register(people)
    task = open_tasks(case_id)["assignment"]  # loaded into this session
    with UnitOfWork() as uow:
        tasks.complete(uow, people.project_lead, task.id, ASSIGN)
        uow.commit()
    assert db.session.get(HumanTask, task.id) is None  # not an object of a row that no longer exists
