"""The response-time limits of emergency incidents (响应时限) and whether each stage kept its limit — computed from the
stage times and the app clock whenever asked, never stored, so an open incident turns late the moment its limit
passes and a changed limit applies to every incident at once.

The limits (configuration: change them here, README "Emergency incident log" lists them):

| stage            | measured from | limit                                              | seed 000        |
|------------------|---------------|----------------------------------------------------|-----------------|
| 接警 acknowledged | receipt       | 5 minutes                                          | line 802        |
| 出动 dispatched   | receipt       | 30 minutes (启动应急响应)                            | line 31         |
| 到场 arrived      | receipt       | I 级 重大 30 minutes, II 级 较大 1 hour, III 级 一般 2 hours | line 678 |
| 初步处置 handled   | arrival       | 1 hour                                             | line 802        |
| 结案 closed        | —             | none                                               | line 806        |

The seed's "1 小时内初步处置" follows "30 分钟到场", which the tender struck out in favour of the arrival limits by
level; measured from the receipt it would leave a III 级 incident (2 hours to arrive) late before the team is there,
so it runs from the arrival. A stage done exactly at its limit is on time; one moment later is late."""
from dataclasses import dataclass
from datetime import timedelta

from ..clock import clock
from ..models import EMERGENCY_LEVELS, EMERGENCY_STAGES

ACKNOWLEDGE_LIMIT = timedelta(minutes=5)
DISPATCH_LIMIT = timedelta(minutes=30)
ARRIVAL_LIMITS = {"major": timedelta(minutes=30), "larger": timedelta(hours=1), "general": timedelta(hours=2)}
HANDLING_LIMIT = timedelta(hours=1)
# The levels that tell the bureau and the project leads at once (重大, 较大).
URGENT_LEVELS = ("major", "larger")
assert set(ARRIVAL_LIMITS) == set(EMERGENCY_LEVELS)

# stage -> (the stage it is measured from, "received" for the receipt)
MEASURED_FROM = {"acknowledged": "received", "dispatched": "received", "arrived": "received", "handled": "arrived",
                 "closed": None}
TIMED_STAGES = ("acknowledged", "dispatched", "arrived", "handled")
assert tuple(MEASURED_FROM) == tuple(EMERGENCY_STAGES)

# A stage's state: done on time or late; not done yet and within its limit (running) or past it (overdue); not done
# and its starting point not reached (waiting); or a stage without a limit (untimed).
STATES = {
    "on_time": ("按时", "On time"),
    "late": ("超时完成", "Done late"),
    "running": ("计时中", "Running"),
    "overdue": ("已超时", "Overdue"),
    "waiting": ("未开始计时", "Not started"),
    "untimed": ("不限时", "No limit"),
}
LATE_STATES = ("late", "overdue")


def limit_of(stage, level):
    """The stage's limit for the level (None for a stage without one)."""
    return {"acknowledged": ACKNOWLEDGE_LIMIT, "dispatched": DISPATCH_LIMIT, "arrived": ARRIVAL_LIMITS.get(level),
            "handled": HANDLING_LIMIT}.get(stage)


@dataclass
class StageTime:
    stage: str
    at: object  # when it was done, None if not yet
    due: object  # its deadline, None while its starting point is not reached or without a limit
    limit: object  # timedelta or None
    state: str  # a key of STATES

    @property
    def is_late(self):
        return self.state in LATE_STATES


def _moment(event, stage):
    return event.received_at if stage == "received" else event.stage_at(stage)


def stage_time(event, stage, now=None):
    """The stage's time, deadline and state (see STATES) at `now` (the app clock by default)."""
    now = now or clock.now()
    at, limit = event.stage_at(stage), limit_of(stage, event.level)
    start = _moment(event, MEASURED_FROM[stage]) if MEASURED_FROM[stage] else None
    if limit is None or start is None:
        return StageTime(stage, at, None, limit, "untimed" if limit is None else "waiting")
    due = start + limit
    if at is not None:
        return StageTime(stage, at, due, limit, "on_time" if at <= due else "late")
    return StageTime(stage, at, due, limit, "running" if now <= due else "overdue")


def timeline(event, now=None):
    """[StageTime] of every stage, in order."""
    now = now or clock.now()
    return [stage_time(event, stage, now) for stage in EMERGENCY_STAGES]


def late_stages(event, now=None):
    """The stages that missed their limit (done late, or overdue now)."""
    return [t.stage for t in timeline(event, now) if t.is_late]


def is_late(event, now=None):
    return bool(late_stages(event, now))


def next_stage(event):
    """The first stage not done yet (None once closed)."""
    return next((stage for stage in EMERGENCY_STAGES if event.stage_at(stage) is None), None)


@dataclass
class StageRate:
    stage: str
    on_time: int = 0
    late: int = 0  # done late or overdue now

    @property
    def counted(self):
        return self.on_time + self.late

    @property
    def percent(self):
        """The on-time rate in percent to one decimal; None with nothing to count."""
        return round(100 * self.on_time / self.counted, 1) if self.counted else None


@dataclass
class Statistics:
    total: int
    by_level: dict  # level -> count
    rates: list  # [StageRate] of TIMED_STAGES
    late: int  # incidents with any late stage
    open: int


def statistics(events, now=None):
    """Counts by level and the on-time rate of each timed stage over `events`: a stage counts once it is decided —
    done (on time or late) or overdue; one still running or waiting is left out."""
    now = now or clock.now()
    by_level = {level: 0 for level in EMERGENCY_LEVELS}
    rates = {stage: StageRate(stage) for stage in TIMED_STAGES}
    late = 0
    for event in events:
        by_level[event.level] = by_level.get(event.level, 0) + 1
        times = timeline(event, now)
        late += any(t.is_late for t in times)
        for t in times:
            if t.stage not in rates:
                continue
            if t.state == "on_time":
                rates[t.stage].on_time += 1
            elif t.is_late:
                rates[t.stage].late += 1
    return Statistics(len(events), by_level, list(rates.values()), late,
                      sum(1 for e in events if e.closed_at is None))
