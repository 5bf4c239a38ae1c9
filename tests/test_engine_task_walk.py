"""The case workflow's task walks (app/engine/task_walk.py) find exactly what SpiffWorkflow's TaskIterator and
BpmnTaskIterator find, in the same order, on every state a case passes through (a general case with a failed
round, a major case verified jointly in called subprocesses, fired timers), for every kind of question the engine
asks and more (states, manual, depth limits, end specs, starting tasks, subprocesses skipped); the end joins'
check (CaseEndJoin) answers what SpiffWorkflow's _EndJoin answers; and a case run as a CaseWorkflow on the case
specs ends exactly as one run as a plain BpmnWorkflow on SpiffWorkflow's own specs."""
import json
from datetime import timedelta

import pytest
from SpiffWorkflow.bpmn.specs.control import _EndJoin
from SpiffWorkflow.bpmn.util.task import BpmnTaskIterator
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskIterator, TaskState

from app.clock import clock
from app.engine import CaseRuntime, serializer
from app.engine.sandbox import RestrictedScriptEngine
from app.engine import parse_process
from app.engine.task_walk import BpmnTaskWalk, CaseEndJoin, CaseSubWorkflow, CaseWorkflow, TaskWalk, _reached
from app.services import processes
from app.services.script_functions import ScriptFunctions
from app.services.uow import UnitOfWork

ASSIGN = {"rectification_requirements": "整改", "contact_person": "陈", "contact_phone": "13800000000"}
RECTIFY = {"measures": "m", "progress_percent": 100, "completed": True, "responsible_person": "陈"}
GENERAL = [("assignment", ASSIGN), ("rectification", RECTIFY),
           ("verification", {"passed": False, "opinion": "不合格", "added_requirements": "补充"}),
           ("rectification", RECTIFY), ("verification", {"passed": True, "opinion": "合格"})]
JOINT = [("assignment", ASSIGN), ("rectification", RECTIFY),
         ("joint_verification_bureau", {"bureau_passed": True, "bureau_opinion": "同意"}),
         ("joint_verification_expert", {"expert_passed": False, "expert_opinion": "不同意",
                                        "expert_added_requirements": "补充"}),
         ("rectification", RECTIFY),
         ("joint_verification_expert", {"expert_passed": True, "expert_opinion": "同意"}),
         ("joint_verification_bureau", {"bureau_passed": True, "bureau_opinion": "同意"})]

STATES = [TaskState.ANY_MASK, TaskState.READY, TaskState.WAITING, TaskState.NOT_FINISHED_MASK,
          TaskState.PREDICTED_MASK, TaskState.DEFINITE_MASK, TaskState.FINISHED_MASK, TaskState.COMPLETED,
          TaskState.FUTURE | TaskState.WAITING, TaskState.CANCELLED]


def runtime_for(score, workflow_class=CaseWorkflow):
    """A case's runtime on the case specs (CaseWorkflow) or on SpiffWorkflow's own (BpmnWorkflow)."""
    with UnitOfWork() as uow:
        version = processes.deployed_version(uow)
    if workflow_class is CaseWorkflow:
        parsed = processes.parsed_for(version)
    else:
        parsed = parse_process(processes.files_of(version), version.process_id, stock=True)
        assert not any(isinstance(s, CaseEndJoin) for s in parsed.spec.task_specs.values())
    runtime = CaseRuntime(workflow_class(parsed.spec, parsed.subprocess_specs,
                                         script_engine=RestrictedScriptEngine(ScriptFunctions().as_dict())))
    for task in runtime._wf.get_tasks(state=TaskState.READY):
        task.data.update({"case_id": 1, "case_code": "YH-2026-000001", "enterprise_id": 1, "score": score,
                          "legal_major": False, "hazard_type": "electrical", "description": "d", "place": "p",
                          "inspector": "insp", "registered_at": clock.local_now().isoformat()})
    runtime._run_engine()
    return runtime


def states_of_a_case(score, steps, workflow_class=CaseWorkflow):
    """The runtime after each step (the same object, walked at each point), with a fired timer on the way."""
    runtime = runtime_for(score, workflow_class)
    yield runtime
    clock.set(clock.now() + timedelta(hours=3))  # the assignment's 2 hours pass: its boundary timer fires
    runtime.fire_due_timers()
    yield runtime
    for form_key, data in steps:
        task = next(t for t in runtime.snapshot().ready if t.form_key == form_key)
        runtime.complete(task.guid, data)
        yield runtime


def questions(workflow):
    """Keyword arguments of walks: what the engine asks and other combinations."""
    tasks = list(workflow.tasks.values())
    spec_names = sorted({t.task_spec.name for t in tasks})
    for state in STATES:
        for manual in (None, True, False):
            yield {"state": state, "manual": manual}
    for depth in (0, 1, 2, 3, 5, 8, 13):
        yield {"max_depth": depth}
        yield {"max_depth": depth, "state": TaskState.NOT_FINISHED_MASK}
    for name in spec_names[::3]:
        yield {"end_at_spec": name}
        yield {"spec_name": name}
    yield {"lane": "enterprise"}
    yield {"updated_ts": 1.0}


