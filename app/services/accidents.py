"""Enterprises' accident records (生产安全事故记录): entered by the bureau or an administrator, or imported from the
county's history (a spreadsheet, one accident per row). Every addition and removal is audited with the record.

The level is the one of 《生产安全事故报告和调查处理条例》 Art. 3 as the investigation concluded it; it is recorded,
not computed, because the investigation report is what counts.
"""
from decimal import Decimal, InvalidOperation

from ..clock import clock
from ..errors import NotAllowed, NotFound, ValidationFailed
from ..models import ACCIDENT_LEVELS, AccidentRecord, Enterprise
from . import audit
from .user_admin import MAX_COUNT, parse_date

EDITORS = ("bureau", "admin")
LEVEL_NAMES = {"general": "一般事故", "larger": "较大事故", "major": "重大事故", "especially_major": "特别重大事故"}
_LEVEL_WORDS = {**{code: code for code in ACCIDENT_LEVELS}, **{name: code for code, name in LEVEL_NAMES.items()},
                **{name[:-2]: code for code, name in LEVEL_NAMES.items()}}  # "较大事故" or "较大"
FIELDS = ("occurred_on", "level", "accident_type", "deaths", "injuries", "direct_loss", "summary")
MAX_TYPE, MAX_SUMMARY = 50, 2000


def may_edit(user):
    return user.has_role(*EDITORS)


def records_of(session, enterprise_id):
    return session.query(AccidentRecord).filter_by(enterprise_id=enterprise_id) \
        .order_by(AccidentRecord.occurred_on.desc(), AccidentRecord.id.desc()).all()


def add(uow, actor, enterprise_id, **fields):
    """A new record from typed values (strings, or dates and numbers); ValidationFailed names each wrong field."""
    _require_editor(actor)
    enterprise = uow.session.get(Enterprise, enterprise_id)
    if enterprise is None:
        raise NotFound(f"没有该企业 / no enterprise {enterprise_id}")
    values = clean(fields)
    record = AccidentRecord(enterprise_id=enterprise.id, recorded_at=clock.now(), recorded_by=actor.username,
                            **values)
    uow.session.add(record)
    uow.session.flush()
    audit.record(uow, None, actor, "accident_recorded", changes={k: [None, _plain(v)] for k, v in values.items()},
                 details={"accident_id": record.id, "enterprise_id": enterprise.id, "name": enterprise.name},
                 subject=("enterprise", enterprise.id))
    return record


def remove(uow, actor, enterprise_id, accident_id, reason):
    """Delete a record entered by mistake; the audit row keeps what it said and why it went."""
    _require_editor(actor)
    record = uow.session.get(AccidentRecord, accident_id)
    if record is None or record.enterprise_id != enterprise_id:
        raise NotFound(f"没有该事故记录 / no accident record {accident_id}")
    if not (reason or "").strip():
        raise ValidationFailed("请填写删除原因 / give the reason for removing it", fields={"reason": "required"})
    before = {name: _plain(getattr(record, name)) for name in FIELDS}
    uow.session.delete(record)
    audit.record(uow, None, actor, "accident_removed", changes={k: [v, None] for k, v in before.items()},
                 details={"accident_id": accident_id, "enterprise_id": enterprise_id}, reason=reason.strip(),
                 subject=("enterprise", enterprise_id))


def clean(fields):
    errors, values = {}, {}
    values["occurred_on"] = parse_date(fields.get("occurred_on"), "occurred_on", errors)
    if values["occurred_on"] is None and "occurred_on" not in errors:
        errors["occurred_on"] = "请填写事故日期 / the date is required"
    elif "occurred_on" not in errors and values["occurred_on"] > clock.local_now().date():
        errors["occurred_on"] = "事故日期不能晚于今天 / the date cannot be in the future"
    level = str(fields.get("level") or "").strip()
    values["level"] = _LEVEL_WORDS.get(level)
    if values["level"] is None:
        errors["level"] = "请选择事故等级：一般、较大、重大或特别重大 / choose the level: general, larger, major or " \
                          "especially major"
    values["accident_type"] = _text(fields.get("accident_type"), MAX_TYPE, "accident_type", errors)
    values["summary"] = _text(fields.get("summary"), MAX_SUMMARY, "summary", errors)
    for name in ("deaths", "injuries"):
        values[name] = _whole(fields.get(name), name, errors)
    values["direct_loss"] = _money(fields.get("direct_loss"), errors)
    if errors:
        raise ValidationFailed("；".join(m.split(" / ")[0] for m in errors.values()) + " / " +
                               "; ".join(m.split(" / ")[-1] for m in errors.values()), fields=errors)
    return values


def _text(value, longest, name, errors):
    text = "" if value is None else str(value).strip()
    if len(text) > longest:
        errors[name] = f"最多 {longest} 个字符 / at most {longest} characters"
    return text


def _whole(value, name, errors):
    text = "" if value is None else str(value).strip()
    if not text:
        return 0
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_COUNT:
        errors[name] = "请填写不小于0的整数 / enter a whole number, 0 or more"
        return None
    return int(text)


def _money(value, errors):
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount < 0 or amount >= Decimal("1e10"):
        errors["direct_loss"] = "请填写金额（万元），如 12.5 / enter an amount in 10,000 yuan, e.g. 12.5"
        return None
    return amount.quantize(Decimal("0.01"))


def _plain(value):
    return str(value) if isinstance(value, Decimal) else value


def _require_editor(actor):
    if not may_edit(actor):
        raise NotAllowed("只有应急管理局和系统管理员可以登记事故记录 / only the bureau and administrators record accidents")
