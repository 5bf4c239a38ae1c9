"""Listed supervision of major hazards (挂牌督办) and the bureau's overview of every major case.

The bureau lists a case that has a major-hazard record (services/major_hazards.py) for supervision, naming the
supervising official and unit, the date the treatment must be completed by and a note; the listing ends (摘牌) when the
case is closed (its close event, case_store._after_write) or when the bureau takes it off with a reason. A case taken
off may be listed again while it is open: the record keeps the current listing, the case's history every move.

This is not the key-supervision list (重点监管名单, services/sla.py), which lists enterprises with overdue cases."""
from dataclasses import dataclass

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import contains_eager

from ..clock import clock
from ..errors import Conflict, NotAllowed
from ..models import Enterprise, HazardCase, MajorHazard
from . import audit, notifications
from .access import enterprise_condition
from .field_rules import clean_text, parse_date, raise_if
from .major_hazards import DECIDERS, _for_update, may_decide, people, plan_overdue, report_overdue

MAX_NAME, MAX_UNIT, MAX_NOTE = 64, 128, 2000
LISTING_STATES = ("", "listed", "not_listed", "ended")
DUE_STATES = ("", "report_overdue", "plan_overdue", "listing_overdue", "any_overdue")


def listing_overdue(record, today=None):
    """Listed, the case still open and its required completion date passed."""
    today = today or clock.local_now().date()
    return record.is_listed and record.case.status != "closed" and record.listing_due is not None and \
        today > record.listing_due


def list_case(uow, user, case_id, values):
    """Put the case under listed supervision; Conflict when it is listed already or closed."""
    session = uow.session
    record = _for_update(session, user, case_id)  # another enterprise's / area's case: 404
    if not may_decide(user):
        raise NotAllowed("只有应急管理局可以挂牌督办 / only the bureau lists a hazard for supervision")
    if record.is_listed:
        raise Conflict("该隐患已挂牌督办 / the hazard is listed already")
    if record.case.status == "closed":
        raise Conflict("案件已销号，不能挂牌督办 / the case is closed")
    errors = {}
    name = clean_text(values.get("supervisor_name"), MAX_NAME, "supervisor_name", errors)
    unit = clean_text(values.get("supervisor_unit"), MAX_UNIT, "supervisor_unit", errors)
    note = clean_text(values.get("note"), MAX_NOTE, "note", errors)
    due = parse_date(values.get("due_date"), "due_date", errors)
    for field, value in (("supervisor_name", name), ("supervisor_unit", unit)):
        if not value and field not in errors:
            errors[field] = "请填写督办责任人和督办单位 / name the supervising official and unit"
    if due is None and "due_date" not in errors:
        errors["due_date"] = "请填写要求完成日期 / give the required completion date"
    elif due is not None and due < clock.local_now().date():
        errors["due_date"] = "要求完成日期不能早于今天 / the date cannot be in the past"
    raise_if(errors)
    now = clock.now()
    record.listed_at, record.listed_by_id, record.supervisor_name, record.supervisor_unit = now, user.id, name, unit
    record.listing_due, record.listing_note = due, note
    record.delisted_at = record.delisted_by_id = record.delist_reason = None
    session.flush()
    audit.record(uow, record.case_id, user, "major_hazard_listed", reason=note,
                 details={"supervisor": name, "unit": unit, "due": due.isoformat()})
    case = record.case
    key = f"major:{case.id}:listed:{now.isoformat()}"
    notifications.send(uow, people(uow, key, notifications.role_holders(
        uow, ("enterprise", "township", "project_lead"), case.enterprise_id)), "major_hazard_listed",
        f"重大隐患挂牌督办（{case.code}）", f"督办单位：{unit}；要求完成日期：{due.isoformat()}", key, case.id)
    return record


def delist(uow, user, case_id, reason):
    """The bureau takes the listing off before the case is closed (摘牌), with a reason."""
    session = uow.session
    record = _for_update(session, user, case_id)
    if not may_decide(user):
        raise NotAllowed("只有应急管理局可以摘牌 / only the bureau ends a listing")
    errors = {}
    reason = clean_text(reason, MAX_NOTE, "reason", errors)
    if not reason and "reason" not in errors:
        errors["reason"] = "请填写摘牌原因 / give the reason"
    raise_if(errors)
    if not record.is_listed:
        raise Conflict("该隐患未挂牌督办 / the hazard is not listed")
    _end(uow, record, user, reason)
    return record


