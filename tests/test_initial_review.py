"""The online initial review of a rectification (线上初审) through the services, on the real engine and diagram: the
record opens when a verification round starts (48 clock hours), the verifiers' review and its rules, the return for
supplements and the enterprise's answer, the hourly escalation, and the on-time rate."""
from datetime import timedelta

import pytest

from app.clock import clock
from app.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, HazardCase, InitialReview, Notification
from app.services import initial_review_escalation, initial_reviews
from app.services.uow import UnitOfWork
from scheduler import jobs
from tests.test_lifecycle_service import ASSIGN, case_row, complete, open_tasks, photo, rectify_data, register

PASSED = {"materials_complete": True, "consistent": True, "conclusion": "passed", "note": "资料齐全"}
RETURNED = {"materials_complete": False, "missing_items": "缺少整改后检测报告", "consistent": True,
            "conclusion": "returned"}


def to_verification(people, score=90):
    case_id = register(people, score=score)
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    complete(people.ent_a, open_tasks(case_id)["rectification"], rectify_data(people.ent_a))
    return case_id


def current(case_id):
    db.session.expire_all()
    return initial_reviews.current(db.session, case_row(case_id))


def review(user, case_id, values):
    with UnitOfWork() as uow:
        initial_reviews.record_review(uow, user, case_id, dict(values))
        uow.commit()


def supplement(user, case_id, note, files=()):
    with UnitOfWork() as uow:
        initial_reviews.supplement(uow, user, case_id, note, files)
        uow.commit()


def kinds(case_id, user):
    return sorted(n.kind for n in db.session.query(Notification).filter_by(case_id=case_id, user_id=user.id))


def test_a_verification_round_opens_its_record_48_clock_hours_long(people):
    clock.set(clock.now().replace(hour=17))  # 48 clock hours, not working days
    case_id = register(people)
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    assert current(case_id) is None  # under rectification: nothing to review yet
    complete(people.ent_a, open_tasks(case_id)["rectification"], rectify_data(people.ent_a))
    record = current(case_id)
    assert record.round == 1 and record.status == "pending" and record.roles == ["project_team"]
    assert record.due_at == record.opened_at + timedelta(hours=48) == clock.now() + timedelta(hours=48)
    assert db.session.query(AuditEvent).filter_by(case_id=case_id, action="initial_review_opened").count() == 1
    # a failed verification starts a new round, whose verification gets its own record
    complete(people.project_team, open_tasks(case_id)["verification"],
             {"passed": False, "opinion": "不合格", "added_requirements": "补充接地"})
    assert current(case_id) is None
    complete(people.ent_a, open_tasks(case_id)["rectification"], rectify_data(people.ent_a))
    assert current(case_id).round == 2
    assert db.session.query(InitialReview).filter_by(case_id=case_id).count() == 2


def test_opening_a_round_again_leaves_its_record_and_history_alone(people):
    """The opening's audit row and record are written in the step's pipeline without reading anything back: a round
    that has its record gets neither a second record nor a second "opened" row."""
    case_id = register(people)
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    complete(people.ent_a, open_tasks(case_id)["rectification"], rectify_data(people.ent_a))
    opened_at = current(case_id).opened_at
    clock.set(clock.now() + timedelta(hours=1))
    with UnitOfWork() as uow:
        initial_reviews.open_round(uow, db.session.get(HazardCase, case_id), ["project_team"])
        uow.commit()
    db.session.expire_all()
    assert db.session.query(InitialReview).filter_by(case_id=case_id).count() == 1
    assert current(case_id).opened_at == opened_at
    assert db.session.query(AuditEvent).filter_by(case_id=case_id, action="initial_review_opened").count() == 1


def test_the_tier_decides_who_reviews(people):
    larger = to_verification(people, score=75)
    major = to_verification(people, score=60)
    assert current(larger).roles == ["supervision"]
    assert current(major).roles == ["bureau", "expert"]
    with pytest.raises(NotAllowed):
        review(people.project_team, larger, PASSED)
    with pytest.raises(NotAllowed):
        review(people.project_lead, major, PASSED)
    review(people.expert, major, PASSED)
    assert current(major).status == "passed"


def test_review_rules_and_a_pass_without_site_check(people):
    case_id = to_verification(people)
    with pytest.raises(NotFound):
        review(people.ent_b, case_id, PASSED)
    with pytest.raises(NotAllowed):
        review(people.supervision, case_id, PASSED)
    with pytest.raises(ValidationFailed) as empty:
        review(people.project_team, case_id, {})
    assert {"materials_complete", "consistent", "conclusion"} <= set(empty.value.fields)
    with pytest.raises(ValidationFailed) as incomplete:
        review(people.project_team, case_id, {**PASSED, "materials_complete": False, "missing_items": "检测报告"})
    assert "conclusion" in incomplete.value.fields  # incomplete materials are returned, not passed
    with pytest.raises(ValidationFailed) as unexplained:
        review(people.project_team, case_id, {**PASSED, "consistent": False, "conclusion": "site_check"})
    assert {"consistency_note", "site_check_on", "site_checkers"} <= set(unexplained.value.fields)
    clock.advance(hours=3)
    review(people.project_team, case_id, PASSED)
    record = current(case_id)
    assert record.status == "passed" and record.first_reviewed_at == clock.now()
    assert initial_reviews.on_time(record) is True
    with pytest.raises(Conflict):
        review(people.project_team, case_id, PASSED)  # done for this round
    event = db.session.query(AuditEvent).filter_by(case_id=case_id, action="initial_review_recorded").one()
    assert event.changes["status"] == ["pending", "passed"] and event.changes["conclusion"] == [None, "passed"]


