"""Major hazards' special report, treatment plan and listed supervision (重大隐患专报、治理方案与挂牌督办) through the
services, on the real engine and diagram: the record opens with the process's major-hazard event (at registration
and after a re-grading), 48 clock hours to report and plan, the scheduler's urging, the bureau's decisions, listing
and 摘牌 by closing."""
from datetime import timedelta

import pytest

from app.clock import clock
from app.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, MajorHazard, MajorHazardPlan, Notification
from app.services import major_hazards
from app.services.uow import UnitOfWork
from scheduler import jobs
from tests.major_hazard_support import (LISTING, PLAN, REPORT, decide, delist, list_case, record, submit_plan,
                                        submit_report)
from tests.test_lifecycle_service import ASSIGN, case_row, complete, open_tasks, photo, rectify_data, register
from tests.test_regrading import assigned, do_regrade


def kinds(case_id, user):
    return sorted(n.kind for n in db.session.query(Notification).filter_by(case_id=case_id, user_id=user.id))


def test_a_major_case_opens_its_record_with_48_clock_hours_and_a_general_one_does_not(people):
    clock.set(clock.now().replace(hour=17))  # a Monday evening: 48 clock hours, not working days
    major = register(people, score=60)
    general = register(people, score=90)
    row = record(major)
    assert record(general) is None
    assert row.opened_grade == "major" and row.plan_status == "pending" and row.reported_at is None
    assert row.report_due == clock.now() + timedelta(hours=48) == row.plan_due
    assert "major_report_due" in kinds(major, people.project_lead)
    assert "major_plan_due" in kinds(major, people.ent_a) and kinds(major, people.ent_b) == []
    assert db.session.query(AuditEvent).filter_by(case_id=major, action="major_hazard_opened").count() == 1


def test_especially_major_at_registration_opens_one_too(people):
    case_id = register(people, score=40, legal_major=True)
    assert case_row(case_id).grade == "especially_major"
    assert record(case_id).opened_grade == "especially_major"


def test_a_regrading_to_major_opens_the_record_and_a_further_one_keeps_it(people):
    case_id = assigned(people)  # general
    assert record(case_id) is None
    clock.advance(hours=5)
    do_regrade(people.project_lead, case_id, score=60)
    opened = record(case_id)
    assert opened.opened_grade == "major" and opened.report_due == clock.now() + timedelta(hours=48)
    clock.advance(hours=1)
    do_regrade(people.bureau, case_id, score=30)  # especially major now: the same record and deadlines
    again = record(case_id)
    assert again.opened_at == opened.opened_at and again.report_due == opened.report_due
    assert db.session.query(MajorHazard).count() == 1


def test_the_project_lead_reports_once_with_photos_of_the_case(people):
    case_id = register(people, score=60)
    own_photo = _case_photo_ids(case_id)
    assert len(own_photo) == 1
    with pytest.raises(NotAllowed):
        submit_report(people.bureau, case_id)
    with pytest.raises(NotFound):
        submit_report(people.ent_b, case_id)  # another enterprise's: nothing to see
    with pytest.raises(ValidationFailed) as missing:
        submit_report(people.project_lead, case_id, {"confirmation": "", "analysis": "", "measures": ""})
    assert set(missing.value.fields) == {"confirmation", "analysis", "measures"}
    stranger = photo(people.project_lead)  # not the case's photo
    with pytest.raises(ValidationFailed) as wrong_photo:
        submit_report(people.project_lead, case_id, photos=[stranger])
    assert "photos" in wrong_photo.value.fields
    submit_report(people.project_lead, case_id, photos=own_photo)
    row = record(case_id)
    assert row.reported_by_id == people.project_lead.id and row.report_photos == own_photo
    assert row.report_detection == REPORT["detection"]
    assert "major_report_submitted" in kinds(case_id, people.bureau)
    with pytest.raises(Conflict):
        submit_report(people.project_lead, case_id)


