"""Rectification milestones and the three parties through the JSON API (services/milestones.py): read by whoever sees
the case, set and marked done by the project lead or the case's enterprise while rectifying, the parties named by the
project lead; another enterprise 404, a wrong role 403, bad input 400 naming the fields, 409 out of time."""
from datetime import timedelta

from app.clock import clock
from app.extensions import db
from app.models import AuditEvent
from app.services import milestones
from tests.test_lifecycle_service import case_row, register
from tests.test_regrading import assigned


def test_milestones_are_set_read_and_marked_done(people, api):
    case_id = assigned(people)
    last = milestones.deadline_day(case_row(case_id))
    ent, lead = api("ent_a"), api("project_lead")
    path = f"/api/v1/hazards/{case_id}/milestones"
    r = ent.post(path, json={"title": "", "due_on": (last + timedelta(days=1)).isoformat()})
    assert r.status_code == 400 and "title" in r.get_json()["fields"]
    r = ent.post(path, json={"title": "更换电缆", "due_on": (last + timedelta(days=1)).isoformat()})
    assert r.status_code == 400 and set(r.get_json()["fields"]) == {"due_on"}
    assert ent.post(path, json={"title": "更换电缆", "due_on": "明天"}).status_code == 400
    r = ent.post(path, json={"title": "更换电缆", "due_on": milestones.today().isoformat(), "criterion": "绝缘合格"})
    assert r.status_code == 201, r.get_data(as_text=True)
    first = r.get_json()
    assert first["late"] is False and first["criterion"] == "绝缘合格" and first["done_on"] is None
    second = lead.post(path, json={"title": "复测", "due_on": last.isoformat()}).get_json()
    clock.advance(days=1)
    state = api("bureau").get(path).get_json()
    assert state["editable"] and state["deadline_day"] == last.isoformat() and state["parties"] is None
    assert [(m["id"], m["late"]) for m in state["items"]] == [(first["id"], True), (second["id"], False)]
    done = f"{path}/{first['id']}/done"
    r = ent.post(done, json={"done_on": (milestones.today() + timedelta(days=1)).isoformat()})
    assert r.status_code == 400 and set(r.get_json()["fields"]) == {"done_on"}
    r = ent.post(done, json={"done_on": milestones.today().isoformat(), "done_note": "已完成"})
    assert r.status_code == 200 and r.get_json()["done_note"] == "已完成" and r.get_json()["late"] is False
    assert ent.post(done, json={"done_on": milestones.today().isoformat()}).status_code == 409
    event = db.session.query(AuditEvent).filter_by(case_id=case_id, action="milestone_done").one()
    assert event.details["late"] is True


def test_the_parties_are_named_by_the_project_lead(people, api):
    case_id = assigned(people)
    path = f"/api/v1/hazards/{case_id}/parties"
    lead = api("project_lead")
    r = lead.put(path, json={"responsible_phone": "电话", "supervisor_user_id": people.ent_b.id})
    assert r.status_code == 400 and set(r.get_json()["fields"]) == {"responsible_phone", "supervisor_user_id"}
    r = lead.put(path, json={"responsible_name": "陈安全", "responsible_phone": "0335-1234567",
                             "technical_name": "李工", "supervisor_user_id": people.supervision.id})
    assert r.status_code == 200, r.get_data(as_text=True)
    parties = r.get_json()["parties"]
    assert parties["supervisor_name"] == people.supervision.display_name and parties["technical_name"] == "李工"
    assert api("ent_a").get(f"/api/v1/hazards/{case_id}/milestones").get_json()["parties"]["responsible_name"] == \
        "陈安全"
    assert db.session.query(AuditEvent).filter_by(case_id=case_id, action="case_parties_set").count() == 1


def test_who_may_do_what(people, api):
    case_id = assigned(people)
    day = milestones.today().isoformat()
    path = f"/api/v1/hazards/{case_id}/milestones"
    mid = api("project_lead").post(path, json={"title": "x", "due_on": day}).get_json()["id"]
    other = api("ent_b")
    assert other.get(path).status_code == 404
    assert other.post(path, json={"title": "x", "due_on": day}).status_code == 404
    assert other.post(f"{path}/{mid}/done", json={"done_on": day}).status_code == 404
    assert other.put(f"/api/v1/hazards/{case_id}/parties", json={}).status_code == 404
    assert api("bureau").post(path, json={"title": "x", "due_on": day}).status_code == 403
    assert api("bureau").post(f"{path}/{mid}/done", json={"done_on": day}).status_code == 403
    assert api("ent_a").put(f"/api/v1/hazards/{case_id}/parties", json={"responsible_name": "陈"}).status_code == 403
    assert api("project_lead").post(f"{path}/99999/done", json={"done_on": day}).status_code == 404
    fresh = register(people)  # not rectifying yet
    r = api("project_lead").post(f"/api/v1/hazards/{fresh}/milestones", json={"title": "x", "due_on": day})
    assert r.status_code == 409
    doc = api("bureau").get("/api/v1/openapi.json").get_json()
    assert {"get", "post"} <= set(doc["paths"]["/api/v1/hazards/{case_id}/milestones"])
    assert "put" in doc["paths"]["/api/v1/hazards/{case_id}/parties"]
