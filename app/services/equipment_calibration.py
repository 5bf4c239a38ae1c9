"""Calibration of the register's instruments (设备校准合格率 100 %, seed 000 line 110): an instrument's calibration is
valid through its due date (校准有效期至) and overdue the day after; the rate is the in-service instruments with a
valid calibration over the in-service instruments that have calibration data (a drone without any, being no
measuring instrument, counts in neither). The scheduler's daily job tells the project leads of each calibration
30 days before it is due and again once it is overdue — once per due date and stage, however often it runs; a new
calibration (a new due date) starts over."""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, func
from sqlalchemy.exc import IntegrityError

from ..clock import clock
from ..models import Instrument
from . import notifications

DUE_SOON_DAYS = 30
REMINDED_ROLES = ("project_lead",)
NOTICE_KIND = "instrument_calibration_due"
STATES = {
    "valid": ("校准有效", "Calibration valid"),
    "due_soon": ("30天内到期", "Due within 30 days"),
    "overdue": ("校准逾期", "Calibration overdue"),
    "none": ("无校准信息", "No calibration data"),
}


def state(instrument, today=None):
    """The key of STATES of the instrument's calibration."""
    today = today or clock.local_now().date()
    due = instrument.calibration_due
    if due is None:
        return "none"
    if due < today:
        return "overdue"
    return "due_soon" if due <= today + timedelta(days=DUE_SOON_DAYS) else "valid"


def state_condition(key, today):
    """SQL: the instrument's calibration is in the state `key` (the rule of `state`)."""
    due = Instrument.calibration_due
    soon = today + timedelta(days=DUE_SOON_DAYS)
    return {"none": due.is_(None), "overdue": due < today, "due_soon": and_(due >= today, due <= soon),
            "valid": due > soon}[key]


@dataclass
class Rate:
    valid: int
    total: int

    @property
    def percent(self):
        """The rate in percent to one decimal, None without instruments to count."""
        return round(100 * self.valid / self.total, 1) if self.total else None


def rate(session, today=None):
    """校准合格率 of the instruments in service (see the module's docstring)."""
    today = today or clock.local_now().date()
    in_service = session.query(func.count(Instrument.id)).filter(Instrument.status == "in_service",
                                                                 Instrument.calibration_due.isnot(None))
    total = in_service.scalar()
    valid = in_service.filter(Instrument.calibration_due >= today).scalar()
    return Rate(valid, total)


def lapsed(instrument, today=None):
    """Whether the instrument's calibration has expired (it may not be lent then)."""
    return state(instrument, today) == "overdue"


def remind_due(uow):
    """Tell the project leads of each in-service instrument whose calibration is due within DUE_SOON_DAYS (once) or
    overdue (once more). Returns how many reminders went out."""
    today = clock.local_now().date()
    rows = uow.session.query(Instrument).filter(
        Instrument.status == "in_service",
        Instrument.calibration_due <= today + timedelta(days=DUE_SOON_DAYS)).order_by(Instrument.id).all()
    people = notifications.role_holders(uow, REMINDED_ROLES)
    sent = 0
    for instrument in rows:
        stage = state(instrument, today)
        key = f"instrument:{instrument.id}:calibration:{instrument.calibration_due.isoformat()}:{stage}"
        recipients = notifications.not_yet_given(uow, people, key)
        if not recipients:
            continue
        title, body = _notice(instrument, stage)
        try:
            with uow.savepoint():
                notifications.send(uow, recipients, NOTICE_KIND, title, body, key)
        except IntegrityError:  # another scheduler (PostgreSQL allows several) sent it a moment ago
            continue
        sent += 1
    return sent


def _notice(instrument, stage):
    due = instrument.calibration_due.isoformat()
    name = f"{instrument.model}（{instrument.asset_no}）"
    if stage == "overdue":
        return (f"设备校准已逾期：{name}"[:200],
                f"校准有效期至 {due}，已逾期，设备不得借出使用，请尽快送检校准；保管人：{instrument.keeper or '—'}")
    return (f"设备校准即将到期：{name}"[:200],
            f"校准有效期至 {due}，请在到期前安排送检校准；保管人：{instrument.keeper or '—'}")
