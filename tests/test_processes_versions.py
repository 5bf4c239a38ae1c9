"""Versions on the real engine and database: deploy with author and comment, running cases stay on their
version, diff, rollback, dry run and migration of running cases."""
import pytest

from app.clock import clock
from app.errors import NotAllowed, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, HazardCase, HumanTask, ProcessVersion
from app.services import process_versions
from app.services.uow import UnitOfWork
from process_support import BPMN, DMN, deploy_as, deployed, edited, restore_versions, shipped  # noqa: F401
from test_lifecycle_service import ASSIGN, complete, open_tasks, rectify_data, register

pytestmark = pytest.mark.usefixtures("restore_versions")
RENAME = ('name="整改指派"', 'name="整改指派（新版）"')


def case(case_id):
    db.session.expire_all()
    return db.session.get(HazardCase, case_id)


def test_deploy_records_author_and_comment_and_lists_versions(people):
    first = deployed()
    register(people)
    version_id, created = deploy_as(people.process_owner, *edited(*RENAME), comment="改名：整改指派")
    assert created
    [definition] = process_versions.list_definitions(UnitOfWork())
    newest, older = definition["versions"][0], definition["versions"][-1]
    assert definition["deployed"]["id"] == version_id == newest["id"] and newest["is_deployed"]
    assert newest["version"] == first.version + 1 and newest["author"] == "process_owner"
    assert newest["comment"] == "改名：整改指派" and newest["running_cases"] == 0
    assert older["id"] == first.id and older["running_cases"] == 1 and not older["is_deployed"]
    event = db.session.query(AuditEvent).filter_by(action="process_deployed", actor_name="process_owner").one()
    assert event.details["version"] == newest["version"]


def test_an_invalid_version_is_not_deployed_and_changes_nothing(people):
    before = [(v.id, v.is_deployed) for v in db.session.query(ProcessVersion).order_by(ProcessVersion.id)]
    files, forms = edited(">assignment_due</bpmn:timeDate>", ">PT2H</bpmn:timeDate>")
    with pytest.raises(process_versions.DeployRejected) as raised:
        deploy_as(people.process_owner, files, forms)
    assert raised.value.problems[0]["element_id"] == "Timer_assignment_overdue"
    db.session.expire_all()
    assert [(v.id, v.is_deployed) for v in db.session.query(ProcessVersion).order_by(ProcessVersion.id)] == before
    assert db.session.query(AuditEvent).filter_by(action="process_deployed", actor_name="process_owner").count() == 0


def test_only_process_owners_deploy(people):
    with pytest.raises(NotAllowed):
        deploy_as(people.admin, *edited(*RENAME))


def test_identical_content_makes_no_new_version(people):
    first = deployed()
    version_id, created = deploy_as(people.process_owner, *shipped())
    assert not created and version_id == first.id


def test_running_cases_stay_on_their_version_and_new_cases_start_on_the_new_one(people):
    old_case = register(people)
    old_version = deployed()
    new_id, _ = deploy_as(people.process_owner, *edited(*RENAME))
    new_case = register(people)
    assert case(old_case).process_version_id == old_version.id
    assert case(new_case).process_version_id == new_id
    assert open_tasks(old_case)["assignment"].name == "整改指派"
    assert open_tasks(new_case)["assignment"].name == "整改指派（新版）"
    complete(people.project_lead, open_tasks(old_case)["assignment"], ASSIGN)  # the old case runs on
    assert case(old_case).status == "rectifying" and case(old_case).process_version_id == old_version.id


def test_diff_lists_elements_added_removed_and_changed_per_file(people):
    old = deployed()
    files, forms = edited(*RENAME)
    files[BPMN] = files[BPMN].replace("'especially_major'</bpmn:conditionExpression>",
                                      "'especially_major' and score &lt; 40</bpmn:conditionExpression>")
    files[DMN] = files[DMN].replace("<text>15</text>", "<text>10</text>")
    forms["rectification"]["schema"]["properties"]["photos_count"] = {"type": "integer", "title": "照片数量"}
    del forms["rectification"]["schema"]["properties"]["funds"]
    new_id, _ = deploy_as(people.process_owner, files, forms)
    _old, _new, result = process_versions.diff(UnitOfWork(), old.id, new_id)
    by_file = {f["file"]: f for f in result}
    bpmn = by_file[BPMN]
    changed = {e["id"]: e for e in bpmn["changed"]}
    assert changed["Task_assignment"]["changes"] == ["name: 整改指派 → 整改指派（新版）"]
    assert any("score < 40" in line for e in changed.values() for line in e["changes"])
    assert [e["id"] for e in by_file[DMN]["changed"]] == ["Rule_larger"]
    form = by_file["forms/rectification.json"]
    assert [e["id"] for e in form["added"]] == ["photos_count"] and [e["id"] for e in form["removed"]] == ["funds"]
    assert by_file["forms/assignment.json"]["status"] == "same"


