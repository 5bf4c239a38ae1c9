"""The standard checklists as files (app/data/checklists/*.json, one list per file) and loading them into the
database, idempotently by code: a new list or item is added, an item whose text in the file changed is updated (and
active again), an item no longer in its file is deactivated (never deleted: results refer to it). An item the file
did not change since the last load is left as it is, so edits and deactivations made in the browser stay until the
file itself changes that item. Every file is checked before anything is written.

A load takes effect at once — the files come from the repository and are deployed by operators, so their review
happened before — but each list it changes is archived as a new version recorded as approved by the file load
(services/checklist_versions.py), with the standards-update notice like an approved change.

A file: {"code": "chemical", "name": "化工（危险化学品）行业检查表", "name_en": "...", "applies_to_all": false,
"industries": ["危险化学品", "化工"], "items": [{"code": "HG-01", "dimension": "management", "content": "...",
"basis": "..."}, ...]}; the items' order in the file is their order on a visit's page."""
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..clock import clock
from ..errors import ValidationFailed
from ..models import Checklist, ChecklistItem
from . import audit, checklist_versions
from .checklists import item_values

STANDARD_DIR = Path(__file__).resolve().parent.parent / "data" / "checklists"
LIST_CODE = re.compile(r"[a-z][a-z0-9_]{0,31}")
MAX_NAME, MAX_INDUSTRY, MAX_FILE_BYTES = 100, 100, 2 * 1024 * 1024


class ChecklistFileError(ValidationFailed):
    """A file that cannot be read as JSON (exit 2 on the command line; wrong content is a ValidationFailed: 1)."""
    code = "checklist_file_error"


def standard_files():
    return sorted(STANDARD_DIR.glob("*.json"))


def read_files(paths):
    """The lists of `paths`, checked: ChecklistFileError for one that cannot be read, ValidationFailed naming every
    wrong value (file, item and field) otherwise."""
    specs, errors = [], {}
    for path in map(Path, paths):
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise ValueError(f"larger than {MAX_FILE_BYTES} bytes")
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
            raise ChecklistFileError(f"无法读取 {path.name} / cannot read {path.name}: {exc}",
                                     fields={path.name: str(exc)}) from None
        specs.append(parse(path.name, data, errors))
    _check_unique(specs, errors)
    if errors:
        raise ValidationFailed("检查表文件有误 / the checklist files have errors: " +
                               "; ".join(f"{where}: {message}" for where, message in errors.items()),
                               fields=errors)
    return specs


def parse(name, data, errors):
    """One file's list as {code, name, name_en, applies_to_all, industries, items: [...]}; problems go into
    `errors` keyed "file: where"."""
    if not isinstance(data, dict):
        errors[name] = "文件内容应为 JSON 对象 / the file must hold a JSON object"
        return None
    spec = {"code": str(data.get("code") or "").strip(), "name": str(data.get("name") or "").strip(),
            "name_en": str(data.get("name_en") or "").strip(), "applies_to_all": data.get("applies_to_all", False),
            "industries": data.get("industries", []), "items": []}
    if not LIST_CODE.fullmatch(spec["code"]):
        errors[f"{name}: code"] = "检查表编号应为小写字母、数字或下划线 / the list's code: lower-case letters, digits, _"
    if not spec["name"] or len(spec["name"]) > MAX_NAME or len(spec["name_en"]) > MAX_NAME:
        errors[f"{name}: name"] = f"名称必填，最多 {MAX_NAME} 个字符 / a name is required, at most {MAX_NAME} characters"
    if not isinstance(spec["applies_to_all"], bool):
        errors[f"{name}: applies_to_all"] = "应为 true 或 false / true or false"
    industries = spec["industries"]
    if not isinstance(industries, list) or not all(isinstance(i, str) and 0 < len(i.strip()) <= MAX_INDUSTRY
                                                   for i in industries):
        errors[f"{name}: industries"] = "应为行业名称的列表 / a list of industry names"
    else:
        spec["industries"] = list(dict.fromkeys(i.strip() for i in industries))
        if not spec["industries"] and spec["applies_to_all"] is not True:
            errors[f"{name}: industries"] = "请列出适用的行业，或设 applies_to_all / name the industries, or set " \
                                            "applies_to_all"
    items = data.get("items")
    if not isinstance(items, list) or not items:
        errors[f"{name}: items"] = "应为非空的检查项列表 / a non-empty list of items"
        return spec
    for number, raw in enumerate(items, start=1):
        item_errors = {}
        clean = item_values(raw if isinstance(raw, dict) else {}, item_errors, with_code=True)
        label = f"{name}: item {number}" + (f" ({clean['code']})" if clean.get("code") else "")
        for name_of_field, message in item_errors.items():
            errors[f"{label} {name_of_field}"] = message
        spec["items"].append(clean)
    return spec


