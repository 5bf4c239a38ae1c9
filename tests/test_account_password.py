"""A user changes their own password: the current one is required, the new one checked (length, different,
typed twice); the change is audited, revokes the user's API tokens, and nothing typed is sent back."""
from app.extensions import db
from app.models import AuditEvent
from tests.conftest import PASSWORD

NEW = "a-new-pass-2026"


def change(client, current, new, repeated=None):
    return client.post("/account/password", data={"current": current, "password": new,
                                                  "password2": new if repeated is None else repeated})


def test_change_own_password(app, people, login, api):
    ent = login("ent_a")
    token = api("ent_a")
    assert token.get("/api/v1/tasks").status_code == 200
    assert 'href="/account/password"' in ent.get("/").get_data(as_text=True)
    assert change(ent, PASSWORD, NEW).status_code == 302
    event = db.session.query(AuditEvent).filter_by(action="password_changed").one()
    assert event.subject_id == people.ent_a.id and event.actor_id == people.ent_a.id
    assert token.get("/api/v1/tasks").status_code == 401  # the old token is revoked
    fresh = app.test_client()
    assert fresh.post("/login", data={"username": "ent_a", "password": PASSWORD}).status_code == 401
    assert fresh.post("/login", data={"username": "ent_a", "password": NEW}).status_code == 302
    assert ent.get("/").status_code == 200  # this session stays signed in


def test_bad_changes_are_400_next_to_the_field_and_change_nothing(app, people, login):
    ent = login("ent_a")
    response = change(ent, "not-my-password", NEW)
    assert response.status_code == 400 and "当前密码不正确" in response.get_data(as_text=True)
    page = change(ent, PASSWORD, "short").get_data(as_text=True)
    assert 'id="err-password"' in page and "short" not in page.split("<main")[-1]  # nothing typed comes back
    assert "新密码不能与当前密码相同" in change(ent, PASSWORD, PASSWORD).get_data(as_text=True)
    assert "两次输入的密码不一致" in change(ent, PASSWORD, NEW, "another-one-2026").get_data(as_text=True)
    assert db.session.query(AuditEvent).filter_by(action="password_changed").count() == 0
    assert app.test_client().post("/login", data={"username": "ent_a", "password": PASSWORD}).status_code == 302


def test_visitors_must_log_in(client):
    assert client.get("/account/password").status_code == 302
