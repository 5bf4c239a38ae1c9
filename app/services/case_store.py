"""Persistence of a case's workflow: load with the sandbox attached, save state + projections together.

Saving is an optimistic compare-and-set on `workflow_state.version`: of two requests that loaded the same
version, the second one's UPDATE matches no row and raises StaleCase; its transaction rolls back whole.
"""
import threading
from collections import OrderedDict
from datetime import datetime, timezone

from sqlalchemy import delete, insert, select, update

from ..clock import SHANGHAI, clock
from ..engine import CaseRuntime, EngineError
from ..errors import ProcessError, StaleCase
from ..models import HumanTask, Timer, WorkflowState
from . import audit, notifications, sla
from .processes import parsed_for
from .script_functions import ScriptFunctions

NO_DEADLINE = datetime(9999, 12, 31, tzinfo=timezone.utc)
_STATUS_PRIORITY = ["verifying", "rectifying", "assigning", "enforcement", "stop_work"]
TRACKED_FIELDS = ("grade", "status", "round", "current_step", "assignment_due", "rectification_due",
                  "verification_due", "closed_at")


class RuntimeCache:
    """Committed runtimes by case id and state version. A runtime is taken out while a request works on
    it and put back only after that request committed, so a failed or concurrent request never sees a
    half-run workflow; any version mismatch falls back to the database."""

    def __init__(self, size=512):
        self._size = size
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def take(self, case_id, version):
        with self._lock:
            entry = self._entries.pop(case_id, None)
        return entry[1] if entry is not None and entry[0] == version else None

    def put(self, case_id, version, runtime):
        with self._lock:
            self._entries[case_id] = (version, runtime)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def clear(self):
        with self._lock:
            self._entries.clear()


_cache = RuntimeCache()


class LoadedCase:
    def __init__(self, case, runtime, state_version, functions):
        self.case = case
        self.runtime = runtime
        self.state_version = state_version
        self.functions = functions  # the ScriptFunctions the engine used: tells of provisional deadlines


def start(uow, case, version, initial_data):
    functions = ScriptFunctions()
    runtime = run(case, lambda: CaseRuntime.start(parsed_for(version), functions.as_dict(), initial_data))
    state = WorkflowState(case_id=case.id, state=runtime.dump(), version=1, updated_at=clock.now())
    uow.session.add(state)
    loaded = LoadedCase(case, runtime, 1, functions)
    _project(uow, loaded, actor=None)
    uow.after_commit(lambda: _cache.put(case.id, 1, runtime))
    return loaded


def load(uow, case):
    """The case's runtime at the version in the database: from this process's cache when it holds exactly
    that version (saves a deserialization), else from the stored state."""
    state_version = uow.session.query(WorkflowState.version).filter_by(case_id=case.id).scalar()
    script_functions = ScriptFunctions()
    functions = script_functions.as_dict()
    runtime = _cache.take(case.id, state_version)
    if runtime is not None:
        runtime.rebind(functions)
    else:
        state = uow.session.query(WorkflowState.state).filter_by(case_id=case.id).scalar()
        try:
            runtime = CaseRuntime.load(parsed_for(case.process_version), functions, state)
        except Exception as exc:  # a damaged or foreign state must become a reportable error, not a crash
            raise ProcessError(f"case {case.code}: stored workflow state cannot be loaded ({exc})") from exc
    return LoadedCase(case, runtime, state_version, script_functions)


def save(uow, loaded, actor):
    result = uow.session.execute(
        update(WorkflowState)
        .where(WorkflowState.case_id == loaded.case.id, WorkflowState.version == loaded.state_version)
        .values(state=loaded.runtime.dump(), version=loaded.state_version + 1, updated_at=clock.now()))
    if result.rowcount != 1:
        raise StaleCase("案件刚被他人更新，请刷新后重试 / this case was changed by someone else a moment ago; reload it and try again")
    loaded.state_version += 1
    _project(uow, loaded, actor)
    uow.after_commit(lambda: _cache.put(loaded.case.id, loaded.state_version, loaded.runtime))


def run(case, action):
    """Run an engine action, turning a diagram failure into a domain error with the element named."""
    try:
        return action()
    except EngineError as exc:
        raise ProcessError(f"case {case.code}: step {exc.bpmn_id or '?'} failed: {exc}",
                           fields={"element": exc.bpmn_id}) from exc


