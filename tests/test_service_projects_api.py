"""Service projects in the JSON API: the list and a project with their coverage numbers against the roster, the
roster imported from a list of credit codes or names (all or nothing), who may do what (enterprise tokens: their
own project and row only, 404 for another's), and the OpenAPI entries."""
from app.extensions import db
from app.models import ServiceProjectEnterprise
from tests.service_project_support import day, make_project, put_on, visit_on


def roster_ids(project_id):
    return {e for (e,) in db.session.query(ServiceProjectEnterprise.enterprise_id).filter_by(project_id=project_id)}


def test_list_and_detail_with_the_coverage_numbers(api, people, make_enterprise):
    third = make_enterprise("丙五金加工部")
    project_id = make_project(people.project_lead)
    put_on(people.project_lead, project_id, people.enterprise_a, people.enterprise_b, third)
    visit_on(people, people.enterprise_a, day(6, 1), confirmed_by=people.ent_a)
    visit_on(people, people.enterprise_b, day(5, 31))  # the day before the period
    inspector = api("inspector")
    [listed] = inspector.get("/api/v1/service-projects").get_json()["items"]
    assert (listed["id"], listed["start_on"], listed["end_on"], listed["target_percent"], listed["current"]) == \
        (project_id, "2026-06-01", "2026-08-31", 85, False)
    assert listed["coverage"] == {
        "roster": 3, "visited": 1, "visited_percent": 33.3, "confirmed": 1, "confirmed_percent": 33.3,
        "reported": 0, "reported_percent": 0.0, "hazards": {"found": 0, "closed": 0, "open": 0},
        "target_percent": 85, "needed": 3, "remaining": 2, "on_target": False}
    detail = inspector.get(f"/api/v1/service-projects/{project_id}").get_json()
    assert sorted(detail["not_visited"]) == sorted([people.enterprise_b.id, third.id])
    assert sorted(detail["not_confirmed"]) == sorted(detail["not_visited"])
    assert len(detail["not_reported"]) == 3
    row_a = next(r for r in detail["roster"] if r["enterprise_id"] == people.enterprise_a.id)
    assert (row_a["visits"], row_a["last_visit"], row_a["confirmed"], row_a["report_id"]) == (1, "2026-06-01", 1, None)


def test_enterprise_tokens_see_their_own_project_and_row_only(api, people):
    project_id = make_project(people.bureau)
    put_on(people.bureau, project_id, people.enterprise_a, people.enterprise_b)
    other = make_project(people.bureau, name="另一个项目")
    put_on(people.bureau, other, people.enterprise_b)
    ent_a = api("ent_a")
    assert [p["id"] for p in ent_a.get("/api/v1/service-projects").get_json()["items"]] == [project_id]
    detail = ent_a.get(f"/api/v1/service-projects/{project_id}").get_json()
    assert [r["enterprise_id"] for r in detail["roster"]] == [people.enterprise_a.id]
    assert detail["coverage"]["roster"] == 1
    missing = ent_a.get(f"/api/v1/service-projects/{other}")
    assert missing.status_code == 404 and missing.get_json()["error"] == "not_found"
    assert ent_a.post(f"/api/v1/service-projects/{other}/roster", json={"entries": ["x"]}).status_code == 404
    assert ent_a.post(f"/api/v1/service-projects/{project_id}/roster",
                      json={"entries": [people.enterprise_a.name]}).status_code == 403


def test_the_roster_import_is_all_or_nothing(api, people):
    project_id = make_project(people.project_lead)
    put_on(people.project_lead, project_id, people.enterprise_a)
    lead = api("project_lead")
    url = f"/api/v1/service-projects/{project_id}/roster"
    bad = lead.post(url, json={"entries": [people.enterprise_b.credit_code, "查无此厂", ""]})
    body = bad.get_json()
    assert bad.status_code == 400 and set(body["fields"]) == {"line 2", "line 3"}
    assert "查无此厂" in body["fields"]["line 2"] and roster_ids(project_id) == {people.enterprise_a.id}
    assert lead.post(url, json={"entries": []}).status_code == 400
    assert lead.post(url, json={"names": ["x"]}).status_code == 400
    done = lead.post(url, json={"entries": [people.enterprise_b.credit_code, people.enterprise_a.name,
                                            people.enterprise_b.name]})
    assert done.status_code == 200, done.get_json()
    assert done.get_json() == {"added": [people.enterprise_b.id], "on_roster": 1, "repeated": 1}
    assert roster_ids(project_id) == {people.enterprise_a.id, people.enterprise_b.id}
    assert api("manager").post(url, json={"entries": ["x"]}).status_code == 403
    assert api("bureau").post(url, json={"entries": [people.enterprise_a.name]}).get_json()["added"] == []


def test_the_openapi_document_describes_the_routes(client):
    document = client.get("/api/v1/openapi.json").get_json()
    paths = document["paths"]
    assert paths["/api/v1/service-projects"]["get"]["operationId"] == "list_service_projects"
    assert paths["/api/v1/service-projects/{project_id}"]["get"]["tags"] == ["service-projects"]
    roster = paths["/api/v1/service-projects/{project_id}/roster"]["post"]
    assert roster["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/RosterImportRequest"}
    assert "400" in roster["responses"] and "RosterImportRequest" in document["components"]["schemas"]
