from ..extensions import db
from .types import UTCDateTime

GRADES = {
    "general": ("一般隐患", "General"),
    "larger": ("较大隐患", "Larger"),
    "major": ("重大隐患", "Major"),
    "especially_major": ("特别重大隐患", "Especially major"),
}
SOURCES = {
    "inspection": ("排查发现", "Found by inspection"),
    "self_check": ("企业自查上报", "Enterprise self-check"),
    "supervision": ("监管部门检查发现", "Found by the bureau's own check"),
}

STATUSES = {
    "registered": ("已登记", "Registered"),
    "assigning": ("待指派", "Awaiting assignment"),
    "rectifying": ("整改中", "Rectifying"),
    "verifying": ("待复核", "Awaiting verification"),
    "stop_work": ("停产整改", "Stop-work order"),
    "enforcement": ("移送执法", "Enforcement referral"),
    "closed": ("已销号", "Closed"),
}


class HazardCase(db.Model):
    """The domain row of a hazard; deadlines are plain columns so "overdue" is SQL."""

    __tablename__ = "hazard_case"
    # Case ids key the in-process runtime cache and the readable code: never reuse one (SQLite would).
    # One case per (reporter, client_ref): a device's retry of a registration whose answer it never got finds the
    # case it made, also when two retries arrive at once (NULLs, registrations without a reference, never clash).
    # The recurrence rule reads each case's predecessor of the same enterprise and type in time order (migration 0084).
    __table_args__ = (db.Index("uq_hazard_case_inspector_id_client_ref", "inspector_id", "client_ref", unique=True),
                      db.Index("ix_hazard_case_enterprise_type_registered", "enterprise_id", "hazard_type",
                               "registered_at", "id"),
                      {"sqlite_autoincrement": True})
    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(32), unique=True)  # YH-2026-000123, set right after insert
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), nullable=False, index=True)
    inspector_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    hazard_type = db.Column(db.String(64), nullable=False)
    place = db.Column(db.String(200), nullable=False)
    latitude = db.Column(db.Float)
    longitude = db.Column(db.Float)
    description = db.Column(db.Text, nullable=False)
    score = db.Column(db.Integer, nullable=False)
    legal_major = db.Column(db.Boolean, nullable=False, default=False)
    grade = db.Column(db.String(24), index=True)
    status = db.Column(db.String(24), nullable=False, default="registered", index=True)
    current_step = db.Column(db.String(200), nullable=False, default="")
    round = db.Column(db.Integer, nullable=False, default=1)
    assignment_due = db.Column(UTCDateTime)
    rectification_due = db.Column(UTCDateTime, index=True)
    verification_due = db.Column(UTCDateTime)
    registered_at = db.Column(UTCDateTime, nullable=False, index=True)  # the case list, the statistics
    closed_at = db.Column(UTCDateTime)
    # A deadline computed into a year with no official holiday schedule yet (see services.calendar).
    deadlines_provisional = db.Column(db.Boolean, nullable=False, default=False, server_default="0")
    # [{"moment", "days", "result"}] of each provisional computation, so an import can redo exactly those.
    provisional_computations = db.Column(db.JSON, nullable=True)
    updated_at = db.Column(UTCDateTime, nullable=False)
    process_version_id = db.Column(db.Integer, db.ForeignKey("process_version.id"), nullable=False)
    # "inspection": registered by the contractor's inspectors; "self_check": reported by the enterprise's own staff
    # (企业自查上报). `inspector_id` is who registered it either way.
    source = db.Column(db.String(16), nullable=False, default="inspection", server_default="inspection")
    # The inspection visit (排查记录) that found it, when the inspector registered it from one.
    inspection_visit_id = db.Column(db.Integer, db.ForeignKey("inspection_visit.id"), index=True)
    # The enterprise's risk point (风险点, models/risk_point.py) the hazard was found at, when the registration named one.
    risk_point_id = db.Column(db.Integer, db.ForeignKey("risk_point.id"), index=True)
    # The reference the reporter's device gave the registration (a UUID made when the hazard was captured, offline
    # perhaps), so that sending it again returns this case instead of making a second one; None when none was given.
    client_ref = db.Column(db.String(64))

    enterprise = db.relationship("Enterprise")
    inspector = db.relationship("User")
    process_version = db.relationship("ProcessVersion")
    inspection_visit = db.relationship("InspectionVisit")
    risk_point = db.relationship("RiskPoint")

    def code_for_id(self):
        """The readable case code (YH-2026-000123), known once the row has its id."""
        return f"YH-{self.registered_at.year}-{self.id:06d}"

    @property
    def is_closed(self):
        return self.status == "closed"
