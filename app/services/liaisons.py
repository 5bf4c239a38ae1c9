"""Enterprise liaison officers (企业联络专员, seed 000 line 600): a project lead makes one of the staff — a project team
member, a project lead or an inspector — an enterprise's liaison; a new assignment ends the previous one, which stays
in the history. The liaison is who the enterprise's questions go to (services/questions.py) and who should be in
touch with the enterprise every week (services/liaison_weeks.py).

Who reads what: the contact log and the assignments are the staff side's (every staff role but the experts and the
process and checklist administrators; a township safety office those of its townships); enterprise staff see only
who their liaison is (name and phone) — never the log (services/contact_log.py)."""
from sqlalchemy import false, select, true, update

from ..clock import clock
from ..errors import Conflict, NotAllowed, NotFound
from ..models import Enterprise, EnterpriseQuestion, LiaisonAssignment, User, UserRole
from . import audit, notifications
from .access import covered_townships
from .field_rules import clean_text, raise_if, row_id

LIAISON_ROLES = ("project_team", "project_lead", "inspector")  # who may be a liaison, log contacts, answer questions
ASSIGNERS = ("project_lead",)
# County-wide readers of the log; a township office reads its townships' enterprises.
LOG_READERS = LIAISON_ROLES + ("bureau", "manager", "admin", "quality", "supervision")
MAX_NOTE = 200


def may_read_log(user):
    return user.has_role(*LOG_READERS) or bool(covered_townships(user))


def may_write_log(user):
    return user.has_role(*LIAISON_ROLES)


def may_assign(user):
    return user.has_role(*ASSIGNERS)


def check_may_read_log(user):
    if not may_read_log(user):
        raise NotAllowed("联络专员和沟通记录仅供项目人员、督导、质量监督、应急管理局、管理人员和属地监管查看 / the liaison "
                         "pages are for the staff side")


def check_may_write_log(user):
    if not may_write_log(user):
        raise NotAllowed("只有项目执行小组、项目负责人和现场排查人员可以记录沟通 / only the project team, project leads "
                         "and inspectors record contacts")


def log_condition(user, column):
    """SQL condition for the enterprises (by id `column`) whose log and liaison the user reads."""
    if user.has_role(*LOG_READERS):
        return true()
    townships = covered_townships(user)
    if townships:
        return column.in_(select(Enterprise.id).where(Enterprise.township.in_(townships)))
    return false()


def get_enterprise(session, user, enterprise_id):
    """The enterprise whose log the user reads: NotAllowed for roles that read none, NotFound for one outside the
    user's area (no existence leak)."""
    check_may_read_log(user)
    number = row_id(enterprise_id)
    row = session.query(Enterprise).filter(Enterprise.id == number, log_condition(user, Enterprise.id)).first() \
        if number else None
    if row is None:
        raise NotFound("企业不存在 / enterprise not found")
    return row


def current(session, enterprise_id):
    return session.query(LiaisonAssignment).filter_by(enterprise_id=enterprise_id, ended_at=None).first()


def current_by_enterprise(session, enterprise_ids=None):
    """{enterprise id: its current assignment} (of the given enterprises, or all)."""
    query = session.query(LiaisonAssignment).filter(LiaisonAssignment.ended_at.is_(None))
    if enterprise_ids is not None:
        query = query.filter(LiaisonAssignment.enterprise_id.in_(list(enterprise_ids) or [0]))
    return {row.enterprise_id: row for row in query}


def history(session, enterprise_id):
    """The enterprise's assignments, the latest first."""
    return session.query(LiaisonAssignment).filter_by(enterprise_id=enterprise_id) \
        .order_by(LiaisonAssignment.assigned_at.desc(), LiaisonAssignment.id.desc()).all()


def liaison_of_user(session, user):
    """The liaison (a User) of an enterprise user's enterprise, for the enterprise's pages; None without one."""
    if "enterprise" not in user.roles or not user.enterprise_id:
        return None
    row = current(session, user.enterprise_id)
    return row.liaison if row else None


