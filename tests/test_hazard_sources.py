"""The major hazard source register (重大危险源登记) in its services: the assessment's due day and the states under the
test clock, the reminder job (once per due day each, a new assessment arming it again), the review with four eyes,
linked devices of the same enterprise only, and "has major hazard sources" answered by the structured register OR
the register's old text for the priority list, the regional risk and the service report."""
from datetime import date, datetime

import pytest

from app.clock import SHANGHAI, clock
from app.errors import Conflict, NotAllowed, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, Notification
from app.services import hazard_source_states as states, inspection_priority, region_risk, service_report_facts
from app.services.uow import UnitOfWork
from scheduler import jobs
from tests.hazard_source_support import SOURCE, add, change, in_session, review, source
from tests.iot_support import reading, register, send


def notices(user, kind):
    return db.session.query(Notification).filter_by(user_id=user.id, kind=kind).all()


def test_the_assessment_is_due_three_years_on_and_the_states_follow_the_clock(people):
    source_id = add(people.ent_a, people.enterprise_a.id)
    row = source(source_id)
    assert row.assessment_due_on == date(2027, 1, 9)  # 2024-01-10 + 3 years − 1 day
    assert row.r_value == 3.1  # 30/10 + 50/500, β = α = 1
    clock.set(datetime(2026, 11, 9, 9, 0, tzinfo=SHANGHAI))
    assert states.assessment_state(row) == "valid" and states.days_left(row) == 61
    clock.set(datetime(2026, 11, 10, 9, 0, tzinfo=SHANGHAI))
    assert states.assessment_state(row) == "due" and states.filing_state(row) == "valid"
    clock.set(datetime(2027, 1, 9, 23, 59, tzinfo=SHANGHAI))
    assert states.assessment_state(row) == "due" and states.days_left(row) == 0  # its last valid day
    clock.set(datetime(2027, 1, 10, 0, 0, tzinfo=SHANGHAI))
    assert states.assessment_state(row) == "lapsed"
    assert states.filing_state(row) == "refile"  # the filing rests on the lapsed assessment


def test_filing_states():
    from app.models import HazardSource
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI))
    row = HazardSource(filing_number="", filed_on=None, assessed_on=date(2025, 5, 1),
                       assessment_due_on=date(2028, 4, 30))
    assert states.filing_state(row) == "missing"
    row.filing_number, row.filed_on = "X-1", date(2025, 4, 1)  # filed before the latest assessment
    assert states.filing_state(row) == "refile"
    row.filed_on = date(2025, 5, 20)
    assert states.filing_state(row) == "valid"
    row.assessed_on = row.assessment_due_on = None
    assert states.assessment_state(row) == "missing"


def test_the_job_tells_the_enterprise_60_days_before_and_when_lapsed_once_each(people):
    source_id = add(people.ent_a, people.enterprise_a.id)
    clock.set(datetime(2026, 11, 9, 9, 0, tzinfo=SHANGHAI))
    assert jobs.notify_hazard_source_assessments() == 0  # 61 days ahead
    clock.set(datetime(2026, 11, 10, 9, 0, tzinfo=SHANGHAI))
    assert jobs.notify_hazard_source_assessments() == 1
    assert jobs.notify_hazard_source_assessments() == 0  # once
    (notice,) = notices(people.ent_a, "hazard_source_assessment_due")
    assert "液氨储罐区" in notice.title and "2027-01-09" in notice.title
    assert notices(people.ent_b, "hazard_source_assessment_due") == []  # another enterprise's staff: nothing
    clock.set(datetime(2027, 1, 10, 8, 0, tzinfo=SHANGHAI))
    assert jobs.notify_hazard_source_assessments() == 1
    assert jobs.notify_hazard_source_assessments() == 0
    assert len(notices(people.ent_a, "hazard_source_assessment_lapsed")) == 1
    # a new assessment moves the due day: both notices armed again
    change(people.ent_a, people.enterprise_a.id, source_id, assessed_on="2027-01-08", filed_on="2027-01-09")
    assert source(source_id).assessment_due_on == date(2030, 1, 7)
    assert jobs.notify_hazard_source_assessments() == 0
    clock.set(datetime(2029, 11, 10, 8, 0, tzinfo=SHANGHAI))
    assert jobs.notify_hazard_source_assessments() == 1
    assert len(notices(people.ent_a, "hazard_source_assessment_due")) == 2
    actions = [a for (a,) in db.session.query(AuditEvent.action).filter(
        AuditEvent.subject_type == "hazard_source", AuditEvent.action.like("hazard_source_assessment_%"))]
    assert sorted(actions) == ["hazard_source_assessment_due", "hazard_source_assessment_due",
                               "hazard_source_assessment_lapsed"]


def test_a_source_entered_already_lapsed_gets_the_lapsed_notice_only(people):
    add(people.bureau, people.enterprise_a.id, assessed_on="2020-05-01", filed_on="2020-06-01")
    assert jobs.notify_hazard_source_assessments() == 1
    assert jobs.notify_hazard_source_assessments() == 0
    assert notices(people.ent_a, "hazard_source_assessment_due") == []
    assert len(notices(people.ent_a, "hazard_source_assessment_lapsed")) == 1


