"""The monthly report (月报): after a month ends, every manager and the bureau get one notice with its figures and
a link to the statistics, queued for email / SMS / WeChat too; the hourly job delivers each month once."""
from datetime import datetime

from app.clock import SHANGHAI, clock
from app.extensions import db
from app.models import AuditEvent, Notification, OutboxMessage
from scheduler import jobs
from tests.test_lifecycle_service import register
from tests.test_web_support import text


def test_last_months_report_reaches_managers_and_the_bureau_once(people, login):
    people.manager.email = "manager@example.org"
    db.session.commit()
    register(people)
    register(people, score=60)
    clock.set(datetime(2026, 12, 1, 0, 30, tzinfo=SHANGHAI))
    assert jobs.deliver_monthly_report() == 2
    assert jobs.deliver_monthly_report() == 0  # once per month, however often the job runs
    notes = db.session.query(Notification).filter_by(kind="monthly_report").all()
    assert {n.user_id for n in notes} == {people.manager.id, people.bureau.id}
    note = notes[0]
    assert note.title == "2026年11月隐患排查治理月报" and note.case_id is None
    assert "本月登记隐患 2 件" in note.body and "整改率 0.0%" in note.body
    assert db.session.query(OutboxMessage).filter_by(channel="email", recipient="manager@example.org").count() == 1
    assert db.session.query(AuditEvent).filter_by(action="monthly_report_sent").one().details["month"] == "2026-11"
    page = text(login("manager").get("/notifications"))
    assert 'href="/reports?start=2026-11-01&amp;end=2026-11-30"' in page and "2026年11月隐患排查治理月报" in page
    clock.set(datetime(2027, 1, 3, 9, 0, tzinfo=SHANGHAI))  # the next month, delivered late after a stop
    assert jobs.deliver_monthly_report() == 2
    assert db.session.query(Notification).filter_by(kind="monthly_report").count() == 4


def test_a_new_manager_gets_the_months_report_too(people, make_user):
    clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI))
    assert jobs.deliver_monthly_report() == 2
    make_user("manager2", "manager")
    assert jobs.deliver_monthly_report() == 1
