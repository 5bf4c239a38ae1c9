"""An enterprise's service report with a conclusion (企业服务情况报告和结论性意见, seed 001 §六(三): 复查验收 … 验收完成后
对每家企业出具情况报告和结论性意见): what the service found at one enterprise over a service period and how it ended,
written by the contractor's project lead and issued to the enterprise and the bureau.

A draft shows the facts as they are now; issuing freezes them (`facts`, a JSON snapshot) so that a case closed, an
enterprise's register edited or a visit added later does not change what was issued."""
from ..extensions import db
from .types import UTCDateTime

# The conclusion's grade. Three tiers, as acceptance conclusions of safety-service and 复查验收 work usually read:
# 合格 — every hazard found in the period rectified and verified; 基本合格 — rectified in the main, what is left is
# minor and under way with a deadline; 不合格 — hazards left unrectified or overdue, or the enterprise did not
# cooperate — the one the bureau's enforcement stage (seed 001 §六(五)) picks enterprises from.
CONCLUSION_GRADES = {
    "qualified": ("合格", "Qualified"),
    "basically_qualified": ("基本合格", "Basically qualified"),
    "unqualified": ("不合格", "Unqualified"),
}
REPORT_STATUSES = {
    "draft": ("草稿", "Draft"),
    "issued": ("已出具", "Issued"),
    # Taken back by a project lead with a reason (a wrong report): kept and readable, marked as such, no longer the
    # enterprise's current report for its days, so a corrected one may be issued for the same period.
    "withdrawn": ("已撤回", "Withdrawn"),
}


class ServiceReport(db.Model):
    __tablename__ = "service_report"
    id = db.Column(db.Integer, primary_key=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), nullable=False, index=True)
    period_start = db.Column(db.Date, nullable=False)  # Shanghai days, both included
    period_end = db.Column(db.Date, nullable=False)
    status = db.Column(db.String(16), nullable=False, default="draft", index=True)  # a key of REPORT_STATUSES
    grade = db.Column(db.String(24), nullable=False, index=True)  # a key of CONCLUSION_GRADES
    conclusion = db.Column(db.Text, nullable=False)  # 结论性意见
    recommendations = db.Column(db.Text, nullable=False, default="")  # 整改建议 / 管理建议, optional
    # The facts (services/service_report_facts.py) as they were when the report was issued; None for a draft.
    facts = db.Column(db.JSON)
    drafted_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    drafted_at = db.Column(UTCDateTime, nullable=False)
    updated_at = db.Column(UTCDateTime, nullable=False)
    issued_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    issued_at = db.Column(UTCDateTime, index=True)
    withdrawn_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    withdrawn_at = db.Column(UTCDateTime)
    withdrawn_reason = db.Column(db.Text)

    enterprise = db.relationship("Enterprise")
    drafted_by = db.relationship("User", foreign_keys=[drafted_by_id])
    issued_by = db.relationship("User", foreign_keys=[issued_by_id])
    withdrawn_by = db.relationship("User", foreign_keys=[withdrawn_by_id])

    @property
    def is_draft(self):
        return self.status == "draft"

    @property
    def is_issued(self):
        """Issued and not withdrawn: the enterprise's current report for its days."""
        return self.status == "issued"

    @property
    def is_withdrawn(self):
        return self.status == "withdrawn"
