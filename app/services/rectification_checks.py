"""Supervision checks of rectifications on site (整改过程督导检查): the supervision group (督导组, with the project leads)
checks each case under rectification at a frequency set by its grade — 一般 at least monthly, 较大 every two weeks,
重大 and 特别重大 weekly — counted from the last check or, before the first, from the start of the current round's
rectification. The list of checks due is the group's work queue; a check records the progress seen, the findings and
a conclusion: lagging tells the enterprise, an interview (约谈) also tells the bureau and goes on the enterprise's
credit record (the tender's 整改不力…启动约谈程序，并纳入信用记录)."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlalchemy.orm import selectinload

from ..clock import SHANGHAI, clock
from ..errors import Conflict, NotAllowed, NotFound
from ..models import CHECK_CONCLUSIONS, CreditRecord, HazardCase, HumanTask, RectificationCheck
from . import audit, check_files, notifications, site_measurements
from .access import get_visible_case
from .field_rules import aware_moment, clean_text, raise_if
from .users import holders_of_role

INTERVAL_DAYS = {"general": 30, "larger": 14, "major": 7, "especially_major": 7}
CHECKERS = ("supervision", "project_lead")
READERS = CHECKERS + ("bureau", "manager", "quality", "admin")
MAX_TEXT, MAX_NAMES = 4000, 200


@dataclass
class DueCheck:
    case: HazardCase
    since: datetime  # the last check, or the start of the round's rectification
    due_at: datetime
    last_check: RectificationCheck = None

    @property
    def overdue(self):
        return self.due_at < clock.now()


def may_check(user):
    return user.has_role(*CHECKERS)


def may_read(user):
    return user.has_role(*READERS)


def may_see_checks(user):
    """Who sees a case's checks (its page's card, a check's record): the readers, and the staff of the case's own
    enterprise — they are told of a lagging or an interview check, and sign the record on site. The caller has
    checked that the user may see the case."""
    return may_read(user) or "enterprise" in user.roles


def get_visible(session, user, case_id, check_id):
    """One check of the case: 404 for another enterprise's case or a check of another case, 403 for those who
    may see the case but not its checks."""
    case = get_visible_case(session, user, case_id)
    row = session.get(RectificationCheck, check_id) if isinstance(check_id, int) else None
    if row is None or row.case_id != case.id:
        raise NotFound("督导检查不存在 / supervision check not found")
    if not may_see_checks(user):
        raise NotAllowed("整改督导检查供督导组、项目负责人、应急管理局、管理人员、质量监督专员、系统管理员和本企业查看 / "
                         "supervision checks are for the supervision group, project leads, the bureau, managers, "
                         "quality supervisors, administrators and the enterprise itself")
    return row


def credit_record(session, row):
    """The entry an interview check put on the enterprise's credit record (None for other conclusions). The entry
    does not name its check, but each interview check of a case writes exactly one interview entry for that case
    in the same transaction, so the check's place among the case's interview checks is the entry's among them."""
    if row.conclusion != "interview":
        return None
    checks = [c for c, in session.query(RectificationCheck.id).filter_by(case_id=row.case_id, conclusion="interview")
              .order_by(RectificationCheck.id)]
    entries = session.query(CreditRecord).filter_by(case_id=row.case_id, kind="interview") \
        .order_by(CreditRecord.id).all()
    place = checks.index(row.id)
    return entries[place] if place < len(entries) else None


def due_checks(session, within_days=0):
    """Cases under rectification whose next check is due within `within_days` (0: due now), the most overdue
    first."""
    rectifying = session.query(HazardCase, HumanTask.created_at).join(
        HumanTask, (HumanTask.case_id == HazardCase.id) & (HumanTask.form_key == "rectification")) \
        .filter(HazardCase.status == "rectifying").all()
    if not rectifying:
        return []
    last = _last_checks(session, [case.id for case, _ in rectifying])
    horizon = clock.now() + timedelta(days=within_days)
    due = [d for d in (_due(case, started, last.get(case.id)) for case, started in rectifying) if d.due_at <= horizon]
    return sorted(due, key=lambda d: d.due_at)


def _due(case, started, last_check):
    """The case's next check: a grade's interval after its last check of this round, or after the round began."""
    since = max(started, last_check.checked_at) if last_check is not None and last_check.round == case.round \
        else started
    return DueCheck(case, since, since + timedelta(days=INTERVAL_DAYS.get(case.grade, 30)), last_check)


def _last_checks(session, case_ids):
    newest = session.query(RectificationCheck.case_id, func.max(RectificationCheck.id).label("id")) \
        .filter(RectificationCheck.case_id.in_(case_ids)).group_by(RectificationCheck.case_id).subquery()
    rows = session.query(RectificationCheck).join(newest, RectificationCheck.id == newest.c.id).all()
    return {row.case_id: row for row in rows}


