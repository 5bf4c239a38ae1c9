"""Standards version management in the JSON API: the proposed changes (technical leads, process owners,
administrators), approving and rejecting them (technical leads), a list's versions and one version (staff), with
errors as {error, message, fields?} and 400/403/404/409."""
from app.extensions import db
from app.models import ChecklistChange
from tests.checklist_support import CHANGED, approve, item, propose
from tests.checklist_support import lead, standard  # noqa: F401 (fixtures)


def test_the_lead_lists_and_approves_a_change(people, lead, api):
    change_id = propose(people.process_owner, "update", item("HG-02").id, CHANGED)
    client = api("technical_lead")
    listing = client.get("/api/v1/checklists/changes")
    assert listing.status_code == 200
    [row] = listing.get_json()["items"]
    assert (row["id"], row["kind"], row["status"], row["item_code"], row["proposed_by"]) == \
        (change_id, "update", "pending", "HG-02", "process_owner")
    assert row["changes"]["content"][1] == CHANGED["content"] and row["stale"] is False
    assert client.get("/api/v1/checklists/changes?checklist=general").get_json()["items"] == []
    done = client.post(f"/api/v1/checklists/changes/{change_id}/approve", json={"note": "同意"})
    assert done.status_code == 200
    body = done.get_json()
    assert (body["status"], body["version"], body["decided_by"], body["decision_note"]) == \
        ("approved", 2, "technical_lead", "同意")
    assert item("HG-02").content == CHANGED["content"]
    assert client.get("/api/v1/checklists/changes").get_json()["items"] == []
    assert [r["id"] for r in client.get("/api/v1/checklists/changes?status=approved").get_json()["items"]] == \
        [change_id]
    again = client.post(f"/api/v1/checklists/changes/{change_id}/approve", json={})
    assert again.status_code == 409 and again.get_json()["error"] == "conflict"


def test_a_rejection_needs_a_reason(people, lead, api):
    change_id = propose(people.process_owner, "active", item("HG-05").id, False)
    client = api("technical_lead")
    missing = client.post(f"/api/v1/checklists/changes/{change_id}/reject", json={})
    assert missing.status_code == 400 and "reason" in missing.get_json()["fields"]
    blank = client.post(f"/api/v1/checklists/changes/{change_id}/reject", json={"reason": "  "})
    assert blank.status_code == 400 and set(blank.get_json()["fields"]) == {"reason"}
    assert client.post(f"/api/v1/checklists/changes/{change_id}/reject", data="x").status_code == 400
    done = client.post(f"/api/v1/checklists/changes/{change_id}/reject", json={"reason": "该条款仍然有效"})
    assert done.status_code == 200 and done.get_json()["status"] == "rejected" and item("HG-05").active


def test_who_may_use_the_change_endpoints(people, lead, api):
    change_id = propose(people.process_owner, "update", item("HG-02").id, CHANGED)
    for username in ("process_owner", "admin"):
        client = api(username)
        assert client.get("/api/v1/checklists/changes").status_code == 200
        refused = client.post(f"/api/v1/checklists/changes/{change_id}/approve", json={})
        assert refused.status_code == 403 and refused.get_json()["error"] == "forbidden"
        assert client.post(f"/api/v1/checklists/changes/{change_id}/reject",
                           json={"reason": "不行"}).status_code == 403
    for username in ("inspector", "bureau", "ent_a"):
        client = api(username)
        assert client.get("/api/v1/checklists/changes").status_code == 403
        assert client.post(f"/api/v1/checklists/changes/{change_id}/approve", json={}).status_code == 403
    client = api("technical_lead")
    assert client.post("/api/v1/checklists/changes/99999/approve", json={}).status_code == 404
    assert client.get("/api/v1/checklists/changes?status=maybe").status_code == 400
    assert db.session.get(ChecklistChange, change_id).status == "pending"


def test_a_lists_versions_and_one_version(people, lead, api):
    approve(lead, propose(people.process_owner, "update", item("HG-02").id, CHANGED), "依据地方规定")
    for username in ("inspector", "supervision", "technical_lead", "manager"):
        client = api(username)
        versions = client.get("/api/v1/checklists/chemical/versions")
        assert versions.status_code == 200
        body = versions.get_json()
        assert body["current_version"] == 2 and [v["version"] for v in body["versions"]] == [2, 1]
        assert (body["versions"][0]["source"], body["versions"][0]["signed_role"], body["versions"][0]["changed"]) == \
            ("review", "technical_lead", 1)
        one = client.get("/api/v1/checklists/chemical/versions/2").get_json()
        assert one["checklist"] == "chemical" and one["note"] == "依据地方规定" and len(one["items"]) == 33
        assert one["changes"][0]["code"] == "HG-02" and one["changes"][0]["after"]["content"] == CHANGED["content"]
        first = client.get("/api/v1/checklists/chemical/versions/1").get_json()
        assert first["source"] == "file" and first["signed_role"] == "file_load"
    client = api("inspector")
    assert client.get("/api/v1/checklists/chemical/versions/7").status_code == 404
    assert client.get("/api/v1/checklists/mining/versions").get_json()["error"] == "not_found"
    refused = api("ent_a").get("/api/v1/checklists/chemical/versions")
    assert refused.status_code == 403 and refused.get_json()["error"] == "forbidden"
    assert api("ent_a").get("/api/v1/checklists/chemical/versions/1").status_code == 403


def test_the_openapi_document_describes_the_new_endpoints(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert set(doc["paths"]["/api/v1/checklists/changes/{change_id}/approve"]) == {"post"}
    reject = doc["paths"]["/api/v1/checklists/changes/{change_id}/reject"]["post"]
    assert reject["requestBody"]["content"]["application/json"]["schema"] == \
        {"$ref": "#/components/schemas/ChecklistReject"}
    assert doc["components"]["schemas"]["ChecklistReject"]["required"] == ["reason"]
    assert {"ChecklistChange", "ChecklistVersion", "ChecklistVersionList"} <= set(doc["components"]["schemas"])
    listing = doc["paths"]["/api/v1/checklists/changes"]["get"]
    assert {p["name"] for p in listing["parameters"]} == {"status", "checklist"}
