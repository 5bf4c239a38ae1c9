"""Process owners' use cases: validate, deploy with author and comment, list, diff, roll back, migrate cases.

Versions are immutable rows made by `processes.deploy`. A rollback deploys an older version's content again
as a *new* version (new number, the old content hash), so the history reads forward and "which version did
this case start on" never changes meaning. Deploying content identical to the deployed version makes nothing.
"""
from dataclasses import dataclass, field

from lxml import etree
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from ..engine import inspection, migration as engine_migration
from ..errors import Conflict, DomainError, NotAllowed, NotFound, ProcessError
from ..models import HazardCase, ProcessVersion, User
from . import audit, case_store, hazards, process_lint, processes
from .process_diff import diff_contents
from .processes import PROCESS_ID


# Stored versions passed the lint, but parse them as strictly as uploads all the same.
_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


class DeployRejected(ProcessError):
    """The lint found errors: nothing was deployed. `problems` lists them element by element."""

    code = "process_invalid"

    def __init__(self, problems):
        found = process_lint.errors(problems)
        super().__init__(f"未部署：发现 {len(found)} 个错误 / not deployed: {len(found)} error(s) found",
                         fields={"problems": problems})
        self.problems = problems


def require_owner(actor):
    if actor is None or not actor.has_role("process_owner"):
        raise NotAllowed("只有流程管理员可以管理流程 / only process owners manage processes")


def check(uow, files, forms, max_bytes=process_lint.DEFAULT_MAX_BYTES, process_id=PROCESS_ID):
    """All problems (errors and warnings) of a candidate version, including lanes that nobody holds."""
    return process_lint.lint(files, forms, held=process_lint.held_roles(uow.session), max_bytes=max_bytes,
                             process_id=process_id)


def deploy(uow, actor, files, forms, comment="", max_bytes=process_lint.DEFAULT_MAX_BYTES,
           process_id=PROCESS_ID):
    """(version, created, warnings). Raises DeployRejected, changing nothing, when the lint finds an error."""
    require_owner(actor)
    problems = check(uow, files, forms, max_bytes, process_id)
    if process_lint.errors(problems):
        raise DeployRejected(problems)
    try:
        version, created = processes.deploy(uow, files, forms, author=actor,
                                            comment=(comment or "").strip()[:2000], process_id=process_id)
    except IntegrityError as exc:  # two deploys took the same version number: the second one loses
        raise Conflict("刚有人部署了另一个版本，请刷新后重试 / another version was deployed a moment ago; "
                       "reload and try again") from exc
    return version, created, problems


def rollback(uow, actor, version_id, comment="", max_bytes=process_lint.DEFAULT_MAX_BYTES):
    """Deploy an older version's content as a new version."""
    old = get_version(uow, version_id)
    note = f"回滚到版本 {old.version} / rollback to version {old.version}" + (f": {comment}" if comment else "")
    return deploy(uow, actor, dict(old.files), dict(old.forms or {}), note, max_bytes, old.process_id)


# ---- reading --------------------------------------------------------------------------------------------------
def get_version(uow, version_id):
    version = uow.session.get(ProcessVersion, version_id)
    if version is None:
        raise NotFound("没有这个流程版本 / no such process version")
    return version


def running_counts(session):
    rows = session.query(HazardCase.process_version_id, func.count(HazardCase.id)) \
        .filter(HazardCase.status != "closed").group_by(HazardCase.process_version_id)
    return dict(rows)


def list_definitions(uow):
    """[{process_id, deployed, versions}] with versions newest first, each a dict for the page."""
    session = uow.session
    versions = session.query(ProcessVersion).order_by(ProcessVersion.process_id, ProcessVersion.version.desc()).all()
    counts = running_counts(session)
    authors = dict(session.query(User.id, User.display_name)
                   .filter(User.id.in_({v.author_id for v in versions if v.author_id})))
    result = {}
    for v in versions:
        item = {"id": v.id, "version": v.version, "author": authors.get(v.author_id, "系统 / system"),
                "created_at": v.created_at, "comment": v.comment, "content_hash": v.content_hash,
                "running_cases": counts.get(v.id, 0), "is_deployed": v.is_deployed}
        entry = result.setdefault(v.process_id, {"process_id": v.process_id, "deployed": None, "versions": []})
        entry["versions"].append(item)
        if v.is_deployed:
            entry["deployed"] = item
    return list(result.values())