def test_a_site_check_is_planned_within_the_verification_deadline_with_users_of_the_roles(people, make_user):
    case_id = to_verification(people)
    colleague = make_user("team2", "project_team")
    last_day = case_row(case_id).verification_due.astimezone(clock.local_now().tzinfo).date()
    plan = {"materials_complete": True, "consistent": False, "consistency_note": "照片与措施描述不符",
            "conclusion": "site_check", "site_checkers": ""}
    with pytest.raises(ValidationFailed) as late:
        review(people.project_team, case_id, {**plan, "site_check_on": (last_day + timedelta(days=1)).isoformat(),
                                               "site_checker_ids": [str(colleague.id)]})
    assert set(late.value.fields) == {"site_check_on"}
    with pytest.raises(ValidationFailed) as stranger:
        review(people.project_team, case_id, {**plan, "site_check_on": last_day.isoformat(),
                                               "site_checker_ids": [str(people.supervision.id)]})
    assert "site_checker_ids" in stranger.value.fields
    review(people.project_team, case_id, {**plan, "site_check_on": last_day.isoformat(),
                                           "site_checker_ids": [str(colleague.id)]})
    record = current(case_id)
    assert record.status == "site_check" and record.latest_review.site_checker_ids == [colleague.id]
    assert "initial_review_site_check" in kinds(case_id, colleague)


def test_a_return_tells_the_enterprise_whose_supplement_reopens_the_review(people):
    case_id = to_verification(people)
    with pytest.raises(Conflict):
        supplement(people.ent_a, case_id, "补充说明")  # nothing was asked for
    with pytest.raises(ValidationFailed) as unnamed:
        review(people.project_team, case_id, {**RETURNED, "missing_items": ""})
    assert "missing_items" in unnamed.value.fields
    review(people.project_team, case_id, RETURNED)
    assert current(case_id).status == "returned"
    assert "initial_review_returned" in kinds(case_id, people.ent_a) and kinds(case_id, people.ent_b) == []
    with pytest.raises(Conflict):
        review(people.project_team, case_id, PASSED)  # awaits the enterprise
    with pytest.raises(NotFound):
        supplement(people.ent_b, case_id, "x")
    with pytest.raises(NotAllowed):
        supplement(people.project_team, case_id, "x")
    with pytest.raises(ValidationFailed):
        supplement(people.ent_a, case_id, " ")
    report = photo(people.ent_a)
    supplement(people.ent_a, case_id, "已补充检测报告", [report])
    record = current(case_id)
    assert record.status == "resubmitted"
    assert "initial_review_supplemented" in kinds(case_id, people.project_team)
    review(people.project_team, case_id, PASSED)
    record = current(case_id)
    assert [(e.kind, e.conclusion) for e in record.entries] == [
        ("review", "returned"), ("supplement", None), ("review", "passed")]
    assert record.entries[1].files == [report] and record.status == "passed"
    from app.models import Attachment
    assert db.session.query(Attachment).filter_by(public_id=report).one().case_id == case_id


def test_a_case_not_awaiting_verification_is_a_conflict(people):
    case_id = register(people)
    with pytest.raises(Conflict):
        review(people.project_team, case_id, PASSED)
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    with pytest.raises(Conflict):
        review(people.project_team, case_id, PASSED)


def test_the_verification_can_be_completed_without_an_initial_review(people):
    case_id = to_verification(people)
    complete(people.project_team, open_tasks(case_id)["verification"], {"passed": True, "opinion": "合格"})
    assert case_row(case_id).status == "closed"
    record = db.session.query(InitialReview).filter_by(case_id=case_id).one()
    assert record.status == "pending" and record.first_reviewed_at is None
    clock.advance(hours=49)
    assert jobs.escalate_initial_reviews() == 0  # the round is over: nothing to escalate


def test_48_hours_without_a_review_are_escalated_once(people):
    case_id = to_verification(people)
    clock.advance(hours=47)
    assert jobs.escalate_initial_reviews() == 0
    clock.advance(hours=2)
    assert jobs.escalate_initial_reviews() == 1
    assert jobs.escalate_initial_reviews() == 0  # once per round
    assert "initial_review_overdue" in kinds(case_id, people.project_lead)
    assert "initial_review_overdue" in kinds(case_id, people.quality)
    assert kinds(case_id, people.project_team).count("initial_review_overdue") == 0
    record = current(case_id)
    assert record.escalated_at is not None and initial_reviews.overdue(record)
    assert db.session.query(AuditEvent).filter_by(case_id=case_id, action="initial_review_escalated").count() == 1
    review(people.project_team, case_id, PASSED)  # late, still recorded
    assert initial_reviews.on_time(current(case_id)) is False


def test_the_on_time_rate_counts_reviews_by_their_deadline(people):
    start = clock.now()
    kept, late = to_verification(people), to_verification(people)
    review(people.project_team, kept, PASSED)
    clock.advance(hours=50)
    review(people.project_team, late, PASSED)
    assert initial_review_escalation.on_time_rate(db.session, start, clock.now() + timedelta(days=1)) == (2, 1)


def test_the_demo_has_a_case_awaiting_verification_with_its_initial_review(app):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    from app.models import HazardCase
    reviewed = db.session.query(InitialReview).join(HazardCase, HazardCase.id == InitialReview.case_id) \
        .filter(HazardCase.status == "verifying", InitialReview.status == "site_check").all()
    assert len(reviewed) == 1 and initial_reviews.on_time(reviewed[0]) is True
    # the others are not reviewed yet (the major hazard awaiting its joint verification): their pages warn
    assert db.session.query(InitialReview).filter_by(status="pending").count() >= 1
