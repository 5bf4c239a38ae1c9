"""Bearer tokens: issue, reject (bad, missing, garbage, expired, revoked), and no session-cookie fallback."""
import time

import pytest
from itsdangerous import TimestampSigner

from app.extensions import db
from app.web.api.auth import issue_token
from conftest import PASSWORD


def token(client, username, password=PASSWORD):
    return client.post("/api/v1/auth/token", json={"username": username, "password": password})


def bearer(value):
    return {"Authorization": f"Bearer {value}"}


def test_token_for_good_credentials(app, client, people):
    r = token(client, "inspector")
    assert r.status_code == 200
    body = r.get_json()
    assert body["expires_in"] == app.config["API_TOKEN_MAX_AGE"] and body["token"]
    assert client.get("/api/v1/tasks", headers=bearer(body["token"])).status_code == 200


@pytest.mark.parametrize("username,password", [("inspector", "wrong"), ("nobody", PASSWORD)])
def test_bad_credentials_are_401_json(client, people, username, password):
    r = token(client, username, password)
    assert r.status_code == 401
    assert r.get_json()["error"] == "unauthorized" and r.get_json()["message"]


def test_inactive_user_gets_no_token(client, people):
    people.inspector.active = False
    db.session.commit()
    assert token(client, "inspector").status_code == 401


def test_token_request_needs_both_fields_and_json(client, people):
    r = token(client, "inspector", password=None)
    assert r.status_code == 400 and "password" in r.get_json()["fields"]
    r = client.post("/api/v1/auth/token", data="{not json", content_type="application/json")
    assert r.status_code == 400 and r.get_json()["error"] == "validation_failed"


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer "}, {"Authorization": "Basic abc"},
                                     bearer("garbage"), bearer("eyJ1aWQiOjF9.ZZZ.bad")])
def test_missing_or_garbage_token_is_401_not_a_redirect(client, people, headers):
    r = client.get("/api/v1/hazards", headers=headers)
    assert r.status_code == 401
    assert r.is_json and r.get_json()["error"] == "unauthorized"
    assert r.headers["WWW-Authenticate"].startswith("Bearer")


def test_session_cookie_alone_does_not_authenticate_the_api(client, people):
    with client.session_transaction() as session:  # what Flask-Login's login_user stores
        session["_user_id"], session["_fresh"] = str(people.inspector.id), True
    assert client.get("/api/v1/hazards").status_code == 401


def test_expired_token(app, client, people):
    max_age = app.config["API_TOKEN_MAX_AGE"]

    class PastSigner(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - max_age - 5

    class RecentSigner(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - max_age + 60

    r = client.get("/api/v1/tasks", headers=bearer(issue_token(people.inspector, signer=PastSigner)))
    assert r.status_code == 401 and "expired" in r.get_json()["message"]
    assert client.get("/api/v1/tasks", headers=bearer(issue_token(people.inspector, signer=RecentSigner))) \
        .status_code == 200


def test_token_signed_with_another_key_is_rejected(app, client, people):
    with app.test_request_context():
        app.config["SECRET_KEY"], original = "someone-elses-key", app.config["SECRET_KEY"]
        try:
            forged = issue_token(people.inspector)
        finally:
            app.config["SECRET_KEY"] = original
    assert client.get("/api/v1/tasks", headers=bearer(forged)).status_code == 401


def test_password_change_revokes_tokens(client, people):
    old = token(client, "inspector").get_json()["token"]
    people.inspector.set_password("a-new-password-456")
    db.session.commit()
    assert client.get("/api/v1/tasks", headers=bearer(old)).status_code == 401
    new = token(client, "inspector", "a-new-password-456").get_json()["token"]
    assert client.get("/api/v1/tasks", headers=bearer(new)).status_code == 200


def test_deactivated_user_token_stops_working(client, people):
    value = token(client, "inspector").get_json()["token"]
    people.inspector.active = False
    db.session.commit()
    assert client.get("/api/v1/tasks", headers=bearer(value)).status_code == 401


def test_unknown_api_route_is_json_404(api, people):
    r = api("inspector").get("/api/v1/nothing-here")
    assert r.status_code == 404 and r.is_json
