"""A question's thread (services/questions.py): the staff side answers — the liaison it is assigned to, or any project
lead —, the enterprise adds a word, closes the question once answered, or reopens it saying why; and the urging of
answers past the response clock: the project leads (and the liaison) are told once per wait, by a job every few
minutes (scheduler/jobs.py)."""
from sqlalchemy import update

from ..clock import clock
from ..errors import Conflict, NotAllowed
from ..models import QUESTION_URGENCIES, EnterpriseQuestion, QuestionMessage
from . import audit, liaisons, notifications, question_files, questions
from .field_rules import clean_text, raise_if

MAX_TEXT = questions.MAX_TEXT


def may_answer(user, row):
    """The liaison the question is assigned to, or a project lead (who answer those without a liaison and may
    step in for any)."""
    return user.has_role("project_lead") or (user.has_role(*liaisons.LIAISON_ROLES) and row.assignee_id == user.id)


def may_write_as_enterprise(user, row):
    return questions.is_enterprise_staff(user) and user.enterprise_id == row.enterprise_id


def _text(text, errors, required=True):
    text = clean_text(text, MAX_TEXT, "text", errors)
    if required and not text and "text" not in errors:
        errors["text"] = "请填写内容 / write something"
    return text


def _check_files(file_ids, errors):
    if len([i for i in file_ids if i]) > questions.MAX_FILES:
        errors["files"] = f"最多 {questions.MAX_FILES} 个附件 / at most {questions.MAX_FILES} files"


def reply(uow, user, question_id, text, file_ids=()):
    """A message in the thread: from the staff side it answers what waits (the clock stops, the enterprise is told);
    from the enterprise it starts a wait when none runs. A closed question takes no message (reopen it)."""
    row = questions.get_visible(uow.session, user, question_id, lock=True)
    from_staff = may_answer(user, row)
    if not from_staff and not may_write_as_enterprise(user, row):
        raise NotAllowed("只有联络专员、项目负责人和提问企业的人员可以回复 / only the liaison, project leads and the "
                         "enterprise's staff write in a question")
    errors = {}
    text = _text(text, errors)
    _check_files(file_ids, errors)
    raise_if(errors)
    if row.status != "open":
        raise Conflict("咨询已关闭，请先重新打开 / the question is closed: reopen it first")
    message = _add_message(uow, user, row, text, from_staff)
    linked = question_files.attach(uow, user, row, file_ids, f"message:{message.id}")
    audit.record(uow, None, user, "question_answered" if from_staff else "question_followed_up",
                 changes={"message": [None, text]},
                 details={"question_id": row.id, "enterprise_id": row.enterprise_id, "message_id": message.id,
                          "waited_seconds": message.waited_seconds, "files": linked}, subject=("question", row.id))
    _tell(uow, row, message, from_staff)
    return message


def _add_message(uow, user, row, text, from_staff):
    now = clock.now()
    message = QuestionMessage(question_id=row.id, author_id=user.id, from_staff=from_staff, text=text, created_at=now)
    if from_staff:
        if row.awaiting_since is not None:
            message.waited_seconds = int((now - row.awaiting_since).total_seconds())
        if row.first_response_at is None:
            row.first_response_at, row.first_response_by_id = now, user.id
        row.awaiting_since = row.respond_due = row.urged_at = None
    elif row.awaiting_since is None:
        _start_wait(row, now)
    row.last_message_at = now
    uow.session.add(message)
    uow.session.flush()
    return message


def _start_wait(row, now):
    row.awaiting_since, row.respond_due, row.urged_at = now, questions.respond_due(row.urgency, now), None


def _tell(uow, row, message, from_staff):
    key = f"question:{row.id}:message:{message.id}"
    if from_staff:
        recipients = notifications.role_holders(uow, ("enterprise",), row.enterprise_id)
        title = f"咨询已答复：{row.subject}"
    else:
        recipients = questions.answerers(uow, row)
        title = f"企业咨询有新留言：{row.enterprise.name}：{row.subject}"
    notifications.send(uow, notifications.not_yet_given(uow, [u for u in recipients if u.id != message.author_id], key),
                       "question_answered" if from_staff else "question_followed_up", title, message.text[:200], key,
                       row.case_id)