def test_nobody_reviews_their_own_change_and_a_return_tells_the_enterprise(people):
    source_id = add(people.inspector, people.enterprise_a.id)
    with pytest.raises(NotAllowed):
        review(people.inspector, people.enterprise_a.id, source_id)
    with pytest.raises(ValidationFailed) as exc:
        review(people.project_lead, people.enterprise_a.id, source_id, "returned", "")
    assert "review_note" in exc.value.fields
    review(people.project_lead, people.enterprise_a.id, source_id, "returned", "包保责任人电话有误")
    assert source(source_id).status == "returned"
    assert len(notices(people.ent_a, "hazard_source_returned")) == 1
    with pytest.raises(Conflict):  # not awaiting review
        review(people.bureau, people.enterprise_a.id, source_id)
    version = change(people.ent_a, people.enterprise_a.id, source_id, principal_phone="13900000001")
    assert source(source_id).status == "pending"
    with pytest.raises(Conflict):  # an edit made on an older page
        change(people.ent_a, people.enterprise_a.id, source_id, version=version - 1, note="旧页面")
    review(people.inspector, people.enterprise_a.id, source_id)  # the enterprise made the last change
    assert source(source_id).status == "reviewed"


def test_only_the_enterprises_own_devices_are_linked_and_their_open_alarms_show(people):
    own, key = register(people.project_lead, people.enterprise_a, "GD-A-1")
    other, _key = register(people.project_lead, people.enterprise_b, "GD-B-1")
    with pytest.raises(ValidationFailed) as exc:
        add(people.ent_a, people.enterprise_a.id, device_ids=[str(other)])
    assert set(exc.value.fields) == {"device_ids"}
    source_id = add(people.ent_a, people.enterprise_a.id, device_ids=[str(own)])
    assert states.open_alarms(db.session, [source_id]) == {}
    send(key, reading("h2s", 25))  # over the alarm threshold
    (alarm,) = states.open_alarms(db.session, [source_id])[source_id]
    assert alarm.level == "alarm"
    rows, total = states.listing(db.session, in_session(people.bureau), states.SourceFilter(alarm=True))
    assert [r.id for r in rows] == [source_id] and total == 1


def test_wrong_values_are_all_named_and_nothing_is_kept(people):
    from app.models import HazardSource
    with pytest.raises(ValidationFailed) as exc:
        add(people.ent_a, people.enterprise_a.id, name="", level="5", filed_on="", assessed_on="2030-01-01",
            principal_phone="电话", technical_name="",
            substances=[{"name": "液氨", "quantity": "-1", "critical_quantity": "10"}])
    assert set(exc.value.fields) == {"name", "level", "filed_on", "assessed_on", "principal_phone",
                                     "technical_name", "substances"}
    assert "第1行" in exc.value.fields["substances"]
    assert db.session.query(HazardSource).count() == 0


def test_has_major_hazard_sources_is_the_structured_register_or_the_old_text(people, make_enterprise):
    structured, text_only, said_none = people.enterprise_a, people.enterprise_b, make_enterprise("丙食品厂")
    retired = make_enterprise("丁冷库")
    text_only.major_hazard_sources = "液氯钢瓶库"
    said_none.major_hazard_sources = "无"
    db.session.commit()
    add(people.ent_a, structured.id)
    gone = add(people.bureau, retired.id, name="旧氨罐", filing_number="", filed_on="")
    with UnitOfWork() as uow:
        from app.services import hazard_sources
        hazard_sources.retire(uow, in_session(people.bureau), retired.id, gone, "评估后不再构成重大危险源")
        uow.commit()
    listed = {p.enterprise.id: p for p in inspection_priority.priority_list(
        db.session, reason="major_hazard_source")}
    assert set(listed) == {structured.id, text_only.id}  # 无 and a retired source count as none
    assert [(r.code, r.count) for r in listed[structured.id].reasons if r.code == "major_hazard_source"] == [
        ("major_hazard_source", 1)]
    assert [(r.code, r.count) for r in listed[text_only.id].reasons if r.code == "major_hazard_source"] == [
        ("major_hazard_source", 0)]
    town = {a.township: a for a in region_risk.grade_areas(db.session)}["城关镇"]
    assert town.factors["major_hazard_sources"] == 2 * region_risk.HAZARD_SOURCE_WEIGHT
    facts = service_report_facts.compute(db.session, structured, date(2026, 11, 1), date(2026, 11, 30))
    assert facts["enterprise"]["major_hazard_sources"] == "液氨储罐区（三级）"
    facts = service_report_facts.compute(db.session, text_only, date(2026, 11, 1), date(2026, 11, 30))
    assert facts["enterprise"]["major_hazard_sources"] == "液氯钢瓶库"  # the old text as written


def test_changes_are_audited_before_and_after(people):
    source_id = add(people.ent_a, people.enterprise_a.id)
    change(people.ent_a, people.enterprise_a.id, source_id, level="2",
           substances=[{"name": "液氨", "quantity": "80", "critical_quantity": "10"}])
    event = db.session.query(AuditEvent).filter_by(action="hazard_source_updated").one()
    assert event.changes["source_level"] == [3, 2]
    assert event.changes["substances"][1] == [{"name": "液氨", "quantity": 80.0, "critical_quantity": 10.0}]
    assert event.subject_type == "hazard_source" and event.subject_id == source_id
    assert SOURCE["name"] in str(event.details)


def test_the_demo_has_tags_and_sources_in_every_state(app):
    from app.models import Enterprise, HazardSource
    assert app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"]).exit_code == 0
    rows = db.session.query(HazardSource).order_by(HazardSource.id).all()
    assert [states.assessment_state(r) for r in rows] == ["due", "valid", "lapsed"]
    assert [states.filing_state(r) for r in rows] == ["valid", "missing", "refile"]
    assert [r.status for r in rows] == ["reviewed", "pending", "reviewed"]
    alarms = states.open_alarms(db.session, [r.id for r in rows])
    assert set(alarms) == {rows[2].id}  # the food plant's ammonia alarm is open
    tagged = {e.name: e.tags for e in db.session.query(Enterprise) if e.tags}
    assert tagged["绿源食品有限公司"] == ["ammonia_refrigeration", "confined_space"] and len(tagged) == 3
    assert jobs.notify_hazard_source_assessments() == 2  # the one falling due and the lapsed one
