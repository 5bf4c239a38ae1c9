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
        # No RETURNING here: these run in a step's pipeline (services.pipeline), where nothing is read back.
        # One row per execution (an executemany): a plain statement, which services.pipeline hands to the
        # driver directly, where an IN list would need SQLAlchemy to render it per call.
        self.delete = delete(table).where(table.c.case_id == bindparam("case_id"),
                                          table.c.task_guid == bindparam("guid"))
        self.insert = insert(table).inline()  # no RETURNING of new ids: the rows are written in a pipeline
        self.update = update(table).where(table.c.task_guid == bindparam("b_guid")) \
            .values({name: bindparam(name) for name in self.columns})


_STATEMENTS = {model: _Statements(model) for model in _COLUMNS}
_UPDATE_CASE = update(HazardCase.__table__).where(HazardCase.__table__.c.id == bindparam("b_id"))


def stored_rows(session, model, case_id):
    """{guid: projected values} as the database holds them for the case."""
    st = _STATEMENTS[model]
    return {row[0]: dict(zip(st.columns, row[1:]))
            for row in session.connection().execute(st.select, {"case_id": case_id})}


def stored_rows_of_cases(session, model, case_ids):
    """(case_id, guid, projected values) of every row the database holds for these cases."""
    table, columns = model.__table__, _COLUMNS[model]
    query = select(table.c.case_id, table.c.task_guid, *(table.c[name] for name in columns)) \
        .where(table.c.case_id.in_(case_ids))
    return [(row[0], row[1], dict(zip(columns, row[2:]))) for row in session.connection().execute(query)]


def sync_rows(pipe, model, case_id, existing, wanted):
    """Make the case's rows match `wanted` ({guid: values}), given what is stored (`existing`), with writes
    sent through `pipe` (services.pipeline: nothing is read back, no object is touched; `forget_held`
    does that after the pipeline). Returns (the rows now stored, guids deleted, guids rewritten).

    Rows that stay keep their other columns (a claim on a task survives); projected values that changed
    (a new deadline, or a new name, role or form after the case moved to another process version) are
    written.
    """
    st = _STATEMENTS[model]
    gone = [guid for guid in existing if guid not in wanted]
    changed = {guid: values for guid, values in wanted.items() if guid in existing and existing[guid] != values}
    if gone:
        pipe.execute(st.delete, [{"case_id": case_id, "guid": guid} for guid in gone])
    now = clock.now()
    new = [dict(values, case_id=case_id, task_guid=guid, created_at=now)
           for guid, values in wanted.items() if guid not in existing]
    if new:
        pipe.execute(st.insert, new)
    for guid, values in changed.items():
        pipe.execute(st.update, dict(values, b_guid=guid))
    return {guid: dict(values) for guid, values in wanted.items()}, set(gone), set(changed)


def held_rows(session):
    """The task and timer objects the session holds: usually none, since steps write these rows with Core
    (a keys-only look at the identity map, nothing is read)."""
    identity_map = session.identity_map
    return [obj for obj in (identity_map.get(key) for key in identity_map.keys() if key[0] in _COLUMNS)
            if obj is not None]


def forget_held(session, held, case_id, gone, changed):
    """After `sync_rows` deleted (`gone`) or rewrote (`changed`) rows of the case, drop or expire the held
    objects of those rows, so none shows a stale row. `gone` / `changed`: {model: guids}. An expired object
    (its row not loaded, say after a commit) is dropped when its row no longer exists."""
    unknown = []
    for obj in held:
        values = obj.__dict__
        if "task_guid" not in values:
            unknown.append(obj)
        elif values.get("case_id") == case_id and values["task_guid"] in gone[type(obj)]:
            session.expunge(obj)
        elif values.get("case_id") == case_id and values["task_guid"] in changed[type(obj)]:
            session.expire(obj)
    for model in {type(obj) for obj in unknown}:
        ids = {inspect(obj).identity[0]: obj for obj in unknown if type(obj) is model}
        alive = set(session.connection().execute(select(model.id).where(model.id.in_(ids))).scalars())
        for row_id, obj in ids.items():
            if row_id not in alive:
                session.expunge(obj)


def write_case(session, case, values, pipe=None):
    """Write changed case columns in one UPDATE (within `pipe` when given); the object then holds them as
    committed values, so the ORM does not write them a second time at commit."""
    if not values:
        return
    (pipe or session.connection()).execute(_UPDATE_CASE, dict(values, b_id=case.id))
    set_committed(case, values)


def loaded_object(session, model, row_id):
    """The object of this row if the session has loaded it, else None (nothing is read)."""
    return session.identity_map.get(inspect(model).identity_key_from_primary_key((row_id,)))


def set_committed(obj, values):
    """After a Core UPDATE wrote `values` to the object's row: the object holds them as committed values, so it
    shows what is stored and the ORM does not write them again."""
    for field, value in values.items():
        set_committed_value(obj, field, value)
