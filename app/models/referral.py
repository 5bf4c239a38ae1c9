"""Referrals of hazards to other departments (跨部门移送 / 抄告, seed 000 lines 50, 212, 499, 730): many hazards the
safety inspection finds belong to another regulator (住建, 消防, 生态环境, 市场监管 …). The bureau keeps a register of
those departments, refers a case to one or more of them (one referral each, with its own letter, deadline and
replies), records what each department answers, and records the joint meetings (联席会议 / 会商) held on a case.

A department may have logins (the role `department`, a user with a `department_id`): its users sign for the
referrals addressed to it (签收) and record their replies themselves; for a department without one the bureau records
what it answered. The case's own process is not touched: the hazard is still tracked to closure here, the referral
runs beside it."""
from ..extensions import db
from .types import UTCDateTime

DEPARTMENT_KINDS = {
    "housing": ("住房和城乡建设", "Housing and urban-rural development"),
    "fire": ("消防救援", "Fire and rescue"),
    "environment": ("生态环境", "Ecology and environment"),
    "market": ("市场监督管理", "Market regulation (special equipment)"),
    "natural_resources": ("自然资源", "Natural resources"),
    "transport": ("交通运输", "Transport"),
    "other": ("其他", "Other"),
}
# 移送: the matter is the other department's to handle; 抄告: it is told, for its own part, while the bureau handles it.
REFERRAL_KINDS = {
    "transfer": ("移送", "Transfer"),
    "copy": ("抄告", "Notification"),
}
REFERRAL_REQUESTS = {
    "handle": ("依职责处理", "Handle within its competence"),
    "joint_check": ("联合检查", "Joint inspection"),
    "opinion": ("提供意见", "Give its opinion"),
}
REFERRAL_STATUSES = {
    "sent": ("待回复", "Awaiting reply"),
    "replied": ("已回复", "Replied"),
    "closed": ("已办结", "Closed"),
}
REPLY_OUTCOMES = {
    "accepted": ("已受理", "Accepted"),
    "handled": ("已处理", "Handled"),
    "not_competent": ("非本部门职责", "Not its competence"),
}


class Department(db.Model):
    """部门名录: another regulator the bureau refers hazards to."""
    __tablename__ = "department"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False, unique=True)
    kind = db.Column(db.String(24), nullable=False)  # a key of DEPARTMENT_KINDS
    contact_person = db.Column(db.String(64), nullable=False, default="")
    phone = db.Column(db.String(32), nullable=False, default="")
    email = db.Column(db.String(200), nullable=False, default="")
    active = db.Column(db.Boolean, nullable=False, default=True, server_default="1")
    created_at = db.Column(UTCDateTime, nullable=False)
    updated_at = db.Column(UTCDateTime, nullable=False)


class CaseReferral(db.Model):
    """One case referred to one department, with its letter (移送函 / 抄告函) number and reply deadline."""
    __tablename__ = "case_referral"
    id = db.Column(db.Integer, primary_key=True)
    number = db.Column(db.String(32), unique=True)  # YS-2026-0001 (移送) / CG-2026-0001 (抄告), set after insert
    case_id = db.Column(db.Integer, db.ForeignKey("hazard_case.id"), nullable=False, index=True)
    department_id = db.Column(db.Integer, db.ForeignKey("department.id"), nullable=False, index=True)
    kind = db.Column(db.String(16), nullable=False)  # a key of REFERRAL_KINDS
    request = db.Column(db.String(16), nullable=False)  # a key of REFERRAL_REQUESTS
    reason = db.Column(db.Text, nullable=False)  # printed in the letter; not shown to the enterprise
    internal_note = db.Column(db.Text, nullable=False, default="")  # the bureau's own; never in the letter
    reply_days = db.Column(db.Integer, nullable=False)  # working days
    status = db.Column(db.String(16), nullable=False, default="sent", index=True)  # a key of REFERRAL_STATUSES
    referred_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    referred_at = db.Column(UTCDateTime, nullable=False, index=True)
    reply_due = db.Column(UTCDateTime, nullable=False, index=True)
    first_reply_at = db.Column(UTCDateTime)  # None: no reply yet (overdue once reply_due passed)
    urged_at = db.Column(UTCDateTime)  # the one automatic urge to the bureau when overdue
    # 签收: when a user of the department first acknowledged receipt (or recorded its first reply); once only
    signed_at = db.Column(UTCDateTime)
    signed_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    closed_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    closed_at = db.Column(UTCDateTime)
    close_note = db.Column(db.Text, nullable=False, default="")

    case = db.relationship("HazardCase")
    department = db.relationship("Department")
    referred_by = db.relationship("User", foreign_keys=[referred_by_id])
    closed_by = db.relationship("User", foreign_keys=[closed_by_id])
    signed_by = db.relationship("User", foreign_keys=[signed_by_id])
    replies = db.relationship("ReferralReply", order_by="(ReferralReply.received_on, ReferralReply.id)",
                              viewonly=True)

    def number_for_id(self):
        prefix = "YS" if self.kind == "transfer" else "CG"
        return f"{prefix}-{self.referred_at.year}-{self.id:04d}"


class ReferralReply(db.Model):
    """What the department answered, recorded by the bureau or by a user of the department itself (`recorded_by`
    tells which); a referral may have several (accepted, then handled)."""
    __tablename__ = "referral_reply"
    id = db.Column(db.Integer, primary_key=True)
    referral_id = db.Column(db.Integer, db.ForeignKey("case_referral.id"), nullable=False, index=True)
    received_on = db.Column(db.Date, nullable=False)
    outcome = db.Column(db.String(16), nullable=False)  # a key of REPLY_OUTCOMES
    text = db.Column(db.Text, nullable=False)
    # public ids of the reply's files (attachments without a case: served by the referral's pages only)
    files = db.Column(db.JSON, nullable=False, default=list)
    recorded_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    recorded_at = db.Column(UTCDateTime, nullable=False)

    recorded_by = db.relationship("User")


class JointMeeting(db.Model):
    """联席会议 / 会商 on a case: who met, what was said and decided, the referrals it concerns."""
    __tablename__ = "joint_meeting"
    id = db.Column(db.Integer, primary_key=True)
    case_id = db.Column(db.Integer, db.ForeignKey("hazard_case.id"), nullable=False, index=True)
    held_on = db.Column(db.Date, nullable=False)
    place = db.Column(db.String(200), nullable=False, default="")
    department_ids = db.Column(db.JSON, nullable=False, default=list)
    referral_ids = db.Column(db.JSON, nullable=False, default=list)
    minutes = db.Column(db.Text, nullable=False)
    decisions = db.Column(db.Text, nullable=False, default="")
    recorded_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    recorded_at = db.Column(UTCDateTime, nullable=False)

    case = db.relationship("HazardCase")
    recorded_by = db.relationship("User")
