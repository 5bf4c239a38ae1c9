"""The quality desk's handling of a complaint (services/complaints.py), each step once and in order: a quality
supervisor starts the investigation (within 24 hours), then drafts the answer — again and again until it is
approved —; a project lead approves the draft, which sends it (反馈内容须经项目经理审核后方可发送), or sends it back with a
note. Every step is a compare-and-set UPDATE: of two doing the same step at once one wins, the other gets Conflict."""
from sqlalchemy import func, update

from ..clock import clock
from ..errors import Conflict, NotAllowed
from ..models import AuditEvent, ServiceComplaint
from . import audit, notifications
from .complaints import MAX_TEXT, get_visible
from .field_rules import clean_text, raise_if
from .users import holders_of_role

HANDLERS = ("quality",)  # 服务质量监督岗
APPROVERS = ("project_lead",)  # 项目经理审核
UPHELD_CHOICES = {"yes": True, "no": False, "": None}  # a form's 投诉属实 / 不属实 / 暂不认定


def may_handle(user):
    return user.has_role(*HANDLERS)


def may_approve(user):
    return user.has_role(*APPROVERS)


def check_handler(user):
    if not may_handle(user):
        raise NotAllowed("只有质量监督专员可以调查和答复投诉 / only quality supervisors investigate and answer "
                         "complaints")


def check_approver(user):
    if not may_approve(user):
        raise NotAllowed("只有项目负责人可以审核投诉答复 / only project leads approve answers")


def _required(value, name, errors, message):
    text = clean_text(value, MAX_TEXT, name, errors)
    if not text and name not in errors:
        errors[name] = message
    return text


def _compare_and_set(session, row, conditions, values):
    """True when the row still met the conditions and now holds the values."""
    done = session.execute(update(ServiceComplaint).where(ServiceComplaint.id == row.id, *conditions)
                           .values(**values).execution_options(synchronize_session=False))
    session.refresh(row)
    return done.rowcount == 1


def _drafts(session, row):
    """How many drafts the complaint's answer has had (each audited): the number of the latest one."""
    return session.query(func.count(AuditEvent.id)).filter_by(
        subject_type="complaint", subject_id=row.id, action="complaint_answer_drafted").scalar()


def start_investigation(uow, user, complaint_id, note):
    """The desk starts the investigation, once, with a note of what it does first."""
    row = get_visible(uow.session, user, complaint_id)
    check_handler(user)
    errors = {}
    note = _required(note, "note", errors, "请填写调查安排 / write how the complaint is investigated")
    raise_if(errors)
    if not _compare_and_set(uow.session, row, [ServiceComplaint.investigation_started_at.is_(None)],
                            {"investigation_started_at": clock.now(), "investigated_by_id": user.id,
                             "investigation_note": note}):
        raise Conflict("该投诉已经启动调查 / the investigation has already started")
    audit.record(uow, None, user, "complaint_investigation_started", changes={"investigation_note": [None, note]},
                 details={"complaint_id": row.id}, subject=("complaint", row.id))
    return row


