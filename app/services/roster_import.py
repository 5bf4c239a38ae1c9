"""Importing an enterprise's training register of people (services/roster.py) from a spreadsheet (.xlsx or CSV,
services/spreadsheet.py): one row per person, the columns found by their header, Chinese or English.

A row whose name is that of exactly one person still on the register updates that person from the cells that hold
something (an empty cell keeps the stored value); any other row adds a person. The whole file is checked first: with
any wrong row nothing is written, and every problem is reported with its line and field. Each person added or
changed is audited as if entered by hand, plus one row for the file under the enterprise."""
from dataclasses import dataclass, field

from ..errors import ValidationFailed
from ..models import OPERATION_CATEGORIES, ROSTER_CATEGORIES
from . import audit, roster
from .spreadsheet import find_columns, header_key, read_rows

# field: (Chinese header, English header, other headers people use)
HEADERS = {
    "name": ("姓名", "Name", "人员姓名"),
    "position": ("岗位", "Position", "职务", "岗位/职务", "工种"),
    "category": ("人员类别", "Category", "类别"),
    "hired_on": ("入职日期", "Hired on", "上岗日期", "入职时间"),
    "left_on": ("离职日期", "Left on", "离岗日期"),
    "operation_kind": ("作业类别", "Operation kind", "特种作业类别", "操作项目"),
    "certificate_number": ("操作证编号", "Certificate number", "特种作业操作证编号", "证书编号", "证号"),
    "certificate_issued_on": ("发证日期", "Issued on", "初领日期", "领证日期"),
    "certificate_review_due": ("复审期限", "Review due", "应复审日期", "复审日期"),
    "certificate_expires_on": ("有效期至", "Expires on", "有效期限", "证书有效期至"),
    "note": ("备注", "Note"),
}
REQUIRED = ("name", "category")
MAX_ROWS = 2000


@dataclass
class RosterRow:
    line: int
    action: str  # "add", "update", "unchanged" or "error"
    name: str
    values: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)  # {field: "中文 / English"}
    person: object = None


@dataclass
class RosterPlan:
    rows: list
    ignored_columns: list

    def count(self, action):
        return sum(1 for row in self.rows if row.action == action)

    @property
    def errors(self):
        return [row for row in self.rows if row.action == "error"]


def _code(table, text):
    """A code from its Chinese or English name or the code itself; the text as it is when unknown (the check names
    it then)."""
    key = header_key(text)
    for code, names in table.items():
        if key in {header_key(code), *(header_key(n) for n in names)}:
            return code
    return text


def plan_import(uow, actor, enterprise_id, filename, data):
    """What importing the file would do, row by row (nothing written). File-level problems raise ValidationFailed
    with field "file"; so does a user who may not write this enterprise's register (NotAllowed / NotFound)."""
    enterprise = roster.writable_enterprise(uow.session, actor, enterprise_id)
    lines = read_rows(filename, data, MAX_ROWS)
    (_, header), body = lines[0], lines[1:]
    columns, ignored = find_columns(header, HEADERS, REQUIRED)
    present = {}
    for person in roster.people_of(uow.session, enterprise.id):
        present.setdefault(person.name, []).append(person)
    rows = []
    for line, cells in body:
        typed = {name: cells[index].strip() for name, index in columns.items()
                 if index < len(cells) and cells[index].strip()}
        rows.append(_plan_row(line, typed, present))
    return enterprise, RosterPlan(rows, ignored)


def _plan_row(line, typed, present):
    if "category" in typed:
        typed["category"] = _code(ROSTER_CATEGORIES, typed["category"])
    if "operation_kind" in typed:
        typed["operation_kind"] = _code(OPERATION_CATEGORIES, typed["operation_kind"])
    matches = present.get(typed.get("name", ""), [])
    person = matches[0] if len(matches) == 1 else None
    current = {name: getattr(person, name) for name in roster.PERSON_FIELDS} if person is not None else {}
    errors = {}
    values = roster.clean_person({**current, **typed}, errors)
    row = RosterRow(line, "add" if person is None else "update", typed.get("name", ""), values, errors, person)
    if errors:
        row.action = "error"
    elif person is not None and all(current[name] == values[name] for name in roster.PERSON_FIELDS):
        row.action = "unchanged"
    return row


def apply_import(uow, actor, enterprise, filename, plan):
    """Write a plan without errors; audited per person and once for the file."""
    if plan.errors:
        raise ValidationFailed("导入文件有错误，未导入 / the file has errors; nothing was imported")
    for row in plan.rows:
        if row.action in ("add", "update"):
            row.person = roster.write_person(uow, actor, enterprise, row.values, row.person)
    audit.record(uow, None, actor, "roster_imported", subject=("enterprise", enterprise.id),
                 details={"file": filename, "added": plan.count("add"), "updated": plan.count("update"),
                          "unchanged": plan.count("unchanged")})
