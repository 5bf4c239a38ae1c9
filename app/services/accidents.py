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
from .credit_code import normalise
from .field_rules import clean_count, clean_text, past_date, raise_if
from .spreadsheet import find_columns, read_rows

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
    values["occurred_on"] = past_date(fields.get("occurred_on"), "occurred_on", errors, "事故日期")
    level = str(fields.get("level") or "").strip()
    values["level"] = _LEVEL_WORDS.get(level)
    if values["level"] is None:
        errors["level"] = "请选择事故等级：一般、较大、重大或特别重大 / choose the level: general, larger, major or " \
                          "especially major"
    values["accident_type"] = clean_text(fields.get("accident_type"), MAX_TYPE, "accident_type", errors)
    values["summary"] = clean_text(fields.get("summary"), MAX_SUMMARY, "summary", errors)
    for name in ("deaths", "injuries"):
        values[name] = clean_count(fields.get(name), name, errors)
    values["direct_loss"] = _money(fields.get("direct_loss"), errors)
    raise_if(errors)
    return values


def _money(value, errors):
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        amount = None
    limit = Decimal("1e10")  # the column holds 10 digits before the point
    if amount is not None and amount.is_finite() and 0 <= amount < limit:
        amount = amount.quantize(Decimal("0.01"))  # may round up to the limit itself: checked again below
    if amount is None or not amount.is_finite() or amount < 0 or amount >= limit:
        errors["direct_loss"] = "请填写金额（万元），如 12.5 / enter an amount in 10,000 yuan, e.g. 12.5"
        return None
    return amount


def _plain(value):
    return str(value) if isinstance(value, Decimal) else value


def _require_editor(actor):
    if not may_edit(actor):
        raise NotAllowed("只有应急管理局和系统管理员可以登记事故记录 / only the bureau and administrators record accidents")


# ---- importing the county's history -------------------------------------------------------------------------
IMPORT_HEADERS = {  # field: (Chinese title, English title, other titles accepted)
    "credit_code": ("统一社会信用代码", "Unified social credit code", "信用代码", "credit code"),
    "occurred_on": ("事故日期", "Date", "发生日期", "发生时间"),
    "level": ("事故等级", "Level", "等级"),
    "accident_type": ("事故类别", "Type", "事故类型", "类别"),
    "deaths": ("死亡人数", "Deaths", "死亡"),
    "injuries": ("重伤人数", "Serious injuries", "重伤", "injuries"),
    "direct_loss": ("直接经济损失（万元）", "Direct loss (10,000 yuan)", "直接经济损失", "direct loss"),
    "summary": ("事故简况", "Summary", "简况", "事故经过"),
}
IMPORT_REQUIRED = ("credit_code", "occurred_on", "level")


def plan_import(uow, filename, data, max_rows=5000):
    """[(line, action, values or errors)] for an accident file: "add", "exists" (the same enterprise, date, level
    and type are on record: a file imported twice adds nothing) or "error". Nothing is written."""
    lines = read_rows(filename, data, max_rows)
    columns, _ignored = find_columns(lines[0][1], IMPORT_HEADERS, IMPORT_REQUIRED)
    codes, seen = {}, {}
    plan = []
    for line, cells in lines[1:]:
        raw = {name: (cells[i].strip() if i < len(cells) else "") for name, i in columns.items()}
        code = normalise(raw.pop("credit_code"))
        if code not in codes:
            codes[code] = uow.session.query(Enterprise).filter_by(credit_code=code).first()
        enterprise = codes[code]
        try:
            values = clean(raw)
        except ValidationFailed as exc:
            plan.append((line, "error", dict(exc.fields)))
            continue
        if enterprise is None:
            message = f"企业名录中没有 {code} / no enterprise {code} on the register"
            plan.append((line, "error", {"credit_code": message}))
            continue
        values["enterprise_id"] = enterprise.id
        key = (enterprise.id, values["occurred_on"], values["level"], values["accident_type"])
        if key in seen:
            message = f"与第 {seen[key]} 行是同一起事故 / the same accident as line {seen[key]}"
            plan.append((line, "error", {"occurred_on": message}))
            continue
        seen[key] = line
        same = uow.session.query(AccidentRecord.id).filter_by(
            enterprise_id=enterprise.id, occurred_on=values["occurred_on"], level=values["level"],
            accident_type=values["accident_type"]).first()
        plan.append((line, "exists" if same else "add", values))
    return plan


def apply_import(uow, actor, filename, plan):
    """Add the plan's new records (a plan without errors), each audited, and one row for the file."""
    if any(action == "error" for _, action, _ in plan):
        raise ValidationFailed("导入文件有错误，未导入 / the file has errors; nothing was imported")
    added = 0
    for _, action, values in plan:
        if action == "add":
            fields = dict(values)
            add(uow, actor, fields.pop("enterprise_id"), **fields)
            added += 1
    audit.record(uow, None, actor, "accidents_imported", details={"file": filename, "added": added,
                                                                 "existing": len(plan) - added})
    return added
