"""The register of major hazard sources (重大危险源登记, models/hazard_source.py): adding, updating, reviewing and
retiring (核销) an enterprise's sources.

Who: the enterprise's own staff keep their enterprise's sources (another enterprise's are NotFound, as its cases are);
so do the contractor's and the bureau's staff who work on site or oversee (WRITERS: project leads, inspectors, the
bureau). Reading follows the safety archive (services/enterprise_documents.py): every role that sees all cases, a
township office its area, enterprise staff their own; process owners and technical leads have no business here.

Review like the archive: a new or changed source awaits review (待审核); inspectors, the project team, project leads
and the bureau mark it reviewed or return it with a reason (the enterprise's staff are told). Since staff may write
too, nobody reviews a change they made themselves (the last change's author is refused): four eyes on every entry.

Every change is audited with its values before → after under the source (subject `hazard_source`); a change made on
an older page (the `version` moved meanwhile) is a Conflict, not a silent overwrite."""
import math
import re
from datetime import date

from ..clock import clock
from ..errors import Conflict, NotAllowed, NotFound
from ..models import RESPONSIBLE_ROLES, SOURCE_LEVELS, HazardSource, IotDevice
from ..models.user import OVERSIGHT_ROLES
from . import audit, record_reviews
from .access import get_visible_enterprise
from .field_rules import clean_text, parse_date, raise_if, row_id, whole_number, years_later_less_a_day

SUBJECT = "hazard_source"
READERS = tuple(sorted(OVERSIGHT_ROLES | {"township", "enterprise"}))
STAFF_WRITERS = ("project_lead", "inspector", "bureau")
REVIEWERS = ("inspector", "project_team", "project_lead", "bureau")
ASSESSMENT_YEARS = 3  # 40号令第八条: 重大危险源安全评估 … 每三年至少进行一次
TEXT_FIELDS = {"name": 200, "unit": 200, "filing_number": 64, "principal_name": 64, "principal_phone": 32,
               "technical_name": 64, "technical_phone": 32, "operator_name": 64, "operator_phone": 32,
               "distance_note": 2000, "note": 2000}
FIELDS = (*TEXT_FIELDS, "level", "filed_on", "assessed_on", "distance_checked", "substances", "device_ids")
MAX_SUBSTANCES, MAX_SUBSTANCE_NAME, MAX_QUANTITY, MAX_REASON = 30, 100, 10_000_000, 500
PHONE = re.compile(r"[0-9+\-() ]{7,32}")


# ---- who ---------------------------------------------------------------------------------------------------------
def may_read(user):
    return user.has_role(*READERS)


def may_write(user, enterprise_id):
    own = "enterprise" in user.roles and user.enterprise_id is not None and user.enterprise_id == enterprise_id
    return own or user.has_role(*STAFF_WRITERS)


def may_review(user, row=None):
    """A reviewer, and (for a given source) not the author of its latest change."""
    return user.has_role(*REVIEWERS) and (row is None or row.updated_by_id != user.id)


def get_enterprise(session, user, enterprise_id):
    """The enterprise whose sources the user may read: NotAllowed for roles without business here, NotFound for an
    enterprise they may not see."""
    if not may_read(user):
        raise NotAllowed("重大危险源登记供企业本身、排查和监管人员查看 / the major hazard source register is for the "
                         "enterprise itself, the inspection team and the supervisors")
    return get_visible_enterprise(session, user, enterprise_id)


def get(session, user, enterprise_id, source_id):
    get_enterprise(session, user, enterprise_id)
    row = session.get(HazardSource, source_id) if isinstance(source_id, int) else None
    if row is None or row.enterprise_id != enterprise_id:
        raise NotFound("重大危险源不存在 / major hazard source not found")
    return row


def sources_of(session, enterprise_id, retired=False):
    """The enterprise's sources, the highest level (一级) first; `retired`: the retired (核销) ones instead."""
    return session.query(HazardSource).filter(
        HazardSource.enterprise_id == enterprise_id,
        HazardSource.retired_at.isnot(None) if retired else HazardSource.retired_at.is_(None)) \
        .order_by(HazardSource.level, HazardSource.name, HazardSource.id).all()


