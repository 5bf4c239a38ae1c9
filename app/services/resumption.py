"""Applications for resumption of production (复工复产申请) and their on-site acceptance (复工验收), on a standing
stop-work order (services/stop_work.py, models/resumption.py).

- The enterprise's own staff apply: the measures taken, the self-check conclusion, files, the cases it covers (the
  order's own case always). One application awaits its acceptance per order at a time. Refused (409) while the
  enterprise stands under no order, and while a case the application covers, or any open 重大/特别重大 case of the
  enterprise, has not yet passed rectification (READY_STATUSES: awaiting verification, or closed).
- The bureau answers within ANSWER_WORKING_DAYS working days (the working-day calendar, same time of day); past that
  the scheduler tells the bureau once (`urge_overdue`). The acceptance: date, participants, the expert users taking
  part, findings, conclusion 同意复工复产 (the order is lifted) or 不同意 (requirements and the day by which to rectify;
  the enterprise then applies again). Every application and its decision stay as the order's history.
Each write is audited under ("stop_work", order id) with before -> after."""
from sqlalchemy import update

from ..clock import SHANGHAI, clock
from ..errors import Conflict, NotAllowed, NotFound, ValidationFailed
from ..models import (ACCEPTANCE_CONCLUSIONS, Attachment, HazardCase, ResumptionApplication, StopWorkOrder, User,
                      UserRole)
from ..models.attachment import free_of_owners
from . import audit, enforcement, notifications, stop_work
from .access import enterprise_condition, get_visible_enterprise
from .calendar import WorkingCalendar
from .field_rules import clean_text, parse_date, raise_if, row_id

ANSWER_WORKING_DAYS = 5  # the bureau answers an application (its on-site acceptance) within this many working days
DECIDERS = ("bureau",)
READY_STATUSES = ("verifying", "closed")  # a case that has passed rectification
SERIOUS_GRADES = ("major", "especially_major")
MAX_TEXT = 4000
MAX_FILES = 20
MAX_EXPERTS = 10
FILE_TYPES = ("application/pdf",)  # and images

_table = Attachment.__table__


def may_apply(user):
    return user.has_role("enterprise") and bool(user.enterprise_id)


def may_decide(user):
    return user.has_role(*DECIDERS)


def check_may_decide(user):
    if not may_decide(user):
        raise NotAllowed("只有应急管理局可以作出复工验收结论 / only the bureau decides on resumption")


def answer_due(moment, calendar=None):
    return (calendar or WorkingCalendar.load()).add_workdays(moment, ANSWER_WORKING_DAYS).moment


def is_overdue(application, now=None):
    return application.status == "pending" and application.answer_due < (now or clock.now())


def get_visible(session, user, application_id):
    row = session.query(ResumptionApplication).filter(
        ResumptionApplication.id == application_id,
        enterprise_condition(user, ResumptionApplication.enterprise_id)).first() \
        if isinstance(application_id, int) else None
    if row is None:
        raise NotFound("复工复产申请不存在 / application not found")
    return row


def has_pending(session, order_id):
    return session.query(ResumptionApplication.id).filter_by(order_id=order_id, status="pending").first() is not None


def pending(session, user):
    """The applications awaiting their acceptance that the user sees, the earliest due first."""
    return session.query(ResumptionApplication).filter(
        ResumptionApplication.status == "pending",
        enterprise_condition(user, ResumptionApplication.enterprise_id)) \
        .order_by(ResumptionApplication.answer_due, ResumptionApplication.id).all()


