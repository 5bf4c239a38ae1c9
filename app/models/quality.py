"""Quality sampling (质量抽查): rounds in which the quality supervisor draws at least 15 % of the cases closed in
a period at random and reviews each one."""
from ..extensions import db
from .types import UTCDateTime


class QualityRound(db.Model):
    __tablename__ = "quality_round"
    id = db.Column(db.Integer, primary_key=True)
    period_start = db.Column(db.Date, nullable=False)  # Shanghai days of closure, both included
    period_end = db.Column(db.Date, nullable=False)
    percent = db.Column(db.Integer, nullable=False)  # of the closed cases, at least 15
    closed_count = db.Column(db.Integer, nullable=False)  # closed cases in the period when drawn
    seed = db.Column(db.String(32), nullable=False)  # the draw can be repeated from it and the case ids
    created_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False)
    # "internal": the contractor's quality supervisor checks its own work; "acceptance": the bureau's spot check of
    # the contractor's results (局方抽查验收), to be finished within 20 working days (due_at).
    kind = db.Column(db.String(16), nullable=False, default="internal", server_default="internal")
    due_at = db.Column(UTCDateTime)

    created_by = db.relationship("User")
    samples = db.relationship("QualitySample", back_populates="round", order_by="QualitySample.id")


class QualitySample(db.Model):
    __tablename__ = "quality_sample"
    __table_args__ = (db.UniqueConstraint("round_id", "case_id", name="uq_quality_sample_round_case"),)
    id = db.Column(db.Integer, primary_key=True)
    round_id = db.Column(db.Integer, db.ForeignKey("quality_round.id"), nullable=False, index=True)
    case_id = db.Column(db.Integer, db.ForeignKey("hazard_case.id"), nullable=False, index=True)
    result = db.Column(db.String(16))  # None until reviewed, then "confirmed" or "problem"
    opinion = db.Column(db.Text, nullable=False, default="")
    grade = db.Column(db.String(1))  # 成果质量 A/B/C (models QUALITY_GRADES), optional beside the result
    reviewer_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    reviewed_at = db.Column(UTCDateTime)

    round = db.relationship("QualityRound", back_populates="samples")
    case = db.relationship("HazardCase")
    reviewer = db.relationship("User")
