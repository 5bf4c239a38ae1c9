"""Benchmark: the rectification-rate rankings (services/rankings.py) and the recurring hazard types
(services/recurrence.py) at 10,000 and at 100,000 cases.

Fills cases spread over the year up to 2026-11-30 across 1,000 enterprises of 12 townships, 8 industries and
12 hazard types (first 10,000, then up to 100,000 in the same database), and times at each size: the month's
rankings (all three kinds, the month and the one before: the page) for the county and for a township office of one
township, the six months' recurrence analysis, and the first page of its recurring pairs with their total.

Run: `.venv/bin/python bench/rankings.py`, or with DATABASE_URL set to a PostgreSQL database (a throwaway schema
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
from app.models import Enterprise, HazardCase, ProcessVersion, User, UserRole, UserTownship  # noqa: E402
from app.scratch_db import throwaway_database  # noqa: E402
from app.services import rankings, recurrence  # noqa: E402
from app.services.credit_code import with_check_character  # noqa: E402
from lifecycle import insert_in_batches, timed  # noqa: E402

SIZES = (10_000, 100_000)
ENTERPRISES = 1000
TOWNSHIPS = [f"第{i}镇" for i in range(1, 13)]
INDUSTRIES = ["化工", "机械", "食品", "建材", "纺织", "冶金", "仓储", "印刷"]
TYPES = ["fire_safety", "electrical", "mechanical", "special_equipment", "hazardous_chemicals", "confined_space",
         "working_at_height", "hot_work", "dust_explosion", "gas", "occupational_health", "site_management"]
REPEAT = 5
END = datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI)


def fill_enterprises():
    random.seed(11)
    db.session.execute(sa.insert(Enterprise), [
        dict(name=f"企业{i:04d}", credit_code=with_check_character(f"91330100RK{i:07d}"),
             industry=random.choice(INDUSTRIES), township=TOWNSHIPS[i % len(TOWNSHIPS)]) for i in range(ENTERPRISES)])
    return db.session.execute(sa.insert(ProcessVersion).values(
        process_id="bench", version=1, content_hash="r" * 64, files={}, forms={}, is_deployed=False,
        created_at=clock.now(), comment="").returning(ProcessVersion.id)).scalar()


def add_cases(first, last, inspector_id, version_id):
    """Cases number `first` to `last` - 1, registered at random over the year before END."""
    enterprise_ids = list(db.session.execute(sa.select(Enterprise.id)).scalars())

    def cases():
        for i in range(first, last):
            registered = END - timedelta(seconds=random.randrange(365 * 86400))
            closed = random.random() < 0.75
            yield dict(code=f"YH-R-{i:07d}", enterprise_id=random.choice(enterprise_ids), inspector_id=inspector_id,
                       hazard_type=random.choice(TYPES), place="p", description="d", score=random.randrange(40, 100),
                       legal_major=False, grade="general", status="closed" if closed else "rectifying",
                       current_step="", round=1, registered_at=registered, updated_at=registered,
                       rectification_due=registered + timedelta(days=10),
                       closed_at=registered + timedelta(days=random.randrange(1, 30)) if closed else None,
                       process_version_id=version_id)
    insert_in_batches(HazardCase, cases())
    db.session.commit()
    db.session.execute(sa.text("ANALYZE"))
    db.session.commit()


def measure(size, manager, township):
    month = date(2026, 11, 1)
    start, end = recurrence.default_period(END.date())

    def pairs():
        recurrence.pairs(db.session, recurrence.compute(db.session, start, end))
    return [
        (f"rankings of a month, 3 kinds ({size:,} cases)",
         timed(lambda: rankings.build(db.session, manager, month), REPEAT)),
        (f"rankings of a month, one township's office ({size:,} cases)",
         timed(lambda: rankings.build(db.session, township, month), REPEAT)),
        (f"recurring hazard types, 6 months ({size:,} cases)",
         timed(lambda: recurrence.build(db.session, manager, start, end), REPEAT)),
        (f"recurring hazard types, one township's office ({size:,} cases)",
         timed(lambda: recurrence.build(db.session, township, start, end), REPEAT)),
        (f"analysis + first page of pairs and their total ({size:,} cases)", timed(pairs, REPEAT)),
    ]


def main():
    url, options, drop = throwaway_database(os.environ.get("DATABASE_URL", ""), tempfile.mkdtemp(), "bench")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options})
    clock.set(END)
    results = []
    try:
        with app.app_context():
            upgrade()
            manager = User(username="manager", display_name="manager", password_hash="x", created_at=clock.now())
            manager.roles_rel = [UserRole(role="manager")]
            township = User(username="town", display_name="town", password_hash="x", created_at=clock.now())
            township.roles_rel = [UserRole(role="township")]
            township.townships_rel = [UserTownship(township=TOWNSHIPS[0])]
            db.session.add_all([manager, township])
            db.session.commit()
            version_id = fill_enterprises()
            filled = 0
            for size in SIZES:
                started = time.perf_counter()
                add_cases(filled, size, manager.id, version_id)
                filled = size
                print(f"filled {size:,} cases in {time.perf_counter() - started:.0f} s", file=sys.stderr)
                results += measure(size, manager, township)
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
