"""Notices from the bureau (通知公告 / 预警提示, services/bureau_notices.py and bureau_notice_receipts.py): targeting
frozen at publishing, notifications and outbox rows, read and sign rules, drafts, withdrawal, urging and the
deadline job with a moved clock."""
from datetime import datetime, timedelta

import pytest

from app.clock import SHANGHAI, clock
from app.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, BureauNotice, BureauNoticeRecipient, Notification, OutboxMessage
from app.services import bureau_notice_receipts, bureau_notices
from app.services.uow import UnitOfWork
from scheduler import jobs
from tests.bureau_notice_support import WRITTEN, add_enterprise, create, in_session, publish, sign


def recipients(notice_id):
    return [r.enterprise_id for r in db.session.query(BureauNoticeRecipient).filter_by(notice_id=notice_id)
            .order_by(BureauNoticeRecipient.enterprise_id)]


def open_as(user, notice_id):
    with UnitOfWork() as uow:
        notice, receipt = bureau_notice_receipts.open_notice(uow, in_session(user), notice_id)
        uow.commit()
        return receipt


def urge(user, notice_id):
    with UnitOfWork() as uow:
        count = bureau_notice_receipts.urge(uow, in_session(user), notice_id)
        uow.commit()
        return count


@pytest.fixture
def south(people):
    """A third enterprise in another township and industry."""
    return add_enterprise("南湖食品厂", "南湖镇", "食品", 1)


def test_targets_resolve_at_publishing_and_stay_frozen(people, south):
    a, b = people.enterprise_a.id, people.enterprise_b.id
    by_township = create(people.bureau, publish=True, target_kind="townships", target_values=["南湖镇"])
    by_industry = create(people.bureau, publish=True, target_kind="industries", target_values=["化工", "机械"])
    by_list = create(people.bureau, publish=True, target_kind="enterprises", target_values=[str(b), south.id])
    everyone = create(people.bureau, publish=True)
    assert recipients(by_township) == [south.id]
    assert recipients(by_industry) == [a, b]
    assert recipients(by_list) == [b, south.id]
    assert recipients(everyone) == [a, b, south.id]
    # A draft resolves at publishing, not at writing: an enterprise added meanwhile receives it.
    draft = create(people.bureau, target_kind="townships", target_values=["南湖镇"])
    later = add_enterprise("南湖纸箱厂", "南湖镇", "包装", 2)
    publish(people.bureau, draft)
    assert recipients(draft) == [south.id, later.id]
    # After publishing, moving an enterprise or adding one changes nothing.
    later.township = "城关镇"
    add_enterprise("南湖纺织厂", "南湖镇", "纺织", 3)
    db.session.commit()
    assert recipients(by_township) == [south.id] and recipients(draft) == [south.id, later.id]


def test_publishing_notifies_each_recipients_staff_in_app_and_over_the_outbox(people, make_user, south):
    people.ent_a.email, people.ent_a.phone = "a@example.com", "13800000001"
    db.session.commit()
    colleague = make_user("ent_a2", "enterprise", enterprise=people.enterprise_a)
    notice_id = create(people.bureau, publish=True, target_kind="industries", target_values=["化工"])
    notices = db.session.query(Notification).filter_by(kind="bureau_notice").order_by(Notification.user_id).all()
    assert [n.user_id for n in notices] == sorted([people.ent_a.id, colleague.id])
    assert notices[0].title == "预警提示：汛期安全生产预警提示" and "2026-11-26 09:00" in notices[0].body
    channels = sorted(m.channel for m in db.session.query(OutboxMessage).filter(
        OutboxMessage.notification_id.in_([n.id for n in notices])))
    assert channels == ["email", "sms", "wechat", "wechat"]  # ent_a2 has no phone or email: WeChat by username
    notice = db.session.get(BureauNotice, notice_id)
    assert notice.issuer == "bureau" and notice.sign_due_at == datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI)
    assert db.session.query(AuditEvent).filter_by(action="bureau_notice_published", subject_id=notice_id).count() == 1


def test_the_form_is_checked_field_by_field(people):
    with pytest.raises(ValidationFailed) as caught:
        create(people.bureau, kind="memo", title=" ", body="", target_kind="townships", target_values=[],
               sign_by_date="2026-11-01", sign_by_workdays="0")
    assert set(caught.value.fields) == {"kind", "title", "body", "target_values", "sign_by_date", "sign_by_workdays"}
    with pytest.raises(ValidationFailed) as caught:
        create(people.bureau, target_kind="enterprises", target_values=["999999"])
    assert set(caught.value.fields) == {"target_values"}
    with pytest.raises(ValidationFailed) as caught:
        create(people.bureau, sign_by_date="2026-12-01", sign_by_workdays="2")
    assert set(caught.value.fields) == {"sign_by_workdays"}
    draft = create(people.bureau, target_kind="townships", target_values=["无此镇"])
    with pytest.raises(ValidationFailed) as caught:
        publish(people.bureau, draft)  # no enterprise matches: nothing is published
    assert "target_values" in caught.value.fields and db.session.get(BureauNotice, draft).is_draft


