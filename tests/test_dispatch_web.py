"""智能调度 pages and API: the suggestions card and one-click assignment, the auto-dispatch preview then confirm, the
route page and day sheet, who may do what (leads dispatch, inspectors their own day, others 403, enterprise staff
404), and bad input (an unknown user, a range over 31 days, a malformed day) as 400."""
import pytest

from app.extensions import db
from app.models import AuditEvent, InspectionPlan
from pdf_support import flat, pdf_text
from tests.dispatch_support import certify, place, plan
from tests.test_lifecycle_service import register


@pytest.fixture
def crew(people, make_user):
    people["b"] = make_user("insp_b", "inspector")
    place(people.enterprise_a, 35.0, 113.0)
    place(people.enterprise_b, 35.02, 113.0)
    certify(people.admin, people.b)
    return people


def test_the_plan_page_shows_the_parts_and_one_click_assigns(crew, login):
    target = plan(crew.project_lead, crew.enterprise_a, team="待派")
    lead = login("project_lead")
    page = lead.get(f"/inspections/plans/{target}").get_data(as_text=True)
    assert 'id="dispatch"' in page and 'data-part="certificate"' in page and "无资质证书记录" in page
    assert f'data-user="{crew.b.id}" data-total="10" data-suggested="1"' in page
    response = lead.post(f"/inspections/plans/{target}/dispatch", data={"user_ids": [str(crew.b.id)]})
    assert response.status_code == 302
    assert db.session.get(InspectionPlan, target).team == "insp_b"
    assert db.session.query(AuditEvent).filter_by(action="inspection_plan_dispatched").count() == 1
    bad = lead.post(f"/inspections/plans/{target}/dispatch", data={"user_ids": ["999999"]})
    assert bad.status_code == 400 and "不是在岗的排查人员" in bad.get_data(as_text=True)
    for who in ("inspector", "bureau"):
        page = login(who).get(f"/inspections/plans/{target}").get_data(as_text=True)
        assert 'id="dispatch"' not in page
        assert login(who).post(f"/inspections/plans/{target}/dispatch",
                               data={"user_ids": [str(crew.b.id)]}).status_code == 403
    assert login("ent_a").post(f"/inspections/plans/{target}/dispatch",
                               data={"user_ids": [str(crew.b.id)]}).status_code == 404


def test_auto_dispatch_preview_then_confirm(crew, login):
    first = plan(crew.project_lead, crew.enterprise_a, team="待派")
    second = plan(crew.project_lead, crew.enterprise_b, team="待派")
    lead = login("project_lead")
    page = lead.get("/dispatch?start=2026-12-01&end=2026-12-01").get_data(as_text=True)
    assert f'data-plan="{first}"' in page and f'data-plan="{second}"' in page
    assert db.session.get(InspectionPlan, first).team == "待派"  # a preview writes nothing
    form = {"start": "2026-12-01", "end": "2026-12-01", "plans": [str(first)],  # the lead keeps the first only
            f"team_{first}": f"{crew.b.id}", f"seen_{first}": "待派",
            f"team_{second}": f"{crew.inspector.id}", f"seen_{second}": "待派"}
    assert lead.post("/dispatch/confirm", data=form).status_code == 302
    assert db.session.get(InspectionPlan, first).team == "insp_b"
    assert db.session.get(InspectionPlan, second).team == "待派"
    again = lead.post("/dispatch/confirm", data=form)
    assert again.status_code == 409 and "人员已变更" in again.get_data(as_text=True)
    none_kept = lead.post("/dispatch/confirm", data={"start": "2026-12-01", "end": "2026-12-01"})
    assert none_kept.status_code == 400 and "请至少保留一个计划" in none_kept.get_data(as_text=True)
    too_long = lead.get("/dispatch?start=2026-12-01&end=2027-01-01")
    assert too_long.status_code == 400 and "31" in too_long.get_data(as_text=True)
    assert login("inspector").get("/dispatch").status_code == 403
    assert login("quality").get("/dispatch").status_code == 403
    assert login("ent_a").get("/dispatch").status_code == 404


