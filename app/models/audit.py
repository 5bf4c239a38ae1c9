from ..extensions import db
from .types import UTCDateTime


class AuditEvent(db.Model):
    """Append-only: no cascade from the case, never updated."""

    __tablename__ = "audit_event"
    id = db.Column(db.Integer, primary_key=True)
    case_id = db.Column(db.Integer, nullable=True, index=True)  # no FK on purpose: history outlives rows
    actor_id = db.Column(db.Integer, nullable=True)
    actor_name = db.Column(db.String(64), nullable=False)
    action = db.Column(db.String(64), nullable=False)
    task_name = db.Column(db.String(200), nullable=False, default="")
    changes = db.Column(db.JSON, nullable=False, default=dict)  # {field: [before, after]}
    details = db.Column(db.JSON, nullable=False, default=dict)
    reason = db.Column(db.Text, nullable=False, default="")
    created_at = db.Column(UTCDateTime, nullable=False, index=True)
    # What a row outside a case is about ("enterprise" / "user" and its id), so a record's page can show its
    # history without searching the JSON details.
    subject_type = db.Column(db.String(32), nullable=True)
    subject_id = db.Column(db.Integer, nullable=True)
    # Partial: the rows of case steps (nearly all rows, written on every step) carry no subject and stay out.
    __table_args__ = (db.Index("ix_audit_event_subject", "subject_type", "subject_id",
                               sqlite_where=db.text("subject_type IS NOT NULL"),
                               postgresql_where=db.text("subject_type IS NOT NULL")),)
