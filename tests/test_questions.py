"""Enterprises' questions (线上咨询反馈) through the services: routing to the liaison or the project leads, the response
clock (2 hours, 紧急 30 minutes, clock time) and its urging — once per wait, at its boundary —, the thread, closing and
reopening. From outside: tests/test_liaison_web.py."""
from datetime import timedelta

import pytest

from app.clock import clock
from app.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, EnterpriseQuestion, Notification
from app.services import questions
from app.services.uow import UnitOfWork
from tests.liaison_support import ask, assign, close, reopen, reply, urge


def notices(kind, user=None):
    query = db.session.query(Notification).filter_by(kind=kind)
    return query.filter_by(user_id=user.id).all() if user else query.all()


def test_a_question_goes_to_the_liaison_and_without_one_to_the_project_leads(people, make_user):
    other_lead = make_user("lead2", "project_lead")
    assign(people.project_lead, people.enterprise_a, people.project_team)
    to_liaison = ask(people.ent_a, "urgent")
    row = db.session.get(EnterpriseQuestion, to_liaison)
    assert row.assignee_id == people.project_team.id and row.respond_due == clock.now() + timedelta(minutes=30)
    assert [n.user_id for n in notices("question_asked")] == [people.project_team.id]
    assert "紧急" in notices("question_asked")[0].title
    to_leads = ask(people.ent_b)
    row = db.session.get(EnterpriseQuestion, to_leads)
    assert row.assignee_id is None and row.respond_due == clock.now() + timedelta(hours=2)
    told = {n.user_id for n in notices("question_asked") if n.dedup_key == f"question:{to_leads}:asked"}
    assert told == {people.project_lead.id, other_lead.id}
    event = db.session.query(AuditEvent).filter_by(action="question_asked", subject_id=to_leads).one()
    assert event.subject_type == "question" and event.changes["urgency"] == [None, "normal"]


def test_bad_input_names_each_field(people):
    with pytest.raises(ValidationFailed) as refused:
        ask(people.ent_a, urgency="very", subject=" ", description="", case_id="99999")
    assert set(refused.value.fields) == {"subject", "description", "urgency", "case_id"}
    with pytest.raises(NotAllowed):
        ask(people.project_team)
    assert db.session.query(EnterpriseQuestion).count() == 0


@pytest.mark.parametrize("urgency,minutes", [("normal", 120), ("urgent", 30)])
def test_the_clock_urges_once_just_after_its_deadline(people, urgency, minutes):
    assign(people.project_lead, people.enterprise_a, people.inspector)
    question_id = ask(people.ent_a, urgency)
    clock.advance(minutes=minutes)  # exactly at the deadline: not yet late
    assert urge() == 0 and not questions.is_overdue(db.session.get(EnterpriseQuestion, question_id))
    clock.advance(seconds=1)
    assert questions.is_overdue(db.session.get(EnterpriseQuestion, question_id))
    assert urge() == 1
    assert urge() == 0  # once per wait, however often the job runs
    told = {n.user_id for n in notices("question_overdue")}
    assert told == {people.project_lead.id, people.inspector.id}
    event = db.session.query(AuditEvent).filter_by(action="question_overdue").one()
    assert event.details["first_response"] is True and event.actor_name == "system"


def test_an_answer_stops_the_clock_and_a_follow_up_starts_a_new_one(people):
    assign(people.project_lead, people.enterprise_a, people.project_team)
    question_id = ask(people.ent_a)
    clock.advance(minutes=95)
    reply(people.project_team, question_id)
    row = db.session.get(EnterpriseQuestion, question_id)
    assert row.respond_due is None and row.first_response_by_id == people.project_team.id
    assert questions.first_response_seconds(row) == 95 * 60 and row.messages[0].waited_seconds == 95 * 60
    assert [n.user_id for n in notices("question_answered")] == [people.ent_a.id]
    clock.advance(hours=5)
    assert urge() == 0  # nothing waits
    reply(people.ent_a, question_id, "那动火监护人需要什么资格？")
    row = db.session.get(EnterpriseQuestion, question_id)
    assert row.respond_due == clock.now() + timedelta(hours=2)
    clock.advance(hours=2, seconds=1)
    assert urge() == 1  # the second wait is urged too
    event = db.session.query(AuditEvent).filter_by(action="question_overdue").one()
    assert event.details["first_response"] is False
    reply(people.project_lead, question_id, "监护人须经培训考核合格。")  # a project lead may step in
    row = db.session.get(EnterpriseQuestion, question_id)
    assert row.messages[-1].waited_seconds == 2 * 3600 + 1 and row.first_response_by_id == people.project_team.id


