"""Benchmark: IoT readings ingested through the service layer (services/iot_readings.ingest), in batches of 100.

Run: `.venv/bin/python bench/iot.py` (an SQLite file in a temp dir), or with DATABASE_URL set to PostgreSQL (a
throwaway schema in that database, dropped afterwards). Each batch is one unit of work in a fresh session, as one
request of a gateway is: the key checked, the devices and their parameters read (locked), the readings inserted
(ON CONFLICT DO NOTHING), the thresholds evaluated, latest values and last contact written, committed.

Scenarios: an edge gateway's batches for 10 devices within limits; the same batches sent again (all duplicates);
batches where one reading in ten is over a threshold (alarms opened, then updated); one device's own key.
BENCH_BATCHES (default 200) batches each. Prints one table.
"""
import os
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402
from app.clock import SHANGHAI, clock  # noqa: E402
from app.config import Config  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Enterprise, IotAlarm, IotReading, User, UserRole  # noqa: E402
from app.scratch_db import throwaway_database  # noqa: E402
from app.services import iot_devices, iot_readings  # noqa: E402
from app.services.uow import UnitOfWork  # noqa: E402

BATCHES = int(os.environ.get("BENCH_BATCHES", "200"))
BATCH_SIZE = 100
DEVICES = 10
PARAMETERS = {"h2s": (10, 20), "co": (25, 50), "ch4": (25, 50), "o2": (23.5, None), "temperature": (40, 50)}
NORMAL = {"h2s": 1.5, "co": 4.0, "ch4": 1.0, "o2": 20.9, "temperature": 22.0}


def setup():
    ent = Enterprise(name="基准企业", credit_code="91330100BENCH00011", industry="化工")
    db.session.add(ent)
    db.session.flush()
    people = {}
    for name, role, enterprise_id in (("lead", "project_lead", None), ("ent", "enterprise", ent.id),
                                      ("bureau", "bureau", None)):
        user = User(username=name, display_name=name, password_hash="x", created_at=clock.now(),
                    enterprise_id=enterprise_id, phone="13800000000")
        user.roles_rel = [UserRole(role=role)]
        db.session.add(user)
        people[role] = user
    db.session.commit()
    keys = {}
    with UnitOfWork() as uow:
        for n in range(DEVICES):
            code = f"GD-{n:03d}"
            device, keys[code] = iot_devices.register(uow, people["project_lead"], {
                "enterprise_id": ent.id, "code": code, "name": f"检测仪{n}", "kind": "gas_detector", "place": "罐区",
                "parameters": {p: {"warn_high": w, "alarm_high": a} for p, (w, a) in PARAMETERS.items()}})
        _gateway, gateway_key = iot_devices.add_gateway(uow, people["project_lead"], ent.id, "网关")
        uow.commit()
    return keys, gateway_key


def gateway_batch(start, over_every=0):
    """100 readings: 10 devices x 5 parameters x 2 moments a minute apart; every `over_every`-th value over its
    alarm threshold."""
    readings, n = [], 0
    for second in (0, 60):
        moment = (start + timedelta(seconds=second)).astimezone(SHANGHAI).isoformat()
        for d in range(DEVICES):
            for parameter, value in NORMAL.items():
                n += 1
                if over_every and n % over_every == 0 and parameter != "o2":
                    value = PARAMETERS[parameter][1] * 1.2
                readings.append({"device": f"GD-{d:03d}", "parameter": parameter, "value": value,
                                 "measured_at": moment})
    return {"readings": readings}


def device_batch(start):
    """100 readings of one device with its own key: 5 parameters x 20 moments ten seconds apart."""
    return {"readings": [{"parameter": parameter, "value": value,
                          "measured_at": (start + timedelta(seconds=10 * k)).astimezone(SHANGHAI).isoformat()}
                         for k in range(20) for parameter, value in NORMAL.items()]}


def run(key, batches):
    """Seconds to ingest the batches, each in its own unit of work and fresh session; the answers."""
    answers = []
    started = time.perf_counter()
    for body in batches:
        with UnitOfWork() as uow:
            answers.append(iot_readings.ingest(uow, key, body))
            uow.commit()
        db.session.remove()
    return time.perf_counter() - started, answers


def main():
    url, options, drop = throwaway_database(os.environ.get("DATABASE_URL", ""), tempfile.mkdtemp(), "bench")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url,
                      "SQLALCHEMY_ENGINE_OPTIONS": dict(Config.SQLALCHEMY_ENGINE_OPTIONS, **options)})
    base = datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)
    clock.set(base + timedelta(days=5))  # every measured_at below lies in the 30 days before "now"
    rows = []
    try:
        with app.app_context():
            upgrade()
            keys, gateway_key = setup()
            run(gateway_key, [gateway_batch(base - timedelta(hours=1))])  # warm up
            fresh = [gateway_batch(base + timedelta(minutes=2 * b)) for b in range(BATCHES)]
            rows.append(("gateway, 10 devices, all within limits", *run(gateway_key, fresh)))
            rows.append(("the same batches sent again (duplicates)", *run(gateway_key, fresh)))
            alarming = [gateway_batch(base + timedelta(days=1, minutes=2 * b), over_every=10) for b in range(BATCHES)]
            rows.append(("gateway, one reading in ten over a threshold", *run(gateway_key, alarming)))
            own = [device_batch(base + timedelta(days=3, minutes=4 * b)) for b in range(BATCHES)]
            rows.append(("one device with its own key", *run(keys["GD-000"], own)))
            stored = db.session.query(IotReading).count()
            alarms = db.session.query(IotAlarm).count()
    finally:
        drop()
    print(f"IoT ingestion through the service layer, {db_kind(url)}, {BATCHES} batches of {BATCH_SIZE} each\n")
    print("| scenario | readings/s | ms per batch | stored | duplicates |")
    print("|---|---|---|---|---|")
    for name, seconds, answers in rows:
        count = sum(a["received"] for a in answers)
        print(f"| {name} | {count / seconds:,.0f} | {1000 * seconds / len(answers):.1f} | "
              f"{sum(a['stored'] for a in answers):,} | {sum(a['duplicates'] for a in answers):,} |")
    print(f"\n{stored:,} readings stored, {alarms} alarms opened")


def db_kind(url):
    return "PostgreSQL" if str(url).startswith("postgresql") else "SQLite"


if __name__ == "__main__":
    main()
