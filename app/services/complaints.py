"""Complaints about the inspection service (服务投诉, the tender's 服务质量监督岗 — 接到投诉后 24 小时内启动调查程序，
并于 72 小时内反馈处理结果): an enterprise's staff raise one, or a low satisfaction rating opens one; the quality
supervisors and the bureau are told. The desk's handling — investigation, the answer, a project lead's approval —
is in services/complaint_handling.py; here: raising, who sees which, the list and the hourly urging of overdue
steps. Deadlines are clock hours (the tender says hours), not working days."""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, false, func, or_, true, update

from ..clock import clock
from ..errors import Conflict, NotAllowed, NotFound
from ..models import COMPLAINT_KINDS, RATING_DIMENSIONS, Enterprise, InspectionVisit, ServiceComplaint
from . import audit, notifications
from .field_rules import clean_text, raise_if, row_id

# Who reads every complaint: the desk, the project leads who approve its answers, and the oversight roles.
# Enterprise staff read their own enterprise's; anyone else is refused the pages (403).
READERS = ("quality", "project_lead", "bureau", "manager", "admin")
RAISED_NOTIFIED = ("quality", "bureau")
INVESTIGATE_HOURS, ANSWER_HOURS = 24, 72
MAX_TEXT = 2000
MAX_OPEN_PER_ENTERPRISE = 5  # unanswered ones raised at the desk: a channel for complaints, not a chat
RAISED_KINDS = tuple(kind for kind in COMPLAINT_KINDS if kind != "low_rating")  # low_rating: opened by a rating
STATES = ("open", "overdue", "answered", "all")
VISIT_CHOICES = 50  # the form offers the enterprise's latest visits

# Where a complaint stands (derived from its columns), in the order it goes through.
STAGES = {
    "awaiting_investigation": ("待启动调查", "Awaiting investigation"),
    "investigating": ("调查中", "Under investigation"),
    "returned": ("答复退回修改", "Answer sent back"),
    "awaiting_approval": ("答复待审核", "Answer awaiting approval"),
    "answered": ("已答复", "Answered"),
}


def is_reader(user):
    return user.has_role(*READERS)


def is_enterprise_staff(user):
    return "enterprise" in user.roles and bool(user.enterprise_id)


def may_see_complaints(user):
    return is_reader(user) or is_enterprise_staff(user)


def may_raise(user):
    return is_enterprise_staff(user)


def check_may_raise(user):
    if not may_raise(user):
        raise NotAllowed("只有企业人员可以提出服务投诉 / only enterprise staff raise complaints")


def check_may_see(user):
    if not may_see_complaints(user):
        raise NotAllowed("服务投诉仅供企业人员、质量监督、项目负责人和管理部门查看 / complaints are for the enterprises' "
                         "staff, the quality desk, project leads and oversight roles")


def visible_condition(user):
    """SQL condition for the complaints the user may read: all for READERS, their enterprise's for its staff."""
    if is_reader(user):
        return true()
    if is_enterprise_staff(user):
        return ServiceComplaint.enterprise_id == user.enterprise_id
    return false()


def get_visible(session, user, complaint_id):
    """The complaint; NotAllowed for roles that read none, NotFound for another enterprise's (no existence leak)."""
    check_may_see(user)
    row = session.query(ServiceComplaint).filter(ServiceComplaint.id == complaint_id, visible_condition(user)) \
        .first() if isinstance(complaint_id, int) else None
    if row is None:
        raise NotFound("投诉不存在 / complaint not found")
    return row


def stage(row):
    if row.approved_at is not None:
        return "answered"
    if row.answer_drafted_at is not None:
        return "awaiting_approval"
    if row.investigation_started_at is not None:
        return "returned" if row.review_note else "investigating"
    return "awaiting_investigation"


def investigation_overdue(row, now=None):
    return row.investigation_started_at is None and row.investigate_due < (now or clock.now())


def answer_overdue(row, now=None):
    return row.approved_at is None and row.answer_due < (now or clock.now())


def shows_internals(user):
    """The desk's notes, a draft not yet approved and the review notes are internal: READERS see them, the
    enterprise sees the approved answer only."""
    return is_reader(user)


