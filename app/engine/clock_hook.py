"""Make SpiffWorkflow's timer comparison read the application clock.

SpiffWorkflow 3.2 compares timers with `datetime.now(timezone.utc)` inside its timer module and offers no
clock hook. We replace that module's `datetime` name with a subclass whose `now()` asks our clock, so the
engine, the services and the scheduler agree on one time that tests can move.
"""
from datetime import datetime

from SpiffWorkflow.bpmn.specs.event_definitions import timer as _timer_module

_clock_source = None


class _ClockedDatetime(datetime):
    @classmethod
    def now(cls, tz=None):
        moment = _clock_source()
        return moment.astimezone(tz) if tz is not None else moment.replace(tzinfo=None)


def install(clock_now):
    """clock_now: a callable returning an aware datetime."""
    global _clock_source
    _clock_source = clock_now
    _timer_module.datetime = _ClockedDatetime
