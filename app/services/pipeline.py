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
    def __init__(self, connection, driver=None):
        self.connection = connection
        self._driver = driver  # the psycopg connection in pipeline mode, or None: statements run at once

    def execute(self, statement, params):
        """A write whose result nobody reads (an executemany when `params` is a list)."""
        self.connection.execute(statement, params)

    def counted(self, statement, params):
        """A write whose row count is read after the block (`.rowcount` of the returned object)."""
        if self._driver is None:
            return Counted(rowcount=self.connection.execute(statement, params).rowcount)
        cursor = self._driver.cursor()
        cursor.execute(_sql(statement, self.connection.dialect), params)
        return Counted(cursor=cursor)


_compiled = {}


def _sql(statement, dialect):
    """The statement as psycopg takes it (named `%(name)s` parameters), compiled once per statement."""
    key = (id(statement), dialect.name)
    if key not in _compiled:
        _compiled[key] = (statement, str(statement.compile(dialect=dialect)))  # the statement kept alive
    return _compiled[key][1]


@contextmanager
def pipelined(session):
    """The session's connection, its writes inside the block sent together on PostgreSQL."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        yield Pipeline(connection)
        return
    driver = connection.connection.driver_connection
    import psycopg  # only PostgreSQL deployments have it

    try:
        with driver.pipeline():
            yield Pipeline(connection, driver)
    except psycopg.Error as exc:
        # Raised when the block ends, outside SQLAlchemy: give callers the exception type they handle anywhere
        # else (IntegrityError, OperationalError, ...).
        raise sa_exc.DBAPIError.instance(None, None, exc, psycopg.Error) from exc