def history(session, row):
    return audit.subject_history(session, SUBJECT, row.id)


def devices_of_enterprise(session, enterprise_id):
    """The enterprise's monitoring devices a source may be linked to (retired ones too: a link may be kept)."""
    return session.query(IotDevice).filter(IotDevice.enterprise_id == enterprise_id).order_by(IotDevice.code).all()


# ---- checking what was typed -------------------------------------------------------------------------------------
def clean(session, enterprise_id, values, errors, source_id=None):
    """The columns from typed `values` (form strings or JSON values) plus "devices" (IotDevice rows); each wrong
    field named in `errors`."""
    result = {name: clean_text(values.get(name), longest, name, errors) for name, longest in TEXT_FIELDS.items()}
    if not result["name"] and "name" not in errors:
        errors["name"] = "请填写重大危险源名称 / the name is required"
    level = whole_number(values.get("level"))
    if level not in SOURCE_LEVELS:
        errors["level"] = "请选择级别（一级至四级） / choose the level (1 to 4)"
    result["level"] = level
    today = clock.local_now().date()
    for name, title in (("filed_on", "备案日期"), ("assessed_on", "安全评估日期")):
        result[name] = parse_date(values.get(name), name, errors)
        if isinstance(result[name], date) and result[name] > today:
            errors[name] = f"{title}不能晚于今天 / the date cannot be in the future"
    if bool(result["filing_number"]) != bool(result["filed_on"]) and not {"filing_number", "filed_on"} & set(errors):
        missing = "filed_on" if result["filing_number"] else "filing_number"
        errors[missing] = "备案编号和备案日期须一并填写（未备案则都留空） / give both the filing number and date, or " \
                          "neither"
    assessed = result["assessed_on"]
    result["assessment_due_on"] = years_later_less_a_day(assessed, ASSESSMENT_YEARS) \
        if isinstance(assessed, date) and "assessed_on" not in errors else None
    for role in RESPONSIBLE_ROLES:
        name, phone = f"{role}_name", f"{role}_phone"
        if not result[name] and name not in errors:
            errors[name] = "请填写包保责任人姓名 / the responsible person's name is required"
        if not result[phone] and phone not in errors:
            errors[phone] = "请填写联系电话 / the phone number is required"
        elif result[phone] and phone not in errors and not PHONE.fullmatch(result[phone]):
            errors[phone] = "电话号码有误 / not a phone number"
    result["distance_checked"] = _yes_no(values.get("distance_checked"), errors)
    result["substances"] = clean_substances(values.get("substances"), errors)
    _check_unique_filing(session, enterprise_id, result["filing_number"], errors, source_id)
    result["devices"] = _devices(session, enterprise_id, values.get("device_ids"), errors)
    return result


def _yes_no(value, errors):
    if value in (True, False):
        return value
    text = str(value or "").strip().lower()
    if text in ("1", "yes", "true", "on", "是", "已核查"):
        return True
    if text in ("", "0", "no", "false", "否", "未核查"):
        return False
    errors["distance_checked"] = "请选择是或否 / choose yes or no"
    return False


def clean_substances(rows, errors):
    """[{name, quantity, critical_quantity}] (tonnes) from typed rows; rows left wholly empty are dropped. A wrong
    row is named in errors["substances"] by its number."""
    rows = rows if isinstance(rows, (list, tuple)) else []
    result, problems = [], []
    for number, row in enumerate(rows, start=1):
        row = row if isinstance(row, dict) else {}
        typed = {k: "" if row.get(k) is None else str(row.get(k)).strip()
                 for k in ("name", "quantity", "critical_quantity")}
        if not any(typed.values()):
            continue
        quantity, critical = _tonnes(typed["quantity"], True), _tonnes(typed["critical_quantity"], False)
        if not typed["name"] or len(typed["name"]) > MAX_SUBSTANCE_NAME:
            problems.append(f"第{number}行：请填写物质名称（最多{MAX_SUBSTANCE_NAME}字） / row {number}: the substance "
                            f"name is required (at most {MAX_SUBSTANCE_NAME} characters)")
        elif quantity is None:
            problems.append(f"第{number}行：存在量应为不小于0的数（吨） / row {number}: the quantity must be a number, 0 "
                            f"or more (t)")
        elif critical is None:
            problems.append(f"第{number}行：临界量应为大于0的数（吨） / row {number}: the critical quantity must be a "
                            f"number above 0 (t)")
        else:
            result.append({"name": typed["name"], "quantity": quantity, "critical_quantity": critical})
    if len(result) > MAX_SUBSTANCES:
        problems.append(f"最多 {MAX_SUBSTANCES} 种物质 / at most {MAX_SUBSTANCES} substances")
    if not result and not problems:
        problems.append("请至少填写一种危险物质及其存在量和临界量 / give at least one substance with its quantity and "
                        "critical quantity")
    if problems:
        zh = "；".join(p.split(" / ")[0] for p in problems)
        en = "; ".join(p.split(" / ")[-1] for p in problems)
        errors["substances"] = f"{zh} / {en}"
    return result


