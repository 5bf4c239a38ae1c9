"""The equipment register (设备储备清单, seed 000 lines 43, 128, 686): the contractor's portable instruments — drones,
thermal imagers, gas detectors, testers and meters — with their calibration (设备校准合格率 100 %, line 110), where
they are kept and who has one out (借出 / 归还), so that the right instrument can go out at once and a measurement
is never taken with one whose calibration has lapsed.

Not the IoT monitoring devices (models/iot.py): those are installed at an enterprise and send readings."""
from ..extensions import db
from .types import UTCDateTime

INSTRUMENT_KINDS = {
    "drone": ("无人机", "Drone"),
    "thermal_imager": ("红外热成像仪", "Thermal imager"),
    "gas_detector": ("气体检测仪", "Gas detector"),
    "earth_resistance_tester": ("接地电阻测试仪", "Earth resistance tester"),
    "insulation_tester": ("绝缘电阻测试仪", "Insulation resistance tester"),
    "illuminance_meter": ("照度计", "Illuminance meter"),
    "sound_level_meter": ("声级计", "Sound level meter"),
    "dust_meter": ("粉尘检测仪", "Dust meter"),
    "anemometer": ("风速仪", "Anemometer"),
    "other": ("其他", "Other"),
}
# Kinds that are no measuring instruments (计量器具) and need no calibration certificate; one may still be given
# (a drone's gas or thermal payload), and then it counts like the others.
CALIBRATION_OPTIONAL_KINDS = {"drone"}
INSTRUMENT_STATUSES = {
    "in_service": ("在用", "In service"),
    "repair": ("维修中", "Out for repair"),
    "retired": ("已报废", "Retired"),
}


class Instrument(db.Model):
    """One instrument of the register."""
    __tablename__ = "instrument"
    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.String(32), nullable=False, index=True)  # a key of INSTRUMENT_KINDS
    model = db.Column(db.String(100), nullable=False)  # 型号
    serial_no = db.Column(db.String(64), nullable=False, default="")  # 出厂编号
    asset_no = db.Column(db.String(64), nullable=False, unique=True)  # 资产编号, the label on the case
    certificate_no = db.Column(db.String(64), nullable=False, default="")  # 校准证书编号
    calibrated_on = db.Column(db.Date)
    calibration_due = db.Column(db.Date, index=True)  # valid through this day; overdue after it
    status = db.Column(db.String(16), nullable=False, default="in_service", index=True)
    keeper = db.Column(db.String(64), nullable=False, default="")  # 保管人 (责任人)
    location = db.Column(db.String(200), nullable=False, default="")  # 存放地点
    note = db.Column(db.Text, nullable=False, default="")
    created_at = db.Column(UTCDateTime, nullable=False)
    updated_at = db.Column(UTCDateTime, nullable=False)


class InstrumentLoan(db.Model):
    """借出 / 归还: who took an instrument out, when, for what, and when it came back. At most one loan of an
    instrument is open (not returned): the partial unique index refuses a second even when two arrive at once."""
    __tablename__ = "instrument_loan"
    __table_args__ = (db.Index("uq_instrument_loan_open", "instrument_id", unique=True,
                               sqlite_where=db.text("returned_at IS NULL"),
                               postgresql_where=db.text("returned_at IS NULL")),)
    id = db.Column(db.Integer, primary_key=True)
    instrument_id = db.Column(db.Integer, db.ForeignKey("instrument.id"), nullable=False, index=True)
    borrower_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False, index=True)
    purpose = db.Column(db.String(200), nullable=False)
    case_id = db.Column(db.Integer, db.ForeignKey("hazard_case.id"), index=True)  # for a case, optionally
    visit_id = db.Column(db.Integer, db.ForeignKey("inspection_visit.id"), index=True)  # or an inspection visit
    expected_return = db.Column(db.Date)
    lent_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    lent_at = db.Column(UTCDateTime, nullable=False)
    returned_at = db.Column(UTCDateTime)
    returned_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    return_note = db.Column(db.Text, nullable=False, default="")

    instrument = db.relationship("Instrument")
    borrower = db.relationship("User", foreign_keys=[borrower_id])
    lent_by = db.relationship("User", foreign_keys=[lent_by_id])
    returned_by = db.relationship("User", foreign_keys=[returned_by_id])
    case = db.relationship("HazardCase")
    visit = db.relationship("InspectionVisit")