def _case_photo_ids(case_id):
    return [a.public_id for a in major_hazards.case_photos(db.session, case_id)]


def test_the_plan_is_returned_resubmitted_and_approved_with_its_history(people):
    case_id = register(people, score=60)
    with pytest.raises(Conflict):
        decide(people.bureau, case_id, True)  # nothing submitted yet
    with pytest.raises(NotAllowed):
        submit_plan(people.project_lead, case_id)
    with pytest.raises(ValidationFailed) as missing:
        submit_plan(people.ent_a, case_id, {**PLAN, "funds": "", "safety": " "})
    assert set(missing.value.fields) == {"funds", "safety"}
    attachment = photo(people.ent_a)
    assert submit_plan(people.ent_a, case_id, files=[attachment]) == 1
    assert record(case_id).plan_status == "submitted"
    with pytest.raises(Conflict):
        submit_plan(people.ent_a, case_id)  # awaiting the decision
    with pytest.raises(NotAllowed):
        decide(people.project_lead, case_id, True)
    with pytest.raises(ValidationFailed) as no_opinion:
        decide(people.bureau, case_id, False, "")
    assert "opinion" in no_opinion.value.fields
    clock.advance(hours=3)
    decide(people.bureau, case_id, False, "经费来源不明确，请补充")
    row = record(case_id)
    assert row.plan_status == "returned" and row.plan_due == clock.now() + timedelta(hours=48)
    assert "major_plan_returned" in kinds(case_id, people.ent_a)
    assert submit_plan(people.ent_a, case_id, {**PLAN, "funds": "企业自筹20万元，已列入预算"}) == 2
    decide(people.bureau, case_id, True, "同意")
    with pytest.raises(Conflict):
        decide(people.bureau, case_id, True)
    with pytest.raises(Conflict):
        submit_plan(people.ent_a, case_id)  # approved
    plans = db.session.query(MajorHazardPlan).filter_by(case_id=case_id).order_by(MajorHazardPlan.version).all()
    assert [(p.version, p.decision) for p in plans] == [(1, "returned"), (2, "approved")]
    assert plans[0].opinion == "经费来源不明确，请补充" and plans[0].files == [attachment]
    assert record(case_id).plan_status == "approved"
    actions = [e.action for e in db.session.query(AuditEvent).filter_by(case_id=case_id).order_by(AuditEvent.id)
               if e.action.startswith("major_plan")]
    assert actions == ["major_plan_submitted", "major_plan_returned", "major_plan_submitted", "major_plan_approved"]


def test_overdue_report_and_plan_are_urged_once_each(people):
    case_id = register(people, score=60)
    clock.advance(hours=47)
    assert jobs.urge_major_hazards() == 0
    clock.advance(hours=2)
    assert jobs.urge_major_hazards() == 2  # the report and the plan
    assert jobs.urge_major_hazards() == 0  # once
    assert "major_report_overdue" in kinds(case_id, people.project_lead)
    assert "major_report_overdue" in kinds(case_id, people.bureau) and "major_plan_overdue" in kinds(case_id, people.bureau)
    assert "major_plan_overdue" in kinds(case_id, people.ent_a) and "major_plan_overdue" not in kinds(case_id, people.ent_b)
    # a plan returned is due again 48 hours later, and urged again when that passes
    submit_plan(people.ent_a, case_id)
    decide(people.bureau, case_id, False, "请细化应急预案")
    clock.advance(hours=49)
    assert jobs.urge_major_hazards() == 1
    overdue = db.session.query(Notification).filter_by(case_id=case_id, user_id=people.ent_a.id,
                                                       kind="major_plan_overdue").count()
    assert overdue == 2


def test_a_report_and_plan_sent_in_time_are_not_urged(people):
    on_time = register(people, score=60)
    submit_report(people.project_lead, on_time)
    submit_plan(people.ent_a, on_time)
    clock.advance(days=3)
    assert jobs.urge_major_hazards() == 0


