"""Firing due timers: reads the timer table only and loads only the cases that have something due."""
import logging
from dataclasses import dataclass

from sqlalchemy import select

from ..clock import clock
from ..errors import DomainError
from ..models import HazardCase, Timer
from . import audit, case_store

log = logging.getLogger(__name__)


@dataclass
class FiredTimer:
    case_code: str
    bpmn_id: str
    name: str
    due_at: object


def due_case_ids(session, limit=1000):
    query = select(Timer.case_id).where(Timer.due_at <= clock.now()).order_by(Timer.due_at).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        # Concurrent sweepers skip each other's rows instead of firing the same timer twice.
        query = query.with_for_update(skip_locked=True)
    return list(dict.fromkeys(session.execute(query).scalars()))


def fire_due_timers(uow, limit=1000):
    """One sweep. Returns (fired timers, failures); the caller commits.

    Each case runs in its own savepoint: a case whose step fails (a bad expression, missing data) is
    rolled back alone and reported, and the other due timers still fire.
    """
    fired, failures = [], []
    for case_id in due_case_ids(uow.session, limit):
        try:
            with uow.session.begin_nested():
                fired.extend(_fire_case(uow, case_id))
        except DomainError as exc:
            log.error("timer sweep: case %s failed: %s", case_id, exc.message)
            failures.append((case_id, exc.message))
    return fired, failures


def _fire_case(uow, case_id):
    case = uow.session.get(HazardCase, case_id)
    due = uow.session.query(Timer).filter(Timer.case_id == case_id, Timer.due_at <= clock.now()).all()
    snapshot = [FiredTimer(case.code, t.bpmn_id, t.name, t.due_at) for t in due]
    loaded = case_store.load(uow, case)
    case_store.run(case, loaded.runtime.fire_due_timers)
    case_store.save(uow, loaded, None)
    for timer in snapshot:
        audit.record(uow, case.id, None, "timer_fired", task_name=timer.name,
                     details={"bpmn_id": timer.bpmn_id, "due_at": timer.due_at, "fired_at": clock.now()})
    return snapshot
