"""Benchmark: evaluating the alert rules (services/alert_evaluation.py, alerts.py) at 10,000 and 100,000 cases.

Run: `.venv/bin/python bench/alert_rules.py` (an SQLite file in a temp dir), or with DATABASE_URL set to PostgreSQL
(a throwaway schema in that database, dropped afterwards). 2,000 enterprises in three townships, a tenth tagged
两重点一重大; cases registered over a year, about a third still open (rectifying, with their rectification task),
a tenth of them major. Six rules, one per condition kind, two of them scoped. Measured per size:
  - each rule's match query alone (which subjects: the hourly run's part) and with the alerts' texts (the dry run),
    median of REPEAT;
  - the first hourly run, which raises every match (alerts; one digest notice per rule to each of 3 users, as more
    than DIGEST_OVER are new; outbox rows);
  - a steady hourly run (nothing new: the common case), median of REPEAT.
Prints one table.
"""
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402
from app.clock import SHANGHAI, clock  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import (Alert, AlertRule, Enterprise, EnterpriseTag, HazardCase, HumanTask,  # noqa: E402
                        Notification, OutboxMessage, ProcessVersion, User, UserRole, UserTownship)
from app.scratch_db import throwaway_database  # noqa: E402
from app.services import alert_evaluation, alerts  # noqa: E402
from app.services.credit_code import with_check_character  # noqa: E402
from app.services.uow import UnitOfWork  # noqa: E402
from lifecycle import insert_in_batches, samples_ms  # noqa: E402

SIZES = (10_000, 100_000)
ENTERPRISES = 2000
REPEAT = 3
TOWNSHIPS = ["城关镇", "南湖镇", "滨江园区"]
TYPES = ["fire", "electrical", "machinery", "special_equipment", "chemicals", "confined_space", "site"]
RULES = [("open_days", 30, None, {}), ("rectifying_days", 7, None, {"tags": ["two_key_one_major"]}),
         ("overdue_workdays", 5, None, {}), ("many_hazards", 10, 30, {}),
         ("open_majors", 2, None, {"townships": ["南湖镇"]}), ("recurrence", None, 180, {})]


def setup():
    random.seed(11)
    rows = [dict(name=f"企业{i:04d}", credit_code=with_check_character(f"91330100AR{i:07d}"),
                 industry=random.choice(["化工", "机械", "食品", "建材"]), township=random.choice(TOWNSHIPS))
            for i in range(ENTERPRISES)]
    db.session.execute(sa.insert(Enterprise), rows)
    ids = list(db.session.execute(sa.select(Enterprise.id)).scalars())
    db.session.execute(sa.insert(EnterpriseTag), [{"enterprise_id": i, "tag": "two_key_one_major"} for i in ids[::10]])
    people = []
    for name, role in (("bureau", "bureau"), ("lead", "project_lead"), ("town", "township")):
        user = User(username=name, display_name=name, password_hash="x", created_at=clock.now(),
                    email=f"{name}@example.org")
        user.roles_rel = [UserRole(role=role)]
        if role == "township":
            user.townships_rel = [UserTownship(township="南湖镇")]
        people.append(user)
    db.session.add_all(people)
    version_id = db.session.execute(sa.insert(ProcessVersion).values(
        process_id="bench", version=1, content_hash="y" * 64, files={}, forms={}, is_deployed=False,
        created_at=clock.now(), comment="").returning(ProcessVersion.id)).scalar()
    for n, (kind, first, window, scope) in enumerate(RULES):
        db.session.add(AlertRule(name=f"rule {n} {kind}", enabled=True, kind=kind, n=first, m=window,
                                 townships=scope.get("townships", []), industries=[], scales=[],
                                 tags=scope.get("tags", []), region_levels=[], grades=[],
                                 roles=["bureau", "project_lead", "township"], channels=["email"], version=1,
                                 updated_at=clock.now()))
    db.session.commit()
    return ids, version_id, people[0]


