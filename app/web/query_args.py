"""Reading list pages' query arguments (cases, inbox, admin lists, the audit log, statistics): whole numbers,
the page number, days."""
from datetime import date
from math import ceil

from flask_babel import gettext as _


ID_LIMIT = 2**31 - 1  # the database's integer columns: a larger number is no id (and would overflow the query)
MAX_PAGE = 100_000


def int_or_none(value):
    """A whole-number argument, None when it is missing, not a number or beyond an integer column (the filter is
    then not applied)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if -ID_LIMIT <= number <= ID_LIMIT else None


def page_number(args):
    """The `page` argument; 1 when it is missing, not a number or below 1; at most MAX_PAGE."""
    return min(max(int_or_none(args.get("page")) or 1, 1), MAX_PAGE)


def read_days(source, names, errors, required=False):
    """{name: date or None} of the day fields (year-month-day) `names` in `source` (query or form); a malformed
    one, or a missing one when `required`, gets the format's message in `errors`."""
    days = {}
    for name in names:
        text = (source.get(name) or "").strip()
        days[name] = None
        if text or required:
            try:
                days[name] = date.fromisoformat(text)
            except ValueError:
                errors[name] = _("日期格式应为 年-月-日，例如 2026-11-30")
    return days


def page_count(total, size):
    """How many pages `total` rows fill, at least one (an empty list is still page 1 of 1)."""
    return max(1, ceil(total / size))
