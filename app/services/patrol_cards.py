"""Electronic patrol cards of the tagged key parts (电子巡检卡, models/key_part.py; seed 000 line 303: 每次排查均须填写
电子巡检卡并上传至系统平台，保证责任到人、过程可追溯).

A card is filled once and kept as it was (可追溯: who, when, each item 正常 / 异常 with a note, photos):
- at an inspection visit by the inspection team (inspectors, project leads): one card per key part and visit, while
  the visit's report can still change (draft / returned; services/inspections.report_editable) — the card is part of
  the report the reviewers sign;
- as the enterprise's daily patrol (日常巡检) by its own staff, for their own parts, as often as they patrol.
Other readers of the tags (the bureau's side, township offices …) read the cards and fill none (NotAllowed). An
enterprise's staff see a visit's cards once they see the visit (its report released), as the visit itself.

Completeness (每次排查均须填写): a visit is due a card for every part tagged by its day and not taken down before it.
The least disruptive enforcement was chosen: a missing card is a warning of the report's pre-submission check list
(services/visit_checks.py `patrol_cards_missing`, shown to the team and to each reviewer, who may return the report),
and the visit's page and its report PDF show the part as 未巡检; submitting is not blocked (a part may be locked or
out of reach on the day, which the reviewers judge)."""
from datetime import datetime, time, timedelta

from sqlalchemy import or_, select

from ..clock import SHANGHAI, clock
from ..errors import Conflict, NotAllowed, NotFound, ValidationFailed
from ..models import PATROL_RESULTS, InspectionVisit, KeyPart, PatrolCard, PatrolCardItem
from . import audit, inspections, key_parts
from .field_rules import clean_text, raise_if, row_id

MAX_NOTE = 1000


def may_fill_at_visits(user):
    return inspections.may_record(user)


def may_fill(user, part):
    """Whether `user` fills cards of `part` at all: the inspection team (at visits) or the enterprise's own staff."""
    return may_fill_at_visits(user) or key_parts.may_write(user, part.enterprise_id)


# ---- reading -----------------------------------------------------------------------------------------------------
def _visible_visit_ids(user):
    return select(InspectionVisit.id).where(inspections.visit_condition(user))


def cards_of_part(session, user, part, limit=100):
    """The part's cards the user sees, newest first (daily patrols, and the visits' the user sees)."""
    return session.query(PatrolCard).filter(
        PatrolCard.key_part_id == part.id,
        or_(PatrolCard.visit_id.is_(None), PatrolCard.visit_id.in_(_visible_visit_ids(user)))) \
        .order_by(PatrolCard.filled_at.desc(), PatrolCard.id.desc()).limit(limit).all()


def latest_cards(session, user, parts):
    """{part id: its latest card the user sees}."""
    if not parts:
        return {}
    latest = {}
    for card in session.query(PatrolCard).filter(
            PatrolCard.key_part_id.in_([p.id for p in parts]),
            or_(PatrolCard.visit_id.is_(None), PatrolCard.visit_id.in_(_visible_visit_ids(user)))) \
            .order_by(PatrolCard.filled_at, PatrolCard.id):
        latest[card.key_part_id] = card
    return latest


def get_card(session, user, card_id):
    """A card the user may read: its part's tags readable, and its visit (if any) visible; NotFound otherwise."""
    card = session.get(PatrolCard, card_id) if isinstance(card_id, int) else None
    if card is None:
        raise NotFound("巡检卡不存在 / patrol card not found")
    key_parts.get(session, user, card.key_part_id)
    if card.visit_id is not None:
        inspections.get_visible_visit(session, user, card.visit_id)
    return card


def due_at_visit(session, visit):
    """[(part, its card at the visit or None)]: the parts tagged by the visit's day and not taken down before it,
    and any other part carded at the visit, by name."""
    end = datetime.combine(visit.visited_on + timedelta(days=1), time.min, SHANGHAI)
    start = datetime.combine(visit.visited_on, time.min, SHANGHAI)
    cards = {c.key_part_id: c for c in session.query(PatrolCard).filter(PatrolCard.visit_id == visit.id)}
    parts = session.query(KeyPart).filter(
        KeyPart.enterprise_id == visit.enterprise_id,
        or_(KeyPart.id.in_(list(cards) or [-1]),
            (KeyPart.created_at < end) & (KeyPart.retired_at.is_(None) | (KeyPart.retired_at >= start)))) \
        .order_by(KeyPart.name, KeyPart.id).all()
    return [(part, cards.get(part.id)) for part in parts]


def missing_at_visit(session, visit):
    return [part for part, card in due_at_visit(session, visit) if card is None]


def open_visits_for(session, user, part):
    """The visits at the part's enterprise at which `user` may fill its card now (the report still editable, no card
    yet), newest first."""
    if not may_fill_at_visits(user):
        return []
    carded = select(PatrolCard.visit_id).where(PatrolCard.key_part_id == part.id, PatrolCard.visit_id.isnot(None))
    return inspections.visible_visits(session, user, inspections.VisitFilter(enterprise_id=part.enterprise_id)) \
        .filter(InspectionVisit.review_status.in_(inspections.EDITABLE), InspectionVisit.id.not_in(carded)) \
        .limit(20).all()


# ---- filling -----------------------------------------------------------------------------------------------------
def item_field(position, name):
    return f"items.{position}.{name}"


