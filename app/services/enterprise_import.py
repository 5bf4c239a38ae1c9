"""Importing the enterprise register (企业基本信息) from a spreadsheet, and the register as one to export.

At go-live the county already keeps its enterprises in Excel. One row per enterprise; its columns are found by
their header, Chinese or English (the export's own headers among them, so an exported register can be edited in
Excel and imported back; the risk tags are one cell of names separated by 、 or commas). A row is matched to the
register by its unified social credit code: a new code adds the enterprise, a known one updates it — only from the cells that hold something (an empty cell leaves the stored
value as it is), so a file with a few columns can top up the register.

The whole file is checked before anything is written: with any wrong row nothing is imported, and every problem is
reported with its line and column. Each added or changed enterprise is audited as if entered by hand
(`user_admin.add_enterprise` / `update_enterprise`, the same rules), plus one row for the import itself.
"""
from dataclasses import dataclass, field

from ..errors import DomainError, ValidationFailed
from sqlalchemy.orm import selectinload

from ..models import ENTERPRISE_SCALES, Enterprise
from . import audit, user_admin
from .credit_code import normalise as normalise_code
from .enterprise_tags import names as tag_names
from .spreadsheet import find_columns, read_rows

FIELDS = user_admin.ENTERPRISE_FIELDS
# field: (Chinese header, English header) as the export writes them, then other headers people use.
HEADERS = {
    "name": ("企业名称", "Name", "名称", "单位名称", "企业名称（全称）"),
    "credit_code": ("统一社会信用代码", "Unified social credit code", "信用代码", "社会信用代码", "credit code"),
    "address": ("地址", "Address", "企业地址", "详细地址", "经营地址"),
    "township": ("乡镇/园区", "Township / park", "乡镇（园区）", "所属乡镇", "乡镇", "园区", "所属园区", "township"),
    "industry": ("行业", "Industry", "所属行业", "行业类别"),
    "main_products": ("主要产品", "Main products"),
    "employees": ("从业人员数", "Employees", "从业人员", "从业人数", "职工人数"),
    "safety_managers": ("安全管理人员数", "Safety managers", "安全管理人员", "专职安全管理人员"),
    "special_workers": ("特种作业人员数", "Special operations workers", "特种作业人员"),
    "main_risks": ("主要风险因素", "Main risk factors", "主要风险", "风险因素"),
    "major_hazard_sources": ("重大危险源", "Major hazard sources", "重大危险源情况"),
    "contact_person": ("联系人", "Contact person", "安全负责人", "负责人"),
    "contact_phone": ("联系电话", "Contact phone", "电话", "手机", "联系方式"),
    "trial_operation_until": ("试运行期至", "Trial operation until", "试运行截止日期", "试运行期"),
    "scale": ("企业规模", "Scale", "规模", "企业规模（规上/规下/微型）", "规模类型"),
    "tags": ("风险标签", "Risk tags", "企业风险标签", "重点监管类别", "风险类别", "标签"),
    # WGS-84 decimal degrees (services/enterprise_positions.py)
    "latitude": ("纬度", "Latitude", "纬度（WGS-84）", "北纬", "lat"),
    "longitude": ("经度", "Longitude", "经度（WGS-84）", "东经", "lng", "lon"),
}
REQUIRED = ("name", "credit_code")
MAX_ROWS = 5000
@dataclass
class ImportRow:
    line: int
    action: str  # "add", "update", "unchanged" or "error"
    name: str
    credit_code: str
    values: dict  # the non-empty cells, by field
    changes: dict = field(default_factory=dict)  # update: {field: [before, after]}
    errors: dict = field(default_factory=dict)  # {field: "中文 / English"}
    enterprise_id: int = None


@dataclass
class ImportPlan:
    rows: list
    ignored_columns: list  # headers that name no field

    def count(self, action):
        return sum(1 for row in self.rows if row.action == action)

    @property
    def errors(self):
        return [row for row in self.rows if row.action == "error"]


