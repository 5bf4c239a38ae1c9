"""A report from the public (隐患举报 / 有奖举报): anyone, without an account, reports a hazard or poor rectification;
the bureau accepts or rejects it, has it verified on site, links the hazard case it leads to and rewards a true
report (services/public_reports.py, public_report_handling.py). The reporter follows it by its query code."""
from ..extensions import db
from .types import UTCDateTime

# Where a report stands, in the order it goes through (a rejected or unfounded one ends there).
PUBLIC_REPORT_STATUSES = {
    "received": ("已收到，待受理", "Received, awaiting acceptance"),
    "accepted": ("受理中", "Accepted"),
    "rejected": ("不予受理", "Not accepted"),
    "verifying": ("核查中", "Under verification"),
    "confirmed": ("已核实", "Verified as true"),
    "unfounded": ("不属实", "Not true"),
    "case_opened": ("已立案", "Case opened"),
}


class PublicReport(db.Model):
    __tablename__ = "public_report"
    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(16), nullable=False, unique=True)  # the reporter's query code (random)
    text = db.Column(db.Text, nullable=False)  # what
    place = db.Column(db.String(200), nullable=False)  # where: the enterprise's name or an address, as typed
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), index=True)  # chosen from the public list
    township = db.Column(db.String(100), index=True)  # the chosen enterprise's, or the linked case's
    anonymous = db.Column(db.Boolean, nullable=False, default=True)
    reporter_name = db.Column(db.String(64))  # named reports only; read by the bureau only
    reporter_phone = db.Column(db.String(32))
    consented_at = db.Column(UTCDateTime, nullable=False)
    ip_hash = db.Column(db.String(64), nullable=False, index=True)  # keyed hash of the address, for the rate limit
    received_at = db.Column(UTCDateTime, nullable=False, index=True)
    status = db.Column(db.String(16), nullable=False, index=True, default="received")  # a key of PUBLIC_REPORT_STATUSES
    public_reply = db.Column(db.Text)  # what the reporter reads: the rejection's reason, the verification's answer
    decided_at = db.Column(UTCDateTime)  # accepted or rejected
    decided_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    verifier_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), index=True)
    assigned_at = db.Column(UTCDateTime)
    assigned_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    verify_due = db.Column(UTCDateTime, index=True)  # 3 working days after the assignment
    verified_at = db.Column(UTCDateTime)
    verified_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    verification_note = db.Column(db.Text)  # internal
    case_id = db.Column(db.Integer, db.ForeignKey("hazard_case.id"), index=True)
    case_linked_at = db.Column(UTCDateTime)
    case_linked_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    reward_amount = db.Column(db.Integer)  # yuan, at most 10,000
    reward_note = db.Column(db.Text)
    reward_proposed_at = db.Column(UTCDateTime)
    reward_proposed_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    reward_approved_at = db.Column(UTCDateTime)
    reward_approved_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    reward_paid_on = db.Column(db.Date)
    reward_paid_recorded_at = db.Column(UTCDateTime)
    reward_paid_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))

    enterprise = db.relationship("Enterprise")
    case = db.relationship("HazardCase")
    verifier = db.relationship("User", foreign_keys=[verifier_id])
