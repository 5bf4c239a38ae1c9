"""Importing the enterprise register from .xlsx / .csv (services/enterprise_import.py, services/spreadsheet.py)
and its CLI (`flask --app wsgi enterprises import FILE [--dry-run]`)."""
import io
import zipfile

import pytest
import xlsxwriter

from app.errors import NotAllowed, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, Enterprise
from app.services import enterprise_import
from app.services.credit_code import with_check_character
from app.services.uow import UnitOfWork

CODE_1 = with_check_character("91330100MA8000001")
CODE_2 = with_check_character("91330100MA8000002")
HEADER = ["企业名称", "统一社会信用代码", "乡镇/园区", "行业", "从业人员数", "联系电话"]


def csv_bytes(rows, encoding="utf-8-sig"):
    return "\n".join(",".join(row) for row in rows).encode(encoding)


def xlsx_bytes(rows):
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out)
    sheet = workbook.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    workbook.close()
    return out.getvalue()


def plan(filename, data):
    with UnitOfWork() as uow:
        return enterprise_import.plan_import(uow, filename, data)


def run_import(actor, filename, data):
    with UnitOfWork() as uow:
        result = enterprise_import.plan_import(uow, filename, data)
        enterprise_import.apply_import(uow, actor, filename, result)
        uow.commit()
        return result


def test_a_workbook_adds_new_enterprises_and_updates_known_ones_from_their_filled_cells(people):
    known = people.enterprise_a
    rows = [HEADER,
            ["丙化工有限公司", CODE_1, "城东园区", "化工", 120, "0571-1234567"],
            # the known enterprise: a new phone, the township left empty (kept), the employees as a number
            ["", known.credit_code.lower(), "", "危化品", 30, "13900000000"]]
    result = run_import(people.admin, "名录.xlsx", xlsx_bytes(rows))
    assert [(r.line, r.action) for r in result.rows] == [(2, "add"), (3, "update")]
    added = Enterprise.query.filter_by(credit_code=CODE_1).one()
    assert (added.name, added.township, added.industry, added.employees, added.contact_phone) == \
        ("丙化工有限公司", "城东园区", "化工", 120, "0571-1234567")
    db.session.refresh(known)
    assert (known.name, known.township, known.industry, known.employees, known.contact_phone) == \
        ("甲化工有限公司", "城关镇", "危化品", 30, "13900000000")
    actions = [e.action for e in AuditEvent.query.order_by(AuditEvent.id)]
    assert actions[-3:] == ["enterprise_added", "enterprise_updated", "enterprises_imported"]
    summary = AuditEvent.query.filter_by(action="enterprises_imported").one()
    assert summary.details == {"file": "名录.xlsx", "added": 1, "updated": 1, "unchanged": 0}


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_in_utf8_or_as_chinese_excel_saves_it(people, encoding):
    rows = [["名称 *", "统一社会信用代码：", "所属乡镇"], ["丁机械厂", CODE_2, "西湖镇"]]
    result = plan("list.csv", csv_bytes(rows, encoding))
    assert [(r.action, r.name, r.values["township"]) for r in result.rows] == [("add", "丁机械厂", "西湖镇")]


def test_english_headers_and_unknown_columns(people):
    rows = [["Name", "Unified social credit code", "Remarks"], ["E Ltd", CODE_1, "x"]]
    result = plan("e.csv", csv_bytes(rows))
    assert result.rows[0].action == "add" and result.ignored_columns == ["Remarks"]


def test_every_wrong_row_is_reported_and_nothing_is_written(people):
    rows = [HEADER,
            ["好企业", CODE_1, "", "", "5", ""],
            ["坏代码", "91330100MA800000X", "", "", "", ""],
            ["", CODE_2, "", "", "", ""],  # a new enterprise needs its name
            ["人数不对", with_check_character("91330100MA8000003"), "", "", "十二", ""],
            ["重复", CODE_1, "", "", "", ""]]
    result = plan("bad.csv", csv_bytes(rows))
    problems = {r.line: set(r.errors) for r in result.errors}
    assert problems == {3: {"credit_code"}, 4: {"name"}, 5: {"employees"}, 6: {"credit_code"}}
    assert "第 2 行" in result.rows[4].errors["credit_code"]
    assert result.count("add") == 1
    count = Enterprise.query.count()
    with UnitOfWork() as uow, pytest.raises(ValidationFailed):
        enterprise_import.apply_import(uow, people.admin, "bad.csv", result)
    assert Enterprise.query.count() == count


def test_an_unchanged_row_changes_nothing(people):
    known = people.enterprise_a
    result = run_import(people.admin, "same.csv", csv_bytes([HEADER[:3], [known.name, known.credit_code, "城关镇"]]))
    assert [r.action for r in result.rows] == ["unchanged"]
    assert AuditEvent.query.filter_by(action="enterprise_updated").count() == 0


