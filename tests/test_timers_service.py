"""SLA timers from the diagram: projected with absolute due times and fired by a service call."""
from datetime import datetime, timedelta

from app.clock import SHANGHAI, clock
from app.extensions import db
from app.models import AuditEvent, Notification, Timer
from app.services import timers
from app.services.uow import UnitOfWork
from tests.test_lifecycle_service import ASSIGN, case_row, complete, open_tasks, rectify_data, register


def sweep():
    with UnitOfWork() as uow:
        fired, failures = timers.fire_due_timers(uow)
        uow.commit()
    assert failures == []
    db.session.expire_all()
    return fired


def kinds(case_id):
    return sorted({n.kind for n in db.session.query(Notification).filter_by(case_id=case_id)})


def test_assignment_overdue_after_two_hours(people):
    case_id = register(people)
    assert sweep() == []
    clock.advance(hours=2, seconds=1)
    fired = sweep()
    assert [f.bpmn_id for f in fired] and "assignment_overdue" in kinds(case_id)
    # The task is still there for the project lead: the timer is non-interrupting.
    assert "assignment" in open_tasks(case_id)
    assert sweep() == []  # nothing fires twice
    history = [e.action for e in db.session.query(AuditEvent).filter_by(case_id=case_id)
               .order_by(AuditEvent.created_at, AuditEvent.id)]
    assert history[history.index("timer_fired") + 1:] == ["process_event"]  # the firing, then what it caused


def test_rectification_reminder_urging_and_referral_fire_at_working_day_moments(people):
    case_id = register(people)
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    case = case_row(case_id)
    due = case.rectification_due.astimezone(SHANGHAI)
    assert due.date().isoformat() == "2026-12-02"  # 7 working days after Mon 2026-11-23
    dues = sorted(t.due_at.astimezone(SHANGHAI).date().isoformat()
                  for t in db.session.query(Timer).filter_by(case_id=case_id))
    # reminder 5 working days before, the deadline, and 5 working days of grace after it
    assert dues == ["2026-11-25", "2026-12-02", "2026-12-09"]

    clock.set(due - timedelta(days=7) + timedelta(minutes=1))
    sweep()
    assert kinds(case_id) == ["rectification_reminder"]
    clock.set(due + timedelta(minutes=1))
    sweep()
    assert "rectification_urging" in kinds(case_id)
    clock.set(due + timedelta(days=7, minutes=1))
    sweep()
    assert "enforcement_referral" in kinds(case_id)
    assert open_tasks(case_id)["enforcement_referral"].role == "bureau"
    fired = db.session.query(AuditEvent).filter_by(case_id=case_id, action="timer_fired").count()
    assert fired == 3


def test_a_rectified_case_gets_no_reminders_and_round_one_timers_do_not_fire_late(people):
    case_id = register(people)
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    complete(people.ent_a, open_tasks(case_id)["rectification"], rectify_data(people.ent_a))
    complete(people.project_team, open_tasks(case_id)["verification"],
             {"passed": False, "opinion": "不合格", "added_requirements": "补充"})
    assert case_row(case_id).round == 2
    clock.advance(days=1)
    sweep()
    assert kinds(case_id) == []
    complete(people.ent_a, open_tasks(case_id)["rectification"], rectify_data(people.ent_a))
    complete(people.project_team, open_tasks(case_id)["verification"], {"passed": True, "opinion": "合格"})
    clock.advance(days=60)
    assert sweep() == []
    assert kinds(case_id) == [] and case_row(case_id).status == "closed"
    assert db.session.query(Timer).filter_by(case_id=case_id).count() == 0


def test_verification_overdue_escalates_to_quality(people):
    case_id = register(people)
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    complete(people.ent_a, open_tasks(case_id)["rectification"], rectify_data(people.ent_a))
    case = case_row(case_id)
    clock.set(case.verification_due + timedelta(minutes=1))
    sweep()
    notes = db.session.query(Notification).filter_by(case_id=case_id, kind="verification_overdue").all()
    assert [n.user_id for n in notes] == [people.quality.id]


def corrupt_state(case_id):
    """Damage a case's stored workflow state; returns the original bytes so a test can repair it."""
    from app.models import WorkflowState
    from app.services.case_store import _cache
    original = db.session.get(WorkflowState, case_id).state
    db.session.query(WorkflowState).filter_by(case_id=case_id).update({"state": b"not a workflow"})
    db.session.commit()
    _cache.clear()
    return original


def test_a_broken_case_does_not_stop_the_sweep(people):
    broken, healthy = register(people), register(people)
    corrupt_state(broken)
    clock.advance(hours=3)
    with UnitOfWork() as uow:
        fired, failures = timers.fire_due_timers(uow)
        uow.commit()
    assert [case_id for case_id, _ in failures] == [broken]
    assert [f.case_code for f in fired] == [case_row(healthy).code]
    assert "assignment_overdue" in kinds(healthy) and kinds(broken) == []


