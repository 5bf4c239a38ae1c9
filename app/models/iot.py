"""IoT monitoring (物联网监测预警, seed 000 §二(二)2 and §三(一)1): the monitoring devices installed at enterprises, the
parameters each measures with their thresholds, the readings they send, the alarms a reading over a threshold (or a
silent device) opens, the edge gateways that send for several devices, and the maintenance ledger (设备维护台账)."""
from ..extensions import db
from .types import UTCDateTime

DEVICE_KINDS = {
    "gas_detector": ("气体检测仪", "Gas detector"),
    "temp_humidity": ("温湿度传感器", "Temperature and humidity sensor"),
    "dust_monitor": ("粉尘浓度监测器", "Dust monitor"),
    "vibration_monitor": ("振动监测装置", "Vibration monitor"),
    "other": ("其他监测设备", "Other monitor"),
}
DEVICE_STATUSES = {"active": ("在用", "In use"), "retired": ("已停用", "Retired")}

# code: (Chinese name, English name, unit, suggested (warning high, alarm high, warning low, alarm low)).
# The suggestions fill the registration form; each device keeps its own. Gases after GB/T 50493-2019 (combustible:
# first level <= 25 %LEL, second <= 50 %LEL; toxic: <= 100 % / 200 % of the occupational limit), oxygen after
# GB 8958 (below 19.5 % is oxygen-deficient), vibration after ISO 10816 class II (4.5 / 7.1 mm/s).
PARAMETERS = {
    "h2s": ("硫化氢", "Hydrogen sulphide (H2S)", "ppm", (10, 20, None, None)),
    "co": ("一氧化碳", "Carbon monoxide (CO)", "ppm", (25, 50, None, None)),
    "ch4": ("甲烷", "Methane (CH4)", "%LEL", (25, 50, None, None)),
    "nh3": ("氨气", "Ammonia (NH3)", "ppm", (25, 50, None, None)),
    "o2": ("氧气", "Oxygen (O2)", "%VOL", (23.5, None, 19.5, 18)),
    "temperature": ("温度", "Temperature", "°C", (40, 50, None, None)),
    "humidity": ("相对湿度", "Relative humidity", "%RH", (85, 95, None, None)),
    "dust": ("粉尘浓度", "Dust concentration", "mg/m³", (4, 8, None, None)),
    "vibration": ("振动速度", "Vibration velocity", "mm/s", (4.5, 7.1, None, None)),
}
# Every device may report its battery level under this name (0-100 %); it updates the device, opens no alarm.
BATTERY = "battery"
BATTERY_NAMES = ("电池电量", "Battery level", "%")
KIND_PARAMETERS = {"gas_detector": ("h2s", "co", "ch4", "o2"), "temp_humidity": ("temperature", "humidity"),
                   "dust_monitor": ("dust",), "vibration_monitor": ("vibration",), "other": ()}

ALARM_KINDS = {"threshold": ("指标超限", "Threshold exceeded"), "offline": ("设备离线", "Device offline")}
ALARM_LEVELS = {"warning": ("预警", "Warning"), "alarm": ("告警", "Alarm")}
MAINTENANCE_KINDS = {
    "battery_replaced": ("更换电池", "Battery replaced"),
    "calibrated": ("校准", "Calibrated"),
    "repaired": ("维修", "Repaired"),
    "inspected": ("巡检", "Routine check"),
}


