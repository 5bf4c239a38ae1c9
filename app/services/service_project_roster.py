"""Importing a service project's roster (服务对象名单) from a list: the bureau's attachment "2022年社会化服务企业名单" as a
spreadsheet (CSV or XLSX) or, in the API, as a list of texts.

Each line names one enterprise of the register by its unified social credit code or by its name: a file with a
header row uses its 统一社会信用代码 and/or 企业名称 columns (the code wins when both are filled in); a file without
a recognisable header is read as one code or name per line, from its first column. A code is matched exactly; a
name must match exactly one enterprise of the register (two of one name: give the code).

Nothing is half-imported: every line is checked first, and with any unknown or ambiguous line nothing is added and
every problem is reported with its line. Enterprises already on the roster and lines repeating an earlier one are
no error (they change nothing). The import only adds; an enterprise is taken off by hand."""
from dataclasses import dataclass

from ..errors import ValidationFailed
from ..models import Enterprise
from . import service_projects
from .credit_code import normalise as normalise_code
from .spreadsheet import find_columns, header_key, read_rows

HEADERS = {
    "credit_code": ("统一社会信用代码", "Unified social credit code", "信用代码", "社会信用代码", "credit code", "代码"),
    "name": ("企业名称", "Name", "名称", "单位名称", "企业名称（全称）", "企业", "enterprise"),
}
MAX_ROWS = 5000


@dataclass
class RosterLine:
    line: int
    text: str  # what the line gave: the code, else the name
    action: str = "add"  # "add", "on_roster" (already), "repeat" (an earlier line's enterprise) or "error"
    enterprise_id: int = None
    name: str = ""  # the register's name of the enterprise found
    error: str = ""  # "中文 / English"


@dataclass
class RosterPlan:
    lines: list

    def count(self, action):
        return sum(1 for line in self.lines if line.action == action)

    @property
    def errors(self):
        return [line for line in self.lines if line.action == "error"]

    @property
    def enterprise_ids(self):
        return [line.enterprise_id for line in self.lines if line.action == "add"]


def plan_file(session, project, filename, data):
    """What importing the file would do, line by line (nothing written); file-level problems raise
    ValidationFailed with field "file"."""
    rows = read_rows(filename, data, MAX_ROWS)
    header = rows[0][1]
    known = {header_key(t) for titles in HEADERS.values() for t in titles}
    if any(header_key(title) in known for title in header):
        columns, _ignored = find_columns(header, HEADERS, ())
        entries = [(line, _cell(cells, columns.get("credit_code")), _cell(cells, columns.get("name")))
                   for line, cells in rows[1:]]
    else:  # no header: one code or name per line
        entries = [(line, cells[0].strip(), cells[0].strip()) for line, cells in rows]
    return _plan(session, project, entries)


def plan_entries(session, project, texts):
    """The API's list: each text a credit code or a name; line numbers count from 1."""
    return _plan(session, project, [(n, str(t or "").strip(), str(t or "").strip())
                                    for n, t in enumerate(texts, start=1)])


def _cell(cells, index):
    return cells[index].strip() if index is not None and index < len(cells) else ""


def _plan(session, project, entries):
    codes = {normalise_code(code) for _, code, _ in entries if code}
    names = {name for _, _, name in entries if name}
    by_code = _lookup(session, Enterprise.credit_code, sorted(codes))
    by_name = {}
    for company in _lookup_all(session, Enterprise.name, sorted(names)):
        by_name.setdefault(company.name, []).append(company)
    on_roster = service_projects.roster_ids(session, project.id)
    seen, lines = {}, []
    for number, code, name in entries:
        line = RosterLine(number, normalise_code(code) or name)
        company = by_code.get(normalise_code(code)) if code else None
        if company is None and code and code != name:  # a code column's code that is not on the register
            line.action = "error"
            line.error = f"企业名录中没有统一社会信用代码为 {line.text} 的企业 / no enterprise of the register has " \
                         f"the credit code {line.text}"
        elif company is None:  # a name, or one text that is either
            company = _by_name(line, name, by_name)
        if company is not None:
            line.enterprise_id, line.name = company.id, company.name
            line.action = "on_roster" if company.id in on_roster else "repeat" if company.id in seen else "add"
            seen.setdefault(company.id, number)
        lines.append(line)
    return RosterPlan(lines)


def _by_name(line, name, by_name):
    matches = by_name.get(name, []) if name else []
    if len(matches) == 1:
        return matches[0]
    line.action = "error"
    if len(matches) > 1:
        line.error = f"企业名录中有 {len(matches)} 家企业名为“{name}”，请填写统一社会信用代码 / {len(matches)} " \
                     f"enterprises of the register are called “{name}”: give the credit code"
    elif name:
        line.error = f"企业名录中没有“{name}” / “{name}” is not on the register (neither a credit code nor a name)"
    else:
        line.error = "没有填写统一社会信用代码或企业名称 / neither a credit code nor a name"
    return None


def _lookup(session, column, values):
    return {getattr(c, column.key): c for c in _lookup_all(session, column, values)}


def _lookup_all(session, column, values):
    found = []
    for start in range(0, len(values), 500):
        found += session.query(Enterprise).filter(column.in_(values[start:start + 500])).all()
    return found


def apply(uow, user, project_id, plan, source):
    """Add a plan's enterprises (the caller checked `plan.errors`; refused again here), audited once for the
    list. Returns the enterprises added."""
    if plan.errors:
        raise ValidationFailed("名单有错误，未导入 / the list has errors; nothing was imported",
                               fields={f"line {line.line}": line.error for line in plan.errors[:50]})
    ids = plan.enterprise_ids
    if not ids:
        service_projects.get(uow.session, user, project_id)
        service_projects.check_may_manage(user)
        return []
    return service_projects.add_to_roster(
        uow, user, project_id, ids, action="service_project_roster_imported",
        details={"source": source, "lines": len(plan.lines), "on_roster": plan.count("on_roster")})
