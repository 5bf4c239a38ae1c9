"""The bureau's evaluation of the contractor and the survey rounds through the JSON API
(services/contractor_evaluations.py, surveys.py): evaluate, change, confirm (items opened for low scores), record
measures and close an item; create, open, answer once, close a round — with who may do what (other roles 403, a round
not addressed to the caller 404), bad input 400 naming the fields, 409 as on the pages."""
from datetime import datetime

from app.clock import SHANGHAI, clock
from app.extensions import db
from app.models import AuditEvent, ContractorEvaluation, ImprovementItem, Notification, UserTownship

SCORES = {"response_speed": 4, "service_quality": 4, "data_accuracy": 2, "communication": 3,
          "rectification_effect": 1, "comments": "数据偶有差错"}
ANSWER = {"q_attitude": 5, "q_expertise": 4, "q_timeliness": 3, "q_guidance": 4, "comment": "很好"}


def test_an_evaluation_is_made_changed_confirmed_and_its_items_closed(people, api):
    bureau, lead = api("bureau"), api("project_lead")
    clock.set(datetime(2027, 1, 31, 10, 0, tzinfo=SHANGHAI))
    r = bureau.post("/api/v1/contractor-evaluations", json={**SCORES, "year": 2027, "quarter": 2})
    assert r.status_code == 400 and set(r.get_json()["fields"]) == {"quarter"}  # not begun
    r = bureau.post("/api/v1/contractor-evaluations", json={**SCORES, "year": 2027, "quarter": 1,
                                                            "communication": 6, "data_accuracy": "2"})
    assert r.status_code == 400 and set(r.get_json()["fields"]) == {"communication", "data_accuracy"}
    r = bureau.post("/api/v1/contractor-evaluations", json={**SCORES, "year": 2027, "quarter": 1})
    assert r.status_code == 201, r.get_data(as_text=True)
    made = r.get_json()
    assert made["average"] == 2.8 and made["confirmed_at"] is None and made["items"] == []
    assert bureau.post("/api/v1/contractor-evaluations",
                       json={**SCORES, "year": 2027, "quarter": 1}).status_code == 409
    path = f"/api/v1/contractor-evaluations/{made['id']}"
    r = bureau.put(path, json={**SCORES, "communication": 5})
    assert r.status_code == 200 and r.get_json()["communication"] == 5
    assert db.session.query(AuditEvent).filter_by(action="contractor_evaluation_saved").one().changes == \
        {"communication": [3, 5]}
    r = bureau.post(f"{path}/confirm")
    assert r.status_code == 200 and r.get_json()["confirmed_at"]
    items = {i["dimension"]: i for i in r.get_json()["items"]}
    assert set(items) == {"data_accuracy", "rectification_effect"}
    assert items["data_accuracy"]["due_on"] == "2027-02-28" and not items["data_accuracy"]["overdue"]
    assert Notification.query.filter_by(user_id=people.project_lead.id, kind="improvement_item_opened").count() == 1
    assert bureau.post(f"{path}/confirm").status_code == 409
    assert bureau.put(path, json=SCORES).status_code == 409
    listed = lead.get("/api/v1/contractor-evaluations").get_json()
    assert [e["id"] for e in listed["items"]] == [made["id"]] and len(listed["open_items"]) == 2
    item = f"/api/v1/improvement-items/{items['data_accuracy']['id']}"
    r = lead.post(item, json={"measures": "", "close": True})
    assert r.status_code == 400 and "measures" in r.get_json()["fields"]
    r = lead.post(item, json={"measures": "数据双人复核"})
    assert r.status_code == 200 and r.get_json()["closed_at"] is None and r.get_json()["measures"] == "数据双人复核"
    r = lead.post(item, json={"measures": "数据双人复核", "close": True})
    assert r.status_code == 200 and r.get_json()["closed_at"]
    assert lead.post(item, json={"measures": "x"}).status_code == 409
    assert db.session.get(ImprovementItem, items["data_accuracy"]["id"]).closed_at is not None
    assert len(api("manager").get("/api/v1/contractor-evaluations").get_json()["open_items"]) == 1


def test_who_may_read_and_write_evaluations(people, api):
    body = {**SCORES, "year": 2026, "quarter": 4}
    made = api("bureau").post("/api/v1/contractor-evaluations", json=body).get_json()
    path = f"/api/v1/contractor-evaluations/{made['id']}"
    for user in ("ent_a", "inspector", "quality"):
        assert api(user).get("/api/v1/contractor-evaluations").status_code == 403, user
        assert api(user).get(path).status_code == 403, user
    for user in ("project_lead", "manager", "ent_a", "admin"):
        assert api(user).post("/api/v1/contractor-evaluations", json=body).status_code == 403, user
        assert api(user).put(path, json=SCORES).status_code == 403, user
        assert api(user).post(f"{path}/confirm").status_code == 403, user
    assert api("bureau").get("/api/v1/contractor-evaluations/99999").status_code == 404
    assert api("bureau").put("/api/v1/contractor-evaluations/99999", json=SCORES).status_code == 404
    api("bureau").post(f"{path}/confirm")
    item_id = ImprovementItem.query.first().id
    assert api("bureau").post(f"/api/v1/improvement-items/{item_id}", json={"measures": "x"}).status_code == 403
    assert api("ent_a").post(f"/api/v1/improvement-items/{item_id}", json={"measures": "x"}).status_code == 403
    assert api("project_lead").post("/api/v1/improvement-items/99999", json={"measures": "x"}).status_code == 404
    assert ContractorEvaluation.query.count() == 1


