"""Through a real browser: a project lead draws two cases at random (双随机), the supervision group checks them,
the bureau opens the draw's results and publishes them, and anyone without an account reads them from the login
page's link (一公开)."""
import re

from app.clock import clock
from test_browser_flow import browser, live_server, log_in, log_out, page  # noqa: F401
from tests.test_rectification_checks import check, rectifying


def test_a_draw_is_checked_published_and_read_by_the_public(people, live_server, page):
    cases = [rectifying(people) for _ in range(2)]
    log_in(page, live_server, "project_lead")
    page.goto(f"{live_server}/supervision/checks")
    page.fill("#f-count", "2")
    page.click("button:has-text('随机抽取')")
    page.wait_for_url(re.compile(r"/supervision/checks$"))
    assert "已检查 0 / 2" in page.inner_text("#draws")
    log_out(page)
    clock.advance(minutes=30)
    for case_id in cases:
        check(people.supervision, case_id, conclusion="lagging", progress=30, findings="材料未到，李四负责")
    log_in(page, live_server, "bureau")
    page.goto(f"{live_server}/supervision/checks")
    assert "已检查 2 / 2" in page.inner_text("#draws")
    page.click("#draws >> text=检查结果")
    page.wait_for_url(re.compile(r"/supervision/checks/draws/\d+$"))
    page.click("button:has-text('向社会公开检查结果')")
    assert "抽查结果已向社会公开" in page.inner_text(".flashes")
    log_out(page)
    page.goto(f"{live_server}/login")
    page.click("text=双随机抽查结果公示")
    page.wait_for_url(re.compile(r"/public/spot-checks$"))
    page.click("text=查看结果")
    page.wait_for_url(re.compile(r"/public/spot-checks/\d+$"))
    table = page.inner_text("table.public-results")
    assert people.enterprise_a.name in table and "进度滞后" in table and "30%" in table
    assert "李四" not in page.content() and "材料未到" not in page.content()
