"""Checks a set of diagrams and forms before it may be deployed, element by element.

Each problem is `{element_id, element_name, file, message, level}` (message "中文 / English" like the other
service messages); level "error" blocks a deploy, "warning" is shown only. Uploaded files are hostile until
proven otherwise: size-limited, no DTD or entities, strict XML.
The checks read the XML with lxml (so every problem names its element and file) after SpiffWorkflow itself
parsed the set (so nothing passes here that the engine would refuse).
"""
import ast
import json
import re

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from lxml import etree

from ..engine import SandboxError, SpecError, compile_expression, content_hash, spec_cache
from ..models import User, UserRole
from .process_lint_bpmn import NS, BpmnLint, msg, problem
from .processes import PROCESS_ID

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
MAX_FILES = 40
# What hazards.register_hazard puts into a new case before the first step runs.
START_DATA = ("case_id", "case_code", "enterprise_id", "score", "legal_major", "hazard_type", "description",
              "place", "inspector", "registered_at")
_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                            huge_tree=False)


def errors(problems):
    return [p for p in problems if p["level"] == "error"]


def held_roles(session):
    """Role codes that at least one active user holds."""
    rows = session.query(UserRole.role).join(User, User.id == UserRole.user_id).filter(User.active.is_(True))
    return {role for (role,) in rows.distinct()}


def lint(files, forms, held=None, max_bytes=DEFAULT_MAX_BYTES, process_id=PROCESS_ID):
    """files: {"x.bpmn" | "x.dmn": xml text}; forms: {key: form}; held: roles somebody holds (None: skip)."""
    problems = []
    if len(files) + len(forms) > MAX_FILES:
        return [problem("", msg(f"文件太多（{len(files) + len(forms)} > {MAX_FILES}）",
                               f"too many files ({len(files) + len(forms)} > {MAX_FILES})"))]
    trees = {name: tree for name, text in sorted(files.items())
             if (tree := parse_xml(name, text, max_bytes, problems)) is not None}
    check_forms(forms, max_bytes, problems)
    if errors(problems):
        return problems  # nothing below is meaningful on files that do not even parse
    if not any(name.endswith(".bpmn") for name in files):
        return [problem("", msg("没有 .bpmn 文件", "no .bpmn file"))]
    try:
        spec_cache.get(content_hash(files, forms), files, process_id)
    except SpecError as exc:
        problems.append(problem(exc.file_name or "", msg(f"引擎无法加载流程图：{exc}",
                                                         f"the engine cannot load the diagram: {exc}"),
                                element_id=exc.element_id))
    known = known_variables(trees, forms)
    for name, tree in trees.items():
        if name.endswith(".bpmn"):
            BpmnLint(name, tree, forms, known, held, problems).run()
        else:
            lint_dmn(name, tree, problems)
    return problems


# ---- files ------------------------------------------------------------------------------------------------
def parse_xml(name, text, max_bytes, problems):
    """A tree, or None with the reason in `problems`: size, DTD/entities (XXE, billion laughs), malformed."""
    if not re.fullmatch(r"[\w.\-]{1,100}\.(bpmn|dmn)", name):
        problems.append(problem(name, msg("文件名须以 .bpmn 或 .dmn 结尾，只用字母、数字和 - _ .",
                                          "file names must end in .bpmn or .dmn and use letters, digits, - _ .")))
        return None
    data = text.encode("utf-8") if isinstance(text, str) else text
    if len(data) > max_bytes:
        problems.append(problem(name, msg(f"文件有 {len(data)} 字节，超过上限 {max_bytes}",
                                               f"file is {len(data)} bytes, over the limit of {max_bytes}")))
        return None
    if re.search(rb"<!(DOCTYPE|ENTITY)", data, re.I):
        problems.append(problem(name, msg("不允许 DTD 和实体声明（防 XXE、实体膨胀攻击）",
                                          "DTDs and entity declarations are not allowed (XXE / entity expansion)")))
        return None
    try:
        return etree.fromstring(data, parser=_SAFE_XML)
    except etree.XMLSyntaxError as exc:
        problems.append(problem(name, msg(f"XML 格式错误：{exc}", f"malformed XML: {exc}")))
        return None


def check_forms(forms, max_bytes, problems):
    for key, form in sorted(forms.items()):
        file = f"forms/{key}.json"
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,63}", key):
            problems.append(problem(file, msg("表单 key 只能用小写字母、数字和下划线",
                                              "form keys use lower-case letters, digits and _"),
                                    element_id=key))
            continue
        if len(json.dumps(form, ensure_ascii=False).encode("utf-8")) > max_bytes:
            problems.append(problem(file, msg(f"表单超过 {max_bytes} 字节上限",
                                              f"form is over the limit of {max_bytes} bytes"),
                                    element_id=key))
            continue
        if not isinstance(form, dict) or not isinstance(form.get("schema"), dict):
            problems.append(problem(file, msg("表单是含 schema（JSON Schema）的对象",
                                              "a form is an object with a \"schema\" (JSON Schema)"),
                                    element_id=key))
            continue
        try:
            Draft202012Validator.check_schema(form["schema"])
        except SchemaError as exc:
            problems.append(problem(file, msg(f"JSON Schema 无效（Draft 2020-12）：{exc.message}",
                                              f"invalid JSON Schema (Draft 2020-12): {exc.message}"),
                                    element_id=key))


def known_variables(trees, forms):
    """Names a case's data can hold: start data, script assignments, decision outputs, form fields."""
    names = set(START_DATA)
    for name, tree in trees.items():
        if name.endswith(".dmn"):
            names.update(o.get("name") for o in _dmn(tree, "output") if o.get("name"))
            continue
        for script in tree.xpath("//bpmn:script | //spiffworkflow:preScript | //spiffworkflow:postScript",
                                 namespaces=NS):
            names.update(_assigned(script.text or ""))
    for form in forms.values():
        if isinstance(form, dict) and isinstance(form.get("schema"), dict):
            names.update((form["schema"].get("properties") or {}).keys())
    return names


def _assigned(source):
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def _dmn(tree, tag):
    """Elements of a DMN file by local name (DMN 1.1 to 1.3 differ only in their namespace)."""
    return tree.xpath(f"//*[local-name()='{tag}']")


def _text(element):
    found = element.xpath("*[local-name()='text']")
    return (found[0].text or "").strip() if found else ""


def lint_dmn(name, tree, problems):
    """Cells are Python: input expressions as they are, input entries with `?` for the input value (or
    compared with it), output entries as they are."""
    checks = [(e, [_text(e)]) for e in _dmn(tree, "inputExpression") + _dmn(tree, "outputEntry")]
    for entry in _dmn(tree, "inputEntry"):
        text = _text(entry)
        checks.append((entry, [text.replace("?", "dmn_input")] if "?" in text
                       else [f"dmn_input == ({text})", f"dmn_input {text}"]))
    for element, candidates in checks:
        text = _text(element)
        if not text or text == "-":
            continue
        failures = []
        for candidate in candidates:
            try:
                compile_expression(candidate)
                break
            except SandboxError as exc:
                failures.append(str(exc))
        else:
            problems.append(problem(name, msg(f"单元格 {text!r} 无法编译：{failures[0]}",
                                              f"cell {text!r} does not compile: {failures[0]}"),
                                    element_id=element.get("id") or element.getparent().get("id")))
