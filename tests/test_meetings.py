"""The meetings register's rules (services/meetings.py, meeting_minutes.py, meeting_actions.py,
meeting_commitments.py): issuing the minutes through a 会议纪要 notice to the attending enterprises, the staff's
receipts, the state rules, the commitments per month and quarter on the injected clock, the once-only urging of
overdue action items, and that only an item's owner marks it done."""
from datetime import date, datetime

import pytest

from app.clock import SHANGHAI, clock
from app.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from app.models import (AuditEvent, BureauNotice, BureauNoticeRecipient, Meeting, MeetingAction, MeetingAttendee,
                        Notification, ServiceProject)
from app.services import bureau_notices, meeting_actions, meeting_commitments, meeting_minutes, meetings
from app.services.uow import UnitOfWork
from tests.meeting_support import add_action, held_and_issued, issue, plan, record


def _run(write):
    with UnitOfWork() as uow:
        result = write(uow)
        uow.commit()
        return result


def test_issuing_sends_the_minutes_to_the_attending_enterprises_as_a_notice_and_tells_the_staff(people):
    meeting_id = plan(people.bureau, [people.enterprise_a], [people.project_lead, people.inspector])
    record(people.bureau, meeting_id)
    item_id = add_action(people.bureau, meeting_id, f"enterprise:{people.enterprise_a.id}")
    assert Notification.query.filter_by(kind="meeting_action_assigned").count() == 0  # not before issuing
    issue(people.bureau, meeting_id, sign_by_workdays="3")
    row = db.session.get(Meeting, meeting_id)
    assert row.status == "issued" and row.issued_by_id == people.bureau.id
    notice = db.session.get(BureauNotice, row.notice_id)
    assert notice.kind == "minutes" and notice.status == "published" and notice.title == row.title
    assert "本月排查企业 9 家" in notice.body and notice.sign_due_at is not None
    assert [r.enterprise_id for r in BureauNoticeRecipient.query.filter_by(notice_id=notice.id)] == [
        people.enterprise_a.id]
    told = {n.user_id for n in Notification.query.filter_by(kind="meeting_minutes_issued")}
    assert told == {people.project_lead.id, people.inspector.id}
    assert {n.user_id for n in Notification.query.filter_by(kind="bureau_notice")} == {people.ent_a.id}
    assigned = Notification.query.filter_by(kind="meeting_action_assigned").one()
    assert assigned.user_id == people.ent_a.id and str(item_id) in assigned.dedup_key
    events = {e.action: e for e in AuditEvent.query.filter_by(subject_type="meeting", subject_id=meeting_id)}
    assert events["meeting_planned"].changes["meeting_enterprises"] == [None, [people.enterprise_a.name]]
    assert events["meeting_minutes_recorded"].changes["meeting_status"] == ["planned", "held"]
    assert events["meeting_minutes_issued"].changes["meeting_status"] == ["held", "issued"]
    assert events["meeting_action_added"].changes["action_owner"] == [None, people.enterprise_a.name]
    with pytest.raises(Conflict):  # the minutes notice is not withdrawn on its own
        _run(lambda uow: bureau_notices.withdraw(uow, people.bureau, notice.id, "有误"))
    with pytest.raises(Conflict):
        _run(lambda uow: meetings.update(uow, people.bureau, meeting_id, {"kind": "joint"}))
    with pytest.raises(Conflict):
        _run(lambda uow: meeting_minutes.record(uow, people.bureau, meeting_id, "改"))


