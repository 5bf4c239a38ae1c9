"""The facts of an enterprise's service report (企业服务情况报告, services/service_reports.py): what the service found
at one enterprise over a period, computed from the database — the register's data, the inspection visits and their
checklist results, the hazards found in the period by grade and type and how they ended (closed, open, overdue,
rounds of rectification, re-inspections after closing, site checks, enforcement referrals).

The hazards counted are those registered in the period (Shanghai days, both ends included); what became of them is
read as of the moment the facts are computed (`as_of`), which for an issued report is its issuing moment: the report
is written at acceptance (复查验收), after the period, and says how each hazard found in it ended.

Everything is plain JSON (codes, ISO dates and moments, counts) so it can be frozen into the report row; names are
given to codes when the facts are shown."""
from datetime import datetime, time, timedelta

from ..clock import SHANGHAI, clock
from ..models import (CHECK_CONCLUSIONS, CHECK_RESULTS, DIMENSIONS, FOLLOW_UP_RESULTS, GRADES, CaseFollowUp,
                      ChecklistItem, ChecklistResult, EnforcementReferral, HazardCase, InspectionVisit,
                      RectificationCheck)
from .hazard_source_presence import register_text

# The register's fields a report shows (seed 001 §七 1: 地址、主要产品、员工人数、安全管理人员数量、特种作业人员数量、主要风险因素 …)
REGISTER_FIELDS = ("name", "credit_code", "address", "township", "industry", "main_products", "employees",
                   "safety_managers", "special_workers", "main_risks", "major_hazard_sources")
# major_hazard_sources: the structured register's sources with their levels when there are any, else the old text
MAJOR_GRADES = ("major", "especially_major")


def day_bounds(start, end):
    """The aware moments [start 00:00, the day after end 00:00) of two Shanghai days."""
    return (datetime.combine(start, time(), SHANGHAI), datetime.combine(end + timedelta(days=1), time(), SHANGHAI))


def compute(session, enterprise, start, end, as_of=None):
    """The facts of `enterprise` over the days `start`..`end` as of `as_of` (now by default), as a JSON-ready dict."""
    as_of = as_of or clock.now()
    visits = (session.query(InspectionVisit).filter(InspectionVisit.enterprise_id == enterprise.id,
                                                    InspectionVisit.visited_on >= start,
                                                    InspectionVisit.visited_on <= end)
              .order_by(InspectionVisit.visited_on, InspectionVisit.id).all())
    lower, upper = day_bounds(start, end)
    cases = (session.query(HazardCase).filter(HazardCase.enterprise_id == enterprise.id,
                                              HazardCase.registered_at >= lower, HazardCase.registered_at < upper)
             .order_by(HazardCase.registered_at, HazardCase.id).all())
    case_ids = [c.id for c in cases]
    return {
        "as_of": as_of.isoformat(),
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "enterprise": {**{name: getattr(enterprise, name) for name in REGISTER_FIELDS},
                       "major_hazard_sources": register_text(session, enterprise)},
        "visits": _visits(session, visits),
        "checklist": _checklist(session, [v.id for v in visits]),
        "hazards": _hazards(cases, as_of),
        "follow_ups": _follow_ups(session, case_ids),
        "site_checks": _site_checks(session, case_ids),
        "referrals": _referrals(session, case_ids),
    }


def _visits(session, visits):
    counts = {}
    if visits:
        for visit_id, result in session.query(ChecklistResult.visit_id, ChecklistResult.result).filter(
                ChecklistResult.visit_id.in_([v.id for v in visits])):
            entry = counts.setdefault(visit_id, {"checked": 0, "nonconform": 0})
            entry["checked"] += 1
            entry["nonconform"] += result == "nonconform"
    return [{"id": v.id, "visited_on": v.visited_on.isoformat(), "inspectors": v.inspectors,
             **counts.get(v.id, {"checked": 0, "nonconform": 0})} for v in visits]


