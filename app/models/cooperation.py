"""An enterprise's monthly cooperation score (企业配合情况综合评分, services/cooperation.py): one row per enterprise and
calendar month, with the three factor scores, the inputs each was computed from (so the record says why), the class
A / B / C and the rank among the month's enterprises. A month is recomputed by replacing its rows."""
from ..extensions import db
from .types import UTCDateTime

# code: (中文, English); B is the pass mark (合格线), C below it
COOPERATION_CLASSES = {
    "A": ("A 类（配合良好）", "Class A (good)"),
    "B": ("B 类（合格）", "Class B (pass)"),
    "C": ("C 类（不合格）", "Class C (below the pass mark)"),
}


class CooperationScore(db.Model):
    __tablename__ = "cooperation_score"
    __table_args__ = (
        # One score per enterprise and month: two schedulers scoring a month at once cannot both store it.
        db.UniqueConstraint("enterprise_id", "month"),
        db.CheckConstraint("score >= 0 AND score <= 100", name="score_in_range"),
        db.CheckConstraint("cooperation_class IN ('A', 'B', 'C')", name="known_class"),
    )
    id = db.Column(db.Integer, primary_key=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), nullable=False, index=True)
    month = db.Column(db.Date, nullable=False, index=True)  # the month's first day (Shanghai calendar)
    score = db.Column(db.Float, nullable=False)  # 0-100, the sum of the three factors
    cooperation_class = db.Column(db.String(1), nullable=False)  # A / B / C
    rank = db.Column(db.Integer, nullable=False)  # 1 = best; equal scores share a rank
    profile_score = db.Column(db.Float, nullable=False)  # 资料完整性
    feedback_score = db.Column(db.Float, nullable=False)  # 反馈及时性
    rectification_score = db.Column(db.Float, nullable=False)  # 整改落实情况
    factors = db.Column(db.JSON, nullable=False)  # each factor's points, maximum and inputs (counts, late items)
    computed_at = db.Column(UTCDateTime, nullable=False)

    enterprise = db.relationship("Enterprise")
