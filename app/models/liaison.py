"""Enterprise liaison officers (企业联络专员, seed 000 line 600: 每周至少与企业对接一次) and the contact log (企业配合全过程
电子档案, line 782: 记录每次沟通内容、整改承诺及完成情况): who of the contractor's staff is an enterprise's liaison — one
at a time, the earlier ones kept as history —, every call, visit, WeChat exchange or meeting with the enterprise, and
the commitments the enterprise made in it, each later marked kept or broken. The log is the staff side's own record:
enterprise users never read it (they see who their liaison is, and their questions: models/question.py)."""
from ..extensions import db
from .types import UTCDateTime

CONTACT_WAYS = {
    "phone": ("电话", "Phone"),
    "site": ("现场", "On site"),
    "wechat": ("微信", "WeChat"),
    "meeting": ("会议", "Meeting"),
}
COMMITMENT_STATUSES = {
    "open": ("待兑现", "Open"),
    "kept": ("已兑现", "Kept"),
    "broken": ("未兑现", "Broken"),
}


class LiaisonAssignment(db.Model):
    """An enterprise's liaison from `assigned_at` until `ended_at` (None: the current one). At most one current
    assignment per enterprise: the partial unique index refuses a second even when two project leads assign at once."""
    __tablename__ = "liaison_assignment"
    __table_args__ = (db.Index("uq_liaison_assignment_current", "enterprise_id", unique=True,
                               sqlite_where=db.text("ended_at IS NULL"),
                               postgresql_where=db.text("ended_at IS NULL")),)
    id = db.Column(db.Integer, primary_key=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), nullable=False, index=True)
    liaison_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False, index=True)
    assigned_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    assigned_at = db.Column(UTCDateTime, nullable=False)
    note = db.Column(db.String(200), nullable=False, default="")  # why (a new officer, a change of staff)
    ended_at = db.Column(UTCDateTime)
    ended_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))

    enterprise = db.relationship("Enterprise")
    liaison = db.relationship("User", foreign_keys=[liaison_id])
    assigned_by = db.relationship("User", foreign_keys=[assigned_by_id])
    ended_by = db.relationship("User", foreign_keys=[ended_by_id])


class ContactEntry(db.Model):
    """One contact with an enterprise (沟通记录): when, how, with whom, what was said, what follows, and whether the
    enterprise refused to cooperate (拒绝配合: what the non-cooperation report lists)."""
    __tablename__ = "contact_entry"
    id = db.Column(db.Integer, primary_key=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), nullable=False, index=True)
    contacted_at = db.Column(UTCDateTime, nullable=False, index=True)
    way = db.Column(db.String(16), nullable=False)  # a key of CONTACT_WAYS
    staff_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)  # who of the staff, the recorder
    counterpart = db.Column(db.String(100), nullable=False)  # who at the enterprise (name, position)
    content = db.Column(db.Text, nullable=False)
    follow_up = db.Column(db.Text, nullable=False, default="")  # what the staff side does next
    refused = db.Column(db.Boolean, nullable=False, default=False, server_default="0")
    recorded_at = db.Column(UTCDateTime, nullable=False)

    enterprise = db.relationship("Enterprise")
    staff = db.relationship("User")
    commitments = db.relationship("ContactCommitment", back_populates="entry", order_by="ContactCommitment.id")


class ContactCommitment(db.Model):
    """A commitment the enterprise made in a contact (整改承诺), due on a day; later marked kept or broken."""
    __tablename__ = "contact_commitment"
    __table_args__ = (db.CheckConstraint("status IN ('open', 'kept', 'broken')", name="known_status"),)
    id = db.Column(db.Integer, primary_key=True)
    entry_id = db.Column(db.Integer, db.ForeignKey("contact_entry.id"), nullable=False, index=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), nullable=False, index=True)
    text = db.Column(db.String(500), nullable=False)
    due_on = db.Column(db.Date, nullable=False, index=True)
    status = db.Column(db.String(8), nullable=False, default="open", index=True)
    settled_at = db.Column(UTCDateTime)
    settled_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    settle_note = db.Column(db.String(500), nullable=False, default="")

    entry = db.relationship("ContactEntry", back_populates="commitments")
    settled_by = db.relationship("User")
