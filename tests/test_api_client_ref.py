"""POST /api/v1/hazards with a client_ref: made once per user (the first time 201, a replay 200 with the same case),
another user's same reference makes a case of its own, a malformed one is a 400 naming the field; the OpenAPI
document tells all that."""
import pytest

from test_api_support import registration

REF = "b2c7a4e0-55f1-4c1e-9d2a-6e0f3a8b9c14"


def test_a_replay_returns_the_same_case_with_200(api, people):
    inspector = api("inspector")
    body = registration(inspector, people.enterprise_a.id, client_ref=REF)
    first = inspector.post("/api/v1/hazards", json=body)
    assert first.status_code == 201, first.get_json()
    again = inspector.post("/api/v1/hazards", json={**body, "place": "改过的地点"})
    assert again.status_code == 200
    assert again.get_json() == first.get_json() and again.headers["Location"] == first.headers["Location"]
    listed = inspector.get("/api/v1/hazards").get_json()
    assert listed["total"] == 1 and listed["items"][0]["place"] == "二号车间配电房"
    history = inspector.get(f"/api/v1/hazards/{first.get_json()['id']}/history").get_json()["items"]
    registered = [e for e in history if e["action"] == "hazard_registered"]
    assert len(registered) == 1 and registered[0]["details"] == {"client_ref": REF}


def test_without_a_client_ref_each_post_is_a_case(api, people):
    inspector = api("inspector")
    for _ in range(2):
        r = inspector.post("/api/v1/hazards", json=registration(inspector, people.enterprise_a.id))
        assert r.status_code == 201
    assert inspector.get("/api/v1/hazards").get_json()["total"] == 2


def test_another_users_same_client_ref_makes_a_new_case(api, people, make_user):
    make_user("inspector2", "inspector")
    mine, theirs = api("inspector"), api("inspector2")
    first = mine.post("/api/v1/hazards", json=registration(mine, people.enterprise_a.id, client_ref=REF))
    second = theirs.post("/api/v1/hazards", json=registration(theirs, people.enterprise_a.id, client_ref=REF))
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.get_json()["id"] != second.get_json()["id"]


@pytest.mark.parametrize("ref", ["", "short", "x" * 65, "with spaces is not a reference", 1234567890123456789, None,
                                 ["b2c7a4e0-55f1-4c1e-9d2a-6e0f3a8b9c14"]])
def test_a_bad_client_ref_is_a_400_naming_the_field(api, people, ref):
    inspector = api("inspector")
    r = inspector.post("/api/v1/hazards", json=registration(inspector, people.enterprise_a.id, client_ref=ref))
    assert r.status_code == 400, r.get_json()
    assert r.get_json()["error"] == "validation_failed" and "client_ref" in r.get_json()["fields"]
    assert inspector.get("/api/v1/hazards").get_json()["total"] == 0


def test_an_enterprise_token_cannot_register_into_another_enterprise_with_a_client_ref(api, people):
    ent = api("ent_a")
    r = ent.post("/api/v1/hazards", json=registration(ent, people.enterprise_b.id, client_ref=REF))
    assert r.status_code == 400 and "enterprise_id" in r.get_json()["fields"]
    r = ent.post("/api/v1/hazards", json=registration(ent, people.enterprise_a.id, client_ref=REF))
    assert r.status_code == 201 and r.get_json()["source"] == "self_check"


def test_the_openapi_document_describes_client_ref_and_the_replay(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    prop = doc["components"]["schemas"]["HazardRegistration"]["properties"]["client_ref"]
    assert (prop["type"], prop["minLength"], prop["maxLength"]) == ("string", 16, 64)
    assert prop["pattern"] == "^[0-9A-Za-z][0-9A-Za-z_-]{15,63}$" and "again" in prop["description"]
    assert "client_ref" not in doc["components"]["schemas"]["HazardRegistration"]["required"]
    responses = doc["paths"]["/api/v1/hazards"]["post"]["responses"]
    assert responses["200"]["content"] == responses["201"]["content"]
