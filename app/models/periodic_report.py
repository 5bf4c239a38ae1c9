"""The contractor's written periodic reports to the bureau (定期报告: 周报 / 月度综合评估简报 / 阶段报告 / 年度总结报告,
seed 000 lines 100, 105, 596, 634–636, 917): a project lead drafts a report of a kind for a period, with narrative
sections the kind requires, and issues it to the bureau; issuing freezes the figures of the period (as service reports
do) and the text into a numbered version. The bureau signs for a version (签收, the read receipt) or returns it with
comments, and the lead issues a revised version; every issued version is kept.

An annual report the bureau has signed may be published in part to the public (年度整改白皮书, seed 000 line 608):
the public sections of the signed version and its anonymised figures, on the /public pages."""
from ..extensions import db
from .types import UTCDateTime

PERIODIC_REPORT_KINDS = {
    "weekly": ("周报（整改进展简报）", "Weekly progress report"),
    "monthly": ("月度综合评估简报", "Monthly assessment briefing"),
    "phase": ("阶段报告", "Phase report"),
    "annual": ("年度总结报告", "Annual summary report"),
}
PERIODIC_REPORT_STATUSES = {
    "draft": ("草稿", "Draft"),
    "issued": ("已报送，待签收", "Issued, awaiting the bureau"),
    "signed": ("已签收", "Signed for"),
    "returned": ("已退回修改", "Returned for revision"),
}
# The narrative sections a report may have; which a kind has (and requires) is in services/periodic_reports.py.
PERIODIC_REPORT_SECTIONS = {
    "progress": ("本周整改进展", "Progress this week"),
    "summary": ("排查成效总结", "Results of the period"),
    "achievements": ("整改成果", "Results of the rectification work"),
    "case_analysis": ("典型案例分析", "Analysis of typical cases"),
    "effectiveness": ("整改措施有效性评估", "Effectiveness of the measures"),
    "trend_analysis": ("年度隐患趋势分析", "Trend analysis of the year's hazards"),
    "problems": ("存在问题", "Problems"),
    "suggestions": ("建议措施", "Suggested measures"),
    "next_focus": ("下阶段工作重点", "Focus of the next period"),
    "next_plan": ("下一步工作计划", "Work plan for the next year"),
}


class PeriodicReport(db.Model):
    __tablename__ = "periodic_report"
    # One report of a kind per period: a revision is a new version of it, not another report.
    __table_args__ = (db.UniqueConstraint("kind", "period_start", "period_end"),)
    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.String(16), nullable=False, index=True)  # a key of PERIODIC_REPORT_KINDS
    period_start = db.Column(db.Date, nullable=False, index=True)  # Shanghai days, both included
    period_end = db.Column(db.Date, nullable=False, index=True)
    status = db.Column(db.String(16), nullable=False, default="draft", index=True)  # PERIODIC_REPORT_STATUSES
    # The text being written: {section code: text}; what was issued is in each version.
    sections = db.Column(db.JSON, nullable=False, default=dict)
    typical_case_ids = db.Column(db.JSON, nullable=False, default=list)  # library entries chosen for the analysis
    versions_issued = db.Column(db.Integer, nullable=False, default=0)
    first_issued_at = db.Column(UTCDateTime, index=True)  # the on-time check of the due list
    drafted_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    drafted_at = db.Column(UTCDateTime, nullable=False)
    updated_at = db.Column(UTCDateTime, nullable=False)
    # The public annual edition (白皮书): the version published, by whom and when; None when not (or no longer) public.
    published_version = db.Column(db.Integer)
    published_at = db.Column(UTCDateTime)
    published_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))

    drafted_by = db.relationship("User", foreign_keys=[drafted_by_id])
    published_by = db.relationship("User", foreign_keys=[published_by_id])
    versions = db.relationship("PeriodicReportVersion", back_populates="report",
                               order_by="PeriodicReportVersion.number")

    @property
    def editable(self):
        """A draft, or a version returned by the bureau being revised."""
        return self.status in ("draft", "returned")

    @property
    def latest(self):
        """The latest issued version, or None for a report never issued."""
        return self.versions[-1] if self.versions else None


class PeriodicReportVersion(db.Model):
    """One issued version: the figures as they were when it was issued and the text as issued, then the bureau's
    answer — signed for, or returned with comments."""
    __tablename__ = "periodic_report_version"
    __table_args__ = (db.UniqueConstraint("report_id", "number"),)
    id = db.Column(db.Integer, primary_key=True)
    report_id = db.Column(db.Integer, db.ForeignKey("periodic_report.id"), nullable=False, index=True)
    number = db.Column(db.Integer, nullable=False)  # 1, 2, ...
    facts = db.Column(db.JSON, nullable=False)  # services/periodic_report_facts.py, frozen
    sections = db.Column(db.JSON, nullable=False)
    issued_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    issued_at = db.Column(UTCDateTime, nullable=False)
    signed_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    signed_at = db.Column(UTCDateTime)
    returned_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    returned_at = db.Column(UTCDateTime)
    return_comments = db.Column(db.Text)

    report = db.relationship("PeriodicReport", back_populates="versions")
    issued_by = db.relationship("User", foreign_keys=[issued_by_id])
    signed_by = db.relationship("User", foreign_keys=[signed_by_id])
    returned_by = db.relationship("User", foreign_keys=[returned_by_id])

    @property
    def answered(self):
        return self.signed_at is not None or self.returned_at is not None