def read_upheld(value, errors):
    """The desk's conclusion (投诉属实): True / False, or None when not concluded — from a body's boolean or null, or
    a form's "yes" / "no" / ""."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip() in UPHELD_CHOICES:
        return UPHELD_CHOICES[value.strip()]
    errors["upheld"] = "请选择调查结论：属实、不属实或暂不认定 / choose upheld, not upheld or not concluded"
    return None


def draft_answer(uow, user, complaint_id, answer, upheld=None):
    """The desk's draft of the answer, after the investigation started and until a project lead approves it;
    a new draft replaces the last one and waits for approval again. `upheld`: the investigation's conclusion, approved
    with the answer (an upheld complaint about a visit counts in its team's scorecards, services/performance.py)."""
    row = get_visible(uow.session, user, complaint_id)
    check_handler(user)
    errors = {}
    answer = _required(answer, "answer", errors, "请填写答复内容 / write the answer")
    upheld = read_upheld(upheld, errors)
    raise_if(errors)
    before, upheld_before = row.answer, row.upheld
    if not _compare_and_set(uow.session, row, [ServiceComplaint.investigation_started_at.isnot(None),
                                               ServiceComplaint.approved_at.is_(None)],
                            {"answer": answer, "upheld": upheld, "answer_drafted_at": clock.now(),
                             "answer_drafted_by_id": user.id}):
        if row.approved_at is not None:
            raise Conflict("答复已审核发送，不能再修改 / the answer was approved and sent")
        raise Conflict("请先启动调查，再拟写答复 / start the investigation before drafting the answer")
    changes = {"answer": [before, answer]}
    if upheld_before != upheld:
        changes["complaint_upheld"] = [upheld_before, upheld]
    audit.record(uow, None, user, "complaint_answer_drafted", changes=changes,
                 details={"complaint_id": row.id}, subject=("complaint", row.id))
    key = f"complaint:{row.id}:drafted:{_drafts(uow.session, row)}"
    notifications.send(uow, notifications.role_holders_without(uow, APPROVERS, key), "complaint_answer_drafted",
                       f"投诉答复待审核：{row.enterprise.name}", answer[:200], key)
    return row


def _awaiting_approval(row, seen_draft_at):
    """The conditions of a decision on the draft: one is waiting and, when the reader says which draft they read
    (its time), it is still that one."""
    conditions = [ServiceComplaint.approved_at.is_(None), ServiceComplaint.answer_drafted_at.isnot(None)]
    if seen_draft_at is not None:
        conditions.append(ServiceComplaint.answer_drafted_at == seen_draft_at)
    return conditions


def _refused_decision(row):
    if row.approved_at is not None:
        return Conflict("答复已经审核发送 / the answer has already been approved and sent")
    if row.answer_drafted_at is None:
        return Conflict("没有待审核的答复稿 / no draft awaits approval")
    return Conflict("答复稿已经修改，请重新审阅 / the draft has changed since you read it; read it again")


def approve(uow, user, complaint_id, seen_draft_at=None):
    """A project lead approves the draft, once: the answer is sent to the complaint's raiser — for one opened by
    an anonymous rating, to its enterprise's staff. Two approving at once: one wins, the other gets Conflict."""
    row = get_visible(uow.session, user, complaint_id)
    check_approver(user)
    if not _compare_and_set(uow.session, row, _awaiting_approval(row, seen_draft_at),
                            {"approved_at": clock.now(), "approved_by_id": user.id}):
        raise _refused_decision(row)
    audit.record(uow, None, user, "complaint_answer_approved", changes={"answer": [None, row.answer]},
                 details={"complaint_id": row.id}, subject=("complaint", row.id))
    recipients = [row.raised_by] if row.raised_by is not None and row.raised_by.active else \
        holders_of_role(uow.session, "enterprise", row.enterprise_id)
    notifications.send(uow, recipients, "complaint_answered", "服务投诉答复", row.answer[:500],
                       f"complaint:{row.id}:answered")
    return row


def send_back(uow, user, complaint_id, note, seen_draft_at=None):
    """A project lead sends the draft back with a note; the desk drafts again."""
    row = get_visible(uow.session, user, complaint_id)
    check_approver(user)
    errors = {}
    note = _required(note, "note", errors, "请写明退回意见 / say what the answer lacks")
    raise_if(errors)
    before = row.review_note
    if not _compare_and_set(uow.session, row, _awaiting_approval(row, seen_draft_at),
                            {"review_note": note, "answer_drafted_at": None}):
        raise _refused_decision(row)
    audit.record(uow, None, user, "complaint_answer_returned", changes={"review_note": [before, note]},
                 details={"complaint_id": row.id}, subject=("complaint", row.id))
    notifications.send(uow, [row.answer_drafted_by], "complaint_answer_returned",
                       f"投诉答复被退回：{row.enterprise.name}", note[:200],
                       f"complaint:{row.id}:returned:{_drafts(uow.session, row)}")
    return row
