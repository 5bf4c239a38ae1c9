"""The IoT monitoring pages from the outside (Flask test client): registering a device shows its key once, the list
and its filters, the device page with its charts, the alarm page's forms and 登记为隐患, maintenance, gateways, the
enterprise page and the notices' links; who sees what (another enterprise's staff get 404); English pages."""
import re

from app.extensions import db
from app.models import HazardCase, IotAlarm, IotDevice, IotGateway, IotMaintenance
from tests.iot_support import device_data, register, reading, send
from tests.test_web_support import field_html, registration, text, upload


def form_of(enterprise, code="GD-001", **changes):
    """The registration form's fields for `device_data`."""
    data = device_data(enterprise, code, **changes)
    form = {name: value for name, value in data.items() if name != "parameters"}
    form["param"] = list(data["parameters"])
    for code_, limits in data["parameters"].items():
        form.update({f"{code_}_{name}": str(value) for name, value in limits.items()})
    return form


def test_a_project_lead_registers_a_device_and_sees_its_key_once(people, login):
    lead = login("project_lead")
    page = text(lead.get("/iot/devices/new"))
    assert 'name="param" value="h2s" checked' in page and 'name="h2s_warn_high" value="10"' in page  # suggestions
    refused = lead.post("/iot/devices/new", data={**form_of(people.enterprise_a), "code": "", "h2s_alarm_high": "5"})
    page = text(refused)
    assert refused.status_code == 400 and 'id="err-code"' in page and "告警上限须高于预警上限" in page
    assert 'value="甲类仓库东侧"' in page  # what was typed is kept
    created = lead.post("/iot/devices/new", data=form_of(people.enterprise_a))
    page = text(created)
    assert created.status_code == 201
    key = re.search(r'<code class="key">(iotd_[^<]+)</code>', page).group(1)
    assert "X-Device-Key: " + key in page and "只显示这一次" in page
    device = db.session.query(IotDevice).one()
    assert device.key_hash != key and key not in text(lead.get(f"/iot/devices/{device.id}"))  # never shown again
    assert [p.parameter for p in device.parameters] == ["h2s", "o2"]
    rotated = text(lead.post(f"/iot/devices/{device.id}/key"))
    new_key = re.search(r'<code class="key">(iotd_[^<]+)</code>', rotated).group(1)
    assert new_key != key and send(new_key, reading("h2s", 1))["stored"] == 1
    edited = lead.post(f"/iot/devices/{device.id}/edit", data=form_of(people.enterprise_a, name="新名称",
                                                                      status="retired"))
    assert edited.status_code == 302
    db.session.expire_all()
    assert db.session.get(IotDevice, device.id).status == "retired"


def test_who_sees_and_edits_devices(people, login, client):
    own_id, _ = register(people.project_lead, people.enterprise_a, "GD-A")
    other_id, _ = register(people.project_lead, people.enterprise_b, "GD-B")
    ent = login("ent_a")
    page = text(ent.get("/iot/devices"))
    assert "GD-A" in page and "GD-B" not in page and 'href="/iot/devices"' in page  # the navigation link
    assert ent.get(f"/iot/devices/{own_id}").status_code == 200
    assert ent.get(f"/iot/devices/{other_id}").status_code == 404  # another enterprise's: not found, no data
    for url in ("/iot/devices/new", f"/iot/devices/{own_id}/edit"):
        assert ent.get(url).status_code == 403
    assert ent.post(f"/iot/devices/{own_id}/key").status_code == 403
    assert ent.post(f"/iot/devices/{own_id}/maintenance", data={"kind": "inspected"}).status_code == 403
    assert ent.post(f"/iot/devices/{other_id}/maintenance", data={"kind": "inspected"}).status_code == 404
    assert "登记监测设备" not in text(ent.get("/iot/devices"))
    bureau = login("bureau")
    page = text(bureau.get("/iot/devices"))
    assert "GD-A" in page and "GD-B" in page and bureau.get("/iot/devices/new").status_code == 403
    owner = login("process_owner")
    assert owner.get("/iot/devices").status_code == 403 and 'href="/iot/devices"' not in text(owner.get("/"))
    assert owner.get("/iot/alarms").status_code == 403
    assert client.get("/iot/devices").status_code == 302  # to the login page


