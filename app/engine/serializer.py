"""Serialized workflow state without the embedded spec, which is re-attached from the cached version.

Every step of a case stores its whole workflow, so `dumps` is on the hot path of every request. Two things
keep it cheap: a finished task (COMPLETED or CANCELLED) never changes again, so its dictionary is kept on the
workflow and reused while the task, its data and its parent's data are the very same objects (an unfinished
task without data of its own, likewise, while its parent's keys stay the same); and the JSON is
written by orjson. The stored format is exactly SpiffWorkflow's (spec-less), so `loads` needs neither trick.
"""
import json
import zlib
from functools import partial
from uuid import UUID

import orjson
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import (BpmnSubWorkflowConverter, BpmnWorkflowConverter,
                                                             TaskConverter)
from SpiffWorkflow.bpmn.util.subworkflow import BpmnSubWorkflow
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

_FINISHED = TaskState.COMPLETED | TaskState.CANCELLED  # not ERROR: an errored task can be retried
_MEMO = "_hazard_task_dicts"  # on a (sub)workflow: {id(task): _Entry}
_UNKNOWN = object()  # the parent of an entry that only remembers the task's key


class _Entry:
    """What a task's dictionary was made from. Keyed by id(task) and holding the task itself (so the id
    cannot be reused while the entry lives): an int key hashes in C, a UUID key in Python, and the task's
    id string is kept instead of being formatted again on every save."""
    __slots__ = ("task", "key", "signature", "data", "parent", "parent_data", "parent_keys", "dct")

    def __init__(self, task, key, signature, data, parent, parent_data, parent_keys, dct):
        self.task, self.key, self.signature, self.data = task, key, signature, data
        self.parent, self.parent_data, self.parent_keys, self.dct = parent, parent_data, parent_keys, dct


def _signature(task):
    return (task.state, task.last_state_change, task.triggered, tuple(task._children), len(task.data),
            id(task.internal_data), len(task.internal_data))


def _task_converter(converter):
    """convert(task, parent, key): `registry.convert(task)`, or `_task_dict` for the task classes whose registered
    converter is SpiffWorkflow's own TaskConverter (the same dictionary without the registry's generic
    dispatch). Built on first use, when every converter has registered."""
    convert = getattr(converter, "_task_convert", None)
    if convert is None:
        convert = converter._task_convert = _build_task_converter(converter.registry)
    return convert


def _build_task_converter(registry):
    fast = {}
    for cls, typename in registry.typenames.items():
        to_dict = registry.convert_to_dict.get(typename)
        bound = to_dict.args[1] if isinstance(to_dict, partial) and len(to_dict.args) > 1 else None
        if getattr(bound, "__func__", None) is TaskConverter.to_dict:
            fast[cls] = typename

    def convert(task, parent, key):
        typename = fast.get(task.__class__)
        return registry.convert(task) if typename is None else _task_dict(registry, task, parent, key, typename)
    convert.fast_types = fast  # {task class: typename} taking the direct path
    return convert


def _task_dict(registry, task, parent, key, typename):
    """What TaskConverter.to_dict writes (data as a delta from the parent's, see SpiffWorkflow's
    serializer/default/workflow.py), key for key and in the same order: the stored bytes do not change."""
    data = task.data
    if parent is None:
        delta = {}
    else:
        parent_data = parent.data
        delta = {"updates": {name: value for name, value in data.items()
                             if name not in parent_data or value != parent_data[name]},
                 "deletions": [name for name in parent_data if name not in data]}
        data = {}
    internal = task.internal_data
    return {"id": key, "parent": str(task._parent) if parent is not None else None,
            "children": [str(child) for child in task._children], "last_state_change": task.last_state_change,
            "state": task.state, "task_spec": task.task_spec.name, "triggered": task.triggered,
            "internal_data": registry.convert(internal) if internal else {}, "data": data, "delta": delta,
            "typename": typename}


