"""The task inbox and task actions over the API: filters, forms, claim races, wrong roles, 409s."""
import pytest

from app.clock import clock
from test_api_support import ASSIGNMENT, complete, rectification, register, task_for, verification

TASK_FIELDS = {"id", "case_id", "case_code", "name", "role", "form_key", "grade", "due_at", "overdue",
               "assignee", "claimed_at", "enterprise_id", "deadlines_provisional", "draft_saved_at"}


@pytest.fixture
def cases(api, people):
    inspector = api("inspector")
    return {"general": register(inspector, people.enterprise_a.id, score=90),
            "larger": register(inspector, people.enterprise_b.id, score=75)}


def test_inbox_lists_role_tasks_with_counts(api, cases):
    r = api("project_lead").get("/api/v1/tasks")
    assert r.status_code == 200
    body = r.get_json()
    assert body["total"] == 2 and len(body["items"]) == 2
    assert set(body["items"][0]) == TASK_FIELDS
    assert {t["case_code"] for t in body["items"]} == {c["code"] for c in cases.values()}
    assert all(t["form_key"] == "assignment" and t["role"] == "project_lead" for t in body["items"])
    assert body["counts"] == {"all": 2, "mine": 0, "overdue": 0, "grade:general": 1, "grade:larger": 1}
    assert api("project_team").get("/api/v1/tasks").get_json()["total"] == 0


def test_inbox_filters(api, people, cases):
    lead = api("project_lead")

    def codes(query):
        r = lead.get(f"/api/v1/tasks?{query}")
        assert r.status_code == 200, r.get_json()
        return sorted(t["case_code"] for t in r.get_json()["items"])

    assert codes("grade=larger") == [cases["larger"]["code"]]
    assert codes(f"enterprise_id={people.enterprise_a.id}") == [cases["general"]["code"]]
    assert codes("overdue=true") == []
    assert codes("due_before=2026-11-23T12:00:00") == sorted(c["code"] for c in cases.values())
    assert codes("due_before=2026-11-23T10:00:00%2B08:00") == []
    task = task_for(lead, cases["general"]["id"], "assignment")
    lead.post(f"/api/v1/tasks/{task['id']}/claim")
    assert codes("mine=1") == [cases["general"]["code"]]
    assert codes("limit=1&offset=1&mine=false") and len(codes("limit=1")) == 1

    clock.advance(hours=3)  # past the 2-hour assignment deadline
    body = lead.get("/api/v1/tasks?overdue=true").get_json()
    assert body["total"] == 2 and all(t["overdue"] for t in body["items"])
    assert body["counts"]["overdue"] == 2 and body["counts"]["mine"] == 1


@pytest.mark.parametrize("query,field", [("grade=tiny", "grade"), ("overdue=maybe", "overdue"),
                                         ("due_before=yesterday", "due_before"), ("limit=-5", "limit")])
def test_inbox_rejects_bad_filters(api, people, query, field):
    r = api("project_lead").get(f"/api/v1/tasks?{query}")
    assert r.status_code == 400 and field in r.get_json()["fields"]


def test_task_detail_has_its_form(api, cases):
    lead = api("project_lead")
    task = task_for(lead, cases["general"]["id"], "assignment")
    body = lead.get(f"/api/v1/tasks/{task['id']}").get_json()
    assert TASK_FIELDS <= set(body) and body["can_work"] is True
    assert "contact_phone" in body["form"]["schema"]["properties"] and "ui" in body["form"]
    assert body["case"]["id"] == cases["general"]["id"]
    assert api("bureau").get(f"/api/v1/tasks/{task['id']}").get_json()["can_work"] is False
    assert lead.get("/api/v1/tasks/987654").status_code == 404


def test_claim_release_and_second_claim_conflict(api, make_user, cases):
    make_user("lead2", "project_lead")
    lead, other_lead = api("project_lead"), api("lead2")
    task = task_for(lead, cases["general"]["id"], "assignment")
    r = lead.post(f"/api/v1/tasks/{task['id']}/claim")
    assert r.status_code == 200
    assert r.get_json()["assignee"] == "project_lead" and r.get_json()["claimed_at"] == "2026-11-23T09:00:00+08:00"
    assert lead.post(f"/api/v1/tasks/{task['id']}/claim").status_code == 200  # claiming again is harmless

    r = other_lead.post(f"/api/v1/tasks/{task['id']}/claim")
    assert r.status_code == 409 and r.get_json()["error"] == "conflict"
    assert other_lead.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": ASSIGNMENT}).status_code == 409
    # a project lead may release someone else's claim; then the other one can claim it
    assert other_lead.post(f"/api/v1/tasks/{task['id']}/release").get_json()["assignee"] is None
    assert other_lead.post(f"/api/v1/tasks/{task['id']}/claim").get_json()["assignee"] == "lead2"


