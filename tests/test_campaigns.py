"""Special inspection campaigns (services/campaigns.py, campaign_progress.py): the fields and the targeting rule,
the targets resolved when the campaign starts and kept, naming a campaign from a visit or a plan (started, in the
period, a target), the progress and the 清单台账 across the period's boundaries, the campaign's checklist on its visits,
and who may manage and read campaigns."""
from datetime import date, datetime

import pytest

from app.clock import SHANGHAI, clock
from app.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, Checklist, Enterprise, HazardCase, InspectionCampaign
from app.services import campaign_progress, campaigns, checklist_load, checklist_results, inspections
from app.services.uow import UnitOfWork
from tests.campaign_support import hazard_on, make_campaign, start, started_campaign, visit
from tests.service_project_support import make_project, put_on


def targets(campaign_id):
    return sorted(e.name for e in db.session.query(Enterprise).filter(
        Enterprise.id.in_(campaigns.target_ids(db.session, campaign_id))))


def progress(campaign_id):
    return campaign_progress.compute(db.session, db.session.get(InspectionCampaign, campaign_id))


@pytest.mark.parametrize("changes, wrong", [
    ({"name": " ", "theme": "spring"}, {"name", "theme"}),
    ({"end_on": "2026-11-01"}, {"end_on"}),
    ({"start_on": "", "end_on": "2026-13-01"}, {"start_on", "end_on"}),
    ({"target_industries": [], "target_scales": ["huge"]}, {"target_scales"}),
    ({"target_industries": []}, {"target_enterprise_ids"}),
    ({"target_enterprise_ids": ["999999"]}, {"target_enterprise_ids"}),
    ({"checklist_id": "999999", "target_project_id": "999999"}, {"checklist_id", "target_project_id"}),
])
def test_wrong_fields_are_named_all_at_once(people, changes, wrong):
    with pytest.raises(ValidationFailed) as refused:
        make_campaign(people.bureau, **changes)
    assert set(refused.value.fields) == wrong
    assert db.session.query(InspectionCampaign).count() == 0


def test_targets_are_resolved_when_the_campaign_starts_and_kept(people, make_enterprise):
    later_chemical = make_enterprise("丙化工厂")
    campaign_id = make_campaign(people.project_lead, target_enterprise_ids=[str(people.enterprise_b.id)])
    assert targets(campaign_id) == [] and campaigns.state(db.session.get(InspectionCampaign, campaign_id)) == "draft"
    start(people.project_lead, campaign_id)
    assert targets(campaign_id) == ["丙化工厂", "乙机械制造厂", "甲化工有限公司"]  # 化工 by rule, 乙 by hand
    # Registered or re-classified afterwards: the list stays as it was resolved.
    make_enterprise("丁化工厂")
    later_chemical.industry = "机械"
    db.session.commit()
    assert targets(campaign_id) == ["丙化工厂", "乙机械制造厂", "甲化工有限公司"]
    with pytest.raises(Conflict), UnitOfWork() as uow:
        campaigns.update(uow, people.project_lead, campaign_id, {"target_industries": ["机械"]})
    with pytest.raises(Conflict), UnitOfWork() as uow:
        campaigns.start(uow, people.project_lead, campaign_id)
    with UnitOfWork() as uow:  # the requirements may still be edited
        assert set(campaigns.update(uow, people.project_lead, campaign_id, {"description": "加查消防通道"})) == \
            {"description"}
        uow.commit()
    event = db.session.query(AuditEvent).filter_by(action="campaign_started").one()
    assert (event.subject_type, event.subject_id, event.details["targets"]) == ("inspection_campaign", campaign_id, 3)


def test_the_rule_is_an_and_across_its_kinds_plus_a_roster(people, make_enterprise):
    big = make_enterprise("大化工")
    big.scale, people.enterprise_a.scale = "above", "below"
    db.session.commit()
    by_scale = started_campaign(people, target_scales=["above"])
    assert targets(by_scale) == ["大化工"]
    project_id = make_project(people.bureau)
    put_on(people.bureau, project_id, people.enterprise_a, people.enterprise_b)
    by_roster = started_campaign(people, target_industries=[], target_project_id=str(project_id),
                                 target_townships=["城关镇"])
    assert targets(by_roster) == ["乙机械制造厂", "甲化工有限公司"]
    nowhere = make_campaign(people.bureau, target_townships=["海港区"])
    with pytest.raises(Conflict):
        start(people.bureau, nowhere)
    assert targets(nowhere) == []


