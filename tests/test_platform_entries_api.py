"""Platform data entry through the JSON API (services/platform_entries.py): an item entered, then checked by someone
else, the enterprise's completeness in the list — and who may do what (another enterprise's staff and another area's
township office 404, enterprise staff read only 403, roles without business 403), bad input 400 naming the fields."""
from app.extensions import db
from app.models import AuditEvent, PlatformEntry
from tests.risk_support import township_user

HEBEI = "hebei_internet_plus"


def test_an_item_is_entered_then_checked_by_someone_else(people, api):
    a = people.enterprise_a
    team, lead = api("project_team"), api("project_lead")
    path = f"/api/v1/enterprises/{a.id}/platform-entries/{HEBEI}/basic_info"
    r = team.put(path, json={"status": "done", "on_date": "2099-01-01"})
    assert r.status_code == 400 and "status" in r.get_json()["fields"]
    r = team.put(path, json={"status": "entered", "on_date": "2099-01-01"})
    assert r.status_code == 400 and set(r.get_json()["fields"]) == {"on_date"}
    r = team.put(path, json={"status": "checked"})
    assert r.status_code == 400 and "status" in r.get_json()["fields"]  # not entered yet
    r = team.put(path, json={"status": "entered", "on_date": "2026-11-20", "note": "省平台"})
    assert r.status_code == 200, r.get_data(as_text=True)
    entry = next(e for e in r.get_json()["entries"] if (e["platform"], e["item"]) == (HEBEI, "basic_info"))
    assert entry["status"] == "entered" and entry["entered_on"] == "2026-11-20" and entry["note"] == "省平台"
    assert entry["entered_by"] == people.project_team.display_name
    r = team.put(path, json={"status": "checked"})
    assert r.status_code == 400 and "status" in r.get_json()["fields"]  # the checker is not the one who entered it
    r = lead.put(path, json={"status": "checked", "on_date": "2026-11-19"})
    assert r.status_code == 400 and "on_date" in r.get_json()["fields"]
    r = lead.put(path, json={"status": "checked"})
    assert r.status_code == 200 and r.get_json()["checked"] == 1 and not r.get_json()["complete"]
    assert len(r.get_json()["entries"]) == r.get_json()["total"] == 6
    row = db.session.query(PlatformEntry).one()
    assert row.status == "checked" and row.checked_by_id == people.project_lead.id
    assert db.session.query(AuditEvent).filter_by(action="platform_entry_recorded").count() == 2
    listed = api("bureau").get(f"/api/v1/platform-entries?platform={HEBEI}&incomplete=true").get_json()["items"]
    assert {i["enterprise_id"]: i["checked"] for i in listed}[a.id] == 1
    assert api("bureau").get("/api/v1/platform-entries?platform=nowhere").status_code == 400
    assert team.put(f"/api/v1/enterprises/{a.id}/platform-entries/nowhere/basic_info",
                    json={"status": "entered"}).status_code == 404


def test_who_sees_and_records_what(people, api, make_user, make_enterprise):
    a, b = people.enterprise_a, people.enterprise_b
    far = make_enterprise("远郊化工")
    far.township = "海港区"
    db.session.commit()
    path = f"/api/v1/enterprises/{a.id}/platform-entries"
    own = api("ent_a")
    assert own.get(path).status_code == 200
    assert own.put(f"{path}/{HEBEI}/basic_info", json={"status": "entered"}).status_code == 403
    assert api("ent_b").get(path).status_code == 404
    assert api("ent_b").put(f"{path}/{HEBEI}/basic_info", json={"status": "entered"}).status_code == 404
    assert [i["enterprise_id"] for i in own.get("/api/v1/platform-entries").get_json()["items"]] == [a.id]
    township_user(make_user, "城关镇")
    town = api("town")
    assert town.get(path).status_code == 200
    assert town.get(f"/api/v1/enterprises/{far.id}/platform-entries").status_code == 404
    assert town.put(f"{path}/{HEBEI}/basic_info", json={"status": "entered"}).status_code == 403
    for role in ("inspector", "process_owner"):
        assert api(role).get("/api/v1/platform-entries").status_code == 403
        assert api(role).get(path).status_code == 403
        assert api(role).put(f"{path}/{HEBEI}/basic_info", json={"status": "entered"}).status_code == 403
    assert api("project_team").put(f"/api/v1/enterprises/99999/platform-entries/{HEBEI}/basic_info",
                                   json={"status": "entered"}).status_code == 404
    assert api("project_team").put(f"{path}/{HEBEI}/basic_info", data="x").status_code == 400
    assert b.id not in [i["enterprise_id"] for i in own.get("/api/v1/platform-entries").get_json()["items"]]
    doc = own.get("/api/v1/openapi.json").get_json()
    assert "get" in doc["paths"]["/api/v1/platform-entries"]
    assert "put" in doc["paths"]["/api/v1/enterprises/{enterprise_id}/platform-entries/{platform}/{item}"]
