"""Fixtures: a real database (SQLite file, or PostgreSQL when DATABASE_URL says so) migrated by Alembic,
the shipped diagrams deployed, the clock fixed, users per role, and logged-in HTTP clients."""
import os
from datetime import datetime

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade

from app import create_app
from app.clock import SHANGHAI, clock
from app.extensions import db
from app.scratch_db import throwaway_database
from app.models import Enterprise, User, UserRole
from app.services import processes
from app.services.credit_code import with_check_character
from app.services.case_store import _cache
from app.services.uow import UnitOfWork

PASSWORD = "test-pass-123"
KEEP_TABLES = {"process_version", "alembic_version", "calendar_revision"}


def _database(tmp_path_factory):
    url, options, drop = throwaway_database(os.environ.get("DATABASE_URL", ""), tmp_path_factory.mktemp("db"), "test")
    if options:
        options["pool_pre_ping"] = True
    return url, options, drop


class IsolatedClient(FlaskClient):
    """Each request in its own app context, as in production. The test body keeps an app context open
    for direct database access; without this, requests would reuse it and share `g` (the logged-in user,
    the locale) and the database session across requests and clients."""

    def open(self, *args, **kwargs):
        # Like the browser, send the session's CSRF token (the page's meta tag) with every request.
        token = self._csrf_token()
        if token:
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("X-CSRF-Token", token)
            kwargs["headers"] = headers
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()  # the test body's session then reads what the request committed
        return response


    def _csrf_token(self):
        if self._cookies is None or not self.get_cookie("session"):
            with self.session_transaction() as sess:
                sess.setdefault("_csrf", "test-csrf-token")
        with self.session_transaction() as sess:
            return sess.get("_csrf")


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url, options, drop = _database(tmp_path_factory)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options,
                      "UPLOAD_DIR": tmp_path_factory.mktemp("uploads"), "SECRET_KEY": "test-secret",
                      "MAX_UPLOAD_BYTES": 200_000,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                      # Tests move the clock by days between two requests of one logged-in client, which no real
                      # session spans; tests/test_login_security.py sets the real idle limit.
                      "SESSION_IDLE_MINUTES": 60 * 24 * 365 * 10})
    app.test_client_class = IsolatedClient
    with app.app_context():
        upgrade()
        with UnitOfWork() as uow:
            files, forms = processes.read_directory(app.config["BPMN_DIR"], app.config["FORMS_DIR"])
            processes.deploy(uow, files, forms, comment="test")
            uow.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    drop()


@pytest.fixture(autouse=True)
def _clean(app):
    """Each test starts with empty tables (process versions kept), a fixed clock and no cached runtimes."""
    _cache.clear()
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI))  # a Monday, a working day
    with app.app_context():
        yield
        db.session.rollback()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                if table.name not in KEEP_TABLES:
                    conn.execute(table.delete())
        db.session.remove()
    clock.reset()


@pytest.fixture
def make_enterprise():
    counter = iter(range(1, 10_000))

    def make(name=None, industry="化工"):
        n = next(counter)
        enterprise = Enterprise(name=name or f"测试企业{n}", credit_code=with_check_character(f"91330100MA{n:07d}"),
                                address="测试路1号", township="城关镇", industry=industry)
        db.session.add(enterprise)
        db.session.commit()
        return enterprise
    return make


@pytest.fixture
def make_user():
    def make(username, *roles, enterprise=None):
        user = User(username=username, display_name=username, enterprise_id=enterprise.id if enterprise else None,
                    created_at=clock.now())
        user.set_password(PASSWORD)
        user.roles_rel = [UserRole(role=r) for r in roles]
        db.session.add(user)
        db.session.commit()
        return user
    return make


@pytest.fixture
def people(make_user, make_enterprise):
    """One user per working role, two enterprises each with a safety officer."""
    ent_a, ent_b = make_enterprise("甲化工有限公司"), make_enterprise("乙机械制造厂", industry="机械")
    users = {role: make_user(role, role) for role in
             ("inspector", "project_lead", "project_team", "supervision", "bureau", "expert", "quality",
              "manager", "admin", "process_owner")}
    users["ent_a"] = make_user("ent_a", "enterprise", enterprise=ent_a)
    users["ent_b"] = make_user("ent_b", "enterprise", enterprise=ent_b)

    class People(dict):
        __getattr__ = dict.__getitem__
    result = People(users)
    result["enterprise_a"], result["enterprise_b"] = ent_a, ent_b
    return result


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login(app):
    """login("inspector") -> a test client with that user's session."""
    def make(username):
        c = app.test_client()
        response = c.post("/login", data={"username": username, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return c
    return make


@pytest.fixture
def api(app):
    """api("inspector") -> a client whose requests carry that user's bearer token."""
    class ApiClient:
        def __init__(self, username):
            self.c = app.test_client()
            r = self.c.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
            assert r.status_code == 200, r.get_data(as_text=True)
            self.headers = {"Authorization": f"Bearer {r.get_json()['token']}"}

        def __getattr__(self, method):
            def call(path, **kw):
                kw.setdefault("headers", {}).update(self.headers)
                return getattr(self.c, method)(path, **kw)
            return call
    return ApiClient
