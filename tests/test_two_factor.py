"""Two-factor login (双因素认证): TOTP as RFC 6238 has it, set up from the account page in two moves, asked after
the password on the login page and for API tokens, a code good once, wrong codes locking like wrong passwords,
an administrator's reset, and roles that must use it (TWO_FACTOR_ROLES)."""
import base64
import re

import pytest

from app.clock import clock
from app.extensions import db
from app.models import AuditEvent, User
from app.services import two_factor
from tests.conftest import PASSWORD


def current_code(secret, steps_ahead=0):
    return two_factor.code_at(secret, two_factor.current_step() + steps_ahead)


def enrol(app, username):
    """Turn two-factor login on for `username` through the pages; returns the secret."""
    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
    assert client.post("/account/two-factor/setup").status_code == 302
    page = client.get("/account/two-factor").get_data(as_text=True)
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    assert client.post("/account/two-factor/confirm", data={"code": current_code(secret)}).status_code == 302
    clock.advance(seconds=30)  # the code just used is spent; tests log in with the next one
    return secret


def password_step(client, username="inspector", password=PASSWORD, next_path=None):
    url = "/login" + (f"?next={next_path}" if next_path else "")
    return client.post(url, data={"username": username, "password": password})


@pytest.mark.parametrize("moment,expected", [(59, "287082"), (1111111109, "081804"), (1234567890, "005924"),
                                             (2000000000, "279037")])
def test_codes_are_rfc_6238_totp(moment, expected):
    secret = base64.b32encode(b"12345678901234567890").decode()  # the RFC's SHA1 test key
    assert two_factor.code_at(secret, moment // 30) == expected


def test_setting_it_up_takes_a_code_from_the_new_secret(app, people, login):
    client = login("inspector")
    assert "未开启" in client.get("/account/two-factor").get_data(as_text=True)
    client.post("/account/two-factor/setup")
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "<svg" in page and "otpauth" not in page.split("<svg")[0][-200:]  # the QR drawn inline, no script
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    wrong = client.post("/account/two-factor/confirm", data={"code": "000000" if current_code(secret) != "000000"
                                                             else "111111"})
    assert wrong.status_code == 400 and 'id="err-code"' in wrong.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(User, people.inspector.id).two_factor_enabled  # a mistyped secret locks nobody out
    assert client.post("/account/two-factor/confirm", data={"code": current_code(secret)}).status_code == 302
    db.session.expire_all()
    user = db.session.get(User, people.inspector.id)
    assert user.two_factor_enabled and user.totp_secret == secret
    assert db.session.query(AuditEvent).filter_by(action="two_factor_enabled", subject_id=user.id).count() == 1
    again = client.post("/account/two-factor/setup", follow_redirects=True)
    assert "已开启" in again.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, people.inspector.id).totp_secret == secret  # not replaced behind the user's back


def test_login_asks_for_the_code_after_the_password(app, people):
    secret = enrol(app, "inspector")
    client = app.test_client()
    response = password_step(client, next_path="/cases")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login/code")
    assert client.get("/cases").status_code == 302  # not logged in by the password alone
    wrong = client.post("/login/code", data={"code": "12345"})
    assert wrong.status_code == 401 and "验证码不正确" in wrong.get_data(as_text=True)
    right = client.post("/login/code", data={"code": current_code(secret)})
    assert right.status_code == 302 and right.headers["Location"].endswith("/cases")  # where it was going
    assert client.get("/cases").status_code == 200
    login = db.session.query(AuditEvent).filter_by(action="logged_in").order_by(AuditEvent.id.desc()).first()
    assert login.details["two_factor"] is True
    failed = db.session.query(AuditEvent).filter_by(action="login_failed").one()
    assert failed.details["reason"] == "code"


def test_a_code_is_good_once_and_one_step_of_drift_is_allowed(app, people):
    secret = enrol(app, "inspector")
    clock.advance(seconds=30)  # the step before now is not the one spent setting it up
    first = app.test_client()
    password_step(first)
    code = current_code(secret, -1)  # the phone's clock runs 30 s late
    assert first.post("/login/code", data={"code": code}).status_code == 302
    second = app.test_client()
    password_step(second)
    assert second.post("/login/code", data={"code": code}).status_code == 401  # replayed
    assert second.post("/login/code", data={"code": current_code(secret, -2)}).status_code == 401  # too old
    clock.advance(seconds=30)
    assert second.post("/login/code", data={"code": current_code(secret)}).status_code == 302


