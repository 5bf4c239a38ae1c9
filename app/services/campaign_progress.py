"""A campaign's progress and its 清单台账 (专项整治 "建立清单台账"): for each target enterprise the campaign's visits, the
hazards they found, how many are rectified (销号) and how many open, overdue among them; the targets visited and
not yet; the visits by kind; the hazards by grade.

What counts: the visits that name the campaign (services/inspections.py refuses to name it for a day outside its
period or an enterprise outside its targets, so they are all in the period and at targets), and the hazards of those
visits as the visit page counts them (services/inspections.py `hazards_found`: registered from the visit, or at its
enterprise on its day without naming a visit). A routine visit to a target during the period is not the campaign's
check and does not count. Open / closed / overdue are as of now."""
from dataclasses import dataclass, field
from datetime import date

from ..clock import clock
from ..models import GRADES, VISIT_KINDS, CampaignTarget, Enterprise, HazardCase, InspectionVisit
from .hazard_map import is_overdue
from .inspections import hazards_found


@dataclass
class LedgerRow:
    enterprise: Enterprise
    visits: int = 0
    last_visit: date = None
    hazards: int = 0
    closed: int = 0
    overdue: int = 0

    @property
    def open(self):
        return self.hazards - self.closed


@dataclass
class CampaignProgress:
    campaign: object
    rows: list = field(default_factory=list)  # LedgerRow, by enterprise name
    by_kind: dict = field(default_factory=dict)  # visit kind -> visits
    by_grade: dict = field(default_factory=dict)  # grade (or "" while ungraded) -> hazards

    @property
    def target_count(self):
        return len(self.rows)

    @property
    def visited(self):
        return sum(1 for r in self.rows if r.visits)

    @property
    def visited_percent(self):
        return round(100 * self.visited / self.target_count, 1) if self.rows else None

    @property
    def not_visited(self):
        return [r for r in self.rows if not r.visits]

    @property
    def visits(self):
        return sum(r.visits for r in self.rows)

    @property
    def hazards(self):
        return sum(r.hazards for r in self.rows)

    @property
    def closed(self):
        return sum(r.closed for r in self.rows)

    @property
    def open(self):
        return self.hazards - self.closed

    @property
    def overdue(self):
        return sum(r.overdue for r in self.rows)

    def numbers(self):
        """The figures as plain data (the API)."""
        return {"targets": self.target_count, "visited": self.visited, "visited_percent": self.visited_percent,
                "not_visited": len(self.not_visited), "visits": self.visits,
                "visits_by_kind": {k: self.by_kind.get(k, 0) for k in VISIT_KINDS},
                "hazards": {"found": self.hazards, "closed": self.closed, "open": self.open,
                            "overdue": self.overdue,
                            "by_grade": {**{k: self.by_grade.get(k, 0) for k in GRADES},
                                         "ungraded": self.by_grade.get("", 0)}}}


def compute(session, campaign):
    """The campaign's progress (empty for a draft: no targets yet)."""
    companies = session.query(Enterprise).join(CampaignTarget, CampaignTarget.enterprise_id == Enterprise.id) \
        .filter(CampaignTarget.campaign_id == campaign.id).order_by(Enterprise.name, Enterprise.id).all()
    rows = {c.id: LedgerRow(c) for c in companies}
    progress = CampaignProgress(campaign, list(rows.values()))
    visits = session.query(InspectionVisit).filter(InspectionVisit.campaign_id == campaign.id) \
        .order_by(InspectionVisit.visited_on, InspectionVisit.id).all()
    for visit in visits:
        progress.by_kind[visit.kind] = progress.by_kind.get(visit.kind, 0) + 1
        row = rows.get(visit.enterprise_id)
        if row is not None:
            row.visits += 1
            row.last_visit = max(row.last_visit or visit.visited_on, visit.visited_on)
    codes = {code for found in hazards_found(session, visits).values() for code in found}
    cases = session.query(HazardCase).filter(HazardCase.code.in_(sorted(codes))).order_by(HazardCase.code).all() \
        if codes else []
    now = clock.now()
    for case in cases:
        progress.by_grade[case.grade or ""] = progress.by_grade.get(case.grade or "", 0) + 1
        row = rows.get(case.enterprise_id)
        if row is None:
            continue
        row.hazards += 1
        if case.status == "closed":
            row.closed += 1
        elif is_overdue(case, now):
            row.overdue += 1
    return progress


def campaign_cases(session, campaign):
    """The hazard cases of the campaign's visits, newest first (the campaign page's list)."""
    visits = session.query(InspectionVisit).filter(InspectionVisit.campaign_id == campaign.id).all()
    codes = {code for found in hazards_found(session, visits).values() for code in found}
    if not codes:
        return []
    return session.query(HazardCase).filter(HazardCase.code.in_(sorted(codes))) \
        .order_by(HazardCase.registered_at.desc(), HazardCase.id.desc()).all()
