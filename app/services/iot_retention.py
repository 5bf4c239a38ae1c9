"""Daily roll-up and retention of the IoT readings (iot_reading → iot_reading_daily).

A county's 100 devices × 5 parameters sending once a minute add 720,000 readings a day; kept for good they would
become most of the database. So each device's parameter is rolled up per Shanghai calendar day — count, sum, min,
max, first and last time, readings at warning and at alarm level — and the raw readings are kept for
IOT_READINGS_KEEP_DAYS full days (default 90) before today, then deleted. `roll_up_and_prune` does both, run by the
scheduler every night (job `iot_roll_up`, after RUN_AT Shanghai time) and by `flask --app wsgi iot prune`:

1. Days before the retention limit are rolled up a last time from their readings and marked final, in one
   transaction per series and window of days; then their readings are deleted in chunks of at most DELETE_CHUNK
   rows, each chunk its own transaction, so a first run over a year of readings never holds the write lock (SQLite)
   or a long transaction (PostgreSQL) for more than a moment, and ingestion goes on in between.
2. Recent days are rolled up too, provisionally, so charts have them while the readings are still kept: the days
   since the series' newest roll-up and, every night, the last RECENT_DAYS days again (a gateway back from an
   outage sends its buffer late). Readings arriving later still are counted when their day is made final.

Idempotent: a row is always computed from all of its day's readings, replacing what it held (never added to); a
final row is never computed again. A day is made final before any of its readings is deleted, so a run cut off
between the roll-up and the deletion, or halfway through the deletion, leaves readings that are already counted in
a final row: the next run deletes them without counting them again (nor recomputing the day from what is left).
Two runs at once (two schedulers on PostgreSQL, or the CLI during the night's run) write the same values, and the
upsert never touches a row already final.

A day becomes final only when no reading can arrive for it any more: ingestion refuses readings more than 30 days
old (iot_readings.MAX_AGE), hence MIN_KEEP_DAYS. The counts beyond the thresholds use the thresholds stored on the
row: those in force when the day was first rolled up (the night after it), so changing a threshold later does not
rewrite history.

Series are found without a scan of the readings: per device, its parameters with readings by an index seek each
(the readings' key is device, parameter, time), and every statement below reads a range of that key.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Float, and_, bindparam, case, delete, false, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from ..clock import SHANGHAI, clock, start_of_local_day
from ..errors import ValidationFailed
from ..models import IotDevice, IotParameter, IotReading, IotReadingDaily, SchedulerHeartbeat
from .iot_readings import MAX_AGE
from .sql_dates import local_date
from .uow import UnitOfWork

MIN_KEEP_DAYS = MAX_AGE.days + 1  # a day is final only once ingestion refuses readings for it
MAX_KEEP_DAYS = 3650
RECENT_DAYS = 7  # provisional days rolled up again every night, for readings sent late
WINDOW_DAYS = 31  # days of one series rolled up in one transaction
DELETE_CHUNK = 10_000  # readings deleted in one transaction
RUN_AT = time(3, 30)  # Shanghai time: the night's run starts at the first check after this
RETRY_AFTER = timedelta(hours=1)  # a failed night's run is tried again this long after it failed
JOB_ID = "iot_roll_up"
LIMITS = ("warn_high", "alarm_high", "warn_low", "alarm_low")

_R = IotReading.__table__.c
_D = IotReadingDaily.__table__.c
_INSERT = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
_VALUES = ("reading_count", "value_sum", "value_min", "value_max", "first_at", "last_at", *LIMITS, "warning_count",
           "alarm_count", "final", "rolled_up_at")


@dataclass
class Outcome:
    """What a run did; `kept_from` is the first day whose readings are kept."""
    keep_days: int
    kept_from: date
    series: int = 0  # device parameters with readings looked at
    days_rolled_up: int = 0  # daily rows written provisionally (recent days)
    days_finalised: int = 0  # daily rows made final (days past the limit)
    readings_deleted: int = 0
    chunks: int = 0  # delete transactions that deleted something

    def summary(self):
        return (f"readings kept from {self.kept_from.isoformat()} ({self.keep_days} days); {self.series:,} series; "
                f"{self.days_rolled_up:,} recent daily rows rolled up, {self.days_finalised:,} made final; "
                f"{self.readings_deleted:,} readings deleted in {self.chunks:,} chunks")


def check_keep_days(value):
    """The number of days to keep as an int; ValidationFailed outside MIN_KEEP_DAYS..MAX_KEEP_DAYS."""
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_KEEP_DAYS <= value <= MAX_KEEP_DAYS:
        raise ValidationFailed(
            f"保留天数须为 {MIN_KEEP_DAYS}–{MAX_KEEP_DAYS} 的整数 / keep days must be a whole number from {MIN_KEEP_DAYS} "
            f"to {MAX_KEEP_DAYS} (readings may arrive up to {MAX_AGE.days} days late)",
            fields={"keep_days": f"{MIN_KEEP_DAYS}–{MAX_KEEP_DAYS}"})
    return value


def roll_up_and_prune(keep_days, chunk=DELETE_CHUNK):
    """Roll up and prune every series (see the module's docstring), each step in its own transaction on the
    application's session; returns an Outcome. ValidationFailed for a wrong `keep_days`."""
    keep_days = check_keep_days(keep_days)
    today = clock.local_now().date()
    outcome = Outcome(keep_days, today - timedelta(days=keep_days))
    with UnitOfWork() as uow:
        found = _series(uow.session)
    for device_id, parameter in found:
        outcome.series += 1
        series = {"device_id": device_id, "parameter": parameter}
        oldest, newest = _bounds(series)
        if oldest < outcome.kept_from:
            outcome.days_finalised += _roll_up(series, oldest, outcome.kept_from, final=True)
            _delete_before(outcome, series, start_of_local_day(outcome.kept_from), chunk)
        # provisional: from the day after the newest daily row (a scheduler that was down catches up), and at least
        # the last RECENT_DAYS again
        recent = today - timedelta(days=RECENT_DAYS)
        start = date.min if newest is None else min(newest + timedelta(days=1), recent)
        outcome.days_rolled_up += _roll_up(series, max(start, oldest, outcome.kept_from), today, final=False)
    return outcome


# ---- the series and their days -----------------------------------------------------------------------------------
# Prebuilt statements with bound parameters: a run executes a few per series, hundreds of series a night.
def _of_series(columns):
    return and_(columns.device_id == bindparam("device_id"), columns.parameter == bindparam("parameter"))


_P = IotParameter.__table__.c
_NEXT_PARAMETER = select(_R.parameter).where(_R.device_id == bindparam("device_id"),
                                             _R.parameter > bindparam("after")).order_by(_R.parameter).limit(1)
_OLDEST = select(_R.measured_at).where(_of_series(_R)).order_by(_R.measured_at).limit(1)
_NEWEST_DAY = select(func.max(_D.day)).where(_of_series(_D))
_EXISTING = select(_D.day, _D.final, *(_D[n] for n in LIMITS)).where(
    _of_series(_D), _D.day >= bindparam("start"), _D.day < bindparam("stop"))
_CURRENT_LIMITS = select(*(_P[n] for n in LIMITS)).where(_of_series(_P))
_DAY_ROWS = {}  # (dialect, which limits are set): the statement


def _series(session):
    """[(device id, parameter)] with readings, each device's parameters found by an index seek per parameter."""
    found = []
    for device_id in session.scalars(select(IotDevice.id).order_by(IotDevice.id)).all():
        parameter = ""
        while True:
            parameter = session.scalar(_NEXT_PARAMETER, {"device_id": device_id, "after": parameter})
            if parameter is None:
                break
            found.append((device_id, parameter))
    return found


def _bounds(series):
    """(the Shanghai day of the series' oldest reading, its newest daily row's day or None)."""
    with UnitOfWork() as uow:
        first = uow.session.scalar(_OLDEST, series)
        newest = uow.session.scalar(_NEWEST_DAY, series)
    return (first.astimezone(SHANGHAI).date() if first is not None else date.max), newest


# ---- rolling up --------------------------------------------------------------------------------------------------
def _roll_up(series, first_day, end_day, final):
    """Roll up the series' days from first_day to before end_day, WINDOW_DAYS to a transaction; rows written."""
    written, day = 0, first_day
    while day < end_day:
        stop = min(day + timedelta(days=WINDOW_DAYS), end_day)
        with UnitOfWork() as uow:
            written += _roll_up_window(uow.session, series, day, stop, final)
            uow.commit()
        day = stop
    return written


def _roll_up_window(session, series, start, stop, final):
    """The days start..stop (exclusive) of a series computed from their readings and upserted, final days left
    alone; the days are split into runs that share the thresholds to count against (a row's own, else the
    parameter's current ones). Returns the rows written."""
    existing = {row.day: row for row in session.execute(_EXISTING, {**series, "start": start, "stop": stop})}
    current = session.execute(_CURRENT_LIMITS, series).first()
    current = tuple(current) if current is not None else (None,) * len(LIMITS)
    runs, day = [], start
    while day < stop:
        row = existing.get(day)
        if row is None or not row.final:
            limits = current if row is None else tuple(getattr(row, n) for n in LIMITS)
            if runs and runs[-1][1] == day and runs[-1][2] == limits:
                runs[-1][1] = day + timedelta(days=1)
            else:
                runs.append([day, day + timedelta(days=1), limits])
        day += timedelta(days=1)
    dialect, now = session.get_bind().dialect.name, clock.now()
    rows = []
    for run_start, run_stop, limits in runs:
        values = dict(zip(LIMITS, limits))
        query = _day_rows(dialect, tuple(value is not None for value in limits))
        rows += [{**row._asdict(), "day": _as_date(row.day), **series, **values, "final": final, "rolled_up_at": now}
                 for row in session.execute(query, {**series, **{n: v for n, v in values.items() if v is not None},
                                                   "from_at": start_of_local_day(run_start),
                                                   "to_at": start_of_local_day(run_stop)})]
    if not rows:
        return 0
    return len(session.execute(_UPSERTS[dialect], rows).all())


def _day_rows(dialect, set_limits):
    """The query of a series' daily rows from its readings measured from `from_at` to before `to_at`, grouped by
    Shanghai day, the readings beyond the limits that are set (bound by name) counted."""
    key = (dialect, set_limits)
    if key not in _DAY_ROWS:
        bound = {n: bindparam(n, type_=Float) if is_set else None for n, is_set in zip(LIMITS, set_limits)}
        day = local_date(dialect, _R.measured_at)
        alarm = _beyond(_R.value, bound["alarm_high"], bound["alarm_low"])
        warning = or_(alarm, _beyond(_R.value, bound["warn_high"], bound["warn_low"]))
        _DAY_ROWS[key] = select(
            day.label("day"), func.count().label("reading_count"), func.sum(_R.value).label("value_sum"),
            func.min(_R.value).label("value_min"), func.max(_R.value).label("value_max"),
            func.min(_R.measured_at).label("first_at"), func.max(_R.measured_at).label("last_at"),
            func.sum(case((warning, 1), else_=0)).label("warning_count"),
            func.sum(case((alarm, 1), else_=0)).label("alarm_count")) \
            .where(_of_series(_R), _R.measured_at >= bindparam("from_at"), _R.measured_at < bindparam("to_at")) \
            .group_by(day).order_by(day)
    return _DAY_ROWS[key]


def _upsert(dialect):
    """Insert or replace daily rows, never a final one; returns the days written."""
    insert = _INSERT[dialect](IotReadingDaily.__table__)
    return insert.on_conflict_do_update(
        index_elements=["device_id", "parameter", "day"], set_={name: insert.excluded[name] for name in _VALUES},
        where=_D.final.is_(False)).returning(_D.day)


_UPSERTS = {dialect: _upsert(dialect) for dialect in _INSERT}


def _beyond(value, high, low):
    """value at or over `high` or at or under `low` (as iot_alarms.hit_of reads a threshold); False without any."""
    conditions = [value >= high] if high is not None else []
    if low is not None:
        conditions.append(value <= low)
    return or_(*conditions) if conditions else false()


def _as_date(value):
    return date.fromisoformat(value) if isinstance(value, str) else value


# ---- pruning ------------------------------------------------------------------------------------------------------
_EDGE = select(_R.measured_at).where(_of_series(_R), _R.measured_at < bindparam("before")) \
    .order_by(_R.measured_at).offset(bindparam("skip")).limit(1)
_DELETE_UP_TO = delete(IotReading.__table__).where(_of_series(_R), _R.measured_at < bindparam("before"),
                                                   _R.measured_at <= bindparam("edge"))
_DELETE_BEFORE = delete(IotReading.__table__).where(_of_series(_R), _R.measured_at < bindparam("before"))


def _delete_before(outcome, series, before, chunk):
    """Delete the series' readings measured before `before` (all in final rows), `chunk` at a time in key order:
    each chunk finds its last reading by the key's index, then deletes up to it, in its own transaction."""
    values = {**series, "before": before}
    while True:
        with UnitOfWork() as uow:
            edge = uow.session.scalar(_EDGE, {**values, "skip": chunk - 1})
            statement, bound = (_DELETE_BEFORE, values) if edge is None else (_DELETE_UP_TO, {**values, "edge": edge})
            deleted = uow.session.execute(statement, bound).rowcount
            uow.commit()
        outcome.readings_deleted += deleted
        outcome.chunks += 1 if deleted else 0
        if edge is None:
            return


# ---- the night's run ---------------------------------------------------------------------------------------------
def due_since(now):
    """The latest RUN_AT (Shanghai) at or before `now`: the run is due when none has started since."""
    local = now.astimezone(SHANGHAI)
    slot = datetime.combine(local.date(), RUN_AT, tzinfo=SHANGHAI)
    return slot if slot <= local else slot - timedelta(days=1)


def claim_nightly_run(session):
    """Whether this scheduler is to run the roll-up now: none started since the last RUN_AT (or the last one failed
    RETRY_AFTER ago), claimed by a compare-and-set on the job's heartbeat row so that two schedulers run it once.
    The claim is committed (the run's own transactions follow)."""
    now = clock.now()
    claim = {"beat_at": now, "ok": True, "message": "running since " + now.astimezone(SHANGHAI).isoformat("T", "seconds")}
    session.rollback()
    try:
        if session.get(SchedulerHeartbeat, JOB_ID) is None:
            session.add(SchedulerHeartbeat(job_id=JOB_ID, **claim))
            session.commit()
            return True
        claimed = session.execute(update(SchedulerHeartbeat).where(
            SchedulerHeartbeat.job_id == JOB_ID,
            or_(SchedulerHeartbeat.beat_at < due_since(now),
                and_(SchedulerHeartbeat.ok.is_(False), SchedulerHeartbeat.beat_at <= now - RETRY_AFTER)))
            .values(**claim)).rowcount
        session.commit()
    except IntegrityError:  # another scheduler inserted the row a moment ago: it runs
        session.rollback()
        return False
    return claimed == 1


# ---- reading the aggregates --------------------------------------------------------------------------------------
def daily(session, device_id, days):
    """{parameter: [IotReadingDaily]} of the device's last `days` days before today (Shanghai), oldest first."""
    today = clock.local_now().date()
    rows = session.query(IotReadingDaily).filter(
        IotReadingDaily.device_id == device_id, IotReadingDaily.day >= today - timedelta(days=days),
        IotReadingDaily.day < today).order_by(IotReadingDaily.parameter, IotReadingDaily.day).all()
    found = {}
    for row in rows:
        found.setdefault(row.parameter, []).append(row)
    return found