def test_the_code_page_waits_five_minutes(app, people):
    secret = enrol(app, "inspector")
    client = app.test_client()
    password_step(client)
    clock.advance(minutes=5, seconds=1)
    response = client.post("/login/code", data={"code": current_code(secret)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert client.get("/login/code").status_code == 302  # nothing pending any more


def test_wrong_codes_lock_the_account_like_wrong_passwords(app, people):
    secret = enrol(app, "inspector")
    client = app.test_client()
    password_step(client)
    for _ in range(4):
        assert client.post("/login/code", data={"code": "999999"}).status_code in (401, 302)
    # The right password does not reset the count while the code is still owed.
    password_step(app.test_client())
    assert client.post("/login/code", data={"code": "999998"}).status_code == 401
    assert db.session.query(AuditEvent).filter_by(action="login_locked").count() == 1
    locked = password_step(app.test_client())
    assert locked.status_code == 429
    api = app.test_client().post("/api/v1/auth/token", json={"username": "inspector", "password": PASSWORD,
                                                            "otp": current_code(secret)})
    assert api.status_code == 429


def test_api_tokens_need_the_code_too(app, people):
    secret = enrol(app, "inspector")
    client = app.test_client()
    body = {"username": "inspector", "password": PASSWORD}
    missing = client.post("/api/v1/auth/token", json=body)
    assert missing.status_code == 401 and missing.get_json()["error"] == "otp_required"
    wrong = client.post("/api/v1/auth/token", json={**body, "otp": "000000" if current_code(secret) != "000000"
                                                    else "111111"})
    assert wrong.status_code == 401 and wrong.get_json()["error"] == "otp_invalid"
    bad_password = client.post("/api/v1/auth/token", json={**body, "password": "nope", "otp": current_code(secret)})
    assert bad_password.status_code == 401 and bad_password.get_json()["error"] == "unauthorized"
    ok = client.post("/api/v1/auth/token", json={**body, "otp": current_code(secret)})
    assert ok.status_code == 200 and ok.get_json()["token"]
    token = ok.get_json()["token"]
    assert client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_turning_it_off_asks_for_password_and_code(app, people):
    secret = enrol(app, "inspector")
    client = app.test_client()
    password_step(client)
    client.post("/login/code", data={"code": current_code(secret)})
    clock.advance(seconds=30)
    refused = client.post("/account/two-factor/disable", data={"password": "wrong", "code": "123"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'id="err-password"' in page and 'id="err-code"' in page
    done = client.post("/account/two-factor/disable", data={"password": PASSWORD, "code": current_code(secret)})
    assert done.status_code == 302
    assert not password_step(app.test_client()).headers["Location"].endswith("/login/code")
    assert db.session.query(AuditEvent).filter_by(action="two_factor_disabled").count() == 1


def test_an_administrator_resets_it_for_a_lost_phone(app, people, login):
    enrol(app, "inspector")
    url = f"/admin/users/{people.inspector.id}/two-factor/reset"
    assert login("manager").post(url).status_code == 403
    admin = login("admin")
    assert "重置双因素认证" in admin.get(f"/admin/users/{people.inspector.id}").get_data(as_text=True)
    assert admin.post(url).status_code == 302
    db.session.expire_all()
    user = db.session.get(User, people.inspector.id)
    assert not user.two_factor_enabled and user.totp_secret is None
    event = db.session.query(AuditEvent).filter_by(action="two_factor_reset").one()
    assert event.actor_id == people.admin.id and event.subject_id == user.id
    response = password_step(app.test_client())
    assert response.status_code == 302 and not response.headers["Location"].endswith("/login/code")
    again = admin.post(url, follow_redirects=True)
    assert "未开启双因素认证" in again.get_data(as_text=True)


@pytest.fixture
def required_for_admins(app):
    app.config["TWO_FACTOR_ROLES"] = ("admin",)
    yield
    app.config["TWO_FACTOR_ROLES"] = ()


def test_roles_that_must_use_it_set_it_up_first(app, people, login, required_for_admins):
    admin = login("admin")
    response = admin.get("/admin/users")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/two-factor")
    assert admin.get("/account/two-factor").status_code == 200
    token = app.test_client().post("/api/v1/auth/token", json={"username": "admin", "password": PASSWORD})
    assert token.status_code == 403 and token.get_json()["error"] == "two_factor_setup_required"
    assert login("inspector").get("/cases").status_code == 200  # other roles are not asked
    admin.post("/account/two-factor/setup")
    db.session.expire_all()
    secret = db.session.query(User).filter_by(username="admin").one().totp_secret
    assert admin.post("/account/two-factor/confirm", data={"code": current_code(secret)}).status_code == 302
    assert admin.get("/admin/users").status_code == 200
