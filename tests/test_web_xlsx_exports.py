"""The Excel workbooks (.xlsx) beside the CSV files: the case ledger, the audit log and the statistics give the same
rows for the same filters and to the same users as their CSV twins; numbers are numeric cells, text that looks like
a formula stays text, the header is bold and frozen. Read back with zipfile and ElementTree, as any reader would."""
import io
import math
import zipfile
from datetime import datetime
from decimal import Decimal
from xml.etree import ElementTree

import pytest

from app.clock import SHANGHAI, clock
from app.extensions import db
from app.models import AuditEvent, HazardCase
from app.web.downloads import FORMULA_STARTS, XLSX_MIMETYPE, column_widths, xlsx_download
from tests.test_lifecycle_service import ASSIGN, complete, open_tasks, register
from tests.test_reports import november  # noqa: F401 (a fixture)
from tests.test_web_audit_log import history  # noqa: F401 (a fixture)
from tests.test_web_support import compile_translations, csv_rows, text

M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
FORMULA = '=HYPERLINK("http://example.com","点这里")'


class Workbook:
    """The one sheet of an .xlsx: its rows (text as str, numbers as float, gaps as ""), its formulas, the style
    of each cell and the sheet's settings."""

    def __init__(self, body):
        book = zipfile.ZipFile(io.BytesIO(body))
        names = book.namelist()
        shared = []
        if "xl/sharedStrings.xml" in names:
            shared = ["".join(t.text or "" for t in si.iter(M + "t"))
                      for si in ElementTree.fromstring(book.read("xl/sharedStrings.xml")).iter(M + "si")]
        self.sheet = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))
        self.sheet_name = ElementTree.fromstring(book.read("xl/workbook.xml")).find(f"{M}sheets/{M}sheet").get("name")
        styles = ElementTree.fromstring(book.read("xl/styles.xml"))
        fonts = list(styles.find(M + "fonts"))
        self.bold_styles = {str(i) for i, xf in enumerate(styles.find(M + "cellXfs"))
                            if fonts[int(xf.get("fontId", 0))].find(M + "b") is not None}
        self.rows, self.formulas, self.types, self.styles = [], [], {}, {}
        for row in self.sheet.iter(M + "row"):
            r = int(row.get("r"))
            while len(self.rows) < r:
                self.rows.append([])
            for c in row.iter(M + "c"):
                column = _column(c.get("r"))
                line = self.rows[r - 1]
                line += [""] * (column + 1 - len(line))
                if c.find(M + "f") is not None:
                    self.formulas.append(c.get("r"))
                kind = c.get("t", "n")
                if kind == "s":
                    value = shared[int(c.find(M + "v").text)]
                elif kind == "inlineStr":
                    value = "".join(t.text or "" for t in c.iter(M + "t"))
                elif kind == "n" and c.find(M + "v") is not None:
                    value = float(c.find(M + "v").text)
                else:
                    value = c.findtext(M + "v") or ""
                line[column] = value
                self.types[(r - 1, column)] = kind
                self.styles[(r - 1, column)] = c.get("s", "0")

    def is_number(self, row, column):
        return self.types.get((row, column)) == "n" and isinstance(self.rows[row][column], float)

    def header_is_bold(self):
        return bool(self.rows[0]) and all(self.styles[(0, c)] in self.bold_styles for c in range(len(self.rows[0])))

    def first_row_frozen(self):
        pane = self.sheet.find(f"{M}sheetViews/{M}sheetView/{M}pane")
        return pane is not None and pane.get("state") == "frozen" and pane.get("ySplit") == "1"

    def widths(self):
        return {c: float(col.get("width")) for col in self.sheet.iter(M + "col")
                for c in range(int(col.get("min")) - 1, int(col.get("max")))}


def _column(ref):
    letters = "".join(ch for ch in ref if ch.isalpha())
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - ord("A") + 1
    return n - 1


def _trimmed(row):
    row = list(row)
    while row and row[-1] == "":
        row.pop()
    return row


def assert_same_rows(book, csv_rows):
    """The workbook's rows are the CSV's, a number in the workbook being the number the CSV wrote."""
    assert len(book.rows) <= len(csv_rows) and all(not _trimmed(r) for r in csv_rows[len(book.rows):])
    for i, csv_row in enumerate(csv_rows[:len(book.rows)]):
        ours, theirs = _trimmed(book.rows[i]), _trimmed(csv_row)
        assert len(ours) == len(theirs), (i, ours, theirs)
        for value, expected in zip(ours, theirs):
            if isinstance(value, float):
                assert math.isclose(value, float(expected)), (i, value, expected)
            else:
                # the CSV defuses text Excel would run as a formula with a leading apostrophe; the workbook's
                # typed cells need none
                assert value == expected or "'" + value == expected and value.startswith(FORMULA_STARTS), \
                    (i, value, expected)


