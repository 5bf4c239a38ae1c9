"""Service complaints (服务投诉): raised by an enterprise's staff or opened by a low satisfaction rating, investigated
within 24 hours and answered within 72 hours once a project lead approved the answer; overdue steps urged once; who
may do and see what, through the services. The pages and the API: tests/test_complaints_web.py."""
import pytest

from app.clock import SHANGHAI, clock
from app.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, Notification, ServiceComplaint
from app.services import complaint_handling, complaints
from app.services.uow import UnitOfWork
from scheduler import jobs
from tests.concurrency_support import meet_at, needs_two_sessions, one_wins
from tests.test_visit_ratings import GOOD, LOW, rate, visit

TEXT = "排查人员迟到一小时，现场检查敷衍，未说明整改依据"


def raise_one(user, kind="conduct", text=TEXT, visit_id=None):
    with UnitOfWork() as uow:
        row = complaints.raise_complaint(uow, user, kind, text, visit_id)
        uow.commit()
        return row.id


def step(function, user, complaint_id, *args):
    with UnitOfWork() as uow:
        function(uow, user, complaint_id, *args)
        uow.commit()
    db.session.expire_all()
    return db.session.get(ServiceComplaint, complaint_id)


def investigate(user, complaint_id, note="调阅排查记录，约谈排查组"):
    return step(complaint_handling.start_investigation, user, complaint_id, note)


def draft(user, complaint_id, answer="经核实，排查组因交通原因迟到，已对相关人员批评教育"):
    return step(complaint_handling.draft_answer, user, complaint_id, answer)


def approve(user, complaint_id, seen=None):
    return step(complaint_handling.approve, user, complaint_id, seen)


def send_back(user, complaint_id, note="请补充整改措施和时限"):
    return step(complaint_handling.send_back, user, complaint_id, note)


def notices(user, kind):
    return db.session.query(Notification).filter_by(user_id=user.id, kind=kind).all()


def history(complaint_id):
    return [e.action for e in db.session.query(AuditEvent).filter_by(subject_type="complaint", subject_id=complaint_id)
            .order_by(AuditEvent.id)]


def local(moment):
    return moment.astimezone(SHANGHAI).isoformat()


# ---- raising -----------------------------------------------------------------------------------------------------
def test_raised_with_its_deadlines_told_and_audited(people):
    visit_id = visit(people.inspector, people.enterprise_a)
    complaint_id = raise_one(people.ent_a, visit_id=str(visit_id))  # as the form sends it
    row = db.session.get(ServiceComplaint, complaint_id)
    assert (row.enterprise_id, row.visit_id, row.raised_by_id, row.kind) == (
        people.enterprise_a.id, visit_id, people.ent_a.id, "conduct")
    assert local(row.investigate_due) == "2026-11-24T09:00:00+08:00"  # 24 clock hours, not working days
    assert local(row.answer_due) == "2026-11-26T09:00:00+08:00"
    assert complaints.stage(row) == "awaiting_investigation"
    for who in ("quality", "bureau"):
        [notice] = notices(people[who], "complaint_raised")
        assert "甲化工有限公司" in notice.title and "工作作风" in notice.title and TEXT in notice.body
    for who in ("project_lead", "manager", "ent_a", "inspector"):
        assert notices(people[who], "complaint_raised") == []
    event = db.session.query(AuditEvent).filter_by(action="complaint_raised").one()
    assert (event.actor_name, event.subject_type, event.subject_id) == ("ent_a", "complaint", complaint_id)
    assert event.changes == {"kind": [None, "conduct"], "text": [None, TEXT]}


def test_only_enterprise_staff_raise_about_their_own_visits(people, make_user):
    for who in ("inspector", "quality", "project_lead", "bureau", "admin"):
        with pytest.raises(NotAllowed):
            raise_one(people[who])
    with pytest.raises(NotAllowed):
        raise_one(make_user("drifter", "enterprise"))  # enterprise staff without an enterprise
    other = visit(people.inspector, people.enterprise_b)
    with pytest.raises(ValidationFailed) as caught:
        raise_one(people.ent_a, visit_id=other)
    assert set(caught.value.fields) == {"visit_id"} and " / " in caught.value.fields["visit_id"]
    assert db.session.query(ServiceComplaint).count() == 0


