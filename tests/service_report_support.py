"""Helpers the service report tests share (no tests here): an enterprise's service over November 2026 — a visit with
checklist results, a hazard closed after a second round, one still open and overdue with a lagging site check and an
enforcement referral, and one found in October (outside the period) — and the report's written fields."""
from datetime import date, datetime

from app.clock import SHANGHAI, clock
from app.extensions import db
from app.models import ChecklistItem, ChecklistResult, EnforcementReferral, InspectionVisit, RectificationCheck
from app.services import service_reports
from app.services.uow import UnitOfWork
from tests.test_checklists import load_standard
from tests.test_lifecycle_service import ASSIGN, complete, open_tasks, rectify_data, register

NOVEMBER = {"period_start": "2026-11-01", "period_end": "2026-11-30"}
WRITTEN = {**NOVEMBER, "grade": "basically_qualified", "conclusion": "企业整改基本到位，仍有1项隐患逾期未整改",
           "recommendations": "落实隐患整改责任人，按期完成剩余整改"}
AFTER = datetime(2026, 12, 10, 9, 0, tzinfo=SHANGHAI)  # a Thursday after the period, past the open case's deadline


def served_in_november(people):
    """The enterprise A's November; the clock ends on AFTER. Returns {name: case id}."""
    clock.set(datetime(2026, 10, 12, 9, 0, tzinfo=SHANGHAI))
    october = register(people)
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI))
    closed = register(people)
    complete(people.project_lead, open_tasks(closed)["assignment"], ASSIGN)
    complete(people.ent_a, open_tasks(closed)["rectification"], rectify_data(people.ent_a))
    complete(people.project_team, open_tasks(closed)["verification"],
             {"passed": False, "opinion": "整改不彻底", "added_requirements": "做接地检测"})
    complete(people.ent_a, open_tasks(closed)["rectification"], rectify_data(people.ent_a))
    complete(people.project_team, open_tasks(closed)["verification"], {"passed": True, "opinion": "复核合格"})
    overdue = register(people)  # 一般, 7 working days: due 2026-12-02, before AFTER
    complete(people.project_lead, open_tasks(overdue)["assignment"], ASSIGN)
    _visit_with_results(people)
    now = clock.now()
    db.session.add(RectificationCheck(case_id=overdue, round=1, checked_at=now, checkers="孙督导", progress_percent=20,
                                      findings="进度滞后", conclusion="lagging", recorded_by_id=people.supervision.id))
    db.session.add(EnforcementReferral(enterprise_id=people.enterprise_a.id, case_id=overdue, round=1,
                                       reason="逾期未整改 / not rectified after the grace period", referred_at=now))
    db.session.commit()
    clock.set(AFTER)
    return {"october": october, "closed": closed, "overdue": overdue}


def _visit_with_results(people):
    load_standard()
    visit = InspectionVisit(enterprise_id=people.enterprise_a.id, visited_on=date(2026, 11, 20),
                            inspectors="王排查、李排查", scope="全厂", created_at=clock.now(),
                            created_by_id=people.inspector.id)
    db.session.add(visit)
    db.session.flush()
    items = db.session.query(ChecklistItem).filter_by(dimension="management").order_by(ChecklistItem.id).limit(3).all()
    for item, result in zip(items, ("conform", "conform", "nonconform")):
        db.session.add(ChecklistResult(visit_id=visit.id, item_id=item.id, result=result, note="",
                                       recorded_at=clock.now(), recorded_by_id=people.inspector.id))
    db.session.commit()
    return visit


def create(user, enterprise, issue=False, **changes):
    with UnitOfWork() as uow:
        report = service_reports.create(uow, user, enterprise.id, {**WRITTEN, **changes}, issue)
        uow.commit()
        return report.id


def issue(user, report_id):
    with UnitOfWork() as uow:
        service_reports.issue(uow, user, report_id)
        uow.commit()


def withdraw(user, report_id, reason="结论等级写错，重新出具"):
    with UnitOfWork() as uow:
        service_reports.withdraw(uow, user, report_id, reason)
        uow.commit()
