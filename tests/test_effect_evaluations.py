"""Effect evaluations of closed major hazards (整改效果评估) through the services, on the real engine and diagram,
with the clock moved (never slept): due on closing, the three-month observation period (409 before it), the
conclusion once with its field errors, the recurrence and satisfaction kept, 无效 telling the bureau and the leads,
the overdue notice once, and the audit's before → after."""
from datetime import date, datetime

import pytest

from app.clock import SHANGHAI, clock
from app.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, EffectEvaluation, EvaluationBody, Notification
from app.services import attachments, effect_evaluation_facts as facts
from app.services.uow import UnitOfWork
from scheduler import jobs
from tests.effect_evaluation_support import (SCORES, closed_major, commission, conclude, evaluation, pool_expert,
                                             visit)
from tests.test_follow_ups import closed_case
from tests.test_lifecycle_service import photo, register


def kinds(user, kind):
    return db.session.query(Notification).filter_by(user_id=user.id, kind=kind).count()


def at(day, hour=9):
    clock.set(datetime(day.year, day.month, day.day, hour, 0, tzinfo=SHANGHAI))


def test_closing_a_major_case_makes_its_evaluation_due_after_three_calendar_months(people):
    case_id = closed_major(people)  # closed on Monday 2026-11-23
    row = evaluation(case_id)
    assert (row.closed_on, row.earliest_on, row.latest_on) == (date(2026, 11, 23), date(2027, 2, 23), date(2027, 3, 25))
    assert row.commissioned_at is None and row.conclusion is None and facts.state(row) == "observing"
    assert kinds(people.bureau, "effect_evaluation_due") == 1 and kinds(people.project_lead, "effect_evaluation_due") == 1
    assert kinds(people.ent_a, "effect_evaluation_due") == 0
    assert db.session.query(AuditEvent).filter_by(action="effect_evaluation_opened", subject_type="effect_evaluation",
                                                  subject_id=row.id).count() == 1
    assert evaluation(closed_case(people)) is None  # a general case closed: none


def test_the_conclusion_is_refused_before_three_months_then_taken_once(people):
    case_id = closed_major(people)
    with pytest.raises(Conflict):
        conclude(people.bureau, case_id, **SCORES, conclusion="effective", summary="x")  # not commissioned
    expert = pool_expert(people.expert)
    commission(people.project_lead, case_id, expert_ids=[str(expert.id)], note="内部：请重点看防爆电气")
    assert kinds(people.expert, "effect_evaluation_commissioned") == 1
    clock.advance(hours=2)
    recurred = register(people, score=90)  # the same type at the same enterprise after closing
    at(date(2027, 2, 22), hour=23)
    with pytest.raises(Conflict) as early:
        conclude(people.expert, case_id, **SCORES, conclusion="effective", summary="整改到位")
    assert "2027-02-23" in early.value.message
    at(date(2027, 2, 23), hour=0)
    with pytest.raises(ValidationFailed) as bad:
        conclude(people.expert, case_id, quality_score="101", equipment_score="-1", system_score="x",
                 conclusion="great", summary="")
    assert set(bad.value.fields) == {"quality_score", "equipment_score", "system_score", "risk_control_score",
                                     "conclusion", "summary"}
    conclude(people.expert, case_id, **SCORES, conclusion="basically_effective", summary="整改基本到位",
             internal_note="企业制度落实一般")
    row = evaluation(case_id)
    assert row.scores == {"quality_score": 85, "equipment_score": 90, "system_score": 80, "risk_control_score": 88}
    assert row.conclusion == "basically_effective" and row.concluded_by_id == people.expert.id
    assert row.recurrence_case_ids == [recurred] and row.satisfaction == {"ratings": 0, "average": None}
    assert facts.state(row) == "concluded"
    register(people, score=90)  # after the conclusion: the kept recurrence does not move
    assert [c.id for c in facts.recurrences(db.session, evaluation(case_id))] == [recurred]
    assert kinds(people.ent_a, "effect_evaluation_concluded") == 1
    with pytest.raises(Conflict):
        conclude(people.bureau, case_id, **SCORES, conclusion="effective", summary="again")
    with pytest.raises(Conflict):
        commission(people.bureau, case_id, expert_ids=[str(expert.id)])
    event = db.session.query(AuditEvent).filter_by(action="effect_evaluation_concluded").one()
    assert event.case_id is None and event.subject_id == row.id
    assert event.changes["conclusion"] == [None, "basically_effective"]
    assert event.changes["internal_note"] == [None, "企业制度落实一般"]


def test_commissioning_needs_an_evaluator_and_is_audited_before_and_after(people):
    case_id = closed_major(people)
    with pytest.raises(ValidationFailed) as none:
        commission(people.bureau, case_id, body_id="", expert_ids=[])
    assert set(none.value.fields) == {"body_id"}
    with pytest.raises(ValidationFailed) as unknown:
        commission(people.bureau, case_id, body_id="999", expert_ids=["abc"])
    assert set(unknown.value.fields) == {"body_id", "expert_ids"}
    first, second = pool_expert(name="甲专家"), pool_expert(name="乙专家")
    commission(people.bureau, case_id, expert_ids=[first.id])
    commission(people.bureau, case_id, expert_ids=[first.id, second.id], note="加派")
    changes = [e.changes for e in db.session.query(AuditEvent).filter_by(action="effect_evaluation_commissioned")
               .order_by(AuditEvent.id)]
    assert changes[0]["experts"] == [[], ["甲专家"]]
    assert changes[1]["experts"] == [["甲专家"], ["乙专家", "甲专家"]]  # by name
    assert changes[1]["commission_note"] == ["", "加派"]
    with pytest.raises(NotAllowed):
        commission(people.expert, case_id, expert_ids=[first.id])  # experts are named, they do not commission


