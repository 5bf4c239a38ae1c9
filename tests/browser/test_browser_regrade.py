"""Through a real browser: the project lead grades a case under rectification again from the case page; the case
shows its new grade and the history the reason."""
import re

from test_browser_flow import browser, live_server, log_in, page  # noqa: F401
from tests.test_regrading import assigned


def test_project_lead_regrades_a_case_under_rectification(people, live_server, page):
    case_id = assigned(people)
    log_in(page, live_server, "project_lead")
    page.goto(f"{live_server}/cases/{case_id}")
    page.click(".page-head a:has-text('重新定级')")
    page.wait_for_url(re.compile(rf"/cases/{case_id}/regrade$"))
    page.fill("#f-review_score", "60")
    page.click("button:has-text('确认重新定级')")
    assert page.locator("#err-review_reason").is_visible()  # the reason is required; the score is kept
    assert page.input_value("#f-review_score") == "60"
    page.fill("#f-review_reason", "评审小组复核：配电房位于罐区旁")
    page.click("button:has-text('确认重新定级')")
    page.wait_for_url(re.compile(rf"/cases/{case_id}$"))
    assert "已重新定级" in page.inner_text(".flashes")
    assert "重大" in page.inner_text(".page-head h1")
    assert "评审小组复核：配电房位于罐区旁" in page.inner_text("main")
