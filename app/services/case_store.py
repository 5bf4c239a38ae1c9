"""Persistence of a case's workflow: load with the sandbox attached, save state + projections together.

Saving is an optimistic compare-and-set on `workflow_state.version`: of two requests that loaded the same
version, the second one's UPDATE matches no row and raises StaleCase; its transaction rolls back whole.
"""
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import bindparam, insert, select, update

from ..clock import SHANGHAI, clock
from ..engine import CaseRuntime, EngineError
from ..errors import ProcessError, StaleCase
from ..models import HumanTask, Timer, WorkflowState
from . import (audit, effect_evaluations, followups, initial_reviews, major_hazard_listing, major_hazards, notifications,
               projection, sla)
from .pipeline import pipelined
from .processes import parsed_for
from .script_functions import ScriptFunctions

NO_DEADLINE = datetime(9999, 12, 31, tzinfo=timezone.utc)
_STATUS_PRIORITY = ["verifying", "rectifying", "assigning", "enforcement", "stop_work"]
TRACKED_FIELDS = ("grade", "score", "legal_major", "status", "round", "current_step", "assignment_due", "rectification_due",
                  "verification_due", "closed_at")


class RuntimeCache:
    """Committed runtimes by case id and state version, each with the projection rows written for it.
    A runtime is taken out while a request works on it and put back only after that request committed,
    so a failed or concurrent request never sees a half-run workflow; any version mismatch falls back to
    the database."""

    def __init__(self, size=512):
        self._size = size
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def take(self, case_id, version):
        """(runtime, projection) cached for exactly this version, else (None, None)."""
        with self._lock:
            entry = self._entries.pop(case_id, None)
        return entry[1:] if entry is not None and entry[0] == version else (None, None)

    def put(self, case_id, version, runtime, projection):
        with self._lock:
            self._entries[case_id] = (version, runtime, projection)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def clear(self):
        with self._lock:
            self._entries.clear()


_cache = RuntimeCache()


class LoadedCase:
    def __init__(self, case, runtime, state_version, functions, projection=None):
        self.case = case
        self.runtime = runtime
        self.state_version = state_version
        self.functions = functions  # the ScriptFunctions the engine used: tells of provisional deadlines
        # {HumanTask: {guid: values}, Timer: {...}} as stored for state_version; a model missing is read
        # from the database when saving
        self.projection = projection if projection is not None else {}


def start(uow, case, version, initial_data, audit_rows=(), case_values=None, writes=()):
    """Start the case's workflow and store it with its projections and audit rows (as `save`, `writes` too).
    `case_values`: columns of the new case row to write in the same UPDATE as its first projected values (its
    code)."""
    functions = ScriptFunctions()
    runtime = run(case, lambda: CaseRuntime.start(parsed_for(version), functions.as_dict(), initial_data))
    loaded = LoadedCase(case, runtime, 1, functions, projection={HumanTask: {}, Timer: {}})
    events = runtime.drain_events()  # acted on in this transaction (_after_write): not stored with the state
    state = runtime.dump()
    step = _plan(uow, loaded, None, audit_rows, events)
    step.case_values.update(case_values or {})
    with pipelined(uow.session) as pipe:
        pipe.execute(_INSERT_STATE, {"case_id": case.id, "state": state, "version": 1, "updated_at": clock.now()})
        _write(uow, pipe, loaded, step)
        checks = [write(pipe) for write in writes if write is not None]
    for check in checks:
        check()
    _after_write(uow, loaded, step)
    return loaded


def load(uow, case, state_version=None, calendar_revision=None, state=None, projection=None):
    """The case's runtime at the version in the database (`state_version` when the caller just read it):
    from this process's cache when it holds exactly that version (saves a deserialization), else from the
    stored state. `calendar_revision`: the working calendar's revision counter, when the caller read it.
    A caller that read ahead for many cases (the timer sweep) passes the stored `state` of `state_version`
    and the stored `projection` rows ({HumanTask: {guid: values}, Timer: {...}}) too."""
    if state_version is None:
        # Version and state in one read: a caller without the version (a timer sweep) seldom has the runtime
        # cached, so it would read the state next anyway.
        row = uow.session.connection().execute(_VERSION_AND_STATE, {"case_id": case.id}).first()
        if row is None:
            raise ProcessError(f"case {case.code}: no stored workflow state")
        state_version, state = row
    script_functions = ScriptFunctions(calendar_revision)
    functions = script_functions.as_dict()
    runtime, cached_projection = _cache.take(case.id, state_version)
    if runtime is not None:
        projection = cached_projection
        runtime.rebind(functions)
    else:
        if state is None:
            state = uow.session.connection().execute(_STATE, {"case_id": case.id}).scalar()
        try:
            runtime = CaseRuntime.load(parsed_for(case.process_version), functions, state)
        except Exception as exc:  # a damaged or foreign state must become a reportable error, not a crash
            raise ProcessError(f"case {case.code}: stored workflow state cannot be loaded ({exc})") from exc
        # States saved before the events were taken out ahead of the dump still hold the events their step
        # threw; that step acted on them (notices, referral, lists), so they are dropped, not raised again.
        runtime.drain_events()
    return LoadedCase(case, runtime, state_version, script_functions, projection)