def test_visits_of_the_period_and_who_may_record_them(people):
    case_id = closed_major(people)
    with pytest.raises(Conflict):
        visit(people.bureau, case_id, visited_on="2026-11-23", findings="x")  # no evaluator yet
    named = pool_expert(people.expert)
    commission(people.bureau, case_id, expert_ids=[named.id])
    at(date(2026, 12, 20))
    with pytest.raises(ValidationFailed) as bad:
        visit(people.expert, case_id, visited_on="2026-11-22", findings="")
    assert set(bad.value.fields) == {"visited_on", "findings"}
    with pytest.raises(ValidationFailed):
        visit(people.expert, case_id, visited_on="2026-12-21", findings="未来")
    visit_id = visit(people.expert, case_id, visited_on="2026-12-20", findings="防爆灯具已更换", files=[photo(people.expert)])
    row = evaluation(case_id)
    assert [v.id for v in row.visits] == [visit_id] and len(row.files) == 1
    assert row.files[0].field == f"effect_visit:{visit_id}"
    with pytest.raises(NotAllowed):
        visit(people.ent_a, case_id, visited_on="2026-12-20", findings="x")
    with pytest.raises(NotAllowed):
        visit(people.inspector, case_id, visited_on="2026-12-20", findings="x")
    with pytest.raises(NotFound):
        visit(people.ent_b, case_id, visited_on="2026-12-20", findings="x")
    # the files: the evaluators' and the commissioners', not the enterprise's
    public_id = row.files[0].public_id
    with UnitOfWork() as uow:
        assert attachments.open_for_user(uow, people.bureau, public_id, "/tmp")[0].public_id == public_id
        with pytest.raises(NotFound):
            attachments.open_for_user(uow, people.ent_a, public_id, "/tmp")
        with pytest.raises(NotFound):
            attachments.open_for_user(uow, people.inspector, public_id, "/tmp")


def test_ineffective_tells_the_bureau_and_the_leads_to_register_again(people):
    case_id = closed_major(people)
    commission(people.bureau, case_id, expert_ids=[pool_expert().id])
    at(date(2027, 3, 1))
    conclude(people.bureau, case_id, **SCORES, conclusion="ineffective", summary="防爆措施未落实")
    row = evaluation(case_id)
    for user in (people.bureau, people.project_lead):
        notice = db.session.query(Notification).filter_by(user_id=user.id, kind="effect_evaluation_ineffective").one()
        assert f"/hazards/new?effect_evaluation={row.id}" in notice.body and notice.case_id == case_id
    assert kinds(people.ent_a, "effect_evaluation_ineffective") == 0
    assert kinds(people.ent_a, "effect_evaluation_concluded") == 1


def test_an_overdue_evaluation_is_told_to_the_bureau_once(people):
    case_id = closed_major(people)
    at(date(2027, 3, 25), hour=23)
    assert jobs.notify_overdue_effect_evaluations() == 0  # the last day itself is not overdue
    assert facts.state(evaluation(case_id)) == "due"
    at(date(2027, 3, 26))
    assert facts.state(evaluation(case_id)) == "overdue"
    assert jobs.notify_overdue_effect_evaluations() == 1
    assert jobs.notify_overdue_effect_evaluations() == 0
    at(date(2027, 4, 30))
    assert jobs.notify_overdue_effect_evaluations() == 0
    assert kinds(people.bureau, "effect_evaluation_overdue") == 1
    assert kinds(people.project_lead, "effect_evaluation_overdue") == 0
    assert evaluation(case_id).overdue_notified_at is not None
    assert db.session.query(AuditEvent).filter_by(action="effect_evaluation_overdue_notified").count() == 1


def test_the_list_by_state_and_by_reader(people):
    mine, theirs = closed_major(people), closed_major(people, enterprise=people.enterprise_b)
    named = pool_expert(people.expert)
    commission(people.bureau, mine, expert_ids=[named.id])

    def codes(user, state):
        rows, total = facts.listing(db.session, user, facts.EvaluationFilter(state=state))
        assert total == len(rows)
        return sorted(r.case_id for r in rows)
    assert codes(people.bureau, "observing") == sorted([mine, theirs])
    assert codes(people.bureau, "uncommissioned") == [theirs]
    assert codes(people.expert, "open") == [mine]
    assert codes(people.ent_b, "all") == [theirs]
    assert codes(people.inspector, "all") == []
    at(date(2027, 2, 23))
    assert codes(people.project_lead, "due") == sorted([mine, theirs]) and codes(people.bureau, "observing") == []
    at(date(2027, 3, 26))
    assert codes(people.bureau, "overdue") == sorted([mine, theirs])


def test_the_demo_has_a_closed_major_case_in_observation(app):
    assert app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"]).exit_code == 0
    row = db.session.query(EffectEvaluation).one()
    assert row.case.status == "closed" and row.case.grade == "major" and facts.state(row) == "observing"
    assert row.body is not None and [e.name for e in row.experts] == ["周建国"] and len(row.visits) == 1
    assert db.session.query(EvaluationBody).count() == 2
