"""The statistics and the audit log through the JSON API: the same figures as the pages, for managers, the bureau
and admins only (403 for others), bad parameters named (400), both in the OpenAPI document."""
import pytest

from tests.test_reports import november  # noqa: F401 (fixture)


def test_statistics_as_json(november, api):  # noqa: F811
    body = api("manager").get("/api/v1/statistics?start=2026-11-01&end=2026-11-30").get_json()
    assert body["start"] == "2026-11-01" and body["end"] == "2026-11-30"
    assert body["total"] == {"registered": 4, "closed": 1, "open": 3, "overdue": 1, "rate": 25.0}
    assert body["recurrence_rate"] == 75.0 and body["average_days_to_close"] == 2.0
    assert [(g["key"], g["registered"]) for g in body["by_grade"]] == [("general", 3), ("major", 1)]
    assert body["by_month"] == [{"key": "2026-11", "registered": 4, "closed": 1, "open": 3, "overdue": 1,
                                 "rate": 25.0}]
    first = body["enterprises"][0]
    assert (first["name"], first["registered"], first["open_major"]) == ("甲化工有限公司", 3, True)


def test_statistics_default_to_this_month_and_refuse_bad_periods(november, api):  # noqa: F811
    manager = api("manager")
    body = manager.get("/api/v1/statistics").get_json()
    assert body["start"] == "2026-12-01" and body["end"] == "2026-12-10" and body["total"]["registered"] == 0
    response = manager.get("/api/v1/statistics?start=2026-11-30&end=2026-11-01")
    assert response.status_code == 400 and "end" in response.get_json()["fields"]
    assert manager.get("/api/v1/statistics?start=someday").status_code == 400
    assert manager.get("/api/v1/statistics?start=2020-01-01&end=2026-11-01").status_code == 400


def test_audit_as_json(november, api):  # noqa: F811
    body = api("bureau").get("/api/v1/audit?action=hazard_registered&limit=2").get_json()
    assert body["total"] == 5 and len(body["items"]) == 2  # the Oct 31 case too
    item = body["items"][0]
    assert item["action"] == "hazard_registered" and item["case_code"].startswith("YH-") and item["actor"] == "inspector"
    assert item["at"].endswith("+08:00")
    one_case = api("admin").get(f"/api/v1/audit?case_code={item['case_code']}").get_json()
    assert {i["case_code"] for i in one_case["items"]} == {item["case_code"]}
    response = api("manager").get("/api/v1/audit?action=nope")
    assert response.status_code == 400 and set(response.get_json()["fields"]) == {"action"}
    response = api("manager").get("/api/v1/audit?since=2026-12-01&until=2026-11-01")
    assert response.status_code == 400 and set(response.get_json()["fields"]) == {"until"}
    assert api("manager").get("/api/v1/audit?limit=1000").status_code == 400


@pytest.mark.parametrize("role", ["inspector", "ent_a", "project_lead", "quality"])
def test_other_roles_get_403(people, api, role):
    client = api(role)
    for path in ("/api/v1/statistics", "/api/v1/audit"):
        response = client.get(path)
        assert response.status_code == 403 and response.get_json()["error"] == "forbidden", path


def test_in_the_openapi_document(people, api):
    paths = api("manager").get("/api/v1/openapi.json").get_json()["paths"]
    statistics = paths["/api/v1/statistics"]["get"]
    assert {p["name"] for p in statistics["parameters"]} == {"start", "end", "township", "enterprise_id"}
    assert {"scope", "action", "actor", "case_code", "since", "until", "limit", "offset"} == \
        {p["name"] for p in paths["/api/v1/audit"]["get"]["parameters"]}