class IotDevice(db.Model):
    __tablename__ = "iot_device"
    id = db.Column(db.Integer, primary_key=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), nullable=False, index=True)
    code = db.Column(db.String(64), nullable=False, unique=True)  # what a reading names the device by
    name = db.Column(db.String(200), nullable=False)
    kind = db.Column(db.String(24), nullable=False)  # a key of DEVICE_KINDS
    place = db.Column(db.String(200), nullable=False, default="")
    latitude = db.Column(db.Float)
    longitude = db.Column(db.Float)
    status = db.Column(db.String(16), nullable=False, default="active")  # a key of DEVICE_STATUSES
    # The ingest key (X-Device-Key) is shown once; only its SHA-256 is kept, and its first characters to tell it.
    key_hash = db.Column(db.String(64), nullable=False, unique=True)
    key_hint = db.Column(db.String(16), nullable=False)
    key_issued_at = db.Column(UTCDateTime, nullable=False)
    battery_percent = db.Column(db.Integer)
    battery_at = db.Column(UTCDateTime)  # when the level was read or set
    battery_replaced_at = db.Column(UTCDateTime)
    last_calibrated_on = db.Column(db.Date)
    calibration_interval_days = db.Column(db.Integer)
    calibration_due_on = db.Column(db.Date, index=True)  # last calibration + interval (kept so lists filter in SQL)
    last_seen_at = db.Column(UTCDateTime, index=True)  # the last reading received
    offline_since = db.Column(UTCDateTime)  # set by the offline sweep, cleared by the next reading
    created_at = db.Column(UTCDateTime, nullable=False)
    created_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    updated_at = db.Column(UTCDateTime, nullable=False)

    enterprise = db.relationship("Enterprise")
    # Loaded when asked for (lists ask with selectinload); the upload path reads the rows itself, locked.
    parameters = db.relationship("IotParameter", order_by="IotParameter.id", cascade="all, delete-orphan")


class IotParameter(db.Model):
    """What one device measures, with its thresholds (None: no such threshold) and the latest value received."""
    __tablename__ = "iot_parameter"
    __table_args__ = (db.UniqueConstraint("device_id", "parameter"),)
    id = db.Column(db.Integer, primary_key=True)
    device_id = db.Column(db.Integer, db.ForeignKey("iot_device.id"), nullable=False)
    parameter = db.Column(db.String(24), nullable=False)  # a key of PARAMETERS
    warn_high = db.Column(db.Float)
    alarm_high = db.Column(db.Float)
    warn_low = db.Column(db.Float)
    alarm_low = db.Column(db.Float)
    latest_value = db.Column(db.Float)
    latest_at = db.Column(UTCDateTime)


class IotGateway(db.Model):
    """An edge gateway (边缘计算网关): its key sends readings for any active device of its enterprise."""
    __tablename__ = "iot_gateway"
    id = db.Column(db.Integer, primary_key=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), nullable=False, index=True)
    name = db.Column(db.String(200), nullable=False)
    key_hash = db.Column(db.String(64), nullable=False, unique=True)
    key_hint = db.Column(db.String(16), nullable=False)
    key_issued_at = db.Column(UTCDateTime, nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False)
    created_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    revoked_at = db.Column(UTCDateTime)
    last_seen_at = db.Column(UTCDateTime)

    enterprise = db.relationship("Enterprise")


class IotReading(db.Model):
    """One measured value. The key is the reading's identity: a gateway sending it again stores nothing new."""
    __tablename__ = "iot_reading"
    device_id = db.Column(db.Integer, db.ForeignKey("iot_device.id"), primary_key=True)
    parameter = db.Column(db.String(24), primary_key=True)
    measured_at = db.Column(UTCDateTime, primary_key=True)
    value = db.Column(db.Float, nullable=False)
    received_at = db.Column(UTCDateTime, nullable=False)


class IotReadingDaily(db.Model):
    """One device's parameter over one Shanghai calendar day, rolled up from its readings (services/iot_retention.py):
    what a monthly review reads once the raw readings are pruned. The average is value_sum / reading_count (kept
    apart so a month's average weighs every reading, not every day); the counts beyond the thresholds are counted
    against the thresholds stored on the row, those in force when the day was first rolled up."""
    __tablename__ = "iot_reading_daily"
    device_id = db.Column(db.Integer, db.ForeignKey("iot_device.id"), primary_key=True)
    parameter = db.Column(db.String(24), primary_key=True)
    day = db.Column(db.Date, primary_key=True)  # on the Shanghai calendar
    reading_count = db.Column(db.Integer, nullable=False)
    value_sum = db.Column(db.Float, nullable=False)
    value_min = db.Column(db.Float, nullable=False)
    value_max = db.Column(db.Float, nullable=False)
    first_at = db.Column(UTCDateTime, nullable=False)  # the day's first and last measured_at
    last_at = db.Column(UTCDateTime, nullable=False)
    warn_high = db.Column(db.Float)  # the thresholds the counts below were counted against (None: none)
    alarm_high = db.Column(db.Float)
    warn_low = db.Column(db.Float)
    alarm_low = db.Column(db.Float)
    warning_count = db.Column(db.Integer, nullable=False)  # readings at warning level or worse (alarms included)
    alarm_count = db.Column(db.Integer, nullable=False)  # readings at alarm level
    # Final: the day is past the retention limit and its readings are deleted (or being deleted): never computed
    # again, or a run cut off halfway through the deletion would recompute the day from the half left.
    final = db.Column(db.Boolean, nullable=False, default=False)
    rolled_up_at = db.Column(UTCDateTime, nullable=False)

    @property
    def average(self):
        return self.value_sum / self.reading_count if self.reading_count else None


