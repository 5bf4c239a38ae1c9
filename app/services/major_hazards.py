"""Major hazards' special report and treatment plan (重大隐患专报与治理方案), beside the case's process.

When a case becomes major or especially major (at registration, or by a re-grading: the diagram's
`major_hazard_report` event), a record opens (models/major_hazard.py) with a deadline 48 clock hours later — the
seed's "在 48 小时内完成问题确认与处置方案制定" counts hours, not working days. Within it the project lead (the contractor)
sends the bureau the special report (专报: confirmation of the finding, photos chosen from the case's, detection data,
preliminary analysis, proposed measures), and the enterprise's staff submit the treatment plan with the six parts of
《安全生产事故隐患排查治理暂行规定》第十五条 (and files). The bureau approves the plan or returns it with an opinion; a
returned plan is due again 48 hours after the return; every submission is kept. An overdue report or plan is urged
once (scheduler: the responsible side and the bureau told). The diagram is not changed: these are records with their
own deadlines, as objections are. Listed supervision (挂牌督办) is in major_hazard_listing.py."""
from datetime import timedelta

from sqlalchemy import update

from ..clock import clock
from ..errors import Conflict, NotAllowed, NotFound
from ..models import PLAN_PARTS, Attachment, HazardCase, MajorHazard, MajorHazardPlan
from . import attachments, audit, notifications
from .access import get_visible_case
from .field_rules import clean_text, raise_if

MAJOR_GRADES = ("major", "especially_major")
DEADLINE = timedelta(hours=48)
REPORTERS = ("project_lead",)
DECIDERS = ("bureau",)
MAX_TEXT = 4000
MAX_PHOTOS = 12
PLAN_FILE_FIELD = "treatment_plan"
REPORT_FIELDS = ("confirmation", "detection", "analysis", "measures")


# ---- opening and closing (case_store._after_write) ---------------------------------------------------------------
def on_process_event(uow, case, event_name):
    if event_name == "major_hazard_report":
        open_record(uow, case)


def open_record(uow, case):
    """The case's record, opened now unless it has one (a major case graded especially major keeps its record and
    deadlines: the report and plan are about the same hazard). The project leads and the enterprise are told what
    is due; the bureau was told by the process's own notice."""
    session = uow.session
    record = session.get(MajorHazard, case.id)
    if record is not None:
        return record
    now = clock.now()
    record = MajorHazard(case_id=case.id, opened_at=now, opened_grade=case.grade or "major", report_due=now + DEADLINE,
                         plan_due=now + DEADLINE, plan_status="pending", report_photos=[])
    session.add(record)
    session.flush()
    audit.record(uow, case.id, None, "major_hazard_opened", details={"grade": record.opened_grade,
                                                                     "due": record.report_due.isoformat()})
    notifications.send(uow, notifications.role_holders(uow, REPORTERS), "major_report_due",
                       f"重大隐患专报待报送，限48小时内（{case.code}）", case.description[:200],
                       f"major:{case.id}:report_due", case.id)
    notifications.send(uow, notifications.role_holders(uow, ("enterprise",), case.enterprise_id), "major_plan_due",
                       f"请在48小时内提交重大隐患治理方案（{case.code}）", case.description[:200],
                       f"major:{case.id}:plan_due", case.id)
    return record


# ---- reading ----------------------------------------------------------------------------------------------------
def record_of(session, case_id):
    return session.get(MajorHazard, case_id)


def get_visible(session, user, case_id):
    """The record of a case the user may see; 404 for another enterprise's or area's case and for a case without
    one."""
    case = get_visible_case(session, user, case_id)
    record = session.get(MajorHazard, case.id)
    if record is None:
        raise NotFound("该案件不是重大隐患 / this case has no major-hazard record")
    return record


def _for_update(session, user, case_id):
    record = get_visible(session, user, case_id)
    session.refresh(record, with_for_update=True)  # two writers of one record: the second sees the first's
    return record


def report_overdue(record, now=None):
    return record.reported_at is None and (now or clock.now()) > record.report_due


def plan_overdue(record, now=None):
    return record.plan_status in ("pending", "returned") and (now or clock.now()) > record.plan_due


def case_photos(session, case_id):
    """The case's images, which the report may show (in upload order)."""
    return session.query(Attachment).filter(Attachment.case_id == case_id, Attachment.content_type.like("image/%")) \
        .order_by(Attachment.id).all()


