"""Scheduler jobs, listed as data with stable ids; each runs inside an app context and its own transaction."""
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from app.clock import SHANGHAI
from app.errors import DomainError
from app.extensions import db
from app.services import (alerts, backup, bureau_notice_receipts, complaints, contractor_evaluations, cooperation,
                          document_expiry, emergency_notices, equipment_calibration, followups, hazard_source_states,
                          initial_review_escalation, iot_retention, key_enterprises, liaison_weeks, major_hazards,
                          meeting_actions, milestones, monthly_report, objections, outbox, periodic_report_due,
                          quality_incident_handling, question_handling, referrals, region_risk, resumption,
                          roster_expiry, self_check_rhythm, staff_certificate_expiry, supply_expiry, timers,
                          weekly_report)
from app.services import effect_evaluation_facts, joint_plan_signoff
from app.services import dispatch_reminders
from app.services.uow import UnitOfWork
from scheduler.heartbeat import beat as _beat, log
# The IoT monitoring jobs live in iot_jobs.py; named here too, for the job table and for callers of this module.
from scheduler.iot_jobs import (ROLL_UP_CHECK_SECONDS, iot_escalate_alarms, iot_mark_offline,  # noqa: F401
                                iot_remind_maintenance, roll_up_iot_readings, watch_iot)



def sweep_due_timers():
    try:
        with UnitOfWork() as uow:
            fired, failures = timers.fire_due_timers(uow)
            uow.commit()
    except Exception as exc:
        message = getattr(exc, "message", None) or str(exc)
        log.error("timer sweep failed: %s", message)
        _beat("sweep_due_timers", ok=False, message=f"sweep failed: {message}")
        if isinstance(exc, DomainError):
            return []
        raise
    _beat("sweep_due_timers", message=f"{len(fired)} fired, {len(failures)} incidents" if fired or failures else "")
    for timer in fired:
        log.info("fired %s %s (due %s)", timer.case_code, timer.bpmn_id,
                 timer.due_at.astimezone(SHANGHAI).isoformat(timespec="seconds"))
    return fired


def dispatch_outbox():
    from flask import current_app
    with UnitOfWork() as uow:
        counts = outbox.dispatch(uow, current_app.config)
        uow.commit()
    _beat("dispatch_outbox")
    if counts:
        log.info("outbox: %s", counts)
    return counts


def deliver_monthly_report():
    return _deliver_report("deliver_monthly_report", monthly_report.deliver, "monthly report")


def deliver_weekly_report():
    return _deliver_report("deliver_weekly_report", weekly_report.deliver, "weekly briefing")


def _deliver_report(job_id, deliver, name):
    """A periodic report's job: deliver what is due in one transaction, then the heartbeat."""
    with UnitOfWork() as uow:
        sent = deliver(uow)
        uow.commit()
    _beat(job_id, message=f"{sent} notices" if sent else "")
    if sent:
        log.info("%s: %s notices", name, sent)
    return sent


def checkpoint_sqlite():
    """Copy the SQLite WAL into the database file without blocking readers or writers (PASSIVE), so that
    requests seldom reach the autocheckpoint limit and pay for the fsync themselves."""
    busy, wal_pages, copied = db.session.execute(text("PRAGMA wal_checkpoint(PASSIVE)")).one()
    db.session.remove()
    if wal_pages > 0:
        log.debug("checkpoint: %s of %s WAL pages copied%s", copied, wal_pages, " (busy)" if busy else "")
    return busy, wal_pages, copied


def grade_regions():
    """Grade the townships / parks and record the levels that changed (their rises notify the bureau)."""
    try:
        with UnitOfWork() as uow:
            changes = region_risk.record_changes(uow)
            uow.commit()
    except IntegrityError:  # another scheduler (PostgreSQL allows several) recorded the same change a moment ago
        db.session.rollback()
        _beat("grade_regions", message="another scheduler recorded the changes")
        return []
    _beat("grade_regions", message=f"{len(changes)} level changes" if changes else "")
    for change in changes:
        log.info("region %s: %s -> %s (score %s)", change.township or "-", change.level_before, change.level_after,
                 change.score)
    return changes