def apply(uow, user, enterprise_id, form, file_ids=()):
    """A new application of the user's enterprise (form: order_id optional when one order stands, measures,
    self_check, case_ids). 404 for another enterprise, 403 for other roles, 409 when not stopped, already pending or
    a case not yet past rectification; ValidationFailed names each wrong field."""
    enterprise = get_visible_enterprise(uow.session, user, enterprise_id)
    if not may_apply(user) or user.enterprise_id != enterprise.id:
        raise NotAllowed("只有本企业的安全员可以提出复工复产申请 / only the enterprise's own staff apply for resumption")
    order = _order_to_apply_on(uow.session, enterprise.id, form.get("order_id"))
    stop_work.lock(uow, order)
    if not order.is_active:
        raise Conflict("该企业未处于停产停业整顿状态 / the enterprise is not stopped")
    if has_pending(uow.session, order.id):
        raise Conflict("已有待验收的复工复产申请 / an application already awaits its acceptance")
    errors = {}
    measures = _required_text(form.get("measures"), "measures", "请填写已采取的整改措施 / describe the measures", errors)
    self_check = _required_text(form.get("self_check"), "self_check", "请填写自查结论 / give the self-check conclusion",
                                errors)
    cases = _covered_cases(uow.session, enterprise.id, order, form.get("case_ids"), errors)
    raise_if(errors)
    _raise_if_not_ready(uow.session, enterprise.id, cases)
    now = clock.now()
    row = ResumptionApplication(order_id=order.id, enterprise_id=enterprise.id, measures=measures,
                                self_check=self_check, case_ids=[c.id for c in cases], submitted_at=now,
                                submitted_by_id=user.id, status="pending", answer_due=answer_due(now),
                                participants="", expert_ids=[], findings="", requirements="")
    uow.session.add(row)
    uow.session.flush()
    files = _attach(uow, user, row, file_ids, "application")
    audit.record(uow, None, user, "resumption_applied",
                 changes={"measures": [None, measures], "self_check": [None, self_check],
                          "cases": [None, [c.code for c in cases]], "files": [None, files or None]},
                 details={"enterprise_id": enterprise.id, "application_id": row.id,
                          "answer_due": row.answer_due.isoformat()}, subject=("stop_work", order.id))
    notifications.send(uow, notifications.role_holders(uow, DECIDERS), "resumption_applied",
                       f"复工复产申请待验收：{enterprise.name}",
                       f"请于 {row.answer_due.astimezone(SHANGHAI):%Y-%m-%d %H:%M} 前（{ANSWER_WORKING_DAYS} 个工作日）"
                       "组织现场验收并作出结论。", f"resumption:{row.id}:applied", order.case_id)
    return row


def decide(uow, user, application_id, form, file_ids=()):
    """The on-site acceptance of a pending application (the bureau only: 403; 409 once decided). Agreeing lifts the
    order and, for an order made from an enforcement decision, fills in that record's 停产整顿解除日期 with the day."""
    row = get_visible(uow.session, user, application_id)
    check_may_decide(user)
    order = row.order
    stop_work.lock(uow, order)
    uow.session.refresh(row)
    if row.status != "pending":
        raise Conflict("该申请已作出验收结论 / the application is already decided")
    errors = {}
    values = _acceptance(uow.session, row, form, errors)
    raise_if(errors)
    now = clock.now()
    for name, value in values.items():
        setattr(row, name, value)
    row.decided_at, row.decided_by_id = now, user.id
    files = _attach(uow, user, row, file_ids, "acceptance")
    changes = {name: [None, value] for name, value in values.items() if value not in (None, "", [])}
    changes["status"] = ["pending", row.status]
    if files:
        changes["files"] = [None, files]
    details = {"enterprise_id": row.enterprise_id, "application_id": row.id}
    audit.record(uow, None, user, "resumption_decided", changes=changes, details=details,
                 subject=("stop_work", order.id))
    if row.status == "agreed":
        order.status, order.ended_at, order.ended_by_id = "lifted", now, user.id
        audit.record(uow, order.case_id, user, "stop_work_lifted", changes={"status": ["active", "lifted"]},
                     details=details, subject=("stop_work", order.id))
        if order.enforcement_referral_id is not None:  # the enforcement record's 停产整顿解除日期: the day it is lifted
            enforcement.record_resumption(uow, user, order.enforcement_referral_id, now.astimezone(SHANGHAI).date(),
                                          row.id)
    _tell_enterprise(uow, row)
    return row


def _tell_enterprise(uow, row):
    if row.status == "agreed":
        title, body = "复工复产验收：同意复工复产", "停产停业整顿已解除，可以恢复生产。"
    else:
        title = "复工复产验收：不同意复工，需继续整改"
        body = f"整改要求：{row.requirements}；请于 {row.next_date.isoformat()} 前完成整改后再次申请。"
    notifications.send(uow, notifications.role_holders(uow, ("enterprise",), row.enterprise_id),
                       "resumption_decided", title, body, f"resumption:{row.id}:decided", row.order.case_id)


