"""One case's workflow behind a small interface: start, load, complete a task, fire timers, read state.

Nothing outside `app.engine` sees a SpiffWorkflow object; callers get plain `ReadyTask`, `WaitingTimer`
and `ThrownEvent` values.
"""
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition  # the parser's class: events match by it
from SpiffWorkflow.util.task import TaskState

from . import serializer
from .sandbox import RestrictedScriptEngine, SandboxError
from .task_walk import CaseWorkflow


class EngineError(Exception):
    """A step of the diagram failed (bad expression, missing data); `bpmn_id` names the element."""

    def __init__(self, message, bpmn_id=None):
        super().__init__(message)
        self.bpmn_id = bpmn_id


class TaskNotReadyError(Exception):
    pass


class NotWaitingError(Exception):
    """No element of the case's diagram is waiting for this message now (or its diagram has none)."""


@dataclass(frozen=True)
class ReadyTask:
    guid: str
    bpmn_id: str
    name: str
    lane: str
    form_key: str
    case_status: str
    due_variable: str
    data: dict
    boundary_timer_due: datetime | None


@dataclass(frozen=True)
class WaitingTimer:
    guid: str
    bpmn_id: str
    name: str
    due_at: datetime


@dataclass(frozen=True)
class Snapshot:
    ready: list  # [ReadyTask] in tree order
    timers: list  # [WaitingTimer]
    data: dict  # the diagram's variables as they stand
    completed: bool


@dataclass(frozen=True)
class ThrownEvent:
    name: str


def _timer_due(task):
    value = task._get_internal_data("event_value")
    if value is None:
        return None
    if isinstance(value, dict):  # cycle timers keep {"next": iso, ...}
        value = value.get("next")
    return TimerEventDefinition.get_datetime(value) if isinstance(value, str) else None


def _is_timer(task):
    return isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition)


