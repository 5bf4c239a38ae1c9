"""IoT monitoring (物联网监测预警, services/iot_*.py) in the API: readings sent by devices and edge gateways with their key
in `X-Device-Key` (no bearer token), and for people with a token the devices, the alarms, acknowledging and closing."""
from flask import g, request
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...models import ALARM_KINDS, ALARM_LEVELS, DEVICE_KINDS, DEVICE_STATUSES, PARAMETERS
from ...services import iot_access, iot_alarm_handling, iot_device_list, iot_maintenance, iot_readings, iot_retention
from ...services.uow import UnitOfWork
from . import api
from .auth import token_required
from .helpers import json_body, query_args
from .schemas import LocalDateTime, PageQuery, QuerySchema

PARAMETER_CODES = list(PARAMETERS) + ["battery"]


# ---- readings ----------------------------------------------------------------------------------------------------
class IotReadingItemSchema(Schema):
    device = fields.String(metadata={"description": "the device's code; required with a gateway's key, optional with "
                                                    "a device's own"})
    parameter = fields.String(required=True, metadata={"enum": PARAMETER_CODES, "description": "one the device "
                                                       "measures, or `battery` (0-100 %) for any device"})
    value = fields.Float(required=True)
    measured_at = LocalDateTime(required=True, metadata={
        "description": "ISO 8601; without an offset it is Shanghai time; at most 5 minutes ahead, 30 days back"})


class IotReadingsRequestSchema(IotReadingItemSchema):
    """For the document only (services/iot_readings.py checks the body): one reading, or `readings`."""
    parameter = fields.String(metadata=IotReadingItemSchema._declared_fields["parameter"].metadata)
    value = fields.Float()
    measured_at = LocalDateTime()
    readings = fields.List(fields.Nested(IotReadingItemSchema), validate=validate.Length(1, iot_readings.MAX_BATCH),
                           metadata={"description": "a batch, all or nothing: any wrong reading refuses the request "
                                                    "(400, errors under `fields.readings.<index>`)"})


class IotIngestResultSchema(Schema):
    received = fields.Integer(metadata={"description": "readings in the request (a repeat within it counted once)"})
    stored = fields.Integer(metadata={"description": "new readings stored"})
    duplicates = fields.Integer(metadata={"description": "readings stored before (same device, parameter and "
                                                         "measured_at): nothing changed"})
    alarms_opened = fields.List(fields.Integer(), metadata={"description": "ids of the alarms the readings opened"})


@api.post("/iot/readings")
def ingest_iot_readings():
    """Authenticated by the device's or the gateway's key (401 / 403 before the body is looked at)."""
    with UnitOfWork() as uow:
        result = iot_readings.ingest(uow, request.headers.get(iot_readings.KEY_HEADER, ""),
                                     request.get_json(silent=True))
        uow.commit()
    return IotIngestResultSchema().dump(result)


# ---- devices -----------------------------------------------------------------------------------------------------
class IotParameterSchema(Schema):
    parameter = fields.String(metadata={"enum": list(PARAMETERS)})
    unit = fields.Function(lambda p: PARAMETERS[p.parameter][2], metadata={"type": "string"})
    warn_high = fields.Float(allow_none=True)
    alarm_high = fields.Float(allow_none=True)
    warn_low = fields.Float(allow_none=True)
    alarm_low = fields.Float(allow_none=True)
    latest_value = fields.Float(allow_none=True)
    latest_at = LocalDateTime(allow_none=True)


class IotDeviceSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    kind = fields.String(metadata={"enum": list(DEVICE_KINDS)})
    enterprise_id = fields.Integer()
    enterprise = fields.Function(lambda d: d.enterprise.name, metadata={"type": "string"})
    place = fields.String()
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    status = fields.String(metadata={"enum": list(DEVICE_STATUSES)})
    state = fields.String(metadata={"enum": [s for s in iot_device_list.STATES if s != "maintenance_due"],
                                    "description": "retired, offline, alarm, warning, awaiting_data or normal"})
    maintenance = fields.List(fields.String(), metadata={"description": "why it needs care: "
                                                         + ", ".join(iot_maintenance.REASONS)})
    battery_percent = fields.Integer(allow_none=True)
    battery_at = LocalDateTime(allow_none=True)
    last_calibrated_on = fields.Date(allow_none=True)
    calibration_interval_days = fields.Integer(allow_none=True)
    calibration_due_on = fields.Date(allow_none=True)
    last_seen_at = LocalDateTime(allow_none=True)
    offline_since = LocalDateTime(allow_none=True)
    key_hint = fields.String(metadata={"description": "the first characters of its ingest key"})
    parameters = fields.List(fields.Nested(IotParameterSchema))


class IotDeviceListSchema(Schema):
    items = fields.List(fields.Nested(IotDeviceSchema))
    total = fields.Integer()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "how many the caller may see per state under the other filters"})


