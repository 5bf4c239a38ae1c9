"""The unit of work: one transaction per use case; rolls back unless the entry point commits."""
from contextlib import contextmanager

from ..extensions import db


class UnitOfWork:
    def __init__(self):
        self.session = db.session
        self._committed = False
        self._after_commit = []
        self.cache = {}  # lookups that stay valid for this unit of work (e.g. who holds a role)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if not self._committed:
            self.session.rollback()

    def commit(self):
        self.session.commit()
        self._committed = True
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            callback()

    def after_commit(self, callback):
        """Run callback only once this unit of work has really committed (e.g. to fill in-process caches)."""
        self._after_commit.append(callback)

    @contextmanager
    def savepoint(self):
        """A part that may fail alone (one case of a timer sweep): on an exception its statements are rolled
        back and so are its after-commit callbacks, so no cache learns of a state that was never stored."""
        registered = len(self._after_commit)
        try:
            with self.session.begin_nested():
                yield self
        except BaseException:
            del self._after_commit[registered:]
            # Case columns are written by Core statements and set as committed values on the objects, which
            # the ORM would not expire on its own: make every object reload what the database now holds.
            self.session.expire_all()
            raise

    def rollback(self):
        self.session.rollback()
