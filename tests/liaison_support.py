"""Helpers of the liaison tests (企业联络专员, 沟通记录, 线上咨询反馈): assignments, contacts and questions made through the
services, each in its own unit of work, as a request would."""
from app.extensions import db
from app.models import User
from app.services import contact_log, liaisons, question_handling, questions
from app.services.uow import UnitOfWork


def _user(user):
    return db.session.get(User, user.id)


def assign(lead, enterprise, liaison, note=""):
    with UnitOfWork() as uow:
        row = liaisons.assign(uow, _user(lead), enterprise.id, str(liaison.id), note)
        uow.commit()
        return row.id


def contact(user, enterprise, contacted_at="2026-11-23T08:30", **changes):
    form = {"contacted_at": contacted_at, "way": "phone", "counterpart": "陈安全 安全主管",
            "content": "电话了解储罐区防雷检测整改进度", **changes}
    with UnitOfWork() as uow:
        row = contact_log.record(uow, _user(user), enterprise.id, form)
        uow.commit()
        return row.id


def ask(user, urgency="normal", subject="动火作业票怎么填写", files=(), **changes):
    form = {"subject": subject, "description": "检修需要动火，作业票的审批人应该是谁？", "urgency": urgency, **changes}
    with UnitOfWork() as uow:
        row = questions.ask(uow, _user(user), form, list(files))
        uow.commit()
        return row.id


def reply(user, question_id, text="审批人为企业主要负责人或其授权的安全管理人员。", files=()):
    with UnitOfWork() as uow:
        row = question_handling.reply(uow, _user(user), question_id, text, list(files))
        uow.commit()
        return row.id


def close(user, question_id):
    with UnitOfWork() as uow:
        question_handling.close(uow, _user(user), question_id)
        uow.commit()


def reopen(user, question_id, text="问题没有解决，仍需指导"):
    with UnitOfWork() as uow:
        question_handling.reopen(uow, _user(user), question_id, text)
        uow.commit()


def urge():
    with UnitOfWork() as uow:
        count = question_handling.urge_overdue(uow)
        uow.commit()
        return count
