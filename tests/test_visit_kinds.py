"""Kinds of visit (检查方式: 常规 / 专项 / 夜查 / 四不两直 / 联合检查) on inspection visits and plans: a night check records
its time, at night; an unannounced (四不两直) or night plan is never announced to the enterprise and does not exist for
its staff; the visit list filters by kind and campaign and exports both; the visit's page, report and API say them."""
from datetime import date, datetime

import pytest

from app.clock import SHANGHAI, clock
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.models import InspectionPlan, InspectionVisit, Notification, UserTownship
from app.services import inspection_plans
from app.services.uow import UnitOfWork
from tests.campaign_support import started_campaign, visit
from tests.test_web_support import csv_rows, text
from tests.test_web_xlsx_exports import Workbook
from tests.visit_review_support import released


def plan(user, enterprise, day="2026-11-30", kind="routine", campaign_id=None):
    with UnitOfWork() as uow:
        row = inspection_plans.plan(uow, user, enterprise.id, day, "配电室、仓库", "张排查", kind, campaign_id)
        uow.commit()
        return row.id


def notices(user):
    return db.session.query(Notification).filter_by(user_id=user.id).order_by(Notification.id).all()


# ---- visits ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind, at, wrong", [
    ("night", "", {"visit_time"}), ("night", "14:00", {"visit_time"}), ("night", "25:00", {"visit_time"}),
    ("routine", "23:45", {"visit_time"}),  # later than now (23:30)
    ("patrol", "", {"kind"}),
])
def test_a_night_check_records_its_time_at_night(people, kind, at, wrong):
    with pytest.raises(ValidationFailed) as refused:
        visit(people, people.enterprise_a, date(2026, 11, 20), kind=kind, visit_time=at)
    assert set(refused.value.fields) == wrong


def test_kinds_and_times_are_kept(people):
    night = db.session.get(InspectionVisit, visit(people, people.enterprise_a, date(2026, 11, 20), kind="night",
                                                  visit_time="21:30"))
    early = db.session.get(InspectionVisit, visit(people, people.enterprise_a, date(2026, 11, 21), kind="night",
                                                  visit_time="02:10"))
    joint = db.session.get(InspectionVisit, visit(people, people.enterprise_a, date(2026, 11, 21), kind="joint"))
    plain = db.session.get(InspectionVisit, visit(people, people.enterprise_a, date(2026, 11, 21), kind=""))
    assert (night.kind, night.visit_time.strftime("%H:%M")) == ("night", "21:30")
    assert early.visit_time.hour == 2 and (joint.kind, joint.visit_time) == ("joint", None) and plain.kind == "routine"


# ---- plans -------------------------------------------------------------------------------------------------------
def test_an_unannounced_plan_is_never_announced_nor_shown_to_the_enterprise(people, make_user, login):
    town = make_user("town", "township")
    town.townships_rel = [UserTownship(township=people.enterprise_a.township)]
    db.session.commit()
    with pytest.raises(ValidationFailed):  # no notice period, but not in the past
        plan(people.inspector, people.enterprise_a, day="2026-11-22", kind="unannounced")
    surprise = plan(people.inspector, people.enterprise_a, day="2026-11-23", kind="unannounced")
    night = plan(people.inspector, people.enterprise_a, day="2026-11-24", kind="night")
    announced = plan(people.inspector, people.enterprise_a, kind="special")
    assert [n.kind for n in notices(people.ent_a)] == ["inspection_planned"]  # the special check's only
    for plan_id in (surprise, night):
        with pytest.raises(NotFound):
            inspection_plans.get_visible(db.session, people.ent_a, plan_id)
        assert inspection_plans.get_visible(db.session, town, plan_id).id == plan_id
    listed = inspection_plans.listing(db.session, people.ent_a, inspection_plans.PlanFilter(state="all"))[0]
    assert [p.id for p in listed] == [announced]
    assert len(inspection_plans.listing(db.session, town, inspection_plans.PlanFilter(state="all"))[0]) == 3
    with UnitOfWork() as uow:
        inspection_plans.cancel(uow, people.inspector, surprise, "改期")
        uow.commit()
    assert [n.kind for n in notices(people.ent_a)] == ["inspection_planned"]
    # Over HTTP: the enterprise's list and the plan's visit form
    ent = login("ent_a")
    page = text(ent.get("/inspections/plans?state=all"))
    assert f'data-plan="{announced}"' in page and f'data-plan="{night}"' not in page
    assert text(login("inspector").get("/inspections/plans?state=all&kind=night")).count("data-plan=") == 1
    assert db.session.get(InspectionPlan, night).kind == "night"


