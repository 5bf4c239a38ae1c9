"""The figures of a periodic report to the bureau (定期报告, services/periodic_reports.py) over its period, for the whole
county: computed by the statistics that already exist and turned into plain JSON so that issuing can freeze them into
the version, as service reports freeze theirs (services/service_report_facts.py) — a case closed or an enterprise
added later does not change what was issued.

- `totals`, `by_grade`, `by_type`, `by_township`: the hazards registered in the period and what became of them
  (services/reports.py: the 统计报表's cohort, rates and groups);
- `activity`: what happened in the period whenever the cases were registered — registered (and the same length of time
  before, for the weekly comparison), closed, open and overdue at the period's end, open 重大 / 特别重大
  (services/weekly_report.py, the briefing's counts);
- `coverage`: 排查覆盖率 by key industry — the enterprises on the register inspected in the period (a visit recorded or
  a hazard registered, as services/inspections.py counts them) over those on the register; the key industries
  (重点行业) are the industries the standard checklists have a list of their own for, named after the list;
- `effectiveness` (整改措施有效性评估): of the period's closed cases, how many passed verification in the first round and
  how many were sent back; re-inspections after closing done in the period (held / recurred); the recurrence rate;
- `trend`: the six whole months up to the period's end with the straight-line forecast (services/trends.py);
- `year` (annual reports only, 年度隐患趋势分析): the year month by month with its line, the year before for
  comparison, the types rising most and the townships with the most hazards — where to look next year;
- `typical_cases`: the library entries the lead chose (典型案例分析), their text as it was when issued.

No enterprise is named anywhere but in `typical_cases` (internal, like the library): the rest is what the public
annual edition (白皮书) may show."""
from datetime import date, timedelta

from sqlalchemy import func, select

from ..clock import clock
from ..models import CaseFollowUp, Checklist, Enterprise, HazardCase, InspectionVisit, TypicalCase
from . import reports, trends, weekly_report
from .service_report_facts import day_bounds

TOP_TYPES, TOP_TOWNSHIPS = 10, 10
OTHER_INDUSTRIES = "其他行业"
PUBLIC_FIGURES = ("period", "kind", "as_of", "totals", "activity", "by_grade", "by_type", "by_township", "coverage",
                  "effectiveness", "trend", "year")


def compute(session, kind, start, end, typical_case_ids=(), as_of=None):
    """The figures of a `kind` report over `start`..`end` (Shanghai days), as a JSON-ready dict."""
    as_of = as_of or clock.now()
    stats = reports.compute(session, start, end)
    facts = {
        "as_of": as_of.isoformat(), "kind": kind,
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "totals": {**_tally(stats.total), "recurrence_rate": stats.recurrence_rate,
                   "average_days_to_close": stats.average_days_to_close},
        "activity": _activity(session, start, end),
        "by_grade": [[grade or "ungraded", _tally(t)] for grade, t in stats.by_grade.items()],
        "by_type": [[code, _tally(t)] for code, t in list(stats.by_type.items())[:TOP_TYPES]],
        "by_township": [[town, _tally(t)] for town, t in list(stats.by_township.items())[:TOP_TOWNSHIPS]],
        "coverage": coverage(session, start, end),
        "effectiveness": _effectiveness(session, start, end, stats),
        "trend": _trend(stats.trend),
        "typical_cases": typical_cases(session, typical_case_ids),
    }
    if kind == "annual":
        facts["year"] = _year(session, start, end, stats)
    return facts


def public_part(facts):
    """The anonymised figures the public annual edition shows (no typical cases: they name enterprises)."""
    return {name: facts[name] for name in PUBLIC_FIGURES if name in facts}


def _tally(t):
    return {"registered": t.registered, "closed": t.closed, "open": t.open, "overdue": t.overdue, "rate": t.rate}


def _activity(session, start, end):
    week = weekly_report.compute(session, start, end)
    length = (end - start).days + 1
    if length != 7:  # the briefing compares with the week before; other periods with as long a time before
        lower, upper = day_bounds(start - timedelta(days=length), start - timedelta(days=1))
        week.registered_week_before = session.query(func.count(HazardCase.id)).filter(
            HazardCase.registered_at >= lower, HazardCase.registered_at < upper).scalar()
    return {"registered": week.registered, "registered_before": week.registered_week_before, "closed": week.closed,
            "open_overdue": week.open_overdue, "open_major": week.open_major,
            "top_types": [[code, n] for code, n in week.top_types]}


