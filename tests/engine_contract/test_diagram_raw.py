"""Contract tests for the shipped diagrams (bpmn/*.bpmn, bpmn/*.dmn) and forms (forms/*.json).

Raw SpiffWorkflow 3.2 only: no app code. The script environment is a stub of the one the engine provides
(now / add_workdays / add_hours); add_workdays here just skips Saturdays and Sundays.

SpiffWorkflow compares timer expiries with `datetime.now(timezone.utc)` inside its timer module; the `spiff_clock`
fixture points that name at the test clock (as the app's clock hook does), so timers fire when the clock moves.
"""
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from lxml import etree

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.event_definitions import timer as timer_module
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser, VALIDATOR
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

ROOT = Path(__file__).resolve().parents[2]
BPMN = ROOT / 'bpmn' / 'hazard_case.bpmn'
DMN = ROOT / 'bpmn' / 'hazard_grading.dmn'
FORMS = ROOT / 'forms'

SHANGHAI = timezone(timedelta(hours=8))
ROLES = {'inspector', 'project_lead', 'enterprise', 'project_team', 'supervision', 'bureau', 'expert', 'quality'}
CASE_STATUSES = {'assigning', 'rectifying', 'verifying', 'stop_work', 'enforcement'}
SIGNALS = {'major_hazard_report', 'assignment_overdue', 'rectification_reminder', 'rectification_urging',
           'enforcement_referral', 'verification_overdue'}
NS = {'bpmn': 'http://www.omg.org/spec/BPMN/20100524/MODEL',
      'bpmndi': 'http://www.omg.org/spec/BPMN/20100524/DI',
      'spiffworkflow': 'http://spiffworkflow.org/bpmn/schema/1.0/core'}


# ---------------------------------------------------------------------------------------------- stub environment
class Clock:
    def __init__(self, moment):
        self.moment = moment

    def now(self):
        return self.moment.isoformat()

    def advance(self, **kw):
        self.moment += timedelta(**kw)


def add_workdays(moment_iso, n):
    moment = datetime.fromisoformat(moment_iso)
    step, left = (1 if n >= 0 else -1), abs(int(n))
    while left:
        moment += timedelta(days=step)
        if moment.weekday() < 5:
            left -= 1
    return moment.isoformat()


def add_hours(moment_iso, n):
    return (datetime.fromisoformat(moment_iso) + timedelta(hours=n)).isoformat()


# ---------------------------------------------------------------------------------------------- fixtures
@pytest.fixture(autouse=True)
def _clean():
    """Overrides the autouse fixture of tests/conftest.py (Flask app + database): these tests need neither.
    (Defined here rather than in a conftest.py so that no second `conftest` module shadows tests/conftest.py.)"""
    yield


@pytest.fixture(scope='module')
def specs():
    parser = SpiffBpmnParser(validator=VALIDATOR)  # XSD-validates the BPMN (with spiff extensions) and the DMN
    parser.add_bpmn_file(str(BPMN))
    parser.add_dmn_file(str(DMN))
    return parser.get_spec('hazard_case'), parser.get_subprocess_specs('hazard_case')


@pytest.fixture(scope='module')
def forms():
    return {p.stem: json.loads(p.read_text(encoding='utf-8')) for p in FORMS.glob('*.json')}


@pytest.fixture
def clock():
    return Clock(datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI))  # a Monday


@pytest.fixture(autouse=True)
def spiff_clock(clock, monkeypatch):
    """Make SpiffWorkflow's timer comparison read the test clock."""
    class ClockedDatetime(datetime):
        @classmethod
        def now(cls, tz=None):
            return clock.moment.astimezone(tz) if tz is not None else clock.moment.replace(tzinfo=None)
    monkeypatch.setattr(timer_module, 'datetime', ClockedDatetime)


