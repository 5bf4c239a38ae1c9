"""Spot measurements taken on site (现场检测数据) with a supervision check of a rectification or a re-inspection after
closing: the checker types each reading — kind (services/measurement_kinds.py), value, where it was taken (测点),
the instrument and its calibration certificate's number, a note — and the server judges it against the kind's
limit (合格 / 超标 / 仅记录 when the kind has none). A reading out of limit is flagged on the record and the case
page and tells the case's project lead: the one who assigned the case, or every project lead when that person no
longer leads (an administrator assigned it, the account was closed).

A row may pick the instrument from the equipment register instead (`instrument_id`,
services/measurement_instruments.py): the instrument and certificate number are then the register's, and an
instrument whose calibration was overdue on the measurement's day is refused.

Rows are checked all at once: each wrong field is named `measurements.<row>.<field>` (row from 0, in the order
given), so a form shows the message next to its row and keeps what was typed."""
import re
from decimal import Decimal, InvalidOperation

from ..clock import clock
from ..models import AuditEvent, SiteMeasurement, User
from . import measurement_instruments, measurement_kinds, notifications
from .field_rules import clean_text
from .users import holders_of_role

FIELDS = ("kind", "value", "location", "instrument_id", "instrument", "calibration_no", "note")
LONGEST = {"location": 200, "instrument": 100, "calibration_no": 64, "note": 500}
MAX_ROWS = 30
MAX_DECIMALS = 4
_NUMBER = re.compile(r"[+-]?(\d{1,12}(\.\d*)?|\.\d+)")


def clean(session, rows, errors, measured_on):
    """The rows as values to store ({kind: Kind, value: Decimal, location, …}); wrong fields go into `errors`.
    `measured_on`: the day they were measured (None when that is itself wrong), against which a register's
    instrument's calibration is checked."""
    if rows is None:
        return []
    if not isinstance(rows, (list, tuple)):
        errors["measurements"] = "检测数据应为列表 / measurements must be a list"
        return []
    if len(rows) > MAX_ROWS:
        errors["measurements"] = f"一次最多 {MAX_ROWS} 条检测数据 / at most {MAX_ROWS} measurements"
        return []
    cleaned = []
    for index, row in enumerate(rows):
        prefix = f"measurements.{index}."
        if not isinstance(row, dict):
            errors[prefix + "kind"] = "检测数据格式不对 / a measurement must be an object"
            continue
        kind = measurement_kinds.get(row.get("kind"))
        if kind is None:
            errors[prefix + "kind"] = "请选择检测项目 / choose a known kind of measurement"
        value = _value(row.get("value"), kind, prefix + "value", errors)
        texts = {name: clean_text(row.get(name), LONGEST[name], prefix + name, errors) for name in LONGEST}
        if not texts["location"] and prefix + "location" not in errors:
            errors[prefix + "location"] = "请填写测点（检测位置） / say where it was measured"
        instrument = measurement_instruments.resolve(session, row.get("instrument_id"), measured_on,
                                                     prefix + "instrument_id", errors)
        if instrument is not None:  # the register's name and certificate, not what was typed
            texts.update(instrument=measurement_instruments.name_of(instrument),
                         calibration_no=instrument.certificate_no)
        cleaned.append({"kind": kind, "value": value, "instrument_id": getattr(instrument, "id", None), **texts})
    return cleaned


