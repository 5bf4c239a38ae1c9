"""The annual safety credit evaluation of the enterprises (企业信用评价, seed 000 L493 “纳入年度安全考核体系，作为企业信用评价的
重要参考依据”, L549 “信用扣分将直接影响…资格评审”) and the annual 最佳配合企业 award (L754), services/credit*.py.

A year is evaluated on the fly from the credit records (models/sla.py CreditRecord) and the monthly cooperation
scores until the bureau confirms it after the year's close: then one CreditEvaluation row per enterprise keeps the
grade with every input it was computed from (the records and their points, the months' scores), and later changes
to the records no longer move it. The award list is confirmed afterwards on the same year row; its winners are the
evaluation rows with an award place."""
from ..extensions import db
from .types import UTCDateTime

# The kinds of credit-record entry, as the services write them (CreditRecord.kind): code → (中文, English).
CREDIT_RECORD_KINDS = {
    "enforcement_referral": ("移送执法", "Referred to enforcement"),  # services/sla.py: overdue past the grace period
    "interview": ("整改不力约谈", "Interview for poor rectification"),  # services/rectification_checks.py
    "enforcement_penalty": ("行政处罚", "Administrative penalty"),  # services/enforcement.py: a penalty decision
}
CREDIT_GRADES = {
    "A": ("A 级（守信）", "Grade A (trustworthy)"),
    "B": ("B 级（基本守信）", "Grade B (mostly trustworthy)"),
    "C": ("C 级（失信）", "Grade C (untrustworthy)"),
    "D": ("D 级（严重失信）", "Grade D (seriously untrustworthy)"),
}


class CreditYear(db.Model):
    """A year whose evaluation the bureau confirmed (frozen), and later its award list."""

    __tablename__ = "credit_year"
    year = db.Column(db.Integer, primary_key=True, autoincrement=False)
    confirmed_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    confirmed_at = db.Column(UTCDateTime, nullable=False)
    # the rules the grades were computed with (points per kind, weights, thresholds), as they were that day
    rules = db.Column(db.JSON, nullable=False)
    award_confirmed_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    award_confirmed_at = db.Column(UTCDateTime)
    award_note = db.Column(db.Text, nullable=False, default="")
    award_notice_id = db.Column(db.Integer, db.ForeignKey("bureau_notice.id"))  # the list published to enterprises

    confirmed_by = db.relationship("User", foreign_keys=[confirmed_by_id])
    award_confirmed_by = db.relationship("User", foreign_keys=[award_confirmed_by_id])


class CreditEvaluation(db.Model):
    """One enterprise's frozen evaluation of a confirmed year."""

    __tablename__ = "credit_evaluation"
    __table_args__ = (
        db.UniqueConstraint("year", "enterprise_id"),
        db.CheckConstraint("grade IN ('A', 'B', 'C', 'D')", name="known_grade"),
        db.CheckConstraint("score >= 0 AND score <= 100", name="score_in_range"),
    )
    id = db.Column(db.Integer, primary_key=True)
    year = db.Column(db.Integer, db.ForeignKey("credit_year.year"), nullable=False, index=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), nullable=False, index=True)
    deductions = db.Column(db.Integer, nullable=False)  # the points the year's records took off (≥ 0)
    additions = db.Column(db.Integer, nullable=False, default=0)  # points positive kinds gave (none exists yet)
    cooperation_average = db.Column(db.Float)  # the year's monthly scores averaged; None: no month scored
    cooperation_months = db.Column(db.Integer, nullable=False)
    cooperation_points = db.Column(db.Float, nullable=False)  # the cooperation component (negative below the pivot)
    score = db.Column(db.Float, nullable=False)  # 0-100
    grade = db.Column(db.String(1), nullable=False)
    # [{id, kind, points, created_at, case_id, note}] of the records and {"YYYY-MM": score} of the months
    records = db.Column(db.JSON, nullable=False)
    months = db.Column(db.JSON, nullable=False)
    award_place = db.Column(db.Integer)  # 最佳配合企业: its place on the confirmed list, None otherwise

    enterprise = db.relationship("Enterprise")
