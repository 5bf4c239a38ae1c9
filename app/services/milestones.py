"""Rectification milestones (整改节点) and the three parties of a case (三方职责), beside the case's process.

The seed asks the rectification advice to name "整改责任人、完成节点及验收标准" and the three parties' duties
("明确整改责任人、技术支持人和监督检查三方职责"), and a progress view where "若某项任务延期，系统将自动标记并推送提醒".
The diagram is not changed: milestones are optional records of a case under rectification, each due by a Shanghai
day not after the case's own rectification deadline, set and marked done by the project lead or the case's
enterprise. A milestone past its day without being done is late: flagged on the case page and the timeline, and
told once (daily job) to the enterprise's staff, the project leads and the supervisor when that is a user.
The parties are named by the project lead while the case is open. Every change is audited before → after."""
from ..clock import SHANGHAI, clock
from ..errors import Conflict, NotAllowed, NotFound
from ..models import CaseMilestone, CaseParties, HazardCase, User
from . import audit, notifications
from .access import get_visible_case
from .field_rules import clean_text, parse_date, raise_if, row_id
from .users import holders_of_role

EDITORS = ("project_lead",)
PARTY_EDITORS = ("project_lead",)
SUPERVISOR_ROLES = ("supervision", "project_team", "project_lead", "bureau")
MAX_TITLE = 200
MAX_TEXT = 2000
PARTY_FIELDS = ("responsible_name", "responsible_phone", "technical_name", "technical_phone", "supervisor_name",
                "supervisor_phone")
_LONGEST = {"name": 64, "phone": 32}


# ---- reading ----------------------------------------------------------------------------------------------------
def today():
    return clock.local_now().date()


def deadline_day(case):
    """The Shanghai day of the case's rectification deadline (None before one is set)."""
    due = case.rectification_due
    return due.astimezone(SHANGHAI).date() if due else None


def is_late(milestone, day=None):
    return milestone.done_on is None and (day or today()) > milestone.due_on


def milestones_of(session, case_id):
    return session.query(CaseMilestone).filter(CaseMilestone.case_id == case_id) \
        .order_by(CaseMilestone.due_on, CaseMilestone.id).all()


def parties_of(session, case_id):
    return session.get(CaseParties, case_id)


def may_edit(user, case):
    """The project lead, or the case's own enterprise staff."""
    return user.has_role(*EDITORS) or ("enterprise" in user.roles and user.enterprise_id == case.enterprise_id)


def check_may_edit(user, case):
    if not may_edit(user, case):
        raise NotAllowed("只有项目负责人和本企业可以维护整改节点 / only the project lead and the enterprise set milestones")


def may_edit_parties(user):
    return user.has_role(*PARTY_EDITORS)


def check_may_edit_parties(user):
    if not may_edit_parties(user):
        raise NotAllowed("只有项目负责人可以指定三方责任人 / only the project lead names the parties")


def editable(case):
    return case.status == "rectifying" and case.rectification_due is not None


def supervisor_choices(session, case):
    """The users who may be named the supervisor: the contractor's and the bureau's, and the safety offices of the
    case's township."""
    users = [u for role in SUPERVISOR_ROLES for u in holders_of_role(session, role)]
    users += holders_of_role(session, "township", case.enterprise_id)
    return sorted({u.id: u for u in users}.values(), key=lambda u: (u.display_name, u.id))


# ---- milestones --------------------------------------------------------------------------------------------------
def _editable_case(uow, user, case_id):
    case = get_visible_case(uow.session, user, case_id)  # 404 first: other enterprises learn nothing
    check_may_edit(user, case)
    uow.session.refresh(case, with_for_update=True)
    if not editable(case):
        raise Conflict("案件不在整改中，不能维护整改节点 / milestones are set while the case is rectifying")
    return case


def add(uow, user, case_id, values):
    """A new milestone; ValidationFailed names each wrong field (the day must be today or later and not after the
    case's rectification deadline)."""
    case = _editable_case(uow, user, case_id)
    errors = {}
    title = clean_text(values.get("title"), MAX_TITLE, "title", errors)
    criterion = clean_text(values.get("criterion"), MAX_TEXT, "criterion", errors)
    if not title and "title" not in errors:
        errors["title"] = "请填写节点内容 / the milestone is required"
    due_on = parse_date(values.get("due_on"), "due_on", errors)
    last = deadline_day(case)
    if "due_on" not in errors:
        if due_on is None:
            errors["due_on"] = "请填写完成日期 / the due date is required"
        elif due_on > last:
            errors["due_on"] = (f"不能晚于整改期限 {last.isoformat()} / cannot be after the rectification deadline "
                                f"{last.isoformat()}")
        elif due_on < today():
            errors["due_on"] = "不能早于今天 / cannot be in the past"
    raise_if(errors)
    row = CaseMilestone(case_id=case.id, title=title, due_on=due_on, criterion=criterion, done_note="",
                        created_by_id=user.id, created_at=clock.now())
    uow.session.add(row)
    uow.session.flush()
    audit.record(uow, case.id, user, "milestone_added",
                 changes={"milestone": {"before": None, "after": {"title": title, "due_on": due_on.isoformat()}}},
                 details={"milestone_id": row.id})
    return row


