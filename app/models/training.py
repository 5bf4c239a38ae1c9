"""Training records (培训与演练管理, seed 000 lines 94, 269, 738, 848; seed 001 line 40): the sessions the contractor
holds — for its own staff (内部培训: 标准解读、案例分析、现场实操 so that inspectors apply the standards alike) or on site at
served enterprises (企业现场培训: "每季度安排不少于 2 次现场培训") — with who attended, their assessment (考核) and the
materials, and the year's training plan (年度培训计划) the sessions are held against."""
from ..extensions import db
from .types import UTCDateTime

TRAINING_KINDS = {
    "internal": ("内部培训", "Team-internal training"),  # the project's own staff
    "enterprise": ("企业现场培训", "On-site training at enterprises"),  # one or more served enterprises' people
}
# The seed's modules (000 line 269 标准解读、案例分析、现场实操; line 220 法规学习、案例研讨、实操训练; line 848 应急基础知识、
# 设备操作技能), ticked per session.
TRAINING_MODULES = {
    "standards": ("标准解读", "Standards"),
    "cases": ("案例分析", "Case analysis"),
    "practice": ("现场实操", "On-site practice"),
    "laws": ("法规学习", "Laws and regulations"),
    "emergency": ("应急知识", "Emergency response"),
    "equipment": ("设备操作", "Equipment operation"),
    "other": ("其他", "Other"),
}
ASSESSMENT_RESULTS = {
    "pass": ("合格", "Passed"),
    "fail": ("不合格", "Failed"),
}


class TrainingSession(db.Model):
    __tablename__ = "training_session"
    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.String(16), nullable=False, index=True)  # a key of TRAINING_KINDS
    held_at = db.Column(UTCDateTime, nullable=False, index=True)  # when it began
    hours = db.Column(db.Float, nullable=False)  # 学时, in half hours (0.5 … 24)
    topic = db.Column(db.String(200), nullable=False)
    modules = db.Column(db.JSON, nullable=False, default=list)  # keys of TRAINING_MODULES
    content = db.Column(db.Text, nullable=False, default="")
    trainer = db.Column(db.String(100), nullable=False)  # a person's name: often an invited expert without a login
    location = db.Column(db.String(200), nullable=False, default="")
    attendee_count = db.Column(db.Integer, nullable=False, default=0)  # 参训人数 (internal: the staff picked)
    plan_item_id = db.Column(db.Integer, db.ForeignKey("training_plan_item.id"), nullable=True, index=True)
    recorded_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    recorded_at = db.Column(UTCDateTime, nullable=False)
    updated_at = db.Column(UTCDateTime, nullable=False)

    recorded_by = db.relationship("User")
    plan_item = db.relationship("TrainingPlanItem")
    enterprises = db.relationship("Enterprise", secondary="training_enterprise", order_by="Enterprise.name",
                                  viewonly=True)
    attendees = db.relationship("TrainingAttendee", order_by="TrainingAttendee.id", viewonly=True)
    attachments = db.relationship("Attachment", order_by="Attachment.id", viewonly=True)


class TrainingEnterprise(db.Model):
    """An enterprise an on-site training was given to (one session may serve several at a park)."""
    __tablename__ = "training_enterprise"
    __table_args__ = (db.UniqueConstraint("training_id", "enterprise_id"),)
    id = db.Column(db.Integer, primary_key=True)
    training_id = db.Column(db.Integer, db.ForeignKey("training_session.id"), nullable=False, index=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), nullable=False, index=True)


class TrainingAttendee(db.Model):
    """One attendee: a staff user (internal training) or a name and position as typed (an enterprise's people, who
    mostly have no login), with the optional assessment (考核)."""
    __tablename__ = "training_attendee"
    id = db.Column(db.Integer, primary_key=True)
    training_id = db.Column(db.Integer, db.ForeignKey("training_session.id"), nullable=False, index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=True, index=True)
    name = db.Column(db.String(64), nullable=False)
    position = db.Column(db.String(64), nullable=False, default="")
    result = db.Column(db.String(8), nullable=False, default="")  # a key of ASSESSMENT_RESULTS, "" not assessed
    score = db.Column(db.Integer)  # 0-100, optional

    user = db.relationship("User")


class TrainingPlanItem(db.Model):
    """One planned session of a year's training plan (年度培训计划): the month, the topic, the kind, planned hours."""
    __tablename__ = "training_plan_item"
    id = db.Column(db.Integer, primary_key=True)
    year = db.Column(db.Integer, nullable=False, index=True)
    month = db.Column(db.Integer, nullable=False)
    kind = db.Column(db.String(16), nullable=False)  # a key of TRAINING_KINDS
    topic = db.Column(db.String(200), nullable=False)
    hours = db.Column(db.Float, nullable=False)
    created_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False)