def _tasks_to_dict(converter, workflow):
    """Like `mapping_to_dict(workflow.tasks)`, reusing the dictionaries of unchanged tasks: finished ones, and
    unfinished ones that hold no data of their own (predicted branches, mostly). The latter's dictionary
    lists their parent's keys as deletions, so those keys are part of what must not have changed."""
    previous = getattr(workflow, _MEMO, {})
    memo, result = {}, {}
    convert = _task_converter(converter)
    for task_id, task in workflow.tasks.items():
        entry = previous.get(id(task))
        if entry is not None and entry.task is not task:
            entry = None
        finished = task.state & _FINISHED
        if not finished and (task.data or task.internal_data):  # changes with every step: converted afresh
            key = entry.key if entry is not None else str(task_id)
            memo[id(task)] = _Entry(task, key, None, None, _UNKNOWN, None, None, None)
            result[key] = convert(task, task.parent, key)
            continue
        # A task's parent never changes, so a remembered parent object is still the right one.
        parent = entry.parent if entry is not None and entry.parent is not _UNKNOWN else task.parent
        parent_data = parent.data if parent is not None else None
        parent_keys = None if finished or parent_data is None else tuple(parent_data)
        signature = _signature(task)
        if entry is not None and entry.signature == signature and entry.data is task.data \
                and entry.parent_data is parent_data and entry.parent_keys == parent_keys:
            memo[id(task)] = entry
        else:
            key = entry.key if entry is not None else str(task_id)
            entry = memo[id(task)] = _Entry(task, key, signature, task.data, parent, parent_data, parent_keys,
                                            convert(task, parent, key))
        result[entry.key] = entry.dct
    setattr(workflow, _MEMO, memo)
    return result


def forget(workflow):
    """Drop the reused task dictionaries after changing finished tasks in place (data rewrite, migration)."""
    for wf in [workflow, *getattr(workflow, "subprocesses", {}).values()]:
        if hasattr(wf, _MEMO):
            delattr(wf, _MEMO)


def _workflow_dict(converter, workflow):
    registry = converter.registry
    return {
        "data": registry.convert(registry.clean(workflow.data)),
        "correlations": workflow.correlations,
        "last_task": str(workflow.last_task.id) if workflow.last_task is not None else None,
        "success": workflow.success,
        "completed": workflow.completed,
        "tasks": _tasks_to_dict(converter, workflow),
        "root": str(workflow.task_tree.id),
    }


class MemoSubWorkflowConverter(BpmnSubWorkflowConverter):
    def to_dict(self, workflow):
        dct = _workflow_dict(self, workflow)
        dct["parent_task_id"] = str(workflow.parent_task_id)
        dct["spec"] = workflow.spec.name
        return dct


class SpeclessWorkflowConverter(BpmnWorkflowConverter):
    def to_dict(self, workflow):
        dct = _workflow_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None):
        dct = dict(dct, spec=None, subprocess_specs=None)
        dct.pop("spec")
        dct.pop("subprocess_specs")
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


_config = dict(SPIFF_CONFIG)
_config[BpmnWorkflow] = SpeclessWorkflowConverter
_config[BpmnSubWorkflow] = MemoSubWorkflowConverter
_serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(_config))
FORMAT = "hazard-spiff-3.2/" + _serializer.VERSION


def dumps(workflow):
    dct = _serializer.to_dict(workflow)
    dct["format"] = FORMAT
    # Level 1: most of the size win of zlib for a fraction of its time.
    return zlib.compress(orjson.dumps(dct, option=orjson.OPT_NON_STR_KEYS), 1)


def loads(blob, spec, subprocess_specs):
    dct = json.loads(zlib.decompress(blob))
    if dct.pop("format", None) != FORMAT:
        raise ValueError("workflow state was written by another serializer version; migrate it first")
    return _serializer.from_dict(dct, spec=spec, subprocess_specs=subprocess_specs)
