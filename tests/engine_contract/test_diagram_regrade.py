"""Contract tests of the grade review (二次复核定级 / 重新定级) in the shipped diagram on raw SpiffWorkflow: a reviewed
score at assignment grades the case again before its deadline is set; a `regrade` message during rectification
interrupts it, grades again, reports a newly major hazard to the bureau and starts a new rectification period."""
import pytest
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition

# Fixtures are imported by name for pytest to find them (flake8: F401/F811 are expected here).
from tests.engine_contract.raw_support import (  # noqa: F401,F811
    ASSIGNMENT,
    Case,
    _clean,
    add_workdays,
    clock,
    forms,
    specs,
    spiff_clock,
)


def regrade(case, score, legal_major=False, deadline_days=None):
    case.wf.send_event(BpmnEvent(MessageEventDefinition('regrade'), payload={
        'review_score': score, 'review_legal_major': legal_major, 'review_reason': '评审小组复核',
        'deadline_days': deadline_days}))
    case.wf.do_engine_steps()
    return case.drain()


@pytest.mark.parametrize('score,grade,days', [(75, 'larger', 15), (95, 'general', 7)])
def test_a_reviewed_score_at_assignment_grades_again(specs, forms, clock, score, grade, days):
    case = Case(specs, forms, clock, 60)  # registered major: reported at once
    assert case.data['grade'] == 'major'
    case.complete('assignment', 'project_lead', {**ASSIGNMENT, 'review_score': score, 'review_reason': '复核'})
    data = case.task('rectification').data
    assert (data['grade'], data['previous_grade'], data['score'], data['regrade_count']) == (grade, 'major', score, 1)
    assert data['rectification_days_applied'] == days
    assert data['rectification_due'] == add_workdays(clock.now(), days)
    assert [e for e in case.drain() if e[0] == 'major_hazard_report'] == []  # lowered: nothing new to report


def test_without_a_reviewed_score_the_grade_stands(specs, forms, clock):
    case = Case(specs, forms, clock, 90)
    case.complete('assignment', 'project_lead', ASSIGNMENT)
    data = case.task('rectification').data
    assert data['grade'] == 'general' and data['regrade_count'] == 0 and 'previous_grade' not in data


def test_the_review_reason_is_required_with_a_score(forms):
    from jsonschema import Draft202012Validator
    errors = list(Draft202012Validator(forms['assignment']['schema']).iter_errors({**ASSIGNMENT, 'review_score': 70}))
    assert [e.validator for e in errors] == ['required']


def test_regrading_during_rectification_restarts_it_with_the_new_grade(specs, forms, clock):
    case = Case(specs, forms, clock, 90)
    case.complete('assignment', 'project_lead', ASSIGNMENT)
    first = case.task('rectification')
    first_due = first.data['rectification_due']
    clock.advance(days=3)
    events = regrade(case, 60)  # the review finds it major
    assert [e[0] for e in events] == ['major_hazard_report']
    assert events[0][1]['grade'] == 'major'
    task = case.task('rectification')
    assert task.id != first.id  # the old round's task was interrupted
    data = task.data
    assert (data['grade'], data['previous_grade'], data['round'], data['regrade_count']) == ('major', 'general', 1, 1)
    assert data['rectification_started_at'] == clock.now()
    assert data['rectification_due'] == add_workdays(clock.now(), 30) != first_due
    assert case.boundary_timers() == {'Timer_rect_reminder': data['reminder_at'],
                                      'Timer_rect_due': data['rectification_due'],
                                      'Timer_rect_grace': data['enforcement_at']}
    assert case.ready_keys() == ['rectification']


def test_regrading_to_especially_major_orders_a_stop_work(specs, forms, clock):
    case = Case(specs, forms, clock, 60)
    case.complete('assignment', 'project_lead', ASSIGNMENT)
    events = regrade(case, 30, deadline_days=10)
    assert [e[1]['grade'] for e in events if e[0] == 'major_hazard_report'] == ['especially_major']
    assert case.ready_keys() == ['rectification', 'stop_work_order']
    assert case.task('rectification').data['rectification_days_applied'] == 10  # the reviewer's own period


def test_the_same_grade_again_reports_nothing(specs, forms, clock):
    case = Case(specs, forms, clock, 60)
    case.complete('assignment', 'project_lead', ASSIGNMENT)
    assert regrade(case, 55) == []
    assert case.task('rectification').data['grade'] == 'major'


def test_nothing_waits_for_a_regrade_outside_rectification(specs, forms, clock):
    case = Case(specs, forms, clock, 90)
    with pytest.raises(WorkflowException):
        regrade(case, 60)  # still at assignment: the review goes in the assignment form
