"""Through a real browser that shares its position: an inspector checks in at a visit 33 m from the enterprise's
hazards, the app clock moves two hours, they check out from 1.1 km away and add a photo; the visit page and the
list show the flags (far, under 4 hours). Without the permission the check-in still goes, as "no position"."""
import re

from app.clock import clock
from app.models import Attachment, VisitCheckin
from test_browser_flow import PNG, browser, live_server, log_in  # noqa: F401
from test_browser_photo_position import _close, _page
from tests.test_inspections import visit
from tests.test_visit_checkins import FAR, NEAR, SITE, place_cases


def test_check_in_and_out_with_the_device_position_and_see_the_flags(people, live_server, browser):
    place_cases(people, SITE)
    row = visit(people.inspector, people.enterprise_a)
    context, page = _page(browser, permissions=["geolocation"],
                          geolocation={"latitude": NEAR[0], "longitude": NEAR[1], "accuracy": 15})
    try:
        log_in(page, live_server, "inspector")
        page.goto(f"{live_server}/inspections/{row.id}")
        page.click(".checkin-form button:has-text('到场打卡')")
        page.wait_for_url(re.compile(rf"/inspections/{row.id}#checkins$"))
        assert "已到场打卡" in page.inner_text(".flashes")
        table = page.inner_text("table.visit-checkins")
        assert "2026-11-23 09:00" in table and "距企业 33 米" in table and "在场中" in table

        clock.advance(hours=2)  # the live server runs in this process: it reads the same clock
        context.set_geolocation({"latitude": FAR[0], "longitude": FAR[1], "accuracy": 30})
        # The page is at …#checkins already: wait for the navigation the click makes, not for a URL it already has.
        with page.expect_navigation():
            page.click(".checkin-form button:has-text('离场打卡')")
        table = page.inner_text("table.visit-checkins")
        assert "11:00" in table and "2 小时 0 分" in table and "距企业 1.1 公里" in table
        assert "在场不足 4 小时" in table and "打卡位置离企业超过 500 米" in table
        assert page.locator(".checkin-form").count() == 0  # done for today
        saved = VisitCheckin.query.one()
        assert (saved.arrival_latitude, saved.departure_latitude, saved.minutes_on_site) == (NEAR[0], FAR[0], 120)

        page.set_input_files("#f-visit_files", files=[{"name": "site.png", "mimeType": "image/png", "buffer": PNG}])
        page.wait_for_selector("#field-visit_files .thumb img")
        page.click("button:has-text('保存现场资料')")
        page.wait_for_url(re.compile(rf"/inspections/{row.id}#visit-files$"))
        assert Attachment.query.filter_by(visit_id=row.id).count() == 1
        assert page.locator(".visit-files figure.photo img").count() == 1

        page.goto(f"{live_server}/inspections?flagged=1")
        summary = page.inner_text(f"tr[data-visit='{row.id}'] .checkin-summary")
        assert "在场 2 小时 0 分" in summary and "在场不足 4 小时" in summary
    finally:
        _close(context, page)


def test_a_refused_position_still_checks_in(people, live_server, browser):
    row = visit(people.inspector, people.enterprise_a)
    context, page = _page(browser)  # no permission: the Geolocation API reports an error
    try:
        log_in(page, live_server, "inspector")
        page.goto(f"{live_server}/inspections/{row.id}")
        page.click(".checkin-form button:has-text('到场打卡')")
        page.wait_for_url(re.compile(rf"/inspections/{row.id}#checkins$"))
        assert "打卡无定位" in page.inner_text("table.visit-checkins")
        assert VisitCheckin.query.one().arrival_latitude is None
    finally:
        _close(context, page)
