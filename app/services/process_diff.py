"""What changed between two versions' files, element by element (by id), and form by form (by field).

Each file yields `{file, status, added, removed, changed}` where status is added / removed / changed / same and
each element is `{id, name, type, changes}`; `changes` are short "what: before → after" lines. Layout (the
diagram interchange part: shapes, edges, bounds) is ignored: moving a box is not a change of the process.
"""
import json

from lxml import etree

_LAYOUT_NS = ("/DI", "/DC", "/DMNDI")
# Parts that belong to their parent element even though they carry ids of their own.
_FOLDED = ("EventDefinition", "inputEntry", "outputEntry", "inputExpression")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True)


def diff_contents(old_files, old_forms, new_files, new_forms):
    result = [_diff_file(name, old_files.get(name), new_files.get(name))
              for name in sorted(set(old_files) | set(new_files))]
    result += [_diff_form(key, old_forms.get(key), new_forms.get(key))
               for key in sorted(set(old_forms) | set(new_forms))]
    return result


def _entry(file, status, added=(), removed=(), changed=()):
    return {"file": file, "status": status, "added": list(added), "removed": list(removed),
            "changed": list(changed)}


# ---- XML files ------------------------------------------------------------------------------------------------
def _local(tag):
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _is_layout(element):
    if not isinstance(element.tag, str) or not element.tag.startswith("{"):
        return False
    return element.tag[1:].split("}")[0].rstrip("/").upper().endswith(_LAYOUT_NS)


def _indexed(element):
    return bool(element.get("id")) and not _is_layout(element) and not _local(element.tag).endswith(_FOLDED)


def _elements(text):
    if text is None:
        return {}
    root = etree.fromstring(text.encode("utf-8"), parser=_PARSER)
    return {e.get("id"): e for e in root.iter() if isinstance(e.tag, str) and _indexed(e)}


def _fingerprint(element):
    """{path: value} of the element's own attributes and of every descendant that is not indexed itself."""
    found = {f"@{_local(k)}": v for k, v in element.attrib.items() if k != "id"}

    def walk(node, path):
        for child in node:
            if not isinstance(child.tag, str) or _indexed(child) or _is_layout(child):
                continue
            label = _local(child.tag) + (f"[{child.get('name')}]" if child.get("name") else "")
            key = f"{path}/{label}" if path else label
            value = " ".join((child.text or "").split())
            # Namespaced attributes (xsi:type) are notation, not content.
            attrs = {k: v for k, v in child.attrib.items() if not k.startswith("{") and k not in ("id", "name")}
            if len(attrs) == 1:
                value = (value + " " + next(iter(attrs.values()))).strip()
            elif attrs:
                value = (value + " " + json.dumps(attrs, ensure_ascii=False, sort_keys=True)).strip()
            if value:
                found[key] = f"{found[key]}, {value}" if key in found else value
            walk(child, key)
    walk(element, "")
    return found


def _short(value, limit=80):
    value = "—" if value is None else value
    return value if len(value) <= limit else value[:limit - 1] + "…"


def _changes(old, new):
    a, b = _fingerprint(old), _fingerprint(new)
    lines = []
    for key in sorted(set(a) | set(b)):
        if a.get(key) != b.get(key):
            label = key.rsplit("/", 1)[-1].lstrip("@")
            label = label.split("[", 1)[1].rstrip("]") if label.startswith("property[") else label
            lines.append(f"{label}: {_short(a.get(key))} → {_short(b.get(key))}")
    return lines


def _describe(element, changes=None):
    item = {"id": element.get("id"), "name": element.get("name") or element.get("label") or "",
            "type": _local(element.tag)}
    if changes is not None:
        item["changes"] = changes
    return item


def _diff_file(name, old_text, new_text):
    if old_text == new_text:
        return _entry(name, "same")
    old, new = _elements(old_text), _elements(new_text)
    added = [_describe(new[i]) for i in new if i not in old]
    removed = [_describe(old[i]) for i in old if i not in new]
    changed = []
    for element_id in (i for i in new if i in old):
        lines = _changes(old[element_id], new[element_id])
        if lines:
            changed.append(_describe(new[element_id], lines))
    status = "added" if old_text is None else "removed" if new_text is None else "changed"
    return _entry(name, status, added, removed, changed)


# ---- forms ----------------------------------------------------------------------------------------------------
def _field(name, prop, changes=None):
    item = {"id": name, "name": (prop or {}).get("title", ""), "type": "field"}
    if changes is not None:
        item["changes"] = changes
    return item


def _dumps(value):
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _diff_form(key, old, new):
    file = f"forms/{key}.json"
    if old == new:
        return _entry(file, "same")
    if old is None or new is None:
        status = "added" if old is None else "removed"
        return _entry(file, status)
    old_props = old.get("schema", {}).get("properties", {})
    new_props = new.get("schema", {}).get("properties", {})
    added = [_field(n, p) for n, p in new_props.items() if n not in old_props]
    removed = [_field(n, p) for n, p in old_props.items() if n not in new_props]
    changed = []
    for name in (n for n in new_props if n in old_props):
        lines = [f"{k}: {_short(_dumps(old_props[name].get(k)))} → {_short(_dumps(new_props[name].get(k)))}"
                 for k in sorted(set(old_props[name]) | set(new_props[name]))
                 if old_props[name].get(k) != new_props[name].get(k)]
        ui_old, ui_new = old.get("ui", {}).get(name), new.get("ui", {}).get(name)
        if ui_old != ui_new:
            lines.append(f"ui: {_short(_dumps(ui_old))} → {_short(_dumps(ui_new))}")
        if lines:
            changed.append(_field(name, new_props[name], lines))
    form_lines = _form_level_changes(old, new)
    if form_lines:
        changed.insert(0, {"id": key, "name": new.get("schema", {}).get("title", ""), "type": "form",
                           "changes": form_lines})
    return _entry(file, "changed", added, removed, changed)


def _form_level_changes(old, new):
    lines = []
    old_schema, new_schema = old.get("schema", {}), new.get("schema", {})
    for key in ("title", "description"):
        if old_schema.get(key) != new_schema.get(key):
            lines.append(f"{key}: {_short(old_schema.get(key))} → {_short(new_schema.get(key))}")
    old_req, new_req = old_schema.get("required", []), new_schema.get("required", [])
    if sorted(old_req) != sorted(new_req):
        lines.append(f"required: {', '.join(old_req) or '—'} → {', '.join(new_req) or '—'}")
    if old.get("ui", {}).get("order") != new.get("ui", {}).get("order"):
        lines.append("field order changed")
    return lines
