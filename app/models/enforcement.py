"""What enforcement did with a case referred to it (执法处置结果, services/enforcement.py): one record per enforcement
referral (models/sla.py EnforcementReferral, made when a case stays unrectified after the grace period). The bureau
records the steps of the enforcement case as they happen: the filing decision (立案 with the enforcement case number
and officers, or 不予立案 with the reason), the measures decided (决定书文号, date), their execution (fine paid,
stop-work lifted) and the closing (结案). No record yet: the filing decision is still awaited (待立案)."""
from ..extensions import db
from .types import UTCDateTime

ENFORCEMENT_MEASURES = {
    "rectify_order": ("责令限期整改", "Order to rectify within a time limit"),
    "warning": ("警告", "Warning"),
    "fine": ("罚款", "Fine"),
    "suspension": ("责令停产停业整顿", "Order to stop production for rectification"),
    "licence": ("暂扣/吊销证照", "Licence suspended or revoked"),
    "seizure": ("查封扣押", "Sealing up or seizure"),
    "judicial_transfer": ("移送司法机关", "Transfer to the judicial authorities"),
}
# Administrative penalties (行政处罚法 Art. 9) and the transfer of a suspected crime: these go into the enterprise's
# credit record. An order to rectify is an administrative order and sealing up / seizure a coercive measure (行政强制).
PENALTY_MEASURES = ("warning", "fine", "suspension", "licence", "judicial_transfer")
ENFORCEMENT_STATUSES = {
    "pending": ("待立案", "Awaiting the filing decision"),
    "not_filed": ("不予立案", "Not filed"),
    "filed": ("已立案", "Filed"),
    "decided": ("已作出决定", "Decided"),
    "executed": ("已执行", "Executed"),
    "closed": ("已结案", "Closed"),
}
FILING_CHOICES = {
    "filed": ("立案", "Filed"),
    "not_filed": ("不予立案", "Not filed"),
}


class EnforcementOutcome(db.Model):
    """The enforcement case of one referral, step by step; `status` follows from the steps recorded."""

    __tablename__ = "enforcement_outcome"
    referral_id = db.Column(db.Integer, db.ForeignKey("enforcement_referral.id"), primary_key=True,
                            autoincrement=False)
    status = db.Column(db.String(12), nullable=False, index=True)  # a key of ENFORCEMENT_STATUSES but "pending"
    filing = db.Column(db.String(12), nullable=False)  # a key of FILING_CHOICES
    filing_date = db.Column(db.Date, nullable=False)  # the day of 立案 / 不予立案
    case_number = db.Column(db.String(64), nullable=False, default="")  # 执法案号
    officers = db.Column(db.String(200), nullable=False, default="")  # 承办执法人员
    not_filed_reason = db.Column(db.Text, nullable=False, default="")
    measures = db.Column(db.JSON, nullable=False, default=list)  # keys of ENFORCEMENT_MEASURES
    fine_amount = db.Column(db.Numeric(12, 2))  # yuan; only with the measure "fine"
    decision_number = db.Column(db.String(64), nullable=False, default="")  # 决定书文号
    decision_date = db.Column(db.Date, index=True)
    fine_paid_on = db.Column(db.Date)
    resumed_on = db.Column(db.Date)  # the stop-work order lifted (复产)
    execution_note = db.Column(db.Text, nullable=False, default="")
    closed_on = db.Column(db.Date)
    closing_note = db.Column(db.Text, nullable=False, default="")
    # The credit-record entry a penalty decision made (kept in step with corrections of the decision).
    credit_record_id = db.Column(db.Integer, db.ForeignKey("credit_record.id"))
    recorded_at = db.Column(UTCDateTime, nullable=False)
    updated_at = db.Column(UTCDateTime, nullable=False)
    updated_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)

    referral = db.relationship("EnforcementReferral", backref=db.backref("outcome", uselist=False, viewonly=True))
    updated_by = db.relationship("User")

    def derived_status(self):
        if self.closed_on is not None:
            return "closed"
        if self.filing == "not_filed":
            return "not_filed"
        if self.fine_paid_on or self.resumed_on or self.execution_note:
            return "executed"
        if self.decision_date is not None:
            return "decided"
        return "filed"

    @property
    def is_decided(self):
        return self.filing == "filed" and self.decision_date is not None

    @property
    def penalties(self):
        return [m for m in self.measures or [] if m in PENALTY_MEASURES]
