"""The pre-submission check list of a visit's report (结构化校验: each rule, blocking or a warning) and the three-level
review (三级审核) in the services: submit, approve, return, who acts at each level, the release to the enterprise."""
import pytest

from app.clock import clock
from app.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from app.models import Attachment, AuditEvent, InspectionVisit, Notification, VisitReviewStep
from app.services import hazards, visit_checks, visit_review
from app.services.uow import UnitOfWork
from tests.test_checklist_results import record, standard  # noqa: F401
from tests.test_checklists import item
from tests.test_inspections import visit
from tests.test_lifecycle_service import photo, register
from tests.test_visit_checkins import check_in, check_out
from tests.visit_review_support import act, finish_checklist


@pytest.fixture
def tech(make_user):
    return make_user("tech", "technical_lead")


def codes(row):
    db.session.expire_all()
    return {c.code: (c.level, c.subjects) for c in
            visit_checks.for_visit(db.session, db.session.get(InspectionVisit, row.id))}


def ready(people, **changes):
    """A visit whose report has no blocking item: the team named by user, the checklist finished."""
    row = visit(people.inspector, people.enterprise_a, **{"inspectors": "inspector", **changes})
    finish_checklist(people.inspector, row)
    return row


def status(row):
    db.session.expire_all()
    return db.session.get(InspectionVisit, row.id).review_status


# ---- the check list --------------------------------------------------------------------------------------------------
def test_a_fresh_visit_lists_its_unfinished_checklist_as_blocking_and_the_day_s_facts_as_warnings(people):
    row = visit(people.inspector, people.enterprise_a)  # "张排查、李排查": no such users
    found = codes(row)
    level, subjects = found["checklist_unfinished"]
    assert level == "blocking" and "TY-01" in subjects and "HG-24" in subjects
    assert found["no_check_in"] == ("warning", [])
    assert found["inspectors_unmatched"] == ("warning", ["张排查", "李排查"])
    assert found["enterprise_contact_missing"][0] == "warning"  # the test register names no contact person
    assert list(found)[0] == "checklist_unfinished"  # blocking items first
    finish_checklist(people.inspector, row)
    assert "checklist_unfinished" not in codes(row)
    people.enterprise_a.contact_person = "陈安全"
    db.session.commit()
    assert "enterprise_contact_missing" not in codes(row)


def test_a_nonconforming_item_needs_its_hazard_and_findings(people):
    row = ready(people)
    record(people.inspector, row, ("HG-24", "nonconform", "甲类仓库超量储存"))
    found = codes(row)
    assert found["nonconform_without_case"] == ("blocking", ["HG-24"])
    assert found["findings_missing"] == ("blocking", [])
    with UnitOfWork() as uow:
        hazards.register_hazard(uow, people.inspector, {
            "enterprise_id": people.enterprise_a.id, "score": 90, "legal_major": False, "hazard_type": "electrical",
            "place": "仓库", "description": "超量储存", "photos": [photo(people.inspector)],
            "inspection_visit_id": row.id, "checklist_item_id": item("HG-24").id})
        uow.commit()
    found = codes(row)
    assert "nonconform_without_case" not in found and "findings_missing" in found  # a hazard needs findings too
    act(visit_review.edit, people.inspector, row.id, "inspector", "仓库", "甲类仓库超量储存，已登记隐患")
    assert not visit_checks.blocking([visit_checks.Check(c) for c in codes(row)])


def test_hazards_without_photo_or_position_are_warnings(people):
    row = ready(people)
    case_id = register(people)  # registered at the enterprise today: a hazard of the visit; no GPS, photo unlocated
    found = codes(row)
    assert found["hazard_no_position"][0] == "warning" and "hazard_no_photo" not in found
    db.session.query(Attachment).filter_by(case_id=case_id).update({"case_id": None})
    db.session.commit()
    assert codes(row)["hazard_no_photo"][0] == "warning"
    from app.models import HazardCase
    db.session.get(HazardCase, case_id).latitude, db.session.get(HazardCase, case_id).longitude = 30.2, 120.1
    db.session.commit()
    assert "hazard_no_position" not in codes(row)


def test_inspectors_missing_blocks(people):
    row = visit(people.inspector, people.enterprise_a, inspectors="、")
    assert codes(row)["inspectors_missing"] == ("blocking", [])


def test_check_out_and_the_four_hour_rule_by_kind(people):
    row = ready(people)
    check_in(people.inspector, row.id)
    assert codes(row)["no_check_out"] == ("warning", ["inspector"])
    clock.advance(hours=1)
    check_out(people.inspector, row.id)
    found = codes(row)
    assert "no_check_out" not in found and found["short_stay"] == ("warning", ["1h00m"])
    night = ready(people, kind="night", visit_time="00:30")  # 夜查: short by design, no 4-hour rule
    check_in(people.inspector, night.id)
    clock.advance(hours=1)
    check_out(people.inspector, night.id)
    assert "short_stay" not in codes(night)


