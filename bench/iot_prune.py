"""Benchmark: the IoT readings' daily roll-up and pruning (services/iot_retention.roll_up_and_prune).

Run: `.venv/bin/python bench/iot_prune.py` (an SQLite file in a temp dir), or with DATABASE_URL set to PostgreSQL (a
throwaway schema in that database, dropped afterwards). BENCH_READINGS (default 1,000,000) readings past the
retention limit are written straight into iot_reading (100 devices x 5 parameters, one reading every 5 minutes —
BENCH_EVERY_MINUTES — as many days as that takes), plus two recent days that stay; then:

- the first run: every old day rolled up and made final, every old reading deleted in chunks, the recent days rolled
  up provisionally;
- the same run again (nothing left to prune: what an idempotent re-run costs);
- a night: one more day of readings past the limit (144,000), rolled up and deleted, the recent days again (three
  days of them by then).

Each row gives the run's wall time, the CPU time of this process (on SQLite the database's work too; on a shared,
busy machine the steadier figure), readings deleted per second and the longest transaction (the longest time the
write lock is held on SQLite), timed by engine events. Prints one table.
"""
import os
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402
from app.clock import SHANGHAI, clock  # noqa: E402
from app.config import Config  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Enterprise, IotDevice, IotParameter, IotReading, IotReadingDaily, User  # noqa: E402
from app.scratch_db import throwaway_database  # noqa: E402
from app.services import iot_retention  # noqa: E402

READINGS = int(os.environ.get("BENCH_READINGS", "1000000"))
DEVICES = 100
PARAMETERS = {"h2s": (10, 20, 1.5), "co": (25, 50, 4.0), "ch4": (25, 50, 1.0), "o2": (23.5, None, 20.9),
              "temperature": (40, 50, 22.0)}
EVERY = timedelta(minutes=int(os.environ.get("BENCH_EVERY_MINUTES", "5")))
PER_DAY = DEVICES * len(PARAMETERS) * (timedelta(days=1) // EVERY)  # 144,000
KEEP_DAYS = 31
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)
INSERT_BATCH = 20_000


def setup():
    """The devices and their parameters (straight rows: the register's rules are not what is measured)."""
    ent = Enterprise(name="基准企业", credit_code="91330100BENCH00011", industry="化工")
    db.session.add(ent)
    db.session.flush()
    for n in range(DEVICES):
        device = IotDevice(enterprise_id=ent.id, code=f"GD-{n:03d}", name=f"检测仪{n}", kind="gas_detector",
                           place="罐区", key_hash=f"{n:064d}", key_hint=f"iotd_{n:05d}", key_issued_at=NOW,
                           created_at=NOW, created_by_id=_bench_user(), updated_at=NOW)
        device.parameters = [IotParameter(parameter=p, warn_high=w, alarm_high=a) for p, (w, a, _v) in PARAMETERS.items()]
        db.session.add(device)
    db.session.commit()
    return [d.id for d in db.session.query(IotDevice.id).order_by(IotDevice.id)]


def _bench_user():
    user = db.session.query(User).first()
    if user is None:
        user = User(username="bench", display_name="bench", password_hash="x", created_at=NOW)
        db.session.add(user)
        db.session.flush()
    return user.id


def write_readings(device_ids, first, last):
    """Readings every EVERY from `first` to before `last`, for every device and parameter, in big executemany
    batches; returns how many."""
    table, batch, written, moment = IotReading.__table__, [], 0, first
    with db.engine.begin() as conn:
        while moment < last:
            for n, device_id in enumerate(device_ids):
                for k, (parameter, (warn, _alarm, normal)) in enumerate(PARAMETERS.items()):
                    # now and then a value over the warning threshold, so the counts have something to count
                    value = warn * 1.1 if (n + k + moment.minute) % 997 == 0 else normal
                    batch.append({"device_id": device_id, "parameter": parameter, "measured_at": moment,
                                  "value": value, "received_at": moment})
            if len(batch) >= INSERT_BATCH:
                conn.execute(table.insert(), batch)
                written, batch = written + len(batch), []
            moment += EVERY
        if batch:
            conn.execute(table.insert(), batch)
            written += len(batch)
    return written


