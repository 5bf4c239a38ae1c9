"""The enterprises' risk registers (风险分级管控清单, models/risk_point.py): an enterprise's staff identify and assess
their own risk points; the contractor's team reviews each one (已审核) or returns it with a reason (已退回), as the
safety archive's documents are reviewed (services/enterprise_documents.py); a point that no longer exists is taken
out of the register with a reason (移出清单), kept and readable.

Who: enterprise staff write their own enterprise's register only (another enterprise's is NotFound, as its cases
are). Reading follows the cases' rule (services/access.py): the bureau's side and the contractor every enterprise,
a township office its area; process owners and technical leads have no business here (NotAllowed). Reviewing:
inspectors, the project team and project leads — the contractor, whose job the seed makes it (“指导帮助企业开展双控
体系建设”); the bureau reads, and is told when a red point is first reviewed.

Every change is audited with its values before → after under the point (subject `risk_point`). A change made on an
older page (the point's `version` moved meanwhile) is a Conflict, not a silent overwrite."""
from ..clock import clock
from ..errors import Conflict, NotAllowed, NotFound, ValidationFailed
from ..models import (ACCIDENT_TYPES, CHECK_FREQUENCIES, CONTROL_LEVELS, KEY_LINKS, MEASURE_KINDS, POINT_KINDS,
                      UNIT_KINDS, RiskPoint)
from ..models.user import OVERSIGHT_ROLES
from . import audit, notifications, record_reviews, risk_levels
from .access import enterprise_condition, get_visible_enterprise
from .field_rules import clean_text, raise_if, whole_number

SUBJECT = "risk_point"
READERS = tuple(sorted(OVERSIGHT_ROLES | {"township", "enterprise"}))
REVIEWERS = ("inspector", "project_team", "project_lead")
TEXT_FIELDS = ("name", "place", "hazard_description", "operating_rules", "responsible_person", *MEASURE_KINDS)
CHOICE_FIELDS = {"unit_kind": UNIT_KINDS, "kind": POINT_KINDS, "control_level": CONTROL_LEVELS,
                 "check_frequency": CHECK_FREQUENCIES}
LIST_FIELDS = {"key_links": KEY_LINKS, "accident_types": ACCIDENT_TYPES}
FIELDS = TEXT_FIELDS + tuple(CHOICE_FIELDS) + tuple(LIST_FIELDS) + ("likelihood", "severity", "forced_major")
LIMITS = {"name": 100, "place": 200, "responsible_person": 64}
MAX_TEXT, MAX_REASON = 2000, 500


# ---- who ---------------------------------------------------------------------------------------------------------
def may_read(user):
    return user.has_role(*READERS)


def may_review(user):
    return user.has_role(*REVIEWERS)


def may_write(user, enterprise_id):
    return "enterprise" in user.roles and user.enterprise_id is not None and user.enterprise_id == enterprise_id


def get_enterprise(session, user, enterprise_id):
    """The enterprise whose register the user may read: NotAllowed for roles without business here, NotFound for an
    enterprise they may not see (another enterprise's staff, another area's township office)."""
    if not may_read(user):
        raise NotAllowed("风险分级管控清单供企业本身、排查和监管人员查看 / the risk register is for the enterprise "
                         "itself, the inspection team and the supervisors")
    return get_visible_enterprise(session, user, enterprise_id)


def get(session, user, enterprise_id, point_id):
    get_enterprise(session, user, enterprise_id)
    row = session.get(RiskPoint, point_id) if isinstance(point_id, int) else None
    if row is None or row.enterprise_id != enterprise_id:
        raise NotFound("风险点不存在 / risk point not found")
    return row


def points_of(session, enterprise_id, retired=False):
    """The enterprise's points, worst colour first, then by name; `retired`: the retired ones instead."""
    rows = session.query(RiskPoint).filter(
        RiskPoint.enterprise_id == enterprise_id,
        RiskPoint.retired_at.isnot(None) if retired else RiskPoint.retired_at.is_(None)).all()
    return sorted(rows, key=lambda p: (risk_levels.worst_first(p.colour), -p.score, p.name, p.id))


def colour_counts(rows):
    counts = dict.fromkeys(risk_levels.COLOUR_ORDER, 0)
    for row in rows:
        counts[row.colour] += 1
    return counts


def history(session, row):
    return audit.subject_history(session, SUBJECT, row.id)