def key_industries(session):
    """[(name, {industry names of the register})] of the checklists for one industry (the general list is not)."""
    rows = session.query(Checklist.name, Checklist.industries).filter(Checklist.applies_to_all.is_(False)) \
        .order_by(Checklist.id).all()
    return [(name.removesuffix("检查表"), set(industries or ())) for name, industries in rows if industries]


def coverage(session, start, end):
    """{"total": [inspected, on the register], "industries": [[key industry, inspected, on the register], ...]}, the
    enterprises of no key industry last as 其他行业."""
    lower, upper = day_bounds(start, end)
    visited = select(InspectionVisit.enterprise_id).where(InspectionVisit.visited_on >= start,
                                                         InspectionVisit.visited_on <= end)
    registered = select(HazardCase.enterprise_id).where(HazardCase.registered_at >= lower,
                                                       HazardCase.registered_at < upper)
    inspected = set(session.execute(visited.union(registered)).scalars())
    groups = key_industries(session)
    counts = {name: [0, 0] for name, _ in groups}
    counts[OTHER_INDUSTRIES] = [0, 0]
    for enterprise_id, industry in session.query(Enterprise.id, Enterprise.industry):
        name = next((n for n, names in groups if (industry or "").strip() in names), OTHER_INDUSTRIES)
        counts[name][1] += 1
        counts[name][0] += enterprise_id in inspected
    total = [sum(c[0] for c in counts.values()), sum(c[1] for c in counts.values())]
    return {"total": total, "industries": [[name, *counts[name]] for name in counts if counts[name][1]]}


def _effectiveness(session, start, end, stats):
    """整改措施有效性: first-round passes among the period's closed cases, the returns, re-inspections after closing
    done in the period, and the recurrence rate."""
    lower, upper = day_bounds(start, end)
    closed, first = session.query(func.count(HazardCase.id), func.count(HazardCase.id).filter(HazardCase.round == 1)) \
        .filter(HazardCase.status == "closed", HazardCase.registered_at >= lower, HazardCase.registered_at < upper).one()
    returned = closed - first
    follow_ups = dict(session.query(CaseFollowUp.result, func.count(CaseFollowUp.id)).filter(
        CaseFollowUp.result.isnot(None), CaseFollowUp.done_at >= lower, CaseFollowUp.done_at < upper)
        .group_by(CaseFollowUp.result).all())
    return {"closed": closed, "first_round": first, "returned": returned,
            "first_round_rate": round(100 * first / closed, 1) if closed else None,
            "follow_ups": {code: int(n) for code, n in follow_ups.items()},
            "recurrence_rate": stats.recurrence_rate}


def _trend(trend):
    return {"months": trend.months, "next_month": trend.next_month, "counts": trend.total.counts,
            "direction": trend.total.direction, "forecast": trend.total.forecast, "slope": trend.total.slope,
            "by_type": [[code, s.counts, s.direction, s.forecast] for code, s in trend.by_type.items()]}


def _year(session, start, end, stats):
    """The year month by month with its line (direction, next month), against the year before: the types whose
    count rose most and the townships with the most hazards — 预测未来一年可能存在的高风险点."""
    months = [f"{date(start.year, m, 1):%Y-%m}" for m in range(1, 13)]
    counts = [stats.by_month[m].registered if m in stats.by_month else 0 for m in months]
    line = trends.fit(counts)
    before = reports.compute(session, date(start.year - 1, 1, 1), date(start.year - 1, 12, 31))
    rising = sorted(((code, t.registered, before.by_type[code].registered if code in before.by_type else 0)
                     for code, t in stats.by_type.items()), key=lambda row: (row[2] - row[1], row[0]))
    return {"months": months, "counts": counts, "direction": line.direction, "slope": line.slope,
            "forecast_next_month": line.forecast, "previous_year": _tally(before.total),
            "rising_types": [[code, now, then] for code, now, then in rising if now > then][:5],
            "townships": [[town, _tally(t)] for town, t in list(stats.by_township.items())[:5]]}


def typical_cases(session, entry_ids):
    """The chosen library entries' text as it is now (frozen with the version), in the order chosen."""
    if not entry_ids:
        return []
    rows = {row.id: row for row in session.query(TypicalCase).filter(TypicalCase.id.in_(list(entry_ids)))}
    found = []
    for entry_id in entry_ids:
        row = rows.get(entry_id)
        if row is not None:
            found.append({"id": row.id, "title": row.title, "case_code": row.case.code,
                          "enterprise": row.case.enterprise.name, "hazard_type": row.hazard_type,
                          "industry": row.industry, "problem_description": row.problem_description,
                          "cause_analysis": row.cause_analysis, "measures": row.measures, "effect": row.effect,
                          "lessons": row.lessons})
    return found