class Case:
    def __init__(self, specs, forms, clock, score, legal_major=False):
        spec, subprocess_specs = specs
        self.forms, self.clock = forms, clock
        env = TaskDataEnvironment({'now': clock.now, 'add_workdays': add_workdays, 'add_hours': add_hours})
        self.engine = PythonScriptEngine(environment=env)
        self.wf = BpmnWorkflow(spec, subprocess_specs, script_engine=self.engine)
        self.registered_at = clock.now()
        registration = {
            'enterprise_id': 7, 'place': '3号车间', 'hazard_type': 'electrical', 'description': '配电箱未接地',
            'photos': ['att-1'], 'score': score, 'legal_major': legal_major,
        }
        if legal_major:
            registration['legal_major_basis'] = '工贸行业重大事故隐患判定标准 第四条'
        self.validate('hazard_registration', registration)
        initial = dict(case_id=1, case_code='YH-2024-0001', enterprise_id=7, score=score, legal_major=legal_major,
                       hazard_type='electrical', description='配电箱未接地', place='3号车间',
                       registered_at=self.registered_at, inspector='zhang')
        for task in self.wf.get_tasks(state=TaskState.READY):
            task.data.update(initial)
        self.wf.do_engine_steps()
        self.events = []
        self.drain()

    def drain(self):
        got = [(e.event_definition.name, e.payload) for e in self.wf.get_events()]
        self.events.extend(got)
        return got

    def validate(self, form_key, data):
        assert form_key in self.forms, f'missing forms/{form_key}.json'
        Draft202012Validator(self.forms[form_key]['schema']).validate(data)

    def ready(self):
        return self.wf.get_tasks(state=TaskState.READY, manual=True)

    def ready_keys(self):
        return sorted(t.task_spec.extensions['properties']['formKey'] for t in self.ready())

    def task(self, form_key):
        found = [t for t in self.ready() if t.task_spec.extensions['properties']['formKey'] == form_key]
        assert len(found) == 1, (form_key, self.ready_keys())
        return found[0]

    def complete(self, form_key, lane, data, status=None):
        task = self.task(form_key)
        assert task.state == TaskState.READY
        assert task.task_spec.lane == lane
        if status:
            assert task.task_spec.extensions['properties']['caseStatus'] == status
        self.validate(form_key, data)
        task.data.update(data)
        task.run()
        self.wf.do_engine_steps()
        self.drain()
        return task

    @property
    def data(self):
        """Data of the most recently run or readied task that carries data.

        NB: the newest task by last_state_change is often an internal WAITING join (e.g. `hazard_case.EndJoin`)
        with empty data, so the engine must not project from "the newest task" blindly."""
        tasks = [t for t in self.wf.get_tasks(state=TaskState.READY | TaskState.COMPLETED) if t.data]
        return max(tasks, key=lambda t: t.last_state_change).data

    def boundary_timers(self):
        return {t.task_spec.bpmn_id: t.internal_data.get('event_value')
                for t in self.wf.get_tasks(state=TaskState.WAITING)
                if isinstance(t.task_spec, BoundaryEvent)}


ASSIGNMENT = {'rectification_requirements': '立即加装接地线', 'contact_person': '李四', 'contact_phone': '13800000000'}
RECTIFICATION = {'measures': '已加装接地线并检测', 'progress_percent': 100, 'completed': True, 'funds': 1200.5,
                 'responsible_person': '王五', 'evidence_files': ['att-2'], 'before_photos': ['att-3'],
                 'after_photos': ['att-4']}
FAIL = {'passed': False, 'opinion': '接地电阻不合格', 'added_requirements': '重新敷设接地极', 'new_deadline_days': 3,
        'verification_photos': ['att-5']}
PASS = {'passed': True, 'opinion': '合格', 'verified_at': '2030-01-01T10:00:00+08:00'}


# ---------------------------------------------------------------------------------------------- DMN
@pytest.mark.parametrize('score,legal,grade,days', [
    (0, False, 'especially_major', 30), (49, False, 'especially_major', 30), (49, True, 'especially_major', 30),
    (50, False, 'major', 30), (69, False, 'major', 30), (70, False, 'larger', 15), (84, False, 'larger', 15),
    (85, False, 'general', 7), (100, False, 'general', 7),
    (50, True, 'major', 30), (75, True, 'major', 30), (100, True, 'major', 30),
])
def test_grading(specs, forms, clock, score, legal, grade, days):
    case = Case(specs, forms, clock, score, legal)
    assert case.data['grade'] == grade
    assert case.data['rectification_days'] == days
    assert case.data['round'] == 1
    report = [e for e in case.events if e[0] == 'major_hazard_report']
    if grade in ('major', 'especially_major'):
        assert report == [('major_hazard_report', {'case_id': 1, 'case_code': 'YH-2024-0001', 'enterprise_id': 7,
                                                   'grade': grade})]
    else:
        assert report == []
    expected = ['assignment', 'stop_work_order'] if grade == 'especially_major' else ['assignment']
    assert case.ready_keys() == expected


