"""Records of the SLA machinery: fired timers, incidents, the bureau's lists, the credit record, the outbox."""
from ..extensions import db
from .types import UTCDateTime


class TimerFiring(db.Model):
    """Each fired timer with its due and fire time, for lateness statistics."""

    __tablename__ = "timer_firing"
    id = db.Column(db.Integer, primary_key=True)
    case_id = db.Column(db.Integer, nullable=False, index=True)
    bpmn_id = db.Column(db.String(128), nullable=False)
    name = db.Column(db.String(200), nullable=False, default="")
    due_at = db.Column(UTCDateTime, nullable=False)
    fired_at = db.Column(UTCDateTime, nullable=False, index=True)
    lateness_seconds = db.Column(db.Float, nullable=False)


class Incident(db.Model):
    """A case whose background step failed; its timers are held back until an admin retries it."""

    __tablename__ = "incident"
    id = db.Column(db.Integer, primary_key=True)
    case_id = db.Column(db.Integer, db.ForeignKey("hazard_case.id"), nullable=False, index=True)
    error = db.Column(db.Text, nullable=False)
    attempts = db.Column(db.Integer, nullable=False, default=1)
    created_at = db.Column(UTCDateTime, nullable=False)
    resolved_at = db.Column(UTCDateTime)
    resolved_by = db.Column(db.String(64))

    case = db.relationship("HazardCase")


class KeySupervisionEntry(db.Model):
    """An enterprise on the key-supervision list (重点监管名单) because of an overdue case."""

    __tablename__ = "key_supervision_entry"
    id = db.Column(db.Integer, primary_key=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), nullable=False, index=True)
    case_id = db.Column(db.Integer, db.ForeignKey("hazard_case.id"), nullable=False)
    reason = db.Column(db.Text, nullable=False)
    since = db.Column(UTCDateTime, nullable=False)
    left_at = db.Column(UTCDateTime)

    enterprise = db.relationship("Enterprise")
    case = db.relationship("HazardCase")


class EnforcementReferral(db.Model):
    """A case referred to enforcement (移送执法) after the grace period passed."""

    __tablename__ = "enforcement_referral"
    __table_args__ = (db.UniqueConstraint("case_id", "round", name="uq_enforcement_referral_case_round"),)
    id = db.Column(db.Integer, primary_key=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), nullable=False, index=True)
    case_id = db.Column(db.Integer, db.ForeignKey("hazard_case.id"), nullable=False)
    round = db.Column(db.Integer, nullable=False, default=1)
    reason = db.Column(db.Text, nullable=False)
    referred_at = db.Column(UTCDateTime, nullable=False)

    enterprise = db.relationship("Enterprise")
    case = db.relationship("HazardCase")


class CreditRecord(db.Model):
    """An entry in the enterprise's safety credit record (信用记录)."""

    __tablename__ = "credit_record"
    id = db.Column(db.Integer, primary_key=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), nullable=False, index=True)
    case_id = db.Column(db.Integer, db.ForeignKey("hazard_case.id"), nullable=True)
    kind = db.Column(db.String(64), nullable=False)
    note = db.Column(db.Text, nullable=False, default="")
    created_at = db.Column(UTCDateTime, nullable=False)


class OutboxMessage(db.Model):
    """A notification to deliver over an external channel (email, SMS, WeChat)."""

    __tablename__ = "outbox_message"
    __table_args__ = (db.UniqueConstraint("notification_id", "channel", name="uq_outbox_notification_channel"),)
    id = db.Column(db.Integer, primary_key=True)
    notification_id = db.Column(db.Integer, db.ForeignKey("notification.id"), nullable=False)
    channel = db.Column(db.String(16), nullable=False)
    recipient = db.Column(db.String(200), nullable=False, default="")
    subject = db.Column(db.String(200), nullable=False)
    body = db.Column(db.Text, nullable=False, default="")
    status = db.Column(db.String(20), nullable=False, default="pending", index=True)
    attempts = db.Column(db.Integer, nullable=False, default=0)
    error = db.Column(db.Text, nullable=False, default="")
    created_at = db.Column(UTCDateTime, nullable=False)
    sent_at = db.Column(UTCDateTime)

    notification = db.relationship("Notification")


class CalendarYear(db.Model):
    """A year whose official schedule (holidays and make-up working days) an admin imported."""

    __tablename__ = "calendar_year"
    year = db.Column(db.Integer, primary_key=True, autoincrement=False)
    source = db.Column(db.String(200), nullable=False, default="")
    imported_at = db.Column(UTCDateTime, nullable=False)
    imported_by = db.Column(db.String(64), nullable=False, default="")
