"""Through a real browser (Debian Chromium): an inspector goes through the visit's checklist item by item, saves part
of it (a nonconforming item without a note is sent back with the message beside it and the choices kept), registers
the hazard from the nonconforming item, and the checklist then names the case; the common-problem list counts it."""
import re

from app.models import ChecklistItem, ChecklistResult, HazardCase
from test_browser_flow import PNG, browser, live_server, log_in, page  # noqa: F401
from test_checklists import load_standard
from test_inspections import visit


def test_inspector_checks_item_by_item_and_registers_the_hazard_found(people, live_server, page):
    load_standard()
    row = visit(people.inspector, people.enterprise_a)
    ty01, hg24 = (ChecklistItem.query.filter_by(code=code).one().id for code in ("TY-01", "HG-24"))
    log_in(page, live_server, "inspector")
    page.goto(f"{live_server}/inspections/{row.id}")
    assert "已检查 0 / 70 项" in page.inner_text("#checklist h2")
    page.check(f"input[name='results.{ty01}.result'][value=conform]")
    page.check(f"input[name='results.{hg24}.result'][value=nonconform]")
    page.click("button:has-text('保存检查结果')")
    error = page.locator(f"tr[data-item='{hg24}'] .field-error")
    assert "不符合项请说明发现的问题" in error.inner_text()
    assert page.is_checked(f"input[name='results.{ty01}.result'][value=conform]")  # nothing lost
    page.fill(f"input[name='results.{hg24}.note']", "甲类仓库易燃液体超量储存")
    page.click("button:has-text('保存检查结果')")
    page.wait_for_url(re.compile(rf"/inspections/{row.id}#checklist$"))
    assert "已检查 2 / 70 项，不符合 1 项" in page.inner_text("#checklist h2")

    page.locator(f"tr[data-item='{hg24}'] >> a:has-text('登记隐患')").click()
    page.wait_for_url(re.compile(r"/hazards/new\?visit=\d+&checklist_item=\d+$"))
    assert page.locator("#f-description").input_value().endswith("不超量、超品种储存，堆垛间距符合要求\n甲类仓库易燃液体超量储存")
    page.fill("#f-place", "甲类仓库")
    page.select_option("#f-hazard_type", "hazardous_chemicals")
    page.set_input_files("#f-photos", files=[{"name": "仓库.png", "mimeType": "image/png", "buffer": PNG}])
    page.wait_for_selector("#field-photos .thumb img")
    page.fill("#f-score", "75")
    page.click("button:has-text('登记')")
    page.wait_for_url(re.compile(r"/cases/\d+$"))
    case = HazardCase.query.one()
    assert ChecklistResult.query.filter_by(visit_id=row.id, item_id=hg24).one().case_id == case.id

    page.goto(f"{live_server}/inspections/{row.id}")
    assert case.code in page.locator(f"tr[data-item='{hg24}']").inner_text()
    page.goto(f"{live_server}/inspections")
    page.click("a:has-text('共性问题清单')")
    page.wait_for_url(re.compile(r"/inspections/checklist-stats$"))
    assert "HG-24" in page.locator("table.checklist-stats tbody tr").first.inner_text()
