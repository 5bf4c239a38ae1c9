"""Through a real browser (Debian Chromium): an inspector records an inspection visit from the regional risk page's
list of enterprises due, registers the hazard it found from the visit's page, and finds both in the inspection
list; the region's due list no longer names the enterprise."""
import re

from app.models import HazardCase
from test_browser_flow import PNG, browser, live_server, log_in, page  # noqa: F401


def test_inspector_records_a_due_inspection_from_the_regions_page(people, live_server, page):
    log_in(page, live_server, "inspector")
    page.click("nav >> text=重点排查")
    page.wait_for_url(re.compile(r"/supervision/priorities$"))
    page.click("a:has-text('区域风险分级')")
    page.wait_for_url(re.compile(r"/supervision/regions$"))
    row = page.locator("tr[data-township=城关镇]")
    assert "甲化工有限公司" in row.inner_text() and "从未排查" in row.inner_text()
    row.locator("li:has-text('甲化工有限公司') >> a:has-text('登记排查')").click()
    page.wait_for_url(re.compile(r"/inspections/new\?enterprise_id=\d+$"))
    assert page.locator("#f-enterprise_id").input_value() == str(people.enterprise_a.id)
    page.fill("#f-scope", "配电房、危化品仓库、动火审批台账")
    page.click("button:has-text('登记')")
    page.wait_for_url(re.compile(r"/inspections/\d+$"))
    assert "已登记对 甲化工有限公司 的排查" in page.inner_text(".flashes")
    visit_url = page.url

    page.click("a:has-text('登记本次发现的隐患')")
    page.wait_for_url(re.compile(r"/hazards/new\?visit=\d+$"))
    assert page.locator("#f-enterprise_id").input_value() == str(people.enterprise_a.id)
    page.fill("#f-place", "配电房")
    page.select_option("#f-hazard_type", "electrical")
    page.fill("#f-description", "配电箱未接地")
    page.set_input_files("#f-photos", files=[{"name": "现场.png", "mimeType": "image/png", "buffer": PNG}])
    page.wait_for_selector("#field-photos .thumb img")
    page.fill("#f-score", "80")
    page.click("button:has-text('登记')")
    page.wait_for_url(re.compile(r"/cases/\d+$"))
    case = HazardCase.query.one()
    assert case.inspection_visit_id is not None
    page.click(f"a[href$='/inspections/{case.inspection_visit_id}']")  # the case names its visit
    page.wait_for_url(visit_url)
    assert case.code in page.inner_text("table.visit-cases")

    page.goto(f"{live_server}/inspections")
    assert "配电房、危化品仓库" in page.inner_text("table.inspections")
    assert case.code in page.inner_text("table.inspections")
    page.goto(f"{live_server}/supervision/regions")
    assert "甲化工有限公司" not in page.locator("tr[data-township=城关镇]").inner_text()
