"""QR codes of the checklist items (二维码扫描录入检查项): a printable sheet per checklist with one code per active item
carrying the item's code, for the inspection team and the checklists' keepers; a visit's page offers the locate
field that a scan fills (the jump itself is tested in the browser)."""
import re

import segno

from app.extensions import db
from app.models import Checklist
from tests.test_checklist_results import standard  # noqa: F401
from tests.test_checklists import item
from tests.test_inspections import visit


def test_the_sheet_has_one_code_per_active_item(people, login):
    chemical = db.session.query(Checklist).filter_by(code="chemical").one()
    active = [i for i in chemical.items if i.active]
    page = login("inspector").get("/inspections/checklists/chemical/qr")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    codes = re.findall(r'<figure class="qr-item" data-code="([^"]+)">', body)
    assert codes == [i.code for i in active] and len(codes) >= 30
    # each drawing is the QR code of the item's code itself (what a scanner types into the locate field)
    expected = segno.make("HG-24", error="m").svg_inline(scale=3, title="HG-24")
    assert expected in body


def test_who_prints_and_unknown_lists(people, login):
    for who in ("inspector", "project_lead", "process_owner", "admin"):
        assert login(who).get("/inspections/checklists/general/qr").status_code == 200, who
    for who in ("ent_a", "bureau", "quality"):
        assert login(who).get("/inspections/checklists/general/qr").status_code == 403, who
    assert login("inspector").get("/inspections/checklists/nope/qr").status_code == 404


def test_the_visit_page_offers_the_locate_field_to_recorders(people, login):
    row = visit(people.inspector, people.enterprise_a)
    page = login("inspector").get(f"/inspections/{row.id}").get_data(as_text=True)
    assert 'id="checklist-locate"' in page and "checklist_scan.js" in page
    assert f'data-code="{item("HG-24").code}"' in page and "/inspections/checklists/chemical/qr" in page
    reader = login("bureau").get(f"/inspections/{row.id}").get_data(as_text=True)
    assert 'id="checklist-locate"' not in reader and "/qr" not in reader
