"""Helpers the campaign tests share (no tests here): a winter fire-safety campaign (冬季防火专项检查) over the test
clock's month, starting it, visits of a kind on a given day (naming the campaign or not) and hazards found on a
visit, closed or overdue as their rows say."""
from datetime import datetime, time, timedelta

from app.clock import SHANGHAI, clock
from app.extensions import db
from app.models import HazardCase
from app.services import campaigns, hazards, inspections
from app.services.uow import UnitOfWork
from tests.test_lifecycle_service import photo

WINTER = {"name": "冬季防火专项检查", "theme": "winter", "start_on": "2026-11-16", "end_on": "2026-11-30",
          "description": "动火作业、电气线路、消防设施、值班值守", "target_industries": ["化工"]}


def make_campaign(user, **changes):
    with UnitOfWork() as uow:
        campaign = campaigns.create(uow, user, {**WINTER, **changes})
        uow.commit()
        return campaign.id


def start(user, campaign_id):
    with UnitOfWork() as uow:
        campaigns.start(uow, user, campaign_id)
        uow.commit()


def started_campaign(people, **changes):
    campaign_id = make_campaign(people.bureau, **changes)
    start(people.bureau, campaign_id)
    return campaign_id


def visit(people, enterprise, day, kind="special", campaign_id=None, visit_time=None):
    """A visit dated `day`, recorded that evening (so a night check's time is in the past)."""
    now = clock.now()
    clock.set(datetime.combine(day, time(23, 30), SHANGHAI))
    try:
        with UnitOfWork() as uow:
            row = inspections.record(uow, people.inspector, enterprise.id, day.isoformat(), "张排查", "动火作业",
                                     kind=kind, campaign_id=campaign_id, visit_time=visit_time)
            uow.commit()
            return row.id
    finally:
        clock.set(now)


def hazard_on(people, visit_id, status=None, overdue=False):
    """A hazard registered from the visit on its day; `status` / `overdue` set straight in its row."""
    row = db.session.get(inspections.InspectionVisit, visit_id)
    now = clock.now()
    clock.set(datetime.combine(row.visited_on, time(22, 0), SHANGHAI))
    with UnitOfWork() as uow:
        case = hazards.register_hazard(uow, people.inspector, {
            "enterprise_id": row.enterprise_id, "score": 90, "legal_major": False, "hazard_type": "electrical",
            "place": "配电房", "description": "线路老化", "photos": [photo(people.inspector)],
            "inspection_visit_id": visit_id})
        uow.commit()
        case_id = case.id
    clock.set(now)
    case = db.session.get(HazardCase, case_id)
    if status:
        case.status = status
    if overdue:
        case.status, case.rectification_due = "rectifying", clock.now() - timedelta(days=1)
    db.session.commit()
    return case_id