def test_route_page_and_day_sheet(crew, login):
    register(crew)  # an open 'electrical' case at enterprise A
    plan(crew.inspector, crew.enterprise_a)
    plan(crew.inspector, crew.enterprise_b)
    own = login("inspector")
    page = own.get(f"/dispatch/inspectors/{crew.inspector.id}/route?day=2026-12-01").get_data(as_text=True)
    assert page.index("乙机械制造厂") < page.index("甲化工有限公司")  # B is nearer the county seat (north of both)
    assert "电气安全 1 起（未销号 1）" in page
    assert own.get("/dispatch/my-day").status_code == 302
    sheet = own.get(f"/dispatch/inspectors/{crew.inspector.id}/route.pdf?day=2026-12-01")
    assert sheet.status_code == 200 and sheet.mimetype == "application/pdf"
    text = flat(pdf_text(sheet.data))
    assert "排查行程单" in text and "甲化工有限公司" in text and "电气安全" in text
    assert own.get(f"/dispatch/inspectors/{crew.b.id}/route?day=2026-12-01").status_code == 403
    assert login("project_lead").get(f"/dispatch/inspectors/{crew.inspector.id}/route?day=2026-12-01") \
        .status_code == 200
    assert login("manager").get(f"/dispatch/inspectors/{crew.inspector.id}/route?day=2026-12-01").status_code == 403
    for path in (f"/dispatch/inspectors/{crew.inspector.id}/route?day=2026-12-01", "/dispatch/my-day",
                 f"/dispatch/inspectors/{crew.inspector.id}/route.pdf?day=2026-12-01"):
        assert login("ent_a").get(path).status_code == 404
    lead = login("project_lead")
    assert lead.get(f"/dispatch/inspectors/{crew.bureau.id}/route?day=2026-12-01").status_code == 400
    assert lead.get(f"/dispatch/inspectors/{crew.inspector.id}/route?day=2026-02-30").status_code == 400


def test_api_suggestions_assignment_and_route(crew, api):
    target = plan(crew.project_lead, crew.enterprise_a, team="待派")
    lead = api("project_lead")
    body = lead.get(f"/api/v1/inspection-plans/{target}/dispatch-suggestions").get_json()
    assert body["suggested_user_ids"] == [crew.b.id, crew.inspector.id]
    b = next(c for c in body["candidates"] if c["user_id"] == crew.b.id)
    assert {p["code"]: p["points"] for p in b["parts"]} == {"workload": 0, "distance": 0, "certificate": 10,
                                                           "familiarity": 0}
    assert api("inspector").get(f"/api/v1/inspection-plans/{target}/dispatch-suggestions").status_code == 403
    assert api("ent_a").get(f"/api/v1/inspection-plans/{target}/dispatch-suggestions").status_code == 404
    bad = lead.post(f"/api/v1/inspection-plans/{target}/dispatch", json={"user_ids": [999_999]})
    assert bad.status_code == 400 and "user_ids" in bad.get_json()["fields"]
    ok = lead.post(f"/api/v1/inspection-plans/{target}/dispatch", json={"user_ids": [crew.inspector.id]})
    assert ok.status_code == 200 and ok.get_json()["team"] == "inspector"
    assert lead.get("/api/v1/dispatch/proposal?start=2026-12-01&end=2027-01-15").status_code == 400
    assert lead.get("/api/v1/dispatch/proposal?start=2026-12-01&end=2026-12-31").get_json() == {"plans": []}
    route = api("inspector").get(f"/api/v1/inspectors/{crew.inspector.id}/route?day=2026-12-01")
    assert route.status_code == 200
    data = route.get_json()
    assert [s["plan_id"] for s in data["stops"]] == [target] and data["start"]["kind"] == "office"
    assert data["stops"][0]["leg_km"] > 0 and data["total_km"] > data["travel_km"]
    assert "focus" in data["stops"][0] and data["stops"][0]["focus"]["open_total"] == 0
    assert api("inspector").get(f"/api/v1/inspectors/{crew.b.id}/route?day=2026-12-01").status_code == 403
    assert api("ent_a").get(f"/api/v1/inspectors/{crew.inspector.id}/route?day=2026-12-01").status_code == 404
    assert lead.get(f"/api/v1/inspectors/{crew.inspector.id}/route?day=nope").status_code == 400
    assert lead.get(f"/api/v1/inspectors/{crew.inspector.id}/route").status_code == 400
    assert lead.get("/api/v1/inspectors/999999/route?day=2026-12-01").status_code == 400


def test_openapi_lists_the_dispatch_operations(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/inspection-plans/{plan_id}/dispatch-suggestions" in paths or \
        "/inspection-plans/{plan_id}/dispatch-suggestions" in paths
