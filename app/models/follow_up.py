"""Re-inspections of a closed case (销号后复查, "回头看"): the seed asks for at least two — the first within a week of
closing, the second a month after — to see that the rectification holds."""
from ..extensions import db
from .types import UTCDateTime

FOLLOW_UP_RESULTS = {
    "held": ("整改效果保持", "Rectification holds"),
    "recurred": ("隐患反弹", "The hazard is back"),
}


class CaseFollowUp(db.Model):
    __tablename__ = "case_follow_up"
    # One row per case and round: two closings of one case (never) or two schedulers cannot double them.
    __table_args__ = (db.UniqueConstraint("case_id", "sequence"),)
    id = db.Column(db.Integer, primary_key=True)
    case_id = db.Column(db.Integer, db.ForeignKey("hazard_case.id"), nullable=False, index=True)
    sequence = db.Column(db.Integer, nullable=False)  # 1: within a week of closing, 2: a month after
    not_before = db.Column(db.Date, nullable=False)  # Shanghai days
    due_on = db.Column(db.Date, nullable=False, index=True)
    result = db.Column(db.String(16))  # a key of FOLLOW_UP_RESULTS; None: not done yet
    notes = db.Column(db.Text, nullable=False, default="")
    done_at = db.Column(UTCDateTime)
    done_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))

    case = db.relationship("HazardCase")
    done_by = db.relationship("User")
    # The readings taken on site and the photos and files kept with the re-inspection (services/site_measurements.py,
    # check_files.py); written there, read here.
    measurements = db.relationship("SiteMeasurement", order_by="SiteMeasurement.position", viewonly=True)
    files = db.relationship("Attachment", order_by="Attachment.id", viewonly=True)
