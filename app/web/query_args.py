"""Reading list pages' query arguments (cases, inbox, admin lists): whole numbers and the page number."""
from math import ceil


def int_or_none(value):
    """A whole-number argument, None when it is missing or not a number (the filter is then not applied)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def page_number(args):
    """The `page` argument; 1 when it is missing, not a number or below 1."""
    return max(int_or_none(args.get("page")) or 1, 1)


def page_count(total, size):
    """How many pages `total` rows fill, at least one (an empty list is still page 1 of 1)."""
    return max(1, ceil(total / size))
