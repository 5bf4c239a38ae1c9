"""Serialized workflow state without the embedded spec, which is re-attached from the cached version.

Every step of a case stores its whole workflow, so `dumps` is on the hot path of every request. Two things
keep it cheap: a finished task (COMPLETED or CANCELLED) never changes again, so its dictionary is kept on the
workflow and reused while the task, its data and its parent's data are the very same objects (an unfinished
task without data of its own, likewise, while its parent's keys stay the same); and the JSON is
written by orjson. The stored format is exactly SpiffWorkflow's (spec-less).

`loads` is on the path of every case not in the process's runtime cache: each case a timer sweep fires, and a
request after a restart. It reads the JSON with orjson and restores tasks as SpiffWorkflow's TaskConverter
does, without its generic dispatch and with each task id parsed once (a task's id is written up to four
times: as its key, its id, its children's parent and its parent's child).
"""
import json
import threading
import zlib
from copy import copy
from functools import partial
from uuid import UUID

import orjson
import zstandard
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import (BpmnSubWorkflowConverter, BpmnWorkflowConverter,
                                                             TaskConverter)
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.util.subworkflow import BpmnSubWorkflow
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

from .task_walk import CaseSubWorkflow, CaseWorkflow

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


def _task_restorer(converter):
    """restore(dct, workflow, load): the task from its dictionary, by `_task_from_dict` for the task types whose
    registered restorer is SpiffWorkflow's own TaskConverter, else by the registry. Built on first use."""
    restore = getattr(converter, "_task_restore", None)
    if restore is None:
        restore = converter._task_restore = _build_task_restorer(converter.registry)
    return restore


def _build_task_restorer(registry):
    fast = {}
    for typename, from_dict in registry.convert_from_dict.items():
        bound = from_dict.args[0] if isinstance(from_dict, partial) and from_dict.args else None
        if getattr(bound, "__func__", None) is TaskConverter.from_dict:
            fast[typename] = bound.__self__.target_class

    def restore(dct, workflow, load):
        cls = fast.get(dct.get("typename"))
        if cls is None:
            return registry.restore(dct, workflow=workflow)
        return _task_from_dict(registry, dct, workflow, cls, load)
    restore.fast_types = fast  # {typename: task class} taking the direct path
    return restore


class _Load:
    """One load's memory: each id text's UUID, and per task the keys of its data whose values are mutable
    (dictionaries, lists, sets), which a child's copy of that data must copy in turn."""
    __slots__ = ("ids", "mutable")

    def __init__(self):
        self.ids, self.mutable = {}, {}

    def uuid(self, text):
        value = self.ids.get(text)
        if value is None:
            value = self.ids[text] = UUID(text)
        return value


_MUTABLE = (dict, list, set)


def _mutable_keys(data):
    return [key for key, value in data.items() if isinstance(value, _MUTABLE)]


def _task_from_dict(registry, dct, workflow, cls, load):
    """What TaskConverter.from_dict makes of `dct` (see SpiffWorkflow's serializer/default/workflow.py): the
    same task, state, links and data. The parent's data is copied as DeepMerge.merge({}, parent.data) copies
    it: one level deep for dictionaries, lists and sets, so no two tasks share a mutable value."""
    task_spec = workflow.spec.task_specs.get(dct["task_spec"])
    task = cls(workflow, task_spec, state=dct["state"], id=load.uuid(dct["id"]))
    parent_id = dct["parent"]
    task._parent = load.uuid(parent_id) if parent_id is not None else None
    task._children = [load.uuid(child) for child in dct["children"]]
    task.last_state_change = dct["last_state_change"]
    task.triggered = dct["triggered"]
    internal = dct["internal_data"]
    task.internal_data = registry.restore(internal) if internal else {}
    if isinstance(task_spec, CatchingEvent) and task.has_state(TaskState.WAITING):
        workflow.top_workflow.event_manager.add_task(task)
    delta = dct.get("delta")
    parent = task.parent if delta else None
    if parent is not None:
        data = parent.data.copy()
        mutable = load.mutable.get(parent.id)
        if mutable is None:  # a parent restored by the registry
            mutable = _mutable_keys(data)
        for key in mutable:
            data[key] = copy(data[key])
        updates = delta.get("updates")
        if updates:
            updates = registry.restore(updates)
            data.update(updates)
            mutable = mutable + _mutable_keys(updates)
        deletions = delta.get("deletions")
        if deletions:
            for key in deletions:
                data.pop(key, None)
            mutable = [key for key in mutable if key in data]
    else:
        data = registry.restore(dct["data"])
        mutable = _mutable_keys(data)
    task.data = data
    load.mutable[task.id] = mutable
    return task