def same_walks(workflow):
    roots = [workflow.task_tree, *list(workflow.tasks.values())[::5]]
    for kwargs in questions(workflow):
        for root in roots:
            assert list(TaskWalk(root, **{k: v for k, v in kwargs.items() if k != "lane"})) == \
                list(TaskIterator(root, **{k: v for k, v in kwargs.items() if k != "lane"})), (root, kwargs)
            for skip in (False, True):
                assert list(BpmnTaskWalk(root, skip_subprocesses=skip, **kwargs)) == \
                    list(BpmnTaskIterator(root, skip_subprocesses=skip, **kwargs)), (root, kwargs, skip)


@pytest.mark.parametrize("score, steps", [(90, GENERAL), (60, JOINT)], ids=["general", "joint"])
def test_the_walks_find_what_spiffworkflow_finds_at_every_state_of_a_case(app, score, steps):
    with app.app_context():
        clock.set(clock.now())
        seen_subprocess = False
        for runtime in states_of_a_case(score, steps):
            workflow = runtime._wf
            same_walks(workflow)
            for subprocess in workflow.subprocesses.values():
                seen_subprocess = True
                assert type(subprocess) is CaseSubWorkflow  # with the same walks
                same_walks(subprocess)
        assert runtime.is_completed
        assert seen_subprocess == (score == 60)  # the joint verification ran in called subprocesses


def end_joins(workflow):
    return [t for t in workflow.tasks.values() if isinstance(t.task_spec, _EndJoin)]


@pytest.mark.parametrize("score, steps", [(90, GENERAL), (60, JOINT)], ids=["general", "joint"])
def test_the_end_joins_check_answers_what_spiffworkflows_answers_at_every_state_of_a_case(app, score, steps):
    with app.app_context():
        clock.set(clock.now())
        answers = []
        for runtime in states_of_a_case(score, steps):
            for workflow in (runtime._wf, *runtime._wf.subprocesses.values()):
                for task in end_joins(workflow):
                    assert type(task.task_spec) is CaseEndJoin
                    ours = task.task_spec._check_threshold_unstructured(task)
                    assert ours == _EndJoin._check_threshold_unstructured(task.task_spec, task), task
                    answers.append(ours)
        assert True in answers and False in answers


@pytest.mark.parametrize("score, steps", [(90, GENERAL), (60, JOINT)], ids=["general", "joint"])
def test_reached_is_what_a_walk_from_the_root_reaches(app, score, steps):
    """Every task, every end spec, several depth limits: `_reached` agrees with TaskIterator (all states)."""
    with app.app_context():
        clock.set(clock.now())
        for runtime in states_of_a_case(score, steps):
            for workflow in (runtime._wf, *runtime._wf.subprocesses.values()):
                names = sorted({t.task_spec.name for t in workflow.tasks.values()})
                for name in names[::2] + [None]:
                    for depth in (0, 1, 2, 3, 5, 8, 13, 1000):
                        walked = set(TaskIterator(workflow.task_tree, end_at_spec=name, max_depth=depth,
                                                  state=TaskState.ANY_MASK))
                        for task in workflow.tasks.values():
                            assert _reached(task, workflow.tasks, workflow.task_tree, name, depth) == \
                                (task in walked), (task, name, depth)


def test_breadth_first_walks_are_spiffworkflows_own(app):
    with app.app_context():
        workflow = runtime_for(90)._wf
        assert list(TaskWalk(workflow.task_tree, depth_first=False)) == \
            list(TaskIterator(workflow.task_tree, depth_first=False))
        assert list(BpmnTaskWalk(workflow.task_tree, depth_first=False)) == \
            list(BpmnTaskIterator(workflow.task_tree, depth_first=False))


def shape(workflow):
    """The task tree as spec names, states and data (ids and times differ between two runs)."""
    def node(task):
        return task.task_spec.name, task.state, dict(task.data), [node(child) for child in task.children]
    return node(workflow.task_tree), {sp.spec.name: node(sp.task_tree) for sp in workflow.subprocesses.values()}


@pytest.mark.parametrize("score, steps", [(90, GENERAL), (60, JOINT)], ids=["general", "joint"])
def test_a_case_workflow_runs_exactly_as_a_plain_bpmn_workflow(app, score, steps):
    with app.app_context():
        start = clock.now()
        ours = [shape(r._wf) for r in states_of_a_case(score, steps, CaseWorkflow)]
        clock.set(start)
        stock = [shape(r._wf) for r in states_of_a_case(score, steps, BpmnWorkflow)]
        assert ours == stock


def test_a_stored_case_is_read_back_as_a_case_workflow_and_written_as_a_bpmn_workflow(app):
    with app.app_context():
        runtime = None
        for runtime in states_of_a_case(60, JOINT[:3]):  # in the joint verification's called subprocesses
            pass
        assert runtime._wf.subprocesses
        blob = runtime.dump()
        stored = json.loads(serializer.decompress(blob))
        assert stored["typename"] == "BpmnWorkflow"
        assert {sp["typename"] for sp in stored["subprocesses"].values()} == {"BpmnSubWorkflow"}
        with UnitOfWork() as uow:
            parsed = processes.parsed_for(processes.deployed_version(uow))
        again = CaseRuntime.load(parsed, ScriptFunctions().as_dict(), blob)
        assert type(again._wf) is CaseWorkflow
        assert {type(sp) for sp in again._wf.subprocesses.values()} == {CaseSubWorkflow}
        assert again.dump() == blob