def test_a_campaign_ended_cannot_start_and_only_managers_manage(people):
    campaign_id = make_campaign(people.bureau)
    for who in ("inspector", "project_team", "ent_a", "admin"):
        with pytest.raises(NotAllowed), UnitOfWork() as uow:
            campaigns.create(uow, people[who], {})
        with pytest.raises(NotAllowed), UnitOfWork() as uow:
            campaigns.start(uow, people[who], campaign_id)
    for who in ("ent_a", "ent_b"):
        with pytest.raises(NotAllowed):
            campaigns.listing(db.session, people[who])
        with pytest.raises(NotAllowed):
            campaigns.get(db.session, people[who], campaign_id)
    assert campaigns.get(db.session, people.inspector, campaign_id).id == campaign_id
    with pytest.raises(NotFound):
        campaigns.get(db.session, people.inspector, campaign_id + 1)
    clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI))
    with pytest.raises(Conflict):
        start(people.bureau, campaign_id)


def test_visits_name_a_started_campaign_in_its_period_at_its_targets(people):
    draft = make_campaign(people.bureau)
    with pytest.raises(ValidationFailed) as refused:
        visit(people, people.enterprise_a, date(2026, 11, 18), campaign_id=draft)
    assert set(refused.value.fields) == {"campaign_id"}
    start(people.bureau, draft)
    for day, enterprise in ((date(2026, 11, 15), people.enterprise_a), (date(2026, 12, 1), people.enterprise_a),
                            (date(2026, 11, 18), people.enterprise_b)):  # before, after, not a target
        with pytest.raises(ValidationFailed) as refused:
            visit(people, enterprise, day, campaign_id=draft)
        assert set(refused.value.fields) == {"campaign_id"}
    with pytest.raises(ValidationFailed) as refused:
        visit(people, people.enterprise_a, date(2026, 11, 18), campaign_id="999999")
    assert set(refused.value.fields) == {"campaign_id"}


def test_progress_and_ledger_count_the_campaigns_visits_within_its_period(people, make_enterprise):
    make_enterprise("丙化工厂")
    campaign_id = started_campaign(people)
    # The first and the last day count; a routine visit to a target in the period is not the campaign's.
    first = visit(people, people.enterprise_a, date(2026, 11, 16), campaign_id=campaign_id)
    last = visit(people, people.enterprise_a, date(2026, 11, 30), kind="night", campaign_id=campaign_id,
                 visit_time="21:30")
    visit(people, people.enterprise_a, date(2026, 11, 20), kind="routine")
    visit(people, people.enterprise_a, date(2026, 12, 1), kind="routine")  # the day after: the same
    clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=SHANGHAI))
    closed = hazard_on(people, first, status="closed")
    hazard_on(people, last, overdue=True)
    on_time = db.session.get(HazardCase, hazard_on(people, last))  # under rectification, its deadline ahead
    on_time.status, on_time.rectification_due = "rectifying", datetime(2026, 12, 20, 18, 0, tzinfo=SHANGHAI)
    db.session.commit()
    result = progress(campaign_id)
    assert (result.target_count, result.visited, result.visits) == (2, 1, 2)
    assert [r.enterprise.name for r in result.not_visited] == ["丙化工厂"]
    assert result.by_kind == {"special": 1, "night": 1}
    assert (result.hazards, result.closed, result.open, result.overdue) == (3, 1, 2, 1)
    assert sum(result.by_grade.values()) == 3
    [row] = [r for r in result.rows if r.visits]
    assert (row.enterprise.name, row.visits, row.last_visit, row.hazards, row.closed, row.open, row.overdue) == \
        ("甲化工有限公司", 2, date(2026, 11, 30), 3, 1, 2, 1)
    numbers = result.numbers()
    assert numbers["visits_by_kind"]["night"] == 1 and numbers["hazards"]["found"] == 3
    assert closed in [c.id for c in campaign_progress.campaign_cases(db.session, db.session.get(
        InspectionCampaign, campaign_id))]
    # After the period, the numbers stay; the period may not shrink past its visits.
    with pytest.raises(ValidationFailed), UnitOfWork() as uow:
        campaigns.update(uow, people.bureau, campaign_id, {"end_on": "2026-11-29"})
    assert campaigns.state(db.session.get(InspectionCampaign, campaign_id)) == "ended"


def test_the_campaigns_checklist_joins_its_visits_checklist(people):
    with UnitOfWork() as uow:
        checklist_load.load_standard(uow, None)
        uow.commit()
    other = db.session.query(Checklist).filter(Checklist.applies_to_all.is_(False)).order_by(Checklist.code).all()
    chosen = [c for c in other if "化工" not in (c.industries or [])][0]  # not a list of the enterprise's industry
    campaign_id = started_campaign(people, checklist_id=str(chosen.id))
    with_campaign = db.session.get(inspections.InspectionVisit, visit(
        people, people.enterprise_a, date(2026, 11, 18), campaign_id=campaign_id))
    without = db.session.get(inspections.InspectionVisit, visit(people, people.enterprise_a, date(2026, 11, 19),
                                                                kind="routine"))
    lists = {s.checklist.id for s in checklist_results.visit_checklist(db.session, with_campaign).sections}
    assert chosen.id in lists
    assert chosen.id not in {s.checklist.id for s in checklist_results.visit_checklist(db.session, without).sections}