def _tasks_from_dict(converter, tasks, workflow):
    """Like `mapping_from_dict(tasks, UUID, workflow=workflow)`, in the same order (a parent before its
    children, as they were created)."""
    restore, load, result = _task_restorer(converter), _Load(), {}
    for key, dct in tasks.items():
        result[load.uuid(key)] = restore(dct, workflow, load)
    return result


class MemoSubWorkflowConverter(BpmnSubWorkflowConverter):
    """A case's called subprocess: written as SpiffWorkflow writes a BpmnSubWorkflow, read back as a CaseSubWorkflow
    (task_walk.py)."""

    def __init__(self, target_class, registry, typename=None):
        super().__init__(CaseSubWorkflow, registry, "BpmnSubWorkflow")  # registers CaseSubWorkflow under that typename
        registry.register(BpmnSubWorkflow, self.to_dict, self.from_dict, "BpmnSubWorkflow")

    def to_dict(self, workflow):
        dct = _workflow_dict(self, workflow)
        dct["parent_task_id"] = str(workflow.parent_task_id)
        dct["spec"] = workflow.spec.name
        return dct

    def from_dict(self, dct, task, top_workflow):
        spec = top_workflow.subprocess_specs.get(task.task_spec.spec)
        subprocess = self.target_class(spec, task.id, top_workflow, deserializing=True)
        subprocess.tasks = _tasks_from_dict(self, dct["tasks"], subprocess)
        subprocess.task_tree = subprocess.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(subprocess, dct)
        return subprocess


class SpeclessWorkflowConverter(BpmnWorkflowConverter):
    """A case's workflow without its spec. Cases run as CaseWorkflow (task_walk.py) and are written as SpiffWorkflow
    writes a BpmnWorkflow, typename included; what is read back is a CaseWorkflow, also from states stored before it.
    A plain BpmnWorkflow is written the same way."""

    def __init__(self, target_class, registry, typename=None):
        super().__init__(CaseWorkflow, registry, "BpmnWorkflow")  # registers CaseWorkflow under that typename
        registry.register(BpmnWorkflow, self.to_dict, self.from_dict, "BpmnWorkflow")

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
        workflow.tasks = _tasks_from_dict(self, dct["tasks"], workflow)
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


# Stored states are zstd frames (level 1: smaller than zlib's level 6 and faster than its level 1, to write and to
# read back); states written before as zlib streams stay readable (a zstd frame starts with its magic number, a
# zlib stream never does).
# A ZstdCompressor / ZstdDecompressor must not be used by two threads at once (python-zstandard: "not thread safe";
# shared ones corrupted states and crashed the process when the web server's threads or concurrent timer sweepers
# saved cases together), so each thread keeps its own pair.
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_zstd = threading.local()


def _compressor():
    compressor = getattr(_zstd, "compressor", None)
    if compressor is None:
        compressor = _zstd.compressor = zstandard.ZstdCompressor(level=1)
    return compressor


def _decompressor():
    decompressor = getattr(_zstd, "decompressor", None)
    if decompressor is None:
        decompressor = _zstd.decompressor = zstandard.ZstdDecompressor()
    return decompressor


def dumps(workflow):
    dct = _serializer.to_dict(workflow)
    dct["format"] = FORMAT
    return _compressor().compress(_json(dct))


def _json(dct):
    """The JSON text; keys that are not strings (a diagram may build a dictionary keyed by numbers) are
    written as strings, as json does. orjson checks for them only when asked to, which costs more than the
    whole rest of its work: asked only when a state needs it."""
    try:
        return orjson.dumps(dct)
    except TypeError:
        return orjson.dumps(dct, option=orjson.OPT_NON_STR_KEYS)


def decompress(blob):
    """The JSON text of a stored state, zstd (now) or zlib (before)."""
    blob = bytes(blob)
    return _decompressor().decompress(blob) if blob[:4] == _ZSTD_MAGIC else zlib.decompress(blob)


def loads(blob, spec, subprocess_specs):
    text = decompress(blob)
    try:
        dct = orjson.loads(text)
    except orjson.JSONDecodeError:  # what orjson refuses and json reads (NaN in a state json once wrote)
        dct = json.loads(text)
    if dct.pop("format", None) != FORMAT:
        raise ValueError("workflow state was written by another serializer version; migrate it first")
    return _serializer.from_dict(dct, spec=spec, subprocess_specs=subprocess_specs)
