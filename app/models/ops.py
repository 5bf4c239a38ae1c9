"""What operations watch: each scheduler job's last run, written by the job itself."""
from ..extensions import db
from .types import UTCDateTime


class SchedulerHeartbeat(db.Model):
    __tablename__ = "scheduler_heartbeat"
    job_id = db.Column(db.String(64), primary_key=True)  # the job's id in scheduler/jobs.py
    beat_at = db.Column(UTCDateTime, nullable=False)
    ok = db.Column(db.Boolean, nullable=False)
    message = db.Column(db.Text, nullable=False, default="")