class CaseRuntime:
    def __init__(self, workflow):
        self._wf = workflow

    # ---- construction ------------------------------------------------------------------------------
    @classmethod
    def start(cls, parsed, functions, initial_data):
        wf = CaseWorkflow(parsed.spec, parsed.subprocess_specs, script_engine=RestrictedScriptEngine(functions))
        for task in wf.get_tasks(state=TaskState.READY):
            task.data.update(initial_data)
        runtime = cls(wf)
        runtime._run_engine()
        return runtime

    @classmethod
    def load(cls, parsed, functions, state_text):
        wf = serializer.loads(state_text, parsed.spec, parsed.subprocess_specs)
        # The script engine is not serialized: without this line the sandbox would be silently lost.
        wf.script_engine = RestrictedScriptEngine(functions)
        return cls(wf)

    def rebind(self, functions):
        """Attach a fresh script environment (new clock reads, a new calendar snapshot) to a cached runtime."""
        self._wf.script_engine = RestrictedScriptEngine(functions)

    def dump(self):
        return serializer.dumps(self._wf)

    # ---- reading -----------------------------------------------------------------------------------
    @property
    def is_completed(self):
        return self._wf.completed

    def snapshot(self):
        """Ready manual tasks, waiting timers and where the variables stand, read in one walk of the tree
        (every save needs all three)."""
        ready, timer_tasks = [], []
        for task in self._all_tasks():
            state = task.state
            if state == TaskState.READY and task.task_spec.manual:
                ready.append(task)
            elif state == TaskState.WAITING and _is_timer(task):
                timer_tasks.append(task)
        timers, dues_by_parent = [], {}
        for task in timer_tasks:
            due = _timer_due(task)
            if due is not None:
                timers.append(WaitingTimer(str(task.id), task.task_spec.bpmn_id or task.task_spec.name,
                                           task.task_spec.bpmn_name or "", due))
                dues_by_parent.setdefault(task._parent, []).append((task.id, due))
        return Snapshot([self._ready_task(t, dues_by_parent) for t in ready], timers, self._latest_data(ready),
                        self._wf.completed)

    def waiting_timers(self):
        return self.snapshot().timers

    @staticmethod
    def _ready_task(task, dues_by_parent):
        spec = task.task_spec
        props = spec.extensions.get("properties", {}) if hasattr(spec, "extensions") else {}
        # A boundary timer is a sibling of its task under the boundary-event split: the earliest one counts.
        boundary = [due for timer_id, due in dues_by_parent.get(task._parent, ()) if timer_id != task.id]
        return ReadyTask(guid=str(task.id), bpmn_id=spec.bpmn_id or spec.name, name=spec.bpmn_name or spec.name,
                         lane=spec.lane or "", form_key=props.get("formKey", ""),
                         case_status=props.get("caseStatus", ""), due_variable=props.get("dueVariable", ""),
                         data=dict(task.data), boundary_timer_due=min(boundary) if boundary else None)

    def _latest_data(self, ready):
        """Where the diagram's variables stand: the newest READY tasks win over the last completed one."""
        last = self._wf.last_task
        # The newest task can be an internal join with no data; then the workflow's data is the answer.
        merged = dict(last.data) if last is not None and last.data else dict(self._wf.data or {})
        if self._wf.completed:
            merged.update(self._wf.data or {})
            return merged
        for task in sorted(ready, key=lambda t: t.last_state_change):
            merged.update(task.data)
        return merged

    def drain_events(self):
        return [ThrownEvent(getattr(e.event_definition, "name", "") or "") for e in self._wf.get_events()]

    def replace_values(self, mapping):
        """Replace every data value (and timer expiry) equal to a key of `mapping` by its value.

        Used when provisional deadlines are recomputed: the recorded old moments are exact ISO strings,
        so they are found wherever scripts copied them. Returns how many places changed."""
        changed = 0

        def swap(value):
            nonlocal changed
            if isinstance(value, str) and value in mapping:
                changed += 1
                return mapping[value]
            if isinstance(value, list):
                return [swap(v) for v in value]
            if isinstance(value, dict):
                return {k: swap(v) for k, v in value.items()}
            return value

        for task in self._wf.get_tasks():
            task.data = swap(task.data)
            if isinstance(task.internal_data.get("event_value"), str):
                task.internal_data["event_value"] = swap(task.internal_data["event_value"])
        self._wf.data = swap(self._wf.data)
        serializer.forget(self._wf)  # finished tasks changed in place
        return changed

    def ready_task_data(self, guid):
        """A copy of the data of the READY manual task `guid`, or None when it is not (or no longer) ready."""
        try:
            task = self._get(guid)
        except TaskNotReadyError:
            return None
        return dict(task.data) if task.state == TaskState.READY and task.task_spec.manual else None

    # ---- acting ------------------------------------------------------------------------------------
    def complete(self, guid, data):
        task = self._get(guid)
        if task.state != TaskState.READY or not task.task_spec.manual:
            raise TaskNotReadyError(f"task {guid} is not ready")
        task.data.update(data)
        try:
            task.run()
        except (SpiffWorkflowException, SandboxError) as exc:
            raise EngineError(str(exc), task.task_spec.bpmn_id) from exc
        self._run_engine()

    def send_message(self, name, payload):
        """Deliver message `name` to the element waiting for it (e.g. an interrupting boundary event); the
        payload becomes variables of the path it starts. NotWaitingError when nothing waits for it."""
        event = BpmnEvent(MessageEventDefinition(name), payload=dict(payload))
        try:
            self._wf.send_event(event)
        except SpiffWorkflowException as exc:
            raise NotWaitingError(str(exc)) from exc
        self._run_engine()

    def fire_due_timers(self):
        """Fire what the clock says is due; a just-fired task needs a second pass to run."""
        self._run_engine()

    def _run_engine(self):
        try:
            for _ in range(10):
                self._wf.refresh_timers()
                self._wf.do_engine_steps()
                if not self._engine_task_ready():
                    break
        except (SpiffWorkflowException, SandboxError, TypeError, ValueError, KeyError, NameError) as exc:
            raise EngineError(str(exc), getattr(getattr(exc, "task", None), "task_spec", None)
                              and exc.task.task_spec.bpmn_id) from exc

    def _engine_task_ready(self):
        """Is an engine task READY, e.g. a timer that do_engine_steps' closing refresh fired?"""
        return any(task.state == TaskState.READY and not task.task_spec.manual for task in self._all_tasks())

    def _all_tasks(self):
        """Every task of the workflow and its subprocesses, in creation order: a plain look at their task
        tables, several times cheaper than SpiffWorkflow's tree walk (get_tasks), which looks up each task's
        children and subprocess by id. Only for questions where the walk's order does not matter."""
        for workflow in (self._wf, *self._wf.subprocesses.values()):
            yield from workflow.tasks.values()

    def _get(self, guid):
        try:
            task = self._wf.get_task_from_id(UUID(guid))
        except (ValueError, KeyError):
            task = None
        if task is None:
            raise TaskNotReadyError(f"task {guid} does not exist in this case")
        return task

