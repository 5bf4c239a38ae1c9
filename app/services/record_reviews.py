"""What the reviews of the records enterprises keep themselves share — archive documents (enterprise_documents.py),
major hazard sources (hazard_sources.py) and risk points (risk_points.py): the reviewer's decision and note are
checked alike, every change is a versioned write that refuses a page read before the last change, and a return
tells the enterprise's staff."""
from sqlalchemy import update

from ..errors import Conflict
from . import notifications
from .field_rules import clean_text, raise_if, whole_number

DECISIONS = ("reviewed", "returned")


def checked_decision(decision, note, max_length):
    """The reviewer's note, cleaned; field errors for a decision that is neither, or a return without a reason."""
    errors = {}
    note = clean_text(note, max_length, "review_note", errors)
    if decision not in DECISIONS:
        errors["decision"] = "请选择审核结论 / choose reviewed or returned"
    elif decision == "returned" and not note and "review_note" not in errors:
        errors["review_note"] = "退回须写明原因 / give the reason for returning"
    raise_if(errors)
    return note


def versioned_write(session, model, row, version, values, stale_message):
    """Write `values` and the next version, unless the row moved past `version` (the form's; none: the row's own)
    meanwhile — then Conflict with `stale_message`."""
    expected = whole_number(version) if version not in (None, "") else row.version
    done = session.execute(update(model).where(model.id == row.id, model.version == expected)
                           .values(version=(expected or 0) + 1, **values)
                           .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise Conflict(stale_message)
    session.refresh(row)


def tell_returned(uow, row, subject, kind, title, note):
    """The enterprise's staff told that `row` came back with `note`, once per version it was returned at."""
    staff = notifications.role_holders(uow, ("enterprise",), row.enterprise_id)
    notifications.send(uow, staff, kind, title[:200], note[:200], f"{subject}:{row.id}:returned:{row.version}")