def _tonnes(text, zero_allowed):
    try:
        value = float(text)
    except ValueError:
        return None
    if not math.isfinite(value) or value < 0 or (value == 0 and not zero_allowed) or value > MAX_QUANTITY:
        return None
    return round(value, 4)


def _check_unique_filing(session, enterprise_id, number, errors, source_id):
    if not number or "filing_number" in errors:
        return
    query = session.query(HazardSource.id).filter(HazardSource.enterprise_id == enterprise_id,
                                                  HazardSource.filing_number == number,
                                                  HazardSource.retired_at.is_(None))
    if source_id is not None:
        query = query.filter(HazardSource.id != source_id)
    if query.first() is not None:
        errors["filing_number"] = "本企业已有该备案编号的重大危险源 / another source of the enterprise has this " \
                                  "filing number"


def _devices(session, enterprise_id, ids, errors):
    ids = ids if isinstance(ids, (list, tuple)) else [] if ids in (None, "") else [ids]
    wanted = {row_id(i) for i in ids if str(i).strip()}
    if None in wanted:
        errors["device_ids"] = "监测设备不存在 / unknown monitoring device"
        return []
    rows = session.query(IotDevice).filter(IotDevice.id.in_(wanted)).all() if wanted else []
    if len(rows) != len(wanted) or any(d.enterprise_id != enterprise_id for d in rows):
        errors["device_ids"] = "只能关联本企业的监测设备 / only the enterprise's own monitoring devices can be linked"
        return []
    return sorted(rows, key=lambda d: d.code)


# ---- writing -----------------------------------------------------------------------------------------------------
def _check_writer(session, user, enterprise_id):
    enterprise = get_enterprise(session, user, enterprise_id)  # 403 / 404 first
    if not may_write(user, enterprise_id):
        raise NotAllowed("只有本企业人员、项目负责人、排查人员和应急管理局可以登记重大危险源 / only the enterprise's "
                         "staff, project leads, inspectors and the bureau keep the major hazard sources")
    return enterprise


def create(uow, user, enterprise_id, values):
    """A new source; ValidationFailed names each wrong field and nothing is kept."""
    session = uow.session
    _check_writer(session, user, enterprise_id)
    errors = {}
    columns = clean(session, enterprise_id, values, errors)
    raise_if(errors)
    devices = columns.pop("devices")
    now = clock.now()
    row = HazardSource(enterprise_id=enterprise_id, status="pending", review_note="", retire_reason="",
                       created_by_id=user.id, created_at=now, updated_by_id=user.id, updated_at=now, version=1,
                       devices=devices, **columns)
    session.add(row)
    session.flush()
    changes = {k: [None, v] for k, v in columns.items() if v not in (None, "", [], False)}
    if devices:
        changes["devices"] = [None, [d.code for d in devices]]
    audit.record(uow, None, user, "hazard_source_added", changes=_audited(changes), details=_details(row),
                 subject=(SUBJECT, row.id))
    return row


