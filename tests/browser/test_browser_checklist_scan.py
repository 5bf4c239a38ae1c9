"""Through a real browser: on a visit's page the inspector scans an item's QR code (a handheld scanner types the code
and Enter into the locate field), the page jumps to that item with its first result focused, and the results form
is not submitted; an unknown code is said so."""
from test_browser_flow import browser, live_server, log_in, page  # noqa: F401
from tests.test_checklist_results import standard  # noqa: F401
from tests.test_inspections import visit


def test_a_scanned_code_jumps_to_its_item(people, live_server, page):
    row = visit(people.inspector, people.enterprise_a)
    log_in(page, live_server, "inspector")
    page.goto(f"{live_server}/inspections/{row.id}")
    page.fill("#checklist-locate", "hg-24")
    page.press("#checklist-locate", "Enter")
    located = page.locator("tr.located")
    assert located.count() == 1 and located.get_attribute("data-code") == "HG-24"
    assert page.evaluate("document.activeElement.name") == located.locator("input[type=radio]").first.get_attribute("name")
    assert "HG-24" in page.inner_text("#checklist-locate-status")
    assert page.url.endswith(f"/inspections/{row.id}")  # Enter did not submit the results
    assert page.input_value("#checklist-locate") == ""  # ready for the next scan
    page.fill("#checklist-locate", "ZZ-99")
    page.press("#checklist-locate", "Enter")
    assert "ZZ-99" in page.inner_text("#checklist-locate-status") and page.locator("tr.located").count() == 0
