"""The hazard map (一张图): the visible cases with coordinates as GeoJSON under the case list's filters, open ones by
default, overdue marked, cases without coordinates counted; the page, its tile host in its own CSP; the API."""
from app.clock import clock
from app.extensions import db
from app.models import HazardCase
from tests.test_lifecycle_service import ASSIGN, complete, open_tasks, register


def place(case_id, lat, lng):
    case = db.session.get(HazardCase, case_id)
    case.latitude, case.longitude = lat, lng
    db.session.commit()


def located_cases(people):
    a_general = register(people, score=90)
    a_major = register(people, score=60)
    b_case = register(people, score=75, enterprise=people.enterprise_b)
    unplaced = register(people, score=90)
    place(a_general, 35.45, 113.79)
    place(a_major, 35.47, 113.81)
    place(b_case, 35.50, 113.70)
    return a_general, a_major, b_case, unplaced


def test_the_geojson_shows_what_the_user_may_see(people, login):
    a_general, a_major, b_case, _unplaced = located_cases(people)
    data = login("bureau").get("/map/cases.json").get_json()
    assert data["type"] == "FeatureCollection" and (data["matching"], data["located"], data["shown"]) == (4, 3, 3)
    by_id = {f["id"]: f for f in data["features"]}
    assert by_id[a_major]["geometry"] == {"type": "Point", "coordinates": [113.81, 35.47]}
    assert by_id[a_major]["properties"]["grade"] == "major" and by_id[a_major]["properties"]["url"].endswith(
        f"/cases/{a_major}")
    own = login("ent_b").get("/map/cases.json").get_json()
    assert [f["id"] for f in own["features"]] == [b_case] and own["matching"] == 1  # nothing of enterprise A
    graded = login("bureau").get("/map/cases.json?grade=major").get_json()
    assert [f["id"] for f in graded["features"]] == [a_major]
    assert login("bureau").get("/map/cases.json?since=2026-13-01").status_code == 400


def test_overdue_and_closed(people, login):
    a_general, a_major, b_case, _unplaced = located_cases(people)
    complete(people.project_lead, open_tasks(a_general)["assignment"], ASSIGN)
    assert login("bureau").get("/map/cases.json?overdue=1").get_json()["features"] == []
    clock.advance(hours=3)  # the others' 2-hour assignment has passed; a_general's rectification runs
    data = login("bureau").get("/map/cases.json").get_json()
    assert {f["id"]: f["properties"]["overdue"] for f in data["features"]} == {
        a_general: False, a_major: True, b_case: True}
    overdue = login("bureau").get("/map/cases.json?overdue=1").get_json()
    assert sorted(f["id"] for f in overdue["features"]) == sorted([a_major, b_case])
    case = db.session.get(HazardCase, a_general)
    case.status = "closed"
    db.session.commit()
    ids = [f["id"] for f in login("bureau").get("/map/cases.json").get_json()["features"]]
    assert a_general not in ids  # open cases by default
    closed = login("bureau").get("/map/cases.json?status=closed").get_json()
    assert [f["id"] for f in closed["features"]] == [a_general]


def test_the_page_and_its_tile_host(app, people, login):
    located_cases(people)
    page = login("inspector").get("/map?grade=major")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-url="/map/cases.json?grade=major"' in body
    assert "leaflet/dist/leaflet.js" in body and "/static/map.js" in body and "未配置底图" in body
    assert "tianditu" not in page.headers["Content-Security-Policy"]
    app.config["MAP_TILE_URL"] = "https://t{s}.tianditu.gov.cn/vec_w/wmts?tk=KEY&x={x}&y={y}&l={z}"
    try:
        page = login("inspector").get("/map")
        assert "img-src 'self' data: blob: https://*.tianditu.gov.cn" in page.headers["Content-Security-Policy"]
        assert "未配置底图" not in page.get_data(as_text=True)
    finally:
        app.config["MAP_TILE_URL"] = ""
    assert login("inspector").get("/vendor/leaflet/dist/leaflet.js").status_code == 200
    assert app.test_client().get("/map").status_code == 302  # log in first
    assert app.test_client().get("/map/cases.json").status_code == 302


def test_the_api(people, api):
    _a_general, a_major, b_case, _unplaced = located_cases(people)
    data = api("manager").get("/api/v1/hazards/map?grade=major").get_json()
    assert [f["id"] for f in data["features"]] == [a_major]
    assert [f["id"] for f in api("ent_b").get("/api/v1/hazards/map").get_json()["features"]] == [b_case]
    bad = api("manager").get("/api/v1/hazards/map?grade=huge")
    assert bad.status_code == 400 and "grade" in bad.get_json()["fields"]
    assert api("manager").get("/api/v1/hazards/map?limit=5").status_code == 400  # no paging here