def add_cases(enterprise_ids, version_id, inspector, start_index, count):
    now = clock.now()
    open_cases = []

    def cases():
        for i in range(start_index, start_index + count):
            registered = now - timedelta(seconds=random.randrange(365 * 86400))
            still_open = random.random() < 0.33
            if still_open:
                open_cases.append(i)
            yield dict(code=f"YH-A-{i:07d}", enterprise_id=random.choice(enterprise_ids), inspector_id=inspector.id,
                       hazard_type=random.choice(TYPES), place="p", description="d", score=80, legal_major=False,
                       grade="major" if random.random() < 0.1 else "general",
                       status="rectifying" if still_open else "closed", current_step="", round=1,
                       registered_at=registered, updated_at=registered,
                       rectification_due=registered + timedelta(days=10),
                       closed_at=None if still_open else registered + timedelta(days=5),
                       process_version_id=version_id)
    insert_in_batches(HazardCase, cases())
    db.session.commit()
    opened = db.session.execute(sa.select(HazardCase.id, HazardCase.enterprise_id, HazardCase.registered_at)
                                .where(HazardCase.status == "rectifying",
                                       HazardCase.code >= f"YH-A-{start_index:07d}")).all()
    insert_in_batches(HumanTask, (dict(case_id=i, task_guid=f"t-{i}", bpmn_id="rectify", name="企业整改",
                                       role="enterprise", form_key="rectification", enterprise_id=e,
                                       created_at=at + timedelta(hours=2), due_at=at + timedelta(days=10),
                                       sort_due=at + timedelta(days=10)) for i, e, at in opened))
    db.session.commit()
    db.session.execute(sa.text("ANALYZE"))
    db.session.commit()


def timed(action, repeat=REPEAT):
    """The median in milliseconds, each run's session work rolled back after it."""
    return statistics.median(samples_ms(action, repeat, rollback=True))


def hourly_run():
    with UnitOfWork() as uow:
        totals = alerts.evaluate_all(uow)
        uow.commit()
    return totals


def main():
    url, options, drop = throwaway_database(os.environ.get("DATABASE_URL", ""), tempfile.mkdtemp(), "bench")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options})
    clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI))
    results = []
    try:
        with app.app_context():
            upgrade()
            enterprise_ids, version_id, inspector = setup()
            loaded = 0
            for size in SIZES:
                add_cases(enterprise_ids, version_id, inspector, loaded, size - loaded)
                loaded = size
                # each size starts with no alerts raised
                raised = sa.select(Notification.id).where(Notification.kind == alerts.NOTICE_KIND)
                db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.notification_id.in_(raised)))
                db.session.execute(sa.delete(Notification).where(Notification.kind == alerts.NOTICE_KIND))
                db.session.execute(sa.delete(Alert))
                db.session.commit()
                rules = db.session.query(AlertRule).order_by(AlertRule.id).all()
                for rule in rules:
                    found = len(alert_evaluation.keys(db.session, rule))
                    ms = timed(lambda: alert_evaluation.keys(db.session, rule))
                    dry = timed(lambda: alert_evaluation.matches(db.session, rule))
                    results.append((f"{size:,} cases: {rule.kind} ({found:,} subjects): which match / dry run with "
                                    "their texts", f"{ms:.0f} ms / {dry:.0f} ms"))
                started = time.perf_counter()
                totals = hourly_run()
                results.append((f"{size:,} cases: first hourly run, all six rules (raised {totals['raised']:,})",
                                f"{(time.perf_counter() - started) * 1000:.0f} ms"))
                ms = timed(hourly_run)
                results.append((f"{size:,} cases: steady hourly run, all six rules (nothing new)", f"{ms:.0f} ms"))
            db.session.remove()
            db.engine.dispose()
    finally:
        drop()
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"\n| measure ({backend}) | time (median of {REPEAT} where repeated) |\n|---|---|")
    for name, value in results:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