class TransactionTimer:
    """The longest transaction on the engine (begin to commit or rollback)."""

    def __init__(self, engine):
        self.longest, self._started = 0.0, None
        event.listen(engine, "begin", self._begin)
        event.listen(engine, "commit", self._end)
        event.listen(engine, "rollback", self._end)

    def _begin(self, conn):
        self._started = time.perf_counter()

    def _end(self, conn):
        if self._started is not None:
            self.longest = max(self.longest, time.perf_counter() - self._started)
            self._started = None

    def reset(self):
        self.longest = 0.0


def timed(timer, name, rows):
    timer.reset()
    db.session.remove()
    started, cpu = time.perf_counter(), time.process_time()
    outcome = iot_retention.roll_up_and_prune(KEEP_DAYS)
    seconds = time.perf_counter() - started
    rows.append((name, seconds, time.process_time() - cpu, outcome, timer.longest))


def main():
    url, options, drop = throwaway_database(os.environ.get("DATABASE_URL", ""), tempfile.mkdtemp(), "bench")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url,
                      "SQLALCHEMY_ENGINE_OPTIONS": dict(Config.SQLALCHEMY_ENGINE_OPTIONS, **options)})
    clock.set(NOW)
    today = NOW.date()
    kept_from = datetime.combine(today - timedelta(days=KEEP_DAYS), datetime.min.time(), tzinfo=SHANGHAI)
    old_days = -(-READINGS // PER_DAY)  # whole days, at least READINGS
    rows = []
    try:
        with app.app_context():
            upgrade()
            device_ids = setup()
            started = time.perf_counter()
            old = write_readings(device_ids, kept_from - timedelta(days=old_days + 1), kept_from - timedelta(days=1))
            recent = write_readings(device_ids, NOW - timedelta(days=2), NOW)
            written = time.perf_counter() - started
            timer = TransactionTimer(db.engine)
            timed(timer, f"first run: {old:,} readings past the limit ({old_days} days)", rows)
            timed(timer, "the same run again (nothing to prune)", rows)
            night = write_readings(device_ids, kept_from - timedelta(days=1), kept_from)
            clock.set(NOW + timedelta(days=1))  # the next night: the day before the old limit is now past it
            night += write_readings(device_ids, NOW, NOW + timedelta(days=1))
            timed(timer, "a night: one more day past the limit", rows)
            left = db.session.query(IotReading).count()
            daily = db.session.query(IotReadingDaily).count()
    finally:
        drop()
    kind = "PostgreSQL" if str(url).startswith("postgresql") else "SQLite"
    print(f"IoT roll-up and pruning, {kind}: {DEVICES} devices x {len(PARAMETERS)} parameters, one reading every "
          f"{EVERY.seconds // 60} min ({PER_DAY:,} a day); {old:,} old and {recent:,} recent readings written in "
          f"{written:.0f} s; keep {KEEP_DAYS} days, chunks of {iot_retention.DELETE_CHUNK:,}\n")
    print("| run | seconds | CPU s of this process | readings deleted | deleted/s | daily rows final / recent | "
          "longest transaction |")
    print("|---|---|---|---|---|---|---|")
    for name, seconds, cpu, outcome, longest in rows:
        rate = f"{outcome.readings_deleted / seconds:,.0f}" if outcome.readings_deleted else "—"
        print(f"| {name} | {seconds:.1f} | {cpu:.1f} | {outcome.readings_deleted:,} | {rate} | "
              f"{outcome.days_finalised:,} / {outcome.days_rolled_up:,} | {1000 * longest:.0f} ms |")
    print(f"\n{left:,} readings left (the recent days), {daily:,} daily rows")


if __name__ == "__main__":
    main()
