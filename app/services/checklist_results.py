"""A visit's checklist (逐项核对): the items that apply to the visit's enterprise — the general list and its
industry's, and the list of the campaign the visit was made for (专项行动, services/campaigns.py) — with the result
recorded for each (conform / nonconform / not applicable, a note), how many are checked, and the hazard case
registered from a nonconforming item. The visit's recorders (inspectors, project leads)
record whole or partial results; everyone who sees the visit sees them."""
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError

from ..clock import clock
from ..errors import Conflict, NotAllowed
from ..models import CHECK_RESULTS, DIMENSIONS, ChecklistItem, ChecklistResult
from . import audit, checklists
from .field_rules import clean_text, raise_if, row_id
from .inspections import get_visible_visit, may_record, report_editable

MAX_NOTE = 2000
_DIMENSION_RANK = {code: n for n, code in enumerate(DIMENSIONS)}


@dataclass
class Row:
    item: ChecklistItem
    result: ChecklistResult = None


@dataclass
class Section:
    checklist: object
    groups: list = field(default_factory=list)  # [(dimension code, [Row])]


@dataclass
class VisitChecklist:
    sections: list
    total: int
    checked: int
    nonconform: int

    @property
    def rows(self):
        return [row for section in self.sections for _, rows in section.groups for row in rows]


def result_field(item_id):
    return f"results.{item_id}.result"


def note_field(item_id):
    return f"results.{item_id}.note"


def items_of_visit(session, visit):
    """The items a visit checks: the active items of the lists for its enterprise's industry, and any item with a
    result recorded at this visit (deactivated since, or of a list the enterprise no longer falls under)."""
    lists = checklists.checklists_for(session, visit.enterprise.industry)
    campaign_list = visit.campaign.checklist if visit.campaign is not None else None
    if campaign_list is not None and campaign_list not in lists:  # the list the campaign's visits use
        lists.append(campaign_list)
    items = checklists.items_for(session, lists)
    recorded = {r.item_id: r for r in session.query(ChecklistResult).filter_by(visit_id=visit.id)}
    known = {i.id for i in items}
    extra = [i for i in session.query(ChecklistItem).filter(ChecklistItem.id.in_(set(recorded) - known))] \
        if set(recorded) - known else []
    return items + sorted(extra, key=lambda i: (i.checklist.code, i.position)), recorded


def visit_checklist(session, visit):
    """The visit's items grouped by list, then by dimension (in DIMENSIONS' order), with their results and counts."""
    items, recorded = items_of_visit(session, visit)
    by_list = {}
    for item in items:
        by_list.setdefault(item.checklist_id, []).append(item)
    sections = []
    for list_items in by_list.values():
        groups = {}
        for item in sorted(list_items, key=lambda i: _DIMENSION_RANK.get(i.dimension, len(_DIMENSION_RANK))):
            groups.setdefault(item.dimension, []).append(Row(item, recorded.get(item.id)))  # stable: keeps order
        sections.append(Section(list_items[0].checklist, list(groups.items())))
    results = [recorded[i.id] for i in items if i.id in recorded]
    return VisitChecklist(sections, len(items), len(results), sum(1 for r in results if r.result == "nonconform"))


def check_may_record(actor):
    if not may_record(actor):
        raise NotAllowed("只有排查人员和项目负责人可以登记检查结果 / only inspectors and project leads record "
                         "checklist results")


