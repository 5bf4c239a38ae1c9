"""The review of an inspection visit's report before the enterprise sees it (三级审核, seed 000: 现场小组初审、项目负责人
复审、技术总监终审，所有报告必须经过三轮校验后方可提交使用单位) and the quality supervisor's sampling of finished visits with
an A/B/C grade (成果质量A、B、C三个等级; 抽查比例不低于总任务量的15%). The rules: services/visit_review.py and
services/visit_quality.py."""
from ..extensions import db
from .types import UTCDateTime

# Where a visit's report stands (inspection_visit.review_status). 初审 is the team's own check: its leader (the
# recorder) submits it. Visits recorded before the review existed were "released" by the migration.
VISIT_REVIEW_STATUSES = {
    "draft": ("待提交", "Not submitted"),
    "returned": ("已退回", "Returned"),
    "awaiting_second": ("待复审", "Awaiting second review"),
    "awaiting_final": ("待终审", "Awaiting final review"),
    "released": ("已终审", "Approved"),
}
REVIEW_LEVELS = {1: ("初审", "First review"), 2: ("复审", "Second review"), 3: ("终审", "Final review")}
REVIEW_DECISIONS = {
    "submitted": ("提交审核", "Submitted"),
    "approved": ("审核通过", "Approved"),
    "returned": ("退回修改", "Returned"),
}
# 成果质量 (seed 000): A 优秀, B 合格, C 需整改.
QUALITY_GRADES = {"A": ("优秀", "Excellent"), "B": ("合格", "Acceptable"), "C": ("需整改", "Needs correction")}


class VisitReviewStep(db.Model):
    """One step of a visit report's review: submitted (初审, level 1), approved or returned at 复审 (2) or 终审 (3),
    by whom, when, why (a return's reason, an approval's optional remark) and the pre-submission check list's
    warnings as they stood (what the reviewer was shown)."""
    __tablename__ = "visit_review_step"
    id = db.Column(db.Integer, primary_key=True)
    visit_id = db.Column(db.Integer, db.ForeignKey("inspection_visit.id"), nullable=False, index=True)
    level = db.Column(db.Integer, nullable=False)  # a key of REVIEW_LEVELS
    decision = db.Column(db.String(16), nullable=False)  # a key of REVIEW_DECISIONS
    reason = db.Column(db.Text, nullable=False, default="")
    checks = db.Column(db.JSON)  # [{code, level, subjects}] when submitted
    actor_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    acted_at = db.Column(UTCDateTime, nullable=False)

    actor = db.relationship("User")


class VisitQualityRound(db.Model):
    """A draw of the visits finished (终审 done) on the days of a period: at least QUALITY_VISIT_SAMPLE_RATE of them,
    rounded up. The population (visit ids, ascending) and the seed are kept, so the draw can be repeated exactly."""
    __tablename__ = "visit_quality_round"
    id = db.Column(db.Integer, primary_key=True)
    period_start = db.Column(db.Date, nullable=False)  # visit days, both included
    period_end = db.Column(db.Date, nullable=False)
    rate = db.Column(db.Float, nullable=False)  # the share drawn, 0.15 or more
    population = db.Column(db.JSON, nullable=False)  # the finished visits' ids when drawn
    seed = db.Column(db.String(32), nullable=False)
    created_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False)

    created_by = db.relationship("User")
    samples = db.relationship("VisitQualitySample", back_populates="round", order_by="VisitQualitySample.id")


class VisitQualitySample(db.Model):
    __tablename__ = "visit_quality_sample"
    __table_args__ = (db.UniqueConstraint("round_id", "visit_id", name="uq_visit_quality_sample_round_visit"),)
    id = db.Column(db.Integer, primary_key=True)
    round_id = db.Column(db.Integer, db.ForeignKey("visit_quality_round.id"), nullable=False, index=True)
    visit_id = db.Column(db.Integer, db.ForeignKey("inspection_visit.id"), nullable=False, index=True)
    grade = db.Column(db.String(1))  # None until reviewed, then a key of QUALITY_GRADES
    findings = db.Column(db.Text, nullable=False, default="")
    reviewer_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    reviewed_at = db.Column(UTCDateTime)

    round = db.relationship("VisitQualityRound", back_populates="samples")
    visit = db.relationship("InspectionVisit")
    reviewer = db.relationship("User")
