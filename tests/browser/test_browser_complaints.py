"""Through a real browser: the enterprise's safety officer raises a complaint about a visit (服务投诉); the quality
supervisor finds it in the list, starts the investigation and drafts the answer; the project lead approves it; the
enterprise reads the answer, reached from its notification."""
import os
import re

from test_browser_flow import browser, live_server, log_in, log_out, page  # noqa: F401
from tests.test_visit_ratings import visit

SHOTS = os.environ.get("COMPLAINT_SCREENSHOTS")  # a directory: keep a picture of each page (for a look by eye)


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_enterprise_complains_the_desk_answers_and_the_lead_approves(people, live_server, page):
    visit_id = visit(people.inspector, people.enterprise_a)
    log_in(page, live_server, "ent_a")
    page.click("nav >> text=服务投诉")
    page.wait_for_url(re.compile(r"/complaints$"))
    page.click("a:has-text('提出投诉')")
    page.wait_for_url(re.compile(r"/complaints/new$"))
    page.fill("#f-text", "排查组迟到一小时，现场检查走过场")
    page.click("button:has-text('提交投诉')")  # no kind chosen: the error beside it, the text kept
    assert page.locator("#err-kind").is_visible() and page.input_value("#f-text") == "排查组迟到一小时，现场检查走过场"
    shot(page, "new-with-error")
    page.select_option("#f-kind", "conduct")
    page.select_option("#f-visit_id", str(visit_id))
    page.click("button:has-text('提交投诉')")
    page.wait_for_url(re.compile(r"/complaints/\d+$"))
    assert "24小时内启动调查" in page.inner_text(".flashes")
    complaint_url = page.url
    log_out(page)

    log_in(page, live_server, "quality")
    page.click("nav >> text=服务投诉")
    page.wait_for_url(re.compile(r"/complaints$"))
    shot(page, "list")
    page.locator("table.complaints tr", has_text="排查组迟到一小时").locator("a").first.click()
    page.wait_for_url(complaint_url)
    page.fill("#f-note", "调阅当日排查记录，约谈排查组长")
    page.click("button:has-text('启动调查')")
    page.wait_for_url(complaint_url)
    page.fill("#f-answer", "经核实，排查组当日因交通管制迟到，已对排查组长批评教育，今后提前出发并电话告知企业")
    page.click("button:has-text('提交审核')")
    page.wait_for_url(complaint_url)
    assert "等待项目负责人审核" in page.inner_text(".flashes")
    log_out(page)

    log_in(page, live_server, "project_lead")
    page.goto(complaint_url)
    assert "今后提前出发" in page.inner_text("#desk")
    shot(page, "review")
    page.click("button:has-text('审核通过并发送')")
    page.wait_for_url(complaint_url)
    assert "已答复" in page.inner_text(".page-head")
    log_out(page)

    log_in(page, live_server, "ent_a")
    page.click("nav >> text=通知")
    page.locator(".notice", has_text="服务投诉答复").locator("a:has-text('查看投诉')").click()
    page.wait_for_url(complaint_url)
    answer = page.inner_text("#answer")
    assert "今后提前出发并电话告知企业" in answer and "project_lead" in answer  # who approved it
    assert "约谈排查组长" not in page.inner_text("main")  # the desk's own note stays inside
    shot(page, "enterprise-reads")
