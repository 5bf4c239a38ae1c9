"""The functions diagram expressions may call (documented in README): clock and working-day calendar."""
from datetime import datetime, timedelta

from ..clock import SHANGHAI, clock
from .calendar import WorkingCalendar


class ScriptFunctions:
    """Built per engine run; remembers whether any deadline it computed was provisional."""

    def __init__(self, calendar_revision=None):
        """calendar_revision: the calendar's revision counter when the caller has just read it."""
        self._calendar = None
        self._calendar_revision = calendar_revision
        self.provisional_computations = []  # [{"moment", "days", "result"}] computed without official data

    def _cal(self):
        if self._calendar is None:
            self._calendar = WorkingCalendar.load(self._calendar_revision)
        return self._calendar

    def now(self):
        return clock.local_now().isoformat()

    def add_workdays(self, moment, days):
        deadline = self._cal().add_workdays(_parse(moment), int(days))
        result = deadline.moment.isoformat()
        if deadline.provisional:
            self.provisional_computations.append({"moment": str(moment), "days": int(days), "result": result})
        return result

    def add_hours(self, moment, hours):
        return (_parse(moment) + timedelta(hours=float(hours))).astimezone(SHANGHAI).isoformat()

    def as_dict(self):
        return {"now": self.now, "add_workdays": self.add_workdays, "add_hours": self.add_hours}


def _parse(moment):
    value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    if value.tzinfo is None:
        value = value.replace(tzinfo=SHANGHAI)
    return value
