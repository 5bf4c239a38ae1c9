"""Benchmark: hazard lifecycles through the service layer vs. the raw engine; inbox latency; state size.

Run: `.venv/bin/python bench/lifecycle.py` (SQLite file in a temp dir) or with DATABASE_URL set to a
PostgreSQL database (a throwaway schema is created and dropped). Prints one table.
"""
import io
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine  # noqa: E402
from SpiffWorkflow.bpmn.script_engine.python_environment import TaskDataEnvironment  # noqa: E402
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402

from app import create_app  # noqa: E402
from app.clock import SHANGHAI, clock  # noqa: E402
from app.config import Config  # noqa: E402
from app.engine import parse_process, serializer  # noqa: E402
from app.engine.task_walk import CaseWorkflow  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Enterprise, HazardCase, HumanTask, User, UserRole, WorkflowState  # noqa: E402
from app.services import attachments, hazards, processes, tasks  # noqa: E402
from app.services.demo import PNG_1X1  # noqa: E402
from app.services.script_functions import ScriptFunctions  # noqa: E402
from app.services.uow import UnitOfWork  # noqa: E402
from app.scratch_db import throwaway_database  # noqa: E402

LIFECYCLES = int(os.environ.get("BENCH_LIFECYCLES", "100"))
INBOX_SIZES = [int(n) for n in os.environ.get("BENCH_INBOX_SIZES", "10000,100000").split(",")]
INBOX_QUERIES = 200
BATCH = 10

ASSIGN = {"rectification_requirements": "整改", "contact_person": "陈", "contact_phone": "13800000000"}
RECTIFY = {"measures": "m", "progress_percent": 100, "completed": True, "responsible_person": "陈"}
FAIL = {"passed": False, "opinion": "不合格", "added_requirements": "补充"}
PASS = {"passed": True, "opinion": "合格"}


def database():
    """(url, engine options, drop) of a throwaway database, with the app's own engine options (on PostgreSQL a
    connection is pinged when it comes out of a rest longer than DATABASE_PING_AFTER_IDLE_SECONDS, as deployed:
    the bench's requests follow each other closely, as a busy server's do, so they are not)."""
    url, options, drop = throwaway_database(os.environ.get("DATABASE_URL", ""), tempfile.mkdtemp(), "bench")
    return url, dict(Config.SQLALCHEMY_ENGINE_OPTIONS, **options), drop


def migrate_and_deploy(app):
    upgrade()
    with UnitOfWork() as uow:
        files, forms = processes.read_directory(app.config["BPMN_DIR"], app.config["FORMS_DIR"])
        version, _ = processes.deploy(uow, files, forms)
        uow.commit()
    return version


def setup_people():
    ent = Enterprise(name="基准企业", credit_code="91330100BENCH00011", industry="化工")
    db.session.add(ent)
    db.session.flush()
    people = {}
    for name, role in [("inspector", "inspector"), ("lead", "project_lead"), ("ent", "enterprise"),
                       ("team", "project_team")]:
        user = User(username=name, display_name=name, password_hash="x", created_at=clock.now(),
                    enterprise_id=ent.id if role == "enterprise" else None)
        user.roles_rel = [UserRole(role=role)]
        db.session.add(user)
        people[role] = user
    db.session.commit()
    return ent, people


def photo(user, upload_dir):
    with UnitOfWork() as uow:
        a = attachments.store_upload(uow, user, "p.png", io.BytesIO(PNG_1X1), upload_dir, 100_000)
        uow.commit()
        return a.public_id


# Each call below is one request: it runs in a fresh session that is removed afterwards, as Flask does.
# (The users are loaded once, as a login session would hold them; the task id is looked up as a client
# would have it from the inbox.)
_TASK_ID = sa.select(HumanTask.id).where(HumanTask.case_id == sa.bindparam("case_id"),
                                         HumanTask.form_key == sa.bindparam("form_key"))


def step(user, case_id, form_key, data):
    task_id = db.session.connection().execute(_TASK_ID, {"case_id": case_id, "form_key": form_key}).scalar_one()
    try:
        with UnitOfWork() as uow:
            tasks.complete(uow, user, task_id, data)
            uow.commit()
    finally:
        db.session.remove()


def register(ent, people, photo_id):
    try:
        with UnitOfWork() as uow:
            case = hazards.register_hazard(uow, people["inspector"], {
                "enterprise_id": ent.id, "score": 90, "legal_major": False, "hazard_type": "electrical",
                "place": "p", "description": "d", "photos": [photo_id]})
            uow.commit()
            return case.id
    finally:
        db.session.remove()


def service_lifecycle(ent, people, photos):
    case_id = register(ent, people, photos["inspector"].pop())
    step(people["project_lead"], case_id, "assignment", ASSIGN)
    step(people["enterprise"], case_id, "rectification", dict(RECTIFY, after_photos=[photos["ent"].pop()]))
    step(people["project_team"], case_id, "verification", FAIL)
    step(people["enterprise"], case_id, "rectification", dict(RECTIFY, after_photos=[photos["ent"].pop()]))
    step(people["project_team"], case_id, "verification", PASS)
    return case_id