@pytest.mark.parametrize("kind, text, visit_id, wrong", [
    ("nonsense", TEXT, None, {"kind"}),
    ("low_rating", TEXT, None, {"kind"}),  # opened by ratings only
    ("other", "   ", None, {"text"}),
    ("other", "长" * 2001, None, {"text"}),
    ("other", TEXT, "abc", {"visit_id"}),
    ("other", TEXT, 99999, {"visit_id"}),
    ("", "", True, {"kind", "text", "visit_id"}),
])
def test_bad_fields_are_named_and_nothing_is_stored(people, kind, text, visit_id, wrong):
    with pytest.raises(ValidationFailed) as caught:
        raise_one(people.ent_a, kind, text, visit_id)
    assert set(caught.value.fields) == wrong
    assert db.session.query(ServiceComplaint).count() == 0


def test_at_most_five_unanswered_per_enterprise(people):
    ids = [raise_one(people.ent_a) for _ in range(complaints.MAX_OPEN_PER_ENTERPRISE)]
    with pytest.raises(Conflict) as caught:
        raise_one(people.ent_a)
    assert "5 项投诉待答复" in caught.value.message
    raise_one(people.ent_b)  # another enterprise's are its own
    rate(people.ent_a, visit(people.inspector, people.enterprise_a), LOW)  # a low rating still opens one
    assert db.session.query(ServiceComplaint).filter_by(enterprise_id=people.enterprise_a.id).count() == 6
    investigate(people.quality, ids[0])
    draft(people.quality, ids[0])
    approve(people.project_lead, ids[0])
    raise_one(people.ent_a)  # one answered: room again


# ---- from a low rating -------------------------------------------------------------------------------------------
def test_an_anonymous_low_rating_opens_a_complaint_naming_nobody(people):
    visit_id = visit(people.inspector, people.enterprise_a)
    rating_id = rate(people.ent_a, visit_id, LOW, comment="沟通太少，整改要求没讲清", anonymous=True)
    row = db.session.query(ServiceComplaint).one()
    assert (row.kind, row.rating_id, row.visit_id, row.raised_by_id, row.text) == (
        "low_rating", rating_id, visit_id, None, "沟通太少，整改要求没讲清")
    assert local(row.answer_due) == "2026-11-26T09:00:00+08:00"
    [bureau] = notices(people.bureau, "complaint_raised")
    assert "满意度低分评价" in bureau.title and "ent_a" not in bureau.body
    # The desk and the project leads hear of it once, by the rating's notice, which names the complaint.
    assert notices(people.quality, "complaint_raised") == []
    [desk] = notices(people.quality, "visit_rating_low")
    assert f"已登记为服务投诉 #{row.id}" in desk.body
    event = db.session.query(AuditEvent).filter_by(action="complaint_opened").one()
    assert (event.actor_id, event.actor_name) == (None, "system")
    assert "ent_a" not in repr((event.changes, event.details)) and event.details["anonymous"] is True


def test_a_named_low_rating_without_comment_is_raised_by_its_rater(people):
    rate(people.ent_a, visit(people.inspector, people.enterprise_a), LOW)
    row = db.session.query(ServiceComplaint).one()
    assert row.raised_by_id == people.ent_a.id and row.text == "满意度评价低分：沟通效率 2 分"


def test_a_good_rating_opens_none(people):
    rate(people.ent_a, visit(people.inspector, people.enterprise_a), GOOD)
    assert db.session.query(ServiceComplaint).count() == 0


# ---- handling ----------------------------------------------------------------------------------------------------
def test_investigated_drafted_sent_back_redrafted_approved_and_sent(people):
    complaint_id = raise_one(people.ent_a)
    clock.advance(hours=2)
    row = investigate(people.quality, complaint_id)
    assert (row.investigated_by_id, complaints.stage(row)) == (people.quality.id, "investigating")
    assert local(row.investigation_started_at) == "2026-11-23T11:00:00+08:00"
    row = draft(people.quality, complaint_id, "初稿")
    assert complaints.stage(row) == "awaiting_approval" and len(notices(people.project_lead,
                                                                        "complaint_answer_drafted")) == 1
    row = send_back(people.project_lead, complaint_id)
    assert (complaints.stage(row), row.answer, row.review_note) == ("returned", "初稿", "请补充整改措施和时限")
    assert [n.body for n in notices(people.quality, "complaint_answer_returned")] == ["请补充整改措施和时限"]
    assert notices(people.ent_a, "complaint_answered") == []
    row = draft(people.quality, complaint_id, "经核实属实，已调整排查组并每周回访")
    assert complaints.stage(row) == "awaiting_approval" and len(notices(people.project_lead,
                                                                        "complaint_answer_drafted")) == 2
    row = approve(people.project_lead, complaint_id)
    assert (complaints.stage(row), row.approved_by_id) == ("answered", people.project_lead.id)
    [told] = notices(people.ent_a, "complaint_answered")
    assert told.body == "经核实属实，已调整排查组并每周回访"
    assert history(complaint_id) == ["complaint_raised", "complaint_investigation_started",
                                     "complaint_answer_drafted", "complaint_answer_returned",
                                     "complaint_answer_drafted", "complaint_answer_approved"]
    returned = db.session.query(AuditEvent).filter_by(action="complaint_answer_returned").one()
    assert returned.actor_name == "project_lead" and returned.changes == {"review_note": [None, "请补充整改措施和时限"]}