def _check_unique(specs, errors):
    seen_lists, seen_items = {}, {}
    for spec in filter(None, specs):
        if spec["code"] in seen_lists:
            errors[f"{spec['code']}"] = "检查表编号重复 / the list's code is used twice"
        seen_lists[spec["code"]] = True
        for item in spec["items"]:
            if item["code"] in seen_items:
                errors[f"{spec['code']}: {item['code']}"] = (f"检查项编号重复（又见于 {seen_items[item['code']]}） / "
                                                             f"the item code is used twice (also in "
                                                             f"{seen_items[item['code']]})")
            seen_items[item["code"]] = spec["code"]


@dataclass
class _Tally:
    counts: dict = field(default_factory=lambda: dict.fromkeys(
        ("lists_added", "lists_updated", "added", "updated", "deactivated"), 0))
    changes: dict = field(default_factory=dict)  # {item code: [before, after]} of the updated and deactivated
    added: list = field(default_factory=list)


def load(uow, actor, specs):
    """Write the checked lists; returns the counts {lists_added, lists_updated, added, updated, deactivated} and
    `versions`, {list code: the version archived} of the lists the load changed; audits them (one row) when
    anything changed."""
    tally, now = _Tally(), clock.now()
    items_by_code = {i.code: i for i in uow.session.query(ChecklistItem)}
    loaded = []
    for spec in specs:
        checklist = _upsert_list(uow.session, spec, now, tally.counts)
        loaded.append(checklist)
        for position, values in enumerate(spec["items"], start=1):
            _load_item(uow.session, items_by_code, checklist, position, values, now, tally)
        wanted = {values["code"] for values in spec["items"]}
        for item in list(items_by_code.values()):
            # dropped from its file: deactivated; an item added in the browser (no digest) is not the file's to drop
            if item.checklist is checklist and item.code not in wanted and item.source_hash is not None:
                if item.active:
                    tally.changes[item.code] = [_summary(item), "inactive"]
                    tally.counts["deactivated"] += 1
                item.active, item.source_hash, item.updated_at = False, None, now
    uow.session.flush()
    operator = getattr(actor, "username", None) or "system"
    archived = (checklist_versions.archive(uow, checklist, "file", operator=operator) for checklist in loaded)
    tally.counts["versions"] = {row.checklist.code: row.version for row in archived if row is not None}
    if any(tally.counts.values()):
        audit.record(uow, None, actor, "checklists_loaded", changes=tally.changes,
                     details={"lists": [s["code"] for s in specs], "added_items": tally.added, **tally.counts})
    return tally.counts


def _load_item(session, items_by_code, checklist, position, values, now, tally):
    """Add the file's item, or bring the stored one in line with the file: its list and place always, its text only
    when the file changed it since the last load (so an edit made in the browser stays until then)."""
    digest = _digest(checklist.code, values)
    item = items_by_code.get(values["code"])
    if item is None:
        item = ChecklistItem(checklist=checklist, position=position, active=True, source_hash=digest, updated_at=now,
                             **values)
        session.add(item)
        items_by_code[item.code] = item
        tally.counts["added"] += 1
        tally.added.append(item.code)
        return
    if item.checklist is not checklist or item.position != position:
        item.checklist, item.position = checklist, position
    if item.source_hash != digest:
        before = _summary(item)
        item.active, item.source_hash, item.updated_at = True, digest, now
        for name in ("dimension", "content", "basis"):
            setattr(item, name, values[name])
        if _summary(item) != before:
            tally.changes[item.code] = [before, _summary(item)]
            tally.counts["updated"] += 1


def load_standard(uow, actor):
    """Load the shipped standard lists (seeding the demo, `flask checklists load` without files)."""
    return load(uow, actor, read_files(standard_files()))


def _upsert_list(session, spec, now, counts):
    checklist = session.query(Checklist).filter_by(code=spec["code"]).first()
    values = {k: spec[k] for k in ("name", "name_en", "industries", "applies_to_all")}
    if checklist is None:
        checklist = Checklist(code=spec["code"], updated_at=now, **values)
        session.add(checklist)
        session.flush()
        counts["lists_added"] += 1
    elif any(getattr(checklist, k) != v for k, v in values.items()):
        for name, value in values.items():
            setattr(checklist, name, value)
        checklist.updated_at = now
        counts["lists_updated"] += 1
    return checklist


def _digest(list_code, values):
    """What the file says of an item's text (not its place: inserting an item in a file changes no other's text)."""
    text = json.dumps([list_code, values["dimension"], values["content"], values["basis"]], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _summary(item):
    state = "" if item.active else " (inactive)"
    return f"[{item.dimension}] {item.content} | {item.basis}{state}"
