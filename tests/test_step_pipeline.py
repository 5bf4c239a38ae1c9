"""A step's writes travel together (services.pipeline): on PostgreSQL in psycopg's pipeline mode, one round trip
for the compare-and-set, the case row, the task and timer rows and the audit rows; on SQLite one by one. What
must hold either way: the compare-and-set's row count, the database's errors as SQLAlchemy exceptions, and no
object in the session showing a row the step deleted."""
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Attachment, AuditEvent, HazardCase, HumanTask, User, WorkflowState
from app.services import audit, tasks
from app.services.pipeline import pipelined
from app.services.uow import UnitOfWork
from tests.test_lifecycle_service import ASSIGN, open_tasks, rectify_data, register

_STATE_CAS = sa.update(WorkflowState.__table__).where(
    WorkflowState.case_id == sa.bindparam("b_case_id"), WorkflowState.version == sa.bindparam("b_version")) \
    .values(version=sa.bindparam("version"))

_CASE_FLAGS = sa.update(HazardCase.__table__).where(HazardCase.id == sa.bindparam("b_id")) \
    .values(deadlines_provisional=sa.bindparam("flag"), verification_due=sa.bindparam("due"))


def on_postgresql():
    return db.engine.dialect.name == "postgresql"


def test_counted_writes_report_their_row_count_after_the_block(people):
    case_id = register(people)
    version = db.session.get(WorkflowState, case_id).version
    with UnitOfWork() as uow:
        with pipelined(uow.session) as pipe:
            hit = pipe.counted(_STATE_CAS, {"b_case_id": case_id, "b_version": version, "version": version + 1})
            miss = pipe.counted(_STATE_CAS, {"b_case_id": case_id, "b_version": version, "version": version + 2})
        assert (hit.rowcount, miss.rowcount) == (1, 0)  # the second saw the first one's write
        uow.commit()
    db.session.expire_all()
    assert db.session.get(WorkflowState, case_id).version == version + 1


def test_a_database_error_in_the_block_is_sqlalchemys_and_loses_the_whole_block(people):
    users = User.__table__
    rename = sa.update(users).where(users.c.id == sa.bindparam("b_id")).values(display_name=sa.bindparam("name"))
    duplicate = sa.update(users).where(users.c.id == sa.bindparam("b_id")).values(username=sa.bindparam("name"))
    with UnitOfWork() as uow:
        with pytest.raises(sa.exc.IntegrityError):
            with pipelined(uow.session) as pipe:
                pipe.execute(rename, {"b_id": people.bureau.id, "name": "改名"})
                pipe.execute(duplicate, {"b_id": people.bureau.id, "name": people.expert.username})
        uow.rollback()
    db.session.expire_all()
    assert db.session.get(User, people.bureau.id).display_name == "bureau"
    assert db.session.query(User).count() == len(people) - 2  # the session works again


def test_a_steps_writes_go_in_one_pipeline_on_postgresql(people, monkeypatch):
    if not on_postgresql():
        pytest.skip("pipeline mode is PostgreSQL's (psycopg); SQLite runs the same writes one by one")
    import psycopg
    case_id = register(people)
    task = open_tasks(case_id)["assignment"]
    seen = []

    # Watched at the driver: the step's writes bypass SQLAlchemy's execution (and its events).
    def watch(method):
        def watched(cursor, query, *args, **kwargs):
            words = str(query).split()
            if words[0] in ("INSERT", "UPDATE", "DELETE"):
                table = words[2] if words[0] != "UPDATE" else words[1]
                seen.append((words[0], table, cursor.connection.pgconn.pipeline_status != 0))
            return method(cursor, query, *args, **kwargs)
        return watched
    monkeypatch.setattr(psycopg.Cursor, "execute", watch(psycopg.Cursor.execute))
    monkeypatch.setattr(psycopg.Cursor, "executemany", watch(psycopg.Cursor.executemany))
    with UnitOfWork() as uow:
        tasks.complete(uow, people.project_lead, task.id, ASSIGN)
        uow.commit()
    step_writes = [(verb, table) for verb, table, pipelined_ in seen
                   if table in ("hazard_case", "human_task", "timer", "audit_event")]
    assert ("INSERT", "audit_event") in step_writes and ("DELETE", "human_task") in step_writes
    assert all(pipelined_ for verb, table, pipelined_ in seen
               if table in ("hazard_case", "human_task", "timer", "audit_event")), seen