def evaluate_alert_rules():
    """The enabled alert rules evaluated (services/alerts.py): new matches raised and told once, cleared ones closed.
    Returns {"raised", "cleared"}, or None when another scheduler raised the same alerts a moment ago."""
    try:
        with UnitOfWork() as uow:
            totals = alerts.evaluate_all(uow)
            uow.commit()
    except IntegrityError:  # another scheduler (PostgreSQL allows several) raised the same alert's sequence
        db.session.rollback()
        _beat("evaluate_alert_rules", message="another scheduler evaluated the rules")
        return None
    _beat("evaluate_alert_rules", message=f"{totals['raised']} raised, {totals['cleared']} cleared"
          if any(totals.values()) else "")
    return totals


def score_cooperation():
    """Last month's cooperation scores (企业配合情况综合评分), once: on the 1st, or at the first run after a scheduler
    that was down then; the 专项督导 list notifies the bureau and the quality supervisors once per month."""
    try:
        with UnitOfWork() as uow:
            rows = cooperation.score_due(uow)
            uow.commit()
    except IntegrityError:  # another scheduler (PostgreSQL allows several) scored the month a moment ago
        db.session.rollback()
        _beat("score_cooperation", message="another scheduler scored the month")
        return None
    _beat("score_cooperation", message=f"{len(rows)} enterprises scored" if rows else "")
    if rows:
        log.info("cooperation scores of %s: %s enterprises", rows[0].month.strftime("%Y-%m"), len(rows))
    return rows


def _urge(job_id, urge_overdue, what):
    """One urging job's run: `urge_overdue(uow)` in its own transaction, the job's heartbeat saying how many it urged
    ("<n> <what>", nothing when none). Returns the count."""
    with UnitOfWork() as uow:
        count = urge_overdue(uow)
        uow.commit()
    _beat(job_id, message=f"{count} {what}" if count else "")
    return count


def urge_objections():
    """Enterprises' objections unanswered past their three working days: the bureau and the project leads are told
    once each."""
    return _urge("urge_objections", objections.urge_overdue, "overdue")


def urge_followups():
    """Re-inspections of closed cases past their last day: the project leads are told once each."""
    return _urge("urge_followups", followups.urge_overdue, "overdue")


def urge_complaints():
    """Service complaints past a deadline: the investigation not started in 24 hours (the quality desk and the
    bureau are told), no approved answer in 72 hours (the desk, the project leads and the bureau), each step once."""
    return _urge("urge_complaints", complaints.urge_overdue, "urged")


def urge_bureau_notices():
    """Notices whose sign-by deadline (签收期限) has passed: the enterprises that have not signed are urged, and the
    publisher told how many, once per notice."""
    return _urge("urge_bureau_notices", bureau_notice_receipts.urge_overdue, "notices past their deadline")


def urge_referrals():
    """Referrals to other departments unanswered past their reply deadline: the bureau is told, once each."""
    return _urge("urge_referrals", referrals.urge_overdue, "overdue referrals urged")


def urge_joint_plan_signatures():
    """Joint inspection plans three days before their day: the units that have not signed are urged and the plan's
    author told, once per unit."""
    return _urge("urge_joint_plan_signatures", joint_plan_signoff.urge_unsigned, "units urged to sign")


def urge_major_hazards():
    """Major hazards' special reports and treatment plans past their 48 hours: the project leads (a report) or the
    enterprise's staff (a plan) urged and the bureau told, once per deadline."""
    return _urge("urge_major_hazards", major_hazards.urge_overdue, "urged")


def notify_document_expiry():
    """Archive documents (licences, certificates, emergency plans) 30 days from running out, and run out: the
    enterprise's staff told once per document and expiry date each."""
    return _urge("notify_document_expiry", document_expiry.notify_due, "expiry notices")


def remind_equipment_calibration():
    """Instruments of the equipment register whose calibration is due within 30 days or overdue: the project leads
    are told once per due date and stage (daily; a restarted scheduler checks at its start)."""
    return _urge("remind_equipment_calibration", equipment_calibration.remind_due, "calibration reminders")


def notify_staff_certificate_expiry():
    """Staff certificates 30 days from running out, and run out: the holder and the project leads told once per
    certificate and last valid day each (daily; a restarted scheduler checks at its start)."""
    return _urge("notify_staff_certificate_expiry", staff_certificate_expiry.notify_due, "certificate expiry notices")


