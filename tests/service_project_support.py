"""Helpers the service project tests share (no tests here): a project over the summer of 2026 (June 1 to August 31,
like the seed's "自6月初开始至8月底结束"), its roster, visits on given days (confirmed or not) and hazards registered at
given moments."""
from datetime import date, datetime

from app.clock import SHANGHAI, clock
from app.extensions import db
from app.models import HazardCase
from app.services import inspections, service_projects, visit_reports
from app.services.uow import UnitOfWork
from tests.test_lifecycle_service import register
from tests.visit_review_support import released

SUMMER = {"name": "2026年安全生产社会化服务", "contract_no": "QHD-2026-018", "start_on": "2026-06-01",
          "end_on": "2026-08-31", "target_percent": "85"}


def make_project(user, **changes):
    with UnitOfWork() as uow:
        project = service_projects.create(uow, user, {**SUMMER, **changes})
        uow.commit()
        return project.id


def put_on(user, project_id, *enterprises):
    with UnitOfWork() as uow:
        added = service_projects.add_to_roster(uow, user, project_id, [e.id for e in enterprises])
        uow.commit()
        return added


def visit_on(people, enterprise, day, confirmed_by=None):
    """A visit dated `day` (recorded and released on that day), confirmed by `confirmed_by` (an enterprise user) when given."""
    now = clock.now()
    clock.set(datetime.combine(day, datetime.min.time(), SHANGHAI).replace(hour=10))
    with UnitOfWork() as uow:
        visit = inspections.record(uow, people.inspector, enterprise.id, day.isoformat(), "张排查", "全厂")
        uow.commit()
    visit = released(visit)  # its report passed the review (三级审核): the enterprise sees it
    if confirmed_by is not None:
        with UnitOfWork() as uow:
            visit_reports.acknowledge(uow, confirmed_by, visit.id, "")
            uow.commit()
    clock.set(now)
    return visit


def hazard_at(people, enterprise, moment, closed=False):
    """A hazard registered at `moment` (aware); `closed` marks it 销号 straight in its row (the coverage reads the
    status only; the lifecycle tests drive the real closing)."""
    now = clock.now()
    clock.set(moment)
    case_id = register(people, enterprise=enterprise)
    clock.set(now)
    if closed:
        db.session.get(HazardCase, case_id).status = "closed"
        db.session.commit()
    return case_id


def day(month, number):
    return date(2026, month, number)
