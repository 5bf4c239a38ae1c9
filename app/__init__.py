"""Application factory: loads config, initialises extensions, registers blueprints. Nothing else."""
from flask import Flask

from .config import BASE_DIR, Config, check_performance, check_production
from .extensions import (babel, configure_pool_ping, configure_sqlite, db, engine_options, login_manager, migrate,
                         wants_idle_ping)


def create_app(config=None):
    app = Flask(__name__, instance_path=str(Config.INSTANCE_DIR))
    app.config.from_object(Config)
    if config:
        app.config.update(config)
    check_production(app.config)
    check_performance(app.config)
    _init_sentry(app)

    url, options = app.config["SQLALCHEMY_DATABASE_URI"], app.config.get("SQLALCHEMY_ENGINE_OPTIONS")
    ping_after_idle = app.config["DATABASE_PING_AFTER_IDLE_SECONDS"]
    idle_ping = wants_idle_ping(url, options, ping_after_idle)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(url, options, ping_after_idle)
    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
        if idle_ping:
            configure_pool_ping(db.engine, ping_after_idle)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"))
    login_manager.init_app(app)
    from .web.i18n import select_locale
    babel.init_app(app, locale_selector=select_locale, default_translation_directories="translations")

    from .clock import clock
    from .engine import install_clock
    install_clock(clock.now)

    from . import cli
    from .web import register_web
    cli.register(app)
    register_web(app)
    return app


def _init_sentry(app):
    dsn = app.config.get("SENTRY_DSN")
    if not dsn:
        return
    import sentry_sdk
    from sentry_sdk.integrations.flask import FlaskIntegration
    sentry_sdk.init(dsn=dsn, integrations=[FlaskIntegration()], environment=app.config["SENTRY_ENVIRONMENT"],
                    send_default_pii=False, traces_sample_rate=0.0)
