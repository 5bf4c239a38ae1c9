"""A step's writes sent together: on PostgreSQL through psycopg's pipeline mode, elsewhere one by one.

Every step of every case ends in the same handful of writes (the state's compare-and-set, the case row, the
task and timer rows, the audit rows). Sent one at a time, each waits for the server's answer before the next
leaves: on PostgreSQL that is a network round trip per statement, several times what the server needs to run
it. In pipeline mode they are sent without waiting and answered together when the block ends.

Only Core INSERT / UPDATE / DELETE statements without RETURNING may run inside `pipelined()`: nothing
can read a result before the block ends (an ORM query there, or an autoflush, would fail loudly on PostgreSQL).
A statement whose row count matters (the compare-and-set) goes through `Pipeline.counted`, whose count is read
after the block. SQLAlchemy does not know pipeline mode, so errors the server reports when the block ends are
turned into SQLAlchemy's exceptions here, as every other statement's errors are.

The statements are also handed to the driver's cursor directly (`_Direct`): compiled once, their parameters
converted by the same type processors SQLAlchemy would apply. SQLAlchemy's per-execution bookkeeping (an
execution context, result objects, events) costs several times what the driver needs for such a write — on
PostgreSQL in pipeline mode ≈ 75 µs against 30 µs, on SQLite ≈ 25 µs against 4 µs — and a step has about ten.
A statement that needs more than a plain execution (Python-side column defaults, expanding IN lists, RETURNING)
runs through SQLAlchemy as before.
"""
from contextlib import contextmanager

from sqlalchemy import exc as sa_exc


class Counted:
    """The row count of one statement, known once its pipeline has ended."""

    def __init__(self, cursor=None, rowcount=None):
        self._cursor = cursor
        self._rowcount = rowcount

    @property
    def rowcount(self):
        return self._rowcount if self._cursor is None else self._cursor.rowcount


class Pipeline:
    def __init__(self, connection, driver):
        self.connection = connection
        self._driver = driver  # the DB-API connection (psycopg's in pipeline mode on PostgreSQL)
        self._cursor = None
        self.direct = 0  # statements handed to the driver directly (tests look)

    def execute(self, statement, params):
        """A write whose result nobody reads (an executemany when `params` is a list)."""
        many = isinstance(params, list)
        direct = _direct(statement, self.connection.dialect, params[0] if many else params)
        if direct is None:
            self.connection.execute(statement, params)
            return
        if self._cursor is None:
            self._cursor = self._driver.cursor()
        self._run(direct, self._cursor, params, many)

    def counted(self, statement, params):
        """A write whose row count is read after the block (`.rowcount` of the returned object; of an executemany,
        when `params` is a list, the rows of all its executions)."""
        many = isinstance(params, list)
        direct = _direct(statement, self.connection.dialect, params[0] if many else params)
        if direct is None:
            return Counted(rowcount=self.connection.execute(statement, params).rowcount)
        cursor = self._driver.cursor()  # its own cursor: its row count must survive the writes after it
        self._run(direct, cursor, params, many)
        return Counted(cursor=cursor)

    def _run(self, direct, cursor, params, many):
        try:
            if many:
                cursor.executemany(direct.sql, [direct.bind(p) for p in params])
            else:
                cursor.execute(direct.sql, direct.bind(params))
        except self.connection.dialect.loaded_dbapi.Error as exc:
            raise sa_exc.DBAPIError.instance(direct.sql, params, exc,
                                             self.connection.dialect.loaded_dbapi.Error) from exc
        self.direct += 1


class _Direct:
    """A statement compiled for one dialect and one set of parameter names, and how to bind its parameters."""
    __slots__ = ("statement", "compiled", "sql", "processors", "positions")

    def __init__(self, statement, compiled):
        self.statement = statement  # kept alive: the cache is keyed by its id()
        self.compiled = compiled
        self.sql = compiled.string
        self.processors = compiled._bind_processors  # what SQLAlchemy applies to each parameter, by bind name
        self.positions = compiled.positiontup if compiled.positional else None

    def bind(self, params):
        values = self.compiled.construct_params(params, escape_names=False)
        processors = self.processors
        for name, process in processors.items():
            if name in values and values[name] is not None:
                values[name] = process(values[name])
        return values if self.positions is None else tuple(values[name] for name in self.positions)


_cache = {}
_CACHE_LIMIT = 2000  # the step's statements are module constants; a caller building statements per call must
                     # not make the cache grow without end (entries keep their statement, so ids stay unique)


def _direct(statement, dialect, params):
    """The statement ready for the driver, or None when it needs SQLAlchemy's execution (see the module doc)."""
    key = (id(statement), dialect.name, frozenset(params))
    try:
        return _cache[key]
    except KeyError:
        pass
    if len(_cache) >= _CACHE_LIMIT:
        _cache.clear()
    compiled = statement.compile(dialect=dialect, column_keys=list(params))
    plain = not (compiled.insert_prefetch or compiled.update_prefetch or compiled.returning
                 or compiled.escaped_bind_names or compiled.literal_execute_params or compiled.post_compile_params
                 or any(bind.expanding for bind in compiled.binds.values()))
    _cache[key] = direct = _Direct(statement, compiled) if plain else None
    if direct is None:
        _cache[key + ("statement",)] = statement  # its id stays taken while the entry lives
    return direct


@contextmanager
def pipelined(session):
    """The session's connection, its writes inside the block sent together on PostgreSQL."""
    connection = session.connection()
    driver = connection.connection.driver_connection
    if connection.dialect.name != "postgresql":
        yield Pipeline(connection, driver)
        return
    import psycopg  # only PostgreSQL deployments have it

    try:
        with driver.pipeline():
            yield Pipeline(connection, driver)
    except psycopg.Error as exc:
        # Raised when the block ends, outside SQLAlchemy: give callers the exception type they handle anywhere
        # else (IntegrityError, OperationalError, ...).
        raise sa_exc.DBAPIError.instance(None, None, exc, psycopg.Error) from exc
