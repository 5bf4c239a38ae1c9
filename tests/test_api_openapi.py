"""openapi.json documents every API route, with the bearer scheme and the live registration form."""
import re

from jsonschema import Draft202012Validator


def api_paths(app):
    paths = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            paths.setdefault(path, set()).update(m.lower() for m in rule.methods - {"HEAD", "OPTIONS"})
    return paths


def test_openapi_has_every_path_and_method(app, client):
    r = client.get("/api/v1/openapi.json")  # public: shapes only, no data
    assert r.status_code == 200
    doc = r.get_json()
    assert doc["openapi"].startswith("3.1")
    expected = api_paths(app)
    assert {p: set(ops) for p, ops in doc["paths"].items()} == expected
    for path in ("/api/v1/auth/token", "/api/v1/hazards", "/api/v1/hazards/{case_id}",
                 "/api/v1/hazards/{case_id}/history", "/api/v1/hazards/{case_id}/tasks", "/api/v1/tasks",
                 "/api/v1/tasks/{task_id}", "/api/v1/tasks/{task_id}/claim", "/api/v1/tasks/{task_id}/release",
                 "/api/v1/tasks/{task_id}/reassign", "/api/v1/tasks/{task_id}/complete", "/api/v1/attachments",
                 "/api/v1/attachments/{public_id}", "/api/v1/openapi.json"):
        assert path in doc["paths"], path


def test_openapi_security_and_schemas(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["components"]["securitySchemes"]["bearer"] == {**doc["components"]["securitySchemes"]["bearer"],
                                                              "type": "http", "scheme": "bearer"}
    assert doc["security"] == [{"bearer": []}]
    assert doc["paths"]["/api/v1/auth/token"]["post"]["security"] == []
    assert "security" not in doc["paths"]["/api/v1/hazards"]["post"]
    schemas = doc["components"]["schemas"]
    for name, schema in schemas.items():
        Draft202012Validator.check_schema(schema)  # each component is valid JSON Schema 2020-12
    assert {"Case", "CaseList", "Task", "TaskList", "TaskDetail", "HistoryEvent", "Attachment", "Error",
            "TokenRequest", "Token", "Reassign", "Complete", "HazardRegistration"} <= set(schemas)
    assert schemas["HazardRegistration"]["properties"]["score"]["maximum"] == 100
    assert "place" in schemas["HazardRegistration"]["required"]
    assert schemas["Case"]["properties"]["rectification_due"]["type"] == ["string", "null"]
    assert schemas["Complete"]["required"] == ["data"]

    listing = doc["paths"]["/api/v1/tasks"]["get"]
    params = {p["name"]: p for p in listing["parameters"]}
    assert set(params) == {"grade", "overdue", "enterprise_id", "due_before", "mine", "limit", "offset"}
    assert params["grade"]["schema"]["enum"] == ["general", "larger", "major", "especially_major"]
    assert params["limit"]["schema"]["maximum"] == 200
    one = doc["paths"]["/api/v1/hazards/{case_id}"]["get"]
    assert one["parameters"] == [{"name": "case_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
    assert {"200", "401", "404"} <= set(one["responses"])
    upload = doc["paths"]["/api/v1/attachments"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload
