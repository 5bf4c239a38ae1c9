"""Supervision records on the inspection staff (督查记录, models/staff_supervision.py; seed 000 lines 321–327): recorded
and changed by project leads and quality supervisors, who read them all; a member of the field staff reads the records
that checked them (another's record does not exist for them); everyone else is refused (enterprise staff: NotFound).

A 不合格 result deducts points in the staff scorecard of the month of the check (services/performance.py) and tells
each member checked and the project leads, once per record and person (a record changed to 不合格 later, or a member
added to a failed record, tells them then). Measures (通报批评 …) go with a 不合格 result only. The monthly cross-check
commitment (每月交叉互查, line 325) is met in a month with at least one 交叉互查 record (supervision_commitments.py).
Every change is audited with its values before and after."""
from dataclasses import dataclass

from sqlalchemy import delete, insert, select

from ..clock import clock
from ..errors import NotAllowed, NotFound
from ..models import (SUPERVISION_KINDS, SUPERVISION_MEASURES, SUPERVISION_RESULTS, InspectionVisit,
                      StaffSupervision, StaffSupervisionPerson, User)
from . import audit, notifications
from .field_rules import clean_text, past_date, raise_if, row_id
from .performance import FULL_READERS, is_field_staff
from .performance_signals import field_staff
from .users import holders_of_role

WRITERS = FULL_READERS  # project leads, quality supervisors
SUBJECT = "staff_supervision"
MAX_AREA, MAX_CHECKERS, MAX_TEXT, MAX_STAFF = 100, 200, 4000, 20
FIELDS = ("kind", "checked_on", "visit_id", "area", "checkers", "findings", "result", "measures", "measures_note",
          "staff_ids")


def reads_all(user):
    return user.has_role(*FULL_READERS)


def may_write(user):
    return user.has_role(*WRITERS)


def may_read(user):
    return reads_all(user) or is_field_staff(user)


def check_may_read(user):
    if may_read(user):
        return
    if "enterprise" in user.roles:
        raise NotFound("页面不存在 / not found")
    raise NotAllowed("督查记录供项目负责人、质量监督专员和被督查的排查人员查看 / supervision records are for project leads, "
                     "quality supervisors and the staff checked")


def check_may_write(user):
    check_may_read(user)
    if not may_write(user):
        raise NotAllowed("只有项目负责人和质量监督专员可以登记督查记录 / only project leads and quality supervisors record "
                         "supervision checks")


def visible_condition(user):
    if reads_all(user):
        return StaffSupervision.id.isnot(None)
    return StaffSupervision.id.in_(select(StaffSupervisionPerson.supervision_id)
                                   .where(StaffSupervisionPerson.user_id == user.id))


def get(session, user, record_id, for_update=False):
    check_may_read(user)
    number = row_id(record_id)
    row = None
    if number is not None:
        query = session.query(StaffSupervision).filter(StaffSupervision.id == number, visible_condition(user))
        row = (query.with_for_update() if for_update else query).first()
    if row is None:
        raise NotFound("督查记录不存在 / supervision record not found")
    return row


@dataclass
class SupervisionFilter:
    kind: str = ""
    result: str = ""
    since: object = None
    until: object = None
    staff_id: int = None
    limit: int = 50
    offset: int = 0


def listing(session, user, flt):
    """(a page of records, how many match), the latest check first."""
    check_may_read(user)
    query = session.query(StaffSupervision).filter(visible_condition(user))
    if flt.kind:
        query = query.filter(StaffSupervision.kind == flt.kind)
    if flt.result:
        query = query.filter(StaffSupervision.result == flt.result)
    if flt.since:
        query = query.filter(StaffSupervision.checked_on >= flt.since)
    if flt.until:
        query = query.filter(StaffSupervision.checked_on <= flt.until)
    if flt.staff_id:
        query = query.filter(StaffSupervision.id.in_(select(StaffSupervisionPerson.supervision_id)
                                                     .where(StaffSupervisionPerson.user_id == flt.staff_id)))
    total = query.count()
    query = query.order_by(StaffSupervision.checked_on.desc(), StaffSupervision.id.desc())
    if flt.limit:
        query = query.limit(flt.limit).offset(flt.offset)
    return query.all(), total


