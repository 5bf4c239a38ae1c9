"""Working-day deadlines in Asia/Shanghai, across holidays and make-up working days (调休)."""
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from app.clock import SHANGHAI
from app.errors import CalendarError
from app.extensions import db
from app.models import CalendarDay
from app.services.calendar import WorkingCalendar, add_workdays


def at(y, m, d, h=9):
    return datetime(y, m, d, h, tzinfo=SHANGHAI)


@pytest.mark.parametrize("start,days,expected", [
    (at(2026, 9, 28), 7, date(2026, 10, 13)),   # National Day week skipped
    (at(2026, 9, 30), 3, date(2026, 10, 10)),   # lands on a make-up Saturday
    (at(2026, 2, 12), 7, date(2026, 2, 28)),    # Spring Festival, make-up Saturday
    (at(2026, 11, 23), 7, date(2026, 12, 2)),   # plain weeks
    (at(2026, 12, 2), -5, date(2026, 11, 25)),  # backwards, for reminders
])
def test_add_workdays_official_schedule(start, days, expected):
    deadline = add_workdays(start, days)
    assert deadline.moment.date() == expected and deadline.moment.hour == 9
    assert deadline.provisional is False


def test_a_year_without_official_data_is_provisional_not_an_error():
    deadline = add_workdays(at(2027, 9, 29), 3)
    assert deadline.provisional is True
    assert deadline.moment.date() == date(2027, 10, 5)  # Thu 30th, then Oct 1-3 (fixed by law), Mon 4th, Tue 5th


def test_admin_override_wins():
    db.session.add(CalendarDay(day=date(2026, 11, 24), is_workday=False, note="临时停工"))
    db.session.commit()
    assert add_workdays(at(2026, 11, 23), 1).moment.date() == date(2026, 11, 25)


def test_naive_moment_is_refused():
    with pytest.raises(CalendarError):
        WorkingCalendar({}).add_workdays(datetime(2026, 1, 1), 1)


def test_the_calendar_is_kept_in_memory_until_any_write_to_its_tables():
    first = WorkingCalendar.load()
    assert WorkingCalendar.load() is first  # no change: the same object, no reload
    # a write by hand, bypassing the app: the triggers still raise the revision
    with db.engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO calendar_day (day, is_workday, note) VALUES (:d, :w, '')"),
                     {"d": date(2026, 11, 24), "w": False})
    db.session.rollback()
    second = WorkingCalendar.load()
    assert second is not first and second.is_workday(date(2026, 11, 24)) == (False, False)
    with db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE calendar_day SET is_workday = :w"), {"w": True})
    db.session.rollback()
    assert WorkingCalendar.load().is_workday(date(2026, 11, 24)) == (True, False)
    with db.engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO calendar_year (year, source, imported_at, imported_by) "
                             "VALUES (2027, 'x', :t, 'admin')"), {"t": at(2026, 11, 23)})
    db.session.rollback()
    assert WorkingCalendar.load().has_official_data(2027)
