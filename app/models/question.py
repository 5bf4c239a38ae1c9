"""Questions from enterprises (线上咨询反馈, seed 000 lines 708–710: 问题描述、紧急程度选择、附件上传，响应时限不超过 2 小时):
an enterprise's staff ask, the enterprise's liaison (or, without one, the project leads) answers in a thread of
messages; the enterprise closes the question, or reopens it. Not an objection to a decision (models/objection.py) and
not a complaint about the service (models/complaint.py): a plain question or piece of feedback.

A question waits for the staff side from the enterprise's message that nobody answered yet (`awaiting_since`) until
the next staff message; `respond_due` is the deadline of that wait (None: nothing waits), `urged_at` when the project
leads were urged about it (once per wait)."""
from ..extensions import db
from .types import UTCDateTime

QUESTION_URGENCIES = {
    "normal": ("一般", "Normal"),
    "urgent": ("紧急", "Urgent"),
}
QUESTION_STATUSES = {
    "open": ("处理中", "Open"),
    "closed": ("已关闭", "Closed"),
}


class EnterpriseQuestion(db.Model):
    __tablename__ = "enterprise_question"
    __table_args__ = (db.CheckConstraint("urgency IN ('normal', 'urgent')", name="known_urgency"),
                      db.CheckConstraint("status IN ('open', 'closed')", name="known_status"))
    id = db.Column(db.Integer, primary_key=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), nullable=False, index=True)
    asked_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    subject = db.Column(db.String(200), nullable=False)
    description = db.Column(db.Text, nullable=False)
    urgency = db.Column(db.String(8), nullable=False)  # a key of QUESTION_URGENCIES
    case_id = db.Column(db.Integer, db.ForeignKey("hazard_case.id"), index=True)  # the case it is about, optionally
    asked_at = db.Column(UTCDateTime, nullable=False, index=True)
    # The enterprise's liaison when asked (or when the liaison changed since); None: the project leads answer.
    assignee_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), index=True)
    status = db.Column(db.String(8), nullable=False, default="open", index=True)
    closed_at = db.Column(UTCDateTime)
    closed_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    first_response_at = db.Column(UTCDateTime)
    first_response_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    awaiting_since = db.Column(UTCDateTime)
    respond_due = db.Column(UTCDateTime, index=True)
    urged_at = db.Column(UTCDateTime)
    last_message_at = db.Column(UTCDateTime, nullable=False)

    enterprise = db.relationship("Enterprise")
    asked_by = db.relationship("User", foreign_keys=[asked_by_id])
    assignee = db.relationship("User", foreign_keys=[assignee_id])
    closed_by = db.relationship("User", foreign_keys=[closed_by_id])
    first_response_by = db.relationship("User", foreign_keys=[first_response_by_id])
    case = db.relationship("HazardCase")
    messages = db.relationship("QuestionMessage", back_populates="question", order_by="QuestionMessage.id")
    attachments = db.relationship("Attachment", primaryjoin="EnterpriseQuestion.id == foreign(Attachment.question_id)",
                                  order_by="Attachment.id", viewonly=True)


class QuestionMessage(db.Model):
    """One message of a question's thread after the question itself: an answer of the staff side or a further word
    of the enterprise (a reopening says why)."""
    __tablename__ = "question_message"
    id = db.Column(db.Integer, primary_key=True)
    question_id = db.Column(db.Integer, db.ForeignKey("enterprise_question.id"), nullable=False, index=True)
    author_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    from_staff = db.Column(db.Boolean, nullable=False)
    text = db.Column(db.Text, nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False)
    # How long the enterprise had waited when this staff message answered it (None: nothing was waiting).
    waited_seconds = db.Column(db.Integer)

    question = db.relationship("EnterpriseQuestion", back_populates="messages")
    author = db.relationship("User")