def plan_import(uow, filename, data):
    """What importing the file would do, row by row (nothing is written). File-level problems (type, encoding,
    a missing name or credit-code column, too many rows) raise ValidationFailed with field "file"."""
    lines = read_rows(filename, data, MAX_ROWS)
    (_, header), body = lines[0], lines[1:]
    columns, ignored = find_columns(header, HEADERS, REQUIRED)
    stored = _stored(uow, {normalise_code(_cell(cells, columns["credit_code"])) for _, cells in body})
    seen, rows = {}, []
    for line, cells in body:
        values = {name: text for name, index in columns.items() if (text := _cell(cells, index))}
        rows.append(_plan_row(uow, line, values, stored, seen))
    return ImportPlan(rows, ignored)


def apply_import(uow, actor, filename, plan):
    """Write a plan without errors (the caller checks `plan.errors` first); audited per enterprise and once
    for the file. The rows are checked again by the services that write them, inside this transaction."""
    user_admin.require_admin(actor)
    if plan.errors:
        raise ValidationFailed("导入文件有错误，未导入 / the file has errors; nothing was imported")
    for row in plan.rows:
        if row.action == "add":
            row.enterprise_id = user_admin.add_enterprise(uow, actor, **row.values).id
        elif row.action == "update":
            user_admin.update_enterprise(uow, actor, row.enterprise_id, **row.values)
    audit.record(uow, None, actor, "enterprises_imported",
                 details={"file": filename, "added": plan.count("add"), "updated": plan.count("update"),
                          "unchanged": plan.count("unchanged")})


def _cell(cells, index):
    return cells[index].strip() if index < len(cells) else ""


def _stored(uow, codes):
    """{credit code: Enterprise} of the file's codes already on the register (a few queries, not one per row)."""
    codes, found = sorted(c for c in codes if c), {}
    for start in range(0, len(codes), 500):
        query = uow.session.query(Enterprise).filter(Enterprise.credit_code.in_(codes[start:start + 500]))
        found.update({enterprise.credit_code: enterprise for enterprise in query})
    return found


def _plan_row(uow, line, values, stored, seen):
    code = normalise_code(values.get("credit_code"))
    row = ImportRow(line, "add", values.get("name", ""), code, values)
    if code and code in seen:
        row.action = "error"
        row.errors["credit_code"] = f"与第 {seen[code]} 行的统一社会信用代码重复 / the same credit code as line {seen[code]}"
        return row
    if code:
        seen[code] = line
    enterprise = stored.get(code)
    current = {name: getattr(enterprise, name) for name in FIELDS} if enterprise is not None else {}
    try:
        if enterprise is None:
            user_admin.clean_enterprise(uow, values)
        else:
            merged = user_admin.clean_enterprise(uow, {**current, **values}, enterprise_id=enterprise.id,
                                                 stored_code=enterprise.credit_code)
            row.enterprise_id, row.name = enterprise.id, row.name or enterprise.name
            row.changes = {name: [current[name], value] for name, value in merged.items()
                           if current[name] != value}
            row.action = "update" if row.changes else "unchanged"
    except DomainError as exc:
        row.action, row.errors = "error", dict(exc.fields or {"credit_code": str(exc)})
    return row


def export_rows(session, english=False):
    """The whole register as rows for a CSV or Excel download, the header first: the file the import reads."""
    yield [HEADERS[name][1 if english else 0] for name in FIELDS]
    for enterprise in session.query(Enterprise).options(selectinload(Enterprise.tag_rows)) \
            .order_by(Enterprise.name, Enterprise.id):
        yield [_exported(enterprise, name, english) for name in FIELDS]


def _exported(enterprise, name, english):
    """A cell as the import reads it back: the scale and the risk tags by their names, not their codes."""
    value = getattr(enterprise, name)
    if name == "tags":
        return ("、" if not english else ", ").join(tag_names(value, english))
    if name == "scale":
        return ENTERPRISE_SCALES[value][1 if english else 0] if value in ENTERPRISE_SCALES else ""
    return value
