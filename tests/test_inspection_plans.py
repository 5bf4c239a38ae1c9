"""Planned inspections (排查计划): at least five working days' notice to the enterprise (the working-day calendar),
the notice and a cancellation reach its staff, the visit recorded from the plan closes it; who may plan and see."""
from datetime import date

import pytest

from app.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, InspectionPlan, Notification
from app.services import inspection_plans
from app.services.uow import UnitOfWork
from tests.test_web_support import text


def plan(user, enterprise, day="2026-11-30", areas="危化品仓库、动火作业审批台账", team="张排查、李排查"):
    with UnitOfWork() as uow:
        row = inspection_plans.plan(uow, user, enterprise.id, day, areas, team)
        uow.commit()
        return row.id


def notices(user, kind):
    return db.session.query(Notification).filter_by(user_id=user.id, kind=kind).all()


def test_five_working_days_notice_reaches_the_enterprise(people):
    # Monday 2026-11-23: five working days on is Monday 2026-11-30
    assert inspection_plans.earliest_day() == date(2026, 11, 30)
    with pytest.raises(ValidationFailed) as caught:
        plan(people.inspector, people.enterprise_a, day="2026-11-27")
    assert set(caught.value.fields) == {"planned_on"} and "2026-11-30" in caught.value.fields["planned_on"]
    plan_id = plan(people.inspector, people.enterprise_a)
    [notice] = notices(people.ent_a, "inspection_planned")
    assert "2026-11-30" in notice.title and "危化品仓库" in notice.body
    assert notices(people.ent_b, "inspection_planned") == []
    event = db.session.query(AuditEvent).filter_by(action="inspection_planned").one()
    assert event.details["plan_id"] == plan_id


@pytest.mark.parametrize("changes, wrong", [
    ({"day": ""}, {"planned_on"}),
    ({"day": "2026-02-30"}, {"planned_on"}),
    ({"areas": " "}, {"areas"}),
    ({"team": "x" * 201}, {"team"}),
])
def test_bad_fields_are_named(people, changes, wrong):
    with pytest.raises(ValidationFailed) as caught:
        plan(people.project_lead, people.enterprise_a, **changes)
    assert set(caught.value.fields) == wrong
    assert db.session.query(InspectionPlan).count() == 0


def test_cancelling_tells_the_enterprise_and_who_may(people):
    plan_id = plan(people.inspector, people.enterprise_a)
    for who in ("ent_a", "bureau", "project_team"):
        with pytest.raises(NotAllowed), UnitOfWork() as uow:
            inspection_plans.cancel(uow, people[who], plan_id, "x")
    with pytest.raises(ValidationFailed), UnitOfWork() as uow:
        inspection_plans.cancel(uow, people.inspector, plan_id, " ")
    with UnitOfWork() as uow:
        inspection_plans.cancel(uow, people.inspector, plan_id, "企业停产检修，改期")
        uow.commit()
    assert notices(people.ent_a, "inspection_plan_cancelled")[0].body == "企业停产检修，改期"
    with pytest.raises(Conflict), UnitOfWork() as uow:
        inspection_plans.cancel(uow, people.inspector, plan_id, "again")
    with pytest.raises(NotFound):
        inspection_plans.get_visible(db.session, people.ent_b, plan_id)  # another enterprise's plan


# ---- the pages ----------------------------------------------------------------------------------------------
def test_plan_then_record_the_visit_from_it(people, login):
    inspector = login("inspector")
    form = text(inspector.get("/inspections/plans/new"))
    assert 'value="2026-11-30"' in form and 'min="2026-11-30"' in form
    bad = inspector.post("/inspections/plans/new", data={"enterprise_id": str(people.enterprise_b.id),
                                                          "planned_on": "2026-11-24", "areas": "冲压车间",
                                                          "team": "张"})
    assert bad.status_code == 400 and 'id="err-planned_on"' in text(bad) and "冲压车间" in text(bad)
    done = inspector.post("/inspections/plans/new", data={"enterprise_id": str(people.enterprise_b.id),
                                                           "planned_on": "2026-12-01", "areas": "冲压车间",
                                                           "team": "张、李"})
    assert done.status_code == 302
    plan_id = db.session.query(InspectionPlan).one().id
    listing = text(inspector.get("/inspections/plans"))
    assert "2026-12-01" in listing and f"/inspections/new?plan={plan_id}" in listing
    form = text(inspector.get(f"/inspections/new?plan={plan_id}"))
    assert f'name="plan" value="{plan_id}"' in form and f'<option value="{people.enterprise_b.id}" selected>' in form
    wrong = inspector.post("/inspections/new", data={"plan": str(plan_id), "enterprise_id": str(people.enterprise_a.id),
                                                      "visited_on": "2026-11-23", "inspectors": "张",
                                                      "scope": "冲压车间"})
    assert wrong.status_code == 400 and "另一家企业" in text(wrong)
    recorded = inspector.post("/inspections/new", data={"plan": str(plan_id),
                                                         "enterprise_id": str(people.enterprise_b.id),
                                                         "visited_on": "2026-11-23", "inspectors": "张、李",
                                                         "scope": "冲压车间"})
    assert recorded.status_code == 302
    assert db.session.get(InspectionPlan, plan_id).visit_id is not None
    assert "已排查" in text(inspector.get("/inspections/plans?state=done"))
    assert inspector.get(f"/inspections/new?plan={plan_id}").status_code == 409  # done: not twice


def test_who_sees_plans(people, login, client):
    plan(people.inspector, people.enterprise_a, areas="甲厂仓库")
    assert "甲厂仓库" in text(login("ent_a").get("/inspections/plans"))
    assert "甲厂仓库" not in text(login("ent_b").get("/inspections/plans"))
    assert "甲厂仓库" in text(login("bureau").get("/inspections/plans"))
    assert login("ent_a").get("/inspections/plans/new").status_code == 403
    plan_id = db.session.query(InspectionPlan).one().id
    assert login("ent_b").get(f"/inspections/new?plan={plan_id}").status_code == 403  # may not record at all
    assert login("inspector").get("/inspections/new?plan=99999").status_code == 404
    assert login("ent_b").post(f"/inspections/plans/{plan_id}/cancel", data={"reason": "x"}).status_code == 403
    assert client.get("/inspections/plans").status_code == 302
