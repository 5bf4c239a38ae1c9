"""Through a real browser: a project lead issues an enterprise's service report from the enterprise page (the
period's facts previewed first, a missing conclusion named next to its field with the rest kept), and the
enterprise's safety officer opens it from the notice."""
import re

import test_browser_flow as flow
from test_browser_flow import log_in, log_out
from tests.service_report_support import WRITTEN, served_in_november

# The browser fixtures, named here so that pytest finds them for this module.
browser, live_server, page = flow.browser, flow.live_server, flow.page


def test_a_lead_issues_a_report_and_the_enterprise_opens_it_from_the_notice(people, live_server, page):
    served_in_november(people)
    log_in(page, live_server, "project_lead")
    page.goto(f"{live_server}/supervision/enterprises/{people.enterprise_a.id}")
    page.click("#service-reports a:has-text('出具服务情况报告')")
    page.wait_for_url(re.compile(r"/service-reports/new$"))
    page.fill("#f-period_start", WRITTEN["period_start"])
    page.fill("#f-period_end", WRITTEN["period_end"])
    page.click("button:has-text('按此期间更新事实')")
    assert page.inner_text("dd[data-count=overdue]") == "1"
    assert "王排查、李排查" in page.inner_text("#visits")
    page.select_option("#f-grade", "basically_qualified")
    page.fill("#f-recommendations", WRITTEN["recommendations"])
    page.click("button:has-text('出具报告')")  # the conclusion is still empty
    assert "请填写结论性意见" in page.inner_text("#field-conclusion")
    assert page.input_value("#f-recommendations") == WRITTEN["recommendations"]
    page.fill("#f-conclusion", WRITTEN["conclusion"])
    page.click("button:has-text('出具报告')")
    page.wait_for_url(re.compile(r"/service-reports/\d+$"))
    assert "服务情况报告已出具" in page.inner_text(".flashes")
    assert "基本合格" in page.inner_text("#conclusion")
    log_out(page)
    log_in(page, live_server, "ent_a")
    page.click("nav >> text=通知")
    page.click("a:has-text('查看服务情况报告')")
    page.wait_for_url(re.compile(r"/service-reports/\d+$"))
    assert WRITTEN["conclusion"] in page.inner_text("#conclusion")
    assert page.inner_text("dd[data-count=total]") == "2"
    assert page.locator("a:has-text('下载 PDF')").count() == 1
