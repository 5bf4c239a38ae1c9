"""The health check's findings (GET /healthz) and the scheduler jobs' heartbeats.

Ready means the web process can do its work: the database answers, its schema is at the newest migration and a
process version is deployed. The scheduler runs apart (python -m scheduler); when its timer sweep has not
reported for a while, or reported a failure, the service is "degraded": requests still work, but deadlines are
not acted on until it runs again.
"""
from datetime import timedelta
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import select, text

from ..clock import clock
from ..models import ProcessVersion, SchedulerHeartbeat

WATCHED_JOB = "sweep_due_timers"
BACKUP_JOB = "backup_database"
BACKUP_STALE_HOURS = 26  # a daily backup, checked hourly, plus a margin
STALE_AFTER_INTERVALS = 3  # heartbeats missed before the scheduler counts as stopped
STALE_GRACE_SECONDS = 60


def beat(session, job_id, ok=True, message=""):
    """Record that a job ran (in its own short transaction, after the job's work committed or failed)."""
    row = session.get(SchedulerHeartbeat, job_id)
    if row is None:
        row = SchedulerHeartbeat(job_id=job_id)
        session.add(row)
    row.beat_at, row.ok, row.message = clock.now(), ok, message[:2000]
    session.commit()


def report(session, migrations_dir, sweep_seconds, backups=False):
    """(HTTP status, findings): 503 when not ready, else 200 with status "ok" or "degraded". `backups`: the
    scheduler is to make daily backups (BACKUP_DIR is set), so a missing or failed one degrades too."""
    findings = {"database": "ok"}
    try:
        connection = session.connection()
        connection.execute(text("SELECT 1"))
        current = set(MigrationContext.configure(connection).get_current_heads())
        heads = set(ScriptDirectory(str(Path(migrations_dir))).get_heads())
        deployed = session.execute(select(ProcessVersion.id).where(ProcessVersion.is_deployed.is_(True))
                                   .limit(1)).scalar() is not None
        sweep = session.get(SchedulerHeartbeat, WATCHED_JOB)
        last_backup = session.get(SchedulerHeartbeat, BACKUP_JOB) if backups else None
    except Exception as exc:  # noqa: BLE001 - whatever stops the database is the finding
        session.rollback()
        return 503, {"status": "unavailable", "database": f"error: {type(exc).__name__}"}
    findings["schema"] = {"current": sorted(current), "expected": sorted(heads), "ok": current == heads}
    findings["process_deployed"] = deployed
    findings["scheduler"] = _scheduler(sweep, sweep_seconds)
    if backups:
        findings["backup"] = _backup(last_backup)
    if not findings["schema"]["ok"] or not deployed:
        return 503, {"status": "unavailable", **findings}
    healthy = findings["scheduler"]["ok"] and findings.get("backup", {}).get("ok", True)
    return 200, {"status": "ok" if healthy else "degraded", **findings}


def _backup(beat):
    """The daily backup's state; its heartbeat is written by every hourly check, so "ok" also means recent."""
    if beat is None:
        return {"ok": False, "last_check_at": None, "message": "no backup has run yet"}
    fresh = clock.now() - beat.beat_at <= timedelta(hours=BACKUP_STALE_HOURS)
    # /healthz needs no login: the failure's own text (paths, pg_dump's words about hosts and users) stays on
    # the admin timers page and in the scheduler's log.
    message = "the last backup failed" if not beat.ok else ("" if fresh else "no backup check for over a day")
    return {"ok": beat.ok and fresh, "last_check_at": beat.beat_at.isoformat(), "message": message}


def _scheduler(sweep, sweep_seconds):
    if sweep is None:
        return {"ok": False, "last_sweep_at": None, "message": "the timer sweep has not run yet"}
    age = (clock.now() - sweep.beat_at).total_seconds()
    fresh = age <= STALE_AFTER_INTERVALS * sweep_seconds + STALE_GRACE_SECONDS
    message = sweep.message if not sweep.ok else ("" if fresh else f"no timer sweep for {int(age)} s")
    return {"ok": fresh and sweep.ok, "last_sweep_at": sweep.beat_at.isoformat(), "age_seconds": int(age),
            "message": message}


def heartbeats(session):
    """Every job's last run, by job id."""
    return session.query(SchedulerHeartbeat).order_by(SchedulerHeartbeat.job_id).all()
