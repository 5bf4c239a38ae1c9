"""Enterprises' objections to their cases (异议, the seed's 企业反馈通道): an enterprise's staff object to a grade, a
deadline, a requirement or a verification opinion; a project lead (or an admin) answers within three working days,
upholding it or not, and the objector is told. Unanswered ones past their due time urge the bureau and the project
leads once. Upholding does not change the case by itself: what the answer promises is done through the case's
process (the next verification, a re-assignment), so the process and its history stay the one record."""
from dataclasses import dataclass

from sqlalchemy import func, update

from ..clock import clock
from ..errors import Conflict, NotAllowed, NotFound
from ..models import OBJECTION_SUBJECTS, CaseObjection, HazardCase
from . import audit, notifications
from .access import enterprise_condition, get_visible_case
from .calendar import add_workdays
from .field_rules import clean_text, raise_if
from .users import holders_of_role

ANSWERERS = ("project_lead", "admin")
REPLY_WORKING_DAYS = 3
MAX_TEXT = 2000
MAX_OPEN_PER_CASE = 3  # unanswered at once: a channel for objections, not a chat
STATES = ("open", "overdue", "answered", "all")


def may_raise(user, case):
    return "enterprise" in user.roles and user.enterprise_id == case.enterprise_id and not case.is_closed


def may_answer(user):
    return user.has_role(*ANSWERERS)


def raise_objection(uow, user, case_id, subject, text):
    """A new objection to the case from its enterprise's staff; ValidationFailed names each wrong field."""
    case = get_visible_case(uow.session, user, case_id)  # 404 for another enterprise's case
    if "enterprise" not in user.roles or user.enterprise_id != case.enterprise_id:
        raise NotAllowed("只有案件所属企业可以提出异议 / only the case's enterprise raises objections")
    if case.is_closed:
        raise Conflict("案件已销号，不能再提出异议 / the case is closed")
    errors = {}
    if subject not in OBJECTION_SUBJECTS:
        errors["subject"] = "请选择异议事项 / choose what the objection is about"
    text = clean_text(text, MAX_TEXT, "text", errors)
    if not text and "text" not in errors:
        errors["text"] = "请写明异议内容和理由 / say what you object to and why"
    raise_if(errors)
    waiting = uow.session.query(func.count(CaseObjection.id)).filter(
        CaseObjection.case_id == case.id, CaseObjection.replied_at.is_(None)).scalar()
    if waiting >= MAX_OPEN_PER_CASE:
        raise Conflict(f"本案已有 {waiting} 项异议待答复 / {waiting} objections of this case await their answer")
    now = clock.now()
    row = CaseObjection(case_id=case.id, subject=subject, text=text, raised_by_id=user.id, raised_at=now,
                        reply_due=add_workdays(now, REPLY_WORKING_DAYS).moment)
    uow.session.add(row)
    uow.session.flush()
    audit.record(uow, case.id, user, "objection_raised", changes={"subject": [None, subject], "text": [None, text]},
                 details={"objection_id": row.id})
    notifications.send(uow, holders_of_role(uow.session, "project_lead"), "objection_raised", f"企业提出异议（{case.code}）", text[:200],
                       f"objection:{row.id}:raised", case.id)
    return row


def answer(uow, user, objection_id, reply, accepted):
    """The answer to an objection, given once (two answering at once: the second gets Conflict)."""
    row = get_visible(uow.session, user, objection_id)  # another enterprise's: 404 before 403, as for cases
    if not may_answer(user):
        raise NotAllowed("只有项目负责人或管理员可以答复异议 / only a project lead or an admin answers objections")
    errors = {}
    reply = clean_text(reply, MAX_TEXT, "reply", errors)
    if not reply and "reply" not in errors:
        errors["reply"] = "请填写答复意见 / write the answer"
    if not isinstance(accepted, bool):
        errors["accepted"] = "请选择是否采纳 / say whether the objection is upheld"
    raise_if(errors)
    now = clock.now()
    done = uow.session.execute(update(CaseObjection).where(CaseObjection.id == row.id,
                                                           CaseObjection.replied_at.is_(None))
                               .values(reply=reply, accepted=accepted, replied_by_id=user.id, replied_at=now))
    if done.rowcount != 1:
        raise Conflict("该异议已经答复 / the objection has already been answered")
    uow.session.refresh(row)
    audit.record(uow, row.case_id, user, "objection_answered",
                 changes={"reply": [None, reply], "accepted": [None, accepted]}, details={"objection_id": row.id})
    verdict = "采纳" if accepted else "不予采纳"
    notifications.send(uow, [row.raised_by], "objection_answered", f"异议已答复：{verdict}（{row.case.code}）",
                       reply[:200], f"objection:{row.id}:answered", row.case_id)
    return row


def for_case(session, case_id):
    """The case's objections, oldest first (the caller has checked the case is visible)."""
    return session.query(CaseObjection).filter_by(case_id=case_id).order_by(CaseObjection.raised_at).all()


def get_visible(session, user, objection_id):
    row = session.get(CaseObjection, objection_id) if isinstance(objection_id, int) else None
    if row is None:
        raise NotFound("异议不存在 / objection not found")
    get_visible_case(session, user, row.case_id)  # another enterprise's: 404 as well
    return row


@dataclass
class ObjectionFilter:
    state: str = "open"
    limit: int = 50
    offset: int = 0


def listing(session, user, flt):
    """(objections the user may see in the state, newest due first for open ones; how many)."""
    query = session.query(CaseObjection).join(HazardCase, HazardCase.id == CaseObjection.case_id)
    query = query.filter(enterprise_condition(user, HazardCase.enterprise_id))
    if flt.state in ("open", "overdue"):
        query = query.filter(CaseObjection.replied_at.is_(None))
        if flt.state == "overdue":
            query = query.filter(CaseObjection.reply_due < clock.now())
        order = (CaseObjection.reply_due, CaseObjection.id)
    else:
        if flt.state == "answered":
            query = query.filter(CaseObjection.replied_at.isnot(None))
        order = (CaseObjection.raised_at.desc(), CaseObjection.id.desc())
    total = query.count()
    return query.order_by(*order).limit(flt.limit).offset(flt.offset).all(), total


def urge_overdue(uow):
    """Unanswered objections past their due time: the bureau and the project leads are told, once each.
    Returns how many are overdue."""
    overdue = uow.session.query(CaseObjection).filter(CaseObjection.replied_at.is_(None),
                                                      CaseObjection.reply_due < clock.now()).all()
    for row in overdue:
        key = f"objection:{row.id}:overdue"
        recipients = notifications.role_holders_without(uow, ("bureau", "project_lead"), key)
        notifications.send(uow, recipients, "objection_overdue", f"企业异议超过3个工作日未答复（{row.case.code}）",
                           row.text[:200], key, row.case_id)
    return len(overdue)
