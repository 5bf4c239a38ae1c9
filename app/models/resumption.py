"""Stop-work orders and the resumption of production (停产停业整顿 / 复工复产验收, services/stop_work.py and
services/resumption.py), kept beside the case's diagram: the diagram's stop-work order task (特别重大) issues the
order, nothing in it says when the enterprise may produce again.

An order (`StopWorkOrder`) stands for one enterprise from its issue until an on-site acceptance agrees to the
resumption (or the bureau withdraws an order recorded by mistake). While any of its orders stands, the enterprise is
停产整顿中. Its staff apply for resumption (`ResumptionApplication`: measures, self-check, files, the cases it
covers); the bureau answers each application with an on-site acceptance (复工验收: date, participants, experts,
findings, conclusion) recorded on the same row. A refusal names what is still to be done and by when; the enterprise
then applies again: every application and its decision stay as the order's history."""
from ..extensions import db
from .types import UTCDateTime

STOP_WORK_SOURCES = {
    "task": ("特别重大隐患停产停业指令", "Stop-work order task of an especially major hazard"),
    "enforcement": ("执法决定责令停产停业整顿", "Enforcement decision ordering a stop"),
    "manual": ("监管部门登记", "Recorded by the bureau"),
}
STOP_WORK_STATUSES = {
    "active": ("停产整顿中", "Stopped for rectification"),
    "lifted": ("已复工复产", "Production resumed"),
    "withdrawn": ("已撤销", "Withdrawn"),
}
APPLICATION_STATUSES = {
    "pending": ("待验收", "Awaiting acceptance"),
    "agreed": ("同意复工", "Resumption agreed"),
    "refused": ("不同意复工", "Resumption refused"),
}
ACCEPTANCE_CONCLUSIONS = {
    "agreed": ("同意复工复产", "Resumption agreed"),
    "refused": ("不同意复工（需继续整改）", "Refused: rectification to continue"),
}


class StopWorkOrder(db.Model):
    __tablename__ = "stop_work_order"
    __table_args__ = (db.CheckConstraint("source IN ('task', 'enforcement', 'manual')", name="known_source"),
                      db.CheckConstraint("status IN ('active', 'lifted', 'withdrawn')", name="known_status"))
    id = db.Column(db.Integer, primary_key=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), nullable=False, index=True)
    source = db.Column(db.String(12), nullable=False)  # a key of STOP_WORK_SOURCES
    # The case whose stop-work order task issued it, or the referred case of the enforcement decision; None by hand.
    case_id = db.Column(db.Integer, db.ForeignKey("hazard_case.id"), index=True)
    # The enforcement referral whose decision ordered 责令停产停业整顿 (one order per referral).
    enforcement_referral_id = db.Column(db.Integer, db.ForeignKey("enforcement_referral.id"), unique=True)
    order_number = db.Column(db.String(100), nullable=False, default="")
    scope = db.Column(db.Text, nullable=False, default="")
    reason = db.Column(db.Text, nullable=False)
    resumption_conditions = db.Column(db.Text, nullable=False, default="")
    effective_at = db.Column(UTCDateTime, nullable=False)
    status = db.Column(db.String(12), nullable=False, default="active", index=True)
    recorded_at = db.Column(UTCDateTime, nullable=False)
    recorded_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    ended_at = db.Column(UTCDateTime)  # lifted (the agreeing acceptance) or withdrawn
    ended_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    withdraw_reason = db.Column(db.Text, nullable=False, default="")

    enterprise = db.relationship("Enterprise")
    case = db.relationship("HazardCase")
    recorded_by = db.relationship("User", foreign_keys=[recorded_by_id])
    ended_by = db.relationship("User", foreign_keys=[ended_by_id])
    applications = db.relationship("ResumptionApplication", back_populates="order",
                                   order_by="ResumptionApplication.id")

    @property
    def is_active(self):
        return self.status == "active"

    @property
    def pending_application(self):
        return next((a for a in self.applications if a.status == "pending"), None)


class ResumptionApplication(db.Model):
    """One application for resumption and the acceptance that answers it (decision_* columns, None while pending)."""

    __tablename__ = "resumption_application"
    __table_args__ = (db.CheckConstraint("status IN ('pending', 'agreed', 'refused')", name="known_status"),
                      # one application awaiting its acceptance per order
                      db.Index("uq_resumption_application_pending", "order_id", unique=True,
                               sqlite_where=db.text("status = 'pending'"),
                               postgresql_where=db.text("status = 'pending'")))
    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.Integer, db.ForeignKey("stop_work_order.id"), nullable=False, index=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), nullable=False, index=True)
    measures = db.Column(db.Text, nullable=False)  # 整改措施
    self_check = db.Column(db.Text, nullable=False)  # 自查结论
    case_ids = db.Column(db.JSON, nullable=False, default=list)  # the enterprise's cases it covers
    submitted_at = db.Column(UTCDateTime, nullable=False)
    submitted_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    status = db.Column(db.String(8), nullable=False, default="pending", index=True)
    answer_due = db.Column(UTCDateTime, nullable=False, index=True)  # the bureau's answer: ANSWER_WORKING_DAYS
    urged_at = db.Column(UTCDateTime)  # when the bureau was told the answer is overdue (once)
    # The on-site acceptance (复工验收).
    inspected_on = db.Column(db.Date)
    participants = db.Column(db.Text, nullable=False, default="")
    expert_ids = db.Column(db.JSON, nullable=False, default=list)  # users holding the expert role
    findings = db.Column(db.Text, nullable=False, default="")
    requirements = db.Column(db.Text, nullable=False, default="")  # a refusal: what is still to be done
    next_date = db.Column(db.Date)  # a refusal: rectify by this day, then apply again
    decided_at = db.Column(UTCDateTime)
    decided_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))

    order = db.relationship("StopWorkOrder", back_populates="applications")
    enterprise = db.relationship("Enterprise")
    submitted_by = db.relationship("User", foreign_keys=[submitted_by_id])
    decided_by = db.relationship("User", foreign_keys=[decided_by_id])
    attachments = db.relationship(
        "Attachment", primaryjoin="ResumptionApplication.id == foreign(Attachment.resumption_id)",
        order_by="Attachment.id", viewonly=True)

    @property
    def is_decided(self):
        return self.status != "pending"