def test_rollback_deploys_the_old_content_as_a_new_version(people):
    first = deployed()
    second_id, _ = deploy_as(people.process_owner, *edited(*RENAME))
    with UnitOfWork() as uow:
        version, created, _ = process_versions.rollback(uow, people.process_owner, first.id, "改回去")
        uow.commit()
    current = deployed()
    assert created and current.id == version.id and current.id not in (first.id, second_id)
    assert current.version == first.version + 2 and current.content_hash == first.content_hash
    assert current.comment.startswith(f"回滚到版本 {first.version}") and current.comment.endswith("改回去")
    new_case = register(people)
    assert case(new_case).process_version_id == current.id
    assert open_tasks(new_case)["assignment"].name == "整改指派"


def test_dry_run_then_migrate_moves_only_the_case_that_can_move(people):
    waiting = register(people)  # still at the assignment: the renamed task has not run yet
    assigned = register(people)
    complete(people.project_lead, open_tasks(assigned)["assignment"], ASSIGN)  # the renamed task already ran
    old = deployed()
    task_before = open_tasks(waiting)["assignment"]
    new_id, _ = deploy_as(people.process_owner, *edited(*RENAME))

    with UnitOfWork() as uow:
        moves, _target = process_versions.dry_run(uow, people.process_owner, [waiting, assigned], new_id)
    result = {m.case_id: m for m in moves}
    assert result[waiting].can_move and result[waiting].reasons == []
    assert not result[assigned].can_move
    assert result[assigned].reasons[0].startswith("Task_assignment (整改指派) 已完成")
    assert "completed but changed in the new version" in result[assigned].reasons[0]
    assert case(waiting).process_version_id == old.id  # a dry run changes nothing

    with UnitOfWork() as uow:
        moves, _target = process_versions.migrate(uow, people.process_owner, [waiting, assigned], new_id)
        uow.commit()
    assert [m.case_id for m in moves if m.moved] == [waiting]
    assert case(waiting).process_version_id == new_id and case(assigned).process_version_id == old.id
    task_after = open_tasks(waiting)["assignment"]
    assert task_after.id == task_before.id and task_after.name == "整改指派（新版）"  # same row, new name
    event = db.session.query(AuditEvent).filter_by(case_id=waiting, action="case_migrated").one()
    assert event.actor_name == "process_owner"
    assert event.details["from_version"] == old.version and event.details["to_version"] == old.version + 1
    assert db.session.query(AuditEvent).filter_by(case_id=assigned, action="case_migrated").count() == 0
    # The migrated case runs on under the new version.
    complete(people.project_lead, task_after, ASSIGN)
    assert case(waiting).status == "rectifying" and "rectification" in open_tasks(waiting)


def test_migration_keeps_the_timers_and_reports_cases_already_there(people):
    waiting = register(people)
    new_id, _ = deploy_as(people.process_owner, *edited(*RENAME))
    with UnitOfWork() as uow:
        process_versions.migrate(uow, people.process_owner, [waiting], new_id)
        uow.commit()
    from app.models import Timer
    assert db.session.query(Timer).filter_by(case_id=waiting, bpmn_id="Timer_assignment_overdue").count() == 1
    with UnitOfWork() as uow:
        [move], _ = process_versions.dry_run(uow, people.process_owner, [waiting], new_id)
    assert not move.can_move and "already on version" in move.reasons[0]


def test_only_process_owners_migrate(people):
    waiting = register(people)
    with pytest.raises(NotAllowed), UnitOfWork() as uow:
        process_versions.migrate(uow, people.bureau, [waiting], deployed().id)
    assert db.session.query(HumanTask).filter_by(case_id=waiting).count() == 1



def test_new_field_and_shorter_deadline_for_new_and_migrated_cases_old_case_unchanged(people):
    """The issue's "done when": a field added to the rectification form and verification shortened from 3 to
    2 working days; a new case follows the new version, an old one the old, a third moves after a dry run."""
    old_case, third = register(people), register(people)
    files, forms = edited("verification_due = add_workdays(verification_started_at, 3)",
                          "verification_due = add_workdays(verification_started_at, 2)")
    rectification = forms["rectification"]["schema"]
    rectification["properties"]["hazard_source_removed"] = {"type": "boolean", "title": "危险源已消除"}
    rectification["required"].append("hazard_source_removed")
    new_id, _ = deploy_as(people.process_owner, files, forms, comment="复核期限缩短为2个工作日；整改表单加字段")
    new_case = register(people)
    with UnitOfWork() as uow:
        [move], _ = process_versions.dry_run(uow, people.process_owner, [third], new_id)
        assert move.can_move
        process_versions.migrate(uow, people.process_owner, [third], new_id)
        uow.commit()

    def verification_days(case_id, **extra):
        complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
        complete(people.ent_a, open_tasks(case_id)["rectification"], dict(rectify_data(people.ent_a), **extra))
        return (case(case_id).verification_due - clock.now()).days  # Monday 09:00 + n working days

    assert verification_days(old_case) == 3  # the old case: old form, old deadline
    for case_id in (new_case, third):
        with pytest.raises(ValidationFailed) as raised:  # the new required field is asked for
            verification_days(case_id)
        assert "hazard_source_removed" in raised.value.fields
        complete(people.ent_a, open_tasks(case_id)["rectification"],
                 dict(rectify_data(people.ent_a), hazard_source_removed=True))
        assert (case(case_id).verification_due - clock.now()).days == 2
    actions = [e.action for e in db.session.query(AuditEvent).filter_by(case_id=third)]
    assert "case_migrated" in actions
