"""The health check's findings (GET /healthz) and the scheduler jobs' heartbeats.

Ready means the web process can do its work: the database answers, its schema is at the newest migration and a
process version is deployed. The scheduler runs apart (python -m scheduler); when its timer sweep has not
reported for a while, or reported a failure, the service is "degraded": requests still work, but deadlines are
not acted on until it runs again.
"""
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import select, text

from ..clock import clock
from ..models import ProcessVersion, SchedulerHeartbeat

WATCHED_JOB = "sweep_due_timers"
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


def report(session, migrations_dir, sweep_seconds):
    """(HTTP status, findings): 503 when not ready, else 200 with status "ok" or "degraded"."""
    findings = {"database": "ok"}
    try:
        connection = session.connection()
        connection.execute(text("SELECT 1"))
        current = set(MigrationContext.configure(connection).get_current_heads())
        heads = set(ScriptDirectory(str(Path(migrations_dir))).get_heads())
        deployed = session.execute(select(ProcessVersion.id).where(ProcessVersion.is_deployed.is_(True))
                                   .limit(1)).scalar() is not None
        sweep = session.get(SchedulerHeartbeat, WATCHED_JOB)
    except Exception as exc:  # noqa: BLE001 - whatever stops the database is the finding
        session.rollback()
        return 503, {"status": "unavailable", "database": f"error: {type(exc).__name__}"}
    findings["schema"] = {"current": sorted(current), "expected": sorted(heads), "ok": current == heads}
    findings["process_deployed"] = deployed
    findings["scheduler"] = _scheduler(sweep, sweep_seconds)
    if not findings["schema"]["ok"] or not deployed:
        return 503, {"status": "unavailable", **findings}
    return 200, {"status": "ok" if findings["scheduler"]["ok"] else "degraded", **findings}


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