def on_case_closed(uow, case):
    """A listed case's closing ends its listing (摘牌 by closing). Every closing asks, and most cases never were
    major: a plain indexed look first, the record as an object only for a listed one (loading it through the
    session flushed the step's pending objects first and cost half a millisecond on every closing)."""
    listed = uow.session.connection().execute(_LISTED, {"case_id": case.id}).first()
    if listed is not None:
        _end(uow, uow.session.get(MajorHazard, case.id), None, None)  # no reason typed: the pages say "closed"


_LISTED = select(MajorHazard.case_id).where(MajorHazard.case_id == bindparam("case_id"),
                                            MajorHazard.listed_at.is_not(None), MajorHazard.delisted_at.is_(None))


def _end(uow, record, user, reason):
    record.delisted_at, record.delisted_by_id, record.delist_reason = clock.now(), user.id if user else None, reason
    uow.session.flush()
    audit.record(uow, record.case_id, user, "major_hazard_delisted", reason=reason or "",
                 details={"by_closing": user is None})
    case = record.case
    key = f"major:{case.id}:delisted:{record.delisted_at.isoformat()}"
    recipients = people(uow, key, notifications.role_holders(uow, ("enterprise",), case.enterprise_id),
                        [] if user else notifications.role_holders(uow, DECIDERS))
    notifications.send(uow, recipients, "major_hazard_delisted", f"重大隐患已摘牌（{case.code}）",
                       (reason or "案件已销号")[:200], key, case.id)


# ---- the overview (/major-hazards) -------------------------------------------------------------------------------
@dataclass
class MajorFilter:
    grade: str = ""  # major | especially_major
    plan: str = ""  # a key of PLAN_STATUSES
    listing: str = ""  # one of LISTING_STATES
    due: str = ""  # one of DUE_STATES
    township: str = ""
    open_only: bool = True
    text: str = ""


def overview(session, user, flt):
    """The major-hazard records of the cases the user may see, matching the filter, the soonest deadline first.
    The overdue states depend on the clock, so they are filtered here rather than in SQL (a county has dozens of
    major hazards, not thousands)."""
    query = session.query(MajorHazard).join(HazardCase, HazardCase.id == MajorHazard.case_id) \
        .join(Enterprise, Enterprise.id == HazardCase.enterprise_id) \
        .filter(enterprise_condition(user, HazardCase.enterprise_id)) \
        .options(contains_eager(MajorHazard.case).contains_eager(HazardCase.enterprise))
    if flt.grade:
        query = query.filter(HazardCase.grade == flt.grade)
    if flt.plan:
        query = query.filter(MajorHazard.plan_status == flt.plan)
    if flt.listing == "listed":
        query = query.filter(MajorHazard.listed_at.isnot(None), MajorHazard.delisted_at.is_(None))
    elif flt.listing == "not_listed":
        query = query.filter(MajorHazard.listed_at.is_(None))
    elif flt.listing == "ended":
        query = query.filter(MajorHazard.delisted_at.isnot(None))
    if flt.township:
        query = query.filter(Enterprise.township == flt.township)
    if flt.open_only:
        query = query.filter(HazardCase.status != "closed")
    if flt.text:
        like = f"%{flt.text}%"
        query = query.filter(or_(HazardCase.code.ilike(like), Enterprise.name.ilike(like),
                                 HazardCase.description.ilike(like)))
    records = query.order_by(MajorHazard.opened_at.desc(), MajorHazard.case_id.desc()).all()
    if flt.due == "any_overdue":
        return [r for r in records if any(flags(r).values())]
    if flt.due:
        return [r for r in records if flags(r)[flt.due]]
    return records


def flags(record):
    """{report_overdue, plan_overdue, listing_overdue} of a record now (closed cases are never overdue)."""
    if record.case.status == "closed":
        return {"report_overdue": False, "plan_overdue": False, "listing_overdue": False}
    return {"report_overdue": report_overdue(record), "plan_overdue": plan_overdue(record),
            "listing_overdue": listing_overdue(record)}
