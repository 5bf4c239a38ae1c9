"""Two people completing the same task at the same moment: exactly one wins, the other gets a conflict."""
import threading

import pytest

from app.errors import Conflict
from app.extensions import db
from app.models import AuditEvent, HumanTask, WorkflowState
from app.services import case_store, tasks
from app.services.uow import UnitOfWork
from tests.test_lifecycle_service import ASSIGN, open_tasks, register



def test_same_task_completed_concurrently_by_two_sessions(app, people, make_user, monkeypatch):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs two real concurrent sessions: PostgreSQL only (SQLite serialises writers)")
    make_user("lead2", "project_lead")
    case_id = register(people)
    task_id = open_tasks(case_id)["assignment"].id
    version_before = db.session.get(WorkflowState, case_id).version
    db.session.remove()

    # Both requests load the same state before either saves: the race the optimistic lock must catch.
    barrier = threading.Barrier(2, timeout=20)
    real_save = case_store.save

    def save_after_both_loaded(uow, loaded, actor, **kwargs):
        barrier.wait()
        return real_save(uow, loaded, actor, **kwargs)
    monkeypatch.setattr(case_store, "save", save_after_both_loaded)

    outcomes = {}

    def attempt(username):
        with app.app_context():
            from app.models import User
            user = db.session.query(User).filter_by(username=username).one()
            try:
                with UnitOfWork() as uow:
                    tasks.complete(uow, user, task_id, ASSIGN)
                    uow.commit()
                outcomes[username] = "ok"
            except Conflict as exc:
                outcomes[username] = exc.message
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(name,)) for name in ("project_lead", "lead2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(v == "ok" for v in outcomes.values()) == [False, True], outcomes
    loser = next(v for v in outcomes.values() if v != "ok")
    assert "reload" in loser or "刷新" in loser
    assert db.session.get(WorkflowState, case_id).version == version_before + 1
    completions = db.session.query(AuditEvent).filter_by(case_id=case_id, action="task_completed").count()
    assert completions == 1
    assert db.session.query(HumanTask).filter_by(case_id=case_id, form_key="rectification").count() == 1
