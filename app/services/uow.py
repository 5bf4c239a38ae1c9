"""The unit of work: one transaction per use case; rolls back unless the entry point commits."""
from ..extensions import db


class UnitOfWork:
    def __init__(self):
        self.session = db.session
        self._committed = False

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if not self._committed:
            self.session.rollback()

    def commit(self):
        self.session.commit()
        self._committed = True

    def rollback(self):
        self.session.rollback()
