"""A complaint about the inspection service (服务投诉, the tender's 服务质量监督岗): raised by an enterprise's staff —
or opened by a low satisfaction rating — investigated by the quality supervision desk within 24 hours, answered
within 72 hours, and the answer sent only once a project lead has approved it (反馈内容须经项目经理审核后方可发送)."""
from ..extensions import db
from .types import UTCDateTime

COMPLAINT_KINDS = {
    "service_quality": ("服务质量", "Service quality"),
    "professional": ("专业水平", "Expertise"),
    "conduct": ("工作作风", "Conduct"),
    "timeliness": ("响应时效", "Timeliness"),
    "low_rating": ("满意度低分评价", "Low satisfaction rating"),
    "other": ("其他", "Other"),
}


class ServiceComplaint(db.Model):
    __tablename__ = "service_complaint"
    id = db.Column(db.Integer, primary_key=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), nullable=False, index=True)
    visit_id = db.Column(db.Integer, db.ForeignKey("inspection_visit.id"), index=True)  # the visit it is about
    rating_id = db.Column(db.Integer, db.ForeignKey("visit_rating.id"), unique=True)  # opened by a low rating
    kind = db.Column(db.String(24), nullable=False)  # a key of COMPLAINT_KINDS
    text = db.Column(db.Text, nullable=False)
    raised_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))  # None: from an anonymous rating
    raised_at = db.Column(UTCDateTime, nullable=False, index=True)
    investigate_due = db.Column(UTCDateTime, nullable=False, index=True)  # raised + 24 hours
    answer_due = db.Column(UTCDateTime, nullable=False, index=True)  # raised + 72 hours
    investigation_started_at = db.Column(UTCDateTime)
    investigated_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    investigation_note = db.Column(db.Text)
    answer = db.Column(db.Text)  # drafted by the desk; sent once approved
    answer_drafted_at = db.Column(UTCDateTime)
    answer_drafted_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    review_note = db.Column(db.Text)  # why a project lead sent the draft back
    approved_at = db.Column(UTCDateTime, index=True)  # None: not answered yet
    approved_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    # The desk's conclusion drafted with the answer and approved with it (投诉属实 / 不属实); None: not concluded. An
    # upheld complaint about a visit counts against that visit's team in the staff scorecards (services/performance.py).
    upheld = db.Column(db.Boolean)
    # The hourly sweep urges each overdue step once.
    investigation_urged_at = db.Column(UTCDateTime)
    answer_urged_at = db.Column(UTCDateTime)

    enterprise = db.relationship("Enterprise")
    visit = db.relationship("InspectionVisit")
    raised_by = db.relationship("User", foreign_keys=[raised_by_id])
    investigated_by = db.relationship("User", foreign_keys=[investigated_by_id])
    answer_drafted_by = db.relationship("User", foreign_keys=[answer_drafted_by_id])
    approved_by = db.relationship("User", foreign_keys=[approved_by_id])
