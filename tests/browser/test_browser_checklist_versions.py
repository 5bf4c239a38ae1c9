"""Through a real browser (Debian Chromium): a process owner proposes a new text for a checklist item, which the
inspectors do not see yet; the technical lead reviews it (before → after) and approves it with a note; the item's new
text then shows on a visit's checklist, and the list's version history names the lead as the signer."""
import re

from app.models import ChecklistItem
from test_browser_flow import browser, live_server, log_in, log_out, page
from test_checklists import load_standard
from test_inspections import visit

FIXTURES = (browser, live_server, page)  # pytest finds fixtures by their names in the module

NEW_TEXT = "主要负责人和安全管理人员经考核合格，证书在有效期内"


def test_owner_proposes_the_lead_approves_and_the_visit_shows_the_new_text(people, make_user, live_server, page):
    load_standard()
    make_user("technical_lead", "technical_lead")
    row = visit(people.inspector, people.enterprise_a)
    hg02 = ChecklistItem.query.filter_by(code="HG-02").one()
    old_text = hg02.content

    log_in(page, live_server, "process_owner")
    page.goto(f"{live_server}/inspections/checklists?list=chemical")
    page.locator(f"tr[data-item='{hg02.id}'] >> a:has-text('提议修改')").click()
    page.wait_for_url(re.compile(rf"/inspections/checklists/items/{hg02.id}$"))
    page.fill("#f-content", NEW_TEXT)
    page.click("button:has-text('提交审核')")
    page.wait_for_url(re.compile(r"/inspections/checklists\?list=chemical$"))
    assert "待技术负责人审核批准后生效" in page.inner_text(".flashes")
    assert "待审核：修改检查项" in page.locator(f"tr[data-item='{hg02.id}']").inner_text()
    log_out(page)

    log_in(page, live_server, "inspector")  # not in effect yet
    page.goto(f"{live_server}/inspections/{row.id}")
    assert old_text in page.locator(f"tr[data-item='{hg02.id}']").inner_text()
    log_out(page)

    log_in(page, live_server, "technical_lead")
    page.click("nav >> text=检查表审核")
    page.wait_for_url(re.compile(r"/inspections/checklists/changes$"))
    page.click("table.checklist-changes a:has-text('审核')")
    page.wait_for_url(re.compile(r"/inspections/checklists/changes/\d+$"))
    assert old_text in page.inner_text("#proposal .before") and NEW_TEXT in page.inner_text("#proposal .after")
    page.fill("#f-note", "按持证上岗要求细化")
    page.click("button:has-text('批准并签字')")
    page.wait_for_url(re.compile(r"/inspections/checklists/changes/\d+$"))
    assert "升为第 2 版" in page.inner_text(".flashes")
    log_out(page)

    log_in(page, live_server, "inspector")
    page.goto(f"{live_server}/inspections/{row.id}")
    assert NEW_TEXT in page.locator(f"tr[data-item='{hg02.id}']").inner_text()
    page.click("a:has-text('第 2 版')")
    page.wait_for_url(re.compile(r"/inspections/checklists/chemical/versions$"))
    assert "technical_lead（技术负责人）" in page.locator("tr[data-version='2']").inner_text()
    page.click("tr[data-version='2'] >> a")
    assert "按持证上岗要求细化" in page.inner_text("#signature")
