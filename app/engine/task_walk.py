"""The case workflow: SpiffWorkflow's BpmnWorkflow with a faster walk of its task tree.

SpiffWorkflow walks the whole task tree after every completed task (`update_waiting_tasks`, to let waiting joins
and events look again) and once more per pass of `do_engine_steps` (for the READY tasks). Its TaskIterator does
that generically: at every node it builds the children's list by looking each child up, prepends it to the
list still to visit (a copy of the whole list), pops from the front and climbs parents to keep a depth count.
For this project's diagrams those walks were about a third of the engine's time.

`TaskWalk` and `BpmnTaskWalk` visit the same tasks in the same order (pre-order, depth first; a node's children
are looked at when it is visited, as before, so a step that changes the tree while it is walked sees the same
thing) and prune the same branches (by state, depth, `end_at_spec` and BpmnTaskIterator's subprocess rules),
with a stack. Filters that are only a state mask (and `manual`) are checked inline; any other filter goes
through its own `matches`. Breadth-first walks are left to SpiffWorkflow. tests/test_engine_task_walk.py compares
both walks task for task on every state of a general and a jointly verified case.

`CaseWorkflow` and the subprocesses it calls (`CaseSubWorkflow`) use them for their own walks (get_tasks and
friends, update_waiting_tasks). Walks that gateway specs start themselves (the join of an inclusive or parallel
gateway) stay SpiffWorkflow's.
"""
from SpiffWorkflow.bpmn.specs.control import _EndJoin
from SpiffWorkflow.bpmn.util.subworkflow import BpmnSubWorkflow
from SpiffWorkflow.bpmn.util.task import BpmnTaskFilter, BpmnTaskIterator
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskFilter, TaskIterator, TaskState

_FINISHED = TaskState.FINISHED_MASK
_NOT_FINISHED = TaskState.NOT_FINISHED_MASK


def _walk(root, min_state, max_depth, end_at_spec, subprocess_rule, filter_state, want=None, manual=None):
    """The tasks under `root` (itself first) as TaskIterator's depth-first walk visits them: all of them, or with
    `want` (a state mask) only those in one of its states (and, when `manual` is not None, whose spec's `manual`
    is that), checked here rather than by a function call per task.

    `subprocess_rule`: None for TaskIterator (subprocesses are not entered), else BpmnTaskIterator's
    skip_subprocesses flag. A task's depth travels with it on the stack; TaskIterator counts it up and down as it
    goes, which gives the same numbers within one workflow's tree (they matter only at max_depth, 1,000 levels
    by default)."""
    subprocesses = root.workflow.top_workflow.subprocesses if subprocess_rule is not None else None
    stack = [(root, 0)]
    pop, push = stack.pop, stack.append
    while stack:
        task, depth = pop()
        children, state = task._children, task._state
        sub = subprocesses.get(task.id) if subprocesses else None
        if (children or sub is not None) and (state >= min_state or sub is not None) and depth < max_depth \
                and (end_at_spec is None or task.task_spec.name != end_at_spec):
            depth += 1
            lookup = task.workflow.tasks.get
            for child in reversed(children):
                push((lookup(child), depth))
            if sub is not None and not subprocess_rule and not (state >= _FINISHED and filter_state <= _FINISHED):
                # visited before the task's own children; the condition is BpmnTaskIterator's, word for word
                push((sub.task_tree, depth))
        if want is None or (state & want and (manual is None or task.task_spec.manual == manual)):
            yield task


def _simple(task_filter):
    """Does the filter ask only for states (and `manual`)? (TaskFilter also compares last_state_change with
    updated_ts, which is 0 unless asked for.)"""
    kind = type(task_filter)
    return kind in (TaskFilter, BpmnTaskFilter) and task_filter.updated_ts == 0 and task_filter.spec_name is None \
        and task_filter.spec_class is None and \
        (kind is TaskFilter or (task_filter.catches_event is None and task_filter.lane is None))