def fetch(client, path, query=""):
    """(workbook, the CSV twin's rows) of a download; both must be 200 attachments."""
    response = client.get(f"{path}.xlsx{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == XLSX_MIMETYPE
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="') and disposition.endswith('.xlsx"')
    twin = csv_rows(client.get(f"{path}.csv{query}"))
    book = Workbook(response.get_data())
    assert book.formulas == [] and book.header_is_bold() and book.first_row_frozen()
    return book, twin


# ---- the case ledger -----------------------------------------------------------------------------------------
def test_the_ledger_workbook_is_the_csv_for_the_same_filters_and_users(people, login):
    a = register(people, score=90)
    complete(people.project_lead, open_tasks(a)["assignment"], ASSIGN)
    register(people, score=60)
    register(people, enterprise=people.enterprise_b)
    db.session.get(HazardCase, a).description = FORMULA
    db.session.commit()
    manager = login("manager")
    for query in ("", "?status=rectifying", "?grade=major", f"?enterprise_id={people.enterprise_b.id}"):
        book, rows = fetch(manager, "/cases/export", query)
        assert_same_rows(book, rows)
    book, rows = fetch(manager, "/cases/export")
    assert book.rows[0][:4] == ["案件编号", "企业", "统一社会信用代码", "乡镇/园区"] and len(book.rows) == 4
    assert book.sheet_name == "隐患台账"
    assert all(book.is_number(r, 8) and book.is_number(r, 12) for r in (1, 2, 3))  # score and round
    assert {book.rows[r][8] for r in (1, 2, 3)} == {90.0, 60.0}
    written = next(r for r in range(1, 4) if book.rows[r][7] == FORMULA)
    assert book.types[(written, 7)] in ("s", "inlineStr")  # the text as typed, not a formula
    assert book.rows[written][13].startswith("2026-") and not book.is_number(written, 13)  # times as the CSV shows
    widths = book.widths()
    assert widths[1] >= 2 * len("甲化工有限公司") and widths[7] >= len(FORMULA)  # a Chinese character counts two
    own, own_csv = fetch(login("ent_a"), "/cases/export")
    assert_same_rows(own, own_csv)
    assert len(own.rows) == 3 and {r[1] for r in own.rows[1:]} == {"甲化工有限公司"}  # never another's case
    other, _rows = fetch(login("ent_b"), "/cases/export", f"?enterprise_id={people.enterprise_a.id}")
    assert len(other.rows) == 1  # the header only


def test_the_case_list_links_to_both_files_and_visitors_must_log_in(people, login, client):
    page = login("manager").get("/cases?status=closed").get_data(as_text=True)
    assert 'href="/cases/export.csv?status=closed"' in page and 'href="/cases/export.xlsx?status=closed"' in page
    assert client.get("/cases/export.xlsx").status_code == 302


def test_the_ledger_workbook_in_english(people, login):
    compile_translations()
    register(people)
    manager = login("manager")
    manager.get("/lang/en")
    book, rows = fetch(manager, "/cases/export")
    assert_same_rows(book, rows)
    assert book.rows[0][0] == rows[0][0] and book.sheet_name != "隐患台账" and book.sheet_name.isascii()


# ---- the audit log -------------------------------------------------------------------------------------------
def test_the_audit_workbook_is_the_csv_for_the_same_filters(history, login):
    db.session.add(AuditEvent(case_id=None, actor_id=None, actor_name="system", action="calendar_imported",
                              changes={}, details={"n": 5}, reason="=1+2", created_at=clock.now()))
    db.session.commit()
    manager = login("manager")
    for query in ("", "?scope=cases", "?scope=system", f"?case_code={history.code}", "?since=2026-11-24"):
        book, rows = fetch(manager, "/audit/export", query)
        assert_same_rows(book, rows)
    book, _rows = fetch(manager, "/audit/export", "?scope=system")
    assert book.sheet_name == "审计日志" and book.rows[0][:4] == ["时间", "操作人", "操作类型", "案件编号"]
    row = next(r for r in range(1, len(book.rows)) if book.rows[r][6] == "=1+2")
    assert book.types[(row, 6)] in ("s", "inlineStr")
    book, _rows = fetch(manager, "/audit/export", "?scope=cases")
    assert len(book.rows) > 1 and all(r[3] == history.code for r in book.rows[1:])


@pytest.mark.parametrize("role", ["inspector", "project_lead", "ent_a", "quality", "process_owner"])
def test_the_audit_workbook_is_refused_as_the_csv_is(history, login, role):
    user = login(role)
    assert user.get("/audit/export.csv").status_code == 403 and user.get("/audit/export.xlsx").status_code == 403


def test_the_audit_workbook_bad_filters_visitors_and_the_link(history, login, client):
    manager = login("manager")
    assert manager.get("/audit/export.xlsx?since=yesterday").status_code == 400
    assert client.get("/audit/export.xlsx").status_code == 302
    page = text(manager.get("/audit?scope=cases&page=1"))
    assert 'href="/audit/export.csv?scope=cases"' in page and 'href="/audit/export.xlsx?scope=cases"' in page


# ---- the statistics ------------------------------------------------------------------------------------------
def test_the_statistics_workbook_is_the_csv(november, people, login):
    people.enterprise_b.name = "=SUM(1,2)"
    db.session.commit()
    manager = login("manager")
    response = manager.get("/reports/export.xlsx?start=2026-11-01&end=2026-11-30")
    assert 'filename="hazard-statistics-20261101-20261130.xlsx"' in response.headers["Content-Disposition"]
    book, rows = fetch(manager, "/reports/export", "?start=2026-11-01&end=2026-11-30")
    assert_same_rows(book, rows)
    assert book.sheet_name == "统计报表" and book.rows[0] == ["总体情况"]
    registered = next(r for r, line in enumerate(book.rows) if line[:1] == ["登记隐患数"])
    assert book.rows[registered][1] == 4.0 and book.is_number(registered, 1)
    assert ["整改率", "25.0 %"] in book.rows  # a rate keeps the CSV's text
    row = next(r for r, line in enumerate(book.rows) if line[:1] == ["=SUM(1,2)"])
    assert book.types[(row, 0)] in ("s", "inlineStr") and book.rows[row][3:7] == [1.0, 0.0, 1.0, 0.0]
    assert all(book.is_number(row, c) for c in range(3, 7))


@pytest.mark.parametrize("role", ["inspector", "ent_a", "project_lead", "expert"])
def test_the_statistics_workbook_is_refused_as_the_csv_is(people, login, role):
    user = login(role)
    assert user.get("/reports/export.csv").status_code == 403 and user.get("/reports/export.xlsx").status_code == 403


def test_the_statistics_workbook_bad_periods_and_visitors(people, login, client):
    manager = login("manager")
    assert manager.get("/reports/export.xlsx?end=tomorrow").status_code == 400
    assert manager.get("/reports/export.xlsx?start=2026-11-20&end=2026-11-01").status_code == 400
    assert client.get("/reports/export.xlsx").status_code == 302


# ---- the writer ----------------------------------------------------------------------------------------------
def test_the_writer_types_widths_and_sheet_name(app):
    rows = [["名称", "count", "note"], ["甲化工有限公司", 3, None], ["ascii", Decimal("2.5"), float("nan")],
            ["x", True, datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)], [], ["@SUM(A1)", -1, "+cmd"]]
    with app.test_request_context():
        book = Workbook(xlsx_download(rows, "t.xlsx", "a/b:c [统计]").get_data())
    assert book.sheet_name == "a b c  统计" and book.formulas == []
    assert book.rows[1] == ["甲化工有限公司", 3.0] and book.is_number(1, 1)
    assert book.rows[2] == ["ascii", 2.5, "nan"] and book.is_number(2, 1)
    assert book.rows[3] == ["x", "True", "2026-11-23 09:00:00+08:00"]  # what csv would write
    assert book.rows[4] == [] and book.rows[5] == ["@SUM(A1)", -1.0, "+cmd"]
    assert column_widths([["甲化工"], ["abcdef"]]) == [8] and column_widths([["x" * 500]]) == [60]


def test_text_beyond_excels_cell_limit_is_cut_visibly(app):
    with app.test_request_context():
        book = Workbook(xlsx_download([["details"], ["审" * 40_000]], "t.xlsx", "t").get_data())
    cell = book.rows[1][0]
    assert len(cell) == 32_767 and cell.endswith("…") and cell[:-1] == "审" * 32_766
