"""The scheduler process runs each job right after it starts, staggered, rather than one interval later: the hourly
reports would otherwise never reach anyone from a scheduler restarted more often than hourly."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from scheduler.__main__ import build_scheduler


def test_every_job_runs_right_after_the_scheduler_starts(app):
    now = datetime(2026, 11, 30, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    jobs = build_scheduler(app, now).get_jobs()
    # One id a line: every new job adds a line at the end.
    assert {j.id for j in jobs} >= {
        "sweep_due_timers",
        "dispatch_outbox",
        "deliver_monthly_report",
        "deliver_weekly_report",
        "grade_regions",
        "urge_objections",
        "urge_followups",
        "score_cooperation",
        "urge_complaints",
        "watch_iot",
        "urge_bureau_notices",
        "urge_referrals",
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
    }
    first_runs = sorted(j.next_run_time for j in jobs)
    assert first_runs[0] == now and first_runs[-1] <= now + timedelta(seconds=20)  # all within moments
    assert len(set(first_runs)) == len(jobs)  # staggered