def test_a_meeting_without_enterprises_is_issued_without_a_notice_and_staff_sign_on_their_row(people):
    meeting_id = plan(people.project_lead, staff=[people.quality, people.inspector], kind="quality",
                      organiser="contractor")
    record(people.project_lead, meeting_id)
    issue(people.project_lead, meeting_id)
    assert db.session.get(Meeting, meeting_id).notice_id is None and BureauNotice.query.count() == 0
    row, receipt = _run(lambda uow: meeting_minutes.open_meeting(uow, people.quality, meeting_id))
    assert receipt.user_id == people.quality.id and receipt.read_at is not None and receipt.signed_at is None
    _run(lambda uow: meeting_minutes.sign(uow, people.quality, meeting_id))
    with pytest.raises(Conflict):
        _run(lambda uow: meeting_minutes.sign(uow, people.quality, meeting_id))
    with pytest.raises(NotAllowed):  # reads the meeting, but did not attend
        _run(lambda uow: meeting_minutes.sign(uow, people.manager, meeting_id))
    signed = MeetingAttendee.query.filter_by(meeting_id=meeting_id, user_id=people.quality.id).one()
    assert signed.signed_by_id == people.quality.id
    audit = AuditEvent.query.filter_by(action="meeting_minutes_signed").one()
    assert audit.changes == {"meeting_signed": [None, people.quality.display_name]}


def test_the_order_of_the_steps(people):
    meeting_id = plan(people.bureau, [people.enterprise_a], starts_at="2026-11-25T09:00")  # in two days
    with pytest.raises(Conflict):
        record(people.bureau, meeting_id)  # not begun
    with pytest.raises(Conflict):
        issue(people.bureau, meeting_id)  # no minutes
    with pytest.raises(Conflict):
        add_action(people.bureau, meeting_id, f"enterprise:{people.enterprise_a.id}")  # not held
    with pytest.raises(ValidationFailed) as failed:  # a held meeting cannot move to the future; minutes required
        _run(lambda uow: meeting_minutes.record(uow, people.bureau, plan(people.bureau, [people.enterprise_a]), " "))
    assert set(failed.value.fields) == {"minutes"}
    with pytest.raises(NotAllowed):
        plan(people.inspector, [people.enterprise_a])
    with pytest.raises(ValidationFailed) as failed:
        plan(people.bureau, kind="party", title="", starts_at="yesterday", organiser="", case_codes="YH-NONE")
    assert set(failed.value.fields) == {"kind", "title", "starts_at", "organiser", "enterprise_ids", "case_codes"}


def test_action_items_due_in_working_days_and_their_owners(people):
    meeting_id = plan(people.bureau, [people.enterprise_a])
    record(people.bureau, meeting_id)
    item_id = add_action(people.bureau, meeting_id, f"user:{people.project_lead.id}", due_workdays="5")
    item = db.session.get(MeetingAction, item_id)
    assert item.due_on == date(2026, 11, 27) and item.due_workdays == 5  # Friday the 20th + 5 working days
    for owner, due, field in ((f"enterprise:{people.enterprise_b.id}", {"due_on": "2026-11-30"}, "owner"),
                              (f"user:{people.ent_a.id}", {"due_on": "2026-11-30"}, "owner"),
                              ("nobody", {"due_on": "2026-11-30"}, "owner"),
                              (f"user:{people.project_lead.id}", {}, "due_on"),
                              (f"user:{people.project_lead.id}", {"due_on": "2026-11-19"}, "due_on"),
                              (f"user:{people.project_lead.id}", {"due_on": "2026-11-30", "due_workdays": "3"},
                               "due_workdays")):
        with pytest.raises(ValidationFailed) as failed:
            _run(lambda uow: meeting_actions.add(uow, people.bureau, meeting_id, {"text": "x", "owner": owner,
                                                                                   **due}))
        assert set(failed.value.fields) == {field}, (owner, due)


