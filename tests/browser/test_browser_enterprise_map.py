"""Through a real browser: the bureau switches the map from cases to enterprises, sees the placed enterprises in their
colours with the legend, and opens one's popup; the administrator follows 标注位置 from the list of unplaced
enterprises to the enterprise's form, clicks its place on the small map (static/position_pick.js) and saves. No base
layer is configured, so nothing is fetched from outside."""
import re

from app.extensions import db
from app.models import AuditEvent
from test_browser_flow import browser, live_server, log_in, page  # noqa: F401
from tests.test_hazard_map import located_cases


def test_the_bureau_switches_to_the_enterprises_layer(people, live_server, page):
    located_cases(people)  # A has an open 重大 case
    a = people.enterprise_a
    a.latitude, a.longitude = 35.4627, 113.8015
    db.session.commit()
    log_in(page, live_server, "bureau")
    page.click("nav >> text=隐患地图")
    page.wait_for_selector("path.hazard-point")
    page.click("#layer-enterprises")
    page.wait_for_url(re.compile(r"/map\?layer=enterprises$"))
    page.wait_for_selector("path.enterprise-point")
    assert page.locator("path.hazard-point").count() == 0 and page.locator("path.enterprise-point").count() == 1
    assert "共 2 家企业，其中 1 家已标注位置" in page.inner_text("#map-counts")
    assert page.locator("#map-legend li").count() == 4  # the priority bands
    assert people.enterprise_b.name in page.inner_text("#unlocated")
    page.select_option("#f-by", "open_major")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"by=open_major"))
    page.wait_for_selector("path.enterprise-point.category-yes")
    assert page.inner_text("#map-legend").startswith("有未销号重大隐患 (1)")
    page.locator("path.enterprise-point").dispatch_event("click")
    page.wait_for_selector(".enterprise-popup")
    popup = page.inner_text(".enterprise-popup")
    assert a.name in popup and "3 件，其中重大 1 件" in popup
    page.locator(".enterprise-popup a", has_text="隐患列表").dispatch_event("click")
    page.wait_for_url(re.compile(rf"/cases\?enterprise_id={a.id}$"))
    page.go_back()
    page.click("#layer-cases")
    page.wait_for_selector("path.hazard-point")
    assert page.locator("path.enterprise-point").count() == 0


def test_the_admin_places_an_enterprise_by_a_click(people, live_server, page):
    b = people.enterprise_b
    log_in(page, live_server, "admin")
    page.goto(f"{live_server}/map?layer=enterprises")
    page.locator(f"#unlocated li[data-enterprise='{b.id}'] a").click()
    page.wait_for_url(re.compile(rf"/admin/enterprises/{b.id}#field-position$"))
    assert page.input_value("#f-latitude") == "" and page.locator("path.position-marker").count() == 0
    small_map = page.locator("#position-map")
    box = small_map.bounding_box()
    small_map.click(position={"x": box["width"] / 2, "y": box["height"] / 2})  # the county's centre (MAP_CENTER)
    page.wait_for_selector("path.position-marker")
    latitude, longitude = float(page.input_value("#f-latitude")), float(page.input_value("#f-longitude"))
    assert abs(latitude - 35.46) < 0.002 and abs(longitude - 113.80) < 0.002
    assert len(page.input_value("#f-latitude").split(".")[1]) == 6
    page.fill("#f-latitude", "35.5")  # typing moves the marker; the typed value is what is saved
    page.click("button:has-text('保存')")
    page.wait_for_url(re.compile(r"/admin/enterprises$"))
    db.session.refresh(b)
    assert (b.latitude, b.longitude) == (35.5, longitude)
    event = db.session.query(AuditEvent).filter_by(action="enterprise_updated").one()
    assert event.changes == {"latitude": [None, 35.5], "longitude": [None, longitude]}
    page.goto(f"{live_server}/admin/enterprises/{b.id}")
    page.wait_for_selector("path.position-marker")  # drawn where the saved position is
    page.click("#position-clear")
    assert page.input_value("#f-latitude") == "" and page.locator("path.position-marker").count() == 0
