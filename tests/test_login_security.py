"""Login failure handling and session timeout (等保 2.0): five wrong passwords in a row lock an account for 15
minutes (audited; the right password is refused meanwhile, on the page and for API tokens); an admin's new
password lifts the lock; a browser session ends after 30 idle minutes on the app's clock."""
import re

import pytest

from app.clock import clock
from app.extensions import db
from app.models import AuditEvent, User
from tests.conftest import PASSWORD


def post_login(client, password):
    return client.post("/login", data={"username": "inspector", "password": password})


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(app, people):
    client = app.test_client()
    for _ in range(4):
        assert post_login(client, "wrong-password").status_code == 401
    assert post_login(client, PASSWORD).status_code == 302  # the right one still works: the count resets
    for _ in range(5):
        assert post_login(client, "wrong-password").status_code == 401
    response = post_login(app.test_client(), PASSWORD)
    assert response.status_code == 429 and "账号已锁定" in response.get_data(as_text=True)
    event = db.session.query(AuditEvent).filter_by(action="login_locked").one()
    assert event.subject_id == people.inspector.id and event.details["minutes"] == 15
    token = app.test_client().post("/api/v1/auth/token", json={"username": "inspector", "password": PASSWORD})
    assert token.status_code == 429 and token.get_json()["error"] == "account_locked"
    clock.advance(minutes=15, seconds=1)
    assert post_login(app.test_client(), PASSWORD).status_code == 302


def test_unknown_users_are_not_counted_or_told_apart(app, people):
    client = app.test_client()
    for _ in range(6):
        response = client.post("/login", data={"username": "nobody", "password": "x"})
        assert response.status_code == 401 and "用户名或密码错误" in response.get_data(as_text=True)


def test_an_admins_new_password_lifts_the_lock(app, people, login):
    for _ in range(5):
        post_login(app.test_client(), "wrong-password")
    assert post_login(app.test_client(), PASSWORD).status_code == 429
    from app.services import user_admin
    from app.services.uow import UnitOfWork
    with UnitOfWork() as uow:
        user_admin.set_password(uow, people.admin, "inspector", "a-brand-new-pass-1")
        uow.commit()
    db.session.expire_all()
    assert db.session.get(User, people.inspector.id).locked_until is None
    assert post_login(app.test_client(), "a-brand-new-pass-1").status_code == 302


@pytest.fixture
def idle_limit(app):
    app.config["SESSION_IDLE_MINUTES"] = 30
    yield
    app.config["SESSION_IDLE_MINUTES"] = 60 * 24 * 365 * 10


def test_a_session_ends_after_thirty_idle_minutes(people, login, idle_limit):
    inspector = login("inspector")
    clock.advance(minutes=29)
    assert inspector.get("/cases").status_code == 200  # and this request restarts the idle time
    clock.advance(minutes=29)
    assert inspector.get("/cases").status_code == 200
    clock.advance(minutes=31)
    response = inspector.get("/cases?status=closed")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert response.headers["Location"].endswith("/login?next=/cases?status%3Dclosed")  # back to where it was
    assert inspector.get("/cases").status_code == 302  # logged out, not only redirected once
    assert "长时间未操作" in inspector.get("/login").get_data(as_text=True)


def test_admins_see_the_lock(app, people, login):
    for _ in range(5):
        post_login(app.test_client(), "wrong-password")
    admin = login("admin")
    assert "锁定至 2026-11-23 09:15" in admin.get("/admin/users").get_data(as_text=True)
    page = admin.get(f"/admin/users/{people.inspector.id}").get_data(as_text=True)
    assert "设置新密码可解除" in page
    clock.advance(minutes=16)
    assert "锁定至" not in admin.get("/admin/users").get_data(as_text=True)


def test_logins_and_failed_attempts_are_audited_but_not_on_the_users_page(app, people, login):
    post_login(app.test_client(), "wrong-password")
    post_login(app.test_client(), PASSWORD)
    app.test_client().post("/api/v1/auth/token", json={"username": "inspector", "password": PASSWORD})
    rows = [(e.action, e.details["channel"]) for e in db.session.query(AuditEvent)
            .filter_by(subject_type="user", subject_id=people.inspector.id).order_by(AuditEvent.id)]
    assert rows == [("login_failed", "web"), ("logged_in", "web"), ("logged_in", "api")]
    admin = login("admin")
    logins = admin.get("/audit?scope=logins").get_data(as_text=True)
    assert logins.count('class="ev-action">登录系统</span>') >= 3 and "登录失败（密码或验证码错误）" in logins
    assert re.findall(r'class="ev-action">([^<]+)<', logins) and \
        set(re.findall(r'class="ev-action">([^<]+)<', logins)) <= {"登录系统", "登录失败（密码或验证码错误）"}
    user_page = admin.get(f"/admin/users/{people.inspector.id}").get_data(as_text=True)
    assert "登录失败（密码或验证码错误）" not in user_page  # a record's page shows how it changed
