"""Supervision of the inspectors themselves (督查排查人员, seed 000 lines 321–327): the special supervision group's
unannounced spot checks of how an inspector applies the standards (专项督查组 "四不两直" 抽查), the monthly cross-checks
between areas (每月交叉互查, 抽调不同片区人员相互检查对方负责区域) and other special checks; each names the staff checked,
optionally the visit checked, the findings, the result (合格 / 不合格) and the measures taken (通报批评 …). A 不合格
result deducts points in the month's staff scorecard (纳入绩效考核, services/performance.py)."""
from ..extensions import db
from .types import UTCDateTime

SUPERVISION_KINDS = {
    "unannounced": ("四不两直抽查", "Unannounced spot check"),  # 000 L321
    "cross_check": ("交叉互查", "Cross-check between areas"),  # 000 L325: monthly
    "special": ("专项督查", "Special supervision"),
}
SUPERVISION_RESULTS = {
    "pass": ("合格", "Passed"),
    "fail": ("不合格", "Failed"),
}
# What a 不合格 result brings (000 L327: 通报批评，并纳入绩效考核，情节严重者取消其参与后续项目的资格).
SUPERVISION_MEASURES = {
    "criticism": ("通报批评", "Public criticism"),
    "interview": ("约谈提醒", "Admonitory talk"),
    "retraining": ("限期整改并重新培训", "Correction and retraining"),
    "disqualified": ("取消后续项目资格", "Barred from later projects"),
}


class StaffSupervision(db.Model):
    __tablename__ = "staff_supervision"
    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.String(16), nullable=False, index=True)  # a key of SUPERVISION_KINDS
    checked_on = db.Column(db.Date, nullable=False, index=True)  # the day of the check (Shanghai)
    # The inspection visit whose execution was checked (a visit of the staff checked), when one was.
    visit_id = db.Column(db.Integer, db.ForeignKey("inspection_visit.id"), index=True)
    area = db.Column(db.String(100), nullable=False, default="")  # 片区 / the area checked, as typed
    checkers = db.Column(db.String(200), nullable=False, default="")  # 督查人员 / 互查人员, as they sign
    findings = db.Column(db.Text, nullable=False)
    result = db.Column(db.String(8), nullable=False, index=True)  # a key of SUPERVISION_RESULTS
    measures = db.Column(db.JSON, nullable=False, default=list)  # keys of SUPERVISION_MEASURES (不合格 only)
    measures_note = db.Column(db.Text, nullable=False, default="")
    created_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False)
    updated_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    updated_at = db.Column(UTCDateTime, nullable=False)

    visit = db.relationship("InspectionVisit")
    created_by = db.relationship("User", foreign_keys=[created_by_id])
    updated_by = db.relationship("User", foreign_keys=[updated_by_id])
    staff = db.relationship("User", secondary="staff_supervision_person", order_by="User.display_name",
                            viewonly=True)


class StaffSupervisionPerson(db.Model):
    """One member of the inspection staff a supervision record checked."""
    __tablename__ = "staff_supervision_person"
    __table_args__ = (db.UniqueConstraint("supervision_id", "user_id", name="uq_staff_supervision_person"),)
    id = db.Column(db.Integer, primary_key=True)
    supervision_id = db.Column(db.Integer, db.ForeignKey("staff_supervision.id"), nullable=False, index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False, index=True)
