"""A major or especially major hazard's own records beside its process (重大隐患专报、治理方案与挂牌督办): the special
report the project lead sends the bureau within 48 hours, the enterprise's treatment plan (治理方案, 《安全生产事故
隐患排查治理暂行规定》第十五条) with the bureau's decisions, and the bureau's listed supervision (挂牌督办)."""
from ..extensions import db
from .types import UTCDateTime

PLAN_STATUSES = {
    "pending": ("待提交", "Not submitted"),
    "submitted": ("待审核", "Awaiting review"),
    "returned": ("已退回", "Returned"),
    "approved": ("已批准", "Approved"),
}
# The six parts the regulation asks of a treatment plan, in its order.
PLAN_PARTS = {
    "goals": ("治理的目标和任务", "Goals and tasks"),
    "methods": ("采取的方法和措施", "Methods and measures"),
    "funds": ("经费和物资的落实", "Funds and materials"),
    "organisation": ("负责治理的机构和人员", "Organisation and people in charge"),
    "time_limits": ("治理的时限和要求", "Time limits and requirements"),
    "safety": ("安全措施和应急预案", "Safety measures and emergency plan"),
}


class MajorHazard(db.Model):
    """One per case that became major or worse (at registration or by a re-grading), opened by the process's
    `major_hazard_report` event. Kept beside the case, not on it, so that these records never touch the row every
    process step writes."""
    __tablename__ = "major_hazard"
    case_id = db.Column(db.Integer, db.ForeignKey("hazard_case.id"), primary_key=True)
    opened_at = db.Column(UTCDateTime, nullable=False, index=True)
    opened_grade = db.Column(db.String(20), nullable=False)  # the grade that opened it
    # 48 clock hours after opening (the seed: 48 小时内完成问题确认与处置方案制定): the report's deadline.
    report_due = db.Column(UTCDateTime, nullable=False)
    report_confirmation = db.Column(db.Text)  # 问题确认
    report_photos = db.Column(db.JSON, nullable=False, default=list)  # public ids of the case's photos chosen
    report_detection = db.Column(db.Text)  # 检测数据
    report_analysis = db.Column(db.Text)  # 初步分析意见
    report_measures = db.Column(db.Text)  # 建议措施
    reported_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    reported_at = db.Column(UTCDateTime)  # None: not submitted yet
    report_urged_at = db.Column(UTCDateTime)  # the one urging of an overdue report
    plan_status = db.Column(db.String(12), nullable=False, default="pending")  # a key of PLAN_STATUSES
    # The plan's deadline: the same 48 hours at first; 48 hours from a return for the corrected plan.
    plan_due = db.Column(UTCDateTime, nullable=False)
    plan_urged_at = db.Column(UTCDateTime)  # the one urging for the current plan_due (cleared by a return)
    listed_at = db.Column(UTCDateTime)  # 挂牌督办 since; None: never listed
    listed_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    supervisor_name = db.Column(db.String(64))
    supervisor_unit = db.Column(db.String(128))
    listing_due = db.Column(db.Date)  # the required completion date
    listing_note = db.Column(db.Text)
    delisted_at = db.Column(UTCDateTime)  # 摘牌; None while listed
    delisted_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))  # None: by the case's closing
    delist_reason = db.Column(db.Text)

    case = db.relationship("HazardCase")
    reported_by = db.relationship("User", foreign_keys=[reported_by_id])
    listed_by = db.relationship("User", foreign_keys=[listed_by_id])
    delisted_by = db.relationship("User", foreign_keys=[delisted_by_id])
    plans = db.relationship("MajorHazardPlan", order_by="MajorHazardPlan.version")

    @property
    def is_listed(self):
        return self.listed_at is not None and self.delisted_at is None

    @property
    def latest_plan(self):
        return self.plans[-1] if self.plans else None


class MajorHazardPlan(db.Model):
    """One submission of the treatment plan; a returned one stays as it was, with the bureau's opinion (history)."""
    __tablename__ = "major_hazard_plan"
    __table_args__ = (db.UniqueConstraint("case_id", "version", name="uq_major_hazard_plan_version"),)
    id = db.Column(db.Integer, primary_key=True)
    case_id = db.Column(db.Integer, db.ForeignKey("major_hazard.case_id"), nullable=False, index=True)
    version = db.Column(db.Integer, nullable=False)  # 1, 2, … per case
    goals = db.Column(db.Text, nullable=False)
    methods = db.Column(db.Text, nullable=False)
    funds = db.Column(db.Text, nullable=False)
    organisation = db.Column(db.Text, nullable=False)
    time_limits = db.Column(db.Text, nullable=False)
    safety = db.Column(db.Text, nullable=False)
    files = db.Column(db.JSON, nullable=False, default=list)  # public ids of attachments (field treatment_plan)
    submitted_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    submitted_at = db.Column(UTCDateTime, nullable=False)
    decision = db.Column(db.String(12))  # None: awaiting; "approved" or "returned"
    opinion = db.Column(db.Text)
    decided_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    decided_at = db.Column(UTCDateTime)

    submitted_by = db.relationship("User", foreign_keys=[submitted_by_id])
    decided_by = db.relationship("User", foreign_keys=[decided_by_id])
