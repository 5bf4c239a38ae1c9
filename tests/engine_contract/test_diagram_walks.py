"""Contract tests of the shipped diagrams on raw SpiffWorkflow: grading and full walks through both rounds."""
import pytest

# Fixtures are imported by name for pytest to find them (flake8: F401/F811 are expected here).
from tests.engine_contract.raw_support import (  # noqa: F401,F811
    ASSIGNMENT,
    Case,
    assignment_and_rectification,
    FAIL,
    PASS,
    RECTIFICATION,
    _clean,
    add_hours,
    add_workdays,
    clock,
    forms,
    specs,
    spiff_clock,
)

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


