"""Two people doing the same thing at the same moment, in two real concurrent sessions (PostgreSQL: SQLite
serialises writers): the helpers the race tests share. No tests here."""
import threading

import pytest

from app.errors import Conflict
from app.extensions import db
from app.models import User
from app.services.uow import UnitOfWork


def needs_two_sessions():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs two real concurrent sessions: PostgreSQL only (SQLite serialises writers)")


def meet_at(monkeypatch, owner, name, before=False):
    """Make both sessions wait for each other at `owner.<name>`: once past it (or, `before`, just before calling
    it), so that both have read what the other is about to change."""
    barrier = threading.Barrier(2, timeout=20)
    real = getattr(owner, name)

    def both(*args, **kwargs):
        if before:
            barrier.wait()
            return real(*args, **kwargs)
        result = real(*args, **kwargs)
        barrier.wait()
        return result
    monkeypatch.setattr(owner, name, both)


def one_wins(app, usernames, action):
    """Run `action(uow, user)` for the two users in two threads, each in its own session and unit of work: exactly
    one commits, the other gets a Conflict, whose message is returned."""
    db.session.remove()
    outcomes = {}

    def attempt(username):
        with app.app_context():
            user = db.session.query(User).filter_by(username=username).one()
            try:
                with UnitOfWork() as uow:
                    action(uow, user)
                    uow.commit()
                outcomes[username] = "ok"
            except Conflict as exc:
                outcomes[username] = exc.message
            finally:
                db.session.remove()
    threads = [threading.Thread(target=attempt, args=(name,)) for name in usernames]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(v == "ok" for v in outcomes.values()) == [False, True], outcomes
    return next(v for v in outcomes.values() if v != "ok")