def test_a_steps_photo_links_go_among_its_writes(people, monkeypatch):
    """Not as a statement of their own before the engine runs (one round trip less on PostgreSQL): SQLAlchemy
    executes no UPDATE of attachment during the step; on PostgreSQL the driver gets it in pipeline mode."""
    case_id = register(people)
    tasks_by_key = open_tasks(case_id)
    with UnitOfWork() as uow:
        tasks.complete(uow, people.project_lead, tasks_by_key["assignment"].id, ASSIGN)
        uow.commit()
    through_sqlalchemy, at_driver = [], []

    def statement(_conn, _cursor, text, *_args):
        through_sqlalchemy.append(text.split()[0:2])
    sa.event.listen(db.engine, "before_cursor_execute", statement)
    if on_postgresql():
        import psycopg

        def watch(method):
            def watched(cursor, query, *args, **kwargs):
                if str(query).startswith("UPDATE attachment"):
                    at_driver.append(cursor.connection.pgconn.pipeline_status != 0)
                return method(cursor, query, *args, **kwargs)
            return watched
        monkeypatch.setattr(psycopg.Cursor, "executemany", watch(psycopg.Cursor.executemany))
    try:
        with UnitOfWork() as uow:
            tasks.complete(uow, people.ent_a, open_tasks(case_id)["rectification"].id, rectify_data(people.ent_a))
            uow.commit()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", statement)
    assert ["UPDATE", "attachment"] not in through_sqlalchemy
    assert at_driver == ([True] if on_postgresql() else [])
    assert db.session.query(Attachment).filter_by(case_id=case_id, field="after_photos").count() == 1


def test_writes_go_to_the_driver_with_sqlalchemys_parameter_conversions(people):
    """Dates (strings on SQLite), JSON and booleans reach the database as SQLAlchemy would have written them:
    the rows read back through the ORM are the values written."""
    when = datetime(2026, 11, 23, 9, 30, 15, 123456, tzinfo=timezone.utc)
    case_id = register(people)
    with UnitOfWork() as uow:
        with pipelined(uow.session) as pipe:
            pipe.execute(audit._INSERT, audit.entry(case_id, people.bureau, "probe", changes={"a": [1, "二"]},
                                                    details={"when": when}))
            pipe.execute(_CASE_FLAGS, {"b_id": case_id, "flag": True, "due": when})
        assert pipe.direct == 2
        uow.commit()
    db.session.expire_all()
    row = db.session.query(AuditEvent).filter_by(case_id=case_id, action="probe").one()
    assert (row.changes, row.details) == ({"a": [1, "二"]}, {"when": when.isoformat()})
    case = db.session.get(HazardCase, case_id)
    assert case.deadlines_provisional is True and case.verification_due == when


def test_a_statement_needing_sqlalchemy_runs_through_it(people):
    """An expanding IN list is rendered per call by SQLAlchemy: such a statement is not sent directly."""
    case_id = register(people)
    users = User.__table__
    rename = sa.update(users).where(users.c.id.in_(sa.bindparam("ids", expanding=True))) \
        .values(display_name=sa.bindparam("name"))
    with UnitOfWork() as uow:
        with pipelined(uow.session) as pipe:
            pipe.execute(rename, {"ids": [people.bureau.id, people.expert.id], "name": "改名"})
        assert pipe.direct == 0
        uow.commit()
    db.session.expire_all()
    assert {db.session.get(User, u.id).display_name for u in (people.bureau, people.expert)} == {"改名"}
    assert case_id


def test_an_expired_task_object_leaves_the_session_when_its_row_goes(people):
    case_id = register(people)
    task = open_tasks(case_id)["assignment"]
    task_id = task.id
    db.session.expire(task)  # as after a rollback: the object stays in the session, its columns unknown
    with UnitOfWork() as uow:
        tasks.complete(uow, people.project_lead, task_id, ASSIGN)
        assert "task_guid" not in task.__dict__  # the step did not load it
        uow.commit()
    assert task not in db.session
    assert db.session.get(HumanTask, task_id) is None
    assert set(open_tasks(case_id)) == {"rectification"}
