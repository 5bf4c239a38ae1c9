"""Firing due timers: reads the timer table only and loads only the cases that have something due.

A case whose step fails becomes an incident: the failure is stored, its timers are held back until an
admin retries it, and the other cases' timers still fire.
"""
import logging
from dataclasses import dataclass

from collections import defaultdict

from sqlalchemy import bindparam, select

from ..clock import clock
from ..errors import DomainError, NotFound, StaleCase
from ..models import HazardCase, HumanTask, Incident, Timer, WorkflowState
from . import audit, case_store, projection, sla
from .calendar import REVISION_SUBQUERY

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


_READ_AHEAD = 100  # cases whose rows are read together (a few statements instead of five per case)


def fire_due_timers(uow, limit=1000):
    """One sweep. Returns (fired timers, [(case_id, error)]); the caller commits."""
    fired, failures = [], []
    case_ids = due_case_ids(uow.session, limit)
    for start in range(0, len(case_ids), _READ_AHEAD):
        chunk = case_ids[start:start + _READ_AHEAD]
        ahead = _Ahead(uow.session, chunk)
        for case_id in chunk:
            try:
                with uow.savepoint():
                    fired.extend(_fire_case(uow, case_id, ahead))
            except StaleCase:
                continue  # another sweeper or a user changed the case meanwhile: its timers are theirs now
            except DomainError as exc:
                log.error("timer sweep: case %s failed: %s", case_id, exc.message)
                _open_incident(uow, case_id, exc.message)
                failures.append((case_id, exc.message))
    return fired, failures


class _Ahead:
    """What firing a chunk of cases reads, read for the whole chunk at once: the case objects (then in the
    session), their due timers, stored states and projection rows, and the calendar's revision. A user's step
    in between is caught as before: the save compares the state version it read."""

    def __init__(self, session, case_ids):
        now = clock.now()
        cases = session.scalars(select(HazardCase).where(HazardCase.id.in_(case_ids)))
        self.cases = {case.id: case for case in cases}
        self.due = defaultdict(list)
        for case_id, bpmn_id, name, due_at in session.execute(
                select(Timer.case_id, Timer.bpmn_id, Timer.name, Timer.due_at)
                .where(Timer.case_id.in_(case_ids), Timer.due_at <= now).order_by(Timer.due_at, Timer.id)):
            self.due[case_id].append((bpmn_id, name, due_at))
        self.states = {case_id: (version, state) for case_id, version, state in session.execute(
            select(WorkflowState.case_id, WorkflowState.version, WorkflowState.state)
            .where(WorkflowState.case_id.in_(case_ids)))}
        self.rows = {case_id: {HumanTask: {}, Timer: {}} for case_id in case_ids}
        for model in (HumanTask, Timer):
            for case_id, guid, values in projection.stored_rows_of_cases(session, model, case_ids):
                self.rows[case_id][model][guid] = values
        self.calendar_revision = session.execute(select(REVISION_SUBQUERY)).scalar()


_DUE_OF_CASE = select(Timer.bpmn_id, Timer.name, Timer.due_at).where(
    Timer.case_id == bindparam("case_id"), Timer.due_at <= bindparam("now")).order_by(Timer.due_at, Timer.id)


def _fire_case(uow, case_id, ahead=None):
    """Fire what is due of one case. `ahead`: the chunk's rows read beforehand (a sweep), else read here."""
    if ahead is None or case_id not in ahead.states:
        case = uow.session.get(HazardCase, case_id)
        due = uow.session.connection().execute(_DUE_OF_CASE, {"case_id": case_id, "now": clock.now()}).all()
        loaded = case_store.load(uow, case)
    else:
        case, due = ahead.cases[case_id], ahead.due[case_id]
        version, state = ahead.states[case_id]
        loaded = case_store.load(uow, case, state_version=version, state=state,
                                 calendar_revision=ahead.calendar_revision, projection=ahead.rows[case_id])
    snapshot = [FiredTimer(case.code, bpmn_id, name, due_at) for bpmn_id, name, due_at in due]
    case_store.run(case, loaded.runtime.fire_due_timers)
    # The firings go first in the history: they are what moved the case. The runtime is not kept for the
    # cache: a sweep commits up to a thousand cases at once, and keeping each would hold them all in memory
    # until then (every garbage collection walking them: ≈ 0.3 ms a case); the case's next step seldom comes
    # to this process (the web server's own cache has the older version and reads the new one anyway).
    case_store.save(uow, loaded, None, keep_runtime=False, audit_rows=[audit.entry(
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
