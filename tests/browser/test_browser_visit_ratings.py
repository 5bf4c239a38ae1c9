"""Through a real browser: the enterprise's safety officer rates a visit low and anonymously on the rating form (plain
radios, no script); the quality supervisor finds the complaint in the satisfaction report, reached from the
inspection list, without the rater's name, and has been notified."""
import re

from test_browser_flow import browser, live_server, log_in, log_out, page  # noqa: F401
from tests.test_visit_ratings import visit


def test_enterprise_rates_and_the_quality_supervisor_sees_it(people, live_server, page):
    visit_id = visit(people.inspector, people.enterprise_a)
    log_in(page, live_server, "ent_a")
    page.goto(f"{live_server}/inspections/{visit_id}/rate")
    page.click("button:has-text('提交评价')")  # nothing chosen: each score's error beside it
    assert page.locator("#err-service_quality").is_visible() and page.locator("#err-response_speed").is_visible()
    for name, score in (("service_quality", 3), ("professional_level", 4), ("communication", 2),
                        ("response_speed", 3)):
        page.check(f"input[name={name}][value='{score}']")
    page.fill("#f-comment", "现场沟通时间太短，整改要求没有讲清楚")
    page.check("#f-anonymous")
    page.click("button:has-text('提交评价')")
    page.wait_for_url(re.compile(rf"/inspections/{visit_id}#ratings$"))
    assert "感谢您的评价" in page.inner_text(".flashes")
    log_out(page)

    log_in(page, live_server, "quality")
    page.goto(f"{live_server}/inspections")
    page.click("a:has-text('满意度评价统计')")
    page.wait_for_url(re.compile(r"/inspections/satisfaction$"))
    assert page.inner_text("#response-rate") == "100.0 %"
    row = page.locator("table.satisfaction-low tr", has_text="现场沟通时间太短")
    assert "匿名" in row.inner_text() and "ent_a" not in row.inner_text()
    row.locator("a").first.click()
    page.wait_for_url(re.compile(rf"/inspections/{visit_id}#ratings$"))
    page.goto(f"{live_server}/notifications")
    assert "满意度低分评价" in page.inner_text("main")
