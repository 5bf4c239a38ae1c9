"""Checks of typed field values shared by the services that take forms and spreadsheets (users and enterprises,
accident records, inspection visits): each reads a value as typed (text, or the number or date a spreadsheet cell
holds), puts a "中文 / English" message for a wrong one into `errors` under its field name, and `raise_if` turns
all of them into one exception, so a form shows every error next to its field at once."""
import re
from datetime import date, datetime, timedelta

from ..clock import SHANGHAI, clock
from ..errors import ValidationFailed

MAX_COUNT = 1_000_000
ID_LIMIT = 2 ** 31  # integer id columns: a larger number names no row
_MAX_DIGITS = 18  # a longer run of digits is no count or id we take (and int() would refuse very long ones)
_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?: 0?0:00(?::00)?)?")


def clean_text(value, longest, name, errors):
    text = "" if value is None else str(value).strip()
    if len(text) > longest:
        errors[name] = f"最多 {longest} 个字符 / at most {longest} characters"
    return text


def whole_number(value):
    """`value` as a whole number when it is one (an int, not a bool) or typed as one (ASCII digits, spaces around
    allowed); else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = value.strip() if isinstance(value, str) else ""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= _MAX_DIGITS else None


def row_id(value):
    """`value` as the id of a row (a whole number, as `whole_number` reads it, below ID_LIMIT), else None."""
    number = whole_number(value)
    return number if number is not None and number < ID_LIMIT else None


def aware_moment(value):
    """A form's date-time as an aware moment (one typed without a zone is Shanghai time), or None when it is empty
    or not an ISO date-time."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=SHANGHAI)


def clean_count(value, name, errors):
    """A non-negative whole number from a form string or a number; empty is 0."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        number = int(value.strip())
    else:
        errors[name] = "请填写不小于0的整数 / enter a whole number, 0 or more"
        return value
    if number < 0:
        errors[name] = "请填写不小于0的整数 / enter a whole number, 0 or more"
    elif number > MAX_COUNT:
        errors[name] = f"不能超过 {MAX_COUNT} / at most {MAX_COUNT}"
    return number


def parse_date(value, name, errors):
    """A date from a date, a form's "YYYY-MM-DD" or a spreadsheet's "YYYY/M/D" / "YYYY.M.D"; empty is None."""
    if value is None or isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    match = _DATE.fullmatch(text)
    try:
        return date(*(int(part) for part in match.groups())) if match else date.fromisoformat(text)
    except ValueError:
        errors[name] = "请填写日期，如 2027-03-31 / enter a date such as 2027-03-31"
        return text


def past_date(value, name, errors, title):
    """A required date not after today (Shanghai), read as `parse_date` reads it; `title` names it in Chinese in the
    messages ("事故日期", "排查日期")."""
    day = parse_date(value, name, errors)
    if name in errors:
        return day
    if day is None:
        errors[name] = f"请填写{title} / the date is required"
    elif day > clock.local_now().date():
        errors[name] = f"{title}不能晚于今天 / the date cannot be in the future"
    return day


def years_later_less_a_day(day, years):
    """The last day of a period of `years` from `day` (a plan filed or a source assessed 2026-03-01, due again every
    three years, is due by 2029-02-28); 29 February counts from 28 February in a year without it."""
    try:
        later = day.replace(year=day.year + years)
    except ValueError:  # 29 February
        later = day.replace(year=day.year + years, day=28)
    return later - timedelta(days=1)


def raise_if(errors, kind=ValidationFailed):
    """One exception for all field errors; its message joins the Chinese halves, then the English ones."""
    if not errors:
        return
    halves = [message.split(" / ", 1) for message in errors.values()]
    zh = "；".join(h[0] for h in halves)
    en = "; ".join(h[-1] for h in halves)
    raise kind(f"{zh} / {en}", fields=dict(errors))