def notify_roster_certificate_expiry():
    """Special-operations certificates on the enterprises' training registers expiring within 30 days: the
    enterprise's staff told once per certificate and expiry date (daily; a restarted scheduler checks at its start)."""
    return _urge("notify_roster_certificate_expiry", roster_expiry.notify_due, "roster certificate notices")


def remind_return_visits():
    """In a quarter's last 30 days: the project leads told once per quarter which key enterprises still wait for
    their return visit (services/key_enterprises.py)."""
    return _urge("remind_return_visits", key_enterprises.remind_due, "told of return visits due")


def remind_periodic_reports():
    """Weekly and monthly reports to the bureau past their due moment and not issued: the project leads are told once
    per report (daily; a restarted scheduler checks at its start)."""
    return _urge("remind_periodic_reports", periodic_report_due.remind_overdue, "overdue reports")


def notify_hazard_source_assessments():
    """Major hazard sources whose safety assessment (every three years) falls due within 60 days, or has lapsed: the
    enterprise's staff told once per due day each."""
    return _urge("notify_hazard_source_assessments", hazard_source_states.notify_due, "assessment notices")


def watch_emergencies():
    """Emergency incidents whose arrival on site is late (重大 30 minutes, 较大 1 hour, 一般 2 hours): the project leads
    are told once each."""
    return _urge("watch_emergencies", emergency_notices.notify_late_arrivals, "late arrivals")


def urge_meeting_actions():
    """Meetings' action items (督办事项) of issued minutes past their due day: the owner and the organising side are
    told, once per item (daily; a restarted scheduler checks at its start)."""
    return _urge("urge_meeting_actions", meeting_actions.urge_overdue, "overdue action items urged")


def urge_questions():
    """Enterprises' questions past their response clock (2 hours; 紧急 30 minutes): the project leads and the liaison
    told once per wait."""
    return _urge("urge_questions", question_handling.urge_overdue, "questions urged")


def notify_liaison_gaps():
    """Once a week (checked hourly; each notice once per week and liaison): each liaison told which of their
    enterprises had no logged contact in the last complete ISO week."""
    return _urge("notify_liaison_gaps", liaison_weeks.notify_gaps, "liaisons told")


def notify_supply_expiry():
    """Batches of emergency supplies 30 days from their expiry date, and expired: the point's keeper and the project
    leads told once per batch each (daily; a restarted scheduler checks at its start)."""
    return _urge("notify_supply_expiry", supply_expiry.notify_due, "supply expiry notices")


def notify_self_check_gaps():
    """Enterprises that submitted no self-check in the last complete month (the monthly expectation, 自查频次): their
    staff told once per month (daily; a restarted scheduler checks at its start)."""
    return _urge("notify_self_check_gaps", self_check_rhythm.notify_missed_month, "enterprises told")


def notify_late_milestones():
    """Rectification milestones past their day and not done: the enterprise's staff, the project leads and a
    supervisor who is a user told once per milestone (daily; a restarted scheduler checks at its start)."""
    return _urge("notify_late_milestones", milestones.notify_late, "late milestones told")


def urge_improvement_items():
    """Improvement items (专项整改) of the bureau's quarterly evaluations past their due day and not closed: the
    project leads told once per item (daily; a restarted scheduler checks at its start)."""
    return _urge("urge_improvement_items", contractor_evaluations.urge_overdue, "overdue improvement items")


def escalate_initial_reviews():
    """Initial reviews of rectifications (线上初审) not done in 48 hours: the project leads and the quality supervisors
    told once per round."""
    return _urge("escalate_initial_reviews", initial_review_escalation.escalate_overdue, "initial reviews escalated")
def urge_resumption_decisions():
    """Applications for resumption (复工复产申请) without their on-site acceptance past 5 working days: the bureau told
    once per application."""
    return _urge("urge_resumption_decisions", resumption.urge_overdue, "resumption applications urged")
def urge_quality_incidents():
    """Quality incidents past their handling limit (48 / 24 / 12 clock hours) and not handled: the quality supervisors
    and the project leads told once per incident (hourly)."""
    return _urge("urge_quality_incidents", quality_incident_handling.urge_overdue, "overdue quality incidents")