def record(uow, actor, visit_id, entries):
    """Record results at a visit: `entries` [{item_id, result, note}], some or all of its items (an entry without a
    result and note is skipped; what is not given stays as it was). ValidationFailed names each wrong field
    (results.<item id>.result / .note) and nothing is stored; returns (visit, {item code: [before, after]})."""
    visit = get_visible_visit(uow.session, actor, visit_id)  # 404 for another enterprise's staff
    check_may_record(actor)
    if not report_editable(visit):  # the report is under review or approved (services/visit_review.py)
        raise Conflict("报告已提交审核或已终审，检查结果不能再改 / the report is under review or approved: the "
                       "checklist results cannot change")
    items, recorded = items_of_visit(uow.session, visit)
    allowed = {i.id: i for i in items}
    errors, wanted = {}, {}
    for entry in entries:
        item_id = entry.get("item_id")
        key = item_id if isinstance(item_id, int) and not isinstance(item_id, bool) else str(item_id)
        if key not in allowed:
            errors[result_field(key)] = "检查项不存在或不适用于该企业 / unknown item, or not one for this enterprise"
        elif key in wanted:
            errors[result_field(key)] = "该检查项重复提交 / the item is given twice"
        else:
            wanted[key] = _clean(entry, allowed[key], recorded.get(key), errors)
    raise_if(errors)
    changes = {}
    for item_id, value in wanted.items():
        if value is None:
            continue
        result, note = value
        row = recorded.get(item_id)
        before = _text(row.result, row.note) if row else None
        if row is None:
            row = ChecklistResult(visit_id=visit.id, item_id=item_id, result=result, note=note,
                                  recorded_at=clock.now(), recorded_by_id=actor.id)
            uow.session.add(row)
        elif (row.result, row.note) == (result, note):
            continue
        else:
            row.result, row.note, row.recorded_at, row.recorded_by_id = result, note, clock.now(), actor.id
        changes[allowed[item_id].code] = [before, _text(result, note)]
    if changes:
        try:
            uow.session.flush()
        except IntegrityError:  # (visit, item) is unique: someone saved the same item at the same moment
            raise Conflict("检查结果刚被他人保存，请刷新后重试 / the results were just saved by someone else: "
                           "reload the page and try again") from None
        audit.record(uow, None, actor, "checklist_recorded", changes=changes,
                     details={"visit_id": visit.id, "enterprise_id": visit.enterprise_id,
                              "name": visit.enterprise.name})
    return visit, changes


def _clean(entry, item, row, errors):
    """(result, note) of one entry, None to skip it; wrong values go into `errors`."""
    result = entry.get("result")
    result = result.strip() if isinstance(result, str) else result
    note = clean_text(entry.get("note"), MAX_NOTE, note_field(item.id), errors)
    if result in (None, ""):
        if note:
            errors[result_field(item.id)] = "请选择检查结果 / choose the result"
        return None
    if not isinstance(result, str) or result not in CHECK_RESULTS:
        errors[result_field(item.id)] = "检查结果应为符合、不符合或不适用 / conform, nonconform or not_applicable"
        return None
    if result == "nonconform" and not note and note_field(item.id) not in errors:
        errors[note_field(item.id)] = "不符合项请说明发现的问题 / say what does not conform"
    if row is not None and row.case_id is not None and result != "nonconform":
        code = row.case.code
        errors[result_field(item.id)] = (f"已据此登记隐患 {code}，不能改为其他结果 / hazard {code} was registered "
                                         "from it: the result stays nonconform")
    return result, note


def _text(result, note):
    return f"{result}: {note}" if note else result


def result_for_hazard(session, visit, item_id):
    """The nonconforming result of `item_id` at `visit` that a hazard being registered comes from; ValidationFailed
    names the field when there is none, or a hazard was registered from it already."""
    number = row_id(item_id)
    row = session.query(ChecklistResult).filter_by(visit_id=visit.id, item_id=number).first() \
        if number is not None else None
    if row is None or row.result != "nonconform":
        raise_if({"checklist_item_id": "该检查项在本次排查中未记为不符合 / the item is not recorded as nonconforming "
                                       "at this visit"})
    if row.case_id is not None:
        raise_if({"checklist_item_id": f"已据此登记隐患 {row.case.code} / hazard {row.case.code} was registered "
                                       "from it already"})
    return row


def link_case(uow, row, case):
    """The case registered from a nonconforming result (in the registration's transaction)."""
    row.case_id = case.id
    uow.session.flush()
