"""An enterprise's objection (异议) to its case: the seed's feedback channel — the enterprise objects to a grade, a
deadline, a requirement or a verification opinion, and the contractor answers within three working days."""
from ..extensions import db
from .types import UTCDateTime

OBJECTION_SUBJECTS = {
    "grade": ("隐患等级", "Hazard grade"),
    "deadline": ("整改期限", "Rectification deadline"),
    "requirements": ("整改要求", "Rectification requirements"),
    "verification": ("复核验收意见", "Verification opinion"),
    "other": ("其他", "Other"),
}


class CaseObjection(db.Model):
    __tablename__ = "case_objection"
    id = db.Column(db.Integer, primary_key=True)
    case_id = db.Column(db.Integer, db.ForeignKey("hazard_case.id"), nullable=False, index=True)
    subject = db.Column(db.String(24), nullable=False)  # a key of OBJECTION_SUBJECTS
    text = db.Column(db.Text, nullable=False)
    raised_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    raised_at = db.Column(UTCDateTime, nullable=False)
    # Three working days after it was raised (the working-day calendar); unanswered ones after it are overdue.
    reply_due = db.Column(UTCDateTime, nullable=False, index=True)
    reply = db.Column(db.Text)
    accepted = db.Column(db.Boolean)  # the objection was upheld (the case is corrected by its process), or not
    replied_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    replied_at = db.Column(UTCDateTime, index=True)  # None: still awaiting its answer

    case = db.relationship("HazardCase")
    raised_by = db.relationship("User", foreign_keys=[raised_by_id])
    replied_by = db.relationship("User", foreign_keys=[replied_by_id])
