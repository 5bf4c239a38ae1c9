import json
import time

import orjson
from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData

# Stable constraint names so Alembic migrations are the same on SQLite and PostgreSQL.
naming = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
# expire_on_commit=False: a request or job uses its session once, so reloading every object after each
# commit would only cost queries; code that must see another transaction's writes expires explicitly.
db = SQLAlchemy(metadata=MetaData(naming_convention=naming), session_options={"expire_on_commit": False})
migrate = Migrate()
login_manager = LoginManager()
babel = Babel()


# Pages in the WAL before a commit checkpoints them itself (about 40 MB). The scheduler checkpoints every
# minute (scheduler/jobs.py), off the request path: a checkpoint fsyncs, and with SQLite's default of 1,000
# pages every few dozen steps paid for one. The limit stays as a safety net when no scheduler runs.
SQLITE_WAL_AUTOCHECKPOINT = 10_000
SQLITE_JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024  # the WAL file is truncated back to this after a checkpoint


def configure_sqlite(engine):
    """WAL lets the web server and the scheduler read while the other writes; NORMAL sync is durable
    across application crashes and costs no fsync per commit; foreign keys are off in SQLite by default."""
    from sqlalchemy import event

    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute(f"PRAGMA wal_autocheckpoint={SQLITE_WAL_AUTOCHECKPOINT}")
        cursor.execute(f"PRAGMA journal_size_limit={SQLITE_JOURNAL_SIZE_LIMIT}")
        cursor.close()


def engine_options(url, options, ping_after_idle=0):
    """The engine options the app runs with: the configured ones, with JSON columns written and read by orjson
    (several audit and projection rows per step: json's encoder cost more than their INSERTs) and without the
    pool's pre-ping on SQLite (it checks that a server has not dropped the connection; an embedded file's
    connection cannot be dropped, so the ping would be one wasted statement per request). With
    `ping_after_idle` seconds, a server's connections are pinged by `configure_pool_ping` instead of on every
    checkout."""
    options = dict(options or {})
    options.setdefault("json_serializer", json_text)
    options.setdefault("json_deserializer", json_value)
    if str(url).startswith("sqlite") or ping_after_idle > 0:
        options.pop("pool_pre_ping", None)
    return options


def wants_idle_ping(url, options, ping_after_idle):
    """Should `configure_pool_ping` check this engine's connections (the configured options asked for the
    pre-ping, the database is a server, a window is set)?"""
    return bool((options or {}).get("pool_pre_ping")) and not str(url).startswith("sqlite") and ping_after_idle > 0


def configure_pool_ping(engine, ping_after_idle, now=time.monotonic):
    """Ping a pooled connection when it is checked out after resting at least `ping_after_idle` seconds, and
    replace it when the server has dropped it (the pre-ping's protection against a restarted server or a
    connection a firewall cut), but not one that came back from a request moments ago: the pre-ping's round trip
    on every checkout costs a request on PostgreSQL about as much as one of its statements. HikariCP (the Java
    pool) does the same and skips its check within 500 ms of a connection's last use. The risk taken: a
    connection dropped within the window fails that one request, after which SQLAlchemy sees the disconnect and
    replaces the pool's connections."""
    from sqlalchemy import event, exc

    dialect = engine.dialect

    @event.listens_for(engine, "checkin")
    def _resting(_dbapi_connection, record):
        record.info["resting_since"] = now()

    @event.listens_for(engine, "checkout")
    def _alive(dbapi_connection, record, _proxy):
        since = record.info.get("resting_since")
        if since is None or now() - since < ping_after_idle:
            return  # a new connection, or one in use moments ago
        try:
            alive = dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, dbapi_connection, None):
                raise exc.DisconnectionError(str(error)) from error  # the pool replaces it and checks out again
            raise
        if not alive:
            raise exc.DisconnectionError("the connection did not answer its ping")


def json_text(value):
    """A JSON column's text. orjson writes what json.dumps writes, except that text stays UTF-8 instead of
    \\u escapes (the same value to every JSON reader, SQLite's and PostgreSQL's functions included); what it
    refuses (keys that are not strings, integers beyond 64 bits) goes to json as before."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value)


def json_value(text):
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:  # NaN or Infinity, which json once wrote and orjson refuses
        return json.loads(text)