def update(uow, user, enterprise_id, source_id, values, version=None):
    """Rewrite a source (a new assessment, a new filing, other people); it awaits review again. A retired source is
    not changed (Conflict); nor one changed since `version` was read."""
    session = uow.session
    _check_writer(session, user, enterprise_id)
    row = get(session, user, enterprise_id, source_id)
    if row.is_retired:
        raise Conflict("重大危险源已核销，不能修改 / the source was retired")
    errors = {}
    columns = clean(session, enterprise_id, values, errors, row.id)
    raise_if(errors)
    devices = columns.pop("devices")
    changes = {k: [getattr(row, k), v] for k, v in columns.items() if getattr(row, k) != v}
    before_codes, after_codes = [d.code for d in row.devices], [d.code for d in devices]
    if before_codes != after_codes:
        changes["devices"] = [before_codes, after_codes]
    if row.status != "pending":
        changes["status"] = [row.status, "pending"]
    _bump(session, row, version, {**columns, "status": "pending", "updated_by_id": user.id,
                                  "updated_at": clock.now()})
    row.devices = devices
    session.flush()
    audit.record(uow, None, user, "hazard_source_updated", changes=_audited(changes), details=_details(row),
                 subject=(SUBJECT, row.id))
    return row


def review(uow, user, enterprise_id, source_id, decision, note="", version=None):
    """Mark a source awaiting review as reviewed (an optional remark) or return it (a reason required): the
    enterprise's staff are told of a return. NotAllowed for the author of its latest change; Conflict when it is not
    awaiting review or changed since `version`."""
    session = uow.session
    row = get(session, user, enterprise_id, source_id)
    if not user.has_role(*REVIEWERS):
        raise NotAllowed("只有排查人员、项目执行小组、项目负责人和应急管理局可以审核重大危险源 / only inspectors, the "
                         "project team, project leads and the bureau review major hazard sources")
    if not may_review(user, row):
        raise NotAllowed("不能审核自己登记或修改的内容，请由其他人员审核 / you made the latest change: someone else "
                         "reviews it")
    note = record_reviews.checked_decision(decision, note, MAX_REASON)
    if row.is_retired or row.status != "pending":
        raise Conflict("该重大危险源不在待审核状态 / the source is not awaiting review")
    changes = {"status": [row.status, decision], "review_note": [row.review_note, note]}
    _bump(session, row, version, {"status": decision, "review_note": note, "reviewed_by_id": user.id,
                                  "reviewed_at": clock.now()})
    action = "hazard_source_reviewed" if decision == "reviewed" else "hazard_source_returned"
    audit.record(uow, None, user, action, changes=_audited(changes), details=_details(row),
                 reason=note if decision == "returned" else "", subject=(SUBJECT, row.id))
    if decision == "returned":
        record_reviews.tell_returned(uow, row, SUBJECT, "hazard_source_returned", f"重大危险源登记被退回：{row.name}",
                                     note)
    return row


def retire(uow, user, enterprise_id, source_id, reason, version=None):
    """核销: the source is no longer one (评估后不再构成重大危险源, 40号令第二十四条), with a reason: kept and readable,
    out of the lists, the counts and the reminders. Conflict when retired already."""
    session = uow.session
    _check_writer(session, user, enterprise_id)
    row = get(session, user, enterprise_id, source_id)
    errors = {}
    reason = clean_text(reason, MAX_REASON, "retire_reason", errors)
    if not reason and not errors:
        errors["retire_reason"] = "请写明核销原因 / give the reason"
    raise_if(errors)
    if row.is_retired:
        raise Conflict("重大危险源已核销 / the source was retired already")
    _bump(session, row, version, {"retired_at": clock.now(), "retired_by_id": user.id, "retire_reason": reason})
    audit.record(uow, None, user, "hazard_source_retired", changes={"retired": [False, True]},
                 details=_details(row), reason=reason, subject=(SUBJECT, row.id))
    return row


def _bump(session, row, version, values):
    record_reviews.versioned_write(session, HazardSource, row, version, values,
                                   "重大危险源已被他人修改，请刷新后重试 / the source was changed meanwhile; reload and try again")


# ---- audit -------------------------------------------------------------------------------------------------------
_AUDIT_NAMES = {"status": "review_status", "level": "source_level"}


def _audited(changes):
    return {_AUDIT_NAMES.get(k, k): [_plain(a), _plain(b)] for k, (a, b) in changes.items()}


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def _details(row):
    return {"enterprise_id": row.enterprise_id, "source": row.name, "source_level": row.level}
