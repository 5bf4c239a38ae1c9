"""Through a real browser: a major hazard's weekly supervision check falls due; the supervision group finds it in
its list, records the check as lagging, and the enterprise reads it on the case page."""
import re

from app.clock import clock
from test_browser_flow import browser, live_server, log_in, log_out, page  # noqa: F401
from tests.test_rectification_checks import rectifying


def test_supervision_records_a_due_check(people, live_server, page):
    case_id = rectifying(people, 60)
    clock.advance(days=8)
    log_in(page, live_server, "supervision")
    page.click("nav >> text=督导检查")
    page.wait_for_url(re.compile(r"/supervision/checks$"))
    page.locator(f"tr[data-case='{case_id}']").locator("a:has-text('登记检查')").click()
    page.wait_for_url(re.compile(rf"/cases/{case_id}/checks/new$"))
    page.fill("#f-progress_percent", "20")
    page.fill("#f-findings", "防火间距整改未启动")
    page.check("input[name=conclusion][value=lagging]")
    page.click("button:has-text('保存')")
    page.wait_for_url(re.compile(rf"/cases/{case_id}$"))
    assert "已登记督导检查" in page.inner_text(".flashes")
    log_out(page)
    log_in(page, live_server, "ent_a")
    page.goto(f"{live_server}/cases/{case_id}")
    card = page.inner_text(".rectification-checks-card")
    assert "进度滞后" in card and "防火间距整改未启动" in card
