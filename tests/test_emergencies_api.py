"""The emergency incident log in the API (web/api/emergencies.py): receiving an incident (201, its notices; bad input
400 with the fields named; the bureau and enterprise tokens 403), the list scoped like the pages (an enterprise token
its own enterprise's without the internal note, another's 404), each incident's stages with deadlines and lateness
computed at the app clock, and the filters."""
from datetime import timedelta

from app.clock import clock
from app.extensions import db
from app.models import EmergencyEvent, Notification
from tests.emergency_support import receive, walk

BODY = {"reporter": "李站长", "reporter_contact": "0373-5550000", "place": "园区污水站", "level": "major",
        "description": "污水站有限空间内一人晕倒"}


def test_receiving_through_the_api(people, api):
    team = api("project_team")
    done = team.post("/api/v1/emergencies", json={**BODY, "enterprise_id": people.enterprise_a.id,
                                                  "received_at": "2026-11-23T08:54:59"})
    assert done.status_code == 201, done.get_json()
    body = done.get_json()
    assert body["code"] == "TF-2026-0001" and body["received_at"] == "2026-11-23T08:54:59+08:00"
    assert body["received_by"] == "project_team" and body["enterprise"] == "甲化工有限公司"
    arrived = next(s for s in body["stages"] if s["stage"] == "arrived")
    assert arrived == {"stage": "arrived", "at": None, "due": "2026-11-23T09:24:59+08:00", "limit_minutes": 30,
                       "state": "running", "late": False}
    assert body["late_stages"] == ["acknowledged"]  # 5 minutes after 08:54:59 passed a second ago
    assert db.session.query(Notification).filter_by(kind="emergency_received").count() == 2
    bad = team.post("/api/v1/emergencies", json={**BODY, "received_at": "2026-11-23T10:00:00", "township": "火星"})
    assert bad.status_code == 400
    assert set(bad.get_json()["fields"]) == {"received_at", "township"}
    missing = team.post("/api/v1/emergencies", json={"level": "huge"})
    assert missing.status_code == 400 and {"reporter", "place", "description", "level"} <= set(
        missing.get_json()["fields"])
    assert api("bureau").post("/api/v1/emergencies", json=BODY).status_code == 403
    assert api("ent_a").post("/api/v1/emergencies", json=BODY).status_code == 403
    assert db.session.query(EmergencyEvent).count() == 1


def test_the_list_is_scoped_and_filtered(people, api):
    ours = receive(people.inspector, "general", enterprise_id=str(people.enterprise_a.id), internal_note="内部研判")
    theirs = receive(people.inspector, "major", enterprise_id=str(people.enterprise_b.id))
    clock.advance(minutes=2)
    walk(people.inspector, ours, "acknowledged")
    clock.advance(minutes=5)
    ent = api("ent_a")
    listing = ent.get("/api/v1/emergencies").get_json()
    assert [i["id"] for i in listing["items"]] == [ours] and listing["items"][0]["internal_note"] is None
    assert ent.get(f"/api/v1/emergencies/{theirs}").status_code == 404
    bureau = api("bureau")
    everything = bureau.get("/api/v1/emergencies").get_json()
    assert everything["total"] == 2 and {i["internal_note"] for i in everything["items"]} == {"内部研判", ""}
    late = bureau.get("/api/v1/emergencies?late=true").get_json()
    assert [i["id"] for i in late["items"]] == [theirs] and late["items"][0]["late_stages"] == ["acknowledged"]
    assert bureau.get("/api/v1/emergencies?level=general").get_json()["total"] == 1
    assert bureau.get("/api/v1/emergencies?level=huge").status_code == 400
    assert bureau.get("/api/v1/emergencies?limit=1&offset=1").get_json()["items"][0]["id"] == ours
    day = (clock.local_now() + timedelta(days=1)).date().isoformat()
    assert bureau.get(f"/api/v1/emergencies?date_from={day}").get_json()["total"] == 0


def test_the_operations_are_documented(people, api):
    document = api("bureau").get("/api/v1/openapi.json").get_json()
    assert "/api/v1/emergencies" in document["paths"]
    assert set(document["paths"]["/api/v1/emergencies"]) >= {"get", "post"}