def test_every_route_refuses_roles_without_monitoring(app, people, login, client):
    """The process owner (alone) reads no monitoring: 403 on every page and form; anonymous: the login page."""
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("iot."):
            url = rule.build({name: 1 for name in rule.arguments}, append_unknown=False)[1]
            urls += [(url, method) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    assert len(urls) >= 14
    owner = login("process_owner")
    for url, method in urls:
        assert owner.open(url, method=method).status_code == 403, (method, url)
        response = client.open(url, method=method)
        assert response.status_code == 302 and "/login" in response.headers["Location"], (method, url)


def test_the_list_filters_by_state_kind_and_enterprise(people, login):
    quiet_id, _ = register(people.project_lead, people.enterprise_a, "GD-QUIET")
    loud_id, loud_key = register(people.project_lead, people.enterprise_b, "GD-LOUD")
    send(loud_key, reading("h2s", 30))
    lead = login("project_lead")
    page = text(lead.get("/iot/devices?state=alarm"))
    assert "GD-LOUD" in page and "GD-QUIET" not in page
    page = text(lead.get("/iot/devices?state=awaiting_data"))
    assert "GD-QUIET" in page and "GD-LOUD" not in page
    page = text(lead.get(f"/iot/devices?enterprise_id={people.enterprise_a.id}"))
    assert "GD-QUIET" in page and "GD-LOUD" not in page
    assert "GD-LOUD" not in text(lead.get("/iot/devices?kind=dust_monitor"))
    page = text(lead.get("/iot/devices?state=maintenance_due"))  # calibration due 2026-11-30, within a week
    assert "GD-QUIET" in page and "GD-LOUD" in page


def test_the_device_page_draws_the_last_day_and_lists_alarms(people, login):
    device_id, key = register(people.project_lead, people.enterprise_a)
    send(key, *[reading("h2s", value, minutes=-60 * hours) for hours, value in ((20, 2), (12, 9), (3, 14), (1, 4))])
    page = text(login("ent_a").get(f"/iot/devices/{device_id}"))
    assert "<svg" in page and "<polyline" in page and 'class="limit limit-warn_high"' in page
    assert "<script>" not in page and "onclick" not in page  # the CSP allows neither
    assert "iot-state iot-warning" in page  # the 14 ppm three hours ago opened a warning, one reading back since
    assert "data-alarm=" in page and "最近24小时没有数据" in page  # o2 has no readings
    lead = login("project_lead")
    recorded = lead.post(f"/iot/devices/{device_id}/maintenance", data={
        "kind": "repaired", "performed_at": "2026-11-23T08:30", "performed_by": "王技术员", "note": ""})
    assert recorded.status_code == 400 and 'id="err-note"' in text(recorded)
    recorded = lead.post(f"/iot/devices/{device_id}/maintenance", data={
        "kind": "battery_replaced", "performed_at": "2026-11-23T08:30", "performed_by": "王技术员", "note": "换电池"})
    assert recorded.status_code == 302 and db.session.query(IotMaintenance).count() == 1
    page = text(lead.get("/iot/maintenance"))
    assert "换电池" in page and "王技术员" in page


def test_an_alarm_is_acknowledged_closed_and_registered_as_a_hazard(people, login):
    device_id, key = register(people.project_lead, people.enterprise_a)
    [alarm_id] = send(key, reading("h2s", 26))["alarms_opened"]
    assert login("ent_b").get(f"/iot/alarms/{alarm_id}").status_code == 404
    assert login("ent_b").post(f"/iot/alarms/{alarm_id}/acknowledge").status_code == 404
    assert login("manager").post(f"/iot/alarms/{alarm_id}/acknowledge").status_code == 403
    ent = login("ent_a")
    notices = text(ent.get("/notifications"))
    assert f'href="/iot/alarms/{alarm_id}"' in notices  # the notice links to the alarm
    page = text(ent.get(f"/iot/alarms/{alarm_id}"))
    assert 'action="/iot/alarms/%d/acknowledge"' % alarm_id in page and 'name="_csrf"' in page
    assert ent.post(f"/iot/alarms/{alarm_id}/acknowledge", data={"note": "已撤离"}).status_code == 302
    again = ent.post(f"/iot/alarms/{alarm_id}/acknowledge", data={"note": ""})
    assert again.status_code == 409
    refused = ent.post(f"/iot/alarms/{alarm_id}/close", data={"note": " "})
    assert refused.status_code == 400 and 'id="err-note"' in field_html(text(refused), "note")
    inspector = login("inspector")
    page = text(inspector.get(f"/iot/alarms/{alarm_id}"))
    assert f'href="/hazards/new?iot_alarm={alarm_id}"' in page and "/close" not in page  # inspectors do not handle
    form = text(inspector.get(f"/hazards/new?iot_alarm={alarm_id}"))
    assert "硫化氢 26ppm" in form and f'name="iot_alarm_id" value="{alarm_id}"' in form
    assert 'value="甲类仓库东侧（储罐区气体检测仪）"' in form
    photo = upload(inspector)
    done = inspector.post("/hazards/new", data={**registration(people.enterprise_a, photo, hazard_type="gas",
                                                               description="储罐区硫化氢超标"),
                                                "iot_alarm_id": str(alarm_id)})
    assert done.status_code == 302
    case = db.session.query(HazardCase).one()
    assert db.session.get(IotAlarm, alarm_id).case_id == case.id
    assert inspector.get(f"/hazards/new?iot_alarm={alarm_id}").status_code == 409  # registered once
    assert case.code in text(ent.get(f"/iot/alarms/{alarm_id}"))
    assert ent.post(f"/iot/alarms/{alarm_id}/close", data={"note": "更换阀门密封"}).status_code == 302
    assert db.session.get(IotAlarm, alarm_id).closed_at is not None
    page = text(ent.get("/iot/alarms?state=closed"))
    assert f'data-alarm="{alarm_id}"' in page and f'data-alarm="{alarm_id}"' not in text(ent.get("/iot/alarms"))


def test_gateways_and_the_enterprise_page(people, login):
    lead = login("project_lead")
    created = lead.post("/iot/gateways", data={"enterprise_id": str(people.enterprise_a.id), "name": "罐区网关"})
    key = re.search(r'<code class="key">(iotg_[^<]+)</code>', text(created)).group(1)
    assert created.status_code == 201 and db.session.query(IotGateway).one().key_hint == key[:10]
    assert lead.post("/iot/gateways", data={"enterprise_id": "", "name": ""}).status_code == 400
    gateway_id = db.session.query(IotGateway).one().id
    rotated = text(lead.post(f"/iot/gateways/{gateway_id}/rotate"))
    assert re.search(r'<code class="key">(iotg_[^<]+)</code>', rotated).group(1) != key
    assert lead.post(f"/iot/gateways/{gateway_id}/revoke").status_code == 302
    assert lead.post(f"/iot/gateways/{gateway_id}/revoke").status_code == 409
    assert login("ent_a").post("/iot/gateways", data={"enterprise_id": str(people.enterprise_a.id),
                                                       "name": "x"}).status_code == 403
    assert "罐区网关" not in text(login("ent_b").get("/iot/gateways"))
    device_id, _ = register(people.project_lead, people.enterprise_a)
    page = text(login("bureau").get(f"/supervision/enterprises/{people.enterprise_a.id}"))
    assert f'href="/iot/devices/{device_id}"' in page and 'id="iot"' in page


def test_the_pages_in_english_show_no_chinese_outside_user_data(people, login):
    from flask_babel import get_domain
    from test_web_i18n_coverage import leftover_chinese, without_user_data
    from test_web_support import compile_translations
    compile_translations()
    get_domain().cache.clear()
    device_id, key = register(people.project_lead, people.enterprise_a)
    send(key, reading("h2s", 3, minutes=-90), reading("h2s", 26, minutes=-30), reading("o2", 17, minutes=-20))
    alarm_id = db.session.query(IotAlarm).order_by(IotAlarm.id).first().id
    lead = login("project_lead")
    lead.post(f"/iot/devices/{device_id}/maintenance", data={
        "kind": "calibrated", "performed_at": "2026-11-23T08:30", "performed_by": "王技术员", "note": "标准气体校准"})
    lead.post("/iot/gateways", data={"enterprise_id": str(people.enterprise_a.id), "name": "罐区网关"})
    login("ent_a").post(f"/iot/alarms/{alarm_id}/acknowledge", data={"note": "已撤离"})
    urls = {"project_lead": ["/iot/devices", "/iot/devices?state=alarm", "/iot/devices/new",
                             f"/iot/devices/{device_id}", f"/iot/devices/{device_id}/edit", "/iot/alarms", "/iot/alarms?state=all",
                             f"/iot/alarms/{alarm_id}", "/iot/maintenance", "/iot/gateways",
                             f"/supervision/enterprises/{people.enterprise_a.id}"],
            "manager": ["/audit"],
            "ent_a": ["/iot/devices", f"/iot/devices/{device_id}", f"/iot/alarms/{alarm_id}", "/notifications"]}
    for user, pages in urls.items():
        client = login(user)
        client.get("/lang/en")
        for url in pages:
            response = client.get(url)
            page = without_user_data(text(response))
            assert response.status_code == 200 and '<html lang="en">' in page, url
            assert leftover_chinese(page) == {}, url
    # the registration form drafted from an alarm: its banner in English (the drafted text is the case's, in Chinese)
    inspector = login("inspector")
    inspector.get("/lang/en")
    page = text(inspector.get(f"/hazards/new?iot_alarm={alarm_id}"))
    assert "filled in from the alarm" in page and "已按告警填入" not in page
