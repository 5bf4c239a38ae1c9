"""Migration 0078 rebuilds the one-owner CHECK from the owner columns the database has, and gives the major and
especially major cases closed before it their effect evaluation, counted from their closing day (Shanghai); open and
lesser cases get none; the downgrade takes the tables and the attachment's owner column away again."""
import importlib.util
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from sqlalchemy.exc import IntegrityError

from alembic.migration import MigrationContext
from alembic.operations import Operations

from app.extensions import db
from app.models.attachment import OWNER_COLUMNS
from tests.test_migrations import fresh_app  # noqa: F401 - the fixture

NOW = datetime(2026, 11, 30, tzinfo=timezone.utc)


def _migration():
    spec = importlib.util.spec_from_file_location(
        "m0078", Path(__file__).parent.parent / "migrations" / "versions" / "0078_effect_evaluations.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def owners_now():
    """The owner columns the migration reads from the database (every foreign key of the attachment but its
    uploader's)."""
    with db.engine.connect() as conn, Operations.context(MigrationContext.configure(conn)):
        return _migration()._owner_columns()


def test_the_one_owner_check_is_built_from_the_owners_the_database_has(fresh_app):  # noqa: F811
    upgrade(revision="0070")
    assert owners_now() == _migration()._OWNERS_AT_0070
    upgrade()
    assert owners_now() == OWNER_COLUMNS  # the model's, effect_evaluation_id last


def test_closed_major_cases_get_their_evaluation(fresh_app):  # noqa: F811
    upgrade(revision="0070")
    with db.engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO enterprise (id, name, credit_code, address, township, industry, main_products, employees, "
            "safety_managers, special_workers, main_risks, major_hazard_sources, contact_person, contact_phone, scale) "
            "VALUES (1, 'E', '91330100MA0000001X', '', '', '', '', 0, 0, 0, '', '', '', '', '')"))
        conn.execute(sa.text("INSERT INTO app_user (id, username, display_name, password_hash, active, created_at, "
                             "failed_logins) VALUES (1, 'u', 'u', 'x', :t, :now, 0)"), {"t": True, "now": NOW})
        conn.execute(sa.text("INSERT INTO process_version (id, process_id, version, content_hash, files, forms, comment, "
                             "created_at, is_deployed) VALUES (1, 'p', 1, 'h', '{}', '{}', '', :now, :t)"),
                     {"now": NOW, "t": True})
        # closed at 17:00 UTC on 30 November: 1 December in Shanghai
        closed_at = datetime(2026, 11, 30, 17, 0, tzinfo=timezone.utc)
        for case_id, grade, status in ((1, "major", "closed"), (2, "especially_major", "closed"),
                                       (3, "major", "rectifying"), (4, "general", "closed")):
            conn.execute(sa.text(
                "INSERT INTO hazard_case (id, code, enterprise_id, inspector_id, hazard_type, place, description, "
                "score, legal_major, grade, status, current_step, round, registered_at, deadlines_provisional, "
                "updated_at, process_version_id, source, closed_at) VALUES (:id, :code, 1, 1, 'x', 'x', 'x', 60, :f, "
                ":grade, :status, '', 1, :now, :f, :now, 1, 'inspection', :closed)"),
                {"id": case_id, "code": f"YH-{case_id}", "grade": grade, "status": status, "now": NOW, "f": False,
                 "closed": closed_at if status == "closed" else None})
    upgrade()
    with db.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT case_id, closed_on, earliest_on, latest_on, conclusion FROM "
                                    "effect_evaluation ORDER BY case_id")).all()
    assert [r[0] for r in rows] == [1, 2]
    first = rows[0]
    assert [str(v) for v in first[1:4]] == [str(date(2026, 12, 1)), str(date(2027, 3, 1)), str(date(2027, 3, 31))]
    assert first[4] is None
    _one_owner_kept(first_evaluation=rows[0])
    downgrade(revision="0070")
    names = sa.inspect(db.engine).get_table_names()
    assert "effect_evaluation" not in names and "evaluation_body" not in names
    assert "effect_evaluation_id" not in {c["name"] for c in sa.inspect(db.engine).get_columns("attachment")}


def _one_owner_kept(first_evaluation):
    """The rebuilt CHECK: a file of an evaluation alone is fine; with a case as well, or a question and a case (an
    owner of before), refused."""
    evaluation_id = None
    with db.engine.connect() as conn:
        evaluation_id = conn.execute(sa.text("SELECT id FROM effect_evaluation WHERE case_id = :c"),
                                     {"c": first_evaluation[0]}).scalar()
    insert = sa.text("INSERT INTO attachment (public_id, original_name, stored_name, content_type, size, sha256, field, "
                     "created_at, case_id, effect_evaluation_id) VALUES (:p, 'a.pdf', :p, 'application/pdf', 1, 'x', '', "
                     ":now, :case, :evaluation)")
    with db.engine.begin() as conn:
        conn.execute(insert, {"p": "one", "now": NOW, "case": None, "evaluation": evaluation_id})
    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.execute(insert, {"p": "two", "now": NOW, "case": 1, "evaluation": evaluation_id})
    with db.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM attachment"))