_INSERT_STATE = insert(WorkflowState.__table__).inline()  # no RETURNING: it runs in a pipeline
_VERSION_AND_STATE = select(WorkflowState.version, WorkflowState.state) \
    .where(WorkflowState.case_id == bindparam("case_id"))
_STATE = select(WorkflowState.state).where(WorkflowState.case_id == bindparam("case_id"))
_SAVE = (update(WorkflowState.__table__)
         .where(WorkflowState.case_id == bindparam("b_case_id"), WorkflowState.version == bindparam("b_version"))
         .values(state=bindparam("state"), version=bindparam("version"), updated_at=bindparam("updated_at")))


def save(uow, loaded, actor, audit_rows=(), keep_runtime=True, writes=()):
    """Store the runtime's state (compare-and-set), its projections and the step's audit rows: `audit_rows`
    (what the caller did), then the case's changes, in one statement. On PostgreSQL these writes travel in
    one pipeline; the compare-and-set's answer is read when it ends, and a stale save rolls back whole.
    `writes`: the caller's own writes for the pipeline (None skipped), each a function of it returning the check
    to run once it has ended (attachments.linking: the step's files; their refusal is checked before staleness,
    as when they were linked first). `keep_runtime=False`: not kept for the case's next step (see
    timers._fire_case)."""
    events = loaded.runtime.drain_events()  # acted on in this transaction (_after_write): not stored with the state
    state = loaded.runtime.dump()
    step = _plan(uow, loaded, actor, audit_rows, events)
    with pipelined(uow.session) as pipe:
        saved = pipe.counted(_SAVE, {
            "b_case_id": loaded.case.id, "b_version": loaded.state_version, "state": state,
            "version": loaded.state_version + 1, "updated_at": clock.now()})
        _write(uow, pipe, loaded, step)
        checks = [write(pipe) for write in writes if write is not None]
    for check in checks:
        check()
    if saved.rowcount != 1:
        raise StaleCase("案件刚被他人更新，请刷新后重试 / this case was changed by someone else a moment ago; reload it and try again")
    loaded.state_version += 1
    _after_write(uow, loaded, step, keep_runtime)


def _cache_after_commit(uow, loaded):
    """Keep the runtime for the case's next step; a finished case has none, so it is not kept."""
    version, runtime, rows = loaded.state_version, loaded.runtime, loaded.projection
    if not runtime.is_completed:
        uow.after_commit(lambda: _cache.put(loaded.case.id, version, runtime, rows))


def run(case, action):
    """Run an engine action, turning a diagram failure into a domain error with the element named."""
    try:
        return action()
    except EngineError as exc:
        raise ProcessError(f"case {case.code}: step {exc.bpmn_id or '?'} failed: {exc}",
                           fields={"element": exc.bpmn_id}) from exc


_WRITTEN_FIELDS = TRACKED_FIELDS + ("updated_at", "deadlines_provisional", "provisional_computations")


@dataclass
class _StepWrites:
    """What a save writes, worked out before its pipeline (where no attribute may be loaded lazily)."""
    case_values: dict  # the case columns that changed
    tasks: dict  # {guid: values} of the human_task rows wanted
    timers: dict
    audit_rows: list
    data: dict  # the diagram's variables, for the events
    status_before: str
    held: list  # task and timer objects the session holds (projection.held_rows)
    events: list  # what the process threw in the step (ThrownEvent), acted on after the writes
    gone: dict = None  # {model: guids whose rows were deleted}, filled by _write
    changed: dict = None


def _plan(uow, loaded, actor, audit_rows, events):
    """The case's projections and the audit of the step: what the caller did (`audit_rows`) and how the case
    changed, in one statement."""
    case, snapshot = loaded.case, loaded.runtime.snapshot()
    before = {f: getattr(case, f) for f in _WRITTEN_FIELDS}
    data, ready = snapshot.data, snapshot.ready
    after = _case_values(before, data, ready, snapshot.completed)
    if loaded.functions.provisional_computations:
        after["provisional_computations"] = (before["provisional_computations"] or []) + \
            loaded.functions.provisional_computations
        loaded.functions.provisional_computations = []
        after["deadlines_provisional"] = True
    changes = {f: [before[f], after[f]] for f in TRACKED_FIELDS if before[f] != after[f]}
    rows = list(audit_rows) + ([audit.entry(case.id, actor, "case_updated", changes=changes)] if changes else [])
    _read_stored_projection(uow, loaded)
    return _StepWrites({f: v for f, v in after.items() if v != before[f]}, _wanted_tasks(case, after, ready, data),
                       {t.guid: dict(bpmn_id=t.bpmn_id, name=t.name, due_at=t.due_at) for t in snapshot.timers},
                       rows, data, before["status"], projection.held_rows(uow.session), events)