def test_only_the_assignee_or_a_lead_may_release(api, make_user, cases, people):
    make_user("team2", "project_team")
    inspector, lead, ent, team, team2 = (api(n) for n in ("inspector", "project_lead", "ent_a", "project_team",
                                                          "team2"))
    case_id = cases["general"]["id"]
    complete(lead, task_for(lead, case_id, "assignment")["id"], ASSIGNMENT)
    complete(ent, task_for(ent, case_id, "rectification")["id"], rectification(ent))
    task = task_for(team, case_id, "verification")
    team.post(f"/api/v1/tasks/{task['id']}/claim")
    r = team2.post(f"/api/v1/tasks/{task['id']}/release")
    assert r.status_code == 403
    r = team2.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": verification(True)})
    assert r.status_code == 409
    assert inspector.get(f"/api/v1/hazards/{case_id}").get_json()["status"] == "verifying"


def test_role_without_the_tasks_role_is_403(api, cases):
    task = task_for(api("project_lead"), cases["general"]["id"], "assignment")
    for username in ("inspector", "bureau", "ent_a"):
        client = api(username)
        assert client.post(f"/api/v1/tasks/{task['id']}/claim").status_code == 403
        r = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": ASSIGNMENT})
        assert r.status_code == 403 and r.get_json()["error"] == "forbidden"


def test_completing_a_completed_task_is_409(api, cases):
    lead = api("project_lead")
    task = task_for(lead, cases["general"]["id"], "assignment")
    complete(lead, task["id"], ASSIGNMENT)
    r = lead.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": ASSIGNMENT})
    assert r.status_code == 409 and r.get_json()["error"] == "task_not_ready"
    # still a 404 for someone who may not see the case at all
    r = api("ent_b").post(f"/api/v1/tasks/{task['id']}/complete", json={"data": ASSIGNMENT})
    assert r.status_code == 404


def test_complete_needs_a_data_object_and_a_valid_form(api, cases):
    lead = api("project_lead")
    task = task_for(lead, cases["general"]["id"], "assignment")
    for body in ({}, {"data": "text"}, {"data": None}, {"data": {}, "extra": 1}):
        r = lead.post(f"/api/v1/tasks/{task['id']}/complete", json=body)
        assert r.status_code == 400, body
    assert "data" in lead.post(f"/api/v1/tasks/{task['id']}/complete", json={}).get_json()["fields"]
    r = lead.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {**ASSIGNMENT, "contact_phone": "12"}})
    assert r.status_code == 400 and "contact_phone" in r.get_json()["fields"]
    r = lead.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {"contact_person": "王"}})
    assert r.status_code == 400 and "rectification_requirements" in r.get_json()["fields"]
    assert task_for(lead, cases["general"]["id"], "assignment")["id"] == task["id"]  # still open


def test_reassign(api, make_user, cases):
    make_user("team2", "project_team")
    make_user("lead2", "project_lead")
    lead = api("project_lead")
    task = task_for(lead, cases["general"]["id"], "assignment")
    r = lead.post(f"/api/v1/tasks/{task['id']}/reassign", json={"username": "lead2", "reason": "出差"})
    assert r.status_code == 200 and r.get_json()["assignee"] == "lead2"
    assert api("lead2").get("/api/v1/tasks?mine=true").get_json()["total"] == 1
    history = lead.get(f"/api/v1/hazards/{cases['general']['id']}/history").get_json()["items"]
    event = next(e for e in history if e["action"] == "task_reassigned")
    assert event["reason"] == "出差" and event["changes"]["assignee"] == [None, "lead2"]

    url = f"/api/v1/tasks/{task['id']}/reassign"
    assert lead.post(url, json={"username": "team2", "reason": "x"}).status_code == 400  # not a lead
    assert "reason" in lead.post(url, json={"username": "lead2"}).get_json()["fields"]
    assert lead.post(url, json={"username": "nobody", "reason": "x"}).get_json()["fields"]["username"]
    assert api("bureau").post(url, json={"username": "lead2", "reason": "x"}).status_code == 403
    assert lead.post("/api/v1/tasks/999999/reassign", json={"username": "lead2", "reason": "x"}).status_code == 404