# ---------------------------------------------------------------------------------------------- full walks
def assignment_and_rectification(case, clock, expected_days, assignment_extra=None, round_=1):
    if round_ == 1:
        case.complete('assignment', 'project_lead', {**ASSIGNMENT, **(assignment_extra or {})}, 'assigning')
    started = clock.now()
    task = case.task('rectification')
    assert task.task_spec.lane == 'enterprise'
    assert task.task_spec.extensions['properties']['caseStatus'] == 'rectifying'
    data = task.data
    assert data['round'] == round_
    assert data['rectification_started_at'] == started
    assert data['rectification_days_applied'] == expected_days
    assert data['rectification_due'] == add_workdays(started, expected_days)
    lead = min(5, expected_days - 1)
    assert data['reminder_at'] == (add_workdays(data['rectification_due'], -lead) if lead > 0 else started)
    assert data['enforcement_at'] == add_workdays(data['rectification_due'], 5)
    timers = case.boundary_timers()
    assert timers == {'Timer_rect_reminder': data['reminder_at'], 'Timer_rect_due': data['rectification_due'],
                      'Timer_rect_grace': data['enforcement_at']}
    clock.advance(days=2)
    case.complete('rectification', 'enterprise', RECTIFICATION, 'rectifying')
    return data['rectification_due']


@pytest.mark.parametrize('score,legal,grade,verify_lane', [
    (90, False, 'general', 'project_team'),
    (75, False, 'larger', 'supervision'),
])
def test_single_tier_two_rounds(specs, forms, clock, score, legal, grade, verify_lane):
    case = Case(specs, forms, clock, score, legal)
    assert case.ready_keys() == ['assignment']
    assert case.task('assignment').data['assignment_due'] == add_hours(case.registered_at, 2)
    default_days = {'general': 7, 'larger': 15}[grade]

    # round 1: default deadline from the DMN
    clock.advance(minutes=30)
    assignment_and_rectification(case, clock, default_days)
    verified_from = clock.now()
    task = case.task('verification')
    assert task.task_spec.lane == verify_lane
    assert task.data['verification_due'] == add_workdays(verified_from, 3)
    assert case.boundary_timers() == {f'Timer_verify_{verify_lane.split("_")[-1]}': task.data['verification_due']}
    clock.advance(days=1)
    case.complete('verification', verify_lane, FAIL, 'verifying')

    # round 2: new deadline of 3 working days from the verification
    assert case.data['verification_passed'] is False
    assignment_and_rectification(case, clock, 3, round_=2)
    case.complete('verification', verify_lane, PASS, 'verifying')

    data = case.data
    assert data['verification_passed'] is True
    assert data['status'] == 'closed'
    assert data['closed_at'] == clock.now()
    assert data['round'] == 2
    assert data['grade'] == grade
    assert case.wf.is_completed()
    assert case.ready() == [] and case.boundary_timers() == {} and case.wf.waiting_events() == []
    assert [e for e in case.events if e[0] != 'major_hazard_report'] == []


def test_assignment_deadline_override_and_default_second_round(specs, forms, clock):
    case = Case(specs, forms, clock, 90)
    assignment_and_rectification(case, clock, 10, {'deadline_days': 10})
    case.complete('verification', 'project_team', {'passed': False, 'opinion': '未完成', 'added_requirements': '补做'})
    # no new_deadline_days given: the grade default applies again
    assignment_and_rectification(case, clock, 7, round_=2)
    case.complete('verification', 'project_team', PASS)
    assert case.data['status'] == 'closed' and case.wf.is_completed()