def contents(version):
    """[(file, [(kind, id, name)])]: the processes and decisions each file of a version defines."""
    result = []
    for name, text in sorted(version.files.items()):
        root = etree.fromstring(text.encode("utf-8"), parser=_XML)
        found = [(etree.QName(e).localname, e.get("id"), e.get("name") or "")
                 for e in root.xpath("//*[local-name()='process' or local-name()='decision']")]
        result.append((name, found))
    return result


def diff(uow, old_id, new_id):
    old, new = get_version(uow, old_id), get_version(uow, new_id)
    return old, new, diff_contents(old.files, old.forms or {}, new.files, new.forms or {})


def running_cases(uow, version_id):
    return uow.session.query(HazardCase).filter(HazardCase.process_version_id == version_id,
                                                HazardCase.status != "closed") \
        .order_by(HazardCase.id).all()


# ---- moving running cases -------------------------------------------------------------------------------------
@dataclass
class CaseMove:
    case_id: int
    code: str
    from_version: int
    can_move: bool
    reasons: list = field(default_factory=list)
    reset: list = field(default_factory=list)
    moved: bool = False


def _cases(uow, case_ids):
    cases = uow.session.query(HazardCase).filter(HazardCase.id.in_(case_ids)).order_by(HazardCase.id).all()
    if len(cases) != len(set(case_ids)):
        raise NotFound("有案件不存在 / some of the selected cases do not exist")
    return cases


def _precheck(case, target):
    if case.process_version.process_id != target.process_id:
        return "案件属于另一个流程 / the case runs another process"
    if case.process_version_id == target.id:
        return f"已在版本 {target.version} / already on version {target.version}"
    if case.is_closed:
        return "案件已销号 / the case is closed"
    return None


def dry_run(uow, actor, case_ids, to_version_id):
    """Which of the cases can move to the target version, and why the others cannot. Changes nothing."""
    require_owner(actor)
    target = get_version(uow, to_version_id)
    parsed = processes.parsed_for(target)
    result = []
    for case in _cases(uow, case_ids):
        move = CaseMove(case.id, case.code, case.process_version.version, False)
        reason = _precheck(case, target)
        if reason:
            move.reasons.append(reason)
        else:
            try:
                found = engine_migration.check(case_store.load(uow, case).runtime, parsed)
            except DomainError as exc:  # a state that cannot even be loaded cannot move
                move.reasons.append(exc.message)
            else:
                move.can_move, move.reasons, move.reset = found.can_move, found.reasons, found.reset
        result.append(move)
    return result, target


def migrate(uow, actor, case_ids, to_version_id):
    """Move every case that can move (each in a savepoint: one failure does not stop the others)."""
    moves, target = dry_run(uow, actor, case_ids, to_version_id)
    for move in moves:
        if not move.can_move:
            continue
        try:
            with uow.savepoint():
                _migrate_case(uow, actor, uow.session.get(HazardCase, move.case_id), target)
            move.moved = True
        except DomainError as exc:  # a diagram step that fails, or a case changed meanwhile (StaleCase)
            move.can_move, move.reasons = False, [exc.message]
    return moves, target


def _migrate_case(uow, actor, case, target):
    old = case.process_version
    loaded = case_store.load(uow, case)
    try:
        case_store.run(case, lambda: engine_migration.migrate(loaded.runtime, processes.parsed_for(target)))
    except ValueError as exc:
        raise ProcessError(f"{case.code}: {exc}") from exc
    case.process_version_id, case.process_version = target.id, target
    case_store.save(uow, loaded, actor)  # the projection follows the new version's names, roles and forms
    audit.record(uow, case.id, actor, "case_migrated",
                 changes={"process_version": [old.version, target.version]},
                 details={"from_version": old.version, "to_version": target.version,
                          "from_version_id": old.id, "to_version_id": target.id})


# ---- where a case stands ----------------------------------------------------------------------------------------
@dataclass
class CaseDiagram:
    case: object
    file: str
    xml: str
    states: dict  # {bpmn id: completed | current | waiting}
    timers: list  # [WaitingTimer]


def case_diagram(uow, user, case_id):
    """The case's own version's diagram with its elements' states; 404 for cases the user may not see."""
    case = hazards.get_case(uow, user, case_id)
    version = case.process_version
    files = version.files
    marker = f'id="{version.process_id}"'
    name = next((n for n, text in sorted(files.items()) if n.endswith(".bpmn") and marker in text),
                next(n for n in sorted(files) if n.endswith(".bpmn")))
    runtime = case_store.load(uow, case).runtime
    return CaseDiagram(case, name, files[name], inspection.element_states(runtime),
                       sorted(runtime.waiting_timers(), key=lambda t: t.due_at))
