"""Helpers the major hazard source tests share (no tests here): a source's typed values, and sources added, changed
and reviewed through the services."""
from app.extensions import db
from app.models import HazardSource, User
from app.services import hazard_sources
from app.services.uow import UnitOfWork

SOURCE = {"name": "液氨储罐区", "unit": "制冷车间东侧储罐区", "level": "3", "filing_number": "410782-WHY-2024-007",
          "filed_on": "2024-01-20", "assessed_on": "2024-01-10", "principal_name": "王厂长",
          "principal_phone": "13800000001", "technical_name": "李工", "technical_phone": "13800000002",
          "operator_name": "赵班长", "operator_phone": "13800000003", "distance_checked": "1",
          "distance_note": "距居民区 600 m，符合 GB 36894", "note": "",
          "substances": [{"name": "液氨", "quantity": "30", "critical_quantity": "10"},
                         {"name": "甲醇", "quantity": "50", "critical_quantity": "500"}]}


def in_session(user):
    return db.session.get(User, user.id)


def add(user, enterprise_id, **changes):
    with UnitOfWork() as uow:
        row = hazard_sources.create(uow, in_session(user), enterprise_id, {**SOURCE, **changes})
        uow.commit()
        return row.id


def change(user, enterprise_id, source_id, version=None, **changes):
    row = db.session.get(HazardSource, source_id)
    current = {**SOURCE, "device_ids": [str(d.id) for d in row.devices]}
    with UnitOfWork() as uow:
        row = hazard_sources.update(uow, in_session(user), enterprise_id, source_id, {**current, **changes}, version)
        uow.commit()
        return row.version


def review(user, enterprise_id, source_id, decision="reviewed", note=""):
    with UnitOfWork() as uow:
        hazard_sources.review(uow, in_session(user), enterprise_id, source_id, decision, note)
        uow.commit()


def source(source_id):
    db.session.expire_all()
    return db.session.get(HazardSource, source_id)
