"""Training and drill rules (services/trainings.py, training_plans.py, training_targets.py, drills.py): what a session
must have, who records, the quarter's on-site target against the service projects' rosters (or the enterprises with
open cases) on the injected clock, the staff's yearly hours, the plan's planned vs held, and the audit trail."""
import pytest

from app.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from app.models import AuditEvent, TrainingAttendee
from app.services import drills, training_plans, training_targets, trainings
from app.services.uow import UnitOfWork
from tests.service_project_support import make_project, put_on
from tests.test_lifecycle_service import register
from tests.training_support import at, drill, internal, moved_clock, onsite, plan_item


def _create(user, values):
    with UnitOfWork() as uow:
        return trainings.create(uow, user, values)


def test_a_session_names_every_wrong_field_at_once(people):
    with pytest.raises(ValidationFailed) as failed:
        _create(people.project_lead, {"kind": "enterprise", "held_at": "2026-12-01T09:00", "hours": "0.3",
                                      "topic": "", "modules": ["nonsense"], "trainer": "", "enterprise_ids": [],
                                      "attendees": "甲\n乙\n丙", "attendee_count": "2"})
    assert set(failed.value.fields) == {"held_at", "hours", "topic", "modules", "trainer", "enterprise_ids",
                                        "attendee_count"}
    with pytest.raises(ValidationFailed) as failed:
        _create(people.project_lead, {"kind": "internal", "held_at": "2026-11-20T09:00", "hours": "2",
                                      "topic": "t", "modules": ["laws"], "trainer": "x",
                                      "staff_ids": [people.ent_a.id]})
    assert set(failed.value.fields) == {"staff_ids"}  # an enterprise's user is no project staff


def test_who_records_and_who_reads(people):
    for role in ("bureau", "manager", "inspector", "ent_a"):
        with pytest.raises(NotAllowed):
            onsite(people[role], [people.enterprise_a])
    training_id = onsite(people.project_team, [people.enterprise_a])
    with UnitOfWork() as uow:
        assert trainings.get(uow.session, people.ent_a, training_id).id == training_id
        with pytest.raises(NotFound):
            trainings.get(uow.session, people.ent_b, training_id)
        with pytest.raises(NotAllowed):
            trainings.get(uow.session, people.inspector, training_id)
        assert trainings.listing(uow.session, people.ent_b, trainings.TrainingFilter())[1] == 0
    staff_training = internal(people.project_lead, [people.inspector])
    with UnitOfWork() as uow, pytest.raises(NotFound):
        trainings.get(uow.session, people.ent_a, staff_training)  # internal trainings are the team's own


def test_editing_keeps_the_assessment_of_people_still_listed_and_audits_before_and_after(people):
    training_id = onsite(people.project_lead, [people.enterprise_a])
    with UnitOfWork() as uow:
        row = trainings.get(uow.session, people.project_lead, training_id)
        zhang = next(a for a in row.attendees if a.name == "张三")
        trainings.assess(uow, people.project_lead, training_id, {str(zhang.id): ("pass", "92")})
        uow.commit()
    with UnitOfWork() as uow:
        trainings.update(uow, people.project_lead, training_id, {
            "kind": "enterprise", "held_at": "2026-11-20T09:00", "hours": "3", "topic": "典型案例讲解排查要点",
            "modules": ["cases"], "trainer": "王专家", "enterprise_ids": [people.enterprise_a.id, people.enterprise_b.id],
            "attendees": "张三 安全员\n王五 班组长", "attendee_count": "15"})
        uow.commit()
    rows = {a.name: a for a in TrainingAttendee.query.filter_by(training_id=training_id)}
    assert set(rows) == {"张三", "王五"} and (rows["张三"].result, rows["张三"].score) == ("pass", 92)
    event = AuditEvent.query.filter_by(action="training_updated").one()
    assert event.subject_type == "training" and event.subject_id == training_id
    assert event.changes["hours"] == [2.0, 3.0]
    assert event.changes["enterprise_ids"] == [[people.enterprise_a.id],
                                               sorted([people.enterprise_a.id, people.enterprise_b.id])]
    assessed = AuditEvent.query.filter_by(action="training_assessed").one()
    assert assessed.changes == {"张三": ["", "合格 92"]}


def test_a_bad_assessment_is_refused_whole(people):
    training_id = onsite(people.project_lead, [people.enterprise_a])
    with UnitOfWork() as uow:
        ids = [a.id for a in trainings.get(uow.session, people.project_lead, training_id).attendees]
        with pytest.raises(ValidationFailed) as failed:
            trainings.assess(uow, people.project_lead, training_id, {str(ids[0]): ("pass", "101"),
                                                                     str(ids[1]): ("maybe", "")})
    assert set(failed.value.fields) == {f"score_{ids[0]}", f"result_{ids[1]}"}


def test_the_quarter_target_counts_on_site_trainings_of_the_roster_in_the_quarter(people, make_enterprise):
    third = make_enterprise("丙食品有限公司")
    project = make_project(people.project_lead, start_on="2026-10-01", end_on="2026-12-31")
    put_on(people.project_lead, project, people.enterprise_a, people.enterprise_b)
    onsite(people.project_lead, [people.enterprise_a, third], held_at="2026-10-10T09:00")
    onsite(people.project_lead, [people.enterprise_a], held_at="2026-11-20T09:00")
    onsite(people.project_lead, [people.enterprise_b], held_at="2026-09-30T09:00")  # the quarter before
    internal(people.project_lead, [people.inspector], held_at="2026-11-02T09:00")  # not on site
    with UnitOfWork() as uow:
        target = training_targets.quarter_target(uow.session, people.bureau, per_quarter=2)
    assert target.quarter.code == "2026Q4" and target.source == "projects"
    assert [(r.enterprise.name, r.held, r.missing) for r in target.rows] == [
        ("乙机械制造厂", 0, 2), ("甲化工有限公司", 2, 0)]  # 丙 is on no roster
    assert [r.enterprise.name for r in target.below] == ["乙机械制造厂"]
    with moved_clock(at(2026, 9, 30)), UnitOfWork() as uow:  # the clock decides the current quarter
        earlier = training_targets.quarter_target(uow.session, people.bureau)
    assert earlier.quarter.code == "2026Q3" and earlier.source == "open_cases" and earlier.rows == []


