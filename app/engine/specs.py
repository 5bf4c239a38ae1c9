"""Parsing BPMN/DMN files into workflow specs, cached per content hash (parsing costs milliseconds)."""
import hashlib
import json
import threading

from lxml import etree
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

from .task_walk import use_case_joins


class SpecError(Exception):
    """A diagram that cannot be parsed; `element_id` names the offending element when known."""

    def __init__(self, message, element_id=None, file_name=None):
        super().__init__(message)
        self.element_id = element_id
        self.file_name = file_name


# Diagrams are uploaded by users: no entities, no DTDs, no network (XXE / billion laughs).
_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, dtd_validation=False, load_dtd=False,
                            huge_tree=False, remove_comments=True)


def content_hash(files, forms):
    payload = json.dumps({"files": files, "forms": forms}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _parse_xml(name, text):
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise SpecError("DTDs and entities are not allowed in diagrams", file_name=name)
    try:
        return etree.fromstring(text.encode("utf-8"), parser=_SAFE_XML)
    except etree.XMLSyntaxError as exc:
        raise SpecError(f"malformed XML: {exc}", file_name=name) from exc


class ParsedProcess:
    def __init__(self, spec, subprocess_specs):
        self.spec = spec
        self.subprocess_specs = subprocess_specs


def parse_process(files, process_id, stock=False):
    """files: {"name.bpmn" | "name.dmn": xml text}. Returns ParsedProcess or raises SpecError. The end joins
    are CaseEndJoins (task_walk.py) unless `stock` (SpiffWorkflow's specs as parsed: the bench's and the tests'
    comparisons with the stock engine)."""
    parser = SpiffBpmnParser()
    try:
        for name, text in sorted(files.items()):
            tree = _parse_xml(name, text)
            if name.endswith(".dmn"):
                parser.add_dmn_xml(tree, filename=name)
            elif name.endswith(".bpmn"):
                parser.add_bpmn_xml(tree, filename=name)
        spec = parser.get_spec(process_id)
        subprocess_specs = parser.get_subprocess_specs(process_id)
    except ValidationException as exc:
        raise SpecError(str(exc), element_id=getattr(exc, "id", None), file_name=getattr(exc, "file_name", None))
    except SpecError:
        raise
    except Exception as exc:  # the parser raises plain errors for some broken diagrams
        raise SpecError(f"{type(exc).__name__}: {exc}") from exc
    if not stock:
        use_case_joins(spec, subprocess_specs)
    return ParsedProcess(spec, subprocess_specs)


class SpecCache:
    """Parsed specs keyed by content hash; versions are immutable so entries never go stale."""

    def __init__(self):
        self._lock = threading.Lock()
        self._parsed = {}

    def get(self, key, files, process_id):
        parsed = self._parsed.get(key)
        if parsed is None:
            parsed = parse_process(files, process_id)
            with self._lock:
                self._parsed[key] = parsed
        return parsed


spec_cache = SpecCache()
