"""The migrations build exactly the schema the models describe, 0004 gives the administration rows written before it
their subject, so old changes show on the enterprise's and the user's page too, and 0032 archives every checklist
already there as its version 1."""
import json
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


def test_postgresql_keeps_stored_states_in_their_row_uncompressed_again(fresh_app):
    """0037: a state (zstd, a few KB) stays in the workflow_state row instead of going to the TOAST table after a
    futile compression attempt; the downgrade restores PostgreSQL's defaults."""
    upgrade()
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL storage setting")

    def settings():
        with db.engine.connect() as conn:
            options = conn.execute(sa.text("SELECT reloptions FROM pg_class WHERE oid = 'workflow_state'::regclass")).scalar()
            storage = conn.execute(sa.text(
                "SELECT attstorage FROM pg_attribute WHERE attrelid = 'workflow_state'::regclass "
                "AND attname = 'state'")).scalar()
        return options, storage
    assert settings() == (["toast_tuple_target=8160"], "e")
    downgrade(revision="0036")
    assert settings() == (None, "x")


def test_sqlite_migrations_that_copy_a_table_others_refer_to_run_on_a_database_with_data(fresh_app):
    """0044 copies inspection_visit (SQLite cannot add a foreign key in place) while check-ins refer to its rows: with
    foreign keys enforced, dropping the old table failed on any database with visits. Enforcement is off while
    migrating and every reference checked afterwards; the connections the app uses enforce it again."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL alters tables in place")
    upgrade(revision="0046")
    now = "2026-11-23 09:00:00.000000"
    with db.engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO enterprise (id, name, credit_code, address, township, industry, main_products, employees, "
            "safety_managers, special_workers, main_risks, major_hazard_sources, contact_person, contact_phone) "
            "VALUES (1, '甲', '91330100MA0000001X', '', '', '', '', 1, 1, 0, '', '', '', '')"))
        conn.execute(sa.text("INSERT INTO app_user (id, username, display_name, password_hash, active, created_at) "
                             "VALUES (1, 'insp', '排查员', 'x', 1, :now)"), {"now": now})
        conn.execute(sa.text("INSERT INTO inspection_visit (id, enterprise_id, visited_on, inspectors, scope, "
                             "findings, created_at, created_by_id) VALUES (7, 1, '2026-11-23', '排查员', '', '', "
                             ":now, 1)"), {"now": now})
        conn.execute(sa.text("INSERT INTO visit_checkin (visit_id, user_id, arrived_at) VALUES (7, 1, :now)"),
                     {"now": now})
    upgrade()
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT kind FROM inspection_visit WHERE id = 7")).scalar() == "routine"
        assert conn.execute(sa.text("SELECT visit_id FROM visit_checkin")).scalar() == 7
        assert conn.execute(sa.text("PRAGMA foreign_key_check")).fetchall() == []
        assert conn.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(sa.text(
            "SELECT count(*) FROM sqlite_master WHERE name LIKE '_alembic_tmp%'")).scalar() == 0


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


def test_migration_0032_archives_every_existing_list_as_version_1(fresh_app):
    upgrade(revision="0031")
    moment = sa.DateTime(timezone=True)
    checklist = sa.table("checklist", sa.column("id"), sa.column("code"), sa.column("name"), sa.column("name_en"),
                         sa.column("industries", sa.JSON), sa.column("applies_to_all"), sa.column("updated_at", moment))
    items = sa.table("checklist_item", sa.column("checklist_id"), sa.column("code"), sa.column("dimension"),
                     sa.column("content"), sa.column("basis"), sa.column("position"), sa.column("active"),
                     sa.column("updated_at", moment))
    now = datetime(2026, 11, 30, tzinfo=timezone.utc)
    with db.engine.begin() as conn:
        conn.execute(checklist.insert(), [{"id": 1, "code": "mining", "name": "矿山", "name_en": "Mining",
                                           "industries": ["矿山"], "applies_to_all": False, "updated_at": now}])
        conn.execute(items.insert(), [
            {"checklist_id": 1, "code": "KS-02", "dimension": "equipment", "content": "提升机制动可靠", "basis": "",
             "position": 2, "active": False, "updated_at": now},
            {"checklist_id": 1, "code": "KS-01", "dimension": "management", "content": "采矿许可证有效",
             "basis": "《矿山安全法》", "position": 1, "active": True, "updated_at": now}])
    upgrade()
    with db.engine.connect() as conn:
        [row] = conn.execute(sa.text("SELECT version, source, header, items, changes FROM checklist_version")).all()
        assert conn.execute(sa.text("SELECT version FROM checklist")).scalar() == 1
    loaded = [json.loads(v) if isinstance(v, str) else v for v in (row.header, row.items, row.changes)]
    assert (row.version, row.source, loaded[2]) == (1, "initial", [])
    assert loaded[0]["name"] == "矿山" and [i["code"] for i in loaded[1]] == ["KS-01", "KS-02"]
    assert loaded[1][1] == {"code": "KS-02", "dimension": "equipment", "content": "提升机制动可靠", "basis": "",
                            "position": 2, "active": False}
    downgrade(revision="0031")  # and back: the archive goes, the lists stay
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM checklist_item")).scalar() == 2
        assert "version" not in {c["name"] for c in sa.inspect(conn).get_columns("checklist")}
