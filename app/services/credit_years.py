"""A year's credit evaluations (services/credit.py has the formula): computed on the fly from the year's credit
records and monthly cooperation scores until the bureau confirms the closed year; the confirmation stores each
enterprise's grade with its inputs (CreditEvaluation) and from then on the year is read from those rows — a record
added, changed or removed later (a penalty decision withdrawn) no longer moves it. Confirming again: Conflict.

What counts for a year: the entries of the enterprise's credit record made in the Shanghai calendar year (their
`created_at`), and its monthly cooperation scores of the year's twelve months. The enterprises: those on the
register (those registered after a year was confirmed have no grade for it)."""
from collections import Counter
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from ..clock import clock
from ..errors import Conflict, NotAllowed, NotFound, ValidationFailed
from ..models import CooperationScore, CreditEvaluation, CreditRecord, CreditYear, Enterprise
from . import audit
from .credit import (GRADES, current_year, enterprise_scope, evaluate, is_over, may_confirm, may_read,
                     month_bounds, rules, stored, year_bounds)

SUBJECT = "credit_year"


@dataclass
class YearFilter:
    grade: str = ""
    township: str = ""
    industry: str = ""


def year_filter(grade="", township="", industry=""):
    """A YearFilter from typed values; ValidationFailed for a grade that is none of A-D."""
    grade = (grade or "").strip().upper()
    if grade and grade not in GRADES:
        raise ValidationFailed("等级应为 A、B、C 或 D / the grade must be A, B, C or D", {"grade": "A / B / C / D"})
    return YearFilter(grade=grade, township=(township or "").strip()[:100], industry=(industry or "").strip()[:100])


def check_may_read(user):
    if not may_read(user):
        raise NotAllowed("企业信用评价供应急管理局、管理人员、项目负责人、质量监督专员、系统管理员、属地监管和企业本身查看 / the "
                         "credit evaluation is for the bureau, managers, project leads, quality supervisors, "
                         "administrators, township offices and each enterprise itself")


def confirmed_year(session, year):
    return session.get(CreditYear, year)


def compute(session, year, enterprise_condition):
    """[Evaluation] of the enterprises matching the SQL condition, computed now, by name."""
    enterprises = session.query(Enterprise).filter(enterprise_condition).order_by(Enterprise.name, Enterprise.id).all()
    if not enterprises:
        return []
    ids = [e.id for e in enterprises]
    start, end = year_bounds(year)
    records = {}
    for row in session.query(CreditRecord).filter(CreditRecord.enterprise_id.in_(ids), CreditRecord.created_at >= start,
                                                  CreditRecord.created_at < end) \
            .order_by(CreditRecord.created_at, CreditRecord.id):
        records.setdefault(row.enterprise_id, []).append({
            "id": row.id, "kind": row.kind, "created_at": row.created_at, "case_id": row.case_id, "note": row.note})
    first, last = month_bounds(year)
    months = {}
    for enterprise_id, month, score in session.query(
            CooperationScore.enterprise_id, CooperationScore.month, CooperationScore.score).filter(
            CooperationScore.enterprise_id.in_(ids), CooperationScore.month >= first, CooperationScore.month <= last):
        months.setdefault(enterprise_id, {})[f"{month:%Y-%m}"] = score
    return [evaluate(year, e, records.get(e.id, []), months.get(e.id, {})) for e in enterprises]


def _rows(session, year, condition):
    """[Evaluation] of the confirmed year's rows matching the condition, by name."""
    query = session.query(CreditEvaluation).join(Enterprise, Enterprise.id == CreditEvaluation.enterprise_id) \
        .filter(CreditEvaluation.year == year, condition).order_by(Enterprise.name, Enterprise.id)
    return [stored(row) for row in query]


def evaluations(session, year, condition):
    """The year's evaluations of the enterprises matching `condition`: stored if confirmed, computed otherwise."""
    if confirmed_year(session, year) is not None:
        return _rows(session, year, condition)
    return compute(session, year, condition)


def _filtered(user, flt):
    condition = enterprise_scope(user, Enterprise.id)
    if flt.township:
        condition = condition & (Enterprise.township == flt.township)
    if flt.industry:
        condition = condition & (Enterprise.industry == flt.industry)
    return condition


