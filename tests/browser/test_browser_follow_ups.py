"""Through a real browser: after a case is closed, the inspector finds its first re-inspection due in the list,
records that the hazard is back, and the case page shows it."""
import re

from test_browser_flow import browser, live_server, log_in, page  # noqa: F401
from tests.test_follow_ups import closed_case


def test_inspector_records_a_re_inspection(people, live_server, page):
    case_id = closed_case(people)
    log_in(page, live_server, "inspector")
    page.click("nav >> text=销号后复查")
    page.wait_for_url(re.compile(r"/followups$"))
    page.click("table.followups a:has-text('登记复查')")
    page.wait_for_url(re.compile(r"/followups/\d+/record$"))
    page.check("input[name=result][value=recurred]")
    page.click("button:has-text('提交')")  # what was found is required
    assert page.locator("#err-notes").is_visible()
    page.fill("#f-notes", "配电柜前又堆放了纸箱")
    page.click("button:has-text('提交')")
    page.wait_for_url(re.compile(rf"/cases/{case_id}$"))
    assert "隐患反弹" in page.inner_text(".follow-ups-card")
    assert "配电柜前又堆放了纸箱" in page.inner_text(".follow-ups-card")
