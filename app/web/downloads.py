"""Files the pages hand out as tables (the audit log, the statistics, the case ledger): CSV for Excel, and real
Excel workbooks (.xlsx). Both take the same rows: lists of cells, text or numbers."""
import csv
import io
import math
import numbers
import re
import unicodedata
from decimal import Decimal

import xlsxwriter
from flask import Response

from ..clock import SHANGHAI
from ..services.spreadsheet import FORMULA_STARTS

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXCEL_CELL_LIMIT = 32_767  # characters in one cell
MIN_WIDTH, MAX_WIDTH = 6, 60  # column widths in characters (a Chinese character counts two)
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def csv_moment(value):
    """A stored moment as a CSV cell: Shanghai time to the minute, empty for none."""
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if value else ""


def csv_download(rows, filename):
    """`rows` (lists of cells) as a CSV attachment; UTF-8 with a byte-order mark, so that Excel opens it with
    the Chinese intact; text that Excel would run as a formula is defused (see FORMULA_STARTS)."""
    out = io.StringIO()
    out.write("\ufeff")
    csv.writer(out).writerows([[_csv_cell(value) for value in row] for row in rows])
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _csv_cell(value):
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def xlsx_download(rows, filename, sheet_title):
    """`rows` (lists of cells, the first the header) as an Excel workbook of one sheet: the header bold and frozen,
    the columns as wide as their text, numbers as numbers, everything else as text (never as a formula: a cell
    typed "=HYPERLINK(...)" stays the text it was)."""
    rows = [list(row) for row in rows]
    out = io.BytesIO()
    # constant_memory: each row goes to a temporary file once the next begins (the ledger and the audit log give up
    # to 50,000 rows); strings are then kept inline in the sheet rather than in a shared table.
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False,
                                         "strings_to_numbers": False, "strings_to_urls": False})
    sheet = workbook.add_worksheet(_sheet_name(sheet_title))
    for column, width in enumerate(column_widths(rows)):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(1, 0)
    bold = workbook.add_format({"bold": True})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            _write(sheet, r, c, value, bold if r == 0 else None)
    workbook.close()
    return Response(out.getvalue(), mimetype=XLSX_MIMETYPE,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _write(sheet, row, column, value, cell_format):
    if value is None or value == "":
        if cell_format is not None:
            sheet.write_blank(row, column, None, cell_format)
    elif isinstance(value, (numbers.Real, Decimal)) and not isinstance(value, bool) and math.isfinite(value):
        sheet.write_number(row, column, float(value) if not isinstance(value, int) else value, cell_format)
    else:
        text = str(value)
        if len(text) > EXCEL_CELL_LIMIT:  # Excel's limit; said so in the cell rather than cut silently
            text = text[:EXCEL_CELL_LIMIT - 1] + "…"
        sheet.write_string(row, column, text, cell_format)


def column_widths(rows):
    """Each column's width: its longest line of text, a Chinese (wide) character counted as two, within limits."""
    widths = []
    for row in rows:
        for c, value in enumerate(row):
            if c == len(widths):
                widths.append(MIN_WIDTH)
            if value is not None:
                widths[c] = max(widths[c], max(text_width(line) for line in str(value).split("\n")) + 2)
    return [min(w, MAX_WIDTH) for w in widths]


def text_width(text):
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _sheet_name(title):
    """Excel's rules for a sheet name: at most 31 characters, none of []:*?/\\, not blank."""
    return _SHEET_NAME_BAD.sub(" ", title).strip("' ")[:31] or "Sheet1"
