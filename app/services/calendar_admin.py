"""Maintaining the working-day calendar: overrides, importing a year's official schedule, and recomputing
every provisional deadline when the schedule arrives (audited, never silent)."""
from datetime import date, datetime

from ..clock import SHANGHAI, clock, start_of_local_day
from ..errors import CalendarError, NotAllowed, ValidationFailed
from ..models import CalendarDay, CalendarYear, HazardCase
from . import audit, case_store
from .calendar import WorkingCalendar, parse_day


def import_year(uow, actor, payload):
    """payload: {"year": 2027, "source": "...", "holidays": ["2027-01-01", ...], "workdays": ["2027-02-07"]}.

    Replaces that year's overrides, marks the year official and recomputes provisional deadlines."""
    _require_admin(actor)
    year, holidays, workdays = _parse_schedule(payload)
    session = uow.session
    session.query(CalendarDay).filter(CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31)) \
        .delete(synchronize_session=False)
    session.add_all([CalendarDay(day=d, is_workday=False, note="法定节假日") for d in holidays] +
                    [CalendarDay(day=d, is_workday=True, note="调休上班") for d in workdays])
    existing = session.get(CalendarYear, year)
    if existing is None:
        session.add(CalendarYear(year=year, source=str(payload.get("source", ""))[:200], imported_at=clock.now(),
                                 imported_by=actor.username))
    else:
        existing.source, existing.imported_at = str(payload.get("source", ""))[:200], clock.now()
        existing.imported_by = actor.username
    session.flush()
    audit.record(uow, None, actor, "calendar_imported",
                 details={"year": year, "holidays": len(holidays), "workdays": len(workdays)})
    return year, recompute_provisional(uow, actor)


def _parse_schedule(payload):
    try:
        year = int(payload["year"])
        holidays = sorted({parse_day(d) for d in payload.get("holidays", [])})
        workdays = sorted({parse_day(d) for d in payload.get("workdays", [])})
    except (KeyError, TypeError, ValueError, CalendarError) as exc:
        raise ValidationFailed(f"日历文件格式错误 / bad schedule file: {exc}", fields={"file": str(exc)}) from exc
    wrong_year = [d.isoformat() for d in holidays + workdays if d.year != year]
    if wrong_year:
        raise ValidationFailed(f"日期不属于 {year} 年 / dates outside {year}: {wrong_year[:5]}",
                               fields={"file": "dates outside the year"})
    both = set(holidays) & set(workdays)
    if both:
        raise ValidationFailed("同一天既是假日又是工作日 / a day is both holiday and working day",
                               fields={"file": sorted(d.isoformat() for d in both)[:5]})
    if not holidays:
        raise ValidationFailed("没有假日 / the schedule lists no holidays", fields={"holidays": "empty"})
    return year, holidays, workdays


def recompute_provisional(uow, actor):
    """Redo each case's recorded provisional computations with the calendar as it is now."""
    calendar = WorkingCalendar.load()
    recomputed = []
    cases = uow.session.query(HazardCase).filter(HazardCase.deadlines_provisional.is_(True)).all()
    for case in cases:
        mapping, still = {}, []
        for item in case.provisional_computations or []:
            moment = mapping.get(item["moment"], item["moment"])  # chained: a reminder derived from a deadline
            deadline = calendar.add_workdays(datetime.fromisoformat(moment), int(item["days"]))
            new = deadline.moment.isoformat()
            if new != item["result"]:
                mapping[item["result"]] = new
            if deadline.provisional:
                still.append({"moment": moment, "days": item["days"], "result": new})
        loaded = case_store.load(uow, case)
        loaded.runtime.replace_values(mapping)
        case.provisional_computations, case.deadlines_provisional = (still or None), bool(still)
        case_store.save(uow, loaded, actor)
        audit.record(uow, case.id, actor, "deadlines_recomputed",
                     changes={old: [old, new] for old, new in mapping.items()},
                     details={"still_provisional": len(still)})
        recomputed.append((case.code, mapping))
    return recomputed


def set_override(uow, actor, day, is_workday, note=""):
    _require_admin(actor)
    row = uow.session.get(CalendarDay, day) or CalendarDay(day=day)
    before = row.is_workday
    row.is_workday, row.note = bool(is_workday), (note or "")[:100]
    uow.session.add(row)
    audit.record(uow, None, actor, "calendar_override", changes={day.isoformat(): [before, row.is_workday]},
                 reason=note or "")
    return row


def remove_override(uow, actor, day):
    _require_admin(actor)
    row = uow.session.get(CalendarDay, day)
    if row is not None:
        uow.session.delete(row)
        audit.record(uow, None, actor, "calendar_override_removed", changes={day.isoformat(): [row.is_workday, None]})


def missing_years(session):
    """Years that deadlines reach into without an official schedule, plus next year from November on."""
    calendar = WorkingCalendar.load()
    today = clock.now().astimezone(SHANGHAI).date()
    years = {today.year + 1} if today.month >= 11 else set()
    for (items,) in session.query(HazardCase.provisional_computations).filter(
            HazardCase.deadlines_provisional.is_(True)):
        years.update(datetime.fromisoformat(i["result"]).year for i in items or [])
    return sorted(y for y in years if not calendar.has_official_data(y))


def _require_admin(actor):
    if actor is not None and not actor.has_role("admin"):
        raise NotAllowed("only administrators maintain the working-day calendar")


def parse_moment(text):
    """A date (midnight Asia/Shanghai) or an ISO date-time with zone."""
    try:
        if len(text) == 10:
            return start_of_local_day(date.fromisoformat(text))
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise CalendarError(f"not a date or ISO date-time: {text}") from exc
    if moment.tzinfo is None:
        raise CalendarError("give the time zone, e.g. 2026-12-03T09:00:00+08:00")
    return moment