def choices(session):
    """The active users who may be a liaison, by name."""
    return session.query(User).filter(User.active.is_(True), User.roles_rel.any(UserRole.role.in_(LIAISON_ROLES))) \
        .order_by(User.display_name, User.id).all()


def _liaison_user(session, value, errors):
    number = row_id(value)
    user = session.get(User, number) if number else None
    if user is None or not user.active or not user.has_role(*LIAISON_ROLES):
        errors["liaison_id"] = ("请选择一名在岗的项目执行小组成员、项目负责人或现场排查人员 / choose an active project team "
                                "member, project lead or inspector")
        return None
    return user


def assign(uow, user, enterprise_id, liaison_id, note=""):
    """Make `liaison_id` the enterprise's liaison (project leads): the current assignment ends, the enterprise's
    open questions move to the new liaison, the new liaison is told. Conflict when already theirs."""
    if not may_assign(user):
        raise NotAllowed("只有项目负责人可以指定企业联络专员 / only project leads assign liaison officers")
    enterprise = get_enterprise(uow.session, user, enterprise_id)
    errors = {}
    liaison = _liaison_user(uow.session, liaison_id, errors)
    note = clean_text(note, MAX_NOTE, "note", errors)
    raise_if(errors)
    # Two project leads assigning at once: the row lock orders them (PostgreSQL); the partial unique index holds anyway.
    uow.session.query(Enterprise).filter_by(id=enterprise.id).with_for_update().one()
    before = current(uow.session, enterprise.id)
    if before is not None and before.liaison_id == liaison.id:
        raise Conflict(f"{liaison.display_name} 已是该企业的联络专员 / already the enterprise's liaison")
    now = clock.now()
    if before is not None:
        before.ended_at, before.ended_by_id = now, user.id
        uow.session.flush()
    row = LiaisonAssignment(enterprise_id=enterprise.id, liaison_id=liaison.id, assigned_by_id=user.id,
                            assigned_at=now, note=note)
    uow.session.add(row)
    moved = _move_open_questions(uow, enterprise.id, liaison.id)
    uow.session.flush()
    audit.record(uow, None, user, "liaison_assigned",
                 changes={"liaison": [before.liaison.display_name if before else None, liaison.display_name]},
                 details={"enterprise_id": enterprise.id, "name": enterprise.name, "liaison_id": liaison.id,
                          "note": note, "questions_moved": moved}, subject=("enterprise", enterprise.id))
    key = f"liaison:{row.id}:assigned"
    notifications.send(uow, notifications.not_yet_given(uow, [liaison], key), "liaison_assigned",
                       f"您已被指定为{enterprise.name}的联络专员", "每周至少与企业对接一次，并在沟通记录中登记；企业的咨询由您答复。",
                       key)
    return row


def release(uow, user, enterprise_id):
    """End the enterprise's assignment without a successor (project leads): its questions go to the project leads."""
    if not may_assign(user):
        raise NotAllowed("只有项目负责人可以调整企业联络专员 / only project leads change liaison officers")
    enterprise = get_enterprise(uow.session, user, enterprise_id)
    uow.session.query(Enterprise).filter_by(id=enterprise.id).with_for_update().one()
    before = current(uow.session, enterprise.id)
    if before is None:
        raise Conflict("该企业没有联络专员 / the enterprise has no liaison")
    before.ended_at, before.ended_by_id = clock.now(), user.id
    moved = _move_open_questions(uow, enterprise.id, None)
    audit.record(uow, None, user, "liaison_released", changes={"liaison": [before.liaison.display_name, None]},
                 details={"enterprise_id": enterprise.id, "name": enterprise.name, "questions_moved": moved},
                 subject=("enterprise", enterprise.id))
    return before


def _move_open_questions(uow, enterprise_id, liaison_id):
    """The enterprise's open questions now go to `liaison_id` (None: the project leads); how many moved."""
    result = uow.session.execute(update(EnterpriseQuestion).where(
        EnterpriseQuestion.enterprise_id == enterprise_id, EnterpriseQuestion.status == "open")
        .values(assignee_id=liaison_id).execution_options(synchronize_session=False))
    return result.rowcount