def close(uow, user, question_id):
    """The enterprise closes its question (answered, or no longer needed); Conflict when closed already."""
    row = questions.get_visible(uow.session, user, question_id, lock=True)
    if not may_write_as_enterprise(user, row):
        raise NotAllowed("只有提问企业的人员可以关闭咨询 / only the enterprise's staff close a question")
    if row.status != "open":
        raise Conflict("咨询已关闭 / the question is closed already")
    now = clock.now()
    row.status, row.closed_at, row.closed_by_id = "closed", now, user.id
    row.awaiting_since = row.respond_due = None
    audit.record(uow, None, user, "question_closed", changes={"question_status": ["open", "closed"]},
                 details={"question_id": row.id, "enterprise_id": row.enterprise_id}, subject=("question", row.id))
    return row


def reopen(uow, user, question_id, text, file_ids=()):
    """The enterprise reopens a closed question, saying why: the message starts a new wait for an answer."""
    row = questions.get_visible(uow.session, user, question_id, lock=True)
    if not may_write_as_enterprise(user, row):
        raise NotAllowed("只有提问企业的人员可以重新打开咨询 / only the enterprise's staff reopen a question")
    errors = {}
    text = _text(text, errors)
    _check_files(file_ids, errors)
    raise_if(errors)
    if row.status != "closed":
        raise Conflict("咨询未关闭 / the question is open")
    row.status, row.closed_at, row.closed_by_id = "open", None, None
    message = _add_message(uow, user, row, text, False)
    linked = question_files.attach(uow, user, row, file_ids, f"message:{message.id}")
    audit.record(uow, None, user, "question_reopened",
                 changes={"question_status": ["closed", "open"], "message": [None, text]},
                 details={"question_id": row.id, "enterprise_id": row.enterprise_id, "message_id": message.id,
                          "files": linked}, subject=("question", row.id))
    _tell(uow, row, message, False)
    return row


# ---- the response clock ------------------------------------------------------------------------------------------
def urge_overdue(uow):
    """Each wait past its response clock and not yet urged: marked (compare-and-set on the wait's deadline, so two
    schedulers urge it once), audited, the project leads and the liaison told. Returns how many were urged."""
    now, urged = clock.now(), 0
    overdue = uow.session.query(EnterpriseQuestion).filter(
        EnterpriseQuestion.status == "open", EnterpriseQuestion.respond_due < now,
        EnterpriseQuestion.urged_at.is_(None)).order_by(EnterpriseQuestion.respond_due, EnterpriseQuestion.id).all()
    for row in overdue:
        marked = uow.session.execute(update(EnterpriseQuestion).where(
            EnterpriseQuestion.id == row.id, EnterpriseQuestion.status == "open",
            EnterpriseQuestion.respond_due == row.respond_due, EnterpriseQuestion.urged_at.is_(None))
            .values(urged_at=now).execution_options(synchronize_session=False))
        if marked.rowcount != 1:
            continue
        first = row.first_response_at is None
        audit.record(uow, None, None, "question_overdue",
                     details={"question_id": row.id, "enterprise_id": row.enterprise_id, "first_response": first,
                              "respond_due": row.respond_due.isoformat(), "assignee_id": row.assignee_id},
                     subject=("question", row.id))
        key = f"question:{row.id}:overdue:{row.awaiting_since.isoformat()}"
        recipients = notifications.role_holders(uow, ("project_lead",))
        if row.assignee is not None and row.assignee.active:
            recipients = list({u.id: u for u in recipients + [row.assignee]}.values())
        minutes = questions.RESPONSE_MINUTES[row.urgency]
        notifications.send(uow, notifications.not_yet_given(uow, recipients, key), "question_overdue",
                           f"企业咨询超过 {minutes} 分钟未答复（{QUESTION_URGENCIES[row.urgency][0]}）："
                           f"{row.enterprise.name}：{row.subject}",
                           (row.assignee.display_name + " 负责答复" if row.assignee else "该企业没有联络专员，请项目负责人答复"),
                           key, row.case_id)
        urged += 1
    uow.session.expire_all()
    return urged
