"""A spot measurement taken on site during a supervision check of a rectification or a re-inspection after closing
(现场检测数据: gas concentration, oxygen, earthing resistance …, services/site_measurements.py). The kind's name,
unit and limit are kept as they were when measured — the catalogue (app/data/measurement_kinds.json) may change
later — and so is the verdict the server gave against that limit."""
from ..extensions import db
from .types import UTCDateTime

# Exactly one record it was taken on: a supervision check or a re-inspection.
ONE_RECORD = ("(CASE WHEN check_id IS NULL THEN 0 ELSE 1 END + "
              "CASE WHEN follow_up_id IS NULL THEN 0 ELSE 1 END) = 1")


class SiteMeasurement(db.Model):
    __tablename__ = "site_measurement"
    __table_args__ = (db.CheckConstraint(ONE_RECORD, name="one_record"),)
    id = db.Column(db.Integer, primary_key=True)
    case_id = db.Column(db.Integer, db.ForeignKey("hazard_case.id"), nullable=False, index=True)
    check_id = db.Column(db.Integer, db.ForeignKey("rectification_check.id"), index=True)
    follow_up_id = db.Column(db.Integer, db.ForeignKey("case_follow_up.id"), index=True)
    position = db.Column(db.Integer, nullable=False)  # the row's place on the form, from 1
    kind = db.Column(db.String(32), nullable=False)  # a code of the catalogue
    name = db.Column(db.String(64), nullable=False)  # the kind's Chinese name when measured
    name_en = db.Column(db.String(64), nullable=False)
    unit = db.Column(db.String(16), nullable=False)
    value = db.Column(db.Numeric(16, 4), nullable=False)
    # The kind's limit when measured: {"min", "min_inclusive", "max", "max_inclusive"} (decimal strings), {}: none.
    limit_rule = db.Column(db.JSON, nullable=False, default=dict)
    verdict = db.Column(db.String(16), nullable=False, index=True)  # a key of measurement_kinds.VERDICTS
    location = db.Column(db.String(200), nullable=False)  # 测点
    instrument = db.Column(db.String(100), nullable=False, default="")
    calibration_no = db.Column(db.String(64), nullable=False, default="")  # 检定 / 校准证书编号
    # The register's instrument it was taken with (services/site_measurements.py fills `instrument` and
    # `calibration_no` from it); None: an instrument typed as free text (not on the register).
    instrument_id = db.Column(db.Integer, db.ForeignKey("instrument.id"), index=True)
    note = db.Column(db.String(500), nullable=False, default="")
    recorded_at = db.Column(UTCDateTime, nullable=False)
    recorded_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)

    registered_instrument = db.relationship("Instrument")

    @property
    def exceeded(self):
        return self.verdict == "exceeded"