class IotDeviceQuery(PageQuery):
    enterprise_id = fields.Integer()
    township = fields.String(validate=validate.Length(max=100))
    kind = fields.String(validate=validate.OneOf(list(DEVICE_KINDS)))
    state = fields.String(validate=validate.OneOf(list(iot_device_list.STATES)),
                          metadata={"description": "none: every device in use"})
    q = fields.String(validate=validate.Length(max=100), metadata={"description": "in the code, name or place"})


def dump_devices(devices):
    states = iot_device_list.states(db.session, devices)
    return [IotDeviceSchema().dump(d) | {"state": states[d.id], "maintenance": iot_maintenance.reasons(d)}
            for d in devices]


@api.get("/iot/devices")
@token_required
def list_iot_devices():
    args = query_args(IotDeviceQuery())
    flt = iot_device_list.DeviceFilter(**args)
    rows, total = iot_device_list.listing(db.session, g.api_user, flt)
    counts = iot_device_list.counts(db.session, g.api_user, iot_device_list.DeviceFilter(**{**args, "state": None}))
    return {"items": dump_devices(rows), "total": total, "counts": counts}


MAX_DAILY_DAYS = 366


class IotDailySchema(Schema):
    """A parameter's day from the daily roll-up (kept for good; the raw readings only IOT_READINGS_KEEP_DAYS)."""
    parameter = fields.String(metadata={"enum": PARAMETER_CODES})
    day = fields.Date(metadata={"description": "the Shanghai calendar day"})
    count = fields.Integer(attribute="reading_count")
    min = fields.Float(attribute="value_min")
    max = fields.Float(attribute="value_max")
    avg = fields.Float(attribute="average")
    sum = fields.Float(attribute="value_sum", metadata={"description": "for averages over several days: the sums "
                                                                       "over the counts"})
    first_at = LocalDateTime()
    last_at = LocalDateTime()
    warning_count = fields.Integer(metadata={"description": "readings at warning level or worse (alarm level "
                                                            "included)"})
    alarm_count = fields.Integer(metadata={"description": "readings at alarm level"})
    warn_high = fields.Float(allow_none=True, metadata={"description": "the thresholds counted against: those in "
                                                                       "force when the day was first rolled up"})
    alarm_high = fields.Float(allow_none=True)
    warn_low = fields.Float(allow_none=True)
    alarm_low = fields.Float(allow_none=True)
    final = fields.Boolean(metadata={"description": "the day's raw readings are past the retention limit and "
                                                    "deleted; otherwise rolled up again every night for a week"})


class IotDeviceDetailSchema(IotDeviceSchema):
    daily = fields.List(fields.Nested(IotDailySchema), metadata={
        "description": "with ?days=N only: the last N days before today, by parameter then day"})


class IotDeviceDetailQuery(QuerySchema):
    days = fields.Integer(validate=validate.Range(1, MAX_DAILY_DAYS), metadata={
        "description": f"add `daily`: the last N days (1-{MAX_DAILY_DAYS}) of the daily roll-up"})


@api.get("/iot/devices/<int:device_id>")
@token_required
def get_iot_device(device_id):
    device = iot_access.get_visible_device(db.session, g.api_user, device_id)  # 404 before a 400 on the query
    args = query_args(IotDeviceDetailQuery())
    found = dump_devices([device])[0]
    if "days" in args:
        daily = iot_retention.daily(db.session, device.id, args["days"])
        found["daily"] = IotDailySchema(many=True).dump([row for rows in daily.values() for row in rows])
    return found


# ---- alarms ------------------------------------------------------------------------------------------------------
def _user(attr):
    return fields.Function(lambda a: getattr(a, attr).username if getattr(a, attr) else None, allow_none=True,
                           metadata={"type": "string", "description": "username"})


class IotAlarmSchema(Schema):
    id = fields.Integer()
    device_id = fields.Integer()
    device_code = fields.Function(lambda a: a.device.code, metadata={"type": "string"})
    enterprise_id = fields.Integer()
    kind = fields.String(metadata={"enum": list(ALARM_KINDS)})
    parameter = fields.String(allow_none=True, metadata={"description": "null for an offline alarm"})
    level = fields.String(metadata={"enum": list(ALARM_LEVELS)})
    direction = fields.String(allow_none=True, metadata={"enum": ["high", "low"]})
    threshold = fields.Float(allow_none=True, metadata={"description": "the threshold of its current level"})
    first_value = fields.Float(allow_none=True)
    peak_value = fields.Float(allow_none=True)
    peak_at = LocalDateTime(allow_none=True)
    started_at = LocalDateTime(metadata={"description": "the first exceeding reading (offline: last contact)"})
    last_exceeded_at = LocalDateTime()
    exceed_count = fields.Integer()
    opened_at = LocalDateTime()
    alarm_at = LocalDateTime(allow_none=True, metadata={"description": "when it reached alarm level"})
    recovered_at = LocalDateTime(allow_none=True)
    acknowledged_at = LocalDateTime(allow_none=True)
    acknowledged_by = _user("acknowledged_by")
    acknowledge_note = fields.String(allow_none=True)
    escalated_at = LocalDateTime(allow_none=True)
    closed_at = LocalDateTime(allow_none=True)
    closed_by = _user("closed_by")
    handling_note = fields.String(allow_none=True)
    case_id = fields.Integer(allow_none=True, metadata={"description": "the hazard case registered from it"})