def people(uow, key, *groups):
    """The users of the groups, each once, who have no notice with this key yet (a user may hold two of the roles;
    a record listed again at the same moment must not fail on its notices)."""
    unique = list({u.id: u for group in groups for u in group}.values())
    return notifications.not_yet_given(uow, unique, key)


def may_report(user):
    return user.has_role(*REPORTERS)


def may_submit_plan(user, case):
    return "enterprise" in user.roles and user.enterprise_id == case.enterprise_id


def may_decide(user):
    return user.has_role(*DECIDERS)


# ---- the special report ------------------------------------------------------------------------------------------
def submit_report(uow, user, case_id, values):
    """The project lead's special report to the bureau, sent once; ValidationFailed names each wrong field."""
    session = uow.session
    record = _for_update(session, user, case_id)  # 404 first: another enterprise's staff learn nothing
    if not may_report(user):
        raise NotAllowed("只有项目负责人可以报送重大隐患专报 / only a project lead sends the special report")
    if record.reported_at is not None:
        raise Conflict("专报已经报送 / the special report has been sent already")
    _check_open(record)
    errors = {}
    clean = {name: clean_text(values.get(name), MAX_TEXT, name, errors) for name in REPORT_FIELDS}
    for name in ("confirmation", "analysis", "measures"):
        if not clean[name] and name not in errors:
            errors[name] = "请填写此项 / this part is required"
    photos = [str(p) for p in values.get("photos") or [] if p]
    known = {a.public_id for a in case_photos(session, record.case_id)}
    if any(p not in known for p in photos):
        errors["photos"] = "只能选择本案件的现场照片 / choose photos of this case"
    elif len(photos) > MAX_PHOTOS:
        errors["photos"] = f"最多选择 {MAX_PHOTOS} 张照片 / at most {MAX_PHOTOS} photos"
    raise_if(errors)
    now = clock.now()
    record.report_confirmation, record.report_detection = clean["confirmation"], clean["detection"]
    record.report_analysis, record.report_measures = clean["analysis"], clean["measures"]
    record.report_photos, record.reported_by_id, record.reported_at = list(dict.fromkeys(photos)), user.id, now
    session.flush()
    audit.record(uow, record.case_id, user, "major_report_submitted",
                 details={"photos": len(record.report_photos), "late": now > record.report_due})
    case = record.case
    notifications.send(uow, notifications.role_holders(uow, DECIDERS), "major_report_submitted",
                       f"重大隐患专报（{case.code}）", clean["confirmation"][:200], f"major:{case.id}:report", case.id)
    return record


# ---- the treatment plan ------------------------------------------------------------------------------------------
def submit_plan(uow, user, case_id, values, file_ids=()):
    """A (new) submission of the enterprise's treatment plan: first, or after a return. Conflict while one awaits
    the bureau's decision or after approval."""
    session = uow.session
    record = _for_update(session, user, case_id)
    case = record.case
    if not may_submit_plan(user, case):
        raise NotAllowed("只有案件所属企业可以提交治理方案 / only the case's enterprise submits the treatment plan")
    if record.plan_status == "submitted":
        raise Conflict("治理方案正在审核，请等待审核结果 / the plan awaits the bureau's decision")
    if record.plan_status == "approved":
        raise Conflict("治理方案已经批准 / the plan has been approved already")
    _check_open(record)
    errors = {}
    clean = {name: clean_text(values.get(name), MAX_TEXT, name, errors) for name in PLAN_PARTS}
    for name, (title, _english) in PLAN_PARTS.items():
        if not clean[name] and name not in errors:
            errors[name] = f"请填写“{title}” / this part is required"
    raise_if(errors)
    files = [str(i) for i in file_ids if i]
    attachments.link(uow, user, case, files, PLAN_FILE_FIELD)  # the uploader's own uploads only
    version = len(record.plans) + 1
    plan = MajorHazardPlan(case_id=record.case_id, version=version, files=files, submitted_by_id=user.id,
                           submitted_at=clock.now(), **clean)
    record.plans.append(plan)
    record.plan_status = "submitted"
    session.flush()
    audit.record(uow, case.id, user, "major_plan_submitted", details={"version": version, "files": len(files)})
    notifications.send(uow, notifications.role_holders(uow, DECIDERS), "major_plan_submitted",
                       f"重大隐患治理方案待审核（{case.code}）", clean["goals"][:200],
                       f"major:{case.id}:plan:{version}", case.id)
    return plan