def test_only_the_owner_marks_an_item_done(people, make_user):
    colleague = make_user("ent_a2", "enterprise", enterprise=people.enterprise_a)
    meeting_id, (ent_item, lead_item) = held_and_issued(people, owners=(
        f"enterprise:{people.enterprise_a.id}", f"user:{people.project_lead.id}"))
    for user, expected in ((people.ent_b, NotFound), (people.bureau, NotAllowed), (people.inspector, NotAllowed)):
        with pytest.raises(expected):
            _run(lambda uow: meeting_actions.complete(uow, user, ent_item, "已完成"))
    with pytest.raises(NotAllowed):  # an enterprise does not cancel
        _run(lambda uow: meeting_actions.cancel(uow, people.ent_a, ent_item, "不做了"))
    with pytest.raises(ValidationFailed):  # the note is required
        _run(lambda uow: meeting_actions.complete(uow, colleague, ent_item, " "))
    _run(lambda uow: meeting_actions.complete(uow, colleague, ent_item, "已提交分批整改计划"))
    with pytest.raises(Conflict):
        _run(lambda uow: meeting_actions.complete(uow, people.ent_a, ent_item, "again"))
    with pytest.raises(NotFound):  # another owner's item does not exist for an enterprise
        _run(lambda uow: meeting_actions.complete(uow, people.ent_a, lead_item, "x"))
    _run(lambda uow: meeting_actions.cancel(uow, people.bureau, lead_item, "并入下月问题清单"))
    done, cancelled = db.session.get(MeetingAction, ent_item), db.session.get(MeetingAction, lead_item)
    assert (done.status, done.closed_by_id, done.note) == ("done", colleague.id, "已提交分批整改计划")
    assert cancelled.status == "cancelled"
    assert AuditEvent.query.filter_by(action="meeting_action_done").one().changes["action_status"] == ["open", "done"]
    assert Notification.query.filter_by(kind="meeting_action_done", user_id=people.bureau.id).count() == 1
    # The enterprise sees its own item only.
    assert [i.id for i in meeting_actions.for_meeting(db.session, people.ent_a, db.session.get(Meeting, meeting_id))
            ] == [ent_item]


def test_overdue_items_are_urged_once(people):
    meeting_id, (late, later, done) = held_and_issued(people, owners=(
        f"enterprise:{people.enterprise_a.id}", f"user:{people.inspector.id}", f"user:{people.project_lead.id}"))
    db.session.get(MeetingAction, later).due_on = date(2026, 11, 23)  # due today: not overdue yet
    db.session.get(MeetingAction, late).due_on = date(2026, 11, 20)
    db.session.get(MeetingAction, done).due_on = date(2026, 11, 20)
    db.session.commit()
    _run(lambda uow: meeting_actions.complete(uow, people.project_lead, done, "已汇总"))
    draft = plan(people.bureau, [people.enterprise_b])  # held, not issued: its items are not published yet
    record(people.bureau, draft)
    add_action(people.bureau, draft, f"enterprise:{people.enterprise_b.id}", due_on="2026-11-20")
    assert _run(meeting_actions.urge_overdue) == 1
    assert _run(meeting_actions.urge_overdue) == 0  # once
    urged = Notification.query.filter_by(kind="meeting_action_overdue").all()
    assert {n.user_id for n in urged} == {people.ent_a.id, people.bureau.id}  # owner + the organising side
    assert db.session.get(MeetingAction, late).urged_at is not None
    clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI))
    assert _run(meeting_actions.urge_overdue) == 1  # the next item, when it falls due; the first not again
    assert {n.user_id for n in Notification.query.filter_by(kind="meeting_action_overdue")} == {
        people.ent_a.id, people.bureau.id, people.inspector.id}
    assert AuditEvent.query.filter_by(action="meeting_action_urged").count() == 2


def _joint(people, starts_at, enterprises=(), kind="joint", held=True):
    meeting_id = plan(people.bureau, list(enterprises) or [people.enterprise_a], starts_at=starts_at, kind=kind)
    if held:
        record(people.bureau, meeting_id)
    return meeting_id


