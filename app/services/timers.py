"""Firing due timers: reads the timer table only and loads only the cases that have something due.

A case whose step fails becomes an incident: the failure is stored, its timers are held back until an
admin retries it, and the other cases' timers still fire.
"""
import logging
from dataclasses import dataclass

from sqlalchemy import bindparam, select

from ..clock import clock
from ..errors import DomainError, NotFound, StaleCase
from ..models import HazardCase, Incident, Timer
from . import audit, case_store, sla

log = logging.getLogger(__name__)


@dataclass
class FiredTimer:
    case_code: str
    bpmn_id: str
    name: str
    due_at: object


def due_case_ids(session, limit=1000):
    open_incidents = select(Incident.case_id).where(Incident.resolved_at.is_(None))
    query = select(Timer.case_id).where(Timer.due_at <= clock.now(), Timer.case_id.not_in(open_incidents)) \
        .order_by(Timer.due_at).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        # Concurrent sweepers skip each other's rows instead of firing the same timer twice.
        query = query.with_for_update(skip_locked=True)
    return list(dict.fromkeys(session.execute(query).scalars()))


def fire_due_timers(uow, limit=1000):
    """One sweep. Returns (fired timers, [(case_id, error)]); the caller commits."""
    fired, failures = [], []
    for case_id in due_case_ids(uow.session, limit):
        try:
            with uow.savepoint():
                fired.extend(_fire_case(uow, case_id))
        except StaleCase:
            continue  # another sweeper or a user changed the case meanwhile: its timers are theirs now
        except DomainError as exc:
            log.error("timer sweep: case %s failed: %s", case_id, exc.message)
            _open_incident(uow, case_id, exc.message)
            failures.append((case_id, exc.message))
    return fired, failures


_DUE_OF_CASE = select(Timer.bpmn_id, Timer.name, Timer.due_at).where(
    Timer.case_id == bindparam("case_id"), Timer.due_at <= bindparam("now"))


def _fire_case(uow, case_id):
    case = uow.session.get(HazardCase, case_id)
    due = uow.session.connection().execute(_DUE_OF_CASE, {"case_id": case_id, "now": clock.now()}).all()
    snapshot = [FiredTimer(case.code, bpmn_id, name, due_at) for bpmn_id, name, due_at in due]
    loaded = case_store.load(uow, case)
    case_store.run(case, loaded.runtime.fire_due_timers)
    # The firings go first in the history: they are what moved the case.
    case_store.save(uow, loaded, None, audit_rows=[audit.entry(
        case.id, None, "timer_fired", task_name=timer.name,
        details={"bpmn_id": timer.bpmn_id, "due_at": timer.due_at, "fired_at": clock.now()}) for timer in snapshot])
    sla.record_firings(uow, case.id, [(t.bpmn_id, t.name, t.due_at) for t in snapshot])
    return snapshot


def _open_incident(uow, case_id, error):
    incident = Incident(case_id=case_id, error=error, created_at=clock.now())
    uow.session.add(incident)
    audit.record(uow, case_id, None, "incident_opened", details={"error": error})
    return incident


def open_incidents(session):
    return session.query(Incident).filter(Incident.resolved_at.is_(None)).order_by(Incident.created_at).all()


def retry_incident(uow, actor, incident_id):
    """Release the case's timers and fire what is due now; a new failure reopens the incident."""
    incident = uow.session.get(Incident, incident_id)
    if incident is None or incident.resolved_at is not None:
        raise NotFound("no open incident with that id")
    incident.resolved_at, incident.resolved_by = clock.now(), actor.username
    audit.record(uow, incident.case_id, actor, "incident_retried", details={"incident": incident.id})
    try:
        with uow.savepoint():
            fired = _fire_case(uow, incident.case_id)
    except DomainError as exc:
        reopened = _open_incident(uow, incident.case_id, exc.message)
        reopened.attempts = incident.attempts + 1
        return [], reopened
    return fired, None