def test_the_plan_and_visit_forms_take_kind_and_campaign(people, login):
    campaign_id = started_campaign(people, start_on="2026-11-16", end_on="2026-12-31")
    lead = login("project_lead")
    made = lead.post("/inspections/plans/new", data={
        "enterprise_id": people.enterprise_a.id, "planned_on": "2026-12-01", "areas": "锅炉房", "team": "张排查",
        "kind": "special", "campaign_id": campaign_id})
    assert made.status_code == 302
    row = db.session.query(InspectionPlan).one()
    assert (row.kind, row.campaign_id) == ("special", campaign_id)
    assert "冬季防火专项检查" in notices(people.ent_a)[0].body
    form = text(lead.get(f"/inspections/new?plan={row.id}"))
    assert '<option value="special" selected>' in form and f'<option value="{campaign_id}" selected>' in form
    refused = lead.post("/inspections/new", data={
        "enterprise_id": people.enterprise_a.id, "visited_on": "2026-11-22", "inspectors": "张排查", "scope": "锅炉房",
        "kind": "night", "visit_time": ""})
    assert refused.status_code == 400 and 'id="err-visit_time"' in text(refused)
    outside = lead.post("/inspections/new", data={
        "enterprise_id": people.enterprise_b.id, "visited_on": "2026-11-22", "inspectors": "张排查", "scope": "锅炉房",
        "kind": "special", "campaign_id": campaign_id})
    assert outside.status_code == 400 and 'id="err-campaign_id"' in text(outside)
    done = lead.post("/inspections/new", data={
        "enterprise_id": people.enterprise_a.id, "visited_on": "2026-11-22", "inspectors": "张排查", "scope": "锅炉房",
        "kind": "night", "visit_time": "20:15", "campaign_id": campaign_id, "plan": ""})
    assert done.status_code == 302
    visit_row = db.session.query(InspectionVisit).one()
    assert (visit_row.kind, visit_row.campaign_id, visit_row.visit_time.hour) == ("night", campaign_id, 20)
    page = text(lead.get(f"/inspections/{visit_row.id}"))
    assert 'data-kind="night"' in page and "夜查" in page and "20:15" in page and "冬季防火专项检查" in page


def test_the_list_filters_and_exports_kind_and_campaign(people, login):
    campaign_id = started_campaign(people, start_on="2026-11-16", end_on="2026-12-31")
    night = visit(people, people.enterprise_a, date(2026, 11, 20), kind="night", visit_time="21:30",
                  campaign_id=campaign_id)
    routine = visit(people, people.enterprise_a, date(2026, 11, 21), kind="routine")
    lead = login("project_lead")
    page = text(lead.get("/inspections?kind=night"))
    assert f'data-visit="{night}"' in page and f'data-visit="{routine}"' not in page
    page = text(lead.get(f"/inspections?campaign_id={campaign_id}"))
    assert f'data-visit="{night}"' in page and f'data-visit="{routine}"' not in page and "campaign-filter" in page
    rows = csv_rows(lead.get("/inspections/export.csv?kind=night"))
    assert rows[0][-3:] == ["检查方式", "检查时间", "所属专项行动"] and rows[1][-3:] == ["夜查", "21:30", "冬季防火专项检查"]
    assert len(rows) == 2
    book = Workbook(lead.get("/inspections/export.xlsx").get_data())
    assert book.rows[0][-3:] == ["检查方式", "检查时间", "所属专项行动"]
    column = book.rows[0].index("检查方式")
    assert sorted(r[column] for r in book.rows[1:]) == ["夜查", "常规检查"]
    # Enterprise staff filter their own visits; another enterprise's are nothing.
    ent_b_visit = visit(people, people.enterprise_b, date(2026, 11, 21), kind="night", visit_time="22:00")
    for row in (night, ent_b_visit):  # the enterprises see visits whose report passed the review (三级审核)
        released(db.session.get(InspectionVisit, row))
    page = text(login("ent_a").get("/inspections?kind=night"))
    assert f'data-visit="{night}"' in page and f'data-visit="{ent_b_visit}"' not in page
    assert login("ent_a").get(f"/inspections/{ent_b_visit}").status_code == 404


def test_the_report_and_the_api_say_kind_time_and_campaign(people, api, login):
    from pdf_support import pdf_text
    campaign_id = started_campaign(people, start_on="2026-11-16", end_on="2026-12-31")
    night = visit(people, people.enterprise_a, date(2026, 11, 20), kind="night", visit_time="21:30",
                  campaign_id=campaign_id)
    released(db.session.get(InspectionVisit, night))  # the enterprise reads it once the review released it
    shown = pdf_text(login("ent_a").get(f"/inspections/{night}/report.pdf").get_data())
    assert "夜查" in shown and "21:30" in shown and "冬季防火专项检查" in shown
    body = api("ent_a").get(f"/api/v1/inspections/{night}").get_json()
    assert (body["kind"], body["visit_time"], body["campaign_id"]) == ("night", "21:30", campaign_id)
    assert api("ent_b").get(f"/api/v1/inspections/{night}").status_code == 404
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI))
    plan(people.inspector, people.enterprise_a, day="2026-11-24", kind="unannounced")
    announced = plan(people.inspector, people.enterprise_a, kind="special", campaign_id=campaign_id)
    mine = api("ent_a").get("/api/v1/inspection-plans?state=all").get_json()
    assert [p["id"] for p in mine["items"]] == [announced] and mine["items"][0]["announced"] is True
    staff = api("inspector").get("/api/v1/inspection-plans?kind=unannounced").get_json()
    assert [p["kind"] for p in staff["items"]] == ["unannounced"] and staff["items"][0]["announced"] is False
    by_campaign = api("inspector").get(f"/api/v1/inspection-plans?campaign_id={campaign_id}").get_json()
    assert [p["id"] for p in by_campaign["items"]] == [announced]
    assert api("inspector").get("/api/v1/inspection-plans?kind=patrol").status_code == 400
