"""The duty roster (值班表, 7×24 小时值班 with 双人双岗, seed 000 lines 509, 680): who of the staff is on duty from one
day through another and the phone to reach them. Who is on duty today is shown on the incident pages and takes a
new call by default (the user recording it, when they are on duty themselves).

Kept by the project leads and the administrators; read by every county-wide role and the township offices (who need
the number); enterprise staff and department users: NotAllowed. Lines are added and removed (audited under
"emergency_duty"); one user's lines may not overlap."""
import re
from datetime import date, timedelta

from ..clock import clock
from ..errors import NotAllowed, NotFound
from ..models import EmergencyDuty, User
from . import audit
from .access import covered_townships, sees_all_cases
from .field_rules import clean_text, parse_date, raise_if, row_id

MANAGERS = ("project_lead", "admin")
SUBJECT = "emergency_duty"
PHONE = re.compile(r"[0-9+\-() ]{3,32}")
KEEP_PAST_DAYS = 31  # the roster page shows the lines that ended within this many days, and all later ones


def may_read(user):
    return sees_all_cases(user) or bool(covered_townships(user))


def may_manage(user):
    return user.has_role(*MANAGERS)


def check_may_read(user):
    if not may_read(user):
        raise NotAllowed("值班表供监管部门、服务机构和属地监管查看 / the duty roster is for the bureau, its contractor and "
                         "township offices")


def check_may_manage(user):
    if not may_manage(user):
        raise NotAllowed("只有项目负责人和管理员可以排班 / only project leads and administrators keep the duty roster")


def on_duty(session, day=None):
    """The lines covering `day` (today in Shanghai by default), of active users, earliest start first."""
    day = day or clock.local_now().date()
    return session.query(EmergencyDuty).join(User, User.id == EmergencyDuty.user_id) \
        .filter(EmergencyDuty.starts_on <= day, EmergencyDuty.ends_on >= day, User.active.is_(True)) \
        .order_by(EmergencyDuty.starts_on, EmergencyDuty.id).all()


def default_receiver(session, user):
    """Who takes a new call by default: the user when on duty, else the first one on duty; None without a roster."""
    lines = on_duty(session)
    mine = [line for line in lines if line.user_id == user.id]
    return (mine or lines)[0].user if lines else None


def listing(session, user):
    """The roster from KEEP_PAST_DAYS ago on, by start."""
    check_may_read(user)
    since = clock.local_now().date() - timedelta(days=KEEP_PAST_DAYS)
    return session.query(EmergencyDuty).filter(EmergencyDuty.ends_on >= since) \
        .order_by(EmergencyDuty.starts_on, EmergencyDuty.id).all()


def add(uow, user, form):
    """A line: form {user_id, phone, starts_on, ends_on, note}; ValidationFailed names each wrong field."""
    check_may_manage(user)
    errors = {}
    user_id = row_id(form.get("user_id"))
    person = uow.session.get(User, user_id) if user_id is not None else None
    if person is None or not person.active or not sees_all_cases(person):
        errors["user_id"] = "请选择值班人员（在用的工作人员账号）/ choose who is on duty (an active staff user)"
    phone = clean_text(form.get("phone"), 32, "phone", errors)
    if "phone" not in errors and not PHONE.fullmatch(phone):
        errors["phone"] = "请填写值班电话 / enter the duty phone number"
    starts = parse_date(form.get("starts_on"), "starts_on", errors)
    ends = parse_date(form.get("ends_on"), "ends_on", errors)
    if starts is None and "starts_on" not in errors:
        errors["starts_on"] = "请填写开始日期 / enter the first day"
    if ends is None and "ends_on" not in errors:
        errors["ends_on"] = "请填写结束日期 / enter the last day"
    note = clean_text(form.get("note"), 200, "note", errors)
    if isinstance(starts, date) and isinstance(ends, date) and ends < starts:
        errors["ends_on"] = "结束日期不能早于开始日期 / the last day cannot be before the first"
    if not errors and _overlaps(uow.session, person.id, starts, ends):
        errors["starts_on"] = (f"{person.display_name} 在这段时间已有值班安排 / {person.display_name} is already on the "
                               "roster for part of these days")
    raise_if(errors)
    row = EmergencyDuty(user_id=person.id, phone=phone, starts_on=starts, ends_on=ends, note=note,
                        created_by_id=user.id, created_at=clock.now())
    uow.session.add(row)
    uow.session.flush()
    audit.record(uow, None, user, "emergency_duty_added",
                 changes={"duty_user": [None, person.display_name], "duty_phone": [None, phone],
                          "duty_starts_on": [None, starts], "duty_ends_on": [None, ends]},
                 subject=(SUBJECT, row.id))
    return row


def _overlaps(session, user_id, starts, ends):
    return session.query(EmergencyDuty.id).filter(EmergencyDuty.user_id == user_id, EmergencyDuty.starts_on <= ends,
                                                  EmergencyDuty.ends_on >= starts).first() is not None


def remove(uow, user, duty_id):
    check_may_manage(user)
    row = uow.session.get(EmergencyDuty, row_id(duty_id)) if row_id(duty_id) is not None else None
    if row is None:
        raise NotFound("值班安排不存在 / no such line of the roster")
    audit.record(uow, None, user, "emergency_duty_removed",
                 changes={"duty_user": [row.user.display_name, None], "duty_phone": [row.phone, None],
                          "duty_starts_on": [row.starts_on, None], "duty_ends_on": [row.ends_on, None]},
                 subject=(SUBJECT, row.id))
    uow.session.delete(row)
