"""Through a real browser, IoT monitoring end to end: a project lead registers a gas detector with two parameters and
their thresholds and sees its ingest key once; a reading over the alarm threshold is sent to the live server's API
with that key; the alarm shows in the alarm list; the enterprise's safety officer acknowledges it and closes it with
a handling note; an inspector's 登记为隐患 opens the registration form drafted from the alarm."""
import json
import re
import urllib.request

from app.extensions import db
from app.models import IotAlarm, IotDevice
from test_browser_flow import browser, live_server, log_in, log_out, page  # noqa: F401
from tests.iot_support import at

KEY = re.compile(r"^iotd_\S+$")


def send_reading(base, key, parameter, value):
    """POST one reading to the live server as a device does (urllib, no cookies, no CSRF token: the key only)."""
    body = json.dumps({"parameter": parameter, "value": value, "measured_at": at()}).encode()
    request = urllib.request.Request(f"{base}/api/v1/iot/readings", data=body, method="POST",
                                     headers={"Content-Type": "application/json", "X-Device-Key": key})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, json.loads(response.read())


def register_device(page, base, people):
    """The logged-in project lead registers GD-TEST-01 measuring H2S (warning 10, alarm 20 ppm) and O2 (the suggested
    limits) at enterprise A; returns its key, read from the one page that shows it."""
    page.click("nav >> text=物联网监测")
    page.wait_for_url(re.compile(r"/iot/devices$"))
    page.click("text=登记监测设备")
    page.wait_for_url(re.compile(r"/iot/devices/new$"))
    page.select_option("#f-enterprise_id", str(people.enterprise_a.id))
    page.select_option("#f-kind", "gas_detector")
    page.fill("#f-code", "GD-TEST-01")
    page.fill("#f-name", "储罐区四合一气体检测仪")
    page.fill("#f-place", "甲类储罐区东侧")
    for unticked in ("co", "ch4"):  # the suggestions tick the four gases; this one measures two
        page.uncheck(f"#p-{unticked}")
    assert page.is_checked("#p-h2s") and page.is_checked("#p-o2")
    page.fill("input[name=h2s_warn_high]", "10")
    page.fill("input[name=h2s_alarm_high]", "20")
    page.click("button:has-text('登记并生成接入密钥')")
    page.wait_for_selector("#new-key")
    key = page.inner_text("#new-key code.key").strip()
    assert KEY.match(key) and "只显示这一次" in page.inner_text("#new-key")
    assert f"X-Device-Key: {key}" in page.inner_text("#new-key pre.sample")
    return key


def test_a_device_registered_in_the_browser_alarms_and_the_alarm_is_handled(people, live_server, page):
    log_in(page, live_server, "project_lead")
    key = register_device(page, live_server, people)
    device = db.session.query(IotDevice).one()
    assert sorted(p.parameter for p in device.parameters) == ["h2s", "o2"] and device.code == "GD-TEST-01"
    page.goto(f"{live_server}/iot/devices/{device.id}")  # the key never again
    assert key not in page.content() and page.locator("#new-key").count() == 0
    assert page.locator("#parameters tr[data-parameter]").count() == 2

    status, answer = send_reading(live_server, key, "h2s", 35)  # over the alarm threshold of 20 ppm
    assert status == 200 and answer["stored"] == 1 and len(answer["alarms_opened"]) == 1
    [alarm_id] = answer["alarms_opened"]
    page.reload()
    assert "35" in page.inner_text("#parameters tr[data-parameter=h2s]")
    page.click("nav >> text=物联网监测")
    page.click(".subnav >> text=告警")
    page.wait_for_url(re.compile(r"/iot/alarms$"))
    row = page.locator("table tbody tr", has_text="GD-TEST-01")
    assert row.count() == 1 and "告警" in row.inner_text() and "待确认" in row.inner_text()
    log_out(page)

    log_in(page, live_server, "ent_a")
    page.click("nav >> text=物联网监测")
    page.click(".subnav >> text=告警")
    page.locator("table tbody tr", has_text="GD-TEST-01").locator("a").first.click()
    page.wait_for_url(re.compile(rf"/iot/alarms/{alarm_id}$"))
    page.fill("#acknowledge textarea[name=note]", "已通知现场人员撤离，佩戴空气呼吸器检查")
    page.click("#acknowledge button:has-text('确认')")
    page.wait_for_url(re.compile(rf"/iot/alarms/{alarm_id}$"))
    assert page.locator("#acknowledge").count() == 0 and "已通知现场人员撤离" in page.inner_text(".iot-alarm-facts")
    page.fill("#close textarea[name=note]", "法兰垫片老化泄漏，已更换垫片，通风后复测 2 ppm")
    page.click("#close button:has-text('关闭告警')")
    page.wait_for_url(re.compile(rf"/iot/alarms/{alarm_id}$"))
    assert "已关闭" in page.inner_text(".page-head") and page.locator("#close").count() == 0
    assert "法兰垫片老化泄漏" in page.inner_text(".iot-alarm-facts")
    alarm = db.session.get(IotAlarm, alarm_id)
    assert alarm.closed_at is not None and alarm.acknowledge_note.startswith("已通知")
    log_out(page)

    log_in(page, live_server, "inspector")
    page.goto(f"{live_server}/iot/alarms/{alarm_id}")
    page.click("a:has-text('登记为隐患')")
    page.wait_for_url(re.compile(rf"/hazards/new\?iot_alarm={alarm_id}$"))
    assert page.input_value("#f-enterprise_id") == str(people.enterprise_a.id)
    assert "甲类储罐区东侧" in page.input_value("#f-place")
    description = page.input_value("#f-description")
    assert "物联网监测告警" in description and "GD-TEST-01" in description and "法兰垫片老化泄漏" in description
