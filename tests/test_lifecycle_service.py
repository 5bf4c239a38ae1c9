"""The hazard lifecycle through the service layer on the real engine and the real diagrams."""
import io
from datetime import datetime

import pytest

from app.errors import NotAllowed, StaleCase, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, HumanTask, Timer, WorkflowState
from app.services import attachments, hazards, tasks
from app.services.demo import PNG_1X1
from app.services.uow import UnitOfWork


def photo(user):
    with UnitOfWork() as uow:
        a = attachments.store_upload(uow, user, "p.png", io.BytesIO(PNG_1X1), "/tmp/hz-test-uploads", 100_000)
        uow.commit()
        return a.public_id


def register(people, score=90, legal_major=False, enterprise=None):
    with UnitOfWork() as uow:
        case = hazards.register_hazard(uow, people.inspector, {
            "enterprise_id": (enterprise or people.enterprise_a).id, "score": score, "legal_major": legal_major,
            "hazard_type": "electrical", "place": "配电房", "description": "线路老化",
            "photos": [photo(people.inspector)]})
        uow.commit()
        return case.id


def open_tasks(case_id):
    return {t.form_key: t for t in db.session.query(HumanTask).filter_by(case_id=case_id)}


def complete(user, task, data):
    with UnitOfWork() as uow:
        tasks.complete(uow, user, task.id, data)
        uow.commit()


ASSIGN = {"rectification_requirements": "立即整改", "contact_person": "陈", "contact_phone": "13800000000"}


def rectify_data(user):
    return {"measures": "更换线路", "progress_percent": 100, "completed": True, "responsible_person": "陈",
            "after_photos": [photo(user)]}


def case_row(case_id):
    from app.models import HazardCase
    db.session.expire_all()
    return db.session.get(HazardCase, case_id)


def test_general_hazard_walks_to_closed_with_a_second_round(people):
    case_id = register(people, score=90)
    case = case_row(case_id)
    assert case.code.startswith("YH-2026-") and case.grade == "general" and case.status == "assigning"
    assert case.assignment_due is not None
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    case = case_row(case_id)
    assert case.status == "rectifying" and case.rectification_due is not None
    # 7 working days after Monday 2026-11-23 is Wednesday 2026-12-02
    assert case.rectification_due.astimezone().date().isoformat() == "2026-12-02"
    complete(people.ent_a, open_tasks(case_id)["rectification"], rectify_data(people.ent_a))
    assert case_row(case_id).status == "verifying"
    verify = open_tasks(case_id)["verification"]
    assert verify.role == "project_team"
    complete(people.project_team, verify, {"passed": False, "opinion": "不合格", "added_requirements": "接地"})
    case = case_row(case_id)
    assert case.status == "rectifying" and case.round == 2
    complete(people.ent_a, open_tasks(case_id)["rectification"], rectify_data(people.ent_a))
    complete(people.project_team, open_tasks(case_id)["verification"], {"passed": True, "opinion": "合格"})
    case = case_row(case_id)
    assert case.status == "closed" and case.closed_at is not None
    assert not open_tasks(case_id)
    actions = [e.action for e in db.session.query(AuditEvent).filter_by(case_id=case_id)]
    assert actions.count("task_completed") == 5 and "hazard_registered" in actions


def test_major_hazard_needs_bureau_and_expert(people):
    case_id = register(people, score=60)
    assert case_row(case_id).grade == "major"
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    complete(people.ent_a, open_tasks(case_id)["rectification"], rectify_data(people.ent_a))
    current = open_tasks(case_id)
    assert {"joint_verification_bureau", "joint_verification_expert"} <= set(current)
    complete(people.bureau, current["joint_verification_bureau"], {"bureau_passed": True, "bureau_opinion": "同意"})
    assert case_row(case_id).status == "verifying"
    complete(people.expert, open_tasks(case_id)["joint_verification_expert"],
             {"expert_passed": True, "expert_opinion": "同意"})
    assert case_row(case_id).status == "closed"


def test_legal_criterion_makes_a_high_score_major(people):
    assert case_row(register(people, score=95, legal_major=True)).grade == "major"


def test_enterprise_user_cannot_complete_another_enterprises_task(people):
    case_id = register(people)
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    task = open_tasks(case_id)["rectification"]
    with UnitOfWork() as uow, pytest.raises(Exception) as info:
        tasks.complete(uow, people.ent_b, task.id, rectify_data(people.ent_b))
    assert info.value.status == 404


def test_wrong_role_is_refused_and_nothing_changes(people):
    case_id = register(people)
    task = open_tasks(case_id)["assignment"]
    with UnitOfWork() as uow, pytest.raises(NotAllowed):
        tasks.complete(uow, people.inspector, task.id, ASSIGN)


def test_invalid_form_is_refused_with_field_errors(people):
    case_id = register(people)
    task = open_tasks(case_id)["assignment"]
    with UnitOfWork() as uow, pytest.raises(ValidationFailed) as info:
        tasks.complete(uow, people.project_lead, task.id, {"contact_person": "陈"})
    assert "rectification_requirements" in info.value.fields


