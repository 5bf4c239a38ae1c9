"""Contract tests of the shipped diagrams on raw SpiffWorkflow: timers, signals, serialization and static checks."""
import json
from datetime import datetime, timedelta

import pytest
from jsonschema import Draft202012Validator
from lxml import etree
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

# Fixtures are imported by name for pytest to find them (flake8: F401/F811 are expected here).
from tests.engine_contract.raw_support import (  # noqa: F401,F811
    ASSIGNMENT,
    BPMN,
    CASE_STATUSES,
    Case,
    assignment_and_rectification,
    FAIL,
    FORMS,
    NS,
    PASS,
    RECTIFICATION,
    ROLES,
    SIGNALS,
    _clean,
    add_hours,
    add_workdays,
    clock,
    forms,
    specs,
    spiff_clock,
)

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
    # the rectification waits for its three timers and for a re-grading message (重新定级)
    timers = [e for e in case.wf.waiting_events() if e.event_type == 'TimeDateEventDefinition']
    assert sorted(e.value for e in timers) == sorted(
        [data['reminder_at'], data['rectification_due'], data['enforcement_at']])
    assert sorted(e.event_type for e in case.wf.waiting_events()) == ['MessageEventDefinition'] + \
        ['TimeDateEventDefinition'] * 3
    # every value is an absolute ISO 8601 moment with an offset
    for e in timers:
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
    assert len(case.wf.waiting_events()) == 4  # the three timers and the re-grading message


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
        # all boundary timers are non-interrupting timeDate timers; the one other boundary event is the
        # interrupting re-grading message on the rectification
        for be in process.iterfind('bpmn:boundaryEvent', NS):
            if be.find('bpmn:messageEventDefinition', NS) is not None:
                assert be.get('id') == 'Message_rect_regrade' and be.get('cancelActivity') in (None, 'true')
                continue
            assert be.get('cancelActivity') == 'false'
            assert be.find('bpmn:timerEventDefinition/bpmn:timeDate', NS) is not None
    lane_names = {p: {lane.get('name') for lane in processes[p].iterfind('bpmn:laneSet/bpmn:lane', NS)} for p in processes}
    assert lane_names['hazard_case'] | lane_names['hazard_joint_verification'] == ROLES - {'quality'}
    # signals declared once, names = ids, all used
    signals = {s.get('id'): s.get('name') for s in doc.iterfind('bpmn:signal', NS)}
    assert signals == {s: s for s in SIGNALS}
    used = {d.get('signalRef') for d in doc.iterfind('.//bpmn:signalEventDefinition', NS)}
    assert used == SIGNALS
