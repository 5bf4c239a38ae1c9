"""Pooled connections to a database server are pinged when they come out of a rest, not at every checkout
(app/extensions.py configure_pool_ping): a connection back from a request moments ago is handed out as it is; one
that rested longer than DATABASE_PING_AFTER_IDLE_SECONDS is pinged and, when the server dropped it, replaced
before the request sees it. The pings are counted on a real PostgreSQL connection; the pool's clock is the
test's."""
import os

import pytest
import sqlalchemy as sa
from sqlalchemy import exc

from app.config import ping_after_idle
from app.extensions import configure_pool_ping, db, engine_options, wants_idle_ping

PG_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = PG_URL.startswith("postgresql")


@pytest.mark.parametrize("text", ["abc", "-1", "nan", "inf", "3601"])
def test_a_window_that_is_no_number_of_seconds_stops_the_start(text):
    with pytest.raises(RuntimeError, match="DATABASE_PING_AFTER_IDLE_SECONDS"):
        ping_after_idle({"DATABASE_PING_AFTER_IDLE_SECONDS": text})
    assert ping_after_idle({}) == 0.5
    assert ping_after_idle({"DATABASE_PING_AFTER_IDLE_SECONDS": "0"}) == 0


def test_the_idle_ping_takes_the_place_of_the_pre_ping_on_a_server_only():
    server, embedded = "postgresql+psycopg://u@h/db", "sqlite:///x.sqlite3"
    asked = {"pool_pre_ping": True}
    assert "pool_pre_ping" not in engine_options(server, asked, 0.5) and wants_idle_ping(server, asked, 0.5)
    assert engine_options(server, asked, 0)["pool_pre_ping"] and not wants_idle_ping(server, asked, 0)
    assert "pool_pre_ping" not in engine_options(embedded, asked, 0.5) and not wants_idle_ping(embedded, asked, 0.5)
    assert not wants_idle_ping(server, {}, 0.5)  # nobody asked for pings


def test_the_app_pings_by_rest_on_postgresql(app):
    with app.app_context():
        options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
        assert "pool_pre_ping" not in options
        assert bool(db.engine.pool.dispatch.checkout) == ON_POSTGRES


needs_postgres = pytest.mark.skipif(not ON_POSTGRES, reason="a server connection to drop: PostgreSQL only")


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def pool():
    """(engine, clock, pings): one pooled connection, pinged after 0.5 s of rest, the pings counted."""
    engine = sa.create_engine(PG_URL, pool_size=1, max_overflow=0, **engine_options(PG_URL, {"pool_pre_ping": True},
                                                                                   0.5))
    clock, pings = Clock(), []
    real_ping = engine.dialect.do_ping

    def counted_ping(dbapi_connection):
        pings.append(clock.now)
        return real_ping(dbapi_connection)

    engine.dialect.do_ping = counted_ping
    configure_pool_ping(engine, 0.5, now=clock)
    yield engine, clock, pings
    engine.dispose()


def backend_pid(engine):
    with engine.connect() as connection:
        return connection.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()


def terminate(pid):
    killer = sa.create_engine(PG_URL, poolclass=sa.pool.NullPool)
    with killer.connect() as connection:
        # with a timeout it waits until the backend is gone (PostgreSQL 14+), not only signalled
        assert connection.execute(sa.text("SELECT pg_terminate_backend(:pid, 10000)"), {"pid": pid}).scalar()
    killer.dispose()


@needs_postgres
def test_a_connection_back_moments_ago_is_not_pinged_one_that_rested_is(pool):
    engine, clock, pings = pool
    first = backend_pid(engine)  # a new connection: nothing to check
    clock.now += 0.1
    assert backend_pid(engine) == first and pings == []
    clock.now += 0.49
    backend_pid(engine)
    assert pings == []  # each use starts the rest again
    clock.now += 0.5
    assert backend_pid(engine) == first and pings == [clock.now]


@pytest.fixture
def dropped(pool):
    """The pool of `pool` whose one connection the server has just terminated, and that connection's pid."""
    engine, clock, pings = pool
    first = backend_pid(engine)
    terminate(first)
    return engine, clock, pings, first


@needs_postgres
def test_a_connection_the_server_dropped_during_a_rest_is_replaced_before_the_request_sees_it(dropped):
    engine, clock, pings, first = dropped
    clock.now += 60
    second = backend_pid(engine)  # pinged, found dead, replaced: the statement runs on a new connection
    assert second != first and len(pings) == 1


@needs_postgres
def test_a_connection_dropped_within_the_window_fails_one_request_then_the_pool_recovers(dropped):
    """The risk the window takes, as the docstring of configure_pool_ping says."""
    engine, clock, pings, first = dropped
    clock.now += 0.1
    with pytest.raises(exc.OperationalError) as raised:
        backend_pid(engine)
    assert raised.value.connection_invalidated
    assert backend_pid(engine) != first and pings == []