def urge_overdue(uow):
    """Applications past their answer's due moment and not urged yet: marked (compare-and-set, so two schedulers urge
    once), audited, the bureau told. Returns how many."""
    now, urged = clock.now(), 0
    rows = uow.session.query(ResumptionApplication).filter(
        ResumptionApplication.status == "pending", ResumptionApplication.answer_due < now,
        ResumptionApplication.urged_at.is_(None)).order_by(ResumptionApplication.answer_due).all()
    for row in rows:
        marked = uow.session.execute(update(ResumptionApplication).where(
            ResumptionApplication.id == row.id, ResumptionApplication.status == "pending",
            ResumptionApplication.urged_at.is_(None)).values(urged_at=now)
            .execution_options(synchronize_session=False))
        if marked.rowcount != 1:
            continue
        audit.record(uow, None, None, "resumption_overdue",
                     details={"enterprise_id": row.enterprise_id, "application_id": row.id,
                              "answer_due": row.answer_due.isoformat()}, subject=("stop_work", row.order_id))
        notifications.send(uow, notifications.role_holders(uow, DECIDERS), "resumption_overdue",
                           f"复工复产申请超过 {ANSWER_WORKING_DAYS} 个工作日未验收：{row.enterprise.name}",
                           f"申请于 {row.submitted_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M} 提出，"
                           f"应于 {row.answer_due.astimezone(SHANGHAI):%Y-%m-%d %H:%M} 前作出验收结论。",
                           f"resumption:{row.id}:overdue", row.order.case_id)
        urged += 1
    uow.session.expire_all()
    return urged


def experts_of(session, application):
    ids = [i for i in application.expert_ids or [] if isinstance(i, int)]
    return session.query(User).filter(User.id.in_(ids)).order_by(User.display_name).all() if ids else []


def expert_choices(session):
    return session.query(User).join(UserRole).filter(UserRole.role == "expert", User.active.is_(True)) \
        .order_by(User.display_name).all()


def cases_of(session, application):
    ids = list(application.case_ids or [])
    return session.query(HazardCase).filter(HazardCase.id.in_(ids)).order_by(HazardCase.id).all() if ids else []


def cases_to_cover(session, enterprise_id, limit=100):
    """The enterprise's cases an application may name, the newest first."""
    return session.query(HazardCase).filter(HazardCase.enterprise_id == enterprise_id) \
        .order_by(HazardCase.id.desc()).limit(limit).all()


def file_of(session, user, application_id, public_id):
    row = get_visible(session, user, application_id)
    item = session.query(Attachment).filter_by(resumption_id=row.id, public_id=str(public_id)).first()
    if item is None:
        raise NotFound("附件不存在 / attachment not found")
    return item


def history(session, order_id):
    return audit.subject_history(session, "stop_work", order_id)[::-1]


def _order_to_apply_on(session, enterprise_id, order_id):
    standing = stop_work.active_orders(session, enterprise_id)
    if order_id in (None, ""):
        if not standing:
            raise Conflict("该企业未处于停产停业整顿状态 / the enterprise is not stopped")
        if len(standing) > 1:
            raise ValidationFailed("请选择申请解除的停产停业指令 / choose the order",
                                   fields={"order_id": "请选择停产停业指令 / choose the order"})
        return standing[0]
    number = row_id(order_id)
    order = session.get(StopWorkOrder, number) if number is not None else None
    if order is None or order.enterprise_id != enterprise_id:
        raise ValidationFailed("停产停业指令无效 / unknown order", fields={"order_id": "停产停业指令无效 / unknown order"})
    return order


def _required_text(value, name, message, errors):
    text = clean_text(value, MAX_TEXT, name, errors)
    if not text and name not in errors:
        errors[name] = message
    return text


def _covered_cases(session, enterprise_id, order, value, errors):
    """The enterprise's cases named (ids), with the order's own case; a wrong id is a field error."""
    values = value if isinstance(value, (list, tuple)) else ([] if value in (None, "") else [value])
    ids = [row_id(v) for v in values]
    if any(i is None for i in ids):
        errors["case_ids"] = "案件无效 / unknown case"
        return []
    wanted = set(ids) | ({order.case_id} if order.case_id else set())
    cases = session.query(HazardCase).filter(HazardCase.id.in_(wanted), HazardCase.enterprise_id == enterprise_id) \
        .order_by(HazardCase.id).all() if wanted else []
    if len(cases) != len(wanted):
        errors["case_ids"] = "只能选择本企业的隐患案件 / only the enterprise's own cases"
    return cases


