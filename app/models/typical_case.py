"""An entry of the typical problem case library (典型问题案例库, the tender's 建立典型问题案例库，对反复出现或整改不到位的问题进行
归因分析，识别制度漏洞或执行短板): one hazard case written up for the project team to learn from — the problem, its
causes, the measures taken and their effect, the lessons — and shown at the quarterly rectification review meeting
(每季度召开整改工作总结会议 … 通报典型案例)."""
from ..extensions import db
from .types import UTCDateTime


class TypicalCase(db.Model):
    __tablename__ = "typical_case"
    id = db.Column(db.Integer, primary_key=True)
    # A case is written up once: two writers adding the same case at once cannot both succeed.
    case_id = db.Column(db.Integer, db.ForeignKey("hazard_case.id"), nullable=False, unique=True)
    title = db.Column(db.String(200), nullable=False)
    problem_description = db.Column(db.Text, nullable=False)  # 问题描述
    cause_analysis = db.Column(db.Text, nullable=False)  # 成因分析
    measures = db.Column(db.Text, nullable=False)  # 整改措施
    effect = db.Column(db.Text, nullable=False)  # 整改效果
    lessons = db.Column(db.Text, nullable=False, default="")  # 经验启示 (optional)
    # Copied from the case and its enterprise when the entry is made, so the library filters on its own columns
    # and an entry keeps what it was filed under when the enterprise's register changes later.
    hazard_type = db.Column(db.String(64), nullable=False, index=True)
    industry = db.Column(db.String(100), nullable=False, default="", index=True)
    created_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, index=True)  # the quarter filter
    updated_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    updated_at = db.Column(UTCDateTime, nullable=False)
    # Counts the edits: an edit names the version it was made on, so one writer's save never silently replaces
    # another's made in between.
    version = db.Column(db.Integer, nullable=False, default=1)

    case = db.relationship("HazardCase")
    created_by = db.relationship("User", foreign_keys=[created_by_id])
    updated_by = db.relationship("User", foreign_keys=[updated_by_id])
