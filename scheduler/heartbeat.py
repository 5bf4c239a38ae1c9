"""Each scheduler job's heartbeat (GET /healthz, the admin timers page) and the scheduler's log."""
import logging

from app.extensions import db
from app.services import health

log = logging.getLogger("scheduler")


def beat(job_id, ok=True, message=""):
    """The job's heartbeat for GET /healthz; never the reason a job fails (the database may be what failed)."""
    try:
        db.session.rollback()
        health.beat(db.session, job_id, ok, message)
    except Exception:  # noqa: BLE001
        log.exception("could not record the heartbeat of %s", job_id)
        db.session.rollback()