# ---- the fields --------------------------------------------------------------------------------------------------
def clean(values, errors):
    """The columns of a point from typed `values` (form strings and lists, or plain values); each wrong field named
    in `errors`. Required: name, unit kind, L, S, at least one accident type, at least one control measure, the
    responsible person, the control level (high enough for the colour) and the check frequency."""
    result = {name: clean_text(values.get(name), LIMITS.get(name, MAX_TEXT), name, errors) for name in TEXT_FIELDS}
    for name, table in CHOICE_FIELDS.items():
        result[name] = clean_text(values.get(name), 16, name, errors)
        if result[name] and result[name] not in table and name not in errors:
            errors[name] = "请从列表中选择 / choose from the list"
    if not result["kind"] and "kind" not in errors:
        result["kind"] = "general"
    for name, table in LIST_FIELDS.items():
        chosen = values.get(name) or []
        chosen = [chosen] if isinstance(chosen, str) else list(chosen)
        if any(code not in table for code in chosen):
            errors[name] = "请从列表中选择 / choose from the list"
        result[name] = [code for code in table if code in chosen]  # the list's order, no repeats
    for name in ("likelihood", "severity"):
        number = whole_number(values.get(name))
        if number not in risk_levels.SCALE:
            errors[name] = "请选择 1–5 / choose 1 to 5"
        result[name] = number
    forced = values.get("forced_major")
    result["forced_major"] = forced is True or (isinstance(forced, str) and forced.lower() in ("1", "true", "on"))
    for name in ("name", "unit_kind", "responsible_person", "control_level", "check_frequency"):
        if not result[name] and name not in errors:
            errors[name] = "必填 / required"
    if not result["accident_types"] and "accident_types" not in errors:
        errors["accident_types"] = "请至少选择一种可能导致的事故类型 / choose at least one accident type"
    if not any(result[name] for name in MEASURE_KINDS) and "engineering_measures" not in errors:
        errors["engineering_measures"] = "请至少填写一类管控措施 / give at least one control measure"
    colour = None
    if "likelihood" not in errors and "severity" not in errors:
        colour = risk_levels.colour_of(result["likelihood"], result["severity"], result["forced_major"])
        level = result["control_level"]
        if level in CONTROL_LEVELS and not risk_levels.level_allowed(colour, level):
            errors["control_level"] = ("重大风险须由公司级管控，较大风险须由车间级及以上管控 / a red point is "
                                       "controlled by the company, an orange one by the workshop or higher")
    result["colour"] = colour
    return result


# ---- writing -----------------------------------------------------------------------------------------------------
def check_writer(session, user, enterprise_id):
    enterprise = get_enterprise(session, user, enterprise_id)  # 403 / 404 first
    if not may_write(user, enterprise_id):
        raise NotAllowed("只有本企业人员可以维护风险分级管控清单 / only the enterprise's own staff keep its risk "
                         "register")
    return enterprise


def create(uow, user, enterprise_id, values):
    """A new point awaiting review; ValidationFailed names each wrong field and nothing is kept."""
    session = uow.session
    check_writer(session, user, enterprise_id)
    errors = {}
    columns = clean(values, errors)
    raise_if(errors)
    now = clock.now()
    row = RiskPoint(enterprise_id=enterprise_id, status="pending", review_note="", created_by_id=user.id,
                    created_at=now, updated_by_id=user.id, updated_at=now, version=1, retire_reason="", **columns)
    session.add(row)
    session.flush()
    changes = {k: [None, v] for k, v in columns.items() if v not in (None, "", [], False)}
    audit.record(uow, None, user, "risk_point_added", changes=_audited(changes), details=_details(row),
                 subject=(SUBJECT, row.id))
    return row


def update(uow, user, enterprise_id, point_id, values, version=None):
    """Rewrite a point (a new assessment, other measures); it awaits review again. A retired point is not changed
    (Conflict); nor one changed since `version` was read."""
    session = uow.session
    check_writer(session, user, enterprise_id)
    row = get(session, user, enterprise_id, point_id)
    if row.is_retired:
        raise Conflict("风险点已移出清单，不能修改 / the risk point was retired")
    errors = {}
    columns = clean(values, errors)
    raise_if(errors)
    changes = {k: [getattr(row, k), v] for k, v in columns.items() if getattr(row, k) != v}
    if row.status != "pending":
        changes["status"] = [row.status, "pending"]
    bump(session, row, version, {**columns, "status": "pending", "updated_by_id": user.id, "updated_at": clock.now()})
    audit.record(uow, None, user, "risk_point_updated", changes=_audited(changes), details=_details(row),
                 subject=(SUBJECT, row.id))
    return row


