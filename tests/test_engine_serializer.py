"""The stored state: `serializer.dumps` reuses finished tasks' dictionaries between steps; what it writes must
be exactly what SpiffWorkflow's own serializer writes for the same workflow at every step (joint verification
with its called subprocesses, a failed round, fired timers), and a rewrite of finished tasks must show."""
import json
import zlib
from datetime import timedelta

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.task import Task

from app.clock import clock
from app.engine import CaseRuntime, serializer
from app.engine.task_walk import CaseEndJoin, CaseSubWorkflow, CaseWorkflow
from app.extensions import db
from app.services import processes
from app.services.script_functions import ScriptFunctions
from app.services.uow import UnitOfWork

_stock = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
# a case's workflow and its called subprocesses are a BpmnWorkflow and BpmnSubWorkflows to SpiffWorkflow
_stock.registry.typenames[CaseWorkflow] = "BpmnWorkflow"
_stock.registry.typenames[CaseSubWorkflow] = "BpmnSubWorkflow"
_stock.registry.typenames[CaseEndJoin] = "_EndJoin"
SPEC_KEYS = ("spec", "subprocess_specs")


def stored(runtime):
    dct = json.loads(serializer.decompress(runtime.dump()))
    assert dct.pop("format") == serializer.FORMAT
    return dct


def stock(runtime):
    dct = _stock.to_dict(runtime._wf)
    for key in SPEC_KEYS:
        dct.pop(key)
    return json.loads(json.dumps(dct))  # the same JSON types as a stored state (tuples become lists)


def start(score):
    with UnitOfWork() as uow:
        version = processes.deployed_version(uow)
    return CaseRuntime.start(processes.parsed_for(version), ScriptFunctions().as_dict(), {
        "case_id": 1, "case_code": "YH-2026-000001", "enterprise_id": 1, "score": score, "legal_major": False,
        "hazard_type": "electrical", "description": "d", "place": "p", "inspector": "insp",
        "registered_at": clock.local_now().isoformat()}), version


def complete(runtime, form_key, data):
    task = next(t for t in runtime.snapshot().ready if t.form_key == form_key)
    runtime.complete(task.guid, data)


RECTIFY = {"measures": "m", "progress_percent": 100, "completed": True, "responsible_person": "陈"}


def test_every_step_of_a_joint_verification_case_matches_the_stock_serializer():
    runtime, version = start(score=60)  # major: bureau and expert verify in a called subprocess
    steps = [
        ("assignment", {"rectification_requirements": "整改", "contact_person": "陈", "contact_phone": "13800000000"}),
        ("rectification", RECTIFY),
        ("joint_verification_bureau", {"bureau_passed": True, "bureau_opinion": "同意"}),
        ("joint_verification_expert", {"expert_passed": False, "expert_opinion": "不同意",
                                       "expert_added_requirements": "补充"}),
        ("rectification", RECTIFY),
        ("joint_verification_expert", {"expert_passed": True, "expert_opinion": "同意"}),
        ("joint_verification_bureau", {"bureau_passed": True, "bureau_opinion": "同意"}),
    ]
    assert stored(runtime) == stock(runtime)
    for form_key, data in steps:
        complete(runtime, form_key, data)
        assert stored(runtime) == stock(runtime), form_key
        assert stored(runtime) == stock(runtime), f"{form_key}, dumped twice"
    assert runtime.is_completed
    # and what was stored loads back into the same workflow
    parsed = processes.parsed_for(version)
    again = CaseRuntime.load(parsed, ScriptFunctions().as_dict(), runtime.dump())
    assert stored(again) == stock(runtime)


def test_fired_timers_and_rewritten_finished_tasks_show_in_the_next_dump():
    runtime, _ = start(score=90)
    runtime.dump()
    clock.set(clock.now() + timedelta(hours=3))  # the 2-hour assignment deadline passes
    runtime.fire_due_timers()
    assert stored(runtime) == stock(runtime)
    due = runtime.snapshot().data["assignment_due"]  # also the fired timer's (finished task's) event value
    # a provisional-deadline recomputation rewrites values inside finished tasks in place
    assert runtime.replace_values({due: "2026-11-23T12:00:00+08:00"}) > 0
    assert due not in json.dumps(stored(runtime)["tasks"], ensure_ascii=False)
    assert stored(runtime) == stock(runtime)


