"""IoT monitoring in the demo data (`flask seed-demo`, services/demo.py): three devices at the demo enterprises with
the last day of readings sent through the real ingestion (the chemical plant's through its edge gateway), so the
pages show charts, an ammonia alarm at the food plant still open, a carbon-monoxide warning at the chemical plant
handled and closed, a low battery and a calibration coming due.

The readings stop when the seed ends: half an hour later the scheduler marks the devices offline, as it would a real
device gone silent (send readings with the key a device page's 更换接入密钥 shows to keep one online)."""
import math
from datetime import timedelta

from ..clock import SHANGHAI, clock
from . import iot_alarm_handling, iot_devices, iot_readings

STEP_MINUTES = 10
# (enterprise index, form values, parameters, sent through the gateway)
DEVICES = [
    (0, {"code": "GD-HD-001", "name": "罐区四合一气体检测仪", "kind": "gas_detector", "place": "甲类仓库东侧罐区",
         "latitude": "35.5016", "longitude": "113.8325", "battery_percent": "76", "last_calibrated_on": -40,
         "calibration_interval_days": "180"},
     {"h2s": (10, 20, None, None), "co": (25, 50, None, None), "ch4": (25, 50, None, None),
      "o2": (23.5, None, 19.5, 18)}, True),
    (1, {"code": "DS-XC-001", "name": "打磨区粉尘浓度监测器", "kind": "dust_monitor", "place": "冲压车间抛光打磨区",
         "latitude": "35.4630", "longitude": "113.8019", "battery_percent": "35", "last_calibrated_on": -86,
         "calibration_interval_days": "90"},
     {"dust": (4, 8, None, None)}, False),
    (2, {"code": "GD-LY-001", "name": "制冷机房氨气检测仪", "kind": "gas_detector", "place": "液氨制冷机房",
         "latitude": "35.4112", "longitude": "113.7530", "battery_percent": "88", "last_calibrated_on": -20,
         "calibration_interval_days": "180"},
     {"nh3": (25, 50, None, None), "temperature": (35, 45, None, None)}, False),
]


def seed(uow, users, enterprises):
    """Register the devices a day and an hour back, then send each hour's readings at the end of that hour."""
    saved, end = clock._fixed, clock.now()
    start = end - timedelta(hours=24)
    try:
        clock.set(start - timedelta(hours=1))
        keys, gateway_key = _register(uow, users["project_lead"], enterprises)
        for hour in range(24):
            clock.set(start + timedelta(hours=hour + 1))
            for (_ent, values, limits, via_gateway), key in zip(DEVICES, keys):
                readings = [_reading(values["code"], code, moment, end)
                            for moment in _moments(start + timedelta(hours=hour)) for code in limits]
                iot_readings.ingest(uow, gateway_key if via_gateway else key,
                                    {"readings": readings + _battery(values, hour, start)})
            if hour == 12:  # the carbon-monoxide warning of the hour before has recovered
                _close_warning(uow, users["enterprise"])
    finally:
        clock._fixed = saved


def _register(uow, lead, enterprises):
    keys = []
    for ent, values, limits, _via in DEVICES:
        form = dict(values, enterprise_id=enterprises[ent].id,
                    last_calibrated_on=(clock.local_now().date() + timedelta(days=values["last_calibrated_on"]))
                    .isoformat(),
                    parameters={code: dict(zip(iot_devices.THRESHOLDS, limit)) for code, limit in limits.items()})
        _device, key = iot_devices.register(uow, lead, form)
        keys.append(key)
    _gateway, gateway_key = iot_devices.add_gateway(uow, lead, enterprises[0].id, "罐区边缘计算网关")
    return keys, gateway_key


def _moments(hour_start):
    return [hour_start + timedelta(minutes=m) for m in range(STEP_MINUTES, 61, STEP_MINUTES)]


def _reading(device, parameter, moment, end):
    return {"device": device, "parameter": parameter, "value": round(_value(parameter, moment, end), 2),
            "measured_at": moment.astimezone(SHANGHAI).isoformat()}


def _value(parameter, moment, end):
    """A day's plausible values: a slow wave and a little ripple; the ammonia leak of the last three hours (a
    warning, then an alarm, still over the warning threshold at the end) and the carbon-monoxide spike some twelve
    hours back."""
    back = (end - moment).total_seconds() / 3600  # hours before the seed's moment
    wave = math.sin(moment.timestamp() / 7200)
    ripple = math.sin(moment.timestamp() / 600)
    if parameter == "nh3":
        if back < 1.7:
            return 42 + 8 * ripple  # after the alarm: still over the warning threshold
        if back < 2.2:
            return 56 + 5 * ripple  # the alarm
        if back < 3.5:
            return 28 + 2 * ripple  # the warning
        return 5 + 2 * wave + ripple
    if parameter == "co" and 12.2 < back < 12.6:
        return 27 + ripple
    base = {"h2s": (1.2, .5, .3), "co": (4, 1.5, .5), "ch4": (1.5, 1, .4), "o2": (20.85, .03, .02),
            "dust": (2.2, .8, .4), "temperature": (22, 3, .4)}[parameter]
    return base[0] + base[1] * wave + base[2] * ripple


def _battery(values, hour, start):
    """The dust monitor's battery runs down to 18 % over the day (a maintenance reminder)."""
    if values["code"] != "DS-XC-001" or hour % 6 != 5:
        return []
    moment = start + timedelta(hours=hour + 1)
    return [{"device": values["code"], "parameter": "battery", "value": 35 - 17 * (hour + 1) / 24,
             "measured_at": moment.astimezone(SHANGHAI).isoformat()}]


def _close_warning(uow, user):
    """The chemical plant's safety officer handles the carbon-monoxide warning once it has recovered."""
    from ..models import IotAlarm
    for alarm in uow.session.query(IotAlarm).filter_by(parameter="co", closed_at=None).order_by(IotAlarm.id):
        iot_alarm_handling.close(uow, user, alarm.id, "检查罐区叉车尾气排放，已要求叉车驶离罐区作业；复测恢复正常")