# ---- raising ---------------------------------------------------------------------------------------------------
def raise_complaint(uow, user, kind, text, visit_id=None):
    """A complaint from an enterprise's staff about their enterprise's service; ValidationFailed names each wrong
    field; Conflict beyond MAX_OPEN_PER_ENTERPRISE unanswered ones."""
    check_may_raise(user)
    errors = {}
    if kind not in RAISED_KINDS:
        errors["kind"] = "请选择投诉类别 / choose what the complaint is about"
    text = clean_text(text, MAX_TEXT, "text", errors)
    if not text and "text" not in errors:
        errors["text"] = "请写明投诉内容 / describe the complaint"
    visit = _own_visit(uow.session, user, visit_id, errors)
    raise_if(errors)
    # One enterprise's staff raising at once: the row lock makes the limit hold (PostgreSQL; SQLite has one writer).
    enterprise = uow.session.query(Enterprise).filter_by(id=user.enterprise_id).with_for_update().one()
    waiting = uow.session.query(func.count(ServiceComplaint.id)).filter(
        ServiceComplaint.enterprise_id == enterprise.id, ServiceComplaint.rating_id.is_(None),
        ServiceComplaint.approved_at.is_(None)).scalar()
    if waiting >= MAX_OPEN_PER_ENTERPRISE:
        raise Conflict(f"本企业已有 {waiting} 项投诉待答复，请等待答复后再提出 / {waiting} complaints of your "
                       "enterprise await their answer")
    row = _new(uow, enterprise.id, kind, text, user.id, visit.id if visit else None)
    audit.record(uow, None, user, "complaint_raised", changes={"kind": [None, kind], "text": [None, text]},
                 details=_details(row, enterprise), subject=("complaint", row.id))
    _tell_raised(uow, row, enterprise, RAISED_NOTIFIED)
    return row


def _own_visit(session, user, visit_id, errors):
    """The visit the complaint is about: None when not given; one of the user's enterprise's, else an error."""
    if visit_id in (None, ""):
        return None
    number = row_id(visit_id)
    visit = session.get(InspectionVisit, number) if number else None
    # Only a visit the enterprise sees: its report passed the final review (services/visit_review.py).
    if visit is None or visit.enterprise_id != user.enterprise_id or visit.review_status != "released":
        errors["visit_id"] = "请选择本企业的一次排查 / choose a visit to your enterprise"
        return None
    return visit


def open_from_rating(uow, rating, visit, low_score):
    """The complaint a low satisfaction rating opens, in the rating's transaction: its comment (or the dimensions
    scored `low_score` or less) as text, raised by the rater — by nobody when the rating is anonymous. The quality
    desk and the project leads are told by the rating's own notice (services/visit_ratings.py); the bureau here."""
    text = rating.comment or "满意度评价低分：" + "、".join(
        f"{RATING_DIMENSIONS[name][0]} {score} 分" for name, score in rating.scores.items() if score <= low_score)
    row = _new(uow, visit.enterprise_id, "low_rating", text[:MAX_TEXT], None if rating.anonymous else rating.rater_id,
               visit.id, rating_id=rating.id, raised_at=rating.created_at)
    # Opened by the system: neither the actor nor the details name the rater.
    audit.record(uow, None, None, "complaint_opened", changes={"kind": [None, "low_rating"], "text": [None, row.text]},
                 details={**_details(row, visit.enterprise), "rating_id": rating.id, "anonymous": rating.anonymous},
                 subject=("complaint", row.id))
    _tell_raised(uow, row, visit.enterprise, ("bureau",))
    return row


def _new(uow, enterprise_id, kind, text, raised_by_id, visit_id, rating_id=None, raised_at=None):
    raised_at = raised_at or clock.now()
    row = ServiceComplaint(enterprise_id=enterprise_id, visit_id=visit_id, rating_id=rating_id, kind=kind, text=text,
                           raised_by_id=raised_by_id, raised_at=raised_at,
                           investigate_due=raised_at + timedelta(hours=INVESTIGATE_HOURS),
                           answer_due=raised_at + timedelta(hours=ANSWER_HOURS))
    uow.session.add(row)
    uow.session.flush()
    return row


def _details(row, enterprise):
    return {"complaint_id": row.id, "enterprise_id": enterprise.id, "name": enterprise.name, "visit_id": row.visit_id}


