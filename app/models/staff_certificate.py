"""A certificate a member of the project staff holds (人员资质证书; seed 000 line 94 "保障人员具备专业资质并达到上岗要求",
line 110 "人员持证率 100%", line 15 "持有相关资质证书的专业技术人员"): its kind, number, issuer, the days it is valid and
the scans of it. A user may hold several; the certification rate (services/training_targets.py) counts the active
field staff holding at least one valid certificate.

Kept by administrators and project leads (services/staff_certificates.py); the holder reads their own."""
from ..extensions import db
from .types import UTCDateTime

# code -> (Chinese, English). The order is the form's.
STAFF_CERTIFICATE_KINDS = {
    "safety_engineer": ("注册安全工程师", "Registered safety engineer"),
    "safety_assessor": ("安全评价师", "Safety assessor"),
    "special_operation": ("特种作业操作证", "Special operation certificate"),
    "safety_manager": ("安全生产管理人员考核合格证", "Safety manager certificate"),
    "other": ("其他", "Other"),
}


class StaffCertificate(db.Model):
    """One certificate of one user. `valid_to` None: valid without an end (长期有效, e.g. a 安全评价师 qualification);
    `valid_from` None: valid since before it was recorded. A renewal is the same row with its new number and days
    (the audit rows keep the old ones)."""
    __tablename__ = "staff_certificate"
    __table_args__ = (db.UniqueConstraint("user_id", "kind", "number", name="uq_staff_certificate_user_kind_number"),)
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False, index=True)
    kind = db.Column(db.String(24), nullable=False)  # a key of STAFF_CERTIFICATE_KINDS
    title = db.Column(db.String(100), nullable=False, default="")  # 证书名称 / 作业类别 (required for "other")
    number = db.Column(db.String(64), nullable=False)
    issuer = db.Column(db.String(200), nullable=False, default="")  # 发证机关
    valid_from = db.Column(db.Date)
    valid_to = db.Column(db.Date, index=True)
    note = db.Column(db.String(500), nullable=False, default="")
    created_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False)
    updated_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    updated_at = db.Column(UTCDateTime, nullable=False)
    # the valid_to the holder and the project leads were told about (30 days before / expired): each notice once per
    # last valid day, and a renewal (a new valid_to) arms both again (services/staff_certificate_expiry.py)
    warned_for = db.Column(db.Date)
    expired_for = db.Column(db.Date)

    user = db.relationship("User", foreign_keys=[user_id])
    created_by = db.relationship("User", foreign_keys=[created_by_id])
    updated_by = db.relationship("User", foreign_keys=[updated_by_id])
    attachments = db.relationship("Attachment", order_by="Attachment.id", viewonly=True)
