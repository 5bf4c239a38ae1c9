"""Process versions: deploy the diagrams and forms as an immutable, content-hashed version."""
import json
from dataclasses import dataclass
from pathlib import Path

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from sqlalchemy import bindparam, select

from ..clock import clock
from ..engine import SpecError, content_hash, spec_cache
from ..errors import NotFound, ProcessError
from ..extensions import db
from ..models import ProcessVersion
from . import audit

PROCESS_ID = "hazard_case"


def read_directory(bpmn_dir, forms_dir):
    files = {p.name: p.read_text(encoding="utf-8") for p in sorted(Path(bpmn_dir).iterdir())
             if p.suffix in (".bpmn", ".dmn")}
    forms = {}
    for path in sorted(Path(forms_dir).glob("*.json")):
        try:
            forms[path.stem] = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ProcessError(f"{path.name}: not valid JSON ({exc})") from exc
    return files, forms


def validate(files, forms, process_id=PROCESS_ID):
    """Parse the diagram and check every form schema; returns the parsed process or raises ProcessError."""
    for key, form in forms.items():
        try:
            Draft202012Validator.check_schema(form.get("schema", {}))
        except SchemaError as exc:
            raise ProcessError(f"form {key}: invalid JSON Schema: {exc.message}", fields={"form": key}) from exc
    try:
        parsed = spec_cache.get(content_hash(files, forms), files, process_id)
    except SpecError as exc:
        raise ProcessError(f"{exc.file_name or 'diagram'}: {exc}", fields={"element": exc.element_id}) from exc
    return parsed


def deploy(uow, files, forms, author=None, comment="", process_id=PROCESS_ID):
    """Deploy a version; deploying content identical to the deployed one changes nothing."""
    digest = content_hash(files, forms)
    current = deployed_version(uow, process_id, required=False)
    if current is not None and current.content_hash == digest:
        return current, False
    validate(files, forms, process_id)
    session = uow.session
    last = session.query(ProcessVersion).filter_by(process_id=process_id) \
        .order_by(ProcessVersion.version.desc()).first()
    session.query(ProcessVersion).filter_by(process_id=process_id, is_deployed=True) \
        .update({"is_deployed": False})
    version = ProcessVersion(process_id=process_id, version=(last.version + 1) if last else 1,
                             content_hash=digest, files=files, forms=forms,
                             author_id=author.id if author else None, comment=comment,
                             created_at=clock.now(), is_deployed=True)
    session.add(version)
    session.flush()
    audit.record(uow, None, author, "process_deployed",
                 details={"process_id": process_id, "version": version.version, "hash": digest})
    return version, True


def deployed_version(uow, process_id=PROCESS_ID, required=True):
    version = uow.session.query(ProcessVersion).filter_by(process_id=process_id, is_deployed=True).first()
    if version is None and required:
        raise NotFound(f"no deployed version of process {process_id}; run `flask --app wsgi deploy-processes`")
    return version


_DEPLOYED = select(ProcessVersion.id, ProcessVersion.process_id, ProcessVersion.version,
                   ProcessVersion.content_hash).where(ProcessVersion.process_id == bindparam("process_id"),
                                                      ProcessVersion.is_deployed.is_(True))


def deployed_info(uow, process_id=PROCESS_ID):
    """The deployed version as a VersionInfo, by one prebuilt statement (every registration asks)."""
    row = uow.session.connection().execute(_DEPLOYED, {"process_id": process_id}).first()
    if row is None:
        raise NotFound(f"no deployed version of process {process_id}; run `flask --app wsgi deploy-processes`")
    return VersionInfo(*row)


# Versions are immutable: their content is read from the database once per process.
_content_cache = {}


def _content(version):
    key = (version.id, version.content_hash)
    content = _content_cache.get(key)
    if content is None:
        if isinstance(version, VersionInfo):
            files, forms = db.session.execute(_CONTENT, {"id": version.id}).one()
        else:
            files, forms = version.files, version.forms
        content = _content_cache[key] = (files, forms or {})
    return content


@dataclass(frozen=True)
class VersionInfo:
    """What the engine and forms need of a process version, without loading it as an ORM object."""
    id: int
    process_id: str
    version: int
    content_hash: str


_CONTENT = select(ProcessVersion.files, ProcessVersion.forms).where(ProcessVersion.id == bindparam("id"))


def parsed_for(version):
    return spec_cache.get(version.content_hash, _content(version)[0], version.process_id)


def files_of(version):
    """The version's diagram files ({"name.bpmn" | "name.dmn": xml text})."""
    return _content(version)[0]


def forms_of(version):
    return _content(version)[1]


def form_for(version, form_key):
    form = forms_of(version).get(form_key)
    if form is None:
        raise ProcessError(f"process version {version.version} has no form '{form_key}'")
    return form
