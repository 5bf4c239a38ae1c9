"""Joint meetings on a case (联席会议 / 会商, seed 000 lines 499, 730): the bureau records when the departments met on
a complex hazard, who was there, the minutes and the decisions, linked to the case's referrals it concerns. A plain
record beside the case (the decisions are carried out through the referrals and the case's process); read by the
same people as the referrals' details (not the enterprise's staff)."""
from datetime import date

from ..clock import clock
from ..errors import NotFound
from ..models import CaseReferral, Department, JointMeeting
from . import audit
from .access import get_visible_case
from .field_rules import clean_text, raise_if, row_id
from .referrals import _require_manager, sees_details

MAX_TEXT = 4000


def record(uow, user, case_id, form):
    case = get_visible_case(uow.session, user, case_id)
    _require_manager(user, "登记联席会议")
    errors = {}
    try:
        held_on = date.fromisoformat(str(form.get("held_on") or ""))
    except ValueError:
        held_on = None
        errors["held_on"] = "请填写会议日期（YYYY-MM-DD） / enter the meeting's date (YYYY-MM-DD)"
    if held_on and held_on > clock.local_now().date():
        errors["held_on"] = "会议日期不能晚于今天 / the meeting cannot be in the future"
    place = clean_text(form.get("place"), 200, "place", errors)
    minutes = clean_text(form.get("minutes"), MAX_TEXT, "minutes", errors)
    if not minutes and "minutes" not in errors:
        errors["minutes"] = "请填写会议纪要 / enter the minutes"
    decisions = clean_text(form.get("decisions"), MAX_TEXT, "decisions", errors)
    department_ids = _ids(form.get("department_ids"))
    if not department_ids:
        errors["department_ids"] = "请选择参会部门 / choose the departments present"
    elif uow.session.query(Department).filter(Department.id.in_(department_ids)).count() != len(department_ids):
        errors["department_ids"] = "部门不存在 / unknown department"
    referral_ids = _ids(form.get("referral_ids"))
    if referral_ids and uow.session.query(CaseReferral).filter(
            CaseReferral.id.in_(referral_ids), CaseReferral.case_id == case.id).count() != len(referral_ids):
        errors["referral_ids"] = "只能关联本案的移送 / only this case's referrals"
    raise_if(errors)
    row = JointMeeting(case_id=case.id, held_on=held_on, place=place, department_ids=department_ids,
                       referral_ids=referral_ids, minutes=minutes, decisions=decisions, recorded_by_id=user.id,
                       recorded_at=clock.now())
    uow.session.add(row)
    uow.session.flush()
    audit.record(uow, case.id, user, "joint_meeting_recorded", changes={"held_on": [None, held_on.isoformat()]},
                 details={"meeting_id": row.id, "department_ids": department_ids})
    return row


def _ids(value):
    values = value if isinstance(value, (list, tuple)) else ([] if value in (None, "") else [value])
    ids = [row_id(v) for v in values]
    return sorted({i for i in ids if i is not None}) if all(i is not None for i in ids) else [0]


def for_case(session, user, case_id):
    """The case's meetings, newest first, for those who read referrals' details; [] for others."""
    if not sees_details(user):
        return []
    return session.query(JointMeeting).filter_by(case_id=case_id) \
        .order_by(JointMeeting.held_on.desc(), JointMeeting.id.desc()).all()


def department_names(session, meetings):
    ids = {i for m in meetings for i in (m.department_ids or [])}
    if not ids:
        return {}
    return dict(session.query(Department.id, Department.name).filter(Department.id.in_(ids)))


def get(session, user, meeting_id):
    row = session.get(JointMeeting, meeting_id)
    if row is None or not sees_details(user):
        raise NotFound("会议记录不存在 / meeting not found")
    get_visible_case(session, user, row.case_id)
    return row
