"""Benchmark: one sweep of 1,000 due timers among 10k and among 100k open cases.

Run: `.venv/bin/python bench/timers.py` (SQLite file in a temp dir); with DATABASE_URL set to PostgreSQL it
runs there too (a throwaway schema). The due cases are real (registered through the services, so their
workflow states are real); the other open cases are bulk rows shaped like real projections with timers due
later, which the sweep must not touch. The in-process runtime cache is cleared before each sweep, as in a
scheduler process that did not serve those cases.
"""
import os
import sys
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import sqlalchemy as sa  # noqa: E402

from app import create_app  # noqa: E402
from app.clock import SHANGHAI, clock  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import HazardCase, HumanTask, Timer  # noqa: E402
from app.services import timers  # noqa: E402
from app.services.case_store import _cache  # noqa: E402
from app.services.uow import UnitOfWork  # noqa: E402
from lifecycle import database, migrate_and_deploy, photo, register, setup_people  # noqa: E402

DUE = int(os.environ.get("BENCH_DUE", "1000"))
SIZES = [int(n) for n in os.environ.get("BENCH_OPEN_SIZES", "10000,100000").split(",")]


def register_due_cases(ent, people, upload_dir, count):
    for _ in range(count):
        register(ent, people, photo(people["inspector"], upload_dir))


def fill_open_cases(ent, people, version_id, total):
    """Open cases waiting far in the future, up to `total` open cases in all."""
    now = clock.now()
    have = db.session.query(sa.func.count(HazardCase.id)).filter(HazardCase.status != "closed").scalar()
    missing = max(0, total - have)
    batch = 5000
    for start in range(0, missing, batch):
        n = min(batch, missing - start)
        tag = uuid.uuid4().hex[:8]
        rows = [dict(code=f"YH-F-{tag}-{i:05d}", enterprise_id=ent.id, inspector_id=people["inspector"].id,
                     hazard_type="electrical", place="p", description="d", score=90, legal_major=False,
                     grade="general", status="rectifying", current_step="企业整改", round=1, registered_at=now,
                     updated_at=now, process_version_id=version_id) for i in range(n)]
        db.session.execute(sa.insert(HazardCase), rows)
        ids = [i for (i,) in db.session.query(HazardCase.id).filter(HazardCase.code.like(f"YH-F-{tag}-%"))]
        db.session.execute(sa.insert(HumanTask), [dict(
            case_id=i, task_guid=uuid.uuid4().hex, bpmn_id="Task_rectify", name="企业整改", role="enterprise",
            form_key="rectification", enterprise_id=ent.id, grade="general", created_at=now,
            due_at=now + timedelta(days=400), sort_due=now + timedelta(days=400)) for i in ids])
        db.session.execute(sa.insert(Timer), [dict(
            case_id=i, task_guid=uuid.uuid4().hex, bpmn_id="Timer_rect_due", name="整改期限",
            due_at=now + timedelta(days=400 + k % 30), created_at=now) for k, i in enumerate(ids)])
        db.session.commit()


def timed_sweep():
    _cache.clear()
    db.session.expire_all()
    started = time.perf_counter()
    fired_total, failures_total = 0, 0
    while True:
        with UnitOfWork() as uow:
            fired, failures = timers.fire_due_timers(uow, limit=1000)
            uow.commit()
        fired_total += len(fired)
        failures_total += len(failures)
        if not fired and not failures:
            break
    return time.perf_counter() - started, fired_total, failures_total


def main():
    url, options, drop = database()
    upload_dir = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-uploads-{uuid.uuid4().hex[:6]}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options,
                      "UPLOAD_DIR": upload_dir, "NOTIFY_CHANNELS": ("email", "sms", "wechat")})
    rows = []
    start = datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)
    try:
        with app.app_context():
            version = migrate_and_deploy(app)
            ent, people = setup_people()
            for n, size in enumerate(SIZES):
                clock.set(start + timedelta(days=n))
                register_due_cases(ent, people, upload_dir, DUE)
                fill_open_cases(ent, people, version.id, size)
                clock.advance(hours=2, minutes=1)
                seconds, fired, failures = timed_sweep()
                rows.append((size, fired, failures, seconds))
            db.session.remove()
            db.engine.dispose()
    finally:
        drop()
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"\n| {backend}: open cases | due timers fired | incidents | sweep time | per 1,000 due |\n|---|---|---|---|---|")
    for size, fired, failures, seconds in rows:
        print(f"| {size:,} | {fired:,} | {failures} | {seconds:.2f} s | {1000 * seconds / max(fired, 1):.2f} s |")


if __name__ == "__main__":
    main()
