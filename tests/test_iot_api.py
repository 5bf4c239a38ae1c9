"""IoT monitoring over the JSON API: POST /api/v1/iot/readings with X-Device-Key (200, duplicates, 401, 403, 400 with
each reading's errors), and with bearer tokens the devices, the alarms, acknowledging and closing; enterprise tokens
see their own enterprise's only (404 for another's); the OpenAPI document."""
from app.extensions import db
from app.models import IotAlarm, IotReading
from tests.iot_support import at, post, reading, register


def test_readings_through_the_api(people, client):
    device_id, key = register(people.project_lead, people.enterprise_a, "GD-A")
    register(people.project_lead, people.enterprise_b, "GD-B")
    one = post(client, key, {"parameter": "h2s", "value": 3.2, "measured_at": at(-1)})
    assert one.status_code == 200 and one.get_json() == {"received": 1, "stored": 1, "duplicates": 0,
                                                         "alarms_opened": []}
    # the h2s reading names the moment of the single one: a duplicate (its identity), whatever its value
    batch = {"readings": [reading("h2s", 25, minutes=-1), reading("o2", 20.9), reading("battery", 80)]}
    answer = post(client, key, batch).get_json()
    assert answer["stored"] == 2 and answer["duplicates"] == 1 and len(answer["alarms_opened"]) == 0
    replay = post(client, key, batch).get_json()  # the gateway lost the answer and sends it again
    assert replay == {"received": 3, "stored": 0, "duplicates": 3, "alarms_opened": []}
    assert db.session.query(IotReading).count() == 3
    opened = post(client, key, {"readings": [reading("h2s", 26, minutes=0)]}).get_json()["alarms_opened"]
    assert [a.id for a in db.session.query(IotAlarm)] == opened


def test_keys_and_wrong_readings_through_the_api(people, client):
    device_id, key = register(people.project_lead, people.enterprise_a, "GD-A")
    register(people.project_lead, people.enterprise_b, "GD-B")
    body = {"readings": [reading("h2s", 1)]}
    for wrong in (None, "", "iotd_nope", "Bearer x"):
        response = post(client, wrong, body)
        assert response.status_code == 401 and response.get_json()["error"] == "invalid_device_key"
    refused = post(client, key, {"readings": [reading("h2s", 1, device="GD-B")]})  # enterprise B's device
    assert refused.status_code == 403 and refused.get_json()["fields"] == {"devices": ["GD-B"]}
    bad = post(client, key, {"readings": [reading("h2s", 1), reading("nh3", 2), {"parameter": "h2s", "value": "x",
                                                                                  "measured_at": "now"}]})
    errors = bad.get_json()
    assert bad.status_code == 400 and errors["error"] == "validation_failed"
    assert set(errors["fields"]["readings"]) == {"1", "2"}
    assert set(errors["fields"]["readings"]["2"]) == {"value", "measured_at"}
    assert db.session.query(IotReading).count() == 0  # all or nothing
    not_json = client.post("/api/v1/iot/readings", data="h2s=1", headers={"X-Device-Key": key})
    assert not_json.status_code == 400
    # a bearer token is not a device key, and the session cookie neither: the endpoint asks for X-Device-Key only
    assert client.post("/api/v1/iot/readings", json=body).status_code == 401


def test_devices_and_alarms_for_token_holders(people, client, api):
    device_id, key = register(people.project_lead, people.enterprise_a, "GD-A")
    other_id, other_key = register(people.project_lead, people.enterprise_b, "GD-B")
    [alarm_id] = post(client, key, {"readings": [reading("h2s", 30)]}).get_json()["alarms_opened"]
    [other_alarm] = post(client, other_key, {"readings": [reading("h2s", 30)]}).get_json()["alarms_opened"]
    bureau = api("bureau")
    listing = bureau.get("/api/v1/iot/devices").get_json()
    assert sorted(d["code"] for d in listing["items"]) == ["GD-A", "GD-B"]  # by enterprise name: collation
    assert listing["counts"]["alarm"] == 2 and listing["total"] == 2
    one = bureau.get(f"/api/v1/iot/devices/{device_id}").get_json()
    assert one["state"] == "alarm" and one["parameters"][0]["latest_value"] == 30
    assert one["parameters"][0]["unit"] == "ppm" and "key_hash" not in one and one["key_hint"].startswith("iotd_")
    assert bureau.get("/api/v1/iot/devices?state=bogus").status_code == 400
    ent = api("ent_a")
    assert [d["code"] for d in ent.get("/api/v1/iot/devices").get_json()["items"]] == ["GD-A"]
    assert ent.get(f"/api/v1/iot/devices/{other_id}").status_code == 404
    assert [a["id"] for a in ent.get("/api/v1/iot/alarms").get_json()["items"]] == [alarm_id]
    assert ent.get(f"/api/v1/iot/alarms/{other_alarm}").status_code == 404
    assert ent.post(f"/api/v1/iot/alarms/{other_alarm}/acknowledge").status_code == 404
    assert api("process_owner").get("/api/v1/iot/alarms").status_code == 403
    assert api("manager").post(f"/api/v1/iot/alarms/{alarm_id}/acknowledge").status_code == 403
    acknowledged = ent.post(f"/api/v1/iot/alarms/{alarm_id}/acknowledge")  # no body needed
    assert acknowledged.status_code == 200 and acknowledged.get_json()["acknowledged_by"] == "ent_a"
    assert ent.post(f"/api/v1/iot/alarms/{alarm_id}/acknowledge", json={"note": "x"}).status_code == 409
    assert bureau.post(f"/api/v1/iot/alarms/{alarm_id}/close", json={}).status_code == 400
    closed = bureau.post(f"/api/v1/iot/alarms/{alarm_id}/close", json={"note": "泄漏点已封堵"}).get_json()
    assert closed["closed_by"] == "bureau" and closed["handling_note"] == "泄漏点已封堵"
    states = bureau.get("/api/v1/iot/alarms?state=closed").get_json()
    assert [a["id"] for a in states["items"]] == [alarm_id] and states["counts"] == {
        "open": 1, "acknowledged": 0, "closed": 1, "all": 2}


def test_the_openapi_document_names_the_device_key(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    ingest = doc["paths"]["/api/v1/iot/readings"]["post"]
    assert ingest["security"] == [{"deviceKey": []}]
    assert doc["components"]["securitySchemes"]["deviceKey"] == {**doc["components"]["securitySchemes"]["deviceKey"],
                                                                 "type": "apiKey", "in": "header",
                                                                 "name": "X-Device-Key"}
    assert "readings" in doc["components"]["schemas"]["IotReadingsRequest"]["properties"]
    assert "security" not in doc["paths"]["/api/v1/iot/alarms"]["get"]  # the bearer token
    assert {"/api/v1/iot/devices", "/api/v1/iot/devices/{device_id}", "/api/v1/iot/alarms/{alarm_id}/close",
            "/api/v1/iot/alarms/{alarm_id}/acknowledge"} <= set(doc["paths"])