def test_a_survey_round_is_created_opened_answered_once_and_closed(people, api, make_user):
    town = make_user("town", "township")
    db.session.add(UserTownship(user_id=town.id, township="城关镇"))
    db.session.commit()
    lead = api("project_lead")
    r = lead.post("/api/v1/surveys", json={"title": "", "audience": ["everyone"]})
    assert r.status_code == 400 and {"title", "audience"} <= set(r.get_json()["fields"])
    r = lead.post("/api/v1/surveys", json={"title": "2026年度服务满意度调查", "audience": ["enterprise", "township"]})
    assert r.status_code == 201, r.get_data(as_text=True)
    made = r.get_json()
    assert made["status"] == "draft" and made["audience"] == ["enterprise", "township"]
    assert made["results"]["recipients"] == 0 and set(made["questions"]) == set(ANSWER) - {"comment"}
    path = f"/api/v1/surveys/{made['id']}"
    assert api("ent_a").get(path).status_code == 404  # a draft is addressed to nobody yet
    assert lead.post(f"{path}/open").status_code == 200
    assert lead.post(f"{path}/open").status_code == 409
    ent = api("ent_a")
    mine = ent.get(path).get_json()
    assert mine["results"] is None and mine["mine"]["answered_at"] is None
    r = ent.post(f"{path}/answer", json={**ANSWER, "q_attitude": 0, "q_guidance": "4"})
    assert r.status_code == 400 and set(r.get_json()["fields"]) == {"q_attitude", "q_guidance"}
    r = ent.post(f"{path}/answer", json=ANSWER)
    assert r.status_code == 200 and r.get_json()["mine"]["q_attitude"] == 5
    assert ent.post(f"{path}/answer", json=ANSWER).status_code == 409
    assert api("town").post(f"{path}/answer", json={**ANSWER, "q_attitude": 3}).status_code == 200
    results = api("bureau").get(path).get_json()["results"]
    assert (results["recipients"], results["answered"]) == (3, 2)
    assert results["by_audience"]["township"] == {"recipients": 1, "answered": 1, "rate": 100.0}
    assert results["averages"]["q_attitude"] == 4.0
    assert [s["id"] for s in api("ent_b").get("/api/v1/surveys").get_json()["items"]] == [made["id"]]
    assert lead.post(f"{path}/close").status_code == 200
    assert lead.post(f"{path}/close").status_code == 409
    assert api("ent_b").post(f"{path}/answer", json=ANSWER).status_code == 409


def test_who_may_use_surveys(people, api):
    lead = api("project_lead")
    made = lead.post("/api/v1/surveys", json={"title": "企业问卷", "audience": ["enterprise"]}).get_json()
    path = f"/api/v1/surveys/{made['id']}"
    for user in ("inspector", "quality", "admin"):
        assert api(user).get("/api/v1/surveys").status_code == 403, user
        assert api(user).get(path).status_code == 403, user
        assert api(user).post(f"{path}/answer", json=ANSWER).status_code == 403, user
    for user in ("ent_a", "bureau", "manager"):
        assert api(user).post("/api/v1/surveys", json={"title": "x", "audience": ["enterprise"]}).status_code == 403
        assert api(user).post(f"{path}/open").status_code == 403, user
    assert lead.post("/api/v1/surveys/99999/open").status_code == 404
    assert api("ent_a").get("/api/v1/surveys/99999").status_code == 404
    lead.post(f"{path}/open")
    other = lead.post("/api/v1/surveys", json={"title": "属地问卷", "audience": ["township"]}).get_json()
    assert api("ent_a").get(f"/api/v1/surveys/{other['id']}").status_code == 404
    assert api("ent_a").post(f"/api/v1/surveys/{other['id']}/answer", json=ANSWER).status_code == 404
    assert lead.post(f"{path}/answer", json=ANSWER).status_code == 404  # readers are no recipients
    doc = lead.get("/api/v1/openapi.json").get_json()
    assert {"get", "post"} <= set(doc["paths"]["/api/v1/surveys"])
    assert {"get", "post"} <= set(doc["paths"]["/api/v1/contractor-evaluations"])
    assert "put" in doc["paths"]["/api/v1/contractor-evaluations/{evaluation_id}"]
    assert "post" in doc["paths"]["/api/v1/improvement-items/{item_id}"]
