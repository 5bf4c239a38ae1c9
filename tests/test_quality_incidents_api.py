"""Quality incidents' steps after registration through the JSON API (services/quality_incident_handling.py): investigate,
handle, notify, close and files, with the same rules as the pages — steps in order (409), a 重大 incident's group and
recording, the accountability per responsible person — and who may do them (enterprise 404, other roles 403), bad
input 400 naming the fields."""
import io
from datetime import datetime

from app.clock import SHANGHAI, clock
from app.extensions import db
from app.models import Notification, QualityIncident, TrainingSession

VIDEO = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64


def _register(client, people, grade="general"):
    r = client.post("/api/v1/quality-incidents", json={
        "title": "复核照片与现场不符", "description": "整改照片取自其他企业", "found_at": "2026-11-23T08:00:00",
        "source": "other", "grade": grade, "responsible_ids": [people.inspector.id]})
    assert r.status_code == 201, r.get_data(as_text=True)
    return r.get_json()["id"]


def _training(people):
    row = TrainingSession(kind="internal", held_at=datetime(2026, 11, 25, 14, 0, tzinfo=SHANGHAI), hours=2,
                          topic="质量事故案例学习", modules=["cases"], content="", trainer="郑质检", location="",
                          attendee_count=5, recorded_by_id=people.project_lead.id, recorded_at=clock.now(),
                          updated_at=clock.now())
    db.session.add(row)
    db.session.commit()
    return row.id


def test_every_step_over_the_api(people, api):
    quality, lead = api("quality"), api("project_lead")
    incident = _register(quality, people)
    base = f"/api/v1/quality-incidents/{incident}"
    # out of order: 409
    assert lead.post(f"{base}/handle", json={"findings": "a", "cause": "b", "remedy": "c"}).status_code == 409
    r = lead.post(f"{base}/investigate", json={})
    assert r.status_code == 200 and r.get_json()["status"] == "investigating"
    assert lead.post(f"{base}/investigate", json={}).status_code == 409
    r = lead.post(f"{base}/handle", json={"findings": "", "remedy": "重新复核"})
    assert r.status_code == 400 and {"findings", "cause"} <= set(r.get_json()["fields"])
    r = lead.post(f"{base}/handle", json={"findings": "照片系复制", "cause": "未到现场", "remedy": "重新现场复核"})
    assert r.status_code == 200 and r.get_json()["status"] == "handled" and not r.get_json()["handled_late"]
    uid = people.inspector.id
    r = quality.post(f"{base}/notify", json={"lesson": "复核必须到现场", "accountability": []})
    assert r.status_code == 400 and f"measures_{uid}" in r.get_json()["fields"]
    r = quality.post(f"{base}/notify", json={"lesson": "复核必须到现场", "accountability": [
        {"user_id": uid, "measures": ["fired"]}]})
    assert r.status_code == 400 and "accountability" in r.get_json()["fields"]
    r = quality.post(f"{base}/notify", json={"lesson": "复核必须到现场", "accountability": [
        {"user_id": uid, "measures": ["none", "criticism"]}]})
    assert r.status_code == 400 and f"measures_{uid}" in r.get_json()["fields"]
    r = quality.post(f"{base}/notify", json={"lesson": "复核必须到现场", "accountability": [
        {"user_id": uid, "measures": ["criticism", "written_review"], "note": "已谈话"}]})
    assert r.status_code == 200, r.get_data(as_text=True)
    made = r.get_json()
    assert made["status"] == "notified"
    assert made["people"][0]["measures"] == ["criticism", "written_review"]
    assert Notification.query.filter_by(kind="quality_incident_notice", user_id=people.manager.id).count() == 1
    assert Notification.query.filter_by(kind="quality_incident_notice", user_id=people.ent_a.id).count() == 0
    r = quality.post(f"{base}/close", json={"training_id": "x"})
    assert r.status_code == 400 and "training_id" in r.get_json()["fields"]
    r = quality.post(f"{base}/close", json={"training_id": 99999})
    assert r.status_code == 400 and "training_id" in r.get_json()["fields"]
    r = quality.post(f"{base}/close", json={"training_id": _training(people)})
    assert r.status_code == 200 and r.get_json()["status"] == "closed" and r.get_json()["training_id"]
    assert quality.post(f"{base}/close", json={"training_id": 1}).status_code == 409


def test_major_incident_needs_a_group_and_a_recording(people, api):
    quality = api("quality")
    incident = _register(quality, people, grade="major")
    base = f"/api/v1/quality-incidents/{incident}"
    r = quality.post(f"{base}/investigate", json={"investigator_ids": [people.quality.id]})
    assert r.status_code == 400 and "investigator_ids" in r.get_json()["fields"]
    r = quality.post(f"{base}/investigate", json={"investigator_ids": [people.quality.id, people.project_lead.id]})
    assert r.status_code == 200 and len([p for p in r.get_json()["people"] if p["part"] == "investigator"]) == 2
    handling = {"findings": "调查组询问 4 人", "cause": "数据造假", "remedy": "全部重新排查"}
    r = quality.post(f"{base}/handle", json=handling)
    assert r.status_code == 400 and "files" in r.get_json()["fields"]
    upload = quality.post("/api/v1/attachments", content_type="multipart/form-data",
                          data={"file": (io.BytesIO(VIDEO), "调查.mp4")})
    assert upload.status_code == 201, upload.get_data(as_text=True)
    public_id = upload.get_json()["id"]
    # someone else's upload cannot be put on it
    other = api("project_lead").post(f"{base}/files", json={"files": [public_id]})
    assert other.status_code == 400 and "files" in other.get_json()["fields"]
    assert quality.post(f"{base}/files", json={"files": []}).status_code == 400
    r = quality.post(f"{base}/files", json={"files": [public_id]})
    assert r.status_code == 200 and r.get_json()["files"][0]["content_type"] == "video/mp4"
    assert quality.post(f"{base}/handle", json=handling).status_code == 200
    assert db.session.get(QualityIncident, incident).status == "handled"


def test_who_may_take_the_steps(people, api):
    incident = _register(api("quality"), people)
    base = f"/api/v1/quality-incidents/{incident}"
    for step, body in (("investigate", {}), ("handle", {"findings": "a", "cause": "b", "remedy": "c"}),
                       ("notify", {"lesson": "x", "accountability": []}), ("close", {"training_id": 1}),
                       ("files", {"files": ["abc"]})):
        assert api("ent_a").post(f"{base}/{step}", json=body).status_code == 404, step
        assert api("bureau").post(f"{base}/{step}", json=body).status_code == 403, step
        assert api("inspector").post(f"{base}/{step}", json=body).status_code == 403, step
        assert api("quality").post(f"/api/v1/quality-incidents/99999/{step}", json=body).status_code == 404, step
    assert api("quality").post(f"{base}/investigate", data="x").status_code == 400
    assert api("quality").post(f"{base}/investigate", json={"investigator_ids": ["a"]}).status_code == 400
    doc = api("quality").get("/api/v1/openapi.json").get_json()
    for step in ("investigate", "handle", "notify", "close", "files"):
        assert "post" in doc["paths"][f"/api/v1/quality-incidents/{{incident_id}}/{step}"], step
