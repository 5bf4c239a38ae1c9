"""Enterprise self-checks (企业自查, seed 000 line 182; seed 001: 引导企业自查自改): an enterprise's staff check their own
enterprise against a standard checklist that fits its industry (the general list or its industry's), item by item —
符合 / 不符合 / 不适用, a note, photos — save drafts and submit (services/self_check_submit.py, which turns the
nonconforming items chosen for reporting into hazard cases of source self_check on the normal process).

The list is frozen when the self-check starts: its items as the list's current version has them (the newest archived
version, services/checklist_versions.py) are copied onto the self-check, so a later change of the list alters none.

Who sees what: like cases — the contractor's staff and the bureau every enterprise's self-checks, a township office
its area's, enterprise staff their own (another enterprise's: 404). Only the enterprise's own staff start, fill in
and submit one (anyone else: 403)."""
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import exists

from ..clock import SHANGHAI, clock
from ..errors import Conflict, NotAllowed, NotFound
from ..models import CHECK_RESULTS, Checklist, ChecklistItem, Enterprise, SelfCheck, SelfCheckItem
from . import audit, checklist_versions, checklists
from .access import covered_townships, enterprise_condition, sees_all_cases
from .field_rules import clean_text, raise_if, row_id, whole_number

MAX_NOTE, MAX_PLACE = 2000, 200
SUBJECT = "self_check"


# ---- who ---------------------------------------------------------------------------------------------------------
def may_write(user):
    """Enterprise staff of an enterprise: they check their own enterprise."""
    return "enterprise" in user.roles and bool(user.enterprise_id)


def check_may_write(user, self_check=None):
    if not may_write(user) or (self_check is not None and self_check.enterprise_id != user.enterprise_id):
        raise NotAllowed("只有本企业人员可以填写和提交企业自查 / only the enterprise's own staff fill in and submit its "
                         "self-check")


def visible(session, user):
    return session.query(SelfCheck).filter(enterprise_condition(user, SelfCheck.enterprise_id))


def get_visible(session, user, self_check_id):
    """The self-check if the user may see it; NotFound otherwise (another enterprise's looks like no self-check)."""
    number = row_id(self_check_id)
    row = visible(session, user).filter(SelfCheck.id == number).first() if number is not None else None
    if row is None:
        raise NotFound("企业自查记录不存在 / self-check not found")
    return row


# ---- starting ----------------------------------------------------------------------------------------------------
def lists_for(session, enterprise):
    """The checklists the enterprise may check itself against: the general list and its industry's."""
    return checklists.checklists_for(session, enterprise.industry)


def start(uow, actor, checklist_code, note=""):
    """A new draft self-check of the actor's enterprise with the list `checklist_code`, its items frozen as the list's
    current version has them. ValidationFailed names `checklist` for a list that is unknown or not for the
    enterprise's industry."""
    check_may_write(actor)
    session = uow.session
    enterprise = session.get(Enterprise, actor.enterprise_id)
    errors = {}
    note = clean_text(note, MAX_NOTE, "note", errors)
    checklist = session.query(Checklist).filter_by(code=checklist_code).first() \
        if isinstance(checklist_code, str) and checklist_code else None
    if checklist is None or not checklists.applies(checklist, enterprise.industry):
        errors["checklist"] = "请选择适用于本企业行业的检查表 / choose a checklist for your enterprise's industry"
    raise_if(errors)
    version, frozen = frozen_items(session, checklist)
    if not frozen:
        raise_if({"checklist": "该检查表没有启用的检查项 / the checklist has no active items"})
    now = clock.now()
    row = SelfCheck(enterprise_id=enterprise.id, checklist_id=checklist.id, checklist_version=version,
                    checklist_name=checklist.name, status="draft", note=note, started_by_id=actor.id,
                    started_at=now, updated_at=now)
    session.add(row)
    session.flush()
    ids = dict(session.query(ChecklistItem.code, ChecklistItem.id).filter_by(checklist_id=checklist.id))
    for position, values in enumerate(frozen):
        session.add(SelfCheckItem(self_check_id=row.id, item_id=ids[values["code"]], code=values["code"],
                                  dimension=values["dimension"], content=values["content"],
                                  basis=values.get("basis") or "", position=position, note="", report=True,
                                  place=""))
    session.flush()
    audit.record(uow, None, actor, "self_check_started", changes={"checklist": [None, f"{checklist.name} 第"
                                                                                  f"{version}版"]},
                 details={"self_check_id": row.id, "enterprise_id": enterprise.id, "name": enterprise.name},
                 subject=("enterprise", enterprise.id))
    return row


def frozen_items(session, checklist):
    """(version number, [{code, dimension, content, basis}]) of the list's active items as its current version has
    them: the newest archived version; the list's own items when none was archived yet."""
    archived = checklist_versions.latest(session, checklist)
    if archived is not None:
        return archived.version, [i for i in archived.items if i.get("active", True)]
    return checklist.version or 1, [i for i in checklist_versions.snapshot(session, checklist) if i["active"]]


# ---- filling in --------------------------------------------------------------------------------------------------
def field_name(item_id, name):
    return f"items.{item_id}.{name}"


