"""SQLite's write-ahead log is checkpointed by the scheduler, off the request path; commits only checkpoint
themselves past a large limit. (PostgreSQL has no such job.)"""
import pytest
from sqlalchemy import text

from app.extensions import SQLITE_WAL_AUTOCHECKPOINT, db
from scheduler.jobs import checkpoint_sqlite, job_table

BASE = {"SCHEDULER_SWEEP_SECONDS": 15, "OUTBOX_DISPATCH_SECONDS": 30, "SQLITE_CHECKPOINT_SECONDS": 60,
        "IOT_CHECK_SECONDS": 60}


def test_the_checkpoint_job_is_scheduled_for_sqlite_only():
    sqlite = job_table(dict(BASE, SQLALCHEMY_DATABASE_URI="sqlite:///x.sqlite3"))
    postgres = job_table(dict(BASE, SQLALCHEMY_DATABASE_URI="postgresql+psycopg://u@h/db"))
    # One id a line: every new job adds a line at the end.
    expected = [
        "sweep_due_timers",
        "dispatch_outbox",
        "deliver_monthly_report",
        "deliver_weekly_report",
        "grade_regions",
        "urge_objections",
        "urge_followups",
        "score_cooperation",
        "urge_complaints",
        "urge_bureau_notices",
        "urge_referrals",
        "watch_iot",
        "iot_roll_up",
        "urge_major_hazards",
        "notify_document_expiry",
        "remind_equipment_calibration",
        "notify_staff_certificate_expiry",
        "remind_return_visits",
        "remind_periodic_reports",
        "notify_hazard_source_assessments",
        "watch_emergencies",
        "urge_meeting_actions",
        "urge_questions",
        "notify_liaison_gaps",
        "notify_supply_expiry",
        "notify_late_milestones",
        "urge_improvement_items",
        "escalate_initial_reviews",
        "notify_roster_certificate_expiry",
        "notify_self_check_gaps",
        "urge_resumption_decisions",
        "urge_quality_incidents",
        "urge_joint_plan_signatures",
        "notify_overdue_effect_evaluations",
        "evaluate_alert_rules",
        "remind_dispatch_day",
    ]
    assert [j["id"] for j in sqlite] == expected + ["checkpoint_sqlite"]
    assert [j["seconds"] for j in sqlite][-1] == 60
    assert [j["id"] for j in postgres] == expected


def test_commits_leave_the_wal_to_the_job_which_copies_it_into_the_database(app, people):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write-ahead log")
    assert db.session.execute(text("PRAGMA wal_autocheckpoint")).scalar() == SQLITE_WAL_AUTOCHECKPOINT
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    db.session.remove()
    busy, wal_pages, copied = checkpoint_sqlite()  # the people fixture's writes are in the WAL
    assert busy == 0 and wal_pages > 0 and copied == wal_pages
