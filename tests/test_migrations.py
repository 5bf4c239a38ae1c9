"""The migrations build exactly the schema the models describe, and 0004 gives the administration rows written
before it their subject, so old changes show on the enterprise's and the user's page too."""
import os
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app import create_app
from app.extensions import db
from app.scratch_db import throwaway_database


@pytest.fixture
def fresh_app(tmp_path):
    """An app on its own empty database (the suite's shared one is already at the newest revision)."""
    url, options, drop = throwaway_database(os.environ.get("DATABASE_URL", ""), tmp_path, "migrations")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options,
                      "SECRET_KEY": "test-secret", "UPLOAD_DIR": tmp_path / "uploads"})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    drop()


def test_the_migrated_schema_is_the_models_schema(fresh_app):
    upgrade()
    with db.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert differences == []


def test_tables_whose_ids_must_never_be_reused_keep_autoincrement_on_sqlite(fresh_app):
    """A batch migration copies a SQLite table; the copy must keep AUTOINCREMENT (case ids key the runtime cache
    and the readable code, task ids are in links), whatever later migrations altered."""
    upgrade()
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL sequences never hand out an id twice")
    with db.engine.connect() as conn:
        for table in {t.name for t in db.metadata.sorted_tables if t.kwargs.get("sqlite_autoincrement")}:
            sql = conn.execute(sa.text("SELECT sql FROM sqlite_master WHERE name = :n"), {"n": table}).scalar()
            assert "AUTOINCREMENT" in sql, table


def test_0004_gives_earlier_administration_rows_their_subject(fresh_app):
    upgrade(revision="0003")
    now = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)
    audit = sa.table("audit_event", sa.column("case_id"), sa.column("actor_name"), sa.column("action"),
                     sa.column("task_name"), sa.column("changes", sa.JSON), sa.column("details", sa.JSON),
                     sa.column("reason"), sa.column("created_at", sa.DateTime(timezone=True)))
    rows = [("enterprise_updated", None, {"enterprise_id": 7, "name": "甲"}),
            ("user_deactivated", None, {"user_id": 3, "username": "zhao"}),
            ("password_set", None, {"user_id": 4}),
            ("task_completed", 12, {"task": "x"}),  # a case's row gets no subject
            ("user_updated", None, {"username": "no id"})]  # nothing to take it from
    with db.engine.begin() as conn:
        conn.execute(audit.insert(), [{"case_id": case_id, "actor_name": "admin", "action": action, "task_name": "",
                                       "changes": {}, "details": details, "reason": "", "created_at": now}
                                      for action, case_id, details in rows])
    upgrade()
    with db.engine.connect() as conn:
        found = conn.execute(sa.text("SELECT action, subject_type, subject_id FROM audit_event ORDER BY id")).all()
    assert [tuple(row) for row in found] == [("enterprise_updated", "enterprise", 7), ("user_deactivated", "user", 3),
                                            ("password_set", "user", 4), ("task_completed", None, None),
                                            ("user_updated", None, None)]
    downgrade(revision="0003")  # and back: the columns go, the rows stay
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM audit_event")).scalar() == 5
        assert "subject_type" not in {c["name"] for c in sa.inspect(conn).get_columns("audit_event")}