def backup_database():
    """Once a day (checked hourly, so a restarted scheduler catches up): an archive in BACKUP_DIR, the oldest
    beyond BACKUP_KEEP deleted. A failure is the heartbeat's message (admin timers page, /healthz)."""
    from flask import current_app
    config = current_app.config
    db.session.remove()
    try:
        if not backup.is_due(config["BACKUP_DIR"]):
            _beat("backup_database", message=f"latest: {backup.archives_in(config['BACKUP_DIR'])[-1].name}")
            return None
        path = backup.create(db.engine, config["UPLOAD_DIR"], config["BACKUP_DIR"])
        backup.prune(config["BACKUP_DIR"], config["BACKUP_KEEP"])
    except Exception as exc:  # noqa: BLE001 - a full disk or a missing pg_dump must show, not stop the scheduler
        log.error("backup failed: %s", exc)
        _beat("backup_database", ok=False, message=f"backup failed: {exc}")
        return None
    log.info("backup written: %s", path)
    _beat("backup_database", message=f"wrote {path.name}")
    return path


def notify_overdue_effect_evaluations():
    """Effect evaluations of closed major hazards without a conclusion three months and 30 days after closing: the
    bureau told once per evaluation (daily; a restarted scheduler checks at its start)."""
    return _urge("notify_overdue_effect_evaluations", effect_evaluation_facts.notify_overdue,
                 "overdue effect evaluations told")


def remind_dispatch_day():
    """任务提醒: on a working day from 07:00, each inspector told their plans of the day with the route link, once per
    inspector and day (checked hourly; a scheduler started later that morning still reminds)."""
    return _urge("remind_dispatch_day", dispatch_reminders.remind_today, "inspectors reminded of their day")