def test_only_the_liaison_project_leads_and_the_enterprise_write(people):
    assign(people.project_lead, people.enterprise_a, people.project_team)
    question_id = ask(people.ent_a)
    with pytest.raises(NotFound):
        reply(people.inspector, question_id)  # not theirs: they do not even see it
    with pytest.raises(NotFound):
        reply(people.ent_b, question_id)
    with pytest.raises(NotAllowed):
        reply(people.bureau, question_id)  # reads, does not answer
    with pytest.raises(ValidationFailed) as refused:
        reply(people.project_team, question_id, " ")
    assert set(refused.value.fields) == {"text"}


def test_closing_and_reopening(people):
    question_id = ask(people.ent_a)
    reply(people.project_lead, question_id)
    with pytest.raises(NotAllowed):
        close(people.project_lead, question_id)
    close(people.ent_a, question_id)
    with pytest.raises(Conflict):
        close(people.ent_a, question_id)
    with pytest.raises(Conflict):
        reply(people.ent_a, question_id, "再问一句")
    clock.advance(hours=3)
    assert urge() == 0
    reopen(people.ent_a, question_id)
    row = db.session.get(EnterpriseQuestion, question_id)
    assert row.status == "open" and row.respond_due == clock.now() + timedelta(hours=2) and row.closed_at is None
    with pytest.raises(Conflict):
        reopen(people.ent_a, question_id)
    actions = [e.action for e in db.session.query(AuditEvent).filter_by(subject_type="question")
               .order_by(AuditEvent.id)]
    assert actions == ["question_asked", "question_answered", "question_closed", "question_reopened"]


def test_a_new_liaison_takes_over_the_open_questions(people):
    assign(people.project_lead, people.enterprise_a, people.project_team)
    open_one = ask(people.ent_a)
    closed_one = ask(people.ent_a, subject="已解决的问题")
    close(people.ent_a, closed_one)
    assign(people.project_lead, people.enterprise_a, people.inspector)
    assert db.session.get(EnterpriseQuestion, open_one).assignee_id == people.inspector.id
    assert db.session.get(EnterpriseQuestion, closed_one).assignee_id == people.project_team.id


def test_the_lists_filter_by_state_and_scope(people):
    assign(people.project_lead, people.enterprise_a, people.project_team)
    mine = ask(people.ent_a, "urgent")
    leads = ask(people.ent_b)
    clock.advance(minutes=31)

    def listed(user, **flt):
        rows, _total = questions.listing(db.session, db.session.get(type(user), user.id),
                                         questions.QuestionFilter(**flt))
        return {r.id for r in rows}
    assert listed(people.project_team) == {mine}  # assigned ones only
    assert listed(people.project_lead) == {mine, leads}
    assert listed(people.project_lead, mine=True) == {leads}  # without a liaison: the project leads'
    assert listed(people.project_lead, state="overdue") == {mine}
    assert listed(people.ent_a) == {mine} and listed(people.ent_b) == {leads}
    assert listed(people.bureau, state="all") == {mine, leads}
    with pytest.raises(NotAllowed):
        listed(people.expert)
    with UnitOfWork():
        counts = questions.counts(db.session, people.project_lead, questions.QuestionFilter())
    assert counts == {"open": 2, "waiting": 2, "overdue": 1, "closed": 0, "all": 2}
