"""GET /api/v1/experts and GET /api/v1/equipment: the pool with each expert's load, the register with each
instrument's calibration state and borrower and the calibration rate; filters; 403 for enterprise and township
tokens, 400 for an unknown filter value; both in the OpenAPI document."""
from tests.resource_support import dispatch, expert, instrument, lend
from tests.test_lifecycle_service import register
from tests.test_web_restricted_pages import routes
from tests.test_web_support import text


def test_the_expert_pool_with_loads_and_filters(people, api, make_user):
    chemist = expert(people.project_lead, "周建国", ["chemical", "fire"], user_id=people.expert.id)
    expert(people.project_lead, "林晓梅", ["construction"])
    expert(people.project_lead, "赵停用", ["chemical"], active=False)
    dispatch(people.bureau, register(people, score=60), chemist)
    body = api("inspector").get("/api/v1/experts").get_json()
    assert [e["name"] for e in body["items"]] == ["周建国", "林晓梅"]  # active ones, by name
    first = body["items"][0]
    assert first["domains"] == ["chemical", "fire"] and first["load"] == 1 and first["username"] == "expert"
    assert [e["name"] for e in api("bureau").get("/api/v1/experts?domain=chemical&active=all").get_json()["items"]] \
        == ["周建国", "赵停用"]
    assert api("bureau").get("/api/v1/experts?q=林").get_json()["items"][0]["name"] == "林晓梅"
    bad = api("bureau").get("/api/v1/experts?domain=astrology")
    assert bad.status_code == 400 and "domain" in bad.get_json()["fields"]
    make_user("town", "township")
    for username in ("ent_a", "town"):
        refused = api(username).get("/api/v1/experts")
        assert refused.status_code == 403 and refused.get_json()["error"] == "forbidden", username


def test_the_equipment_register_with_calibration_and_borrowers(people, api, make_user):
    lead = people.project_lead
    out = instrument(lead, "SB-QT-001")
    instrument(lead, "SB-SJ-001", kind="sound_level_meter", calibrated_days_ago=380, valid_days=365)
    lend(people.inspector, out, purpose="巡检")
    body = api("manager").get("/api/v1/equipment").get_json()
    assert body["calibration_rate"] == {"valid": 1, "total": 2, "percent": 50.0}
    by_asset = {i["asset_no"]: i for i in body["items"]}
    assert by_asset["SB-QT-001"]["borrower"] == "inspector" and by_asset["SB-QT-001"]["calibration"] == "valid"
    assert by_asset["SB-SJ-001"]["calibration"] == "overdue" and by_asset["SB-SJ-001"]["borrower"] is None
    assert by_asset["SB-QT-001"]["calibration_due"] == "2027-08-15"  # 2026-11-23 - 100 days + 365
    overdue = api("manager").get("/api/v1/equipment?calibration=overdue").get_json()["items"]
    assert [i["asset_no"] for i in overdue] == ["SB-SJ-001"]
    assert [i["asset_no"] for i in api("manager").get("/api/v1/equipment?on_loan=true").get_json()["items"]] \
        == ["SB-QT-001"]
    assert api("manager").get("/api/v1/equipment?status=lost").status_code == 400
    make_user("town", "township")
    for username in ("ent_a", "town"):
        assert api(username).get("/api/v1/equipment").status_code == 403, username


def test_both_are_in_the_openapi_document(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert "get" in doc["paths"]["/api/v1/experts"] and "get" in doc["paths"]["/api/v1/equipment"]
    params = {p["name"] for p in doc["paths"]["/api/v1/equipment"]["get"]["parameters"]}
    assert params == {"q", "kind", "status", "calibration", "on_loan"}


def test_every_page_of_both_registers_refuses_enterprise_staff_and_township_offices(app, people, login, client,
                                                                                     make_user):
    make_user("town", "township")
    urls = routes(app, "experts") + routes(app, "equipment")
    assert len(urls) >= 12
    for username in ("ent_a", "town"):
        user = login(username)
        for url, method in urls:
            assert user.open(url, method=method).status_code == 403, (username, method, url)
        home = text(user.get("/"))
        assert 'href="/experts"' not in home and 'href="/equipment"' not in home
    for url, method in urls:
        response = client.open(url, method=method)
        assert response.status_code == 302 and "/login" in response.headers["Location"], (method, url)
    home = text(login("inspector").get("/"))
    assert 'href="/experts"' in home and 'href="/equipment"' in home