def raw_lifecycle(parsed, enterprise_id=1, workflow_class=BpmnWorkflow):
    """The engine's part of a service lifecycle alone: the same diagram, the same variables at the start (what
    register_hazard hands the engine) and the same form data (as validated, with the photo ids). Stock
    SpiffWorkflow (BpmnWorkflow on specs parsed with `stock=True`); with `workflow_class=CaseWorkflow` and the
    service's specs, as the service runs it (its faster task walk and end joins, app/engine/task_walk.py), for
    the service's own overhead."""
    functions = ScriptFunctions()
    functions._calendar = _cal_cache  # the same calendar as the service path, loaded once
    wf = workflow_class(parsed.spec, parsed.subprocess_specs,
                        script_engine=PythonScriptEngine(environment=TaskDataEnvironment(functions.as_dict())))
    for task in wf.get_tasks(state=TaskState.READY):
        task.data.update({"case_id": 1, "case_code": "YH-2026-000001", "enterprise_id": enterprise_id,
                          "score": 90, "legal_major": False, "hazard_type": "electrical", "description": "d",
                          "place": "p", "inspector": "inspector", "registered_at": clock.local_now().isoformat()})
    wf.do_engine_steps()
    rectify = dict(RECTIFY, after_photos=["0123456789abcdef"])  # a photo's public id, as the service passes it
    for key, data in [("assignment", ASSIGN), ("rectification", rectify), ("verification", FAIL),
                      ("rectification", rectify), ("verification", PASS)]:
        task = next(t for t in wf.get_tasks(state=TaskState.READY, manual=True)
                    if t.task_spec.extensions.get("properties", {}).get("formKey") == key)
        task.data.update(data)
        task.run()
        wf.do_engine_steps()
    assert wf.completed


_cal_cache = None


