"""Shared by the notice tests: a written notice, creating / publishing through the services, and enterprises in
chosen townships and industries."""
from app.extensions import db
from app.models import Enterprise, User
from app.services import bureau_notice_receipts, bureau_notices
from app.services.credit_code import with_check_character
from app.services.uow import UnitOfWork

WRITTEN = {"kind": "warning", "title": "汛期安全生产预警提示",
           "body": "近期将出现强降雨天气。\n\n请各单位加强值班值守，排查低洼地带仓库和配电设施。",
           "target_kind": "all", "target_values": [], "sign_by_date": "", "sign_by_workdays": "3"}


def in_session(user):
    return db.session.get(User, user.id)


def create(user, publish=False, files=(), **changes):
    with UnitOfWork() as uow:
        notice = bureau_notices.create(uow, in_session(user), {**WRITTEN, **changes}, files, publish_now=publish)
        uow.commit()
        return notice.id


def publish(user, notice_id):
    with UnitOfWork() as uow:
        bureau_notices.publish(uow, in_session(user), notice_id)
        uow.commit()


def sign(user, notice_id, reply=""):
    with UnitOfWork() as uow:
        receipt = bureau_notice_receipts.sign(uow, in_session(user), notice_id, reply)
        uow.commit()
        return receipt


def add_enterprise(name, township, industry, n):
    company = Enterprise(name=name, credit_code=with_check_character(f"91330100MB{n:07d}"), township=township,
                         industry=industry)
    db.session.add(company)
    db.session.commit()
    return company
