"""Helpers of the dispatch tests (智能调度): plans, positions, certificates, claimed tasks."""
from app.extensions import db
from app.models import Enterprise, HumanTask
from app.services import inspection_plans, staff_certificates
from app.services.uow import UnitOfWork


def plan(user, enterprise, day="2026-12-01", team=None, kind="routine"):
    with UnitOfWork() as uow:
        row = inspection_plans.plan(uow, user, enterprise.id, day, "配电房、危化品仓库", team or user.display_name, kind)
        uow.commit()
        return row.id


def place(enterprise, latitude, longitude, township=None):
    row = db.session.get(Enterprise, enterprise.id)
    row.latitude, row.longitude = latitude, longitude
    if township is not None:
        row.township = township
    db.session.commit()


def certify(keeper, user, valid_to="2027-12-31"):
    with UnitOfWork() as uow:
        staff_certificates.save(uow, keeper, user.id, {"kind": "safety_engineer", "number": f"N-{user.id}",
                                                       "valid_from": "2024-01-01", "valid_to": valid_to})
        uow.commit()


def claim_tasks(user, count):
    """Give `user` `count` of the open tasks (any), as if claimed in their inbox."""
    rows = db.session.query(HumanTask).filter(HumanTask.assignee_id.is_(None)).limit(count).all()
    for row in rows:
        row.assignee_id = user.id
    db.session.commit()
    return len(rows)