def decide_plan(uow, user, case_id, approved, opinion):
    """The bureau's decision on the plan awaiting it: approved, or returned with an opinion (required then); the
    enterprise is told. A returned plan is due again 48 hours later."""
    session = uow.session
    record = _for_update(session, user, case_id)
    if not may_decide(user):
        raise NotAllowed("只有应急管理局可以审核治理方案 / only the bureau decides on the treatment plan")
    errors = {}
    opinion = clean_text(opinion, MAX_TEXT, "opinion", errors)
    if not isinstance(approved, bool):
        errors["approved"] = "请选择批准或退回 / approve or return the plan"
    elif not approved and not opinion and "opinion" not in errors:
        errors["opinion"] = "退回时请写明修改意见 / say what to change"
    raise_if(errors)
    plan = record.latest_plan
    if record.plan_status != "submitted" or plan is None:
        raise Conflict("没有待审核的治理方案 / no treatment plan awaits a decision")
    now = clock.now()
    decision = "approved" if approved else "returned"
    done = session.execute(update(MajorHazardPlan).where(MajorHazardPlan.id == plan.id,
                                                         MajorHazardPlan.decision.is_(None))
                           .values(decision=decision, opinion=opinion, decided_by_id=user.id, decided_at=now))
    if done.rowcount != 1:
        raise Conflict("该治理方案已经审核 / the plan has been decided already")
    session.refresh(plan)
    record.plan_status = decision
    if not approved:
        record.plan_due, record.plan_urged_at = now + DEADLINE, None
    session.flush()
    audit.record(uow, record.case_id, user, f"major_plan_{decision}", reason=opinion,
                 details={"version": plan.version})
    case = record.case
    title = f"重大隐患治理方案已批准（{case.code}）" if approved else f"重大隐患治理方案被退回，请在48小时内修改后重新提交（{case.code}）"
    notifications.send(uow, notifications.role_holders(uow, ("enterprise",), case.enterprise_id),
                       f"major_plan_{decision}", title, opinion[:200], f"major:{case.id}:plan:{plan.version}:{decision}",
                       case.id)
    return plan


def _check_open(record):
    if record.case.status == "closed":
        raise Conflict("案件已销号 / the case is closed")


# ---- urging (scheduler) ------------------------------------------------------------------------------------------
def urge_overdue(uow):
    """Reports and plans past their deadline on open cases: the project leads (a report) or the enterprise's staff
    (a plan) urged, and the bureau told, once per deadline. Returns how many were urged."""
    session, now = uow.session, clock.now()
    open_case = HazardCase.status != "closed"
    reports = session.query(MajorHazard).join(HazardCase, HazardCase.id == MajorHazard.case_id).filter(
        open_case, MajorHazard.reported_at.is_(None), MajorHazard.report_due < now,
        MajorHazard.report_urged_at.is_(None)).order_by(MajorHazard.case_id).all()
    for record in reports:
        case = record.case
        key = f"major:{case.id}:report_overdue"
        notifications.send(uow, people(uow, key, notifications.role_holders(uow, REPORTERS + DECIDERS)),
                           "major_report_overdue", f"重大隐患专报超过48小时未报送（{case.code}）",
                           case.description[:200], key, case.id)
        record.report_urged_at = now
    plans = session.query(MajorHazard).join(HazardCase, HazardCase.id == MajorHazard.case_id).filter(
        open_case, MajorHazard.plan_status.in_(("pending", "returned")), MajorHazard.plan_due < now,
        MajorHazard.plan_urged_at.is_(None)).order_by(MajorHazard.case_id).all()
    for record in plans:
        case = record.case
        key = f"major:{case.id}:plan_overdue:{len(record.plans)}"
        recipients = people(uow, key, notifications.role_holders(uow, ("enterprise",), case.enterprise_id),
                            notifications.role_holders(uow, DECIDERS))
        notifications.send(uow, recipients, "major_plan_overdue", f"重大隐患治理方案超过期限未提交（{case.code}）",
                           case.description[:200], key, case.id)
        record.plan_urged_at = now
    report_ids, plan_ids = {r.case_id for r in reports}, {r.case_id for r in plans}
    for case_id in sorted(report_ids | plan_ids):
        audit.record(uow, case_id, None, "major_hazard_urged",
                     details={"report": case_id in report_ids, "plan": case_id in plan_ids})
    session.flush()
    return len(reports) + len(plans)