class TaskWalk(TaskIterator):
    """TaskIterator's results, found faster (depth-first walks; breadth-first ones are TaskIterator's own)."""
    _subprocess_rule = None

    def __init__(self, task, end_at_spec=None, max_depth=1000, depth_first=True, task_filter=None, **kwargs):
        super().__init__(task, end_at_spec, max_depth, depth_first, task_filter, **kwargs)
        self._start(task)

    def _start(self, task):
        self._tasks = None
        if not self.depth_first:
            return
        task_filter = self.task_filter
        if _simple(task_filter):
            self._tasks = _walk(task, self.min_state, self.max_depth, self.end_at_spec, self._subprocess_rule,
                                task_filter.state, task_filter.state, task_filter.manual)
        else:
            self._tasks = filter(task_filter.matches, _walk(task, self.min_state, self.max_depth, self.end_at_spec,
                                                            self._subprocess_rule, task_filter.state))

    def __iter__(self):
        return self if self._tasks is None else self._tasks

    def __next__(self):
        if self._tasks is None:
            return TaskIterator.__next__(self)  # breadth first: SpiffWorkflow's own walk (its _next)
        return next(self._tasks)


class BpmnTaskWalk(BpmnTaskIterator):
    """BpmnTaskIterator's results, found faster (it also enters subprocesses)."""

    def __init__(self, task, end_at_spec=None, max_depth=1000, depth_first=True, skip_subprocesses=False,
                 task_filter=None, **kwargs):
        super().__init__(task, end_at_spec, max_depth, depth_first, skip_subprocesses, task_filter, **kwargs)
        self._subprocess_rule = bool(skip_subprocesses)
        TaskWalk._start(self, task)

    __iter__ = TaskWalk.__iter__
    __next__ = TaskWalk.__next__


class _Walks:
    """The walks of a (sub)workflow's own task tree."""

    def get_tasks_iterator(self, first_task=None, **kwargs):
        return BpmnTaskWalk(first_task or self.task_tree, **kwargs)

    def update_waiting_tasks(self):
        for task in TaskWalk(self.task_tree, state=TaskState.WAITING):
            task.task_spec._update(task)


class CaseEndJoin(_EndJoin):
    """The join before a (sub)process's end: it may fire once no task of its workflow but itself is unfinished.
    SpiffWorkflow asks that with a TaskIterator from the root each time the join is updated, which is at every
    update of the waiting tasks from the moment the first branch reaches the end (the assignment's reminder
    branch does, early): about a fifth of the engine's time. The answer is a yes or no, so the order of the walk
    does not matter, only which tasks it would reach: here the unfinished tasks are looked at directly (newest
    first, where they are) and each is checked to be one the walk reaches (see `_reached`)."""

    def _check_threshold_unstructured(self, my_task):
        workflow = my_task.workflow
        tasks, root, name = workflow.tasks, workflow.task_tree, self.name
        for task in reversed(tasks.values()):
            if task._state & _NOT_FINISHED and task != my_task and _reached(task, tasks, root, name):
                return False
        return True


def _reached(task, tasks, root, end_at_spec, max_depth=1000):
    """Does TaskIterator(root, end_at_spec=...) reach `task` when every state is walked? It does when the chain of
    parents leads to the root, no task above it is of `end_at_spec` (the walk does not go below those) and it is
    no deeper than max_depth (TaskIterator's default; the walk does not go below that depth)."""
    depth = 0
    while task is not root:
        parent = tasks.get(task._parent) if task._parent is not None else None
        if parent is None or parent.task_spec.name == end_at_spec:
            return False
        depth += 1
        task = parent
    return depth <= max_depth


def use_case_joins(spec, subprocess_specs):
    """Make the end joins of a parsed process and its called processes CaseEndJoins (in place: the specs are
    parsed for the case runtime and cached). Written and compared as SpiffWorkflow's `_EndJoin`."""
    for process in (spec, *subprocess_specs.values()):
        for task_spec in process.task_specs.values():
            if type(task_spec) is _EndJoin:
                task_spec.__class__ = CaseEndJoin


class CaseSubWorkflow(_Walks, BpmnSubWorkflow):
    """A called subprocess of a case (the joint verification): BpmnSubWorkflow with the same walks. Stored as a
    BpmnSubWorkflow."""


class CaseWorkflow(_Walks, BpmnWorkflow):
    """A case's workflow: BpmnWorkflow walking its task tree with BpmnTaskWalk / TaskWalk, its called
    subprocesses too. Stored as a BpmnWorkflow (the same format, see serializer.py)."""

    def create_subprocess(self, my_task, spec_name):
        # BpmnWorkflow.create_subprocess, making a CaseSubWorkflow
        subprocess = CaseSubWorkflow(self.subprocess_specs[spec_name], parent_task_id=my_task.id, top_workflow=self)
        self.subprocesses[my_task.id] = subprocess
        return subprocess