def test_commitments_per_month_and_quarter_on_the_clock(people, make_enterprise):
    others = [make_enterprise(f"座谈企业{n}") for n in range(8)]
    _joint(people, "2026-10-15T09:00")
    _joint(people, "2026-11-02T09:00")
    _joint(people, "2026-09-10T09:00", held=False)  # planned only: does not count
    _joint(people, "2026-11-10T09:00", [people.enterprise_a, people.enterprise_b] + others[:7], kind="symposium")
    rows = {r.commitment.key: r for r in meeting_commitments.compute(db.session, people.manager, 2026)}
    months = {p.label: p.state for p in rows["joint_monthly"].periods}
    assert months["2026-09"] == "missed" and months["2026-10"] == "met" and months["2026-11"] == "met"
    assert months["2026-12"] == "future" and months["2026-01"] == "missed"
    quarters = {p.label: p for p in rows["symposium_quarterly"].periods}
    assert quarters["2026Q4"].state == "open"  # 9 enterprises: not yet met, the quarter is not over
    assert [(n, ok) for _m, n, ok in quarters["2026Q4"].meetings] == [(9, False)]
    assert quarters["2026Q3"].state == "missed"
    assert rows["joint_monthly"].met == 2 and rows["joint_monthly"].due == 12 - 1  # December not due yet
    _joint(people, "2026-11-18T09:00", [people.enterprise_a, people.enterprise_b] + others, kind="symposium")
    rows = {r.commitment.key: r for r in meeting_commitments.compute(db.session, people.manager, 2026)}
    assert {p.label: p.state for p in rows["symposium_quarterly"].periods}["2026Q4"] == "met"
    assert {p.label: p.state for p in rows["summary_quarterly"].periods}["2026Q4"] == "open"
    clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=SHANGHAI))  # the year is over
    rows = {r.commitment.key: r for r in meeting_commitments.compute(db.session, people.manager, 2026)}
    assert {p.label: p.state for p in rows["summary_quarterly"].periods}["2026Q4"] == "missed"
    assert {p.label: p.state for p in rows["joint_monthly"].periods}["2026-12"] == "missed"
    with pytest.raises(NotAllowed):
        meeting_commitments.compute(db.session, people.ent_a, 2026)
    # With a service project recorded, the periods outside its service are not missed.
    db.session.add(ServiceProject(name="隐患排查技术服务", start_on=date(2026, 10, 1), end_on=date(2027, 9, 30),
                                  created_at=clock.now(), created_by_id=people.project_lead.id,
                                  updated_at=clock.now()))
    db.session.commit()
    rows = {r.commitment.key: r for r in meeting_commitments.compute(db.session, people.manager, 2026)}
    months = {p.label: p.state for p in rows["joint_monthly"].periods}
    assert months["2026-09"] == "outside" and months["2026-10"] == "met" and months["2026-12"] == "missed"
    assert rows["joint_monthly"].due == 3 and rows["joint_monthly"].met == 2


def test_department_users_see_the_meetings_their_department_attended(people, make_user):
    from tests.referral_support import department
    fire = department(people.bureau, "县消防救援大队", "fire", "xf@example.gov.cn")
    market = department(people.bureau)
    user = make_user("dept_fire", "department")
    user.department_id = fire
    db.session.commit()
    attended = plan(people.bureau, [people.enterprise_a], departments=[fire])
    other = plan(people.bureau, [people.enterprise_a], departments=[market])
    record(people.bureau, attended)
    item = add_action(people.bureau, attended, f"department:{fire}")
    rows, total = meetings.listing(db.session, user, meetings.MeetingFilter())
    assert [r.id for r in rows] == [attended] and total == 1
    with pytest.raises(NotFound):
        meetings.get(db.session, user, other)
    with pytest.raises(NotFound):  # not published before the minutes are issued
        _run(lambda uow: meeting_actions.complete(uow, user, item, "已检查"))
    issue(people.bureau, attended)
    assert Notification.query.filter_by(kind="meeting_minutes_issued", user_id=user.id).count() == 1
    _run(lambda uow: meeting_minutes.sign(uow, user, attended))
    _run(lambda uow: meeting_actions.complete(uow, user, item, "已联合检查"))
    assert db.session.get(MeetingAction, item).status == "done"
    with pytest.raises(NotAllowed):
        meetings.listing(db.session, make_user("town", "township"),
                         meetings.MeetingFilter())


def test_the_demo_has_a_joint_meeting_with_issued_minutes_and_two_action_items(app):
    assert app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"]).exit_code == 0
    row = Meeting.query.one()
    assert (row.kind, row.status) == ("joint", "issued") and row.notice.kind == "minutes"
    assert sorted(a.owner_kind for a in row.actions) == ["enterprise", "user"]
    assert sorted(r.status for r in BureauNoticeRecipient.query.filter_by(notice_id=row.notice_id)) == [
        "signed", "unread", "unread"]
    assert _run(meeting_actions.urge_overdue) == 1  # the project lead's item, three working days after the meeting
