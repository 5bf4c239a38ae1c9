"""A case's rectification milestones (整改节点) and its three named parties (整改责任人 / 技术支持人 / 监督检查人),
beside the process (the seed's 《整改建议书》注明整改责任人、完成节点及验收标准; 明确整改责任人、技术支持人和监督检查三方职责).
Kept off the case row, as major hazards' records are, so they never touch the row every process step writes."""
from ..extensions import db
from .types import UTCDateTime


class CaseMilestone(db.Model):
    """One intermediate node of a case's rectification: what is to be done by which day, how it will be accepted,
    and when it was done. Late (past `due_on` without `done_on`) is computed; `late_notified_at` keeps the one
    notice."""
    __tablename__ = "case_milestone"
    id = db.Column(db.Integer, primary_key=True)
    case_id = db.Column(db.Integer, db.ForeignKey("hazard_case.id"), nullable=False, index=True)
    title = db.Column(db.String(200), nullable=False)
    due_on = db.Column(db.Date, nullable=False, index=True)  # a Shanghai day, not after the case's deadline
    criterion = db.Column(db.Text, nullable=False, default="")  # 验收标准
    done_on = db.Column(db.Date)  # None: not done yet
    done_note = db.Column(db.Text, nullable=False, default="")
    done_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    created_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False)
    late_notified_at = db.Column(UTCDateTime)  # the one notice of its lateness

    case = db.relationship("HazardCase")
    created_by = db.relationship("User", foreign_keys=[created_by_id])
    done_by = db.relationship("User", foreign_keys=[done_by_id])


class CaseParties(db.Model):
    """The three parties of a case's rectification, named by the project lead; the supervisor may be one of the
    system's users (then also told of late milestones)."""
    __tablename__ = "case_parties"
    case_id = db.Column(db.Integer, db.ForeignKey("hazard_case.id"), primary_key=True)
    responsible_name = db.Column(db.String(64), nullable=False, default="")  # 整改责任人
    responsible_phone = db.Column(db.String(32), nullable=False, default="")
    technical_name = db.Column(db.String(64), nullable=False, default="")  # 技术支持人
    technical_phone = db.Column(db.String(32), nullable=False, default="")
    supervisor_name = db.Column(db.String(64), nullable=False, default="")  # 监督检查人
    supervisor_phone = db.Column(db.String(32), nullable=False, default="")
    supervisor_user_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    updated_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    updated_at = db.Column(UTCDateTime, nullable=False)

    supervisor_user = db.relationship("User", foreign_keys=[supervisor_user_id])