def test_without_a_project_the_enterprises_with_open_cases_are_served(people):
    register(people, enterprise=people.enterprise_b)
    with UnitOfWork() as uow:
        target = training_targets.quarter_target(uow.session, people.manager,
                                                 training_targets.Quarter.parse("2026q4"), per_quarter=2)
        assert target.source == "open_cases"
        assert [(r.enterprise.name, r.missing) for r in target.rows] == [("乙机械制造厂", 2)]
        with pytest.raises(NotAllowed):
            training_targets.quarter_target(uow.session, people.ent_b)


def test_staff_hours_count_internal_sessions_of_the_year(people):
    internal(people.project_lead, [people.inspector, people.project_team], held_at="2026-03-02T09:00", hours="8")
    internal(people.project_lead, [people.inspector], held_at="2026-11-02T09:00", hours="2.5")
    internal(people.project_lead, [people.inspector], held_at="2025-12-30T09:00", hours="8")  # last year
    onsite(people.project_lead, [people.enterprise_a])
    with UnitOfWork() as uow:
        rows = {r.user.username: r for r in training_targets.staff_hours(uow.session, people.bureau, 2026, 40)}
    assert (rows["inspector"].hours, rows["inspector"].sessions, rows["inspector"].missing) == (10.5, 2, 29.5)
    assert rows["project_team"].hours == 8 and rows["quality"].hours == 0
    assert "bureau" not in rows and "ent_a" not in rows and "expert" not in rows


def test_the_plan_counts_planned_sessions_held_and_flags_past_months(people):
    october = plan_item(people.project_lead, month=10, topic="标准解读")
    november = plan_item(people.project_lead, month=11, kind="enterprise", topic="现场培训")
    plan_item(people.project_lead, month=12, topic="案例分析")
    internal(people.project_lead, [people.inspector], plan_item_id=str(october), held_at="2026-10-12T09:00")
    onsite(people.project_lead, [people.enterprise_a])
    with pytest.raises(ValidationFailed) as failed:  # a plan item of another kind
        internal(people.project_lead, [people.inspector], plan_item_id=str(november))
    assert set(failed.value.fields) == {"plan_item_id"}
    with UnitOfWork() as uow:
        progress = training_plans.progress(uow.session, people.manager, 2026)
    assert (progress.planned, progress.held, progress.percent, progress.unplanned) == (3, 1, 33, 1)
    assert [(r.item.month, bool(r.held), r.overdue) for r in progress.rows] == [
        (10, True, False), (11, False, False), (12, False, False)]
    with moved_clock(at(2026, 12, 2)), UnitOfWork() as uow:
        assert [r.overdue for r in training_plans.progress(uow.session, people.manager, 2026).rows] == [
            False, True, False]
    with UnitOfWork() as uow, pytest.raises(Conflict):
        training_plans.remove(uow, people.project_lead, october)


def test_a_drill_problem_is_registered_as_a_hazard_once(people):
    drill_id = drill(people.project_lead, people.enterprise_a)
    with UnitOfWork() as uow:
        row, text, values = drills.hazard_prefill(uow.session, people.inspector, drill_id, "2")
        assert text == "疏散集合点未设置标识" and values["enterprise_id"] == str(people.enterprise_a.id)
        assert "危险化学品泄漏现场处置方案" in values["description"]
        with pytest.raises(ValidationFailed):
            drills.hazard_prefill(uow.session, people.inspector, drill_id, "3")
        with pytest.raises(NotFound):
            drills.get(uow.session, people.ent_b, drill_id)
        with pytest.raises(NotAllowed):
            drills.get(uow.session, people.expert, drill_id)
        with pytest.raises(NotAllowed):
            drills.create(uow, people.inspector, {})


def test_a_drill_names_every_wrong_field(people):
    with UnitOfWork() as uow, pytest.raises(ValidationFailed) as failed:
        drills.create(uow, people.project_lead, {"enterprise_id": "999999", "held_on": "2026-11-24", "scenario": "",
                                                 "kind": "drill", "participants": "0"})
    assert set(failed.value.fields) == {"enterprise_id", "held_on", "scenario", "kind", "participants"}


def test_the_demo_has_a_plan_two_sessions_and_a_drill(app):
    from app.models import Drill, TrainingPlanItem, TrainingSession, User
    result = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert TrainingPlanItem.query.count() == 3
    assert sorted(s.kind for s in TrainingSession.query) == ["enterprise", "internal"]
    assert Drill.query.one().problem_lines[0] == "甲类仓库应急广播无法覆盖"
    lead = User.query.filter_by(username="project_lead").one()
    with UnitOfWork() as uow:
        assert training_plans.progress(uow.session, lead, TrainingSession.query.first().held_at.year).held >= 1
        assert training_targets.quarter_target(uow.session, lead).below  # the roster is far from two each