@pytest.mark.parametrize('score,legal,grade', [(60, False, 'major'), (95, True, 'major'), (30, False, 'especially_major')])
def test_joint_verification_two_rounds(specs, forms, clock, score, legal, grade):
    case = Case(specs, forms, clock, score, legal)
    assert case.data['grade'] == grade
    if grade == 'especially_major':
        case.complete('stop_work_order', 'bureau', {
            'order_number': 'TC-001', 'scope': '全厂', 'reason': '特别重大隐患', 'effective_at': clock.now()},
            'stop_work')
    assert case.ready_keys() == ['assignment']

    assignment_and_rectification(case, clock, 30)
    assert case.ready_keys() == ['joint_verification_bureau', 'joint_verification_expert']
    bureau, expert = case.task('joint_verification_bureau'), case.task('joint_verification_expert')
    assert bureau.task_spec.lane == 'bureau' and expert.task_spec.lane == 'expert'
    due = bureau.data['verification_due']
    assert due == add_workdays(clock.now(), 3) and expert.data['verification_due'] == due
    assert case.boundary_timers() == {'Timer_verify_bureau': due, 'Timer_verify_expert': due}

    # round 1: bureau passes, expert fails -> the join waits for both, then the case goes back
    case.complete('joint_verification_bureau', 'bureau',
                  {'bureau_passed': True, 'bureau_opinion': '同意', 'bureau_photos': ['b1']}, 'verifying')
    assert case.ready_keys() == ['joint_verification_expert']
    assert case.boundary_timers() == {'Timer_verify_expert': due}
    case.complete('joint_verification_expert', 'expert',
                  {'expert_passed': False, 'expert_opinion': '不同意', 'expert_added_requirements': '增设监测报警'},
                  'verifying')
    data = case.data
    assert data['verification_passed'] is False
    assert data['added_requirements'] == '增设监测报警'

    # round 2: the other order, both pass; no round-1 value may leak through the parallel join
    assignment_and_rectification(case, clock, 30, round_=2)
    assert case.ready_keys() == ['joint_verification_bureau', 'joint_verification_expert']
    # the called process starts from the declared inputs only: no round-1 answer is visible
    assert case.task('joint_verification_bureau').data['bureau_passed'] is None
    assert 'expert_passed' not in case.task('joint_verification_bureau').data
    assert case.task('joint_verification_expert').data['expert_passed'] is None
    case.complete('joint_verification_expert', 'expert', {'expert_passed': True, 'expert_opinion': '同意'})
    assert case.ready_keys() == ['joint_verification_bureau']
    assert case.data.get('status') != 'closed'
    case.complete('joint_verification_bureau', 'bureau', {'bureau_passed': True, 'bureau_opinion': '同意销号'})
    data = case.data
    assert data['round'] == 2
    assert data['verification_passed'] is True
    assert data['added_requirements'] == ''
    assert data['opinion'] == '同意销号\n同意'
    assert data['status'] == 'closed' and data['closed_at'] == clock.now()
    assert case.wf.is_completed()
    assert case.ready() == [] and case.wf.waiting_events() == []
    assert [e[0] for e in case.events] == ['major_hazard_report']


def test_joint_both_fail_then_loop_keeps_bureau_new_deadline(specs, forms, clock):
    case = Case(specs, forms, clock, 60)
    assignment_and_rectification(case, clock, 30)
    case.complete('joint_verification_bureau', 'bureau', {'bureau_passed': False, 'bureau_opinion': '不合格',
                                                          'bureau_added_requirements': 'A', 'bureau_new_deadline_days': 10})
    case.complete('joint_verification_expert', 'expert', {'expert_passed': False, 'expert_opinion': '不合格',
                                                          'expert_added_requirements': 'B'})
    assert case.data['added_requirements'] == 'A\nB'
    assignment_and_rectification(case, clock, 10, round_=2)
    # third round
    case.complete('joint_verification_bureau', 'bureau', {'bureau_passed': True, 'bureau_opinion': '同意'})
    case.complete('joint_verification_expert', 'expert', {'expert_passed': False, 'expert_opinion': '不合格',
                                                          'expert_added_requirements': 'C'})
    assert case.data['added_requirements'] == 'C'
    assignment_and_rectification(case, clock, 30, round_=3)
    case.complete('joint_verification_bureau', 'bureau', {'bureau_passed': True, 'bureau_opinion': '同意'})
    case.complete('joint_verification_expert', 'expert', {'expert_passed': True, 'expert_opinion': '同意'})
    assert case.data['round'] == 3 and case.data['status'] == 'closed' and case.wf.is_completed()


# ---------------------------------------------------------------------------------------------- timers and signals
def fire_due_timers(case):
    """What the scheduler does: refresh timers, then run what became ready."""
    case.wf.refresh_timers()
    case.wf.do_engine_steps()
    return case.drain()