def _project(uow, loaded, actor):
    case, runtime = loaded.case, loaded.runtime
    before = {f: getattr(case, f) for f in TRACKED_FIELDS}
    data = runtime.latest_data()
    ready = runtime.ready_tasks()
    _update_case(case, data, ready, runtime.is_completed)
    if loaded.functions.provisional_computations:
        case.provisional_computations = (case.provisional_computations or []) + \
            loaded.functions.provisional_computations
        loaded.functions.provisional_computations = []
        case.deadlines_provisional = True
    _sync_tasks(uow, case, ready, data)
    _sync_timers(uow, case, runtime.waiting_timers())
    for event in runtime.drain_events():
        notifications.on_process_event(uow, case, event.name, data.get("round", 1))
        sla.on_process_event(uow, case, event.name, data.get("round", 1))
    if before["status"] != "closed" and case.status == "closed":
        sla.on_case_closed(uow, case)
    changes = {f: [before[f], getattr(case, f)] for f in TRACKED_FIELDS if before[f] != getattr(case, f)}
    if changes:
        audit.record(uow, case.id, actor, "case_updated", changes=changes)


def _parse(value):
    """A deadline variable as an aware datetime; a diagram that wrote one without a zone means Shanghai time."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=SHANGHAI)


def _update_case(case, data, ready, completed):
    """Side branches (stop-work order, enforcement referral) carry the data of the moment they split off,
    so projected fields never move backwards: the round only grows, deadlines follow the newest round,
    and a closed case stays closed."""
    case.grade = data.get("grade", case.grade)
    data_round = int(data.get("round") or case.round or 1)
    if data_round >= case.round:
        case.round = data_round
        case.rectification_due = _parse(data.get("rectification_due")) or case.rectification_due
        case.verification_due = _parse(data.get("verification_due")) or case.verification_due
        case.assignment_due = _parse(data.get("assignment_due")) or case.assignment_due
    statuses = {t.case_status for t in ready}
    if case.status == "closed":
        pass
    elif completed or data.get("status") == "closed":
        case.status = "closed"
        case.closed_at = _parse(data.get("closed_at")) or case.closed_at or clock.now()
    else:
        case.status = next((s for s in _STATUS_PRIORITY if s in statuses), case.status)
    case.current_step = "、".join(t.name for t in ready) if ready else ("已销号" if case.status == "closed" else "")
    case.updated_at = clock.now()


def _task_due(task, data):
    """The task's own deadline variable (its `dueVariable` property), else its earliest boundary timer."""
    variable = task.due_variable
    due = _parse(task.data.get(variable) or data.get(variable)) if variable else None
    return due or task.boundary_timer_due


def _sync_tasks(uow, case, ready, data):
    wanted = {}
    for t in ready:
        due = _task_due(t, data)
        wanted[t.guid] = dict(bpmn_id=t.bpmn_id, name=t.name, role=t.lane, form_key=t.form_key,
                              enterprise_id=case.enterprise_id, grade=case.grade, due_at=due,
                              sort_due=due or NO_DEADLINE)
    _sync_rows(uow, HumanTask, case.id, wanted)


def _sync_timers(uow, case, timers):
    wanted = {t.guid: dict(bpmn_id=t.bpmn_id, name=t.name, due_at=t.due_at) for t in timers}
    _sync_rows(uow, Timer, case.id, wanted)


def _sync_rows(uow, model, case_id, wanted):
    """Make the case's projection rows match `wanted` ({guid: values}) with set-based statements.

    Rows that stay keep their other columns (a claim on a task survives); projected values that changed
    (a new deadline, or a new name, role or form after the case moved to another process version) are
    written.
    """
    session = uow.session
    columns = [getattr(model, name) for name in next(iter(wanted.values()), {})] or [model.due_at]
    existing = {row[0]: dict(zip((c.key for c in columns), row[1:])) for row in session.execute(
        select(model.task_guid, *columns).where(model.case_id == case_id))}
    stale = [guid for guid in existing if guid not in wanted]
    if stale:
        session.execute(delete(model).where(model.case_id == case_id, model.task_guid.in_(stale))
                        .execution_options(synchronize_session="fetch"))
    new = [dict(values, case_id=case_id, task_guid=guid, created_at=clock.now())
           for guid, values in wanted.items() if guid not in existing]
    if new:
        session.execute(insert(model), new)
    for guid, values in wanted.items():
        if guid in existing and existing[guid] != values:
            session.execute(update(model).where(model.task_guid == guid).values(**values)
                            .execution_options(synchronize_session="fetch"))