def review(uow, user, enterprise_id, point_id, decision, note="", version=None):
    """Mark a point awaiting review as reviewed (an optional remark) or return it (a reason required): the
    enterprise's staff are told of a return, the bureau of a red point the first time one is reviewed red.
    Conflict when it is not awaiting review or changed since `version`."""
    session = uow.session
    row = get(session, user, enterprise_id, point_id)
    if not may_review(user):
        raise NotAllowed("只有排查人员、项目执行小组和项目负责人可以审核风险点 / only inspectors, the project team "
                         "and project leads review risk points")
    note = record_reviews.checked_decision(decision, note, MAX_REASON)
    if row.is_retired or row.status != "pending":
        raise Conflict("该风险点不在待审核状态 / the risk point is not awaiting review")
    now = clock.now()
    tell_bureau = decision == "reviewed" and row.colour == "red" and row.bureau_told_at is None
    values = {"status": decision, "review_note": note, "reviewed_by_id": user.id, "reviewed_at": now}
    if tell_bureau:
        values["bureau_told_at"] = now
    changes = {"status": [row.status, decision], "review_note": [row.review_note, note]}
    bump(session, row, version, values)
    action = "risk_point_reviewed" if decision == "reviewed" else "risk_point_returned"
    audit.record(uow, None, user, action, changes=_audited(changes), details=_details(row),
                 reason=note if decision == "returned" else "", subject=(SUBJECT, row.id))
    if decision == "returned":
        record_reviews.tell_returned(uow, row, SUBJECT, "risk_point_returned", f"风险点被退回：{row.name}", note)
    if tell_bureau:
        bureau = notifications.role_holders(uow, ("bureau",))
        notifications.send(uow, bureau, "risk_point_red", f"重大风险点：{row.enterprise.name} · {row.name}"[:200],
                           f"{row.place} · L{row.likelihood}×S{row.severity}={row.score}"[:200],
                           f"{SUBJECT}:{row.id}:red")
    return row


def retire(uow, user, enterprise_id, point_id, reason, version=None):
    """Take a point out of the register (移出清单: the unit was demolished, the work stopped) with a reason: kept and
    readable, no longer in the 清单, the map nor the checklist. Conflict when retired already."""
    session = uow.session
    check_writer(session, user, enterprise_id)
    row = get(session, user, enterprise_id, point_id)
    errors = {}
    reason = clean_text(reason, MAX_REASON, "retire_reason", errors)
    if not reason and not errors:
        errors["retire_reason"] = "请写明移出原因 / give the reason"
    raise_if(errors)
    if row.is_retired:
        raise Conflict("风险点已移出清单 / the risk point was retired already")
    bump(session, row, version, {"retired_at": clock.now(), "retired_by_id": user.id, "retire_reason": reason})
    audit.record(uow, None, user, "risk_point_retired", changes=_audited({"retired": [False, True]}),
                 details=_details(row), reason=reason, subject=(SUBJECT, row.id))
    return row


def bump(session, row, version, values):
    record_reviews.versioned_write(session, RiskPoint, row, version, values,
                                   "风险点已被他人修改，请刷新后重试 / the risk point was changed meanwhile; reload and try again")


def point_for_case(session, enterprise_id, point_id):
    """The active point of `enterprise_id` a hazard registration names (`point_id` as typed), None when none is
    named; ValidationFailed (field risk_point_id) for another enterprise's, a retired or an unknown one."""
    if point_id in (None, ""):
        return None
    number = whole_number(point_id)
    row = session.get(RiskPoint, number) if number is not None and number < 2 ** 31 else None
    if row is None or row.enterprise_id != enterprise_id or row.is_retired:
        raise ValidationFailed("风险点不属于该企业 / the risk point is not one of this enterprise's",
                               fields={"risk_point_id": "风险点不属于该企业 / not a risk point of this enterprise"})
    return row


def choices_for_cases(session, user, enterprise_id=None):
    """[(enterprise, [points])]: the active points a hazard registration may name — of the enterprises the user sees
    (or only `enterprise_id`'s), by enterprise name, each enterprise's worst first."""
    query = session.query(RiskPoint).filter(RiskPoint.retired_at.is_(None),
                                            enterprise_condition(user, RiskPoint.enterprise_id))
    if enterprise_id is not None:
        query = query.filter(RiskPoint.enterprise_id == enterprise_id)
    groups = {}
    for row in query.all():
        groups.setdefault(row.enterprise_id, (row.enterprise, []))[1].append(row)
    return [(e, sorted(rows, key=lambda p: (risk_levels.worst_first(p.colour), p.name, p.id)))
            for e, rows in sorted(groups.values(), key=lambda g: (g[0].name, g[0].id))]


# ---- audit -------------------------------------------------------------------------------------------------------
# Audited field names that would read as another record's (the audit log's titles are shared: `name` is an
# enterprise's, `place` and `responsible_person` a case form's, `kind` and `status` other records').
_AUDIT_NAMES = {"status": "review_status", "kind": "point_kind", "colour": "risk_colour", "name": "point_name",
                "place": "point_place", "responsible_person": "point_responsible", "retired": "point_retired"}


def _audited(changes):
    return {_AUDIT_NAMES.get(name, name): pair for name, pair in changes.items()}


def _details(row):
    return {"enterprise_id": row.enterprise_id, "risk_point": row.name, "colour": row.colour}
