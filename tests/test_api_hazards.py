"""Registering, reading and listing cases over the API; what another enterprise may not see."""
import pytest

from test_api_support import ASSIGNMENT, complete, register, registration, task_for, upload

CASE_FIELDS = {"id", "code", "status", "grade", "score", "enterprise_id", "enterprise_name", "current_step",
               "round", "registered_at", "assignment_due", "rectification_due", "verification_due",
               "closed_at", "hazard_type", "place", "description", "legal_major", "latitude", "longitude",
               "process_version", "deadlines_provisional", "inspection_visit_id", "risk_point_id", "source"}


def test_register_returns_the_case(api, people):
    inspector = api("inspector")
    r = inspector.post("/api/v1/hazards", json=registration(inspector, people.enterprise_a.id, score=90))
    assert r.status_code == 201
    case = r.get_json()
    assert set(case) == CASE_FIELDS
    assert r.headers["Location"].endswith(f"/api/v1/hazards/{case['id']}")
    assert case["code"].startswith("YH-2026-")
    assert (case["grade"], case["status"], case["round"], case["score"]) == ("general", "assigning", 1, 90)
    assert case["enterprise_name"] == "甲化工有限公司" and case["enterprise_id"] == people.enterprise_a.id
    assert case["registered_at"] == "2026-11-23T09:00:00+08:00"
    assert case["assignment_due"] == "2026-11-23T11:00:00+08:00"  # within 2 hours
    assert (case["latitude"], case["longitude"], case["legal_major"]) == (30.27, 120.15, False)
    assert case["process_version"] >= 1 and case["closed_at"] is None
    assert inspector.get(r.headers["Location"]).get_json() == case


def test_legal_major_is_major_whatever_the_score(api, people):
    inspector = api("inspector")
    case = register(inspector, people.enterprise_a.id, score=95, legal_major=True,
                    legal_major_basis="《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准》第一条")
    assert case["grade"] == "major"


@pytest.mark.parametrize("role", ["project_lead", "supervision", "admin"])
def test_only_inspectors_the_bureau_and_enterprises_register(api, people, role):
    client = api(role)
    r = client.post("/api/v1/hazards", json=registration(client, people.enterprise_a.id))
    assert r.status_code == 403 and r.get_json()["error"] == "forbidden"


@pytest.mark.parametrize("change,field", [
    ({"place": None}, "place"),
    ({"score": 150}, "score"),
    ({"score": "ninety"}, "score"),
    ({"hazard_type": "unheard_of"}, "hazard_type"),
    ({"enterprise_id": 999_999}, "enterprise_id"),
    ({"photos": ["no-such-upload"]}, "photos"),
])
def test_register_rejects_bad_input_with_fields(api, people, change, field):
    inspector = api("inspector")
    body = registration(inspector, people.enterprise_a.id)
    body.update(change)
    body = {k: v for k, v in body.items() if v is not None}
    r = inspector.post("/api/v1/hazards", json=body)
    assert r.status_code == 400, r.get_json()
    assert field in r.get_json()["fields"]
    assert inspector.get("/api/v1/hazards").get_json()["total"] == 0  # nothing half-registered


def test_register_rejects_a_body_that_is_not_a_json_object(api, people):
    inspector = api("inspector")
    for kwargs in ({"data": "{broken", "content_type": "application/json"}, {"json": [1, 2]},
                   {"data": "score=90"}):
        r = inspector.post("/api/v1/hazards", **kwargs)
        assert r.status_code == 400 and r.is_json and "_body" in r.get_json()["fields"]


def test_photos_of_another_user_cannot_be_linked(api, people):
    someone = upload(api("bureau"))
    inspector = api("inspector")
    r = inspector.post("/api/v1/hazards", json=registration(inspector, people.enterprise_a.id, photos=[someone]))
    assert r.status_code == 400 and "photos" in r.get_json()["fields"]


