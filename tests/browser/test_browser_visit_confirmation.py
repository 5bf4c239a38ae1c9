"""Through a real browser: the enterprise's safety officer opens the visit from the notice, confirms its results with
remarks, and the inspector sees the confirmation."""
import re

from test_browser_flow import browser, live_server, log_in, log_out, page  # noqa: F401
from tests.test_checklist_results import standard  # noqa: F401
from tests.test_inspections import visit
from tests.visit_review_support import finish_checklist, walk


def test_enterprise_confirms_a_visit_and_the_inspector_sees_it(people, live_server, page, make_user,
                                                                standard):  # noqa: F811
    row = visit(people.inspector, people.enterprise_a, findings="建议完善动火审批台账")
    # The enterprise is told once the report has passed its three-level review (三级审核).
    finish_checklist(people.inspector, row)
    row = walk(row, people.inspector, people.project_lead, make_user("tech", "technical_lead"))
    log_in(page, live_server, "ent_a")
    page.goto(f"{live_server}/notifications")
    assert "排查结果待确认" in page.inner_text("main")
    page.goto(f"{live_server}/inspections/{row.id}")
    page.fill("#f-enterprise_remarks", "动火审批台账本周内补齐")
    page.click("button:has-text('确认排查结果')")
    page.wait_for_url(re.compile(rf"/inspections/{row.id}$"))
    assert "已确认本次排查结果" in page.inner_text(".flashes")
    log_out(page)
    log_in(page, live_server, "inspector")
    page.goto(f"{live_server}/inspections/{row.id}")
    card = page.inner_text(".acknowledgement")
    assert "已确认" in card and "动火审批台账本周内补齐" in card
