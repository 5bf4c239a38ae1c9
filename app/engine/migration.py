"""Moving a running case's workflow onto another process version (SpiffWorkflow's diff/migrate utilities).

A task whose spec changed (or vanished) in the new version may only be moved while it has not started: a
completed or started task that changed would leave the case with a history the new diagram cannot explain.
READY and WAITING tasks are reset and predicted again from the new spec (timers re-evaluate their expression,
user tasks keep their id so claims survive).
"""
from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.util.diff import diff_workflow, filter_tasks, migrate_workflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

from . import serializer
from .task_walk import CaseEndJoin

# Task specs are compared through their serialized form, so the registry must match the parser family (and
# know a case's end joins as what they are written as, SpiffWorkflow's _EndJoin).
_registry = BpmnWorkflowSerializer.configure(SPIFF_CONFIG)
_registry.typenames[CaseEndJoin] = "_EndJoin"
_BLOCKING = TaskState.COMPLETED | TaskState.STARTED


@dataclass
class MigrationCheck:
    can_move: bool
    reasons: list = field(default_factory=list)  # why it cannot move (empty when it can)
    reset: list = field(default_factory=list)  # elements that will be reset and re-predicted


def _label(task):
    spec = task.task_spec
    name = getattr(spec, "bpmn_name", None) or ""
    return f"{getattr(spec, 'bpmn_id', None) or spec.name}{f' ({name})' if name else ''}"


def _state(task):
    return ("已完成", "completed") if task.state == TaskState.COMPLETED else ("已开始", "started")


def _blockers(diff, where=""):
    """Reasons in the app's "中文 / English" message style."""
    reasons = []
    for task in filter_tasks(diff.changed, state=_BLOCKING):
        zh, en = _state(task)
        reasons.append(f"{where}{_label(task)} {zh}，但新版本修改了它 / {en} but changed in the new version")
    for task in filter_tasks(diff.removed, state=_BLOCKING):
        zh, en = _state(task)
        reasons.append(f"{where}{_label(task)} {zh}，但新版本删除了它 / {en} but removed from the new version")
    return reasons


def _diffs(workflow, parsed):
    return diff_workflow(_registry, workflow, parsed.spec, parsed.subprocess_specs)


def check(runtime, parsed):
    """Whether the runtime's workflow can move to `parsed` (a ParsedProcess), and if not, why."""
    workflow = runtime._wf
    top, sub_diffs = _diffs(workflow, parsed)
    reasons = _blockers(top)
    for sp_id, sp_diff in sub_diffs.items():
        sub = workflow.subprocesses[sp_id]
        if sp_diff is None:
            reasons.append(f"被调用的流程 {sub.spec.name} 正在运行，但新版本中没有它 / called process "
                           f"{sub.spec.name} is running but missing from the new version")
        else:
            reasons.extend(_blockers(sp_diff, where=f"{sub.spec.name}: "))
    mask = TaskState.READY | TaskState.WAITING
    reset = sorted({_label(t) for t in filter_tasks(top.changed, state=mask) if t.task_spec.bpmn_id})
    return MigrationCheck(not reasons, reasons, reset)


def migrate(runtime, parsed):
    """Move the workflow to the new spec in place; the caller saves it. Raises ValueError if it cannot move."""
    result = check(runtime, parsed)
    if not result.can_move:
        raise ValueError("; ".join(result.reasons))
    workflow = runtime._wf
    top, sub_diffs = _diffs(workflow, parsed)
    migrate_workflow(top, workflow, parsed.spec)
    for sp_id, sub in workflow.subprocesses.items():
        migrate_workflow(sub_diffs[sp_id], sub, parsed.subprocess_specs.get(sub.spec.name))
    workflow.subprocess_specs = parsed.subprocess_specs
    serializer.forget(workflow)  # finished tasks may now name other specs
    runtime.fire_due_timers()  # runs the engine: reset tasks become READY / WAITING again
    return result