def fill_open_cases(ent, people, version_id, count):
    """Bulk rows shaped like real projections, for the inbox query (which reads human_task only)."""
    now = clock.now()
    existing = db.session.query(sa.func.count(HazardCase.id)).scalar()
    rows, task_rows = [], []
    for i in range(existing, count):
        rows.append(dict(code=f"YH-B-{i:07d}", enterprise_id=ent.id, inspector_id=people["inspector"].id,
                         hazard_type="electrical", place="p", description="d", score=90, legal_major=False,
                         grade=("general", "larger", "major")[i % 3], status="rectifying", current_step="企业整改",
                         round=1, registered_at=now, updated_at=now, process_version_id=version_id))
    insert_in_batches(HazardCase, rows)
    db.session.commit()
    ids = [r[0] for r in db.session.query(HazardCase.id).filter(HazardCase.code.like("YH-B-%"))
           .filter(~HazardCase.id.in_(sa.select(HumanTask.case_id))).all()]
    roles = ("enterprise", "project_lead", "project_team")
    for n, case_id in enumerate(ids):
        task_rows.append(dict(case_id=case_id, task_guid=uuid.uuid4().hex, bpmn_id="Task_rectify", name="企业整改",
                              role=roles[n % 3], form_key="rectification", enterprise_id=ent.id,
                              grade=("general", "larger", "major")[(n // 3) % 3], created_at=now,
                              due_at=now + timedelta(hours=n % 5000), sort_due=now + timedelta(hours=n % 5000)))
    insert_in_batches(HumanTask, task_rows)
    db.session.commit()


def insert_in_batches(model, rows, size=5000):
    """Bulk rows (any iterable of dicts, a generator too) inserted `size` at a time."""
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            db.session.execute(sa.insert(model), batch)
            batch = []
    if batch:
        db.session.execute(sa.insert(model), batch)


def samples_ms(action, repeat, rollback=False):
    """`repeat` runs of `action` in milliseconds, each on a fresh view of the session (and with `rollback`, what
    it did in the session undone after it)."""
    samples = []
    for _ in range(repeat):
        db.session.expire_all()
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
        if rollback:
            db.session.rollback()
    return samples


def timed(action, repeat):
    """Median and max of `repeat` runs of `action` in milliseconds, each on a fresh view of the session."""
    samples = samples_ms(action, repeat)
    return f"{statistics.median(samples):.0f} ms (max {max(samples):.0f})"


def inbox_latency(user):
    """(p50, p95) of the inbox list query (page of 50 + total), and of the per-filter counts."""
    lists, counts = [], []
    filters = [tasks.InboxFilter(), tasks.InboxFilter(grade="major"), tasks.InboxFilter(overdue=True),
               tasks.InboxFilter(due_before=clock.now() + timedelta(days=3))]
    for i in range(INBOX_QUERIES):
        db.session.expire_all()
        started = time.perf_counter()
        rows, total = tasks.inbox(db.session, user, filters[i % len(filters)])
        [r.case.code for r in rows]
        lists.append((time.perf_counter() - started) * 1000)
        if i % 4 == 0:
            started = time.perf_counter()
            tasks.inbox_counts(db.session, user)
            counts.append((time.perf_counter() - started) * 1000)
    return _p50_p95(lists), _p50_p95(counts)


def _p50_p95(samples):
    samples = sorted(samples)
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def main():
    global _cal_cache
    url, options, drop = database()
    upload_dir = tempfile.mkdtemp()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options,
                      "UPLOAD_DIR": upload_dir})
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI))
    results = []
    try:
        with app.app_context():
            version = migrate_and_deploy(app)
            parsed = processes.parsed_for(version)  # as the service runs cases (CaseEndJoin, see task_walk.py)
            stock = parse_process(processes.files_of(version), version.process_id, stock=True)
            ent, people = setup_people()
            from app.services.calendar import WorkingCalendar
            _cal_cache = WorkingCalendar.load()
            photos = {"inspector": [photo(people["inspector"], upload_dir) for _ in range(LIFECYCLES + 5)],
                      "ent": [photo(people["enterprise"], upload_dir) for _ in range(2 * LIFECYCLES + 10)]}
            service_lifecycle(ent, people, photos)  # warm caches
            raw_lifecycle(stock)
            raw_lifecycle(parsed, workflow_class=CaseWorkflow)

            # Alternating batches, so that a slow minute of a shared machine weighs on all sides alike.
            case_ids, service_seconds, raw_seconds, walk_seconds = [], 0.0, 0.0, 0.0
            for batch in range(0, LIFECYCLES, BATCH):
                size = min(BATCH, LIFECYCLES - batch)
                started = time.perf_counter()
                case_ids += [service_lifecycle(ent, people, photos) for _ in range(size)]
                service_seconds += time.perf_counter() - started
                started = time.perf_counter()
                for _ in range(size):
                    raw_lifecycle(stock)
                raw_seconds += time.perf_counter() - started
                started = time.perf_counter()
                for _ in range(size):
                    raw_lifecycle(parsed, workflow_class=CaseWorkflow)
                walk_seconds += time.perf_counter() - started
            service_rate, raw_rate, walk_rate = (LIFECYCLES / service_seconds, LIFECYCLES / raw_seconds,
                                                 LIFECYCLES / walk_seconds)
            results.append(("lifecycles/s, service layer + database", f"{service_rate:.1f}"))
            results.append(("lifecycles/s, raw SpiffWorkflow in memory", f"{raw_rate:.1f}"))
            results.append(("ratio service / raw (target >= 50 %)", f"{100 * service_rate / raw_rate:.0f} %"))
            results.append(("lifecycles/s, raw with the service's task walk (CaseWorkflow) in memory",
                            f"{walk_rate:.1f}"))
            results.append(("ratio service / raw with the same task walk (the service's own overhead)",
                            f"{100 * service_rate / walk_rate:.0f} %"))

            states = [s.state for s in db.session.query(WorkflowState).filter(WorkflowState.case_id.in_(case_ids))]
            open_case = service_open_case(ent, people, photos)
            open_state = db.session.get(WorkflowState, open_case).state
            results.append(("stored state per closed case, 2 rounds (target <= 20 KB)",
                            f"{statistics.mean(len(s) for s in states) / 1024:.1f} KB "
                            f"(JSON before compression {statistics.mean(len(serializer.decompress(s)) for s in states) / 1024:.1f} KB)"))
            results.append(("stored state per open case (rectifying)",
                            f"{len(open_state) / 1024:.1f} KB (JSON {len(serializer.decompress(open_state)) / 1024:.1f} KB)"))

            for size in INBOX_SIZES:
                fill_open_cases(ent, people, version.id, size)
                if db.engine.dialect.name == "sqlite":
                    db.session.execute(sa.text("ANALYZE"))  # as a maintained database would have
                else:
                    db.session.execute(sa.text("ANALYZE human_task"))
                db.session.commit()
                for who in ("enterprise", "project_lead"):
                    (p50, p95), (c50, c95) = inbox_latency(people[who])
                    results.append((f"inbox list of {who} p50 / p95 at {size:,} open cases (target p95 <= 50 ms)",
                                    f"{p50:.1f} / {p95:.1f} ms"))
                    results.append((f"inbox filter counts of {who} p50 / p95 at {size:,} open cases",
                                    f"{c50:.1f} / {c95:.1f} ms"))
            db.session.remove()
            db.engine.dispose()
    finally:
        drop()
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"\n| measure ({backend}, {LIFECYCLES} lifecycles) | value |\n|---|---|")
    for name, value in results:
        print(f"| {name} | {value} |")


def service_open_case(ent, people, photos):
    case_id = register(ent, people, photos["inspector"].pop())
    step(people["project_lead"], case_id, "assignment", ASSIGN)
    return case_id


if __name__ == "__main__":
    main()