def get_milestone(session, user, case_id, milestone_id):
    case = get_visible_case(session, user, case_id)
    row = session.get(CaseMilestone, milestone_id)
    if row is None or row.case_id != case.id:
        raise NotFound("milestone not found")
    return row


def complete(uow, user, case_id, milestone_id, values):
    """Mark a milestone done on a day (not in the future), with a note; Conflict when it is done already."""
    case = _editable_case(uow, user, case_id)
    row = get_milestone(uow.session, user, case.id, milestone_id)
    uow.session.refresh(row, with_for_update=True)
    if row.done_on is not None:
        raise Conflict("该节点已完成 / the milestone is done already")
    errors = {}
    note = clean_text(values.get("done_note"), MAX_TEXT, "done_note", errors)
    done_on = parse_date(values.get("done_on"), "done_on", errors)
    if "done_on" not in errors:
        if done_on is None:
            errors["done_on"] = "请填写完成日期 / the date is required"
        elif done_on > today():
            errors["done_on"] = "完成日期不能晚于今天 / cannot be in the future"
        elif done_on < row.created_at.astimezone(SHANGHAI).date():
            errors["done_on"] = "完成日期不能早于节点设立日期 / cannot be before the milestone was set"
    raise_if(errors)
    row.done_on, row.done_note, row.done_by_id = done_on, note, user.id
    uow.session.flush()
    audit.record(uow, case.id, user, "milestone_done",
                 changes={"done_on": {"before": None, "after": done_on.isoformat()}},
                 details={"milestone_id": row.id, "title": row.title, "late": done_on > row.due_on})
    return row


# ---- the three parties -------------------------------------------------------------------------------------------
def set_parties(uow, user, case_id, values):
    """The project lead names (or renames) the three parties; an unchanged form records nothing."""
    session = uow.session
    case = get_visible_case(session, user, case_id)
    check_may_edit_parties(user)
    if case.status == "closed":
        raise Conflict("案件已销号 / the case is closed")
    errors = {}
    clean = {name: clean_text(values.get(name), _LONGEST[name.rsplit("_", 1)[1]], name, errors)
             for name in PARTY_FIELDS}
    for name in PARTY_FIELDS:
        if name.endswith("_phone") and clean[name] and name not in errors \
                and not all(c.isdigit() or c in "-+ ()" for c in clean[name]):
            errors[name] = "请填写电话号码 / enter a phone number"
    supervisor_user_id = None
    raw = str(values.get("supervisor_user_id") or "").strip()
    if raw:
        supervisor_user_id = row_id(raw)
        if supervisor_user_id not in {u.id for u in supervisor_choices(session, case)}:
            errors["supervisor_user_id"] = "请从列表中选择 / choose a user of the list"
    raise_if(errors)
    if supervisor_user_id and not clean["supervisor_name"]:
        clean["supervisor_name"] = session.get(User, supervisor_user_id).display_name
    row = session.get(CaseParties, case.id, with_for_update=True)
    before = {name: getattr(row, name) for name in PARTY_FIELDS + ("supervisor_user_id",)} if row else None
    after = dict(clean, supervisor_user_id=supervisor_user_id)
    if before == after:
        return row
    if row is None:
        row = CaseParties(case_id=case.id)
        session.add(row)
    for name, value in after.items():
        setattr(row, name, value)
    row.updated_by_id, row.updated_at = user.id, clock.now()
    session.flush()
    changed = {k: {"before": (before or {}).get(k), "after": v} for k, v in after.items()
               if (before or {}).get(k) != v}
    audit.record(uow, case.id, user, "case_parties_set", changes=changed)
    return row


# ---- late milestones (scheduler) ---------------------------------------------------------------------------------
def notify_late(uow):
    """Milestones of open cases past their day and not done: the enterprise's staff, the project leads and a
    supervisor who is a user told once each (the key names the milestone). Returns how many were told."""
    session, now, day = uow.session, clock.now(), today()
    rows = session.query(CaseMilestone).join(HazardCase, HazardCase.id == CaseMilestone.case_id).filter(
        HazardCase.status != "closed", CaseMilestone.done_on.is_(None), CaseMilestone.due_on < day,
        CaseMilestone.late_notified_at.is_(None)).order_by(CaseMilestone.id).all()
    for row in rows:
        case = row.case
        key = f"milestone:{row.id}:late"
        groups = [notifications.role_holders(uow, ("enterprise",), case.enterprise_id),
                  notifications.role_holders(uow, EDITORS)]
        parties = session.get(CaseParties, case.id)
        if parties is not None and parties.supervisor_user is not None and parties.supervisor_user.active:
            groups.append([parties.supervisor_user])
        unique = list({u.id: u for group in groups for u in group}.values())
        notifications.send(uow, notifications.not_yet_given(uow, unique, key), "milestone_late",
                           f"整改节点已延期（{case.code}）：{row.title[:60]}",
                           f"应于 {row.due_on.isoformat()} 完成 / due {row.due_on.isoformat()}", key, case.id)
        row.late_notified_at = now
        audit.record(uow, case.id, None, "milestone_late_notified",
                     details={"milestone_id": row.id, "due_on": row.due_on.isoformat()})
    session.flush()
    return len(rows)
