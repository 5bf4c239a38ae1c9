"""The weekly briefing (整改进展周报): after a week ends, managers, the bureau and the project leads get one notice
with what happened in it (registered against the week before, closed, open and overdue at its end, the frequent
hazard types) and the suggestions those figures call for; the hourly job delivers each week once."""
from datetime import date, datetime

from app.clock import SHANGHAI, clock
from app.extensions import db
from app.models import AuditEvent, Notification
from app.services import weekly_report
from scheduler import jobs
from tests.test_lifecycle_service import ASSIGN, complete, open_tasks, register
from tests.test_quality import closed_case
from tests.test_web_support import text


def test_the_week_is_monday_to_sunday_before_today():
    assert weekly_report.previous_week(date(2026, 11, 30)) == (date(2026, 11, 23), date(2026, 11, 29))  # Monday
    assert weekly_report.previous_week(date(2026, 12, 6)) == (date(2026, 11, 23), date(2026, 11, 29))  # Sunday
    assert weekly_report.period_of("week:2026-11-23") == (date(2026, 11, 23), date(2026, 11, 29))
    assert weekly_report.period_of("report:2026-11") is None


def a_week_of_cases(people):
    clock.set(datetime(2026, 11, 17, 9, 0, tzinfo=SHANGHAI))  # the week before
    late = register(people)
    complete(people.project_lead, open_tasks(late)["assignment"], ASSIGN)  # due 7 working days later: 26 Nov
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI))
    closed_case(people)  # registered and closed this week
    for _ in range(3):
        register(people)
    register(people, legal_major=True)  # 重大, open


def test_last_weeks_briefing_reaches_managers_the_bureau_and_project_leads_once(people, login):
    a_week_of_cases(people)
    clock.set(datetime(2026, 12, 1, 8, 0, tzinfo=SHANGHAI))
    expected = {people.manager.id, people.bureau.id, people.project_lead.id}
    assert jobs.deliver_weekly_report() == len(expected)
    assert jobs.deliver_weekly_report() == 0  # once per week, however often the job runs
    notes = db.session.query(Notification).filter_by(kind="weekly_report").all()
    assert {n.user_id for n in notes} == expected
    body = notes[0].body
    assert notes[0].title == "隐患整改进展周报（2026年11月23日至11月29日）"
    assert "本周新登记隐患 5 件（上周 1 件，增加），完成整改销号 1 件" in body
    assert "截至周末未销号且已逾期 1 件，未销号重大隐患 1 件" in body
    assert "高发类型：电气安全 5 件" in body
    assert "「电气安全」类隐患占本周 100%，建议开展该类隐患专项整治" in body
    assert "建议对相关企业下发督办通知" in body
    event = db.session.query(AuditEvent).filter_by(action="weekly_report_sent").one()
    assert event.details == {"week": "2026-11-23", "recipients": 3, "registered": 5, "closed": 1, "open_overdue": 1}

    manager_page = text(login("manager").get("/notifications"))
    assert "隐患整改进展周报" in manager_page
    assert 'href="/reports?start=2026-11-23&amp;end=2026-11-29"' in manager_page
    lead_page = text(login("project_lead").get("/notifications"))
    assert "本周新登记隐患 5 件" in lead_page and "/reports?start=" not in lead_page  # may not open the statistics


def test_a_quiet_week_says_so_and_a_late_start_catches_up(people):
    clock.set(datetime(2026, 12, 9, 10, 0, tzinfo=SHANGHAI))  # Wednesday: the week of 30 Nov – 6 Dec is due
    assert jobs.deliver_weekly_report() == 3
    note = db.session.query(Notification).filter_by(kind="weekly_report").first()
    assert note.dedup_key == "week:2026-11-30"
    assert "本周新登记隐患 0 件（上周 0 件，持平）" in note.body and "本周无需专项督办事项" in note.body
