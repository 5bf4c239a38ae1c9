"""The emergency incident log (突发状况接报与处置, seed 000 lines 31, 509, 678-680, 796, 802-806): every call about an
emergency at an enterprise or in the county is recorded from its receipt (接报) to its closing (结案) — who took it,
the level (I/II/III 级), each stage's time (接警, 出动, 到场, 初步处置, 结案), who and which instruments were sent, and
at the end the analysis report (事件分析报告) — and the duty roster (值班表) names who receives the calls.

Not the workflow's technical incidents (models/sla.Incident, /admin/incidents): those are failed background steps.
Hence the names EmergencyEvent and /emergencies."""
from ..extensions import db
from .types import UTCDateTime

# I 级（重大事故）, II 级（较大隐患）, III 级（一般异常）: seed 000 line 796; their arrival limits are in
# services/emergency_limits.py.
EMERGENCY_LEVELS = {
    "major": ("I级（重大）", "Level I (major)"),
    "larger": ("II级（较大）", "Level II (larger)"),
    "general": ("III级（一般）", "Level III (general)"),
}
# The stages after the receipt, in their order; each has a column `<stage>_at`.
EMERGENCY_STAGES = {
    "acknowledged": ("接警", "Call acknowledged"),
    "dispatched": ("出动", "Team dispatched"),
    "arrived": ("到达现场", "Arrived on site"),
    "handled": ("初步处置", "Initial handling done"),
    "closed": ("结案", "Closed"),
}


class EmergencyEvent(db.Model):
    """One emergency call and what was done about it. The stage times only grow along EMERGENCY_STAGES (each at or
    after the one before, none in the future; services/emergencies.py); a closed one is no longer changed."""
    __tablename__ = "emergency_event"
    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(16), nullable=False, unique=True)  # TF-2026-0001
    received_at = db.Column(UTCDateTime, nullable=False, index=True)  # 接报
    received_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    reporter = db.Column(db.String(64), nullable=False)  # 报告人
    reporter_contact = db.Column(db.String(64), nullable=False, default="")  # 联系方式
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), index=True)  # of the register, optional
    township = db.Column(db.String(64), nullable=False, default="", index=True)  # the enterprise's, or as chosen
    place = db.Column(db.String(200), nullable=False)
    description = db.Column(db.Text, nullable=False)
    level = db.Column(db.String(16), nullable=False)  # a key of EMERGENCY_LEVELS
    acknowledged_at = db.Column(UTCDateTime)
    dispatched_at = db.Column(UTCDateTime)
    arrived_at = db.Column(UTCDateTime)
    handled_at = db.Column(UTCDateTime)
    closed_at = db.Column(UTCDateTime, index=True)
    handling_note = db.Column(db.Text, nullable=False, default="")  # 处置情况, the enterprise reads it
    internal_note = db.Column(db.Text, nullable=False, default="")  # 内部备注, never shown to the enterprise
    # 事件分析报告, written at closing
    report_cause = db.Column(db.Text, nullable=False, default="")
    report_handling = db.Column(db.Text, nullable=False, default="")
    report_lessons = db.Column(db.Text, nullable=False, default="")
    report_improvements = db.Column(db.Text, nullable=False, default="")
    case_id = db.Column(db.Integer, db.ForeignKey("hazard_case.id"), unique=True)  # registered as a hazard from it
    recorded_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False)
    updated_at = db.Column(UTCDateTime, nullable=False)

    received_by = db.relationship("User", foreign_keys=[received_by_id])
    recorded_by = db.relationship("User", foreign_keys=[recorded_by_id])
    enterprise = db.relationship("Enterprise")
    case = db.relationship("HazardCase")
    responders = db.relationship("EmergencyResponder", order_by="EmergencyResponder.id", viewonly=True)
    instruments = db.relationship("EmergencyInstrument", order_by="EmergencyInstrument.id", viewonly=True)

    def stage_at(self, stage):
        return getattr(self, f"{stage}_at")


class EmergencyResponder(db.Model):
    """A staff user sent to the incident (出动人员)."""
    __tablename__ = "emergency_responder"
    __table_args__ = (db.UniqueConstraint("event_id", "user_id", name="uq_emergency_responder_event_id_user_id"),)
    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(db.Integer, db.ForeignKey("emergency_event.id"), nullable=False, index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    added_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    added_at = db.Column(UTCDateTime, nullable=False)

    user = db.relationship("User", foreign_keys=[user_id])


class EmergencyInstrument(db.Model):
    """An instrument of the equipment register sent to the incident: its loan (services/equipment_loans.py) says
    who has it and whether it came back."""
    __tablename__ = "emergency_instrument"
    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(db.Integer, db.ForeignKey("emergency_event.id"), nullable=False, index=True)
    instrument_id = db.Column(db.Integer, db.ForeignKey("instrument.id"), nullable=False, index=True)
    loan_id = db.Column(db.Integer, db.ForeignKey("instrument_loan.id"), nullable=False, unique=True)
    added_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    added_at = db.Column(UTCDateTime, nullable=False)

    instrument = db.relationship("Instrument")
    loan = db.relationship("InstrumentLoan")


class EmergencyDuty(db.Model):
    """One line of the duty roster (值班表, 7×24 小时值班, seed 000 lines 509, 680): a staff user on duty from one day
    through another, with the phone to call. Several may be on duty at once (双人双岗)."""
    __tablename__ = "emergency_duty"
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False, index=True)
    phone = db.Column(db.String(32), nullable=False)
    starts_on = db.Column(db.Date, nullable=False, index=True)
    ends_on = db.Column(db.Date, nullable=False, index=True)  # through this day
    note = db.Column(db.String(200), nullable=False, default="")
    created_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False)

    user = db.relationship("User", foreign_keys=[user_id])