# ---- the chain -------------------------------------------------------------------------------------------------------
def test_three_levels_release_the_report_to_the_enterprise(people, tech):
    row = ready(people)
    with pytest.raises(NotFound):  # the enterprise does not see it before the final review
        visit_review.inspections.get_visible_visit(db.session, people.ent_a, row.id)
    act(visit_review.submit, people.inspector, row.id)
    assert status(row) == "awaiting_second"
    assert {n.user_id for n in db.session.query(Notification).filter_by(kind="visit_report_submitted")} == \
        {people.project_lead.id}
    act(visit_review.approve, people.project_lead, row.id, "同意")
    assert status(row) == "awaiting_final"
    assert db.session.query(Notification).filter_by(kind="visit_report_reviewed").one().user_id == tech.id
    assert db.session.query(Notification).filter_by(kind="inspection_recorded").count() == 0
    act(visit_review.approve, tech, row.id, "")
    db.session.expire_all()
    done = db.session.get(InspectionVisit, row.id)
    assert done.review_status == "released" and done.released_at == clock.now()
    assert db.session.query(Notification).filter_by(kind="inspection_recorded").one().user_id == people.ent_a.id
    assert visit_review.inspections.get_visible_visit(db.session, people.ent_a, row.id).id == row.id
    steps = db.session.query(VisitReviewStep).order_by(VisitReviewStep.id).all()
    assert [(s.level, s.decision, s.actor_id) for s in steps] == [
        (1, "submitted", people.inspector.id), (2, "approved", people.project_lead.id), (3, "approved", tech.id)]
    assert [c["code"] for c in steps[0].checks] == ["no_check_in", "enterprise_contact_missing"]  # warnings kept
    events = db.session.query(AuditEvent).filter(AuditEvent.action.like("visit_report_%")).order_by(AuditEvent.id)
    assert [(e.action, e.changes["review_status"]) for e in events] == [
        ("visit_report_submitted", ["draft", "awaiting_second"]),
        ("visit_report_reviewed", ["awaiting_second", "awaiting_final"]),
        ("visit_report_released", ["awaiting_final", "released"])]
    assert {e.subject_type for e in events} == {"inspection_visit"}


def test_blocking_items_stop_the_submission_and_a_released_report_is_frozen(people, tech):
    row = visit(people.inspector, people.enterprise_a, inspectors="inspector")
    with pytest.raises(Conflict) as caught:
        act(visit_review.submit, people.inspector, row.id)
    assert "检查表未完成" in caught.value.message and status(row) == "draft"
    finish_checklist(people.inspector, row)
    act(visit_review.submit, people.inspector, row.id)
    with pytest.raises(Conflict):  # under review: no second submission, no edit, no checklist change
        act(visit_review.submit, people.inspector, row.id)
    with pytest.raises(Conflict):
        act(visit_review.edit, people.inspector, row.id, "inspector", "改", "")
    with pytest.raises(Conflict):
        record(people.inspector, row, ("TY-01", "nonconform", "改为不符合"))


def test_returns_go_back_to_the_team_with_a_reason_and_come_round_again(people, tech, make_user):
    li = make_user("李排查", "inspector")
    row = ready(people, inspectors="inspector、李排查")
    act(visit_review.submit, people.inspector, row.id)
    with pytest.raises(ValidationFailed) as caught:
        act(visit_review.return_, people.project_lead, row.id, "  ")
    assert set(caught.value.fields) == {"reason"}
    act(visit_review.return_, people.project_lead, row.id, "检查内容过于笼统")
    assert status(row) == "returned"
    told = {n.user_id for n in db.session.query(Notification).filter_by(kind="visit_report_returned")}
    assert told == {people.inspector.id, li.id}
    assert visit_review.last_return(db.session, db.session.get(InspectionVisit, row.id)).reason == "检查内容过于笼统"
    act(visit_review.edit, people.inspector, row.id, "inspector、李排查", "配电房、仓库：逐项核对", "")
    act(visit_review.submit, people.inspector, row.id)
    act(visit_review.approve, people.project_lead, row.id, "")
    act(visit_review.return_, tech, row.id, "照片不足")  # 终审 returns too: both levels again
    assert status(row) == "returned"
    act(visit_review.submit, people.inspector, row.id)
    assert status(row) == "awaiting_second"
    assert db.session.query(Notification).filter_by(kind="visit_report_submitted").count() == 3  # news each round
    edited = db.session.query(AuditEvent).filter_by(action="inspection_updated").one()
    assert edited.changes == {"scope": ["配电房、危化品仓库", "配电房、仓库：逐项核对"]}


def test_who_acts_at_each_level(people, tech, make_user):
    row = ready(people)
    for who in (people.project_lead, tech, people.quality):  # 初审 is the recorder's
        with pytest.raises(NotAllowed):
            act(visit_review.submit, who, row.id)
    with pytest.raises(NotFound):
        act(visit_review.submit, people.ent_a, row.id)
    with pytest.raises(Conflict):  # nothing to approve yet
        act(visit_review.approve, people.project_lead, row.id, "")
    act(visit_review.submit, people.inspector, row.id)
    for who in (tech, people.inspector, people.quality, people.bureau):  # 复审: a project lead
        with pytest.raises(NotAllowed):
            act(visit_review.approve, who, row.id, "")
    for who in (people.ent_a, people.ent_b):
        with pytest.raises(NotFound):
            act(visit_review.approve, who, row.id, "")
    both = make_user("both", "project_lead", "technical_lead")
    act(visit_review.approve, both, row.id, "")
    for who in (people.project_lead, both):  # 终审: a technical lead, not the one who gave the 复审
        with pytest.raises(NotAllowed):
            act(visit_review.approve, who, row.id, "")
    act(visit_review.approve, tech, row.id, "")
    own = visit(people.project_lead, people.enterprise_a, inspectors="project_lead")
    finish_checklist(people.project_lead, own)
    act(visit_review.submit, people.project_lead, own.id)
    with pytest.raises(NotAllowed):  # nobody reviews a report they recorded
        act(visit_review.approve, people.project_lead, own.id, "")
    with pytest.raises(NotAllowed):
        act(visit_review.edit, people.quality, own.id, "x", "y", "")