class IotAlarm(db.Model):
    """A threshold event of one device's parameter, or a device gone silent: opened once, updated by further
    readings, marked recovered when readings are back within limits, and open until someone closes it."""
    __tablename__ = "iot_alarm"
    id = db.Column(db.Integer, primary_key=True)
    device_id = db.Column(db.Integer, db.ForeignKey("iot_device.id"), nullable=False, index=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), nullable=False, index=True)
    kind = db.Column(db.String(16), nullable=False)  # a key of ALARM_KINDS
    parameter = db.Column(db.String(24))  # None for an offline event
    level = db.Column(db.String(16), nullable=False)  # a key of ALARM_LEVELS; a warning may rise to alarm
    direction = db.Column(db.String(8))  # high / low: which threshold was crossed
    threshold = db.Column(db.Float)  # the threshold of the current level
    first_value = db.Column(db.Float)
    peak_value = db.Column(db.Float)  # the worst value seen (highest, or lowest for a low threshold)
    peak_at = db.Column(UTCDateTime)
    started_at = db.Column(UTCDateTime, nullable=False)  # the first exceeding reading's time (offline: last seen)
    last_exceeded_at = db.Column(UTCDateTime, nullable=False)
    exceed_count = db.Column(db.Integer, nullable=False, default=1)
    normal_streak = db.Column(db.Integer, nullable=False, default=0)  # readings back within limits in a row
    opened_at = db.Column(UTCDateTime, nullable=False, index=True)  # when the system raised it
    alarm_at = db.Column(UTCDateTime)  # when it reached alarm level: the escalation counts from here
    recovered_at = db.Column(UTCDateTime)
    acknowledged_at = db.Column(UTCDateTime)
    acknowledged_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    acknowledge_note = db.Column(db.Text)
    closed_at = db.Column(UTCDateTime, index=True)
    closed_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    handling_note = db.Column(db.Text)  # 处置说明
    escalated_at = db.Column(UTCDateTime)
    case_id = db.Column(db.Integer, db.ForeignKey("hazard_case.id"))  # registered as a hazard from it

    device = db.relationship("IotDevice")
    enterprise = db.relationship("Enterprise")
    acknowledged_by = db.relationship("User", foreign_keys=[acknowledged_by_id])
    closed_by = db.relationship("User", foreign_keys=[closed_by_id])
    case = db.relationship("HazardCase")


class IotMaintenance(db.Model):
    """A line of the maintenance ledger (设备维护台账): battery replaced, calibrated, repaired or checked."""
    __tablename__ = "iot_maintenance"
    id = db.Column(db.Integer, primary_key=True)
    device_id = db.Column(db.Integer, db.ForeignKey("iot_device.id"), nullable=False, index=True)
    kind = db.Column(db.String(24), nullable=False)  # a key of MAINTENANCE_KINDS
    performed_at = db.Column(UTCDateTime, nullable=False)
    performed_by = db.Column(db.String(100), nullable=False)  # the technician, as written (may have no account)
    note = db.Column(db.Text, nullable=False, default="")
    recorded_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    recorded_at = db.Column(UTCDateTime, nullable=False)

    device = db.relationship("IotDevice")
    recorded_by = db.relationship("User")
