"""Whole cases through the API on the real diagrams: general with a failed verification, major jointly."""
from test_api_support import ASSIGNMENT, complete, open_tasks, rectification, register, task_for, verification


def test_general_hazard_fails_verification_then_closes_in_round_two(api, people):
    inspector, lead, ent, team = api("inspector"), api("project_lead"), api("ent_a"), api("project_team")
    case = register(inspector, people.enterprise_a.id, score=90)
    assert (case["grade"], case["status"], case["round"]) == ("general", "assigning", 1)
    assert case["assignment_due"] is not None

    task = task_for(lead, case["id"], "assignment")
    assert task["role"] == "project_lead"
    case = complete(lead, task["id"], ASSIGNMENT)
    assert case["status"] == "rectifying" and case["rectification_due"] is not None

    case = complete(ent, task_for(ent, case["id"], "rectification")["id"], rectification(ent))
    assert case["status"] == "verifying" and case["verification_due"] is not None

    task = task_for(team, case["id"], "verification")
    assert task["role"] == "project_team"
    case = complete(team, task["id"], verification(False))
    assert (case["status"], case["round"]) == ("rectifying", 2)

    complete(ent, task_for(ent, case["id"], "rectification")["id"], rectification(ent))
    case = complete(team, task_for(team, case["id"], "verification")["id"], verification(True))
    assert (case["status"], case["round"]) == ("closed", 2)
    assert case["closed_at"] is not None
    assert open_tasks(inspector, case["id"]) == []

    history = inspector.get(f"/api/v1/hazards/{case['id']}/history").get_json()["items"]
    completed = [e["task"] for e in history if e["action"] == "task_completed"]
    assert len(completed) == 5
    round_change = [e for e in history if "round" in e["changes"]]
    assert round_change and round_change[0]["changes"]["round"] == [1, 2]


def test_major_hazard_needs_both_bureau_and_expert(api, people):
    inspector, lead, ent = api("inspector"), api("project_lead"), api("ent_a")
    bureau, expert, team = api("bureau"), api("expert"), api("project_team")
    case = register(inspector, people.enterprise_a.id, score=60)
    assert case["grade"] == "major"
    complete(lead, task_for(lead, case["id"], "assignment")["id"], ASSIGNMENT)
    case = complete(ent, task_for(ent, case["id"], "rectification")["id"], rectification(ent))
    assert case["status"] == "verifying"
    assert {t["form_key"] for t in open_tasks(inspector, case["id"])} == \
        {"joint_verification_bureau", "joint_verification_expert"}
    assert team.get("/api/v1/tasks").get_json()["total"] == 0  # not the project team's tier

    bureau_task = task_for(bureau, case["id"], "joint_verification_bureau")
    assert bureau_task["role"] == "bureau"
    case = complete(bureau, bureau_task["id"], {"bureau_passed": True, "bureau_opinion": "同意销号"})
    assert case["status"] == "verifying"  # the expert has not signed yet
    case = complete(expert, task_for(expert, case["id"], "joint_verification_expert")["id"],
                    {"expert_passed": True, "expert_opinion": "整改有效"})
    assert case["status"] == "closed"