def _raise_if_not_ready(session, enterprise_id, cases):
    serious = session.query(HazardCase).filter(
        HazardCase.enterprise_id == enterprise_id, HazardCase.grade.in_(SERIOUS_GRADES),
        HazardCase.status.not_in(READY_STATUSES)).all()
    waiting = sorted({c.code for c in cases + serious if c.status not in READY_STATUSES})
    if waiting:
        raise Conflict(f"以下隐患尚未整改完毕（未进入复核验收）：{'、'.join(waiting)} / these cases have not passed "
                       f"rectification yet: {', '.join(waiting)}")


def _acceptance(session, row, form, errors):
    conclusion = str(form.get("conclusion") or "")
    if conclusion not in ACCEPTANCE_CONCLUSIONS:
        errors["conclusion"] = "请选择验收结论 / choose the conclusion"
    day = parse_date(form.get("inspected_on"), "inspected_on", errors)
    submitted = row.submitted_at.astimezone(SHANGHAI).date()
    today = clock.local_now().date()
    if "inspected_on" in errors:
        day = None
    elif day is None:
        errors["inspected_on"] = "请填写验收日期 / the date is required"
    elif day < submitted or day > today:
        errors["inspected_on"] = "验收日期应在申请之日至今天之间 / between the application and today"
    participants = _required_text(form.get("participants"), "participants",
                                  "请填写参加验收的人员 / name the participants", errors)
    findings = _required_text(form.get("findings"), "findings", "请填写验收情况 / record the findings", errors)
    requirements = clean_text(form.get("requirements"), MAX_TEXT, "requirements", errors)
    next_date = parse_date(form.get("next_date"), "next_date", errors)
    if "next_date" in errors:
        next_date = None
    if conclusion == "refused":
        if not requirements and "requirements" not in errors:
            errors["requirements"] = "不同意复工时请写明整改要求 / give the requirements"
        if next_date is None and "next_date" not in errors:
            errors["next_date"] = "请填写整改完成期限 / give the new date"
        elif next_date is not None and next_date <= max(today, day or today):
            errors["next_date"] = "整改完成期限应晚于今天 / the date must be after today"
    elif next_date is not None:
        errors["next_date"] = "同意复工时不填整改期限 / no new date when agreeing"
    return {"status": "agreed" if conclusion == "agreed" else "refused", "inspected_on": day,
            "participants": participants, "expert_ids": _experts(session, form.get("expert_ids"), errors),
            "findings": findings, "requirements": requirements, "next_date": next_date}


def _experts(session, value, errors):
    values = value if isinstance(value, (list, tuple)) else ([] if value in (None, "") else [value])
    ids = sorted({row_id(v) for v in values} - {None}) if all(row_id(v) is not None for v in values) else None
    if ids is None or len(ids) > MAX_EXPERTS:
        errors["expert_ids"] = "专家无效 / unknown expert"
        return []
    found = {u.id for u in expert_choices(session) if u.id in ids}
    if found != set(ids):
        errors["expert_ids"] = "只能选择专家组成员 / only users of the expert group"
    return ids


def _attach(uow, user, row, file_ids, field):
    """The user's own free uploads (PDF or images) put on the application under `field`; their names."""
    wanted = sorted({str(i) for i in file_ids if i})
    if not wanted:
        return []
    held = uow.session.query(Attachment.id).filter_by(resumption_id=row.id).count()
    if held + len(wanted) > MAX_FILES:
        raise ValidationFailed(f"最多 {MAX_FILES} 个附件 / at most {MAX_FILES} files",
                               fields={"files": f"最多 {MAX_FILES} 个附件 / at most {MAX_FILES} files"})
    kinds = _table.c.content_type.in_(FILE_TYPES) | _table.c.content_type.like("image/%")
    linked = uow.session.connection().execute(
        update(_table).where(_table.c.public_id.in_(wanted), _table.c.uploader_id == user.id,
                             free_of_owners(_table.c), kinds)
        .values(resumption_id=row.id, field=field).returning(_table.c.original_name)).scalars().all()
    if len(linked) != len(wanted):
        raise ValidationFailed("附件无效：只能附上自己上传的 PDF 或图片 / unknown attachment: only your own PDF or image "
                               "uploads", fields={"files": "附件无效 / unknown attachment"})
    return sorted(linked)
