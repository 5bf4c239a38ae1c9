"""The online initial review of a rectification (线上初审), beside the case's process.

Seed 000 §(二)1: 企业完成整改后需在线提交《整改完成申请表》…审核人员在收到申请后 48 小时内组织线上初审，必要时安排现场复核…
初审主要审查资料完整性与逻辑一致性. The enterprise's application is its rectification task; when the round's verification
task(s) open (case_store._after_write: the case enters `verifying`), a record for the case and round opens, due 48
clock hours later (the seed counts hours, not working days). The users of the verification task's roles (project
team for 一般, supervision for 较大, bureau and expert for 重大 and above) record a review: materials complete and
logically consistent, each yes/no with its note, and a conclusion — passed, passed with a site re-check planned
within the verification's deadline, or returned for supplements (the enterprise is told what is missing and answers
with a note and files, which reopens the review). Every review and supplement is kept. The verification task can be
completed without one (the diagram is not changed); its page says whether there was one. An initial review not done
in 48 hours is escalated once (services/initial_review_escalation.py)."""
from datetime import timedelta

from sqlalchemy import bindparam, exists, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from ..clock import SHANGHAI, clock
from ..errors import Conflict, NotAllowed
from ..models import REVIEW_CONCLUSIONS, AuditEvent, InitialReview, InitialReviewEntry, User
from . import attachments, audit, notifications
from .access import get_visible_case
from .field_rules import clean_text, parse_date, raise_if, row_id
from .users import display_names, holders_of_role

DEADLINE = timedelta(hours=48)
VERIFICATION_FORMS = ("verification", "joint_verification_bureau", "joint_verification_expert")
TIER_ROLES = {"general": ("project_team",), "larger": ("supervision",)}
JOINT_ROLES = ("bureau", "expert")
AWAITING = ("pending", "resubmitted")
SUPPLEMENT_FIELD = "initial_review_supplement"
MAX_TEXT, MAX_NAMES, MAX_FILES = 4000, 500, 20


def tier_roles(grade):
    """The verifying roles of a grade, as the diagram's tier gateway gives them."""
    return TIER_ROLES.get(grade, JOINT_ROLES)


# ---- opening (case_store._write) -----------------------------------------------------------------------------------
def on_step(uow, case, status_before, tasks, pipe=None):
    """A step that put the case into verification opens the round's record. `tasks`: the step's wanted task rows
    ({guid: values}), whose verification tasks name the roles that review. `pipe`: the step's pipeline."""
    if case.status == "verifying" and status_before != "verifying":
        roles = sorted({t["role"] for t in tasks.values() if t.get("form_key") in VERIFICATION_FORMS})
        open_round(uow, case, roles or list(tier_roles(case.grade)), pipe)


def open_round(uow, case, roles, pipe=None):
    """The record of the case's current round, opened now unless it has one, and the audit row of its opening.
    Two writes that read nothing back, so that they travel in the step's pipeline (services.pipeline; on
    PostgreSQL a round trip each otherwise): the audit row, written only while the round has no record (an
    INSERT … SELECT … WHERE NOT EXISTS), then the record (an insert that a second opening of the round leaves
    alone). No ORM object: this runs in every step that starts a verification round."""
    now = clock.now()
    due = now + DEADLINE
    writer = pipe if pipe is not None else uow.session.connection()
    writer.execute(_AUDIT_IF_NEW, dict(audit.entry(case.id, None, "initial_review_opened", details={
        "round": case.round, "due": due.isoformat(), "roles": roles}), b_case_id=case.id, b_round=case.round))
    writer.execute(_OPEN[uow.session.connection().dialect.name], {
        "case_id": case.id, "round": case.round, "opened_at": now, "due_at": due, "roles": roles, "status": "pending"})


_OPEN = {name: dialect.insert(InitialReview.__table__).inline()
         .on_conflict_do_nothing(index_elements=["case_id", "round"])
         for name, dialect in (("sqlite", sqlite), ("postgresql", postgresql))}
_AUDIT_COLUMNS = [column for column in AuditEvent.__table__.columns if column.key != "id"]
_AUDIT_IF_NEW = insert(AuditEvent.__table__).inline().from_select(
    [column.key for column in _AUDIT_COLUMNS],
    select(*(bindparam(column.key, type_=column.type) for column in _AUDIT_COLUMNS)).where(~exists().where(
        InitialReview.case_id == bindparam("b_case_id"), InitialReview.round == bindparam("b_round"))))


# ---- reading -----------------------------------------------------------------------------------------------------
def _of_round(session, case_id, round_no):
    return session.execute(select(InitialReview).where(InitialReview.case_id == case_id,
                                                       InitialReview.round == round_no)).scalar_one_or_none()


def current(session, case):
    """The record of the case's current round (None before its first verification)."""
    return _of_round(session, case.id, case.round)


def records_of(session, case_id):
    """Every round's record, the newest round first."""
    return session.query(InitialReview).filter_by(case_id=case_id).order_by(InitialReview.round.desc()).all()