def _write(uow, pipe, loaded, step):
    session, case_id = uow.session, loaded.case.id
    # Written at once (Core), so the events and deadlines after it see the case as it now stands.
    projection.write_case(session, loaded.case, step.case_values, pipe)
    step.gone, step.changed = {}, {}
    for model, wanted in ((HumanTask, step.tasks), (Timer, step.timers)):
        loaded.projection[model], step.gone[model], step.changed[model] = projection.sync_rows(
            pipe, model, case_id, loaded.projection[model], wanted)
    audit.write(uow, step.audit_rows, pipe)
    if step.status_before != "closed" and step.case_values.get("status") == "closed":
        followups.schedule(pipe, loaded.case)  # the re-inspections after closing (回头看)
    initial_reviews.on_step(uow, loaded.case, step.status_before, step.tasks, pipe)  # a verification round's review


def _after_write(uow, loaded, step, keep_runtime=True):
    """What the process's events cause (notices, lists; these may read), then keeping the runtime."""
    case, round_no = loaded.case, step.data.get("round", 1)
    if step.held:
        projection.forget_held(uow.session, step.held, case.id, step.gone, step.changed)
    regrades = step.data.get("regrade_count") or 0
    for event in step.events:
        notifications.on_process_event(uow, case, event.name, round_no, regrades)
        sla.on_process_event(uow, case, event.name, round_no)
        major_hazards.on_process_event(uow, case, event.name)  # the special report's and plan's 48 hours
    if step.status_before != "closed" and case.status == "closed":
        sla.on_case_closed(uow, case)
        major_hazard_listing.on_case_closed(uow, case)  # 摘牌 by closing
        effect_evaluations.on_case_closed(uow, case)  # a major case's effect evaluation is due (整改效果评估)
    if keep_runtime:
        _cache_after_commit(uow, loaded)


def _parse(value):
    """A deadline variable as an aware datetime; a diagram that wrote one without a zone means Shanghai time."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=SHANGHAI)


def _case_values(before, data, ready, completed):
    """The projected case columns after a step, from their values before it.

    Side branches (stop-work order, enforcement referral) carry the data of the moment they split off,
    so projected fields never move backwards: the round only grows, deadlines follow the newest round,
    and a closed case stays closed."""
    after = dict(before)
    after["grade"] = data.get("grade", before["grade"])
    # A grade review (services/regrading.py, or the assignment form) scores the hazard again.
    after["score"] = data.get("score", before["score"])
    after["legal_major"] = bool(data.get("legal_major", before["legal_major"]))
    data_round = int(data.get("round") or before["round"] or 1)
    if data_round >= before["round"]:
        after["round"] = data_round
        for field in ("rectification_due", "verification_due", "assignment_due"):
            after[field] = _parse(data.get(field)) or before[field]
    statuses = {t.case_status for t in ready}
    if before["status"] == "closed":
        pass
    elif completed or data.get("status") == "closed":
        after["status"] = "closed"
        after["closed_at"] = _parse(data.get("closed_at")) or before["closed_at"] or clock.now()
    else:
        after["status"] = next((s for s in _STATUS_PRIORITY if s in statuses), before["status"])
    after["current_step"] = "、".join(t.name for t in ready) if ready else \
        ("已销号" if after["status"] == "closed" else "")
    after["updated_at"] = clock.now()
    return after


def _task_due(task, data):
    """The task's own deadline variable (its `dueVariable` property), else its earliest boundary timer."""
    variable = task.due_variable
    due = _parse(task.data.get(variable) or data.get(variable)) if variable else None
    return due or task.boundary_timer_due


def _wanted_tasks(case, after, ready, data):
    wanted = {}
    for t in ready:
        due = _task_due(t, data)
        wanted[t.guid] = dict(bpmn_id=t.bpmn_id, name=t.name, role=t.lane, form_key=t.form_key,
                              enterprise_id=case.enterprise_id, grade=after["grade"], due_at=due,
                              sort_due=due or NO_DEADLINE)
    return wanted


def _read_stored_projection(uow, loaded):
    """What is stored is known without a query when the runtime came from the cache: the rows written for
    its version travel with it. Otherwise they are read here, before the writes."""
    for model in (HumanTask, Timer):
        if loaded.projection.get(model) is None:
            loaded.projection[model] = projection.stored_rows(uow.session, model, loaded.case.id)