def test_who_writes_and_who_reads(people):
    for role in ("inspector", "project_team", "supervision", "expert", "quality", "manager", "admin", "ent_a"):
        with pytest.raises((NotAllowed, NotFound)):
            create(people[role])
    by_lead = create(people.project_lead, publish=True)
    assert db.session.get(BureauNotice, by_lead).issuer == "contractor"
    draft = create(people.bureau)
    with UnitOfWork() as uow:
        for role in ("bureau", "project_lead", "manager", "admin"):
            assert bureau_notices.get(uow.session, in_session(people[role]), draft).id == draft
        with pytest.raises(NotFound):  # a draft does not exist for enterprises
            bureau_notices.get(uow.session, in_session(people.ent_a), draft)
        with pytest.raises(NotAllowed):
            bureau_notices.get(uow.session, in_session(people.inspector), by_lead)
        rows, total = bureau_notices.listing(uow.session, in_session(people.ent_a), bureau_notices.NoticeFilter())
        assert total == 1 and [n.id for n, _ in rows] == [by_lead]


def test_reading_and_signing(people, make_user, south):
    notice_id = create(people.bureau, publish=True, target_kind="enterprises",
                       target_values=[people.enterprise_a.id])
    colleague = make_user("ent_a2", "enterprise", enterprise=people.enterprise_a)
    assert open_as(people.bureau, notice_id) is None  # staff leave no receipt
    first = open_as(people.ent_a, notice_id)
    assert first.status == "read" and first.read_by_id == people.ent_a.id
    clock.set(clock.now() + timedelta(hours=1))
    assert open_as(colleague, notice_id).read_by_id == people.ent_a.id  # the first open counts
    assert db.session.query(Notification).filter_by(user_id=people.ent_a.id, read_at=None).count() == 0
    with pytest.raises(NotFound):
        open_as(people.ent_b, notice_id)  # not addressed to enterprise B
    with pytest.raises(NotFound):
        sign(people.ent_b, notice_id)
    with pytest.raises(NotAllowed):
        sign(people.bureau, notice_id)
    receipt = sign(colleague, notice_id, "已传达到各车间班组")
    assert receipt.status == "signed" and receipt.signed_by_id == colleague.id and receipt.reply == "已传达到各车间班组"
    with pytest.raises(Conflict):
        sign(people.ent_a, notice_id)
    assert db.session.query(AuditEvent).filter_by(action="bureau_notice_signed").count() == 1


def test_signing_marks_read_and_is_late_after_the_deadline(people):
    notice_id = create(people.bureau, publish=True, sign_by_workdays="1")
    clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI))
    receipt = sign(people.ent_b, notice_id)
    notice = db.session.get(BureauNotice, notice_id)
    assert receipt.read_at == receipt.signed_at and bureau_notice_receipts.is_late(notice, receipt)


def test_a_published_notice_is_never_changed_but_withdrawn_with_a_reason(people):
    notice_id = create(people.bureau, publish=True)
    with UnitOfWork() as uow, pytest.raises(Conflict):
        bureau_notices.update(uow, in_session(people.bureau), notice_id, WRITTEN)
    lead_notice = create(people.project_lead, publish=True)
    with UnitOfWork() as uow, pytest.raises(NotAllowed):  # the bureau's notice: the bureau withdraws it
        bureau_notices.withdraw(uow, in_session(people.project_lead), notice_id, "发错了")
    with UnitOfWork() as uow:
        with pytest.raises(ValidationFailed):
            bureau_notices.withdraw(uow, in_session(people.bureau), notice_id, " ")
        bureau_notices.withdraw(uow, in_session(people.project_lead), lead_notice, "预警级别有误，另行发布")
        bureau_notices.withdraw(uow, in_session(people.bureau), notice_id, "时间写错，另行发布")
        uow.commit()
    assert db.session.get(BureauNotice, notice_id).is_withdrawn
    assert db.session.query(Notification).filter_by(kind="bureau_notice_withdrawn").count() == 4
    assert open_as(people.ent_a, notice_id).status == "read"  # still readable
    with pytest.raises(Conflict):
        sign(people.ent_a, notice_id)
    with pytest.raises(Conflict):
        urge(people.bureau, notice_id)


