"""Two people completing the same task at the same moment: exactly one wins, the other gets a conflict."""
from app.extensions import db
from app.models import AuditEvent, HumanTask, WorkflowState
from app.services import case_store, tasks
from tests.concurrency_support import meet_at, needs_two_sessions, one_wins
from tests.test_lifecycle_service import ASSIGN, open_tasks, register


def test_same_task_completed_concurrently_by_two_sessions(app, people, make_user, monkeypatch):
    needs_two_sessions()
    make_user("lead2", "project_lead")
    case_id = register(people)
    task_id = open_tasks(case_id)["assignment"].id
    version_before = db.session.get(WorkflowState, case_id).version
    # Both requests load the same state before either saves: the race the optimistic lock must catch.
    meet_at(monkeypatch, case_store, "save", before=True)
    loser = one_wins(app, ("project_lead", "lead2"), lambda uow, user: tasks.complete(uow, user, task_id, ASSIGN))
    assert "reload" in loser or "刷新" in loser
    assert db.session.get(WorkflowState, case_id).version == version_before + 1
    completions = db.session.query(AuditEvent).filter_by(case_id=case_id, action="task_completed").count()
    assert completions == 1
    assert db.session.query(HumanTask).filter_by(case_id=case_id, form_key="rectification").count() == 1