def test_a_runtime_loaded_from_storage_dumps_the_same_bytes_it_was_loaded_from():
    runtime, version = start(score=90)
    complete(runtime, "assignment", {"rectification_requirements": "整改", "contact_person": "陈",
                                     "contact_phone": "13800000000"})
    blob = runtime.dump()
    again = CaseRuntime.load(processes.parsed_for(version), ScriptFunctions().as_dict(), blob)
    assert again.dump() == blob
    db.session.rollback()


def test_states_are_zstd_frames_and_states_stored_as_zlib_before_still_load():
    runtime, version = start(score=90)
    complete(runtime, "assignment", {"rectification_requirements": "整改", "contact_person": "陈",
                                     "contact_phone": "13800000000"})
    blob = runtime.dump()
    assert blob[:4] == b"\x28\xb5\x2f\xfd"  # zstd's magic number
    text = serializer.decompress(blob)
    old = zlib.compress(text, 6)  # as every state was stored until 2026-11-30
    again = CaseRuntime.load(processes.parsed_for(version), ScriptFunctions().as_dict(), old)
    assert again.dump() == blob
    assert len(blob) < len(old)
    db.session.rollback()


def test_a_dictionary_keyed_by_numbers_in_the_data_is_stored_with_string_keys_as_json_would():
    runtime, version = start(score=90)
    task = next(t for t in runtime.snapshot().ready if t.form_key == "assignment")
    runtime._get(task.guid).data["by_month"] = {1: "一月", 2: "二月"}  # what a script task could do
    stored_data = json.loads(serializer.decompress(runtime.dump()))["tasks"]
    assert any(d["data"].get("by_month") == {"1": "一月", "2": "二月"} or
               d["delta"].get("updates", {}).get("by_month") == {"1": "一月", "2": "二月"} for d in stored_data.values())
    db.session.rollback()


def test_a_predicted_task_follows_its_parents_keys():
    """A data-less unfinished task is stored as a delta listing its parent's keys as deletions: when the
    parent's data gains a key in place, the reused dictionary must not be the old one."""
    runtime, _ = start(score=90)
    assert stored(runtime) == stock(runtime)
    ready = next(t for t in runtime._wf.get_tasks() if t.task_spec.manual and t.children)
    assert any(not child.data for child in ready.children)
    ready.data["draft_note"] = "先记下"  # same dictionary object, one key more
    assert stored(runtime) == stock(runtime)


def test_tasks_take_the_direct_path_and_write_what_the_stock_converter_writes():
    """Tasks are converted by `_task_dict` (not the registry's generic dispatch) as long as SpiffWorkflow's own
    TaskConverter is the registered one, and each task's dictionary is the stock one, key order included."""
    runtime, _ = start(score=90)
    complete(runtime, "assignment", {"rectification_requirements": "整改", "contact_person": "陈",
                                     "contact_phone": "13800000000"})
    registry = serializer._serializer.registry
    workflow_converter = registry.convert_to_dict["BpmnWorkflow"].args[1].__self__
    convert = serializer._task_converter(workflow_converter)
    for task in runtime._wf.get_tasks():
        mine = convert(task, task.parent, str(task.id))
        assert list(mine.items()) == list(registry.convert(task).items())
    assert convert.fast_types == {Task: "Task"}


def _task_facts(workflow):
    """Everything a loaded task carries, comparable across two loads of the same state."""
    return {str(task.id): (task.task_spec.name, task.state, str(task._parent), [str(c) for c in task._children],
                           task.last_state_change, task.triggered, task.data, task.internal_data)
            for task in workflow.tasks.values()}