def test_list_filters_and_paging(api, people):
    inspector = api("inspector")
    general = register(inspector, people.enterprise_a.id, score=90)
    larger = register(inspector, people.enterprise_a.id, score=75)
    other = register(inspector, people.enterprise_b.id, score=60)

    def ids(query=""):
        r = inspector.get(f"/api/v1/hazards{query}")
        assert r.status_code == 200, r.get_json()
        return [c["id"] for c in r.get_json()["items"]], r.get_json()["total"]

    assert ids() == ([other["id"], larger["id"], general["id"]], 3)
    assert ids("?grade=larger") == ([larger["id"]], 1)
    assert ids(f"?enterprise_id={people.enterprise_b.id}") == ([other["id"]], 1)
    assert ids("?status=assigning&grade=&limit=2") == ([other["id"], larger["id"]], 3)
    assert ids("?limit=2&offset=2") == ([general["id"]], 3)
    assert ids("?status=closed") == ([], 0)


@pytest.mark.parametrize("query,field", [("grade=huge", "grade"), ("status=done", "status"), ("limit=0", "limit"),
                                         ("limit=1000", "limit"), ("offset=-1", "offset"),
                                         ("enterprise_id=abc", "enterprise_id")])
def test_list_rejects_bad_query_values(api, people, query, field):
    r = api("inspector").get(f"/api/v1/hazards?{query}")
    assert r.status_code == 400
    assert r.get_json()["error"] == "validation_failed" and field in r.get_json()["fields"]


def test_enterprise_sees_only_its_own_cases(api, people):
    inspector = api("inspector")
    own = register(inspector, people.enterprise_a.id)
    register(inspector, people.enterprise_b.id)
    listing = api("ent_a").get("/api/v1/hazards").get_json()
    assert [c["id"] for c in listing["items"]] == [own["id"]] and listing["total"] == 1


def test_another_enterprise_gets_404_for_case_history_tasks_and_attachments(api, people):
    inspector, lead, ent_a, ent_b = api("inspector"), api("project_lead"), api("ent_a"), api("ent_b")
    photo = upload(inspector)
    case = register(inspector, people.enterprise_a.id, photos=[photo])
    complete(lead, task_for(lead, case["id"], "assignment")["id"], ASSIGNMENT)
    task = task_for(ent_a, case["id"], "rectification")

    for path in (f"/hazards/{case['id']}", f"/hazards/{case['id']}/history", f"/hazards/{case['id']}/tasks",
                 f"/tasks/{task['id']}", f"/attachments/{photo}"):
        r = ent_b.get(f"/api/v1{path}")
        assert r.status_code == 404 and r.get_json()["error"] == "not_found", path
    for action in ("claim", "release"):
        assert ent_b.post(f"/api/v1/tasks/{task['id']}/{action}").status_code == 404
    r = ent_b.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {"measures": "x"}})
    assert r.status_code == 404
    assert ent_b.get("/api/v1/tasks").get_json()["total"] == 0
    # and the same requests work for the case's own enterprise
    assert ent_a.get(f"/api/v1/hazards/{case['id']}").status_code == 200
    assert ent_a.get(f"/api/v1/attachments/{photo}").status_code == 200


def test_unknown_case_is_404(api, people):
    assert api("bureau").get("/api/v1/hazards/424242").status_code == 404


def test_history_lists_registration_and_changes(api, people):
    inspector, lead = api("inspector"), api("project_lead")
    case = register(inspector, people.enterprise_a.id, score=90)
    task = task_for(lead, case["id"], "assignment")
    lead.post(f"/api/v1/tasks/{task['id']}/claim")
    complete(lead, task["id"], ASSIGNMENT)
    items = api("manager").get(f"/api/v1/hazards/{case['id']}/history").get_json()["items"]
    assert set(items[0]) == {"at", "actor", "action", "task", "changes", "details", "reason"}
    actions = [(e["actor"], e["action"]) for e in items]
    assert ("inspector", "hazard_registered") in actions
    assert ("project_lead", "task_claimed") in actions and ("project_lead", "task_completed") in actions
    registered = next(e for e in items if e["action"] == "hazard_registered")
    assert registered["changes"]["score"] == [None, 90] and registered["at"].endswith("+08:00")
    completed = next(e for e in items if e["action"] == "task_completed")
    assert completed["task"] == task["name"]
    assert completed["changes"]["contact_person"] == [None, "王安全"]
