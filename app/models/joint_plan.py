"""Joint inspection plans (联合检查计划, seed 000 lines 650-656): a plan of the kind `joint` names its participating
units — the bureau, departments of the register, the contractor's team — each with its participants and its
division of work (分工), and the instruments to bring; it is sent to the units a week ahead and each unit signs it
(签收确认). The plan itself is an InspectionPlan (models/inspection.py)."""
from ..extensions import db
from .types import UTCDateTime

# unit kind -> (Chinese, English); a department unit names its department of the register
UNIT_KINDS = {
    "bureau": ("应急管理局", "Emergency management bureau"),
    "department": ("部门", "Department"),
    "contractor": ("第三方技术团队", "Contractor's technical team"),
}


class InspectionPlanUnit(db.Model):
    """One participating unit of a joint plan, its participants, its division of work and its signature."""
    __tablename__ = "inspection_plan_unit"
    id = db.Column(db.Integer, primary_key=True)
    plan_id = db.Column(db.Integer, db.ForeignKey("inspection_plan.id"), nullable=False, index=True)
    position = db.Column(db.Integer, nullable=False)  # the order of the form: bureau, departments, contractor
    kind = db.Column(db.String(16), nullable=False)  # a key of UNIT_KINDS
    department_id = db.Column(db.Integer, db.ForeignKey("department.id"), index=True)  # kind `department` only
    participant_ids = db.Column(db.JSON, nullable=False, default=list)  # users of the unit who have logins
    participant_names = db.Column(db.String(500), nullable=False, default="")  # the others, by name
    duties = db.Column(db.Text, nullable=False)  # 分工: the unit's areas and what it checks
    signed_at = db.Column(UTCDateTime)  # 签收确认; reset to None never: a sent plan does not change
    signed_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    sign_remark = db.Column(db.Text, nullable=False, default="")  # e.g. a changed participant
    urged_at = db.Column(UTCDateTime)  # urged to sign three days before the day (once)

    department = db.relationship("Department")
    signed_by = db.relationship("User")


class InspectionPlanInstrument(db.Model):
    """An instrument of the equipment register the joint check brings (便携式气体检测仪、红外热成像仪 …)."""
    __tablename__ = "inspection_plan_instrument"
    plan_id = db.Column(db.Integer, db.ForeignKey("inspection_plan.id"), primary_key=True)
    instrument_id = db.Column(db.Integer, db.ForeignKey("instrument.id"), primary_key=True, index=True)

    instrument = db.relationship("Instrument")
