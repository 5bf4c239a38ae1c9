"""Several scheduler processes on one PostgreSQL fire each due timer exactly once."""
import threading
from collections import Counter

import pytest

from app.clock import clock
from app.extensions import db
from app.models import AuditEvent, Notification, TimerFiring
from app.services import timers
from app.services.case_store import _cache
from app.services.uow import UnitOfWork
from tests.test_lifecycle_service import register

SWEEPERS = 4
CASES = 24


def test_concurrent_sweepers_fire_each_timer_once(app, people):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("FOR UPDATE SKIP LOCKED between real concurrent sessions: PostgreSQL only")
    case_ids = [register(people) for _ in range(CASES)]
    clock.advance(hours=2, minutes=1)
    _cache.clear()  # separate processes would not share the in-process runtime cache
    db.session.remove()
    barrier = threading.Barrier(SWEEPERS, timeout=30)
    results, errors = [], []

    def sweeper():
        with app.app_context():
            try:
                barrier.wait()
                with UnitOfWork() as uow:
                    fired, failures = timers.fire_due_timers(uow, limit=5)  # small batches: interleave
                    uow.commit()
                while fired:
                    results.extend(fired)
                    with UnitOfWork() as uow:
                        fired, more = timers.fire_due_timers(uow, limit=5)
                        uow.commit()
                    failures += more
                errors.extend(failures)
            except Exception as exc:  # noqa: BLE001 — surfaced by the assertion below
                errors.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=sweeper) for _ in range(SWEEPERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    per_case = Counter(f.case_code for f in results)
    assert len(per_case) == CASES and set(per_case.values()) == {1}
    firings = Counter(case_id for (case_id,) in db.session.query(TimerFiring.case_id))
    assert firings == Counter({case_id: 1 for case_id in case_ids})
    fired_events = db.session.query(AuditEvent).filter_by(action="timer_fired").count()
    assert fired_events == CASES
    lead_notes = db.session.query(Notification).filter_by(user_id=people.project_lead.id,
                                                          kind="assignment_overdue").count()
    assert lead_notes == CASES