def _loaded_both_ways(runtime, version):
    """The runtime's state loaded by `serializer.loads` and by SpiffWorkflow's own serializer."""
    parsed = processes.parsed_for(version)
    mine = serializer.loads(runtime.dump(), parsed.spec, parsed.subprocess_specs)
    theirs = _stock.from_dict(json.loads(json.dumps(_stock.to_dict(runtime._wf))))
    return mine, theirs


def test_a_loaded_state_is_what_the_stock_serializer_loads_subprocesses_and_waiting_events_included():
    runtime, version = start(score=60)  # joint verification runs in a called subprocess
    subprocesses_seen = 0
    for form_key, data in [
            ("assignment", {"rectification_requirements": "整改", "contact_person": "陈",
                            "contact_phone": "13800000000"}),
            ("rectification", dict(RECTIFY, after_photos=["0123456789abcdef"])),
            ("joint_verification_bureau", {"bureau_passed": True, "bureau_opinion": "同意"})]:
        complete(runtime, form_key, data)
        mine, theirs = _loaded_both_ways(runtime, version)
        assert _task_facts(mine) == _task_facts(theirs), form_key
        assert list(mine.tasks) == list(theirs.tasks)  # the same order: parents before children
        assert sorted(mine.subprocesses) == sorted(theirs.subprocesses)
        subprocesses_seen += len(mine.subprocesses)
        for key, sub in mine.subprocesses.items():
            assert _task_facts(sub) == _task_facts(theirs.subprocesses[key])
        assert list(mine.event_manager.tasks) == list(theirs.event_manager.tasks)  # waiting catch events
        assert all(mine.event_manager.tasks[key] is mine.get_task_from_id(key) for key in mine.event_manager.tasks)
        assert mine.task_tree.id == theirs.task_tree.id and mine.last_task.id == theirs.last_task.id
    assert subprocesses_seen and mine.event_manager.tasks


def test_loaded_tasks_share_no_mutable_value_and_each_id_is_parsed_once():
    runtime, version = start(score=90)
    complete(runtime, "assignment", {"rectification_requirements": "整改", "contact_person": "陈",
                                     "contact_phone": "13800000000"})
    complete(runtime, "rectification", dict(RECTIFY, after_photos=["0123456789abcdef"]))
    mine, _ = _loaded_both_ways(runtime, version)
    with_photos = [t for t in mine.tasks.values() if isinstance(t.data.get("after_photos"), list)]
    assert len(with_photos) > 1
    assert len({id(t.data["after_photos"]) for t in with_photos}) == len(with_photos)
    with_photos[-1].data["after_photos"].append("another")  # a change in one task stays in that task
    assert all(t.data["after_photos"] == ["0123456789abcdef"] for t in with_photos[:-1])
    for task in mine.tasks.values():  # a child's parent id is the parent's own UUID object
        if task.parent is not None:
            assert task._parent is task.parent.id
    workflow_converter = serializer._serializer.registry.convert_to_dict["BpmnWorkflow"].args[1].__self__
    assert serializer._task_restorer(workflow_converter).fast_types == {"Task": Task}


def test_threads_saving_and_loading_at_once_get_their_own_states_back(app):
    # A web server's threads and concurrent timer sweepers store states together: a compressor shared between
    # threads corrupted them (and could crash the process), so each thread must round-trip its own states intact.
    import threading
    runtimes = [start(score)[0] for score in (10, 30, 60, 90)]
    for runtime in runtimes:
        complete(runtime, "assignment", {"rectification_requirements": "整改", "contact_person": "陈",
                                         "contact_phone": "13800000000"})
    expected = [json.loads(serializer.decompress(r.dump())) for r in runtimes]
    failures = []

    def work(index):
        try:
            for _ in range(300):
                blob = runtimes[index].dump()
                if json.loads(serializer.decompress(blob)) != expected[index]:
                    failures.append(index)
        except Exception as exc:  # noqa: BLE001 — reported by the assertion below
            failures.append(repr(exc))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(runtimes))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
