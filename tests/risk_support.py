"""Shared by the risk register tests (风险分级管控清单): a point's typed values, points and site plans made through the
services, a township office."""
import io

from flask import current_app

from app.extensions import db
from app.models import Notification, User, UserTownship
from app.services import attachments, risk_map, risk_points
from app.services.uow import UnitOfWork
from tests.test_web_support import PNG


def values(**changes):
    """A yellow point (L3 × S4 = 12) controlled by the workshop, checked daily."""
    return {"name": "一号仓库", "unit_kind": "area", "place": "成品仓库", "kind": "key_part",
            "key_links": ["fire_explosion"], "accident_types": ["fire_explosion"],
            "hazard_description": "可燃包装物堆放", "likelihood": "3", "severity": "4",
            "engineering_measures": "1. 自动喷淋系统完好\n2. 防爆灯具", "management_measures": "- 禁止吸烟和动火",
            "ppe_measures": "", "emergency_measures": "", "operating_rules": "叉车不得进入",
            "responsible_person": "王主任", "control_level": "workshop", "check_frequency": "day", **changes}


def in_session(user):
    return db.session.get(User, user.id)


def add(user, enterprise_id=None, **changes):
    with UnitOfWork() as uow:
        row = risk_points.create(uow, in_session(user), enterprise_id or user.enterprise_id, values(**changes))
        uow.commit()
        return row.id


def review(user, enterprise_id, point_id, decision="reviewed", note="", version=None):
    with UnitOfWork() as uow:
        risk_points.review(uow, in_session(user), enterprise_id, point_id, decision, note, version)
        uow.commit()


def change(user, point_id, version=None, **changes):
    with UnitOfWork() as uow:
        row = risk_points.update(uow, in_session(user), user.enterprise_id, point_id, values(**changes), version)
        uow.commit()
        return row.version


def plan(user, data=PNG, name="plan.png"):
    """The user's enterprise's site plan uploaded; its public id."""
    with UnitOfWork() as uow:
        stored = attachments.store_upload(uow, in_session(user), name, io.BytesIO(data),
                                          upload_dir=current_app.config["UPLOAD_DIR"],
                                          max_bytes=current_app.config["MAX_UPLOAD_BYTES"])
        risk_map.set_plan(uow, in_session(user), user.enterprise_id, stored.public_id)
        uow.commit()
        return stored.public_id


def township_user(make_user, township, name="town"):
    user = make_user(name, "township")
    user.townships_rel = [UserTownship(township=township)]
    db.session.commit()
    return user


def notices(user, kind):
    return db.session.query(Notification).filter_by(user_id=user.id, kind=kind).count()
