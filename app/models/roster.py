"""The enterprise's safety training register of its people (从业人员安全培训台账; seed 001 §七 "安全生产责任制、安全培训教育、
特种作业人员持证上岗"): per enterprise, the people who matter for safety — the principal (主要负责人), the safety managers,
the special-operations workers with their 特种作业操作证, other and newly employed staff — and each person's training
records with their hours (学时). The hours each must have are in services/roster_rules.py.

A person who leaves keeps their row (`left_on`): the register is a history, never deleted."""
from ..extensions import db
from .types import UTCDateTime

# code -> (Chinese, English). The order is the pages'.
ROSTER_CATEGORIES = {
    "principal": ("主要负责人", "Principal"),
    "safety_manager": ("安全生产管理人员", "Safety manager"),
    "special_worker": ("特种作业人员", "Special-operations worker"),
    "employee": ("其他从业人员", "Other employee"),
    "new_employee": ("新上岗从业人员", "Newly employed"),
}
ROSTER_TRAINING_KINDS = {
    "initial": ("初次培训", "Initial training"),  # 主要负责人、安全生产管理人员的初次安全培训
    "refresher": ("再培训", "Refresher training"),  # 每年再培训
    "pre_job": ("岗前三级安全教育", "Pre-job three-level safety education"),  # 厂（矿）、车间（工段、区、队）、班组
}


class RosterPerson(db.Model):
    """One person of an enterprise's register. The certificate columns are a special-operations worker's
    特种作业操作证 (empty for anyone else); `operation_kind` is a key of OPERATION_CATEGORIES
    (models/enterprise_document.py, the 特种作业目录)."""
    __tablename__ = "roster_person"
    id = db.Column(db.Integer, primary_key=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), nullable=False, index=True)
    name = db.Column(db.String(64), nullable=False)
    position = db.Column(db.String(100), nullable=False, default="")  # 岗位 / 职务
    category = db.Column(db.String(24), nullable=False)  # a key of ROSTER_CATEGORIES
    hired_on = db.Column(db.Date)  # 入职（上岗）日期
    left_on = db.Column(db.Date)  # 离职日期: no longer there, kept
    operation_kind = db.Column(db.String(24), nullable=False, default="")
    certificate_number = db.Column(db.String(64), nullable=False, default="")
    certificate_issued_on = db.Column(db.Date)  # 初领（换证）日期
    certificate_review_due = db.Column(db.Date)  # 复审期限
    certificate_expires_on = db.Column(db.Date, index=True)  # 有效期至
    note = db.Column(db.String(500), nullable=False, default="")
    created_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False)
    updated_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    updated_at = db.Column(UTCDateTime, nullable=False)
    # the certificate_expires_on the enterprise was told about (30 days before): once per expiry date, a renewal
    # (a new date) arms it again (services/roster_expiry.py)
    expiry_warned_for = db.Column(db.Date)

    enterprise = db.relationship("Enterprise")
    trainings = db.relationship("RosterTraining", order_by="(RosterTraining.trained_on, RosterTraining.id)",
                                viewonly=True)

    @property
    def has_left(self):
        return self.left_on is not None


class RosterTraining(db.Model):
    """One training a person had: when, how many hours, which kind, who gave it and the certificate or file that
    proves it (培训合格证编号 / 档案号, as text)."""
    __tablename__ = "roster_training"
    __table_args__ = (db.CheckConstraint("hours > 0", name="hours_positive"),)
    id = db.Column(db.Integer, primary_key=True)
    person_id = db.Column(db.Integer, db.ForeignKey("roster_person.id"), nullable=False, index=True)
    trained_on = db.Column(db.Date, nullable=False, index=True)  # the (last) day of the training
    hours = db.Column(db.Numeric(5, 1, asdecimal=False), nullable=False)  # 学时, to half an hour
    kind = db.Column(db.String(16), nullable=False)  # a key of ROSTER_TRAINING_KINDS
    provider = db.Column(db.String(200), nullable=False, default="")  # 培训机构 / 授课人
    certificate = db.Column(db.String(200), nullable=False, default="")
    created_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False)

    person = db.relationship("RosterPerson")
