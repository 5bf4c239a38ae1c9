"""Append-only audit trail of domain events."""
from sqlalchemy import insert

from ..clock import clock
from ..models import AuditEvent

_INSERT = insert(AuditEvent.__table__).inline()  # no RETURNING of the new id: nothing reads it (and it may be pipelined)


def entry(case_id, actor, action, task_name="", changes=None, details=None, reason="", subject=None):
    """One audit row, to be written by `write` (several rows of one step go in one statement).
    subject: (type, id) of what a row outside a case is about, e.g. ("enterprise", 7)."""
    subject_type, subject_id = subject or (None, None)
    return {"case_id": case_id, "actor_id": getattr(actor, "id", None),
            "actor_name": getattr(actor, "username", None) or "system", "action": action,
            "task_name": task_name or "", "changes": _jsonable(changes or {}), "details": _jsonable(details or {}),
            "reason": reason or "", "created_at": clock.now(), "subject_type": subject_type,
            "subject_id": subject_id}


def write(uow, rows, pipe=None):
    """Written at once with a Core INSERT (it is on every step's path; nothing reads the rows back as
    objects), in the unit of work's transaction, in the order given; within `pipe` when a step's writes
    travel together (see services.pipeline)."""
    if rows:
        params = rows if len(rows) > 1 else rows[0]
        if pipe is not None:
            pipe.execute(_INSERT, params)
        else:
            uow.session.connection().execute(_INSERT, params)


def record(uow, case_id, actor, action, task_name="", changes=None, details=None, reason="", subject=None):
    write(uow, [entry(case_id, actor, action, task_name, changes, details, reason, subject)])


def history(uow, case_id):
    return uow.session.query(AuditEvent).filter_by(case_id=case_id) \
        .order_by(AuditEvent.created_at, AuditEvent.id).all()


def subject_history(session, subject_type, subject_id, limit=200, exclude=()):
    """The latest `limit` rows about one enterprise or user, newest first (without the actions in `exclude`)."""
    query = session.query(AuditEvent).filter_by(subject_type=subject_type, subject_id=subject_id)
    if exclude:
        query = query.filter(AuditEvent.action.not_in(exclude))
    return query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(limit).all()


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