class IotAlarmListSchema(Schema):
    items = fields.List(fields.Nested(IotAlarmSchema))
    total = fields.Integer()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "per state: open (not acknowledged), acknowledged (not closed), closed, all"})


class IotAlarmQuery(PageQuery):
    state = fields.String(load_default="open", validate=validate.OneOf(iot_alarm_handling.STATES))
    enterprise_id = fields.Integer()
    township = fields.String(validate=validate.Length(max=100))
    level = fields.String(validate=validate.OneOf(list(ALARM_LEVELS)))
    kind = fields.String(validate=validate.OneOf(list(ALARM_KINDS)))
    device_id = fields.Integer()


class IotNoteSchema(Schema):
    note = fields.String(load_default="", validate=validate.Length(max=iot_alarm_handling.MAX_NOTE))


class IotCloseSchema(Schema):
    note = fields.String(required=True, validate=validate.Length(1, iot_alarm_handling.MAX_NOTE),
                         metadata={"description": "处置说明: how it was handled"})


@api.get("/iot/alarms")
@token_required
def list_iot_alarms():
    flt = iot_alarm_handling.AlarmFilter(**query_args(IotAlarmQuery()))
    rows, total = iot_alarm_handling.listing(db.session, g.api_user, flt)
    return {"items": IotAlarmSchema(many=True).dump(rows), "total": total,
            "counts": iot_alarm_handling.counts(db.session, g.api_user, flt)}


@api.get("/iot/alarms/<int:alarm_id>")
@token_required
def get_iot_alarm(alarm_id):
    return IotAlarmSchema().dump(iot_access.get_visible_alarm(db.session, g.api_user, alarm_id))


def _step(alarm_id, schema, action, optional=False):
    """404 / 403 before the body is read, then the step in its transaction."""
    alarm = iot_access.get_visible_alarm(db.session, g.api_user, alarm_id)
    iot_alarm_handling.check_may_handle(g.api_user, alarm)
    body = schema.load({}) if optional and not request.get_data() else json_body(schema)
    with UnitOfWork() as uow:
        row = action(uow, g.api_user, alarm_id, body["note"])
        uow.commit()
        return IotAlarmSchema().dump(row)


@api.post("/iot/alarms/<int:alarm_id>/acknowledge")
@token_required
def acknowledge_iot_alarm(alarm_id):
    return _step(alarm_id, IotNoteSchema(), iot_alarm_handling.acknowledge, optional=True)


@api.post("/iot/alarms/<int:alarm_id>/close")
@token_required
def close_iot_alarm(alarm_id):
    return _step(alarm_id, IotCloseSchema(), iot_alarm_handling.close)


# endpoint -> (summary, tag, request body, query schema, responses), merged into openapi.OPERATIONS
OPERATIONS = {
    "ingest_iot_readings": ("Send readings (物联网数据上报) with a device's or an edge gateway's key in `X-Device-Key` "
                            "(no bearer token): one reading or `readings` (up to 1000), all or nothing; a reading "
                            "sent again (same device, parameter, measured_at) is a duplicate and changes nothing; "
                            "401 for a missing, unknown or revoked key, 403 for a retired device's key or a device "
                            "the key does not send for", "iot", IotReadingsRequestSchema, None,
                            {"200": IotIngestResultSchema}),
    "list_iot_devices": ("Monitoring devices (监测设备) the caller may see, by enterprise and code, with the count per "
                         "state (staff: every enterprise's; enterprise tokens: their own)", "iot", None,
                         IotDeviceQuery, {"200": IotDeviceListSchema}),
    "get_iot_device": ("One device with its parameters, thresholds and latest values; with `days` also its daily "
                       "roll-up (min, max, average, count, readings beyond the thresholds per parameter and day)",
                       "iot", None, IotDeviceDetailQuery, {"200": IotDeviceDetailSchema}),
    "list_iot_alarms": ("Alarms (告警) in a state, newest first, with the count per state", "iot", None,
                        IotAlarmQuery, {"200": IotAlarmListSchema}),
    "get_iot_alarm": ("One alarm", "iot", None, None, {"200": IotAlarmSchema}),
    "acknowledge_iot_alarm": ("Acknowledge an alarm (确认), once: its enterprise's staff, the bureau, project leads, "
                              "admins; stops the escalation; the body is optional", "iot", IotNoteSchema, None,
                              {"200": IotAlarmSchema}),
    "close_iot_alarm": ("Close an alarm with how it was handled (处置说明); acknowledges it too if need be", "iot",
                        IotCloseSchema, None, {"200": IotAlarmSchema}),
}
KEY_AUTHENTICATED = {"ingest_iot_readings"}
