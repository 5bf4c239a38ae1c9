"""Read-only questions about diagrams and running workflows that need SpiffWorkflow's own rules:
is a timer value something the engine accepts, and where does a workflow stand element by element."""
from datetime import datetime

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.util.task import TaskState

TIMER_KINDS = ("timeDate", "timeDuration", "timeCycle")


def timer_value_problem(kind, value):
    """None when the engine accepts `value` for a timer of `kind`, else what is wrong with it.

    timeDate: an ISO 8601 date-time (or week date); timeDuration: an ISO 8601 duration (PT2H, P3D);
    timeCycle: an ISO 8601 repeating interval (R3/PT1H, R/2026-01-01T09:00/P1D)."""
    if not isinstance(value, str):
        return f"evaluates to {type(value).__name__} {value!r}, not a string"
    try:
        if kind == "timeDate":
            parsed = TimerEventDefinition.parse_time_or_duration(value)
            if not isinstance(parsed, datetime):
                return f"{value!r} is a duration; a timeDate needs a date-time"
        elif kind == "timeDuration":
            TimerEventDefinition.parse_iso_duration(value)
            if not value.upper().startswith("P"):
                return f"{value!r} is not an ISO 8601 duration"
        elif kind == "timeCycle":
            if not value.upper().startswith("R"):
                return f"{value!r} is not an ISO 8601 repeating interval (R<n>/<duration>)"
            TimerEventDefinition.parse_iso_recurring_interval(value)
        else:
            return f"unknown timer kind {kind}"
    except Exception as exc:  # the engine's parsers raise bare Exception / ValueError / AttributeError
        return f"{value!r} is not a valid {kind} ({exc or type(exc).__name__})"
    return None


def element_states(runtime):
    """{bpmn id: "completed" | "current" | "waiting"} over the workflow and its called processes.

    The newest state wins for elements run more than once (a second rectification round is current even
    though the first one completed)."""
    workflow = runtime._wf
    states = {}
    tasks = list(workflow.get_tasks())
    tasks.sort(key=lambda t: t.last_state_change or 0)
    for task in tasks:
        bpmn_id = getattr(task.task_spec, "bpmn_id", None)
        if not bpmn_id:
            continue
        if task.state == TaskState.COMPLETED:
            states[bpmn_id] = "completed"
        elif task.state in (TaskState.READY, TaskState.STARTED, TaskState.ERROR):
            states[bpmn_id] = "current"
        elif task.state == TaskState.WAITING:
            states[bpmn_id] = "waiting"
    return states
