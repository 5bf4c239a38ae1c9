"""Reading an uploaded table: an Excel workbook (.xlsx, its first sheet) or a CSV file, as rows of text cells.

CSV comes as UTF-8 (with or without the byte-order mark our own downloads write) or, failing that, GB18030 —
what Chinese Excel writes when it saves "CSV". The workbook is read through openpyxl in read-only mode (rows
streamed; its XML parser resolves no entities), so a large or hostile file costs at most the row limit."""
import csv
import io
import re
from datetime import date, datetime

from ..errors import ValidationFailed
EXTENSIONS = (".xlsx", ".csv")
# Excel takes a CSV cell beginning with one of these for a formula (CSV injection: a hazard's description typed as
# "=HYPERLINK(...)" would become a live link or worse): the CSV downloads (app/web/downloads.py) give such text a
# leading apostrophe, and reading a CSV back takes it off again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def undo_formula_defusing(cell):
    return cell[1:] if cell.startswith("'") and cell[1:2] and cell[1:2] in FORMULA_STARTS else cell


def file_error(message):
    return ValidationFailed(message, fields={"file": message})


_HEADER_NOISE = re.compile(r"[\s*＊:：]")  # spaces, "required" asterisks and trailing colons in a header


def header_key(title):
    """A header as compared: without spaces, asterisks or colons, full-width brackets and slashes as ASCII, any case."""
    return _HEADER_NOISE.sub("", title).replace("（", "(").replace("）", ")").replace("／", "/").lower()


def find_columns(header, aliases, required):
    """({field: column index}, [titles of the columns that name no field]) of a file's header row. `aliases`:
    {field: (Chinese title, English title, other titles…)}. A column repeating a field, or a `required` field
    without a column, is a file error (ValidationFailed, field "file")."""
    by_key = {header_key(title): name for name, titles in aliases.items() for title in titles}
    columns, ignored = {}, []
    for index, title in enumerate(header):
        name = by_key.get(header_key(title))
        if name is None:
            if title:
                ignored.append(title)
        elif name in columns:
            raise file_error(f"“{title}”列重复（都是{aliases[name][0]}） / the column “{title}” repeats "
                             f"{aliases[name][1]}")
        else:
            columns[name] = index
    missing = [name for name in required if name not in columns]
    if missing:
        zh = "、".join(aliases[name][0] for name in missing)
        en = ", ".join(aliases[name][1] for name in missing)
        raise file_error(f"第一行（表头）缺少列：{zh} / the first row (the header) lacks the column(s): {en}")
    return columns, ignored


def read_rows(filename, data, max_rows):
    """[(line number, [cell text, ...])] of the file's non-empty lines, the header line first. Raises
    ValidationFailed (field "file") for an unknown type, an unreadable file or more than `max_rows` rows."""
    name = (filename or "").lower()
    if name.endswith(".xls"):
        raise file_error("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 CSV 后再导入 / "
                         "old .xls files are not supported: save the file as .xlsx or CSV in Excel and import that")
    if not name.endswith(EXTENSIONS):
        raise file_error("请选择 .xlsx 或 .csv 文件 / choose an .xlsx or .csv file")
    if not data:
        raise file_error("文件是空的 / the file is empty")
    lines = _xlsx_lines(data) if name.endswith(".xlsx") else _csv_lines(data)
    rows = []
    for number, cells in lines:
        cells = [_text(cell) for cell in cells]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            continue
        if len(rows) > max_rows:  # the header and max_rows rows are allowed
            raise file_error(f"一次最多导入 {max_rows} 行，请分成几个文件 / at most {max_rows} rows per file: "
                             "split it into several files")
        rows.append((number, cells))
    if not rows:
        raise file_error("文件里没有数据 / the file holds no rows")
    return rows


def _csv_lines(data):
    """(line number, cells) one at a time, so that the row limit stops a huge file early."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # GB18030 decodes nearly any bytes, so this is a file of another kind renamed .csv
        raise file_error("无法识别 CSV 文件的编码，请保存为 UTF-8 / the CSV file's encoding is not recognised: "
                         "save it as UTF-8")
    if "\x00" in text:
        raise file_error("这不是文本格式的 CSV 文件 / this is not a text CSV file")
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            yield number, [undo_formula_defusing(cell) for cell in cells]
    except csv.Error as exc:
        raise file_error(f"CSV 文件格式有误：{exc} / the CSV file is malformed: {exc}") from exc


def _xlsx_lines(data):
    import openpyxl  # only an import needs it
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # not a zip, a part missing, broken XML (lxml's or ElementTree's errors) and more
        raise file_error("无法读取该 Excel 文件，请确认是 .xlsx 格式 / the Excel file cannot be read: is it "
                         "really .xlsx?") from exc
    try:
        sheet = workbook.worksheets[0]
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(cells)
    except Exception as exc:  # a damaged sheet inside a valid zip: openpyxl raises many kinds
        raise file_error(f"Excel 文件内容有误：{exc} / the Excel file is damaged: {exc}") from exc
    finally:
        workbook.close()


def _text(cell):
    """A cell as the text a person typed: whole numbers without ".0", dates as YYYY-MM-DD."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "是" if cell else "否"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else cell.isoformat(sep=" ")
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell).strip()