# ---- checking ----------------------------------------------------------------------------------------------------
def _staff_ids(session, value, errors):
    values = value if isinstance(value, (list, tuple)) else ([] if value in (None, "") else [value])
    ids = [row_id(v) for v in values]
    if any(i is None for i in ids):
        errors["staff_ids"] = "被督查人员无效 / unknown member of staff"
        return []
    ids = sorted(set(ids))
    if not ids:
        errors["staff_ids"] = "请选择被督查的排查人员 / choose the staff checked"
    elif len(ids) > MAX_STAFF:
        errors["staff_ids"] = f"最多 {MAX_STAFF} 人 / at most {MAX_STAFF} people"
    elif len(field_staff(session, ids)) != len(ids):
        errors["staff_ids"] = "被督查人员须为在职的排查人员、项目执行小组成员或项目负责人 / the staff checked are active " \
                              "inspectors, project team members or project leads"
    return ids


def _visit(session, value, checked_on, errors):
    if value in (None, ""):
        return None
    number = row_id(value)
    visit = session.get(InspectionVisit, number) if number is not None else None
    if visit is None:
        errors["visit_id"] = "排查记录不存在 / no such inspection visit"
    elif checked_on is not None and not isinstance(checked_on, str) and visit.visited_on > checked_on:
        errors["visit_id"] = "被检查的排查不能晚于督查日期 / the visit checked cannot come after the check"
    return visit.id if visit is not None else None


def clean(session, values):
    """The stored values and the staff ids of a form or a body; ValidationFailed names every wrong field."""
    errors = {}
    kind = values.get("kind")
    if kind not in SUPERVISION_KINDS:
        errors["kind"] = "请选择督查方式 / choose the kind of check"
    checked_on = past_date(values.get("checked_on"), "checked_on", errors, "督查日期")
    visit_id = _visit(session, values.get("visit_id"), checked_on, errors)
    area = clean_text(values.get("area"), MAX_AREA, "area", errors)
    checkers = clean_text(values.get("checkers"), MAX_CHECKERS, "checkers", errors)
    if not checkers and "checkers" not in errors:
        errors["checkers"] = "请填写督查人员 / name who checked"
    findings = clean_text(values.get("findings"), MAX_TEXT, "findings", errors)
    if not findings and "findings" not in errors:
        errors["findings"] = "请填写督查发现的情况 / write what the check found"
    result = values.get("result")
    if result not in SUPERVISION_RESULTS:
        errors["result"] = "请选择督查结果 / choose the result"
    raw = values.get("measures") or []
    measures = sorted(set(raw if isinstance(raw, (list, tuple)) else [raw]), key=str)
    if any(m not in SUPERVISION_MEASURES for m in measures):
        errors["measures"] = "处理措施无效 / unknown measure"
    elif measures and result == "pass":
        errors["measures"] = "合格的督查没有处理措施 / a passed check brings no measures"
    measures_note = clean_text(values.get("measures_note"), MAX_TEXT, "measures_note", errors)
    staff_ids = _staff_ids(session, values.get("staff_ids"), errors)
    raise_if(errors)
    return {"kind": kind, "checked_on": checked_on, "visit_id": visit_id, "area": area, "checkers": checkers,
            "findings": findings, "result": result,
            "measures": [m for m in SUPERVISION_MEASURES if m in measures], "measures_note": measures_note}, staff_ids


# ---- writing -----------------------------------------------------------------------------------------------------
def create(uow, user, values):
    check_may_write(user)
    fields, staff_ids = clean(uow.session, values)
    now = clock.now()
    row = StaffSupervision(created_by_id=user.id, created_at=now, updated_at=now, **fields)
    uow.session.add(row)
    uow.session.flush()
    _set_staff(uow, row, staff_ids)
    after = snapshot(uow.session, fields, staff_ids)
    audit.record(uow, None, user, "staff_supervision_recorded", changes={k: [None, v] for k, v in after.items() if v},
                 details=details(row), subject=(SUBJECT, row.id))
    _tell_failed(uow, user, row, staff_ids)
    return row


