"""Through a real browser (Debian Chromium): an inspector records an inspection visit from the regional risk page's
list of enterprises due, and finds it in the inspection list; the region's due list no longer names it."""
import re

from test_browser_flow import browser, live_server, log_in, page  # noqa: F401


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
    page.wait_for_url(re.compile(r"/inspections$"))
    assert "已登记对 甲化工有限公司 的排查" in page.inner_text(".flashes")
    assert "配电房、危化品仓库" in page.inner_text("table.inspections")
    page.goto(f"{live_server}/supervision/regions")
    assert "甲化工有限公司" not in page.locator("tr[data-township=城关镇]").inner_text()