def test_urging_the_unsigned_at_most_once_a_day(people, south):
    notice_id = create(people.bureau, publish=True)
    sign(people.ent_a, notice_id)
    assert urge(people.bureau, notice_id) == 2  # enterprise B and the one without staff
    urged = db.session.query(Notification).filter_by(kind="bureau_notice_urged").all()
    assert [n.user_id for n in urged] == [people.ent_b.id]
    with pytest.raises(Conflict):
        urge(people.project_lead, notice_id)
    with pytest.raises(NotAllowed):
        urge(people.manager, notice_id)
    clock.set(clock.now() + timedelta(days=1))
    assert urge(people.project_lead, notice_id) == 2
    assert db.session.query(AuditEvent).filter_by(action="bureau_notice_urged").count() == 2
    sign(people.ent_b, notice_id)
    with UnitOfWork() as uow:
        uow.session.query(BureauNoticeRecipient).filter_by(enterprise_id=south.id).update(
            {"signed_at": clock.now()})
        uow.commit()
    clock.set(clock.now() + timedelta(days=1))
    with pytest.raises(Conflict):  # everyone signed
        urge(people.bureau, notice_id)


def test_the_deadline_job_urges_once_when_the_sign_by_deadline_passes(app, people):
    notice_id = create(people.bureau, publish=True, sign_by_workdays="3")  # due Thursday 2026-11-26 09:00
    no_deadline = create(people.bureau, publish=True, sign_by_workdays="")
    sign(people.ent_a, notice_id)
    clock.set(datetime(2026, 11, 26, 8, 59, tzinfo=SHANGHAI))
    assert jobs.urge_bureau_notices() == 0
    clock.set(datetime(2026, 11, 26, 9, 1, tzinfo=SHANGHAI))
    assert jobs.urge_bureau_notices() == 1
    assert [n.user_id for n in db.session.query(Notification).filter_by(kind="bureau_notice_urged")] == \
        [people.ent_b.id]
    overdue = db.session.query(Notification).filter_by(kind="bureau_notice_overdue").one()
    assert overdue.user_id == people.bureau.id and "1 家企业未签收" in overdue.body
    clock.set(datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI))
    assert jobs.urge_bureau_notices() == 0  # once only
    notice = db.session.get(BureauNotice, notice_id)
    assert notice.urge_count == 1 and notice.auto_urged_at is not None
    assert db.session.get(BureauNotice, no_deadline).auto_urged_at is None
    with pytest.raises(Conflict):  # the automatic urge counts for the day
        with UnitOfWork() as uow:
            clock.set(datetime(2026, 11, 26, 15, 0, tzinfo=SHANGHAI))
            bureau_notice_receipts.urge(uow, in_session(people.bureau), notice_id)


def test_notice_files_are_served_to_recipients_and_staff_only(app, people, south):
    from app.services import attachments
    from tests.test_web_support import PNG
    import io
    with UnitOfWork() as uow:
        stored = attachments.store_upload(uow, in_session(people.bureau), "map.png", io.BytesIO(PNG),
                                          app.config["UPLOAD_DIR"], 200_000)
        public_id = stored.public_id
        uow.commit()
    notice_id = create(people.bureau, publish=True, files=[public_id], target_kind="enterprises",
                       target_values=[people.enterprise_a.id])
    assert [a.public_id for a in db.session.get(BureauNotice, notice_id).attachments] == [public_id]
    with UnitOfWork() as uow:
        for role in ("bureau", "project_lead", "manager", "ent_a"):
            attachments.open_for_user(uow, in_session(people[role]), public_id, app.config["UPLOAD_DIR"])
        for role in ("ent_b", "inspector", "quality"):
            with pytest.raises(NotFound):
                attachments.open_for_user(uow, in_session(people[role]), public_id, app.config["UPLOAD_DIR"])
    with pytest.raises(ValidationFailed):  # a notice's file is not taken again
        create(people.bureau, files=[public_id])


def test_the_demo_has_a_published_warning_with_some_receipts(app):
    assert app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"]).exit_code == 0
    notice = db.session.query(BureauNotice).filter_by(kind="warning").one()  # the meeting demo's minutes are another
    assert notice.kind == "warning" and notice.is_published and notice.sign_due_at is not None
    statuses = sorted(r.status for r in db.session.query(BureauNoticeRecipient).filter_by(notice_id=notice.id))
    assert statuses == ["read", "signed"] + ["unread"] * 7
    assert db.session.query(Notification).filter_by(kind="bureau_notice").count() >= 3
