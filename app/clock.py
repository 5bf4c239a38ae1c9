"""The one clock of the application.

Services, the scheduler and the workflow engine's timer comparison all read `clock.now()`, so tests and
drills move time by setting it instead of sleeping.
"""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Clock:
    def __init__(self):
        self._fixed = None

    def now(self):
        """Aware UTC datetime."""
        return self._fixed if self._fixed is not None else datetime.now(timezone.utc)

    def local_now(self):
        return self.now().astimezone(SHANGHAI)

    def set(self, moment):
        if moment.tzinfo is None:
            raise ValueError("clock needs an aware datetime")
        self._fixed = moment.astimezone(timezone.utc)

    def advance(self, **delta):
        self.set(self.now() + timedelta(**delta))

    def reset(self):
        self._fixed = None

    @property
    def is_fixed(self):
        return self._fixed is not None


clock = Clock()


def start_of_local_day(day):
    """The instant a Shanghai calendar day begins (an aware datetime)."""
    return datetime.combine(day, datetime.min.time(), tzinfo=SHANGHAI)
