"""Working days in Asia/Shanghai: admin overrides first, then the State Council schedule (chinesecalendar).

A year the package has no official schedule for (published each November for the next year) is computed
provisionally: weekdays minus the holidays fixed by law on Gregorian dates. Callers are told it is provisional.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import chinese_calendar
from sqlalchemy import select

from ..clock import SHANGHAI
from ..errors import CalendarError
from ..extensions import db
from ..models import CalendarDay, CalendarRevision, CalendarYear

# Gregorian statutory holidays (全国年节及纪念日放假办法): New Year, Labour Day (2 days), National Day (3 days).
_FIXED_HOLIDAYS = {(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)}
_MAX_STEPS = 3660  # ten years of days: a bound so a calendar with no working days cannot loop forever


_REVISION = select(CalendarRevision.revision).where(CalendarRevision.id == 1)
REVISION_SUBQUERY = _REVISION.scalar_subquery()  # for a caller's query to read the counter along
_OVERRIDES = select(CalendarDay.day, CalendarDay.is_workday)
_YEARS = select(CalendarYear.year)
_loaded = {}  # "calendar": (revision, WorkingCalendar); a calendar is never changed after it is built


@dataclass(frozen=True)
class Deadline:
    moment: datetime
    provisional: bool


class WorkingCalendar:
    def __init__(self, overrides, imported_years=()):
        self._overrides = overrides  # {date: bool}
        self._imported_years = set(imported_years)
        self._answers = {}  # day -> answer: calendars are immutable and kept in memory between requests

    @classmethod
    def load(cls, revision=None):
        """The calendar as stored, kept in memory while the revision counter (raised by triggers on every
        write to the calendar tables) stays where it was: one primary-key read per deadline computation,
        none when the caller read the counter with its own first query (`revision`)."""
        conn = db.session.connection()
        if revision is None:
            revision = conn.execute(_REVISION).scalar()
        cached = _loaded.get("calendar")
        if revision is not None and cached is not None and cached[0] == revision:
            return cached[1]
        calendar = cls({day: is_workday for day, is_workday in conn.execute(_OVERRIDES)},
                       [year for (year,) in conn.execute(_YEARS)])
        _loaded["calendar"] = (revision, calendar)
        return calendar

    def is_workday(self, day):
        """(is it a working day, is the answer provisional)."""
        answer = self._answers.get(day)
        if answer is None:
            answer = self._answers[day] = self._is_workday(day)
        return answer

    def _is_workday(self, day):
        if day in self._overrides:
            return self._overrides[day], False
        if day.year in self._imported_years:  # the imported schedule lists every exception of its year
            return day.weekday() < 5, False
        try:
            return chinese_calendar.is_workday(day), False
        except NotImplementedError:
            return day.weekday() < 5 and (day.month, day.day) not in _FIXED_HOLIDAYS, True

    def has_official_data(self, year):
        if year in self._imported_years:
            return True
        try:
            chinese_calendar.is_workday(date(year, 6, 1))
            return True
        except NotImplementedError:
            return False

    def add_workdays(self, moment, days):
        """The moment `days` working days after (or before, if negative) `moment`, same local time."""
        if moment.tzinfo is None:
            raise CalendarError("add_workdays needs a moment with a time zone")
        local = moment.astimezone(SHANGHAI)
        day, step, remaining, provisional = local.date(), (1 if days >= 0 else -1), abs(int(days)), False
        for _ in range(_MAX_STEPS):
            if remaining == 0:
                break
            day += timedelta(days=step)
            workday, guess = self.is_workday(day)
            provisional |= guess
            remaining -= 1 if workday else 0
        else:
            raise CalendarError(f"no {days} working days found within ten years of {local.date()}")
        result = datetime.combine(day, local.timetz()).replace(tzinfo=SHANGHAI)
        return Deadline(result, provisional)


def add_workdays(moment, days):
    return WorkingCalendar.load().add_workdays(moment, days)


def parse_day(text):
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CalendarError(f"not a date (YYYY-MM-DD): {text}") from exc