def checks_of(session, case_id):
    return session.query(RectificationCheck).filter_by(case_id=case_id) \
        .options(selectinload(RectificationCheck.measurements), selectinload(RectificationCheck.files)) \
        .order_by(RectificationCheck.checked_at.desc(), RectificationCheck.id.desc()).all()


def next_due(session, case):
    """When the case's next check is due, or None when it is not under rectification."""
    if case.status != "rectifying":
        return None
    started = session.query(HumanTask.created_at).filter_by(case_id=case.id, form_key="rectification").scalar()
    return _due(case, started, _last_checks(session, [case.id]).get(case.id)).due_at if started else None


def record(uow, actor, case_id, checked_on, checkers, progress_percent, findings, conclusion, measurements=None,
           file_ids=None):
    """A check of the case's rectification, with the readings taken on site (services/site_measurements.py) and the
    actor's uploads as its photos and files (services/check_files.py); ValidationFailed names each wrong field."""
    session = uow.session
    case = get_visible_case(session, actor, case_id)  # another enterprise's case: 404
    if not may_check(actor):
        raise NotAllowed("只有督导组和项目负责人可以登记督导检查 / only the supervision group and project leads record checks")
    if case.status != "rectifying":
        raise Conflict("只有整改中的隐患需要督导检查 / only cases under rectification are checked")
    errors = {}
    moment = _moment(checked_on, errors)
    values = {"checkers": clean_text(checkers, MAX_NAMES, "checkers", errors),
              "findings": clean_text(findings, MAX_TEXT, "findings", errors)}
    for name, message in (("checkers", "请填写督导人员 / name the checkers"),
                          ("findings", "请填写核查情况 / say what was found")):
        if not values[name] and name not in errors:
            errors[name] = message
    if not isinstance(progress_percent, int) or isinstance(progress_percent, bool) or \
            not 0 <= progress_percent <= 100:
        errors["progress_percent"] = "整改进度为 0–100 的整数 / progress is a whole number from 0 to 100"
    if conclusion not in CHECK_CONCLUSIONS:
        errors["conclusion"] = "请选择督导结论 / choose the conclusion"
    readings = site_measurements.clean(session, measurements, errors,
                                       moment.astimezone(SHANGHAI).date() if moment is not None else None)
    files = check_files.clean_ids(file_ids, errors)
    raise_if(errors)
    row = RectificationCheck(case_id=case.id, round=case.round, checked_at=moment, progress_percent=progress_percent,
                             conclusion=conclusion, recorded_by_id=actor.id, **values)
    session.add(row)
    session.flush()
    readings = site_measurements.save(uow, actor, case, readings, check=row)
    files = check_files.link(uow, actor, files, check=row)
    audit.record(uow, case.id, actor, "rectification_checked",
                 changes={"progress_percent": [None, progress_percent], "conclusion": [None, conclusion],
                          "findings": [None, values["findings"]],
                          **site_measurements.audit_changes(readings, files)},
                 details={"check_id": row.id, "round": case.round, "checkers": values["checkers"],
                          "files": [f.public_id for f in files]})
    _consequences(uow, case, row)
    site_measurements.tell_if_exceeded(uow, case, readings, f"rectification-check:{row.id}:exceeded", "督导检查")
    return row


def _consequences(uow, case, row):
    if row.conclusion == "on_track":
        return
    staff = holders_of_role(uow.session, "enterprise", case.enterprise_id)
    title = ("整改督导：进度滞后" if row.conclusion == "lagging" else "整改督导：整改不力，启动约谈") + f"（{case.code}）"
    recipients = staff + (holders_of_role(uow.session, "bureau") if row.conclusion == "interview" else [])
    notifications.send(uow, recipients, f"rectification_{row.conclusion}", title, row.findings[:200],
                       f"rectification-check:{row.id}", case.id)
    if row.conclusion == "interview":
        uow.session.add(CreditRecord(enterprise_id=case.enterprise_id, case_id=case.id, kind="interview",
                                     note=f"隐患 {case.code} 整改不力，督导检查启动约谈 / interview after a supervision check",
                                     created_at=clock.now()))


def _moment(value, errors):
    """The check's time as typed (a date-time, Shanghai time unless it names its zone), not in the future."""
    moment = aware_moment(value)
    if moment is None:
        errors["checked_on"] = "请填写检查时间 / give the time of the check"
        return None
    if moment > clock.now() + timedelta(minutes=5):
        errors["checked_on"] = "检查时间不能晚于现在 / the check cannot be in the future"
    return moment