def test_listing_and_delisting_by_the_bureau(people):
    case_id = register(people, score=60)
    with pytest.raises(NotAllowed):
        list_case(people.project_lead, case_id)
    with pytest.raises(ValidationFailed) as wrong:
        list_case(people.bureau, case_id, {"supervisor_name": "", "supervisor_unit": "局", "due_date": "2026-11-01"})
    assert set(wrong.value.fields) == {"supervisor_name", "due_date"}
    with pytest.raises(Conflict):
        delist(people.bureau, case_id)  # not listed
    list_case(people.bureau, case_id)
    row = record(case_id)
    assert row.is_listed and row.supervisor_unit == LISTING["supervisor_unit"] and str(row.listing_due) == "2026-12-31"
    assert "major_hazard_listed" in kinds(case_id, people.ent_a)
    with pytest.raises(Conflict):
        list_case(people.bureau, case_id)
    with pytest.raises(ValidationFailed):
        delist(people.bureau, case_id, "")
    delist(people.bureau, case_id)
    row = record(case_id)
    assert not row.is_listed and row.delisted_by_id == people.bureau.id and row.delist_reason.startswith("隐患已基本")
    list_case(people.bureau, case_id)  # listed again while open
    assert record(case_id).is_listed and record(case_id).delisted_at is None


def test_closing_the_case_ends_the_listing(people):
    case_id = register(people, score=60)
    list_case(people.bureau, case_id)
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    complete(people.ent_a, open_tasks(case_id)["rectification"], rectify_data(people.ent_a))
    current = open_tasks(case_id)
    complete(people.bureau, current["joint_verification_bureau"], {"bureau_passed": True, "bureau_opinion": "同意"})
    assert record(case_id).is_listed
    complete(people.expert, open_tasks(case_id)["joint_verification_expert"],
             {"expert_passed": True, "expert_opinion": "同意"})
    assert case_row(case_id).status == "closed"
    row = record(case_id)
    assert not row.is_listed and row.delisted_at is not None and row.delisted_by_id is None
    event = db.session.query(AuditEvent).filter_by(case_id=case_id, action="major_hazard_delisted").one()
    assert event.actor_id is None and event.details == {"by_closing": True}
    with pytest.raises(Conflict):
        list_case(people.bureau, case_id)  # closed
    with pytest.raises(Conflict):
        submit_report(people.project_lead, case_id)
    clock.advance(days=5)
    assert jobs.urge_major_hazards() == 0  # a closed case is not urged


def test_records_of_another_enterprise_or_a_general_case_are_not_found(people):
    case_id = register(people, score=60)
    general = register(people, score=90)
    with UnitOfWork() as uow:
        with pytest.raises(NotFound):
            major_hazards.get_visible(uow.session, people.ent_b, case_id)
        with pytest.raises(NotFound):
            major_hazards.get_visible(uow.session, people.bureau, general)
        assert major_hazards.get_visible(uow.session, people.ent_a, case_id).case_id == case_id


def test_the_demos_major_case_has_a_report_an_approved_plan_and_a_listing(app):
    assert app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"]).exit_code == 0
    records = [r for r in db.session.query(MajorHazard).order_by(MajorHazard.case_id)
               if r.case.status != "closed"]  # the closed one is the effect evaluation's (effect_evaluation_demo.py)
    assert sorted(r.opened_grade for r in records) == ["especially_major", "major"]
    shown = next(r for r in records if r.opened_grade == "major")
    assert shown.reported_at is not None and shown.report_photos and shown.plan_status == "approved"
    assert shown.is_listed and shown.supervisor_unit == "县应急管理局"
    waiting = next(r for r in records if r.opened_grade == "especially_major")
    assert waiting.reported_at is None and waiting.plan_status == "pending"
    assert shown.reported_at <= shown.report_due  # sent within its 48 hours
