"""Support for the contract tests of the shipped diagrams (bpmn/*.bpmn, bpmn/*.dmn) and forms (forms/*.json).

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

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.specs.event_definitions import timer as timer_module
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser, VALIDATOR
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
                if isinstance(t.task_spec, BoundaryEvent) and t.task_spec.bpmn_id.startswith('Timer_')}


ASSIGNMENT = {'rectification_requirements': '立即加装接地线', 'contact_person': '李四', 'contact_phone': '13800000000'}
RECTIFICATION = {'measures': '已加装接地线并检测', 'progress_percent': 100, 'completed': True, 'funds': 1200.5,
                 'responsible_person': '王五', 'evidence_files': ['att-2'], 'before_photos': ['att-3'],
                 'after_photos': ['att-4']}
FAIL = {'passed': False, 'opinion': '接地电阻不合格', 'added_requirements': '重新敷设接地极', 'new_deadline_days': 3,
        'verification_photos': ['att-5']}
PASS = {'passed': True, 'opinion': '合格', 'verified_at': '2030-01-01T10:00:00+08:00'}

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
