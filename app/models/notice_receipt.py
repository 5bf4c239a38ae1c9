"""The enterprise's acknowledgement of a rectification notice (整改通知书签收, the seed's 在线签收): who of its staff
signed for which round's notice, and when — the proof that the notice was served."""
from ..extensions import db
from .types import UTCDateTime


class NoticeReceipt(db.Model):
    __tablename__ = "notice_receipt"
    # One acknowledgement per round's notice: two of the staff signing at once cannot both be recorded.
    __table_args__ = (db.UniqueConstraint("case_id", "round"),)
    id = db.Column(db.Integer, primary_key=True)
    case_id = db.Column(db.Integer, db.ForeignKey("hazard_case.id"), nullable=False, index=True)
    round = db.Column(db.Integer, nullable=False)
    signed_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    signed_at = db.Column(UTCDateTime, nullable=False)

    signed_by = db.relationship("User")