def _checklist(session, visit_ids):
    """Results per dimension (in DIMENSIONS' order) of the period's visits: {code, conform, nonconform,
    not_applicable}; dimensions without a result are left out."""
    tally = {}
    if visit_ids:
        rows = session.query(ChecklistItem.dimension, ChecklistResult.result) \
            .join(ChecklistItem, ChecklistItem.id == ChecklistResult.item_id) \
            .filter(ChecklistResult.visit_id.in_(visit_ids))
        for dimension, result in rows:
            tally.setdefault(dimension, dict.fromkeys(CHECK_RESULTS, 0))[result] += 1
    order = list(DIMENSIONS) + sorted(set(tally) - set(DIMENSIONS))
    return [{"dimension": code, **tally[code]} for code in order if code in tally]


def _hazards(cases, as_of):
    def overdue(case):
        return not case.is_closed and case.rectification_due is not None and case.rectification_due < as_of
    closed = [c for c in cases if c.is_closed]
    by_grade, by_type = {}, {}
    for case in cases:
        grade = case.grade or "ungraded"
        by_grade[grade] = by_grade.get(grade, 0) + 1
        by_type[case.hazard_type] = by_type.get(case.hazard_type, 0) + 1
    grade_order = list(GRADES) + ["ungraded"]
    return {
        "total": len(cases), "closed": len(closed), "open": len(cases) - len(closed),
        "overdue": sum(1 for c in cases if overdue(c)),
        "major_open": sum(1 for c in cases if not c.is_closed and c.grade in MAJOR_GRADES),
        # 整改率 = rectified / total × 100 % (DOMAIN.md), None when nothing was found
        "rectification_rate": round(100 * len(closed) / len(cases), 1) if cases else None,
        "by_grade": [[g, by_grade[g]] for g in grade_order if g in by_grade],
        "by_type": sorted(([t, n] for t, n in by_type.items()), key=lambda pair: (-pair[1], pair[0])),
        # Rounds of rectification: a failed verification sends a case back for another round.
        "rounds": {"total": sum(c.round for c in cases), "returned": sum(1 for c in cases if c.round > 1),
                   "most": max((c.round for c in cases), default=0)},
        "cases": [{"id": c.id, "code": c.code, "grade": c.grade, "hazard_type": c.hazard_type, "place": c.place,
                   "status": c.status, "round": c.round, "registered_at": c.registered_at.isoformat(),
                   "rectification_due": c.rectification_due.isoformat() if c.rectification_due else None,
                   "closed_at": c.closed_at.isoformat() if c.closed_at else None, "overdue": overdue(c)}
                  for c in cases],
    }


def _follow_ups(session, case_ids):
    """Re-inspections after closing (销号后复查) of the period's cases: done by result, and not done yet."""
    found = dict.fromkeys(FOLLOW_UP_RESULTS, 0)
    found["pending"] = 0
    if case_ids:
        for (result,) in session.query(CaseFollowUp.result).filter(CaseFollowUp.case_id.in_(case_ids)):
            found[result or "pending"] = found.get(result or "pending", 0) + 1
    found["done"] = sum(found[r] for r in FOLLOW_UP_RESULTS)
    return found


def _site_checks(session, case_ids):
    """Supervision checks on site (整改过程督导检查) of the period's cases, by conclusion (lagging, interview …)."""
    found = dict.fromkeys(CHECK_CONCLUSIONS, 0)
    if case_ids:
        for (conclusion,) in session.query(RectificationCheck.conclusion).filter(
                RectificationCheck.case_id.in_(case_ids)):
            found[conclusion] = found.get(conclusion, 0) + 1
    found["total"] = sum(found.values())
    return found


def _referrals(session, case_ids):
    """Enforcement referrals (移送执法) of the period's cases."""
    if not case_ids:
        return []
    rows = session.query(EnforcementReferral, HazardCase.code) \
        .join(HazardCase, HazardCase.id == EnforcementReferral.case_id) \
        .filter(EnforcementReferral.case_id.in_(case_ids)) \
        .order_by(EnforcementReferral.referred_at, EnforcementReferral.id)
    return [{"case_id": r.case_id, "code": code, "round": r.round, "referred_at": r.referred_at.isoformat()}
            for r, code in rows]