def awaiting_verification(case):
    return case.status == "verifying"


def overdue(record, now=None):
    return record.first_reviewed_at is None and (now or clock.now()) > record.due_at


def on_time(record):
    """True / False once reviewed or past due; None while it may still be on time."""
    if record.first_reviewed_at is not None:
        return record.first_reviewed_at <= record.due_at
    return False if overdue(record) else None


def may_review(user, case, record):
    """A user of the round's verifying roles, while the case awaits verification and the review awaits them."""
    roles = record.roles if record is not None else tier_roles(case.grade)
    return user.has_role(*roles) and awaiting_verification(case) and record is not None and \
        record.status in AWAITING


def may_supplement(user, case, record):
    return _is_case_staff(user, case) and awaiting_verification(case) and record is not None and \
        record.status == "returned"


def _is_case_staff(user, case):
    return "enterprise" in user.roles and user.enterprise_id == case.enterprise_id


def site_checker_choices(session, record):
    """Active users of the record's verifying roles, whom a site re-check may send."""
    users = [u for role in record.roles for u in holders_of_role(session, role)]
    return list({u.id: u for u in users}.values())


def user_names(session, ids):
    return display_names(session, ids or [])


# ---- the review --------------------------------------------------------------------------------------------------
def record_review(uow, user, case_id, values):
    """A review of the current round's initial review; ValidationFailed names each wrong field. 404 for a case the
    user may not see, 403 for a role not on the round's verification, 409 when the case does not await
    verification or the review awaits the enterprise's supplement (or was done)."""
    session = uow.session
    case = get_visible_case(session, user, case_id)
    record = current(session, case)
    roles = record.roles if record is not None else tier_roles(case.grade)
    if not user.has_role(*roles):
        raise NotAllowed("只有本轮复核验收的人员可以初审 / only those who verify this round record its initial review")
    if not awaiting_verification(case) or record is None:
        raise Conflict("该隐患不在复核验收阶段 / the case is not awaiting verification")
    session.refresh(record, with_for_update=True)  # two reviewers at once: the second sees the first's
    if record.status == "returned":
        raise Conflict("已退回补正，等待企业提交补正材料 / returned: awaiting the enterprise's supplements")
    if record.status not in AWAITING:
        raise Conflict("本轮初审已经完成 / this round's initial review is done")
    clean = _clean_review(session, case, record, values)
    now = clock.now()
    entry = InitialReviewEntry(kind="review", created_at=now, created_by_id=user.id, **clean)
    record.entries.append(entry)
    before = record.status
    record.status = clean["conclusion"]
    late = record.first_reviewed_at is None and now > record.due_at
    if record.first_reviewed_at is None:
        record.first_reviewed_at = now
    session.flush()
    audit.record(uow, case.id, user, "initial_review_recorded", changes={
        "status": [before, record.status], "materials_complete": [None, clean["materials_complete"]],
        "consistent": [None, clean["consistent"]], "conclusion": [None, clean["conclusion"]],
        **({"site_check_on": [None, clean["site_check_on"]]} if clean["site_check_on"] else {})},
        details={"round": record.round, "entry_id": entry.id, "late": late, "missing_items": clean["missing_items"]})
    _tell(uow, case, record, entry)
    return record


def _clean_review(session, case, record, values):
    errors = {}
    complete, consistent = values.get("materials_complete"), values.get("consistent")
    clean = {"materials_complete": complete, "consistent": consistent, "conclusion": values.get("conclusion"),
             "missing_items": clean_text(values.get("missing_items"), MAX_TEXT, "missing_items", errors),
             "consistency_note": clean_text(values.get("consistency_note"), MAX_TEXT, "consistency_note", errors),
             "note": clean_text(values.get("note"), MAX_TEXT, "note", errors),
             "site_check_on": None, "site_checkers": "", "site_checker_ids": []}
    if not isinstance(complete, bool):
        errors["materials_complete"] = "请选择资料是否完整 / say whether the materials are complete"
    elif not complete and not clean["missing_items"] and "missing_items" not in errors:
        errors["missing_items"] = "资料不完整时请写明缺少的材料 / name the missing items"
    if not isinstance(consistent, bool):
        errors["consistent"] = "请选择是否逻辑一致 / say whether the materials are consistent"
    elif not consistent and not clean["consistency_note"] and "consistency_note" not in errors:
        errors["consistency_note"] = "不一致时请说明 / say what does not fit"
    conclusion = clean["conclusion"]
    if conclusion not in REVIEW_CONCLUSIONS:
        errors["conclusion"] = "请选择初审结论 / choose the conclusion"
    elif conclusion != "returned" and complete is False:
        errors["conclusion"] = "资料不完整时请退回补正 / incomplete materials are returned for supplements"
    elif conclusion == "passed" and consistent is False:
        errors["conclusion"] = "逻辑不一致时请安排现场复核或退回补正 / inconsistent materials need a site re-check " \
                               "or supplements"
    elif conclusion == "returned" and not clean["missing_items"] and "missing_items" not in errors:
        errors["missing_items"] = "退回补正时请写明需要补正的材料 / say what the enterprise must supply"
    if conclusion == "site_check":
        _clean_site_check(session, case, record, values, clean, errors)
    raise_if(errors)
    return clean


