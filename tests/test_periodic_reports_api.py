"""Periodic reports (定期报告) in the JSON API: the list with its filters, one report with a version's frozen figures,
the due list, the bureau's sign and return, bad input as 400 with the field named, and who gets what."""
from datetime import datetime

from app.clock import SHANGHAI, clock
from tests.periodic_report_support import WEEKLY_TEXT, create, november, project


def test_list_read_and_answer(people, api):
    november(people)
    monthly = create(people.project_lead, issue=True)
    weekly = create(people.project_lead, {"kind": "weekly", "period_start": "2026-11-23", "period_end": "2026-11-29"},
                    WEEKLY_TEXT)
    bureau = api("bureau")
    listing = bureau.get("/api/v1/periodic-reports").get_json()
    assert listing["total"] == 2 and [r["id"] for r in listing["items"]] == [monthly, weekly]  # the latest period end first
    only = bureau.get("/api/v1/periodic-reports?kind=monthly&status=issued&year=2026").get_json()
    assert [r["id"] for r in only["items"]] == [monthly] and only["items"][0]["title"] == "2026年11月月度综合评估简报"
    bad = bureau.get("/api/v1/periodic-reports?kind=yearly&limit=0")
    assert bad.status_code == 400 and set(bad.get_json()["fields"]) == {"kind", "limit"}
    one = bureau.get(f"/api/v1/periodic-reports/{monthly}").get_json()
    assert one["version"] == 1 and one["figures"]["totals"]["registered"] == 2
    assert one["sections"]["next_focus"] and one["versions"][0]["issued_by"] == "project_lead"
    draft = bureau.get(f"/api/v1/periodic-reports/{weekly}").get_json()
    assert draft["version"] is None and draft["status"] == "draft" and draft["figures"]["period"]["start"] == \
        "2026-11-23"
    assert bureau.get(f"/api/v1/periodic-reports/{monthly}?version=2").status_code == 404
    refused = bureau.post(f"/api/v1/periodic-reports/{monthly}/return", json={"comments": " "})
    assert refused.status_code == 400 and "comments" in refused.get_json()["fields"]
    returned = bureau.post(f"/api/v1/periodic-reports/{monthly}/return", json={"comments": "请补充"})
    assert returned.status_code == 200 and returned.get_json()["status"] == "returned"
    assert returned.get_json()["versions"][0]["return_comments"] == "请补充"
    assert api("manager").post(f"/api/v1/periodic-reports/{monthly}/sign").status_code == 409
    assert api("project_lead").post(f"/api/v1/periodic-reports/{weekly}/sign").status_code == 403


def test_the_due_list(people, api):
    project(people)
    clock.set(datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI))
    items = api("project_lead").get("/api/v1/periodic-reports/due").get_json()["items"]
    assert [(i["kind"], i["period_start"], i["state"]) for i in items] == [
        ("weekly", "2026-11-16", "overdue"), ("weekly", "2026-11-09", "overdue"), ("weekly", "2026-11-02", "overdue")]
    assert items[0]["due_at"].startswith("2026-11-23T12:00") and items[0]["report_id"] is None
    assert api("ent_a").get("/api/v1/periodic-reports/due").status_code == 404
    assert api("quality").get("/api/v1/periodic-reports/due").status_code == 403