def test_waiting_events_have_absolute_times(specs, forms, clock):
    case = Case(specs, forms, clock, 75)
    waiting = [(e.event_type, e.value) for e in case.wf.waiting_events()]
    assert waiting == [('TimeDateEventDefinition', add_hours(case.registered_at, 2))]
    assert case.boundary_timers() == {'Timer_assignment_overdue': add_hours(case.registered_at, 2)}
    case.complete('assignment', 'project_lead', ASSIGNMENT)
    data = case.task('rectification').data
    assert sorted(e.value for e in case.wf.waiting_events()) == sorted(
        [data['reminder_at'], data['rectification_due'], data['enforcement_at']])
    assert all(e.event_type == 'TimeDateEventDefinition' for e in case.wf.waiting_events())
    # every value is an absolute ISO 8601 moment with an offset
    for e in case.wf.waiting_events():
        assert datetime.fromisoformat(e.value).utcoffset() == timedelta(hours=8)
    # larger hazard, 15 working days from Monday 09:00: due Monday three weeks later, reminder 5 working days before
    assert data['rectification_due'] == '2026-12-14T09:00:00+08:00'
    assert data['reminder_at'] == '2026-12-07T09:00:00+08:00'
    assert data['enforcement_at'] == '2026-12-21T09:00:00+08:00'


def test_assignment_overdue_after_two_hours(specs, forms, clock):
    case = Case(specs, forms, clock, 90)
    clock.advance(hours=2)
    assert fire_due_timers(case) == []  # not yet: due is exclusive
    clock.advance(seconds=1)
    assert fire_due_timers(case) == [('assignment_overdue', {
        'case_id': 1, 'case_code': 'YH-2024-0001', 'grade': 'general', 'assignment_due': add_hours(case.registered_at, 2)})]
    assert case.ready_keys() == ['assignment']  # non-interrupting
    assert case.wf.waiting_events() == []
    assert fire_due_timers(case) == []  # fires once


def test_rectification_timers_fire_in_order(specs, forms, clock):
    case = Case(specs, forms, clock, 75)
    case.complete('assignment', 'project_lead', ASSIGNMENT)
    data = case.task('rectification').data

    clock.moment = datetime.fromisoformat(data['reminder_at']) + timedelta(minutes=1)
    assert fire_due_timers(case) == [('rectification_reminder', {
        'case_id': 1, 'case_code': 'YH-2024-0001', 'enterprise_id': 7, 'grade': 'larger', 'round': 1,
        'rectification_due': data['rectification_due']})]
    # non-interrupting: the enterprise task is still open, the other timers still wait
    assert case.ready_keys() == ['rectification']
    assert set(case.boundary_timers()) == {'Timer_rect_due', 'Timer_rect_grace'}

    clock.moment = datetime.fromisoformat(data['rectification_due']) + timedelta(minutes=1)
    assert [e[0] for e in fire_due_timers(case)] == ['rectification_urging']
    clock.moment = datetime.fromisoformat(data['enforcement_at']) + timedelta(minutes=1)
    assert [e[0] for e in fire_due_timers(case)] == ['enforcement_referral']
    assert case.ready_keys() == ['enforcement_referral', 'rectification']
    assert case.task('enforcement_referral').task_spec.lane == 'bureau'
    assert case.task('enforcement_referral').task_spec.extensions['properties']['caseStatus'] == 'enforcement'
    case.complete('enforcement_referral', 'bureau', {'enforcement_unit': '执法支队', 'facts': '逾期未整改',
                                                    'credit_record': True, 'referred_at': clock.now()})
    assert case.boundary_timers() == {}

    case.complete('rectification', 'enterprise', RECTIFICATION)
    assert case.boundary_timers() == {'Timer_verify_supervision': case.task('verification').data['verification_due']}
    case.complete('verification', 'supervision', PASS)
    assert case.wf.is_completed()


def test_expired_event_value_fires_verification_overdue(specs, forms, clock):
    """The other way to fire a timer: put the stored expiry in the past."""
    case = Case(specs, forms, clock, 60)
    case.complete('assignment', 'project_lead', ASSIGNMENT)
    case.complete('rectification', 'enterprise', RECTIFICATION)
    waiting = {t.task_spec.bpmn_id: t for t in case.wf.get_tasks(state=TaskState.WAITING)
               if isinstance(t.task_spec, BoundaryEvent)}
    assert set(waiting) == {'Timer_verify_bureau', 'Timer_verify_expert'}
    waiting['Timer_verify_expert'].internal_data['event_value'] = add_hours(clock.now(), -1)
    # thrown inside the called process, still collected by the top workflow
    assert fire_due_timers(case) == [('verification_overdue', {
        'case_id': 1, 'case_code': 'YH-2024-0001', 'grade': 'major', 'round': 1,
        'verification_due': case.task('joint_verification_expert').data['verification_due']})]
    assert case.ready_keys() == ['joint_verification_bureau', 'joint_verification_expert']
    assert set(case.boundary_timers()) == {'Timer_verify_bureau'}


