"""The enterprise scale (企业规模: 规上 / 规下 / 微型) on the register: imported by its Chinese or English name (an unknown
word is a row error and nothing is imported), exported by name so the file reads back unchanged, edited on the
administrator's form, shown and filtered in the register."""
import io

from app.extensions import db
from app.models import AuditEvent, Enterprise
from app.services import enterprise_import
from test_enterprise_import import CODE_1, CODE_2, csv_bytes, plan, xlsx_bytes
from test_web_enterprise_import import confirmation
from test_web_support import csv_rows, text

HEADER = ["企业名称", "统一社会信用代码", "企业规模"]


def test_the_import_reads_the_scale_by_its_names_and_leaves_it_when_empty(people):
    people.enterprise_a.scale = "micro"
    db.session.commit()
    result = plan("名录.xlsx", xlsx_bytes([HEADER, ["丙厂", CODE_1, "规下"], ["丁厂", CODE_2, "Above designated size"],
                                         [people.enterprise_a.name, people.enterprise_a.credit_code, ""],
                                         [people.enterprise_b.name, people.enterprise_b.credit_code, "规模以上"]]))
    assert [(r.action, r.values.get("scale"), r.changes.get("scale")) for r in result.rows] == [
        ("add", "规下", None), ("add", "Above designated size", None), ("unchanged", None, None),
        ("update", "规模以上", ["", "above"])]


def test_an_unknown_scale_is_a_row_error_and_nothing_is_imported(people, login):
    admin = login("admin")
    data = csv_bytes([HEADER, ["丙厂", CODE_1, "规下"], ["丁厂", CODE_2, "特大型"]])
    response = admin.post("/admin/enterprises/import", data={"file": (io.BytesIO(data), "名录.csv")},
                          content_type="multipart/form-data")
    page = text(response)
    assert response.status_code == 400 and "有错误 1 行" in page
    assert "企业规模：企业规模“特大型”不可识别，应为规上、规下、微型或留空" in page
    assert 'name="token"' not in page and db.session.query(Enterprise).count() == 2


def test_import_confirm_then_export_reads_back_unchanged(people, login):
    admin = login("admin")
    data = csv_bytes([HEADER, ["丙厂", CODE_1, "微型"]])
    checked = admin.post("/admin/enterprises/import", data={"file": (io.BytesIO(data), "名录.csv")},
                         content_type="multipart/form-data")
    assert admin.post("/admin/enterprises/import/confirm", data=confirmation(text(checked))).status_code == 302
    assert db.session.query(Enterprise).filter_by(credit_code=CODE_1).one().scale == "micro"
    rows = csv_rows(admin.get("/admin/enterprises/export.csv"))
    column = rows[0].index("企业规模")
    assert {row[0]: row[column] for row in rows[1:]}["丙厂"] == "微型"
    exported = list(enterprise_import.export_rows(db.session))
    again = plan("back.xlsx", xlsx_bytes([[str(c) if c is not None else "" for c in row] for row in exported]))
    assert {r.action for r in again.rows} == {"unchanged"}


def test_the_form_edits_the_scale_and_refuses_an_unknown_one(people, login):
    admin = login("admin")
    company = people.enterprise_a
    page = text(admin.get(f"/admin/enterprises/{company.id}"))
    assert 'name="scale"' in page and '<option value="below">规下</option>' in page
    fields = {name: "" if getattr(company, name) is None else str(getattr(company, name)) for name in
              ("name", "credit_code", "address", "township", "industry")}
    wrong = admin.post(f"/admin/enterprises/{company.id}", data={**fields, "scale": "huge"})
    assert wrong.status_code == 400 and 'id="err-scale"' in text(wrong)
    saved = admin.post(f"/admin/enterprises/{company.id}", data={**fields, "scale": "below"})
    assert saved.status_code == 302 and db.session.get(Enterprise, company.id).scale == "below"
    event = db.session.query(AuditEvent).filter_by(action="enterprise_updated").one()
    assert event.changes["scale"] == ["", "below"]
    assert "企业规模" in text(admin.get(f"/admin/enterprises/{company.id}"))  # the history names the field


def test_the_register_shows_and_filters_the_scale(people, login, make_enterprise):
    people.enterprise_a.scale = "below"
    small = make_enterprise("丙小作坊")
    small.scale = "micro"
    db.session.commit()
    admin = login("admin")
    page = text(admin.get("/admin/enterprises"))
    assert 'data-scale="below">规下<' in page and 'data-scale="micro">微型<' in page
    below = text(admin.get("/admin/enterprises?scale=below"))
    assert people.enterprise_a.name in below and "丙小作坊" not in below and people.enterprise_b.name not in below
    none = text(admin.get("/admin/enterprises?scale=none"))
    assert people.enterprise_b.name in none and people.enterprise_a.name not in none
    assert "丙小作坊" in text(admin.get("/admin/enterprises?scale=bogus"))  # an unknown filter filters nothing
    admin.get("/lang/en")
    assert 'data-scale="below">Below designated size<' in text(admin.get("/admin/enterprises"))