def _clean_site_check(session, case, record, values, clean, errors):
    """The planned day (today up to the verification's deadline day) and who goes: names, users of the verifying
    roles, or both."""
    day = parse_date(values.get("site_check_on"), "site_check_on", errors)
    last = case.verification_due.astimezone(SHANGHAI).date() if case.verification_due else None
    if "site_check_on" in errors:
        pass
    elif day is None:
        errors["site_check_on"] = "请填写现场复核日期 / give the day of the site re-check"
    elif day < clock.local_now().date():
        errors["site_check_on"] = "现场复核日期不能早于今天 / the day cannot be in the past"
    elif last is not None and day > last:
        errors["site_check_on"] = f"现场复核须在复核期限 {last.isoformat()} 之前 / the site re-check must be by the " \
                                  f"verification deadline, {last.isoformat()}"
    clean["site_check_on"] = day if "site_check_on" not in errors else None
    clean["site_checkers"] = clean_text(values.get("site_checkers"), MAX_NAMES, "site_checkers", errors)
    ids = [row_id(i) for i in values.get("site_checker_ids") or [] if str(i).strip()]
    allowed = {u.id for u in site_checker_choices(session, record)}
    if any(i is None or i not in allowed for i in ids):
        errors["site_checker_ids"] = "只能选择本轮复核验收角色的人员 / choose users who verify this round"
    clean["site_checker_ids"] = sorted(set(i for i in ids if i is not None))
    if not clean["site_checkers"] and not ids and "site_checkers" not in errors:
        errors["site_checkers"] = "请写明现场复核人员或选择人员 / say who goes to the site"


def _tell(uow, case, record, entry):
    key = f"initial-review:{record.id}:entry:{entry.id}"
    if entry.conclusion == "returned":
        notifications.send(uow, notifications.role_holders(uow, ("enterprise",), case.enterprise_id),
                           "initial_review_returned", f"整改资料不全，请补正（{case.code}）",
                           entry.missing_items[:200], key, case.id)
    elif entry.conclusion == "site_check" and entry.site_checker_ids:
        people = uow.session.query(User).filter(User.id.in_(entry.site_checker_ids), User.active.is_(True)).all()
        notifications.send(uow, people, "initial_review_site_check",
                           f"现场复核安排：{entry.site_check_on.isoformat()}（{case.code}）",
                           entry.site_checkers or case.description[:200], key, case.id)


# ---- the enterprise's supplement ---------------------------------------------------------------------------------
def supplement(uow, user, case_id, note, file_ids=()):
    """The case's enterprise answers a return with a note and/or files (put on the case); the review reopens and
    the verifying roles are told. 404 for another enterprise's case, 403 for other roles, 409 unless returned."""
    session = uow.session
    case = get_visible_case(session, user, case_id)
    if not _is_case_staff(user, case):
        raise NotAllowed("只有案件所属企业可以提交补正材料 / only the case's enterprise supplies materials")
    record = current(session, case)
    if record is None or not awaiting_verification(case):
        raise Conflict("该隐患不在复核验收阶段 / the case is not awaiting verification")
    session.refresh(record, with_for_update=True)
    if record.status != "returned":
        raise Conflict("初审没有退回补正 / the initial review asks for no supplements")
    errors = {}
    note = clean_text(note, MAX_TEXT, "note", errors)
    files = list(dict.fromkeys(str(i) for i in file_ids or () if i))
    if len(files) > MAX_FILES:
        errors["files"] = f"最多 {MAX_FILES} 个文件 / at most {MAX_FILES} files"
    if not note and not files and "note" not in errors:
        errors["note"] = "请填写补正说明或上传补正材料 / write a note or attach files"
    raise_if(errors)
    attachments.link(uow, user, case, files, SUPPLEMENT_FIELD)  # the uploader's own uploads only
    entry = InitialReviewEntry(kind="supplement", created_at=clock.now(), created_by_id=user.id, note=note,
                               files=files)
    record.entries.append(entry)
    record.status = "resubmitted"
    session.flush()
    audit.record(uow, case.id, user, "initial_review_supplemented",
                 changes={"status": ["returned", "resubmitted"], "note": [None, note]},
                 details={"round": record.round, "entry_id": entry.id, "files": files})
    notifications.send(uow, notifications.role_holders(uow, record.roles), "initial_review_supplemented",
                       f"企业已提交补正材料，请重新初审（{case.code}）", note[:200],
                       f"initial-review:{record.id}:entry:{entry.id}", case.id)
    return record
