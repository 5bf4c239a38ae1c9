"""Through a real browser: on a re-inspection's form, picking an instrument of the equipment register makes the row's
typed instrument and certificate cells read-only (the server fills them from the register), in a row added by the
script too; the saved reading names the register's instrument."""
import re

from test_browser_flow import browser, live_server, log_in, page  # noqa: F401
from app.extensions import db
from app.models import SiteMeasurement
from app.services import followups
from tests.resource_support import instrument
from tests.test_follow_ups import closed_case


def test_picking_a_registered_instrument_locks_the_typed_cells(people, live_server, page):
    gauge = instrument(people.project_lead, "SB-QT-001", model="MSA Altair 4XR", certificate_no="JZ2026-QT-0113")
    case_id = closed_case(people)
    first = followups.for_case(db.session, case_id)[0]
    log_in(page, live_server, "inspector")
    page.goto(f"{live_server}/followups/{first.id}/record")
    page.check("input[name=result][value=held]")
    page.select_option("select[name=m-0-kind]", "o2")
    page.fill("input[name=m-0-value]", "20.9")
    page.fill("input[name=m-0-location]", "池底")
    assert not page.locator("input[name=m-0-instrument]").evaluate("e => e.readOnly")
    page.select_option("select[name=m-0-instrument_id]", str(gauge))
    assert page.locator("input[name=m-0-instrument]").evaluate("e => e.readOnly")
    assert page.locator("input[name=m-0-calibration_no]").evaluate("e => e.readOnly")
    page.click("#add-measurement")
    added = page.locator("select[data-instrument-pick]").last
    added.select_option(str(gauge))
    assert page.locator("tr[data-measurement-row]").last.locator("input[name$='-instrument']").evaluate(
        "e => e.readOnly")
    added.select_option("")
    assert not page.locator("tr[data-measurement-row]").last.locator("input[name$='-instrument']").evaluate(
        "e => e.readOnly")
    page.click("button:has-text('提交')")
    page.wait_for_url(re.compile(rf"/cases/{case_id}$"))
    db.session.expire_all()
    row = db.session.query(SiteMeasurement).one()
    assert (row.instrument_id, row.calibration_no) == (gauge, "JZ2026-QT-0113")
