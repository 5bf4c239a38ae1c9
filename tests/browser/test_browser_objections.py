"""Through a real browser: the enterprise objects to its case's deadline from the case page; the project lead finds
it in the objections list and answers; the enterprise reads the answer on the case page."""
import re

from test_browser_flow import browser, live_server, log_in, log_out, page  # noqa: F401
from tests.test_lifecycle_service import register


def test_enterprise_objects_and_the_project_lead_answers(people, live_server, page):
    case_id = register(people)
    log_in(page, live_server, "ent_a")
    page.goto(f"{live_server}/cases/{case_id}")
    page.click(".objections-card a:has-text('提出异议')")
    page.wait_for_url(re.compile(rf"/cases/{case_id}/objections/new$"))
    page.select_option("#f-subject", "deadline")
    page.fill("#f-text", "设备需停电更换，申请延长整改期限")
    page.click("button:has-text('提交异议')")
    page.wait_for_url(re.compile(rf"/cases/{case_id}$"))
    assert "3个工作日内答复" in page.inner_text(".flashes")
    log_out(page)

    log_in(page, live_server, "project_lead")
    page.click("nav >> text=企业异议")
    page.wait_for_url(re.compile(r"/objections$"))
    page.locator("table.objections tr", has_text="申请延长整改期限").locator("a:has-text('答复')").click()
    page.wait_for_url(re.compile(r"/objections/\d+/reply$"))
    page.check("input[name=accepted][value=true]")
    page.fill("#f-reply", "同意，复核时按新的期限掌握")
    page.click("button:has-text('提交答复')")
    page.wait_for_url(re.compile(rf"/cases/{case_id}$"))
    log_out(page)

    log_in(page, live_server, "ent_a")
    page.goto(f"{live_server}/cases/{case_id}")
    card = page.inner_text(".objections-card")
    assert "采纳" in card and "同意，复核时按新的期限掌握" in card