def fill(uow, user, part_id, entries, note="", visit_id=None, scanned=False):
    """A new card of the part: `entries` [{position (1-based), result, note}] for each of the tag's items. The
    inspection team fills at `visit_id`; the enterprise's staff fill a daily patrol (no visit). ValidationFailed
    names each wrong field; Conflict for a visit whose report is under review or a part carded there already."""
    session = uow.session
    part = key_parts.get(session, user, part_id)  # 403 / 404
    if part.is_retired:
        raise Conflict("重点部位已摘牌，不再填写巡检卡 / the key part's tag was taken down")
    errors = {}
    visit = None
    if may_fill_at_visits(user):
        kind = "visit"
        visit = _visit_for_card(session, user, part, visit_id, errors)
    elif key_parts.may_write(user, part.enterprise_id):
        kind = "daily"
        if visit_id not in (None, ""):
            errors["visit_id"] = "企业日常巡检不关联排查记录 / a daily patrol belongs to no visit"
    else:
        raise NotAllowed("巡检卡由排查人员、项目负责人（排查时）和本企业人员（日常巡检）填写 / patrol cards are filled by "
                         "the inspection team at visits and by the enterprise's own staff")
    items = _clean_items(part, entries, errors)
    text = clean_text(note, MAX_NOTE, "note", errors)
    raise_if(errors)
    card = PatrolCard(key_part_id=part.id, enterprise_id=part.enterprise_id, kind=kind,
                      visit_id=visit.id if visit else None, note=text, filled_by_id=user.id, filled_at=clock.now(),
                      scanned=bool(scanned), abnormal_count=sum(1 for i in items if i.result == "abnormal"),
                      items=items)
    session.add(card)
    session.flush()
    audit.record(uow, None, user, "patrol_card_filled", changes={
        "card_kind": [None, kind], "abnormal_count": [None, card.abnormal_count], "note": [None, text],
        "items": [None, [f"{i.content}：{PATROL_RESULTS[i.result][0]}" + (f"（{i.note}）" if i.note else "")
                         for i in items]]},
        details={"enterprise_id": part.enterprise_id, "key_part": part.name, "card_id": card.id,
                 "visit_id": card.visit_id}, subject=(key_parts.SUBJECT, part.id))
    return card


def _visit_for_card(session, user, part, visit_id, errors):
    number = row_id(visit_id)
    if number is None:
        errors["visit_id"] = "请选择本次排查记录 / choose the inspection visit"
        return None
    visit = inspections.get_visible_visit(session, user, number)  # 404 for one the user does not see
    if visit.enterprise_id != part.enterprise_id:
        errors["visit_id"] = "该排查记录属于另一家企业 / that visit was at another enterprise"
        return None
    if not inspections.report_editable(visit):
        raise Conflict("排查报告已在审核中或已终审，不能再补填巡检卡 / the visit's report is under review or approved")
    if session.query(PatrolCard.id).filter_by(visit_id=visit.id, key_part_id=part.id).first() is not None:
        raise Conflict("本次排查已填写该重点部位的巡检卡 / this key part's card was filled at this visit already")
    return visit


def _clean_items(part, entries, errors):
    given = {}
    for entry in entries or []:
        position = row_id(entry.get("position")) if isinstance(entry, dict) else None
        if position is not None:
            given[position] = entry
    items = []
    for position, content in enumerate(part.check_items or [], start=1):
        entry = given.get(position, {})
        result = str(entry.get("result") or "").strip()
        note = clean_text(entry.get("note"), MAX_NOTE, item_field(position, "note"), errors)
        if result not in PATROL_RESULTS:
            errors[item_field(position, "result")] = "请选择正常或异常 / choose normal or abnormal"
        elif result == "abnormal" and not note and item_field(position, "note") not in errors:
            errors[item_field(position, "note")] = "异常项须说明情况 / describe what is abnormal"
        items.append(PatrolCardItem(position=position, content=content, result=result, note=note))
    unknown = sorted(set(given) - set(range(1, len(items) + 1)))
    if unknown:
        errors["items"] = f"没有第 {unknown[0]} 项 / no item {unknown[0]}"
    return items


# ---- from an 异常 item to a hazard -----------------------------------------------------------------------------
def abnormal_item(session, user, item_id):
    """The 异常 item of a card the user reads, with no hazard registered from it yet: NotFound / Conflict otherwise."""
    item = session.get(PatrolCardItem, item_id) if isinstance(item_id, int) else None
    if item is None:
        raise NotFound("巡检卡检查项不存在 / patrol card item not found")
    get_card(session, user, item.card_id)
    if item.result != "abnormal":
        raise Conflict("只有异常项可以登记隐患 / only an abnormal item is registered as a hazard")
    if item.case_id is not None:
        raise Conflict("该异常项已登记隐患 / a hazard was registered from this item already")
    return item


def hazard_prefill(session, user, item_id):
    """(item, the registration form's draft): the part's enterprise and location, and what was found there."""
    item = abnormal_item(session, user, item_id)
    card, part = item.card, item.card.key_part
    day = card.filled_at.astimezone(SHANGHAI).strftime("%Y-%m-%d")
    values = {"enterprise_id": str(part.enterprise_id), "place": f"{part.location}（{part.name}）"[:200],
              "description": f"电子巡检卡异常（{part.name}，{day}）：{item.content}。{item.note}"[:2000]}
    return item, values


def link_case(uow, user, item_id, case):
    """Record the case registered from the 异常 item (in the registration's transaction); Conflict if one was."""
    item = abnormal_item(uow.session, user, item_id)
    if case.enterprise_id != item.card.enterprise_id:
        raise ValidationFailed("隐患与巡检卡不属于同一企业 / the hazard is at another enterprise",
                               fields={"enterprise_id": "隐患与巡检卡不属于同一企业 / the hazard is at another "
                                                        "enterprise"})
    item.case_id = case.id
    uow.session.flush()
    audit.record(uow, case.id, user, "patrol_item_registered", changes={"case": [None, case.code]},
                 details={"key_part": item.card.key_part.name, "card_id": item.card_id, "item": item.content},
                 subject=(key_parts.SUBJECT, item.card.key_part_id))