def save(uow, actor, self_check_id, entries, note=None):
    """Save the draft: `entries` [{item_id (the self-check item's id), result, note, report, place, score,
    hazard_type}], some or all of its items (what is not given stays as it was). ValidationFailed names each wrong
    field (items.<id>.<name>) and nothing is stored; Conflict once submitted. Returns the self-check."""
    row = get_visible(uow.session, actor, self_check_id)  # 404 for another enterprise's staff
    check_may_write(actor, row)
    lock(uow.session, row)
    if row.status != "draft":
        raise Conflict("该自查已提交，不能再修改 / the self-check was submitted: it cannot change")
    items = {i.id: i for i in row.items}
    errors, wanted = {}, {}
    if note is not None:
        note = clean_text(note, MAX_NOTE, "note", errors)
    for entry in entries:
        number = row_id(entry.get("item_id"))
        if number not in items:
            errors[field_name(entry.get("item_id"), "result")] = "检查项不属于该自查 / not an item of this self-check"
        elif number in wanted:
            errors[field_name(number, "result")] = "该检查项重复提交 / the item is given twice"
        else:
            wanted[number] = clean_entry(entry, number, errors)
    raise_if(errors)
    changes = {}
    for number, values in wanted.items():
        item = items[number]
        before = item_text(item)
        for name, value in values.items():
            setattr(item, name, value)
        if item_text(item) != before:
            changes[item.code] = [before, item_text(item)]
    if note is not None and note != row.note:
        changes["note"] = [row.note, note]
        row.note = note
    if changes:
        row.updated_at = clock.now()
        uow.session.flush()
        audit.record(uow, None, actor, "self_check_saved", changes=changes,
                     details={"self_check_id": row.id, "enterprise_id": row.enterprise_id,
                              "name": row.enterprise.name}, subject=("enterprise", row.enterprise_id))
    return row


def lock(session, row):
    """The self-check's row locked (PostgreSQL) and read again: a save and a submit of the same draft wait for each
    other, so the second sees the first's outcome (a submitted self-check: 409)."""
    session.query(SelfCheck).filter_by(id=row.id).with_for_update().populate_existing().one()


def clean_entry(entry, number, errors):
    """An entry's values to store; wrong ones go into `errors` under items.<id>.<name>."""
    values = {}
    if "result" in entry:
        result = entry.get("result")
        result = result.strip() if isinstance(result, str) else result
        if result in (None, ""):
            values["result"] = None
        elif not isinstance(result, str) or result not in CHECK_RESULTS:
            errors[field_name(number, "result")] = "检查结果应为符合、不符合或不适用 / conform, nonconform or " \
                                                   "not_applicable"
        else:
            values["result"] = result
    if "note" in entry:
        values["note"] = clean_text(entry.get("note"), MAX_NOTE, field_name(number, "note"), errors)
    if "report" in entry:
        values["report"] = entry.get("report") in (True, "1", "true", "on", 1)
    if "place" in entry:
        values["place"] = clean_text(entry.get("place"), MAX_PLACE, field_name(number, "place"), errors)
    if "score" in entry:
        values["score"] = _score(entry.get("score"), number, errors)
    if "hazard_type" in entry:
        values["hazard_type"] = str(entry.get("hazard_type") or "").strip()[:32] or None
    return values


def _score(value, number, errors):
    if value in (None, ""):
        return None
    score = whole_number(value)
    if score is None or score > 100:
        errors[field_name(number, "score")] = "评分应为 0–100 的整数 / a whole number from 0 to 100"
    return score


def item_text(item):
    """An item's state as the audit shows it."""
    text = item.result or "—"
    if item.note:
        text += f": {item.note}"
    if item.result == "nonconform":
        text += f" [{'上报' if item.report else '不上报'} {item.place} {item.score if item.score is not None else ''}]"
    return text


# ---- lists and counts --------------------------------------------------------------------------------------------
@dataclass
class SelfCheckFilter:
    """The list's filters: an enterprise, a period of submission days (a draft: of its start), findings: "with" (some
    item does not conform) or "without"; status "draft" or "submitted"."""
    enterprise_id: int = None
    since: date = None
    until: date = None
    findings: str = ""
    status: str = ""


FINDINGS = ("with", "without")


def listing(session, user, flt, limit=50, offset=0):
    """(a page of the visible self-checks matching `flt`, newest first; how many match)."""
    query = visible(session, user)
    if flt.enterprise_id:
        query = query.filter(SelfCheck.enterprise_id == flt.enterprise_id)
    if flt.status in ("draft", "submitted"):
        query = query.filter(SelfCheck.status == flt.status)
    moment = SelfCheck.started_at if flt.status == "draft" else SelfCheck.submitted_at
    if flt.since:
        # from the day's first moment; 0001-01-01's is before the first UTC day (an overflow): the 2nd's then
        query = query.filter(moment >= datetime.combine(max(flt.since, date(1, 1, 2)), time.min, SHANGHAI))
    if flt.until:
        # to the day's last moment (not the next day's start: 9999-12-31 has none)
        query = query.filter(moment <= datetime.combine(flt.until, time.max, SHANGHAI))
    if flt.findings in FINDINGS:
        found = exists().where(SelfCheckItem.self_check_id == SelfCheck.id, SelfCheckItem.result == "nonconform")
        query = query.filter(found if flt.findings == "with" else ~found)
    total = query.count()
    rows = query.order_by(SelfCheck.started_at.desc(), SelfCheck.id.desc()).limit(limit).offset(offset).all()
    return rows, total


def counts(row):
    """{total, filled, nonconform, reported (cases made)} of a self-check's items."""
    items = row.items
    return {"total": len(items), "filled": sum(1 for i in items if i.result),
            "nonconform": sum(1 for i in items if i.result == "nonconform"),
            "reported": sum(1 for i in items if i.case_id is not None)}


def may_read(user):
    """The staff side (every enterprise), township offices (their area) and enterprise staff (their own)."""
    return sees_all_cases(user) or may_write(user) or bool(covered_townships(user))


def audit_photo_removed(uow, actor, row, public_id, field):
    audit.record(uow, None, actor, "self_check_photo_removed", changes={field: [public_id, None]},
                 details={"self_check_id": row.id, "enterprise_id": row.enterprise_id, "name": row.enterprise.name},
                 subject=("enterprise", row.enterprise_id))
