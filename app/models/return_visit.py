"""Regular return visits to key enterprises (定期回访重点企业, seed 000 "建立长期联络机制，定期回访重点企业了解整改成效与安全
管理现状，每季度向应急管理局提交一次回访汇总报告") with a short satisfaction survey ("通过问卷、电话回访等方式收集企业对整改
服务的意见建议。问卷覆盖整改响应速度、服务质量、沟通效率等多个维度"), and the quarterly summary report to the bureau.

Which enterprises are key is computed (services/key_enterprises.py); only the project lead's own flag (with a reason)
is stored here, in KeyEnterpriseMark."""
from ..extensions import db
from .follow_up import FOLLOW_UP_RESULTS
from .rating import HIGHEST_SCORE, LOWEST_SCORE, RATING_DIMENSIONS
from .types import UTCDateTime

RETURN_VISIT_WAYS = {
    "phone": ("电话回访", "By phone"),
    "onsite": ("现场回访", "On site"),
    "online": ("线上回访", "Online"),
}
# The survey's dimensions are the seed's three; the codes and the 1–5 scale are the visit ratings' (models/rating.py),
# so the two surveys read alike in reports. 响应速度 here is the speed of response to rectification (整改响应速度).
SURVEY_DIMENSIONS = {
    "response_speed": ("整改响应速度", "Rectification response speed"),
    "service_quality": RATING_DIMENSIONS["service_quality"],
    "communication": RATING_DIMENSIONS["communication"],
}
# Yes / no items of the enterprise's safety management status (安全管理现状), asked at every return visit.
SAFETY_ITEMS = {
    "responsibility": ("安全生产责任制落实到岗到人", "Safety responsibilities assigned to posts and people"),
    "self_inspection": ("隐患自查自改常态化开展", "Self-inspection and self-rectification done regularly"),
    "ledger": ("隐患台账及时更新", "Hazard ledger kept up to date"),
    "training": ("安全教育培训按计划开展", "Safety training held as planned"),
    "emergency": ("应急预案完备并定期演练", "Emergency plan in place and drilled"),
}
# A closed case's rectification effect seen at a return visit: the re-inspections' own words (整改效果保持 / 隐患反弹).
EFFECT_RESULTS = FOLLOW_UP_RESULTS
RETURN_REPORT_STATUSES = {
    "draft": ("草稿", "Draft"),
    "submitted": ("已提交", "Submitted"),
    "acknowledged": ("已确认接收", "Acknowledged"),
    "returned": ("已退回", "Returned"),
}
_SCORES_IN_RANGE = " AND ".join(f"({name} IS NULL OR {name} BETWEEN {LOWEST_SCORE} AND {HIGHEST_SCORE})"
                                for name in SURVEY_DIMENSIONS)


class KeyEnterpriseMark(db.Model):
    """A project lead's flag that an enterprise is key for return visits, with the reason; removed with a reason.
    At most one standing flag per enterprise (a partial unique index)."""
    __tablename__ = "key_enterprise_mark"
    __table_args__ = (db.Index("uq_key_enterprise_mark_standing", "enterprise_id", unique=True,
                               sqlite_where=db.text("removed_at IS NULL"),
                               postgresql_where=db.text("removed_at IS NULL")),)
    id = db.Column(db.Integer, primary_key=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), nullable=False, index=True)
    reason = db.Column(db.Text, nullable=False)
    marked_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    marked_at = db.Column(UTCDateTime, nullable=False)
    removed_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    removed_at = db.Column(UTCDateTime)
    removed_reason = db.Column(db.Text)

    enterprise = db.relationship("Enterprise")
    marked_by = db.relationship("User", foreign_keys=[marked_by_id])
    removed_by = db.relationship("User", foreign_keys=[removed_by_id])


