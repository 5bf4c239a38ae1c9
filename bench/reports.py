"""Benchmark: the statistics page's report (the county's, and a township office's of its area),
the audit log's queries, the regional risk grading and the inspection
priority list on a large history.

Fills BENCH_CASES cases (default 100,000) spread over a year across 200 enterprises, and BENCH_AUDIT audit rows
(default 1,000,000: ten per case), then times reports.build for a month and for the year (for a manager, and for a township office
covering one of the three townships), and the audit log's
first page unfiltered, by action, by actor and by case code, plus its total count. Prints one table.

Run: `.venv/bin/python bench/reports.py`, or with DATABASE_URL set to a PostgreSQL database (a throwaway schema
is created and dropped).
"""
import os
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402
from app.clock import SHANGHAI, clock  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import AuditEvent, Enterprise, HazardCase, ProcessVersion, User, UserRole, UserTownship  # noqa: E402
from app.scratch_db import throwaway_database  # noqa: E402
from app.services import audit_log, inspection_priority, region_risk, reports  # noqa: E402
from app.services.credit_code import with_check_character  # noqa: E402
from lifecycle import insert_in_batches, timed  # noqa: E402

CASES = int(os.environ.get("BENCH_CASES", "100000"))
AUDIT_ROWS = int(os.environ.get("BENCH_AUDIT", "1000000"))
REPEAT = 5
TYPES = ["fire", "electrical", "machinery", "special_equipment", "chemicals", "confined_space", "site"]
ACTIONS = ["hazard_registered", "case_updated", "task_completed", "timer_fired", "process_event"]


def fill(manager):
    random.seed(7)
    start = datetime(2025, 12, 1, tzinfo=SHANGHAI)
    enterprises = [dict(name=f"企业{i:03d}", credit_code=with_check_character(f"91330100BE{i:07d}"),
                        industry=random.choice(["化工", "机械", "食品", "建材"]),
                        township=random.choice(["城关镇", "南湖镇", "滨江园区"]),
                        major_hazard_sources="液氨储罐" if i % 10 == 0 else "") for i in range(200)]
    db.session.execute(sa.insert(Enterprise), enterprises)
    version_id = db.session.execute(sa.insert(ProcessVersion).values(
        process_id="bench", version=1, content_hash="x" * 64, files={}, forms={}, is_deployed=False,
        created_at=clock.now(), comment="").returning(ProcessVersion.id)).scalar()
    enterprise_ids = list(db.session.execute(sa.select(Enterprise.id)).scalars())
    def cases():
        for i in range(CASES):
            registered = start + timedelta(seconds=random.randrange(365 * 86400))
            closed = random.random() < 0.7
            yield dict(code=f"YH-B-{i:07d}", enterprise_id=random.choice(enterprise_ids),
                       inspector_id=manager.id, hazard_type=random.choice(TYPES), place="p", description="d",
                       score=random.randrange(40, 100), legal_major=False,
                       grade=random.choice(["general", "general", "larger", "major"]),
                       status="closed" if closed else "rectifying", current_step="",
                       round=1, registered_at=registered, updated_at=registered,
                       rectification_due=registered + timedelta(days=10),
                       closed_at=registered + timedelta(days=random.randrange(1, 30)) if closed else None,
                       process_version_id=version_id)
    insert_in_batches(HazardCase, cases())
    db.session.commit()
    first_id = db.session.execute(sa.select(sa.func.min(HazardCase.id))).scalar()
    def events():
        for i in range(AUDIT_ROWS):
            moment = start + timedelta(seconds=i * (365 * 86400 // max(AUDIT_ROWS, 1)))
            yield dict(case_id=first_id + i % CASES if i % 50 else None,
                       actor_id=manager.id, actor_name=random.choice(["inspector", "lead", "ent", "system"]),
                       action=random.choice(ACTIONS) if i % 50 else "calendar_override", task_name="",
                       changes={"status": ["assigning", "rectifying"]}, details={}, reason="", created_at=moment)
    insert_in_batches(AuditEvent, events(), size=10000)
    db.session.commit()
    db.session.execute(sa.text("ANALYZE"))
    db.session.commit()


def main():
    url, options, drop = throwaway_database(os.environ.get("DATABASE_URL", ""), tempfile.mkdtemp(), "bench")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options})
    clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI))
    results = []
    try:
        with app.app_context():
            upgrade()
            manager = User(username="manager", display_name="manager", password_hash="x", created_at=clock.now())
            manager.roles_rel = [UserRole(role="manager")]
            township = User(username="town", display_name="town", password_hash="x", created_at=clock.now())
            township.roles_rel = [UserRole(role="township")]
            township.townships_rel = [UserTownship(township="南湖镇")]
            db.session.add_all([manager, township])
            db.session.commit()
            started = time.perf_counter()
            fill(manager)
            print(f"filled {CASES:,} cases and {AUDIT_ROWS:,} audit rows in {time.perf_counter() - started:.0f} s",
                  file=sys.stderr)
            code = db.session.execute(sa.select(HazardCase.code).limit(1)).scalar()
            for label, start, end in [("a month", date(2026, 10, 1), date(2026, 10, 31)),
                                      ("the year", date(2025, 12, 1), date(2026, 11, 30))]:
                results.append((f"statistics of {label} ({CASES:,} cases in the year)",
                                timed(lambda: reports.build(db.session, manager, start, end), REPEAT)))
                results.append((f"statistics of {label}, one township's (a third of them)",
                                timed(lambda: reports.build(db.session, township, start, end), REPEAT)))
            for label, query in [("unfiltered", audit_log.AuditQuery()),
                                 ("one action", audit_log.AuditQuery(action="timer_fired")),
                                 ("a rare action", audit_log.AuditQuery(action="calendar_override")),
                                 ("one actor", audit_log.AuditQuery(actor="lead")),
                                 ("one case", audit_log.AuditQuery(case_code=code)),
                                 ("one month", audit_log.AuditQuery(since=date(2026, 10, 1), until=date(2026, 10, 31)))]:
                results.append((f"audit log page 1 + total, {label} ({AUDIT_ROWS:,} rows)",
                                timed(lambda: audit_log.search(db.session, manager, query), REPEAT)))
            results.append((f"regional risk grading, 3 areas of 200 enterprises ({CASES:,} cases)",
                            timed(lambda: region_risk.grade_areas(db.session), REPEAT)))
            results.append((f"inspection priority list ({CASES:,} cases)",
                            timed(lambda: inspection_priority.priority_list(db.session), REPEAT)))
            db.session.remove()
            db.engine.dispose()
    finally:
        drop()
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"\n| measure ({backend}) | median of {REPEAT} (max) |\n|---|---|")
    for name, value in results:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
