"""Emergency drills of enterprises guided by the team (应急演练, seed 001 line 40 "指导企业对应急救援预案进行定期演练";
seed 000 lines 856-860: 演练结束后形成详细评估报告，指出存在问题并提出改进建议). A problem a drill found can be registered
as a hazard case; the link is kept (DrillHazard) so it is registered once."""
from ..extensions import db
from .types import UTCDateTime

DRILL_KINDS = {
    "tabletop": ("桌面推演", "Tabletop exercise"),
    "field": ("实战演练", "Field drill"),
    "full": ("综合演练", "Full-scale drill"),
}


class Drill(db.Model):
    __tablename__ = "drill"
    id = db.Column(db.Integer, primary_key=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), nullable=False, index=True)
    held_on = db.Column(db.Date, nullable=False, index=True)
    scenario = db.Column(db.String(200), nullable=False)  # the 预案 (emergency plan) drilled
    kind = db.Column(db.String(16), nullable=False)  # a key of DRILL_KINDS
    participants = db.Column(db.Integer, nullable=False)
    evaluation = db.Column(db.Text, nullable=False, default="")  # 评估
    problems = db.Column(db.Text, nullable=False, default="")  # 存在问题, one per line
    improvements = db.Column(db.Text, nullable=False, default="")  # 改进措施
    recorded_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    recorded_at = db.Column(UTCDateTime, nullable=False)
    updated_at = db.Column(UTCDateTime, nullable=False)

    enterprise = db.relationship("Enterprise")
    recorded_by = db.relationship("User")
    hazards = db.relationship("DrillHazard", order_by="DrillHazard.id", viewonly=True)

    @property
    def problem_lines(self):
        return [line.strip() for line in (self.problems or "").splitlines() if line.strip()]


class DrillHazard(db.Model):
    """A problem of the drill registered as a hazard case (the problem's text as it was then)."""
    __tablename__ = "drill_hazard"
    id = db.Column(db.Integer, primary_key=True)
    drill_id = db.Column(db.Integer, db.ForeignKey("drill.id"), nullable=False, index=True)
    problem = db.Column(db.Text, nullable=False)
    case_id = db.Column(db.Integer, db.ForeignKey("hazard_case.id"), nullable=False, unique=True)
    created_at = db.Column(UTCDateTime, nullable=False)

    case = db.relationship("HazardCase")
