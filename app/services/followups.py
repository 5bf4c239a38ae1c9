"""Re-inspections of closed cases (销号后复查, "回头看"): when a case is closed, two are scheduled — the first within
a week, the second a month after closing (a week's window). The inspection team records each: the rectification
holds, or the hazard is back (then the bureau and the project leads are told, and the hazard is registered again as
a new case). Overdue ones notify the project leads once."""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import insert, update
from sqlalchemy.orm import selectinload

from ..clock import SHANGHAI, clock
from ..errors import Conflict, NotAllowed, NotFound
from ..models import FOLLOW_UP_RESULTS, CaseFollowUp, HazardCase
from . import audit, check_files, notifications, site_measurements
from .access import enterprise_condition, get_visible_case
from .field_rules import clean_text, raise_if

RECORDERS = ("inspector", "project_team", "project_lead")
# (sequence, first day after closing it may be done, its last day): "一周内" and "一个月后"
SCHEDULE = ((1, 0, 7), (2, 30, 37))
MAX_NOTES = 2000
STATES = ("due", "overdue", "upcoming", "done", "all")
INSERT = insert(CaseFollowUp.__table__).inline()  # no RETURNING: it runs in a pipeline


def may_record(user):
    return user.has_role(*RECORDERS)


def schedule(pipe, case):
    """The closed case's re-inspections, counted from its closing day (Shanghai), written through `pipe` (the
    closing step's pipeline, services.pipeline: no extra round trip)."""
    closed_on = (case.closed_at or clock.now()).astimezone(SHANGHAI).date()
    pipe.execute(INSERT, [{"case_id": case.id, "sequence": sequence, "not_before": closed_on + timedelta(days=first),
                           "due_on": closed_on + timedelta(days=last), "notes": ""}
                          for sequence, first, last in SCHEDULE])


def record(uow, user, follow_up_id, result, notes, measurements=None, file_ids=None):
    """The result of a re-inspection, recorded once, with the readings taken on site and the user's uploads as its
    photos and files; a hazard found back notifies the bureau and the leads, a reading out of limit the case's
    lead."""
    if not may_record(user):
        raise NotAllowed("只有排查人员、项目执行小组和项目负责人可以登记复查 / only the inspection team records")
    row = get_visible(uow.session, user, follow_up_id)
    today = clock.local_now().date()
    if row.result is not None:
        raise Conflict("该复查已经登记 / this re-inspection has been recorded")
    if today < row.not_before:
        raise Conflict(f"第{row.sequence}次复查自 {row.not_before.isoformat()} 起进行 / "
                       f"this re-inspection is due from {row.not_before.isoformat()}")
    errors = {}
    if result not in FOLLOW_UP_RESULTS:
        errors["result"] = "请选择复查结论 / choose the result"
    notes = clean_text(notes, MAX_NOTES, "notes", errors)
    if result == "recurred" and not notes and "notes" not in errors:
        errors["notes"] = "请说明复查发现的问题 / describe what was found"
    readings = site_measurements.clean(uow.session, measurements, errors, today)
    files = check_files.clean_ids(file_ids, errors)
    raise_if(errors)
    done = uow.session.execute(update(CaseFollowUp).where(CaseFollowUp.id == row.id, CaseFollowUp.result.is_(None))
                               .values(result=result, notes=notes, done_at=clock.now(), done_by_id=user.id))
    if done.rowcount != 1:
        raise Conflict("该复查已经登记 / this re-inspection has been recorded")
    uow.session.refresh(row)
    readings = site_measurements.save(uow, user, row.case, readings, follow_up=row)
    files = check_files.link(uow, user, files, follow_up=row)
    audit.record(uow, row.case_id, user, "follow_up_recorded",
                 changes={"result": [None, result], "notes": [None, notes],
                          **site_measurements.audit_changes(readings, files)},
                 details={"follow_up_id": row.id, "sequence": row.sequence, "files": [f.public_id for f in files]})
    site_measurements.tell_if_exceeded(uow, row.case, readings, f"follow_up:{row.id}:exceeded",
                                       f"第{row.sequence}次回头看")
    if result == "recurred":
        key = f"follow_up:{row.id}:recurred"
        recipients = notifications.role_holders_without(uow, ("bureau", "project_lead"), key)
        notifications.send(uow, recipients, "follow_up_recurred", f"销号后复查发现隐患反弹（{row.case.code}）",
                           notes[:200], key, row.case_id)
    return row


def for_case(session, case_id):
    return session.query(CaseFollowUp).filter_by(case_id=case_id) \
        .options(selectinload(CaseFollowUp.measurements), selectinload(CaseFollowUp.files)) \
        .order_by(CaseFollowUp.sequence).all()


def get_visible(session, user, follow_up_id):
    row = session.get(CaseFollowUp, follow_up_id) if isinstance(follow_up_id, int) else None
    if row is None:
        raise NotFound("复查不存在 / re-inspection not found")
    get_visible_case(session, user, row.case_id)  # another enterprise's: 404 as well
    return row


@dataclass
class FollowUpFilter:
    state: str = "due"
    limit: int = 50
    offset: int = 0


def listing(session, user, flt):
    """(re-inspections in the state that the user may see, the most urgent first; how many). due: may be done
    today; overdue: past their last day; upcoming: not yet; done."""
    query = session.query(CaseFollowUp).join(HazardCase, HazardCase.id == CaseFollowUp.case_id)
    query = query.filter(enterprise_condition(user, HazardCase.enterprise_id))
    today = clock.local_now().date()
    if flt.state == "done":
        query = query.filter(CaseFollowUp.result.isnot(None))
        order = (CaseFollowUp.done_at.desc(), CaseFollowUp.id.desc())
    else:
        if flt.state != "all":
            query = query.filter(CaseFollowUp.result.is_(None))
        if flt.state == "due":
            query = query.filter(CaseFollowUp.not_before <= today)
        elif flt.state == "overdue":
            query = query.filter(CaseFollowUp.due_on < today)
        elif flt.state == "upcoming":
            query = query.filter(CaseFollowUp.not_before > today)
        order = (CaseFollowUp.due_on, CaseFollowUp.id)
    total = query.count()
    return query.order_by(*order).limit(flt.limit).offset(flt.offset).all(), total


def urge_overdue(uow):
    """Re-inspections past their last day and not recorded: the project leads are told once each. Returns how
    many are overdue."""
    today = clock.local_now().date()
    overdue = uow.session.query(CaseFollowUp).filter(CaseFollowUp.result.is_(None), CaseFollowUp.due_on < today).all()
    for row in overdue:
        key = f"follow_up:{row.id}:overdue"
        recipients = notifications.role_holders_without(uow, ("project_lead",), key)
        notifications.send(uow, recipients, "follow_up_overdue",
                           f"销号后第{row.sequence}次复查逾期未做（{row.case.code}）",
                           f"应于 {row.due_on.isoformat()} 前完成", key, row.case_id)
    return len(overdue)