def test_each_step_once_and_in_order(people):
    complaint_id = raise_one(people.ent_a)
    with pytest.raises(Conflict) as caught:
        draft(people.quality, complaint_id)
    assert "请先启动调查" in caught.value.message
    for decide in (approve, send_back):
        with pytest.raises(Conflict):
            decide(people.project_lead, complaint_id)
    investigate(people.quality, complaint_id)
    with pytest.raises(Conflict) as caught:
        investigate(people.quality, complaint_id)
    assert "已经启动调查" in caught.value.message
    with pytest.raises(Conflict) as caught:
        approve(people.project_lead, complaint_id)
    assert "没有待审核的答复稿" in caught.value.message
    drafted = draft(people.quality, complaint_id).answer_drafted_at
    clock.advance(minutes=5)
    draft(people.quality, complaint_id, "改过的答复")  # the desk redrafts while the lead reads the first
    with pytest.raises(Conflict) as caught:
        approve(people.project_lead, complaint_id, drafted)
    assert "答复稿已经修改" in caught.value.message
    row = approve(people.project_lead, complaint_id, db.session.get(ServiceComplaint, complaint_id).answer_drafted_at)
    assert row.answer == "改过的答复"
    for again in (lambda: approve(people.project_lead, complaint_id), lambda: send_back(people.project_lead,
                                                                                         complaint_id),
                  lambda: draft(people.quality, complaint_id)):
        with pytest.raises(Conflict):
            again()
    assert history(complaint_id).count("complaint_answer_approved") == 1
    assert len(notices(people.ent_a, "complaint_answered")) == 1


def test_who_handles_and_who_approves(people):
    complaint_id = raise_one(people.ent_a)
    with pytest.raises(NotFound):
        investigate(people.ent_b, complaint_id)  # another enterprise's complaint is not there
    for who in ("ent_a", "project_lead", "bureau", "admin"):
        with pytest.raises(NotAllowed):
            investigate(people[who], complaint_id)
    for who in ("inspector", "project_team", "expert"):
        with pytest.raises(NotAllowed):  # they read no complaints at all
            investigate(people[who], complaint_id)
    investigate(people.quality, complaint_id)
    with pytest.raises(NotAllowed):
        draft(people.project_lead, complaint_id)
    draft(people.quality, complaint_id)
    for who in ("quality", "ent_a", "bureau", "admin"):
        for decide in (approve, send_back):
            with pytest.raises(NotAllowed):
                decide(people[who], complaint_id)
    with pytest.raises(NotFound):
        investigate(people.quality, 99999)


def test_notes_and_the_answer_are_required(people):
    complaint_id = raise_one(people.ent_a)
    steps = [(investigate, people.quality, "note"), (draft, people.quality, "answer"),
             (send_back, people.project_lead, "note")]
    for action, user, field in steps:
        for value in ("  ", "x" * 2001):
            with pytest.raises(ValidationFailed) as caught:
                action(user, complaint_id, value)
            assert set(caught.value.fields) == {field}
        action(user, complaint_id, "写好了")
    assert history(complaint_id) == ["complaint_raised", "complaint_investigation_started",
                                     "complaint_answer_drafted", "complaint_answer_returned"]


def test_the_answer_to_an_anonymous_rating_goes_to_the_enterprise_s_staff(people, make_user):
    colleague = make_user("ent_a2", "enterprise", enterprise=people.enterprise_a)
    rate(people.ent_a, visit(people.inspector, people.enterprise_a), LOW, anonymous=True)
    complaint_id = db.session.query(ServiceComplaint).one().id
    investigate(people.quality, complaint_id)
    draft(people.quality, complaint_id, "已约谈排查组，今后现场讲清整改依据")
    approve(people.project_lead, complaint_id)
    for user in (people.ent_a, colleague):
        [told] = notices(user, "complaint_answered")
        assert told.body == "已约谈排查组，今后现场讲清整改依据"
    assert notices(people.ent_b, "complaint_answered") == []


