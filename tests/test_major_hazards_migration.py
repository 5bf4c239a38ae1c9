"""Migration 0045 gives the open major and especially major cases of before it their record, with 48 hours from the
upgrade; closed and lesser cases get none."""
from datetime import datetime, timezone

import sqlalchemy as sa
from flask_migrate import upgrade

from app.extensions import db
from tests.test_migrations import fresh_app  # noqa: F401 - the fixture

NOW = datetime(2026, 11, 30, tzinfo=timezone.utc)


def test_open_major_cases_get_their_record(fresh_app):  # noqa: F811
    upgrade(revision="0042")
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
        for case_id, grade, status in ((1, "major", "rectifying"), (2, "especially_major", "assigning"),
                                       (3, "major", "closed"), (4, "general", "rectifying")):
            conn.execute(sa.text(
                "INSERT INTO hazard_case (id, code, enterprise_id, inspector_id, hazard_type, place, description, "
                "score, legal_major, grade, status, current_step, round, registered_at, deadlines_provisional, "
                "updated_at, process_version_id, source) VALUES (:id, :code, 1, 1, 'x', 'x', 'x', 60, :f, :grade, "
                ":status, '', 1, :now, :f, :now, 1, 'inspection')"),
                {"id": case_id, "code": f"YH-{case_id}", "grade": grade, "status": status, "now": NOW, "f": False})
    upgrade()
    with db.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT case_id, opened_grade, plan_status, report_photos FROM major_hazard "
                                    "ORDER BY case_id")).all()
    assert [(r[0], r[1], r[2]) for r in rows] == [(1, "major", "pending"), (2, "especially_major", "pending")]
    assert all(r[3] in ("[]", []) for r in rows)