def test_stale_state_version_is_a_conflict_and_rolls_back(people):
    case_id = register(people)
    task = open_tasks(case_id)["assignment"]
    before = db.session.get(WorkflowState, case_id).version
    with UnitOfWork() as uow:
        # Another request saves first: bump the version behind this one's back.
        from app.services import case_store
        loaded = case_store.load(uow, task.case)
        db.session.query(WorkflowState).filter_by(case_id=case_id).update({"version": before + 1})
        loaded.runtime.complete(task.task_guid, ASSIGN)
        with pytest.raises(StaleCase):
            case_store.save(uow, loaded, people.project_lead)
    db.session.expire_all()
    assert db.session.get(WorkflowState, case_id).version == before
    assert open_tasks(case_id)["assignment"].task_guid == task.task_guid


def test_completing_twice_is_a_conflict(people):
    case_id = register(people)
    task = open_tasks(case_id)["assignment"]
    task_id = task.id
    complete(people.project_lead, task, ASSIGN)
    with UnitOfWork() as uow, pytest.raises(Exception) as info:
        tasks.complete(uow, people.project_lead, task_id, ASSIGN)
    assert info.value.status in (404, 409)


def test_timers_are_projected_with_absolute_due_times(people):
    case_id = register(people)
    timers = db.session.query(Timer).filter_by(case_id=case_id).all()
    assert len(timers) == 1
    registered = case_row(case_id).registered_at
    assert (timers[0].due_at - registered).total_seconds() == 2 * 3600


def test_especially_major_stop_work_side_branch_cannot_reopen_a_closed_case(people):
    case_id = register(people, score=40)
    current = open_tasks(case_id)
    assert case_row(case_id).grade == "especially_major"
    assert {"stop_work_order", "assignment"} <= set(current) and current["stop_work_order"].role == "bureau"
    complete(people.project_lead, current["assignment"], ASSIGN)
    complete(people.ent_a, open_tasks(case_id)["rectification"], rectify_data(people.ent_a))
    current = open_tasks(case_id)
    complete(people.bureau, current["joint_verification_bureau"], {"bureau_passed": True, "bureau_opinion": "同意"})
    complete(people.expert, open_tasks(case_id)["joint_verification_expert"],
             {"expert_passed": True, "expert_opinion": "同意"})
    case = case_row(case_id)
    assert case.status == "closed" and case.round == 1
    # The stop-work order, still open on its side branch, is issued after the close.
    complete(people.bureau, open_tasks(case_id)["stop_work_order"], {
        "order_number": "停-2026-001", "scope": "反应釜区", "reason": "联锁摘除",
        "effective_at": "2026-11-23T10:00:00+08:00"})
    case = case_row(case_id)
    assert case.status == "closed" and case.round == 1 and not open_tasks(case_id)


def test_major_hazard_notifies_the_bureau_once(people):
    from app.models import Notification
    case_id = register(people, score=60)
    notes = db.session.query(Notification).filter_by(case_id=case_id, kind="major_hazard_report").all()
    assert [n.user_id for n in notes] == [people.bureau.id]


def test_history_tells_the_action_then_the_case_change_then_what_it_caused(people):
    """Each step's audit rows are written together; the order a reader sees is the order things happened."""
    case_id = register(people, score=60)  # major: the registration raises an immediate report to the bureau
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    actions = [e.action for e in db.session.query(AuditEvent).filter_by(case_id=case_id)
               .order_by(AuditEvent.created_at, AuditEvent.id)]
    assert actions[:3] == ["hazard_registered", "case_updated", "process_event"]
    assert actions[-2:] == ["task_completed", "case_updated"]


def test_task_ids_are_never_reused(people):
    case_id = register(people)
    old_id = open_tasks(case_id)["assignment"].id
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    assert open_tasks(case_id)["rectification"].id > old_id


def test_a_failure_in_the_middle_of_a_step_leaves_everything_as_before(people, monkeypatch):
    """The engine has run and the state is written when the audit insert fails: nothing of it stays,
    and the in-process runtime cache does not keep the half-done workflow either."""
    from app.services import audit as audit_service
    case_id = register(people)
    task = open_tasks(case_id)["assignment"]
    state_before = db.session.get(WorkflowState, case_id)
    version_before, blob_before = state_before.version, state_before.state
    events_before = db.session.query(AuditEvent).filter_by(case_id=case_id).count()
    real_write = audit_service.write

    def failing_write(uow, rows, *pipe):  # in the middle of the step's writes (inside its pipeline on PostgreSQL)
        if any(row["action"] == "task_completed" for row in rows):
            raise RuntimeError("disk full")
        return real_write(uow, rows, *pipe)
    monkeypatch.setattr(audit_service, "write", failing_write)
    with pytest.raises(RuntimeError):
        complete(people.project_lead, task, ASSIGN)
    monkeypatch.undo()
    db.session.expire_all()
    state = db.session.get(WorkflowState, case_id)
    assert (state.version, state.state) == (version_before, blob_before)
    assert db.session.query(AuditEvent).filter_by(case_id=case_id).count() == events_before
    assert set(open_tasks(case_id)) == {"assignment"} and case_row(case_id).status == "assigning"
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)  # and it can be done again
    assert case_row(case_id).status == "rectifying"


def test_deadline_variables_without_a_zone_are_read_as_shanghai_time():
    from app.clock import SHANGHAI
    from app.services.case_store import _parse
    assert _parse("2026-12-02T09:00:00") == datetime(2026, 12, 2, 9, 0, tzinfo=SHANGHAI)
    assert _parse("2026-12-02T09:00:00+00:00").utcoffset().total_seconds() == 0
    assert _parse("not a date") is None and _parse(None) is None
