"""Through a real browser: the quality supervisor puts a case that needed two rounds into the typical case library
from its page (the form drafted from the case, the causes written by hand; a missing one is named next to its
field), then finds the entry in the library by a keyword of its cause analysis."""
import re

import test_browser_flow as flow
from test_browser_flow import log_in
from tests.test_typical_cases import closed_after_two_rounds

# The browser fixtures, named here so that pytest finds them for this module.
browser, live_server, page = flow.browser, flow.live_server, flow.page


def test_quality_adds_a_case_and_finds_it_by_keyword(people, live_server, page):
    case_id = closed_after_two_rounds(people)
    log_in(page, live_server, "quality")
    page.goto(f"{live_server}/cases/{case_id}")
    page.click("a:has-text('加入典型案例库')")
    page.wait_for_url(re.compile(rf"/cases/{case_id}/library/new$"))
    assert page.input_value("#f-measures") == "更换全部线路并接地"  # the last rectification's measures
    assert "第2轮" in page.input_value("#f-effect")
    page.fill("#f-title", "配电箱接地反复不到位")
    page.click("button:has-text('保存')")  # the cause analysis is still empty
    assert "请填写成因分析" in page.inner_text("#field-cause_analysis")
    page.fill("#f-cause_analysis", "整改只换线未做接地检测，指派要求不具体")
    page.click("button:has-text('保存')")
    page.wait_for_url(re.compile(r"/library/\d+$"))
    assert "已加入典型案例库" in page.inner_text(".flashes")
    page.click("nav >> text=典型案例库")
    page.wait_for_url(re.compile(r"/library$"))
    page.fill("input[name=q]", "接地检测")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"/library\?.*q="))
    rows = page.locator("table.typical-cases tbody tr")
    assert rows.count() == 1 and "配电箱接地反复不到位" in rows.first.inner_text()
    page.fill("input[name=q]", "没有这个词")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"q=%E6%B2%A1"))
    assert "没有符合条件的典型案例" in page.inner_text("main")
    page.goto(f"{live_server}/cases/{case_id}")
    page.click(".page-head a:has-text('典型案例')")
    page.wait_for_url(re.compile(r"/library/\d+$"))
    assert "整改只换线未做接地检测" in page.inner_text(".typical-case-body")