class ReturnVisit(db.Model):
    __tablename__ = "return_visit"
    __table_args__ = (db.CheckConstraint(_SCORES_IN_RANGE, name="survey_scores_in_range"),)
    id = db.Column(db.Integer, primary_key=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), nullable=False, index=True)
    way = db.Column(db.String(12), nullable=False)  # a key of RETURN_VISIT_WAYS
    visited_on = db.Column(db.Date, nullable=False, index=True)  # Shanghai day
    contact_person = db.Column(db.String(64), nullable=False)  # who the enterprise's side was
    contact_phone = db.Column(db.String(32), nullable=False, default="")
    visitor_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)  # who made the return visit
    safety_status = db.Column(db.Text, nullable=False, default="")  # 安全管理现状, free text
    safety_checks = db.Column(db.JSON, nullable=False, default=dict)  # {SAFETY_ITEMS code: true / false}
    opinions = db.Column(db.Text, nullable=False, default="")  # 企业意见建议
    # The survey, 1–5 each; all None when the enterprise did not answer it.
    response_speed = db.Column(db.Integer)
    service_quality = db.Column(db.Integer)
    communication = db.Column(db.Integer)
    problems = db.Column(db.Text, nullable=False, default="")  # problems the enterprise raised
    follow_up_action = db.Column(db.Text, nullable=False, default="")  # what the team will do about them
    internal_note = db.Column(db.Text, nullable=False, default="")  # the team's own note: never shown to the enterprise
    recorded_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    recorded_at = db.Column(UTCDateTime, nullable=False)

    enterprise = db.relationship("Enterprise")
    visitor = db.relationship("User", foreign_keys=[visitor_id])
    recorded_by = db.relationship("User", foreign_keys=[recorded_by_id])
    findings = db.relationship("ReturnVisitFinding", order_by="ReturnVisitFinding.id", viewonly=True)

    @property
    def scores(self):
        """{dimension: score} of the survey, {} when it was not answered."""
        if self.response_speed is None:
            return {}
        return {name: getattr(self, name) for name in SURVEY_DIMENSIONS}

    @property
    def regressed(self):
        return [f for f in self.findings if f.result == "recurred"]


class ReturnVisitFinding(db.Model):
    """The rectification effect of one recently closed case of the enterprise, seen at the return visit; a regressed
    one may be registered as a new hazard case (new_case_id), once."""
    __tablename__ = "return_visit_finding"
    __table_args__ = (db.UniqueConstraint("visit_id", "case_id", name="uq_return_visit_finding_visit_id_case_id"),)
    id = db.Column(db.Integer, primary_key=True)
    visit_id = db.Column(db.Integer, db.ForeignKey("return_visit.id"), nullable=False, index=True)
    case_id = db.Column(db.Integer, db.ForeignKey("hazard_case.id"), nullable=False, index=True)
    result = db.Column(db.String(16), nullable=False)  # a key of EFFECT_RESULTS
    note = db.Column(db.Text, nullable=False, default="")
    new_case_id = db.Column(db.Integer, db.ForeignKey("hazard_case.id"), unique=True)

    visit = db.relationship("ReturnVisit")
    case = db.relationship("HazardCase", foreign_keys=[case_id])
    new_case = db.relationship("HazardCase", foreign_keys=[new_case_id])


class ReturnVisitReport(db.Model):
    """The quarterly return-visit summary (季度回访汇总报告), one per quarter: drafted and submitted by a project lead,
    acknowledged or returned (with a reason) by the bureau; a returned one is corrected and submitted again.
    Submitting freezes the figures (`facts`) so that later records do not change what the bureau received."""
    __tablename__ = "return_visit_report"
    __table_args__ = (db.UniqueConstraint("year", "quarter", name="uq_return_visit_report_year_quarter"),)
    id = db.Column(db.Integer, primary_key=True)
    year = db.Column(db.Integer, nullable=False)
    quarter = db.Column(db.Integer, nullable=False)  # 1-4
    status = db.Column(db.String(16), nullable=False, default="draft", index=True)  # RETURN_REPORT_STATUSES
    summary = db.Column(db.Text, nullable=False, default="")  # 总体情况与下一步工作, the lead's words
    facts = db.Column(db.JSON)  # the figures as submitted; None for a draft
    drafted_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    drafted_at = db.Column(UTCDateTime, nullable=False)
    updated_at = db.Column(UTCDateTime, nullable=False)
    submitted_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    submitted_at = db.Column(UTCDateTime)
    decided_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    decided_at = db.Column(UTCDateTime)
    return_reason = db.Column(db.Text)

    drafted_by = db.relationship("User", foreign_keys=[drafted_by_id])
    submitted_by = db.relationship("User", foreign_keys=[submitted_by_id])
    decided_by = db.relationship("User", foreign_keys=[decided_by_id])

    @property
    def code(self):
        return f"{self.year}Q{self.quarter}"

    @property
    def editable(self):
        return self.status in ("draft", "returned")
