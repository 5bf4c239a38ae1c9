"""The bureau's quarterly evaluation of the contractor (监管部门评价, seed 000 L694–L696, L931–L935) with the improvement
items (专项整改) its low scores open, and the survey rounds sent to enterprise staff and township offices (问卷调查,
seed 000 L612, L894): services/contractor_evaluations.py and services/surveys.py say the rules."""
from ..extensions import db
from .types import UTCDateTime

# The five dimensions the bureau scores 1–5 (column name: Chinese name).
EVALUATION_DIMENSIONS = {"response_speed": "响应速度", "service_quality": "服务质量", "data_accuracy": "数据准确性",
                         "communication": "沟通协作", "rectification_effect": "整改成效"}
# The fixed questions of every survey round (column name: Chinese text), each answered 1–5, plus one free text.
SURVEY_QUESTIONS = {"q_attitude": "排查人员的服务态度", "q_expertise": "排查工作的专业水平",
                    "q_timeliness": "问题反馈和响应的及时性", "q_guidance": "整改指导的实用性"}
SURVEY_AUDIENCES = {"enterprise": "企业安全员", "township": "属地监管"}
SURVEY_STATUSES = {"draft": "草稿", "open": "进行中", "closed": "已结束"}


class ContractorEvaluation(db.Model):
    """One per quarter; the bureau may change it until it confirms it."""
    __tablename__ = "contractor_evaluation"
    __table_args__ = (db.UniqueConstraint("year", "quarter"),)
    id = db.Column(db.Integer, primary_key=True)
    year = db.Column(db.Integer, nullable=False)
    quarter = db.Column(db.Integer, nullable=False)
    response_speed = db.Column(db.Integer, nullable=False)
    service_quality = db.Column(db.Integer, nullable=False)
    data_accuracy = db.Column(db.Integer, nullable=False)
    communication = db.Column(db.Integer, nullable=False)
    rectification_effect = db.Column(db.Integer, nullable=False)
    comments = db.Column(db.Text, nullable=False, default="")
    evaluated_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False)
    updated_at = db.Column(UTCDateTime, nullable=False)
    confirmed_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    confirmed_at = db.Column(UTCDateTime)
    evaluated_by = db.relationship("User", foreign_keys=[evaluated_by_id])
    confirmed_by = db.relationship("User", foreign_keys=[confirmed_by_id])
    items = db.relationship("ImprovementItem", back_populates="evaluation", order_by="ImprovementItem.id")

    @property
    def scores(self):
        return {name: getattr(self, name) for name in EVALUATION_DIMENSIONS}

    @property
    def average(self):
        return round(sum(self.scores.values()) / len(EVALUATION_DIMENSIONS), 1)


class ImprovementItem(db.Model):
    """专项整改: one per low-scored dimension of a confirmed evaluation, due a calendar month after the confirmation."""
    __tablename__ = "improvement_item"
    __table_args__ = (db.UniqueConstraint("evaluation_id", "dimension"),)
    id = db.Column(db.Integer, primary_key=True)
    evaluation_id = db.Column(db.Integer, db.ForeignKey("contractor_evaluation.id"), nullable=False, index=True)
    dimension = db.Column(db.String(32), nullable=False)
    score = db.Column(db.Integer, nullable=False)
    due_on = db.Column(db.Date, nullable=False, index=True)
    measures = db.Column(db.Text, nullable=False, default="")
    created_at = db.Column(UTCDateTime, nullable=False)
    closed_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    closed_at = db.Column(UTCDateTime)
    # when the project leads were told it is overdue (once; claimed by a conditional UPDATE)
    overdue_told_at = db.Column(UTCDateTime)
    evaluation = db.relationship("ContractorEvaluation", back_populates="items")
    closed_by = db.relationship("User")


class SurveyRound(db.Model):
    __tablename__ = "survey_round"
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    to_enterprises = db.Column(db.Boolean, nullable=False, default=False)
    to_townships = db.Column(db.Boolean, nullable=False, default=False)
    status = db.Column(db.String(16), nullable=False, default="draft", index=True)
    created_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False)
    opened_at = db.Column(UTCDateTime)
    closed_at = db.Column(UTCDateTime)
    created_by = db.relationship("User")
    responses = db.relationship("SurveyResponse", back_populates="round", order_by="SurveyResponse.id")


class SurveyResponse(db.Model):
    """A recipient of an opened round (fixed when it opens), and their answer once given (answered_at set)."""
    __tablename__ = "survey_response"
    __table_args__ = (db.UniqueConstraint("round_id", "user_id"),)
    id = db.Column(db.Integer, primary_key=True)
    round_id = db.Column(db.Integer, db.ForeignKey("survey_round.id"), nullable=False, index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False, index=True)
    audience = db.Column(db.String(16), nullable=False)
    answered_at = db.Column(UTCDateTime)
    q_attitude = db.Column(db.Integer)
    q_expertise = db.Column(db.Integer)
    q_timeliness = db.Column(db.Integer)
    q_guidance = db.Column(db.Integer)
    comment = db.Column(db.Text, nullable=False, default="")
    round = db.relationship("SurveyRound", back_populates="responses")
    user = db.relationship("User")
