"""The calls added to the training register's and the self-checks' API: a person changed (a leaving day included), a
training removed, a self-check's draft saved without submitting — with the same rules as the pages, another
enterprise 404, a wrong role 403, bad input 400 naming the fields."""
from app.extensions import db
from app.models import AuditEvent, RosterTraining, SelfCheck
from tests.test_self_checks import api_photo, load_lists, start


def _person(client, enterprise, **body):
    r = client.post(f"/api/v1/enterprises/{enterprise.id}/staff", json={"name": "张三", "category": "principal",
                                                                        **body})
    assert r.status_code == 201, r.get_data(as_text=True)
    return r.get_json()["id"]


def test_a_person_is_changed_and_leaves_and_a_training_is_removed(people, api):
    ent = people.enterprise_a
    own = api("ent_a")
    person = _person(own, ent, position="厂长")
    path = f"/api/v1/enterprises/{ent.id}/staff/{person}"
    r = own.put(path, json={"name": "", "category": "chief"})
    assert r.status_code == 400 and {"name", "category"} <= set(r.get_json()["fields"])
    r = own.put(path, json={"name": "张三", "category": "principal", "position": "总经理", "hired_on": "2020-03-01"})
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.get_json()["position"] == "总经理" and r.get_json()["status"] is not None
    r = api("inspector").put(path, json={"name": "张三", "category": "principal", "position": "总经理",
                                         "hired_on": "2020-03-01", "left_on": "2026-11-20"})
    assert r.status_code == 200 and r.get_json()["left_on"] == "2026-11-20" and r.get_json()["status"] is None
    actions = [e.action for e in db.session.query(AuditEvent).filter(AuditEvent.action.like("roster_person%"))
               .order_by(AuditEvent.id)]
    assert actions == ["roster_person_added", "roster_person_updated", "roster_person_left"]
    trainings = f"{path}/trainings"
    made = own.post(trainings, json={"trained_on": "2026-03-01", "hours": 8, "kind": "initial"}).get_json()
    assert own.delete(f"{trainings}/{made['id']}").status_code == 204
    assert db.session.get(RosterTraining, made["id"]) is None
    assert own.delete(f"{trainings}/{made['id']}").status_code == 404
    assert db.session.query(AuditEvent).filter_by(action="roster_training_removed").count() == 1


def test_who_may_change_the_register(people, api):
    ent = people.enterprise_a
    person = _person(api("ent_a"), ent)
    path = f"/api/v1/enterprises/{ent.id}/staff/{person}"
    made = api("ent_a").post(f"{path}/trainings", json={"trained_on": "2026-03-01", "hours": 8,
                                                        "kind": "initial"}).get_json()
    body = {"name": "张三", "category": "principal"}
    assert api("ent_b").put(path, json=body).status_code == 404
    assert api("ent_b").delete(f"{path}/trainings/{made['id']}").status_code == 404
    for role in ("manager", "process_owner"):
        assert api(role).put(path, json=body).status_code == 403, role
        assert api(role).delete(f"{path}/trainings/{made['id']}").status_code == 403, role
    assert api("ent_a").put(f"/api/v1/enterprises/{ent.id}/staff/99999", json=body).status_code == 404
    other = _person(api("ent_b"), people.enterprise_b, name="李四")
    assert api("ent_a").delete(f"/api/v1/enterprises/{ent.id}/staff/{other}/trainings/{made['id']}").status_code == 404
    assert db.session.get(RosterTraining, made["id"]) is not None
    doc = api("ent_a").get("/api/v1/openapi.json").get_json()
    assert "put" in doc["paths"]["/api/v1/enterprises/{enterprise_id}/staff/{person_id}"]
    assert "delete" in doc["paths"]["/api/v1/enterprises/{enterprise_id}/staff/{person_id}/trainings/{training_id}"]


def test_a_self_check_draft_is_saved_without_submitting(people, api):
    load_lists()
    sc = start(api)
    ent = api("ent_a")
    url = f"/api/v1/self-checks/{sc['id']}"
    first, second = sc["items"][0]["id"], sc["items"][1]["id"]
    r = ent.put(url, json={"items": [{"item_id": first, "result": "maybe"}]})
    assert r.status_code == 400 and "items" in r.get_json()["fields"]
    r = ent.put(url, json={"items": [{"item_id": 99999, "result": "conform"}]})
    assert r.status_code == 400 and "items.99999.result" in r.get_json()["fields"]
    photo = api_photo(ent)
    r = ent.put(url, json={"note": "上午查了一半", "items": [
        {"item_id": first, "result": "conform"},
        {"item_id": second, "result": "nonconform", "note": "制度未评审", "photos": [photo]}]})
    assert r.status_code == 200, r.get_data(as_text=True)
    body = r.get_json()
    assert body["status"] == "draft" and body["note"] == "上午查了一半"
    assert [i["result"] for i in body["items"][:3]] == ["conform", "nonconform", None]
    assert body["items"][1]["photos"] == [photo]
    assert db.session.get(SelfCheck, sc["id"]).status == "draft"
    assert api("ent_b").put(url, json={"items": []}).status_code == 404
    assert api("inspector").put(url, json={"items": []}).status_code == 403
    entries = [{"item_id": i["id"], "result": "conform"} for i in sc["items"]]
    assert ent.post(f"{url}/submit", json={"items": entries}).status_code == 200
    assert ent.put(url, json={"items": []}).status_code == 409
    assert "put" in ent.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/self-checks/{self_check_id}"]
