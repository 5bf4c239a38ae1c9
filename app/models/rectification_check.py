"""A supervision check of a rectification on site (整改过程督导检查, the tender's 专项督导小组定期对隐患整改情况进行现场
核查：一般隐患每月至少检查一次，较大隐患每两周一次，重大隐患每周一次): what the group found of the progress, and its
conclusion — on track, lagging (the enterprise is told), or an interview (约谈) that goes on the credit record."""
from ..extensions import db
from .types import UTCDateTime

CHECK_CONCLUSIONS = {
    "on_track": ("按计划推进", "On track"),
    "lagging": ("进度滞后", "Lagging"),
    "interview": ("整改不力，启动约谈", "Poor progress: interview"),
}


class RectificationCheck(db.Model):
    __tablename__ = "rectification_check"
    id = db.Column(db.Integer, primary_key=True)
    case_id = db.Column(db.Integer, db.ForeignKey("hazard_case.id"), nullable=False, index=True)
    round = db.Column(db.Integer, nullable=False)  # the case's rectification round when checked
    checked_at = db.Column(UTCDateTime, nullable=False, index=True)
    checkers = db.Column(db.String(200), nullable=False)  # the names as they sign the record
    progress_percent = db.Column(db.Integer, nullable=False)
    findings = db.Column(db.Text, nullable=False)
    conclusion = db.Column(db.String(16), nullable=False)  # a key of CHECK_CONCLUSIONS
    recorded_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)

    case = db.relationship("HazardCase")
    recorded_by = db.relationship("User")
    # The readings taken on site and the photos and files kept with the check (services/site_measurements.py,
    # check_files.py); written there, read here.
    measurements = db.relationship("SiteMeasurement", order_by="SiteMeasurement.position", viewonly=True)
    files = db.relationship("Attachment", order_by="Attachment.id", viewonly=True)


class SiteCheckDraw(db.Model):
    """A random draw of site checks (双随机抽查: random cases, random checkers): the cases under rectification drawn,
    the supervision-group member each was given, and the seed, so anyone can redo the draw and see it was fair."""
    __tablename__ = "site_check_draw"
    id = db.Column(db.Integer, primary_key=True)
    drawn_at = db.Column(UTCDateTime, nullable=False, index=True)
    drawn_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    seed = db.Column(db.String(32), nullable=False)
    requested = db.Column(db.Integer, nullable=False)
    population = db.Column(db.Integer, nullable=False)  # cases under rectification to draw from
    picks = db.Column(db.JSON, nullable=False)  # [{case_id, code, checker_id, checker}] in draw order
    # 一公开: the bureau publishes the draw's results once every drawn case was checked; a withdrawal takes them off
    # the public page again (published_at cleared) and keeps why.
    published_at = db.Column(UTCDateTime, index=True)
    published_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    withdrawn_at = db.Column(UTCDateTime)
    withdrawn_reason = db.Column(db.Text)

    drawn_by = db.relationship("User", foreign_keys=[drawn_by_id])
    published_by = db.relationship("User", foreign_keys=[published_by_id])