def test_untouched_general_hazard_escalates_at_working_day_moments_across_national_day(people):
    from app.models import EnforcementReferral, KeySupervisionEntry
    clock.set(datetime(2026, 9, 28, 9, 0, tzinfo=SHANGHAI))
    case_id = register(people)
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    moments = {  # reminder 5 working days before; deadline 7 working days after; grace 5 working days
        "rectification_reminder": datetime(2026, 9, 30, 9, 0, tzinfo=SHANGHAI),
        "rectification_urging": datetime(2026, 10, 13, 9, 0, tzinfo=SHANGHAI),  # holiday week skipped
        "enforcement_referral": datetime(2026, 10, 20, 9, 0, tzinfo=SHANGHAI),
    }
    assert case_row(case_id).rectification_due == moments["rectification_urging"]
    for kind, moment in moments.items():
        clock.set(moment - timedelta(minutes=1))
        sweep()
        assert kind not in kinds(case_id), f"{kind} fired early"
        clock.set(moment + timedelta(minutes=1))
        sweep()
        assert kind in kinds(case_id), f"{kind} did not fire at {moment}"
    assert db.session.query(KeySupervisionEntry).filter_by(case_id=case_id).count() == 1
    assert db.session.query(EnforcementReferral).filter_by(case_id=case_id).count() == 1


def test_a_case_without_stored_state_becomes_an_incident_not_a_crashed_sweep(people):
    from app.models import HazardCase, Incident, WorkflowState
    from app.services.case_store import _cache
    lost = register(people)
    fine = register(people)
    db.session.query(WorkflowState).filter_by(case_id=lost).delete()
    db.session.commit()
    _cache.clear()
    clock.advance(hours=3)
    with UnitOfWork() as uow:
        fired, failures = timers.fire_due_timers(uow)
        uow.commit()
    assert [c for c, _error in failures] == [lost] and "no stored workflow state" in failures[0][1]
    assert {t.case_code for t in fired} == {db.session.get(HazardCase, fine).code}
    assert db.session.query(Incident).filter_by(case_id=lost).count() == 1


def test_a_case_failing_after_its_writes_leaves_them_undone_and_the_others_fire(people, monkeypatch):
    """The step's writes go to the driver directly (services.pipeline), inside the case's savepoint: a failure
    after them (here in the notices the firing causes) takes them back with the rest of the case's part."""
    from app.errors import DomainError
    from app.models import HumanTask, WorkflowState
    from app.services import notifications
    failing, fine = register(people), register(people)
    before = {"version": db.session.get(WorkflowState, failing).version,
              "tasks": sorted(t.task_guid for t in db.session.query(HumanTask).filter_by(case_id=failing)),
              "timers": sorted(t.task_guid for t in db.session.query(Timer).filter_by(case_id=failing))}
    real = notifications.on_process_event

    def fail_for_one(uow, case, event_name, round_no, regrades=0):
        if case.id == failing:
            raise DomainError("notice service down")
        return real(uow, case, event_name, round_no, regrades)
    monkeypatch.setattr(notifications, "on_process_event", fail_for_one)
    clock.advance(hours=3)
    with UnitOfWork() as uow:
        fired, failures = timers.fire_due_timers(uow)
        uow.commit()
    assert [c for c, _error in failures] == [failing] and fired
    db.session.expire_all()
    assert db.session.get(WorkflowState, failing).version == before["version"]
    assert sorted(t.task_guid for t in db.session.query(HumanTask).filter_by(case_id=failing)) == before["tasks"]
    assert sorted(t.task_guid for t in db.session.query(Timer).filter_by(case_id=failing)) == before["timers"]
    assert db.session.query(AuditEvent).filter_by(case_id=failing, action="timer_fired").count() == 0
    assert db.session.query(AuditEvent).filter_by(case_id=fine, action="timer_fired").count() == 1
    assert db.session.get(WorkflowState, fine).version > 1


def test_a_sweep_reads_its_cases_ahead_and_keeps_no_runtime(people):
    """The due cases' rows (case, due timers, state, projection rows) are read for the whole chunk in a few
    statements, not per case; and the fired runtimes are not kept in the process cache (a sweep's thousand
    cases would stay in memory until its commit)."""
    import sqlalchemy as sa
    from app.services.case_store import _cache
    case_ids = [register(people) for _ in range(5)]
    _cache.clear()
    clock.advance(hours=3)
    statements = []

    def seen(conn, cursor, statement, params, context, executemany):
        statements.append(" ".join(statement.split()).lower())
    sa.event.listen(db.engine, "before_cursor_execute", seen)
    try:
        fired = sweep()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", seen)
    assert sorted(f.case_code for f in fired) == sorted(case_row(c).code for c in case_ids)
    reads = [s for s in statements if s.startswith("select")]
    assert len([s for s in reads if " from workflow_state" in s]) == 1
    assert len([s for s in reads if " from hazard_case" in s and "hazard_case.id in" in s]) == 1
    assert len([s for s in reads if s.startswith("select human_task.")]) == 1
    assert all(_cache.take(c, 2) == (None, None) for c in case_ids)
