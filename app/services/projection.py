"""Writing a case's projection rows (`human_task`, `timer`) and projected case columns with Core statements.

These run on every step of every case. The statements are built once here with bind parameters: building a
SQLAlchemy statement per call (and its cache key) costs several times what SQLite needs to run it.
`loaded_object` / `set_committed` keep an object the session already holds in step with such a Core write
(used here and by other services that write with Core: attachments, the key-supervision list).
"""
from sqlalchemy import bindparam, delete, insert, inspect, select, update
from sqlalchemy.orm.attributes import set_committed_value

from ..clock import clock
from ..models import HazardCase, HumanTask, Timer

_COLUMNS = {HumanTask: ("bpmn_id", "name", "role", "form_key", "enterprise_id", "grade", "due_at", "sort_due"),
            Timer: ("bpmn_id", "name", "due_at")}


class _Statements:
    def __init__(self, model):
        table = model.__table__
        self.columns = _COLUMNS[model]
        self.select = select(table.c.task_guid, *(table.c[name] for name in self.columns)) \
            .where(table.c.case_id == bindparam("case_id"))
        self.delete = delete(table).where(table.c.case_id == bindparam("case_id"),
                                          table.c.task_guid.in_(bindparam("guids", expanding=True))) \
            .returning(table.c.id)
        self.insert = insert(table)
        self.update = update(table).where(table.c.task_guid == bindparam("b_guid")) \
            .values({name: bindparam(name) for name in self.columns}).returning(table.c.id)


_STATEMENTS = {model: _Statements(model) for model in _COLUMNS}
_UPDATE_CASE = update(HazardCase.__table__).where(HazardCase.__table__.c.id == bindparam("b_id"))


def stored_rows(session, model, case_id):
    """{guid: projected values} as the database holds them for the case."""
    st = _STATEMENTS[model]
    return {row[0]: dict(zip(st.columns, row[1:]))
            for row in session.connection().execute(st.select, {"case_id": case_id})}


def sync_rows(session, model, case_id, existing, wanted):
    """Make the case's rows match `wanted` ({guid: values}), given what is stored (`existing`).

    Rows that stay keep their other columns (a claim on a task survives); projected values that changed
    (a new deadline, or a new name, role or form after the case moved to another process version) are
    written. Objects of changed rows already in the session are dropped or expired so none shows a stale row.
    """
    st = _STATEMENTS[model]
    conn = session.connection()
    stale = [guid for guid in existing if guid not in wanted]
    if stale:
        for (row_id,) in conn.execute(st.delete, {"case_id": case_id, "guids": stale}):
            obj = loaded_object(session, model, row_id)
            if obj is not None:
                session.expunge(obj)
    now = clock.now()
    new = [dict(values, case_id=case_id, task_guid=guid, created_at=now)
           for guid, values in wanted.items() if guid not in existing]
    if new:
        conn.execute(st.insert, new)
    for guid, values in wanted.items():
        if guid in existing and existing[guid] != values:
            row_id = conn.execute(st.update, dict(values, b_guid=guid)).scalar()
            obj = loaded_object(session, model, row_id)
            if obj is not None:
                session.expire(obj)
    return {guid: dict(values) for guid, values in wanted.items()}


def write_case(session, case, values):
    """Write changed case columns in one UPDATE; the object then holds them as committed values, so the ORM
    does not write them a second time at commit."""
    if not values:
        return
    session.connection().execute(_UPDATE_CASE, dict(values, b_id=case.id))
    set_committed(case, values)


def loaded_object(session, model, row_id):
    """The object of this row if the session has loaded it, else None (nothing is read)."""
    return session.identity_map.get(inspect(model).identity_key_from_primary_key((row_id,)))


def set_committed(obj, values):
    """After a Core UPDATE wrote `values` to the object's row: the object holds them as committed values, so it
    shows what is stored and the ORM does not write them again."""
    for field, value in values.items():
        set_committed_value(obj, field, value)