def listing(session, user, year, flt=None):
    """(CreditYear or None, [Evaluation] the user may see matching the filter), the best score first (then name)."""
    check_may_read(user)
    flt = flt or YearFilter()
    rows = evaluations(session, year, _filtered(user, flt))
    if flt.grade:
        rows = [row for row in rows if row.grade == flt.grade]
    return confirmed_year(session, year), sorted(rows, key=lambda r: (-r.score, r.enterprise.name, r.enterprise.id))


def grade_counts(rows):
    counts = Counter(row.grade for row in rows)
    return {grade: counts.get(grade, 0) for grade in GRADES}


def industries(session, user):
    """The industries of the enterprises the user sees, for the filter."""
    return [i for (i,) in session.query(Enterprise.industry).filter(
        enterprise_scope(user, Enterprise.id), Enterprise.industry != "").distinct().order_by(Enterprise.industry)]


def get_enterprise(session, user, enterprise_id):
    """The enterprise if the user may see its evaluation; NotFound otherwise (another enterprise's, another area's:
    no existence leak)."""
    check_may_read(user)
    enterprise = session.query(Enterprise).filter(enterprise_scope(user, Enterprise.id),
                                                  Enterprise.id == enterprise_id).first()
    if enterprise is None:
        raise NotFound("企业不存在 / enterprise not found")
    return enterprise


def of_enterprise(session, user, enterprise_id, year):
    """The enterprise's evaluation of the year; None when the year was confirmed before it was registered."""
    enterprise = get_enterprise(session, user, enterprise_id)
    rows = evaluations(session, year, Enterprise.id == enterprise.id)
    return rows[0] if rows else None


def history(session, user, enterprise_id):
    """The enterprise's grade year by year, the latest first: each confirmed year's row, and computed (provisional)
    the current year and the years since the last confirmed one (a closed year not yet confirmed)."""
    enterprise = get_enterprise(session, user, enterprise_id)
    frozen = {row.year: stored(row) for row in session.query(CreditEvaluation).filter_by(enterprise_id=enterprise.id)}
    last = max([y for (y,) in session.query(CreditYear.year)] or [current_year() - 2])
    for year in range(min(last + 1, current_year()), current_year() + 1):
        if year not in frozen:
            frozen[year] = compute(session, year, Enterprise.id == enterprise.id)[0]
    return [frozen[year] for year in sorted(frozen, reverse=True)]


def confirm(uow, user, year):
    """Freeze the closed year: every enterprise's evaluation stored with its inputs and the rules of the day.
    Only the bureau; Conflict before the year is over (Shanghai) and when it was confirmed already."""
    session = uow.session
    if not may_confirm(user):
        raise NotAllowed("只有应急管理局可以确认年度信用评价 / only the bureau confirms a year's credit evaluation")
    if not is_over(year):
        raise Conflict(f"{year} 年度尚未结束，年度结束后才能确认 / the year {year} is not over yet")
    if confirmed_year(session, year) is not None:
        raise Conflict(f"{year} 年度信用评价已确认 / the credit evaluation of {year} was confirmed already")
    rows = compute(session, year, Enterprise.id.isnot(None))
    now = clock.now()
    try:
        with session.begin_nested():  # two confirmations at once: the second finds the year's row taken
            session.add(CreditYear(year=year, confirmed_by_id=user.id, confirmed_at=now, rules=rules(), award_note=""))
            session.flush()
    except IntegrityError:
        raise Conflict(f"{year} 年度信用评价已确认 / the credit evaluation of {year} was confirmed already") from None
    session.add_all([_row(e) for e in rows])
    session.flush()
    counts = grade_counts(rows)
    audit.record(uow, None, user, "credit_year_confirmed", changes={"confirmed": [False, True]}, details={
        "year": year, "enterprises": len(rows), "grades": counts,
        "deducted": sum(1 for e in rows if e.deductions)}, subject=(SUBJECT, year))
    return confirmed_year(session, year)


def _row(evaluation):
    records = [dict(r, created_at=r["created_at"].isoformat()) for r in evaluation.records]
    return CreditEvaluation(year=evaluation.year, enterprise_id=evaluation.enterprise.id,
                            deductions=evaluation.deductions, additions=evaluation.additions,
                            cooperation_average=evaluation.cooperation_average,
                            cooperation_months=evaluation.cooperation_months,
                            cooperation_points=evaluation.cooperation_points, score=evaluation.score,
                            grade=evaluation.grade, records=records, months=evaluation.months)
