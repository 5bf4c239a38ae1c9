"""Questions from enterprises (线上咨询反馈, seed 000 lines 708–710): an enterprise's staff ask — subject, description,
urgency, optionally the case it is about, files —, the enterprise's liaison answers (without a liaison: the project
leads). The thread, closing, reopening and the urging of overdue answers: services/question_handling.py.

The response clock (响应时限不超过 2 小时): clock minutes around the clock, not working hours — the tender's window is
"工作日全天候在线" and two hours, and an enterprise asking in the evening about a stop-work order should not wait for
Monday; 紧急 questions 30 minutes. It runs from each enterprise message nobody on the staff side answered yet until the
next staff message, so a follow-up or a reopening starts a new one.

Who reads which: enterprise staff their own enterprise's; project leads, the bureau, managers, administrators and
quality supervisors every one; a project team member or inspector those assigned to them; a township office those
of its townships (reading only). Anyone else is refused (403); a question outside the reader's share is 404."""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, false, func, or_, select, true

from ..clock import clock
from ..errors import Conflict, NotAllowed, NotFound
from ..models import QUESTION_URGENCIES, Enterprise, EnterpriseQuestion, HazardCase
from . import audit, liaisons, notifications, question_files
from .access import covered_townships
from .field_rules import clean_text, raise_if, row_id

RESPONSE_MINUTES = {"normal": 120, "urgent": 30}
READ_ALL = ("project_lead", "bureau", "manager", "admin", "quality")
MAX_SUBJECT, MAX_TEXT = 200, 4000
MAX_OPEN_PER_ENTERPRISE = 20  # a channel for questions, not a chat: more wait until some are closed
MAX_FILES = 5
STATES = ("open", "waiting", "overdue", "closed", "all")
CASE_CHOICES = 50


def is_enterprise_staff(user):
    return "enterprise" in user.roles and bool(user.enterprise_id)


def may_ask(user):
    return is_enterprise_staff(user)


def may_see_questions(user):
    return (is_enterprise_staff(user) or user.has_role(*READ_ALL) or user.has_role(*liaisons.LIAISON_ROLES)
            or bool(covered_townships(user)))


def check_may_see(user):
    if not may_see_questions(user):
        raise NotAllowed("企业咨询仅供企业人员、联络专员、项目负责人和管理部门查看 / questions are for the enterprises' "
                         "staff, their liaisons, project leads and oversight roles")


def check_may_ask(user):
    if not may_ask(user):
        raise NotAllowed("只有企业人员可以提出咨询 / only enterprise staff ask questions")


def visible_condition(user):
    """SQL condition for the questions the user may read."""
    parts = []
    if user.has_role(*READ_ALL):
        return true()
    if is_enterprise_staff(user):
        parts.append(EnterpriseQuestion.enterprise_id == user.enterprise_id)
    if user.has_role(*liaisons.LIAISON_ROLES):
        parts.append(EnterpriseQuestion.assignee_id == user.id)
    townships = covered_townships(user)
    if townships:
        parts.append(EnterpriseQuestion.enterprise_id.in_(
            select(Enterprise.id).where(Enterprise.township.in_(townships))))
    return or_(*parts) if parts else false()


def get_visible(session, user, question_id, lock=False):
    """The question; NotAllowed for roles that read none, NotFound for one outside the user's share."""
    check_may_see(user)
    number = row_id(question_id)
    query = session.query(EnterpriseQuestion).filter(EnterpriseQuestion.id == number, visible_condition(user))
    row = (query.with_for_update().first() if lock else query.first()) if number else None
    if row is None:
        raise NotFound("咨询不存在 / question not found")
    return row


def respond_due(urgency, since):
    return since + timedelta(minutes=RESPONSE_MINUTES[urgency])


def is_overdue(row, now=None):
    return row.status == "open" and row.respond_due is not None and row.respond_due < (now or clock.now())


def first_response_seconds(row):
    if row.first_response_at is None:
        return None
    return int((row.first_response_at - row.asked_at).total_seconds())


def answerers(uow, row):
    """Who is told of the enterprise's words: the liaison the question is assigned to, else the project leads."""
    if row.assignee is not None and row.assignee.active:
        return [row.assignee]
    return notifications.role_holders(uow, ("project_lead",))