def test_two_approving_at_once_one_wins(app, people, make_user, monkeypatch):
    needs_two_sessions()
    make_user("lead2", "project_lead")
    complaint_id = raise_one(people.ent_a)
    investigate(people.quality, complaint_id)
    draft(people.quality, complaint_id)
    ent_a_id = people.ent_a.id
    # both have read the draft as awaiting approval before either approves
    meet_at(monkeypatch, complaint_handling, "get_visible")
    refused = one_wins(app, ("project_lead", "lead2"),
                       lambda uow, user: complaint_handling.approve(uow, user, complaint_id))
    assert "已经审核发送" in refused
    assert history(complaint_id).count("complaint_answer_approved") == 1
    assert db.session.query(Notification).filter_by(user_id=ent_a_id, kind="complaint_answered").count() == 1


# ---- deadlines ---------------------------------------------------------------------------------------------------
def test_overdue_steps_are_urged_once_each(people):
    late = raise_one(people.ent_a)
    prompt = raise_one(people.ent_b)
    assert jobs.urge_complaints() == 0
    clock.advance(hours=23)
    investigate(people.quality, prompt)  # within its 24 hours
    clock.advance(hours=1, minutes=1)
    assert jobs.urge_complaints() == 1 and jobs.urge_complaints() == 0
    assert local(db.session.get(ServiceComplaint, late).investigation_urged_at) == "2026-11-24T09:01:00+08:00"
    assert db.session.get(ServiceComplaint, prompt).investigation_urged_at is None
    for who in ("quality", "bureau"):
        assert len(notices(people[who], "complaint_investigation_overdue")) == 1
    assert notices(people.project_lead, "complaint_investigation_overdue") == []
    rows, total = complaints.listing(db.session, people.bureau, complaints.ComplaintFilter(state="overdue"))
    assert [r.id for r in rows] == [late] and total == 1
    investigate(people.quality, late)
    draft(people.quality, prompt)
    approve(people.project_lead, prompt)  # answered in time
    clock.advance(hours=48)  # 72 hours and a minute after they were raised
    assert jobs.urge_complaints() == 1 and jobs.urge_complaints() == 0
    assert db.session.get(ServiceComplaint, late).answer_urged_at is not None
    assert db.session.get(ServiceComplaint, prompt).answer_urged_at is None
    for who in ("quality", "project_lead", "bureau"):
        [notice] = notices(people[who], "complaint_answer_overdue")
        assert "超过72小时未答复" in notice.title and "甲化工有限公司" in notice.title
    assert history(late).count("complaint_overdue") == 2


# ---- who sees what -----------------------------------------------------------------------------------------------
def test_listing_states_counts_and_who_sees_which(people):
    a = raise_one(people.ent_a)
    b = raise_one(people.ent_b, "timeliness", "整改通知书送达太晚")
    investigate(people.quality, b)
    draft(people.quality, b)
    approve(people.project_lead, b)
    for who in complaints.READERS:
        assert complaints.counts(db.session, people[who]) == {"open": 1, "overdue": 0, "answered": 1, "all": 2}
        rows, total = complaints.listing(db.session, people[who], complaints.ComplaintFilter(state="all"))
        assert [r.id for r in rows] == [b, a] or [r.id for r in rows] == [a, b]
    assert complaints.counts(db.session, people.ent_a) == {"open": 1, "overdue": 0, "answered": 0, "all": 1}
    rows, _ = complaints.listing(db.session, people.ent_b, complaints.ComplaintFilter(state="answered"))
    assert [r.id for r in rows] == [b]
    with pytest.raises(NotFound):
        complaints.get_visible(db.session, people.ent_b, a)
    for who in ("inspector", "project_team", "supervision", "expert", "process_owner"):
        with pytest.raises(NotAllowed):
            complaints.listing(db.session, people[who], complaints.ComplaintFilter())
        with pytest.raises(NotAllowed):
            complaints.get_visible(db.session, people[who], a)


def test_the_demo_has_an_open_complaint_from_the_anonymous_rating_and_an_answered_one(app):
    assert app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"]).exit_code == 0
    rows = db.session.query(ServiceComplaint).order_by(ServiceComplaint.raised_at).all()
    assert [(r.kind, complaints.stage(r), r.raised_by_id is None) for r in rows] == [
        ("timeliness", "answered", False), ("low_rating", "awaiting_investigation", True)]
    answered = rows[0]
    assert answered.raised_by.username == "enterprise" and answered.approved_by.username == "project_lead"
    assert answered.answer_drafted_at < answered.approved_at < answered.answer_due  # in time
    assert "冲床防护" in rows[1].text and rows[1].rating_id is not None
    assert history(answered.id) == ["complaint_raised", "complaint_investigation_started",
                                    "complaint_answer_drafted", "complaint_answer_approved"]