def job_table(config):
    jobs = [
        {"id": "sweep_due_timers", "func": sweep_due_timers, "trigger": "interval",
         "seconds": config["SCHEDULER_SWEEP_SECONDS"]},
        {"id": "dispatch_outbox", "func": dispatch_outbox, "trigger": "interval",
         "seconds": config["OUTBOX_DISPATCH_SECONDS"]},
        {"id": "deliver_monthly_report", "func": deliver_monthly_report, "trigger": "interval", "seconds": 3600},
        {"id": "deliver_weekly_report", "func": deliver_weekly_report, "trigger": "interval", "seconds": 3600},
        {"id": "grade_regions", "func": grade_regions, "trigger": "interval", "seconds": 3600},
        {"id": "urge_objections", "func": urge_objections, "trigger": "interval", "seconds": 3600},
        {"id": "urge_followups", "func": urge_followups, "trigger": "interval", "seconds": 3600},
        # checked hourly, scores once a month: a scheduler down on the 1st still scores the month when it starts
        {"id": "score_cooperation", "func": score_cooperation, "trigger": "interval", "seconds": 3600},
        {"id": "urge_complaints", "func": urge_complaints, "trigger": "interval", "seconds": 3600},
        {"id": "urge_bureau_notices", "func": urge_bureau_notices, "trigger": "interval", "seconds": 600},
        {"id": "urge_referrals", "func": urge_referrals, "trigger": "interval", "seconds": 3600},
        {"id": "watch_iot", "func": watch_iot, "trigger": "interval", "seconds": config["IOT_CHECK_SECONDS"]},
        # checked every ten minutes, runs once a night (after 03:30; at the start when last night's run is missing)
        {"id": iot_retention.JOB_ID, "func": roll_up_iot_readings, "trigger": "interval",
         "seconds": ROLL_UP_CHECK_SECONDS},
        # 48-hour deadlines: checked every 10 minutes, so an urging comes at most that late
        {"id": "urge_major_hazards", "func": urge_major_hazards, "trigger": "interval", "seconds": 600},
        # expiry is by the day: checked hourly, so a restarted scheduler or a document entered today waits an hour,
        # not a day; each notice goes once
        {"id": "notify_document_expiry", "func": notify_document_expiry, "trigger": "interval", "seconds": 3600},
        # daily: a calibration reminder is about a date, never urgent to the hour (each sent once)
        {"id": "remind_equipment_calibration", "func": remind_equipment_calibration, "trigger": "interval",
         "seconds": 86400},
        # daily, like the calibrations: a certificate's expiry is about a date (each notice sent once)
        {"id": "notify_staff_certificate_expiry", "func": notify_staff_certificate_expiry, "trigger": "interval",
         "seconds": 86400},
        # hourly: the reminder is once a quarter, from the day its last 30 days begin
        {"id": "remind_return_visits", "func": remind_return_visits, "trigger": "interval", "seconds": 3600},
        # daily: a report's reminder goes once, the day after it fell due at the latest
        {"id": "remind_periodic_reports", "func": remind_periodic_reports, "trigger": "interval", "seconds": 86400},
        # daily: an assessment's due day is months ahead, each notice goes once (a restart checks at its start)
        {"id": "notify_hazard_source_assessments", "func": notify_hazard_source_assessments, "trigger": "interval",
         "seconds": 86400},
        # arrival limits of 30 minutes and more: checked every 5 minutes, so a late arrival is told at most that late
        {"id": "watch_emergencies", "func": watch_emergencies, "trigger": "interval", "seconds": 300},
        # daily: an action item is due by the day (each urged once)
        {"id": "urge_meeting_actions", "func": urge_meeting_actions, "trigger": "interval", "seconds": 86400},
        # a 30-minute clock for urgent questions: checked every 5 minutes, so an urging comes at most that late
        {"id": "urge_questions", "func": urge_questions, "trigger": "interval", "seconds": 300},
        # weekly notices, checked hourly (a scheduler down on Monday still sends them when it starts)
        {"id": "notify_liaison_gaps", "func": notify_liaison_gaps, "trigger": "interval", "seconds": 3600},
        # daily: an expiry date is a day (each notice sent once)
        {"id": "notify_supply_expiry", "func": notify_supply_expiry, "trigger": "interval", "seconds": 86400},
        # daily: a milestone is due by the day (each told once)
        {"id": "notify_late_milestones", "func": notify_late_milestones, "trigger": "interval", "seconds": 86400},
        # daily: an improvement item is due by the day (each overdue item told once)
        {"id": "urge_improvement_items", "func": urge_improvement_items, "trigger": "interval", "seconds": 86400},
        # hourly: a 48-hour initial review is escalated at most an hour late (once per round)
        {"id": "escalate_initial_reviews", "func": escalate_initial_reviews, "trigger": "interval", "seconds": 3600},
        # daily: a certificate's expiry is a date (each told once)
        {"id": "notify_roster_certificate_expiry", "func": notify_roster_certificate_expiry, "trigger": "interval",
         "seconds": 86400},
        # daily: the expectation is one self-check a month; each enterprise told once per month it missed
        {"id": "notify_self_check_gaps", "func": notify_self_check_gaps, "trigger": "interval", "seconds": 86400},
        # hourly: the answer is due in working days at a time of day, so it is urged at most an hour late (once)
        {"id": "urge_resumption_decisions", "func": urge_resumption_decisions, "trigger": "interval",
         "seconds": 3600},
        # hourly: limits of 12 hours and more, so an incident is told at most an hour after it passed its limit
        {"id": "urge_quality_incidents", "func": urge_quality_incidents, "trigger": "interval", "seconds": 3600},
        # daily: the urging is about a day (three days before the joint check), each unit urged once
        {"id": "urge_joint_plan_signatures", "func": urge_joint_plan_signatures, "trigger": "interval",
         "seconds": 86400},
        # daily: an evaluation is overdue by the day (each told once)
        {"id": "notify_overdue_effect_evaluations", "func": notify_overdue_effect_evaluations, "trigger": "interval",
         "seconds": 86400},
        # hourly: an alert rule's thresholds are days (each alert raised once until its condition clears)
        {"id": "evaluate_alert_rules", "func": evaluate_alert_rules, "trigger": "interval", "seconds": 3600},
        # hourly: the day's reminder goes from 07:00 on a working day, once per inspector and day
        {"id": "remind_dispatch_day", "func": remind_dispatch_day, "trigger": "interval", "seconds": 3600},
    ]
    if config.get("BACKUP_DIR"):
        jobs.append({"id": "backup_database", "func": backup_database, "trigger": "interval", "seconds": 3600})
    if str(config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite"):
        jobs.append({"id": "checkpoint_sqlite", "func": checkpoint_sqlite, "trigger": "interval",
                     "seconds": config["SQLITE_CHECKPOINT_SECONDS"]})
    return jobs