@pytest.mark.parametrize("filename, data, says", [
    ("list.xls", b"\xd0\xcf\x11\xe0", ".xlsx"),
    ("list.txt", b"a,b", ".csv"),
    ("list.csv", b"", "empty"),
    ("list.csv", "企业名称,地址\n甲,乙".encode(), "统一社会信用代码"),
    ("list.csv", "企业名称,名称,统一社会信用代码\n".encode(), "重复"),
    ("list.csv", b"\n\n", "no rows"),
    ("list.xlsx", b"PK\x03\x04 not really a zip", "cannot be read"),
    ("list.csv", b"\x00\x01\x02\xff\xfe", "encoding"),
    ("list.csv", b"PK\x03\x04\x00\x00", "not a text CSV"),  # a workbook renamed .csv
])
def test_files_that_cannot_be_imported_are_refused_as_a_whole(people, filename, data, says):
    with pytest.raises(ValidationFailed) as caught:
        plan(filename, data)
    assert says in caught.value.fields["file"]


def test_row_limit(people, monkeypatch):
    monkeypatch.setattr(enterprise_import, "MAX_ROWS", 2)
    rows = [HEADER[:2]] + [[f"企业{i}", with_check_character(f"91330100MA800001{i}")] for i in range(3)]
    with pytest.raises(ValidationFailed) as caught:
        plan("big.csv", csv_bytes(rows))
    assert "at most 2 rows" in caught.value.fields["file"]
    assert len(plan("ok.csv", csv_bytes(rows[:3])).rows) == 2


def test_a_defused_csv_cell_reads_back_as_typed(people):
    rows = [["企业名称", "统一社会信用代码", "主要风险因素"], ["戊厂", CODE_1, "'-粉尘爆炸"], ["己厂", CODE_2, "'普通"]]
    result = plan("x.csv", csv_bytes(rows))
    assert [r.values["main_risks"] for r in result.rows] == ["-粉尘爆炸", "'普通"]


def test_only_administrators_import(people):
    result = plan("a.csv", csv_bytes([HEADER[:2], ["庚厂", CODE_1]]))
    with UnitOfWork() as uow, pytest.raises(NotAllowed):
        enterprise_import.apply_import(uow, people.project_lead, "a.csv", result)


def test_the_export_reads_back_as_unchanged(people):
    rows = list(enterprise_import.export_rows(db.session))
    assert rows[0][:2] == ["企业名称", "统一社会信用代码"] and len(rows) == 3
    result = plan("export.xlsx", xlsx_bytes(rows))
    assert [r.action for r in result.rows] == ["unchanged", "unchanged"]
    english = [["" if cell is None else str(cell) for cell in row]
               for row in enterprise_import.export_rows(db.session, english=True)]
    assert [r.action for r in plan("export.csv", csv_bytes(english)).rows] == ["unchanged", "unchanged"]


# ---- the CLI ------------------------------------------------------------------------------------------------
def test_cli_import_dry_run_then_import(app, people, tmp_path):
    path = tmp_path / "名录.csv"
    path.write_bytes(csv_bytes([HEADER[:2], ["辛厂", CODE_1]]))
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["enterprises", "import", str(path), "--dry-run"])
    assert dry.exit_code == 0 and "1 to add" in dry.output
    assert Enterprise.query.filter_by(credit_code=CODE_1).count() == 0
    done = runner.invoke(args=["enterprises", "import", str(path)])
    assert done.exit_code == 0 and "1 added" in done.output
    assert Enterprise.query.filter_by(credit_code=CODE_1).one().name == "辛厂"
    assert AuditEvent.query.filter_by(action="enterprises_imported").one().actor_name.startswith("cli:")


def test_cli_reports_bad_rows_and_unreadable_files(app, people, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([HEADER[:2], ["壬厂", "123"]]))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["enterprises", "import", str(bad)])
    assert result.exit_code == 1 and "line 2 (统一社会信用代码)" in result.output and "nothing imported" in result.output
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    result = runner.invoke(args=["enterprises", "import", str(old)])
    assert result.exit_code == 2 and ".xlsx" in result.output
    assert Enterprise.query.count() == 2


def test_a_workbook_with_broken_xml_is_refused_not_a_crash(people):
    """A zip whose parts are not well-formed XML (a damaged download, a renamed file) is a file error."""
    good = zipfile.ZipFile(io.BytesIO(xlsx_bytes([HEADER[:2], ["甲", CODE_1]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as broken:
        for item in good.infolist():
            data = good.read(item)
            broken.writestr(item, b"<Types><unclosed" if item.filename == "[Content_Types].xml" else data)
    with pytest.raises(ValidationFailed) as caught:
        plan("damaged.xlsx", out.getvalue())
    assert "cannot be read" in caught.value.fields["file"]