def test_old_round_timers_are_cancelled(specs, forms, clock):
    case = Case(specs, forms, clock, 90)
    first_due = assignment_and_rectification(case, clock, 7)
    case.complete('verification', 'project_team', FAIL)
    timers = case.boundary_timers()
    assert set(timers) == {'Timer_rect_reminder', 'Timer_rect_due', 'Timer_rect_grace'}
    assert timers['Timer_rect_due'] != first_due
    assert len(case.wf.waiting_events()) == 3


@pytest.mark.parametrize('days,reminder_days_after_start', [(1, 0), (2, 1), (5, 1), (6, 1), (7, 2), (30, 25)])
def test_reminder_rule_for_short_deadlines(specs, forms, clock, days, reminder_days_after_start):
    """Reminder 5 working days before the deadline; shorter deadlines: 1 working day after the start;
    a 1-day deadline: at once."""
    case = Case(specs, forms, clock, 90)
    case.complete('assignment', 'project_lead', {**ASSIGNMENT, 'deadline_days': days})
    data = case.task('rectification').data
    assert data['rectification_due'] == add_workdays(clock.now(), days)
    assert data['reminder_at'] == add_workdays(clock.now(), reminder_days_after_start)


def test_side_branch_tasks_carry_a_snapshot_of_the_fork(specs, forms, clock):
    """Pins a trap for the engine's projection: a task on a side branch (stop-work order, enforcement referral)
    holds the data of the moment its branch forked. Completing it after the case moved on (or closed) must not
    roll the case projection back: take grade/round/status/... from main-path tasks only, or never let a
    projection field go backwards."""
    case = Case(specs, forms, clock, 30)
    assignment_and_rectification(case, clock, 30)
    case.complete('joint_verification_bureau', 'bureau', {'bureau_passed': True, 'bureau_opinion': '同意'})
    case.complete('joint_verification_expert', 'expert', {'expert_passed': True, 'expert_opinion': '同意'})
    assert case.data['status'] == 'closed'
    assert case.ready_keys() == ['stop_work_order']
    stop_work = case.complete('stop_work_order', 'bureau', {
        'order_number': 'TC-001', 'scope': '全厂', 'reason': '特别重大隐患', 'effective_at': clock.now()})
    assert 'status' not in stop_work.data and 'rectification_due' not in stop_work.data
    assert case.wf.is_completed()


def test_serializer_round_trip_mid_case(specs, forms, clock):
    case = Case(specs, forms, clock, 40)
    case.complete('assignment', 'project_lead', ASSIGNMENT)
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    dumped = serializer.serialize_json(case.wf)
    restored = serializer.deserialize_json(dumped)
    restored.script_engine = case.engine
    case.wf = restored
    assert case.ready_keys() == ['rectification', 'stop_work_order']
    case.complete('rectification', 'enterprise', RECTIFICATION)
    assert case.ready_keys() == ['joint_verification_bureau', 'joint_verification_expert', 'stop_work_order']


# ---------------------------------------------------------------------------------------------- static checks
def test_user_tasks_lanes_forms_and_statuses(specs, forms):
    spec, subprocess_specs = specs
    assert set(subprocess_specs) == {'hazard_joint_verification'}
    all_specs = [ts for s in [spec, *subprocess_specs.values()] for ts in s.task_specs.values()]
    user_tasks = [ts for ts in all_specs if getattr(ts, 'manual', False)]
    assert {ts.bpmn_id for ts in user_tasks} == {
        'Task_assignment', 'Task_rectification', 'Task_stop_work', 'Task_enforcement', 'Task_verify_team',
        'Task_verify_supervision', 'Task_verify_bureau', 'Task_verify_expert'}
    used = set()
    for ts in user_tasks:
        props = ts.extensions['properties']
        assert ts.lane in ROLES, ts.bpmn_id
        assert props['caseStatus'] in CASE_STATUSES, ts.bpmn_id
        used.add(props['formKey'])
    assert used | {'hazard_registration'} == set(forms)


