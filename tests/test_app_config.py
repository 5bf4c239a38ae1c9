"""Start-up configuration: Sentry only with a DSN, production refuses the development secret."""
import pytest
import sentry_sdk

from app import create_app


def test_sentry_is_initialised_only_when_a_dsn_is_set(app, monkeypatch):
    calls = []
    monkeypatch.setattr(sentry_sdk, "init", lambda **kw: calls.append(kw))
    base = {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SQLALCHEMY_ENGINE_OPTIONS": app.config["SQLALCHEMY_ENGINE_OPTIONS"]}
    create_app(dict(base, SENTRY_DSN=None))
    assert calls == []
    create_app(dict(base, SENTRY_DSN="https://public@sentry.invalid/1"))
    assert calls[0]["dsn"] == "https://public@sentry.invalid/1"
    assert [type(i).__name__ for i in calls[0]["integrations"]] == ["FlaskIntegration"]
    assert calls[0]["send_default_pii"] is False


def test_production_refuses_the_development_secret():
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"PRODUCTION": True, "SECRET_KEY": "dev-only-not-secret"})
