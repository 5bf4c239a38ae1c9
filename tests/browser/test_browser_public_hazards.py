"""Through a real browser: the bureau opens a located case to the public from its page; then anyone without an
account finds it from the login page by keyword, reads its rectification progress, and finds it on the public map."""
import re

from test_browser_flow import browser, live_server, log_in, log_out, page  # noqa: F401
from tests.test_public_hazards import TITLE, located


def test_a_case_made_public_is_found_by_anyone(people, live_server, page):
    case_id = located(people)
    log_in(page, live_server, "bureau")
    page.goto(f"{live_server}/cases/{case_id}")
    page.click("a:has-text('公开设置')")
    page.wait_for_url(re.compile(rf"/cases/{case_id}/public$"))
    page.fill("#f-title", TITLE)
    page.click("button:has-text('向社会公开')")
    page.wait_for_url(re.compile(rf"/cases/{case_id}$"))
    assert "已向社会公开" in page.inner_text(".flashes")
    log_out(page)
    page.goto(f"{live_server}/login")
    page.click("text=隐患整改公众查询")
    page.fill("input[name=q]", "挂牌")
    page.click("button:has-text('查询')")
    page.click(f"a:has-text('{TITLE}')")
    page.wait_for_url(re.compile(r"/public/hazards/YH-"))
    assert "待指派" in page.inner_text("#public-stage")
    page.click("text=地图查看")
    page.wait_for_selector("path.hazard-point")
    page.locator("path.hazard-point").dispatch_event("click")
    assert TITLE in page.inner_text(".leaflet-popup-content")