def update(uow, user, record_id, values):
    row = get(uow.session, user, record_id, for_update=True)
    check_may_write(user)
    fields, staff_ids = clean(uow.session, values)
    before_ids = staff_of(uow.session, row)
    before = snapshot(uow.session, {k: getattr(row, k) for k in fields}, before_ids)
    for name, value in fields.items():
        setattr(row, name, value)
    row.updated_at, row.updated_by_id = clock.now(), user.id
    _set_staff(uow, row, staff_ids)
    uow.session.flush()
    uow.session.expire(row, ["staff"])
    after = snapshot(uow.session, fields, staff_ids)
    changes = {k: [before[k], v] for k, v in after.items() if before[k] != v}
    audit.record(uow, None, user, "staff_supervision_updated", changes=changes, details=details(row),
                 subject=(SUBJECT, row.id))
    _tell_failed(uow, user, row, staff_ids)
    return row


def staff_of(session, row):
    return sorted(i for (i,) in session.query(StaffSupervisionPerson.user_id).filter_by(supervision_id=row.id))


def _set_staff(uow, row, staff_ids):
    session = uow.session
    session.execute(delete(StaffSupervisionPerson).where(StaffSupervisionPerson.supervision_id == row.id,
                                                         StaffSupervisionPerson.user_id.not_in(staff_ids or [0])))
    have = set(staff_of(session, row))
    new = [{"supervision_id": row.id, "user_id": i} for i in staff_ids if i not in have]
    if new:
        session.execute(insert(StaffSupervisionPerson), new)


def _tell_failed(uow, actor, row, staff_ids):
    """A 不合格 record: each member checked and the project leads (but the one recording it) are told, once per record
    and person."""
    if row.result != "fail":
        return
    session = uow.session
    key = f"staff_supervision:{row.id}:failed"
    checked = session.query(User).filter(User.id.in_(staff_ids)).all()
    leads = [u for u in holders_of_role(session, "project_lead") if u.id != actor.id]
    recipients = list({u.id: u for u in checked + leads}.values())
    names = "、".join(sorted(u.display_name for u in checked))
    measures = "、".join(SUPERVISION_MEASURES[m][0] for m in row.measures or [])
    body = f"{row.checked_on.isoformat()} {SUPERVISION_KINDS[row.kind][0]}：{names} 不合格。{row.findings[:200]}" + \
        (f"（处理措施：{measures}）" if measures else "")
    notifications.send(uow, notifications.not_yet_given(uow, recipients, key), "staff_supervision_failed",
                       "督查结果不合格，纳入绩效考核", body, key)


def snapshot(session, fields, staff_ids):
    """The audited values (keys "supervision_<field>", named in the audit log); the staff and the visit by name."""
    shown = {k: v for k, v in fields.items() if k != "visit_id"}
    shown["checked_on"] = fields["checked_on"].isoformat() if fields.get("checked_on") else None
    shown["measures"] = list(fields.get("measures") or [])
    visit = session.get(InspectionVisit, fields["visit_id"]) if fields.get("visit_id") else None
    shown["visit"] = f"#{visit.id} {visit.enterprise.name} {visit.visited_on.isoformat()}" if visit else ""
    shown["staff"] = sorted(n for (n,) in session.query(User.display_name).filter(User.id.in_(staff_ids))) \
        if staff_ids else []
    return {f"supervision_{k}": v for k, v in shown.items()}


def details(row):
    return {"supervision_id": row.id, "kind": row.kind, "checked_on": row.checked_on.isoformat()}


def of_notice_key(key):
    """The record a notification's dedup key names, or None."""
    parts = (key or "").split(":")
    return int(parts[1]) if len(parts) == 3 and parts[0] == "staff_supervision" and parts[1].isdigit() else None
