"""Through a real browser: the project lead sends a major hazard's special report from the case page, the enterprise
submits its treatment plan, the bureau approves it and lists the case for supervision, and finds it on the overview."""
import re

from test_browser_flow import browser, live_server, log_in, log_out, page  # noqa: F401
from tests.major_hazard_support import PLAN, REPORT
from tests.test_lifecycle_service import register


def test_report_plan_approval_and_listing(people, live_server, page):
    case_id = register(people, score=60)
    log_in(page, live_server, "project_lead")
    page.goto(f"{live_server}/cases/{case_id}")
    page.click("#major-hazard-card a:has-text('查看专报、治理方案与督办')")
    page.wait_for_url(re.compile(rf"/major-hazards/{case_id}$"))
    page.click("a:has-text('填写专报')")
    for name, value in REPORT.items():
        page.fill(f"#f-{name}", value)
    page.check("input[name=photos]")
    page.click("button:has-text('报送应急管理局')")
    page.wait_for_url(re.compile(rf"/major-hazards/{case_id}$"))
    assert REPORT["analysis"] in page.inner_text("#major-report")
    log_out(page)

    log_in(page, live_server, "ent_a")
    page.goto(f"{live_server}/major-hazards/{case_id}")
    page.click("a:has-text('提交治理方案')")
    for name, value in PLAN.items():
        page.fill(f"#f-{name}", value)
    page.click("button:has-text('提交应急管理局审核')")
    page.wait_for_url(re.compile(rf"/major-hazards/{case_id}$"))
    log_out(page)

    log_in(page, live_server, "bureau")
    page.click("nav >> text=重大隐患督办")
    page.wait_for_url(re.compile(r"/major-hazards$"))
    page.click(f"tr[data-case='{case_id}'] a.code")
    page.check("input[name=decision][value=approve]")
    page.click("button:has-text('提交审核结论')")
    page.wait_for_url(re.compile(rf"/major-hazards/{case_id}$"))
    assert "已批准" in page.inner_text("#major-plan")
    page.click("#major-listing a:has-text('挂牌督办')")
    page.fill("#f-supervisor_unit", "县应急管理局")
    page.fill("#f-supervisor_name", "王督办")
    page.fill("#f-due_date", "2026-12-31")
    page.click("button:has-text('挂牌督办')")
    page.wait_for_url(re.compile(rf"/major-hazards/{case_id}$"))
    assert "督办中" in page.inner_text("#major-listing")
    page.screenshot(path="/tmp/major-hazard-record.png", full_page=True)
    page.goto(f"{live_server}/major-hazards")
    row = page.inner_text(f"tr[data-case='{case_id}']")
    assert "已报送" in row and "已批准" in row and "督办中" in row
    page.screenshot(path="/tmp/major-hazards.png", full_page=True)
