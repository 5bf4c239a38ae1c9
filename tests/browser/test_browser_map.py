"""Through a real browser: the bureau opens the hazard map and sees a point per located case, coloured by grade,
and a popup leading to the case; no base layer is configured, so nothing is fetched from outside."""
import re

from test_browser_flow import browser, live_server, log_in, page  # noqa: F401
from tests.test_hazard_map import located_cases


def test_bureau_opens_the_map_and_a_case_from_it(people, live_server, page):
    _a_general, a_major, _b_case, _unplaced = located_cases(people)
    log_in(page, live_server, "bureau")
    page.click("nav >> text=隐患地图")
    page.wait_for_url(re.compile(r"/map$"))
    page.wait_for_selector("path.hazard-point")
    assert page.locator("path.hazard-point").count() == 3
    assert page.locator("path.grade-major").count() == 1
    assert "共 4 件，其中 3 件有定位，显示 3 件" in page.inner_text("#map-counts")
    # The map may still be animating to fit the points: the click goes to the point itself, wherever it is drawn.
    page.locator("path.grade-major").dispatch_event("click")
    # The popup pans the map into view (an animation): click the link itself, not where it was a moment ago.
    page.wait_for_selector(".leaflet-popup-content a.code")
    page.locator(".leaflet-popup-content a.code").dispatch_event("click")
    page.wait_for_url(re.compile(rf"/cases/{a_major}$"))
