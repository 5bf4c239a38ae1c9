"""Date arithmetic in SQL that reads alike on SQLite and PostgreSQL (stored moments are UTC)."""
from sqlalchemy import Date, cast, func


def local_month(dialect, column):
    """"2026-11": the month of a stored (UTC) moment on the Shanghai calendar."""
    if dialect == "postgresql":
        return func.to_char(func.timezone("Asia/Shanghai", column), "YYYY-MM")
    return func.strftime("%Y-%m", column, "+8 hours")


def days_between(dialect, later, earlier):
    """Days (fractional) from one stored moment to another."""
    if dialect == "postgresql":
        return func.extract("epoch", later - earlier) / 86400.0
    return func.julianday(later) - func.julianday(earlier)


def local_day(dialect, column):
    """"2026-11-30": the day of a stored (UTC) moment on the Shanghai calendar."""
    if dialect == "postgresql":
        return func.to_char(func.timezone("Asia/Shanghai", column), "YYYY-MM-DD")
    return func.strftime("%Y-%m-%d", column, "+8 hours")


def local_date(dialect, column):
    """The Shanghai calendar day of a stored (UTC) moment as a date: a DATE on PostgreSQL, "2026-11-30" on SQLite
    (how SQLite stores a Date column), for grouping and for writing into Date columns."""
    if dialect == "postgresql":
        return cast(func.timezone("Asia/Shanghai", column), Date)
    return func.date(column, "+8 hours")