def _value(raw, kind, name, errors):
    """A reading as a Decimal: a number, or its text with a point for decimals (５．２ and 5,2 are read too)."""
    if isinstance(raw, bool) or raw is None or (isinstance(raw, str) and not raw.strip()):
        errors[name] = "请填写检测值 / enter the reading"
        return None
    if isinstance(raw, (int, float)):
        text = repr(raw) if isinstance(raw, float) else str(raw)
    else:
        text = str(raw).strip().translate(_FULL_WIDTH).replace(",", ".")
    if not _NUMBER.fullmatch(text):
        errors[name] = "检测值应为数字，如 3.8 / the reading must be a number such as 3.8"
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        errors[name] = "检测值应为数字，如 3.8 / the reading must be a number such as 3.8"
        return None
    if -value.as_tuple().exponent > MAX_DECIMALS:
        errors[name] = f"最多 {MAX_DECIMALS} 位小数 / at most {MAX_DECIMALS} decimals"
        return None
    if kind is not None and not kind.lowest <= value <= kind.highest:
        errors[name] = (f"超出{kind.name}的可能范围 {kind.lowest}–{kind.highest} {kind.unit} / beyond what "
                        f"{kind.name_en} can be ({kind.lowest}–{kind.highest} {kind.unit})")
        return None
    return value


_FULL_WIDTH = str.maketrans("０１２３４５６７８９．－＋，", "0123456789.-+,")


def save(uow, actor, case, cleaned, check=None, follow_up=None):
    """Store the cleaned rows on the check or the re-inspection, each judged against its kind's limit now."""
    now, rows = clock.now(), []
    for position, values in enumerate(cleaned, start=1):
        kind = values["kind"]
        rows.append(SiteMeasurement(
            case_id=case.id, check_id=getattr(check, "id", None), follow_up_id=getattr(follow_up, "id", None),
            position=position, kind=kind.code, name=kind.name, name_en=kind.name_en, unit=kind.unit,
            value=values["value"], limit_rule=dict(kind.limit), verdict=measurement_kinds.judge(kind.limit,
                                                                                                values["value"]),
            location=values["location"], instrument=values["instrument"], instrument_id=values["instrument_id"],
            calibration_no=values["calibration_no"], note=values["note"], recorded_at=now, recorded_by_id=actor.id))
    uow.session.add_all(rows)
    uow.session.flush()
    uow.session.expire(check if check is not None else follow_up, ["measurements"])  # loaded before, perhaps
    return rows


def audit_changes(rows, files):
    """The readings and files of a new record for its audit row (before: none)."""
    changes = {}
    if rows:
        changes["measurements"] = [None, audit_lines(rows)]
    if files:
        changes["measurement_files"] = [None, [f.original_name for f in files]]
    return changes


def audit_lines(rows):
    """One line per reading for the record's audit row: "接地电阻 5.2 Ω（≤ 4 Ω，超标）@ 1号配电室"."""
    return [f"{r.name} {shown(r.value)} {r.unit}（{_limit_and_verdict(r)}）@ {r.location}" for r in rows]


def _limit_and_verdict(row):
    verdict = measurement_kinds.VERDICTS[row.verdict][0]
    text = measurement_kinds.limit_text(row.limit_rule, row.unit)
    return f"{text}，{verdict}" if text else verdict


def shown(value):
    """A stored value without the zeros the column's scale adds (5.2000 → 5.2; 4 stays 4)."""
    text = format(Decimal(value), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def tell_if_exceeded(uow, case, rows, key, what):
    """Out-of-limit readings tell the case's project lead (once per record: `key`)."""
    exceeded = [r for r in rows if r.exceeded]
    if not exceeded:
        return
    body = "；".join(audit_lines(exceeded))[:200]
    recipients = notifications.not_yet_given(uow, case_leads(uow.session, case), key)
    notifications.send(uow, recipients, "measurement_exceeded",
                       f"{what}现场检测超标 {len(exceeded)} 项（{case.code}）", body, key, case.id)


def case_leads(session, case):
    """The project lead who assigned the case (the latest assignment submitted), while an active project lead;
    else every active project lead."""
    events = session.query(AuditEvent.actor_id, AuditEvent.details).filter(
        AuditEvent.case_id == case.id, AuditEvent.action == "task_completed").order_by(AuditEvent.id.desc())
    for actor_id, details in events:
        if (details or {}).get("form_key") == "assignment" and actor_id:
            user = session.get(User, actor_id)
            if user is not None and user.active and user.has_role("project_lead"):
                return [user]
            break
    return holders_of_role(session, "project_lead")