@pytest.mark.parametrize('path', sorted(FORMS.glob('*.json')), ids=lambda p: p.stem)
def test_form_files(path):
    doc = json.loads(path.read_text(encoding='utf-8'))
    assert set(doc) >= {'schema', 'ui', 'title_en'}
    schema, ui = doc['schema'], doc['ui']
    Draft202012Validator.check_schema(schema)
    assert schema['type'] == 'object' and schema['title'] and doc['title_en']
    assert set(schema['required']) <= set(schema['properties'])
    assert ui['order'] == list(schema['properties'])
    for name, prop in schema['properties'].items():
        assert prop['title'], name
        assert ui[name]['title_en'], name
        assert prop['type'] in ('string', 'integer', 'number', 'boolean', 'array'), name
        if prop['type'] == 'array':
            assert prop['items'] == {'type': 'string', 'minLength': 1}
            assert ui[name]['widget'] in ('photos', 'files')
        # field names must not shadow the script functions or the engine's workflow variables
        assert name not in {'now', 'add_workdays', 'add_hours', 'round', 'status', 'grade', 'rectification_days',
                            'rectification_due', 'reminder_at', 'verification_due', 'closed_at',
                            'verification_passed', 'case_id', 'case_code'}, name


def test_diagram_interchange_complete():
    doc = etree.parse(str(BPMN))
    processes = {p.get('id'): p for p in doc.iterfind('bpmn:process', NS)}
    assert set(processes) == {'hazard_case', 'hazard_joint_verification'}
    assert all(p.get('isExecutable') == 'true' for p in processes.values())
    assert processes['hazard_case'].get('name') == '隐患排查治理闭环'
    participants = {p.get('processRef') for p in doc.iterfind('.//bpmn:participant', NS)}
    assert participants == set(processes)
    shapes = {s.get('bpmnElement') for s in doc.iterfind('.//bpmndi:BPMNShape', NS)}
    edges = {s.get('bpmnElement') for s in doc.iterfind('.//bpmndi:BPMNEdge', NS)}
    assert {p.get('id') for p in doc.iterfind('.//bpmn:participant', NS)} <= shapes
    for process in processes.values():
        lanes = process.findall('bpmn:laneSet/bpmn:lane', NS)
        assert {lane.get('name') for lane in lanes} <= ROLES
        assert {lane.get('id') for lane in lanes} <= shapes
        in_lanes = [ref.text for lane in lanes for ref in lane.iterfind('bpmn:flowNodeRef', NS)]
        assert len(in_lanes) == len(set(in_lanes))
        for el in process:
            tag = etree.QName(el).localname
            if tag in ('laneSet', 'documentation', 'extensionElements', 'ioSpecification'):
                continue
            if tag == 'sequenceFlow':
                assert el.get('id') in edges
            else:
                assert el.get('id') in shapes, el.get('id')
                assert el.get('id') in in_lanes, el.get('id')
        # every gateway split has a condition or a default on each outgoing flow
        flows = {f.get('id'): f for f in process.iterfind('bpmn:sequenceFlow', NS)}
        for gw in process.iterfind('bpmn:exclusiveGateway', NS):
            outgoing = [o.text for o in gw.iterfind('bpmn:outgoing', NS)]
            if len(outgoing) > 1:
                for f in outgoing:
                    assert f == gw.get('default') or flows[f].find('bpmn:conditionExpression', NS) is not None
        # all boundary timers are non-interrupting timeDate timers
        for be in process.iterfind('bpmn:boundaryEvent', NS):
            assert be.get('cancelActivity') == 'false'
            assert be.find('bpmn:timerEventDefinition/bpmn:timeDate', NS) is not None
    lane_names = {p: {lane.get('name') for lane in processes[p].iterfind('bpmn:laneSet/bpmn:lane', NS)} for p in processes}
    assert lane_names['hazard_case'] | lane_names['hazard_joint_verification'] == ROLES - {'quality'}
    # signals declared once, names = ids, all used
    signals = {s.get('id'): s.get('name') for s in doc.iterfind('bpmn:signal', NS)}
    assert signals == {s: s for s in SIGNALS}
    used = {d.get('signalRef') for d in doc.iterfind('.//bpmn:signalEventDefinition', NS)}
    assert used == SIGNALS