# ---- asking ------------------------------------------------------------------------------------------------------
def ask(uow, user, form, file_ids=()):
    """A question from an enterprise's staff; ValidationFailed names each wrong field; Conflict beyond
    MAX_OPEN_PER_ENTERPRISE open ones."""
    check_may_ask(user)
    errors = {}
    subject = clean_text(form.get("subject"), MAX_SUBJECT, "subject", errors)
    description = clean_text(form.get("description"), MAX_TEXT, "description", errors)
    for name, value, title in (("subject", subject, "主题"), ("description", description, "问题描述")):
        if not value and name not in errors:
            errors[name] = f"请填写{title} / required"
    urgency = form.get("urgency") or ""
    if urgency not in QUESTION_URGENCIES:
        errors["urgency"] = "请选择紧急程度 / choose how urgent"
    case = _own_case(uow.session, user, form.get("case_id"), errors)
    if len([i for i in file_ids if i]) > MAX_FILES:
        errors["files"] = f"最多 {MAX_FILES} 个附件 / at most {MAX_FILES} files"
    raise_if(errors)
    enterprise = uow.session.query(Enterprise).filter_by(id=user.enterprise_id).with_for_update().one()
    waiting = uow.session.query(func.count(EnterpriseQuestion.id)).filter(
        EnterpriseQuestion.enterprise_id == enterprise.id, EnterpriseQuestion.status == "open").scalar()
    if waiting >= MAX_OPEN_PER_ENTERPRISE:
        raise Conflict(f"本企业已有 {waiting} 项咨询未关闭，请先关闭已解决的咨询 / {waiting} questions of your "
                       "enterprise are open: close those answered first")
    now = clock.now()
    current = liaisons.current(uow.session, enterprise.id)
    row = EnterpriseQuestion(enterprise_id=enterprise.id, asked_by_id=user.id, subject=subject,
                             description=description, urgency=urgency, case_id=case.id if case else None,
                             asked_at=now, assignee_id=current.liaison_id if current else None, status="open",
                             awaiting_since=now, respond_due=respond_due(urgency, now), last_message_at=now)
    uow.session.add(row)
    uow.session.flush()
    linked = question_files.attach(uow, user, row, file_ids, "question")
    audit.record(uow, None, user, "question_asked", changes={
        "subject": [None, subject], "description": [None, description], "urgency": [None, urgency]},
        details={"question_id": row.id, "enterprise_id": enterprise.id, "case_id": row.case_id,
                 "assignee_id": row.assignee_id, "files": linked}, subject=("question", row.id))
    key = f"question:{row.id}:asked"
    minutes = RESPONSE_MINUTES[urgency]
    notifications.send(uow, notifications.not_yet_given(uow, answerers(uow, row), key), "question_asked",
                       f"企业咨询（{QUESTION_URGENCIES[urgency][0]}）：{enterprise.name}：{subject}",
                       f"{description[:200]}；请在 {minutes} 分钟内答复", key, row.case_id)
    return row


def _own_case(session, user, case_id, errors):
    if case_id in (None, ""):
        return None
    number = row_id(case_id)
    case = session.get(HazardCase, number) if number else None
    if case is None or case.enterprise_id != user.enterprise_id:
        errors["case_id"] = "请选择本企业的一个隐患案件 / choose a case of your enterprise"
        return None
    return case


def case_choices(session, user):
    """The user's enterprise's latest cases, for the form's choice."""
    return session.query(HazardCase).filter(HazardCase.enterprise_id == user.enterprise_id,
                                            HazardCase.code.isnot(None)) \
        .order_by(HazardCase.registered_at.desc(), HazardCase.id.desc()).limit(CASE_CHOICES).all()


# ---- the list ----------------------------------------------------------------------------------------------------
@dataclass
class QuestionFilter:
    state: str = "open"
    mine: bool = False  # staff: assigned to the user (project leads: and those without a liaison)
    enterprise_id: int = None
    limit: int = 50
    offset: int = 0


def _state_condition(state, now):
    is_open = EnterpriseQuestion.status == "open"
    waiting = and_(is_open, EnterpriseQuestion.respond_due.isnot(None))
    return {
        "open": is_open,
        "waiting": waiting,
        "overdue": and_(waiting, EnterpriseQuestion.respond_due < now),
        "closed": EnterpriseQuestion.status == "closed",
    }.get(state, true())


def _mine_condition(user):
    own = EnterpriseQuestion.assignee_id == user.id
    return or_(own, EnterpriseQuestion.assignee_id.is_(None)) if user.has_role("project_lead") else own


def _base(session, user, flt):
    query = session.query(EnterpriseQuestion).filter(visible_condition(user))
    if flt.mine and not is_enterprise_staff(user):
        query = query.filter(_mine_condition(user))
    if flt.enterprise_id:
        query = query.filter(EnterpriseQuestion.enterprise_id == flt.enterprise_id)
    return query


def listing(session, user, flt):
    """(questions in the state — those waiting soonest due first, others latest activity first —, how many)."""
    check_may_see(user)
    query = _base(session, user, flt).filter(_state_condition(flt.state, clock.now()))
    if flt.state in ("waiting", "overdue"):
        order = (EnterpriseQuestion.respond_due, EnterpriseQuestion.id)
    else:
        order = (EnterpriseQuestion.last_message_at.desc(), EnterpriseQuestion.id.desc())
    total = query.count()
    return query.order_by(*order).limit(flt.limit).offset(flt.offset).all(), total


def counts(session, user, flt):
    """{state: how many} for the list's filter (the same scope as the list)."""
    check_may_see(user)
    now = clock.now()
    columns = [func.count(EnterpriseQuestion.id).filter(_state_condition(state, now)) for state in STATES[:-1]]
    row = _base(session, user, flt).with_entities(*columns, func.count(EnterpriseQuestion.id)).one()
    return dict(zip(STATES, row))