def _tell_raised(uow, row, enterprise, roles):
    key = f"complaint:{row.id}:raised"
    notifications.send(uow, notifications.role_holders_without(uow, roles, key), "complaint_raised",
                       f"服务投诉：{enterprise.name}（{COMPLAINT_KINDS[row.kind][0]}）",
                       f"{row.text[:200]}；24小时内启动调查，72小时内答复", key)


def visit_choices(session, user):
    """The user's enterprise's latest visits, newest first, for the form's choice."""
    return session.query(InspectionVisit).filter_by(enterprise_id=user.enterprise_id, review_status="released") \
        .order_by(InspectionVisit.visited_on.desc(), InspectionVisit.id.desc()).limit(VISIT_CHOICES).all()


# ---- the list ----------------------------------------------------------------------------------------------------
@dataclass
class ComplaintFilter:
    state: str = "open"
    limit: int = 50
    offset: int = 0


def _state_condition(state, now):
    unanswered = ServiceComplaint.approved_at.is_(None)
    return {
        "open": unanswered,
        "overdue": and_(unanswered, or_(ServiceComplaint.answer_due < now,
                                        and_(ServiceComplaint.investigation_started_at.is_(None),
                                             ServiceComplaint.investigate_due < now))),
        "answered": ServiceComplaint.approved_at.isnot(None),
    }.get(state, true())


def listing(session, user, flt):
    """(complaints the user may see in the state — open ones soonest due first, others newest first —, how many);
    NotAllowed for roles that read none."""
    check_may_see(user)
    query = session.query(ServiceComplaint).filter(visible_condition(user), _state_condition(flt.state, clock.now()))
    if flt.state in ("open", "overdue"):
        order = (ServiceComplaint.answer_due, ServiceComplaint.id)
    else:
        order = (ServiceComplaint.raised_at.desc(), ServiceComplaint.id.desc())
    total = query.count()
    return query.order_by(*order).limit(flt.limit).offset(flt.offset).all(), total


def counts(session, user):
    """{state: how many the user may see} for the list's filter."""
    check_may_see(user)
    now = clock.now()
    columns = [func.count(ServiceComplaint.id).filter(_state_condition(state, now)) for state in STATES[:-1]]
    row = session.query(*columns, func.count(ServiceComplaint.id)).filter(visible_condition(user)).one()
    return dict(zip(STATES, row))


# ---- deadlines ---------------------------------------------------------------------------------------------------
URGED_STEPS = {  # step: (due column, done column, urged column, roles told, notice kind, title)
    "investigation": ("investigate_due", "investigation_started_at", "investigation_urged_at", ("quality", "bureau"),
                      "complaint_investigation_overdue", "服务投诉超过24小时未启动调查"),
    "answer": ("answer_due", "approved_at", "answer_urged_at", ("quality", "project_lead", "bureau"),
               "complaint_answer_overdue", "服务投诉超过72小时未答复"),
}


def urge_overdue(uow):
    """Each step overdue and not yet urged — the investigation not started in 24 hours, no approved answer in 72
    hours — is urged once: marked (compare-and-set, so two schedulers urge it once), audited, and the roles told.
    Returns how many steps were urged."""
    now, urged = clock.now(), 0
    for step, (due, done, mark, roles, kind, title) in URGED_STEPS.items():
        columns = [getattr(ServiceComplaint, name) for name in (due, done, mark)]
        overdue = uow.session.query(ServiceComplaint).filter(
            columns[0] < now, columns[1].is_(None), columns[2].is_(None)).order_by(ServiceComplaint.id).all()
        for row in overdue:
            marked = uow.session.execute(update(ServiceComplaint).where(
                ServiceComplaint.id == row.id, columns[1].is_(None), columns[2].is_(None))
                .values({mark: now}).execution_options(synchronize_session=False))
            if marked.rowcount != 1:
                continue
            audit.record(uow, None, None, "complaint_overdue", details={"complaint_id": row.id, "step": step},
                         subject=("complaint", row.id))
            key = f"complaint:{row.id}:{step}_overdue"
            notifications.send(uow, notifications.role_holders_without(uow, roles, key), kind,
                               f"{title}：{row.enterprise.name}", row.text[:200], key)
            urged += 1
    uow.session.expire_all()
    return urged

