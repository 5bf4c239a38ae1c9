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
through its own `matches`. Breadth-first walks are left to SpiffWorkflow. tests/engine_contract compares both
walks task for task on every state of the project's diagrams.

`CaseWorkflow` uses them for its own walks (get_tasks and friends, update_waiting_tasks). Walks that gateway
specs start themselves (the join of an inclusive or parallel gateway) stay SpiffWorkflow's.
"""
from SpiffWorkflow.bpmn.util.task import BpmnTaskFilter, BpmnTaskIterator
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskFilter, TaskIterator, TaskState

_FINISHED = TaskState.FINISHED_MASK


def _walk(root, min_state, max_depth, end_at_spec, subprocess_rule, filter_state):
    """Every task under `root` (itself first) as TaskIterator's depth-first walk visits them. `subprocess_rule`:
    None for TaskIterator (subprocesses are not entered), else BpmnTaskIterator's skip_subprocesses flag.
    A task's depth travels with it on the stack; TaskIterator counts it up and down as it goes, which gives the
    same numbers within one workflow's tree (they matter only at max_depth, 1,000 levels by default)."""
    subprocesses = root.workflow.top_workflow.subprocesses if subprocess_rule is not None else None
    stack = [(root, 0)]
    pop, push = stack.pop, stack.append
    while stack:
        task, depth = pop()
        children = task._children
        sub = subprocesses.get(task.id) if subprocesses else None
        if (children or sub is not None) and (task._state >= min_state or sub is not None) and depth < max_depth \
                and task.task_spec.name != end_at_spec:
            depth += 1
            lookup = task.workflow.tasks.get
            for child in reversed(children):
                push((lookup(child), depth))
            if sub is not None and not subprocess_rule \
                    and not (task._state >= _FINISHED and filter_state <= _FINISHED):
                push((sub.task_tree, depth))  # visited before the task's own children, as BpmnTaskIterator does
        yield task


def _matcher(task_filter):
    """A plain function for a filter that only asks for states (and `manual`), else the filter's own check.
    (TaskFilter also compares last_state_change with updated_ts, which is 0 unless asked for.)"""
    kind = type(task_filter)
    if kind not in (TaskFilter, BpmnTaskFilter) or task_filter.updated_ts != 0 or task_filter.spec_name is not None \
            or task_filter.spec_class is not None or \
            (kind is BpmnTaskFilter and (task_filter.catches_event is not None or task_filter.lane is not None)):
        return task_filter.matches
    state, manual = task_filter.state, task_filter.manual
    if manual is None:
        return lambda task: task._state & state != 0
    return lambda task: task._state & state != 0 and task.task_spec.manual == manual


class TaskWalk(TaskIterator):
    """TaskIterator's results, found faster (depth-first walks; breadth-first ones are TaskIterator's own)."""
    _subprocess_rule = None

    def __init__(self, task, end_at_spec=None, max_depth=1000, depth_first=True, task_filter=None, **kwargs):
        super().__init__(task, end_at_spec, max_depth, depth_first, task_filter, **kwargs)
        self._start(task)

    def _start(self, task):
        self._tasks = _walk(task, self.min_state, self.max_depth, self.end_at_spec, self._subprocess_rule,
                            self.task_filter.state) if self.depth_first else None
        self._matches = _matcher(self.task_filter)

    def __next__(self):
        if self._tasks is None:
            return TaskIterator.__next__(self)  # breadth first: SpiffWorkflow's own walk (its _next)
        matches = self._matches
        for task in self._tasks:
            if matches(task):
                return task
        raise StopIteration


class BpmnTaskWalk(BpmnTaskIterator):
    """BpmnTaskIterator's results, found faster (it also enters subprocesses)."""

    def __init__(self, task, end_at_spec=None, max_depth=1000, depth_first=True, skip_subprocesses=False,
                 task_filter=None, **kwargs):
        super().__init__(task, end_at_spec, max_depth, depth_first, skip_subprocesses, task_filter, **kwargs)
        self._subprocess_rule = bool(skip_subprocesses)
        TaskWalk._start(self, task)

    __next__ = TaskWalk.__next__


class CaseWorkflow(BpmnWorkflow):
    """A case's workflow: BpmnWorkflow walking its task tree with BpmnTaskWalk / TaskWalk. Stored as a
    BpmnWorkflow (the same format, see serializer.py)."""

    def get_tasks_iterator(self, first_task=None, **kwargs):
        return BpmnTaskWalk(first_task or self.task_tree, **kwargs)

    def update_waiting_tasks(self):
        for task in TaskWalk(self.task_tree, state=TaskState.WAITING):
            task.task_spec._update(task)
