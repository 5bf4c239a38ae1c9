from ..extensions import db
from .types import UTCDateTime


class Notification(db.Model):
    """An in-app notice to one user (role notices are fanned out to each holder when created)."""

    __tablename__ = "notification"
    __table_args__ = (db.UniqueConstraint("user_id", "dedup_key", name="uq_notification_user_dedup"),)
    id = db.Column(db.Integer, primary_key=True)
    case_id = db.Column(db.Integer, db.ForeignKey("hazard_case.id"), nullable=True, index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False, index=True)
    kind = db.Column(db.String(64), nullable=False)
    title = db.Column(db.String(200), nullable=False)
    body = db.Column(db.Text, nullable=False, default="")
    # Same event of the same case, task and round is recorded once even if the engine throws it again.
    dedup_key = db.Column(db.String(200), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False)
    read_at = db.Column(UTCDateTime)
