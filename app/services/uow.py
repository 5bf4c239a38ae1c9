"""The unit of work: one transaction per use case; rolls back unless the entry point commits."""
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

    def rollback(self):
        self.session.rollback()
