"""The annual 最佳配合企业 award (seed 000 L754 “设立‘最佳配合企业’评选机制，每年度表彰积极配合排查工作并落实整改措施的企业…评选标准包括
问题整改率、反馈及时率、配合满意度等多项指标”): proposed by the system, confirmed by the bureau, published to the enterprises.

The monthly cooperation score already weighs 整改落实、反馈及时 and 资料完整 (services/cooperation.py), so the proposal is:
the enterprises with no deduction in the year (no credit-record entry with negative points) and at least
AWARD_MIN_MONTHS months scored, by their average monthly cooperation score (rounded to 0.1), the best first. Equal
averages share a place (1, 1, 3) and the list takes every enterprise placed within the first AWARD_SIZE — a tie at
the last place lengthens the list rather than being broken by something the seed does not name; within a place, by
name. The proposal is read from the frozen evaluations once the year is confirmed, so the award is confirmed after the
grades (Conflict before) and once (Conflict again); the confirmation stores each winner's place, with the bureau's
note, and publishes the list to every enterprise as a notice (services/bureau_notices.py).

Who: the credit readers see the proposal and the confirmed list; township offices and enterprise staff see the
confirmed list only (it is published to every enterprise)."""
from dataclasses import dataclass

from sqlalchemy import true

from ..clock import clock
from ..errors import Conflict, NotAllowed
from ..models import CreditEvaluation
from . import audit, bureau_notices
from .credit import AWARD_MIN_MONTHS, AWARD_SIZE, is_over, may_confirm, reads_all, stored
from .credit_years import SUBJECT, check_may_read, confirmed_year, evaluations
from .field_rules import clean_text, raise_if

MAX_NOTE = 1000


@dataclass
class AwardList:
    year: int
    credit_year: object  # CreditYear or None
    entries: list  # [(place, Evaluation)], by place then name
    confirmed: bool  # the bureau confirmed the list
    visible: bool  # the user may see these entries (a proposal is not shown to township offices and enterprises)


def candidates(rows):
    """[(place, Evaluation)] of the proposal from a year's evaluations (the rules above)."""
    eligible = [e for e in rows if e.deductions == 0 and e.cooperation_months >= AWARD_MIN_MONTHS]
    eligible.sort(key=lambda e: (-e.cooperation_average, e.enterprise.name, e.enterprise.id))
    placed, place = [], 0
    for position, row in enumerate(eligible, start=1):
        if not placed or row.cooperation_average != placed[-1][1].cooperation_average:
            place = position
        if place > AWARD_SIZE:
            break
        placed.append((place, row))
    return placed


def award_list(session, user, year):
    check_may_read(user)
    row = confirmed_year(session, year)
    if row is not None and row.award_confirmed_at is not None:
        winners = [stored(w) for w in session.query(CreditEvaluation).filter(
            CreditEvaluation.year == year, CreditEvaluation.award_place.isnot(None))]
        winners.sort(key=lambda e: (e.award_place, e.enterprise.name, e.enterprise.id))  # as the proposal: Python's
        return AwardList(year, row, [(w.award_place, w) for w in winners], True, True)  # order, not the collation's
    if not reads_all(user):
        return AwardList(year, row, [], False, False)
    return AwardList(year, row, candidates(evaluations(session, year, true())), False, True)


def confirm(uow, user, year, note=""):
    """Confirm the proposal of a confirmed year (with the bureau's optional note) and publish it to every
    enterprise; Conflict before the grades are confirmed and when the award was confirmed already."""
    session = uow.session
    if not may_confirm(user):
        raise NotAllowed("只有应急管理局可以确认最佳配合企业名单 / only the bureau confirms the award list")
    row = confirmed_year(session, year)
    if row is None:
        raise Conflict(("请先确认年度信用评价，再确认最佳配合企业名单 / confirm the year's credit evaluation first"
                        if is_over(year) else f"{year} 年度尚未结束 / the year {year} is not over yet"))
    session.refresh(row, with_for_update=True)
    if row.award_confirmed_at is not None:
        raise Conflict(f"{year} 年度最佳配合企业名单已确认 / the award list of {year} was confirmed already")
    errors = {}
    note = clean_text(note, MAX_NOTE, "note", errors)
    raise_if(errors)
    entries = candidates(evaluations(session, year, true()))
    places = {e.enterprise.id: place for place, e in entries}
    for evaluation in session.query(CreditEvaluation).filter(CreditEvaluation.year == year,
                                                             CreditEvaluation.enterprise_id.in_(list(places) or [0])):
        evaluation.award_place = places[evaluation.enterprise_id]
    row.award_confirmed_by_id, row.award_confirmed_at, row.award_note = user.id, clock.now(), note
    if entries:
        notice = bureau_notices.create(uow, user, {
            "kind": "notice", "title": f"{year}年度“最佳配合企业”名单", "body": notice_body(year, entries, note),
            "target_kind": "all", "target_values": []}, publish_now=True, kinds=("notice",))
        row.award_notice_id = notice.id
    session.flush()
    audit.record(uow, None, user, "credit_award_confirmed", changes={"award_confirmed": [False, True]}, details={
        "year": year, "winners": [{"enterprise_id": e.enterprise.id, "place": place,
                                   "cooperation_average": e.cooperation_average} for place, e in entries],
        "note": note, "bureau_notice_id": row.award_notice_id}, subject=(SUBJECT, year))
    return row


def notice_body(year, entries, note):
    lines = [f"根据{year}年度企业配合排查和整改落实情况（全年无信用扣分，按月度配合评分平均分排序），经应急管理局确认，"
             f"以下企业评为{year}年度“最佳配合企业”，予以表彰："]
    lines += [f"{place}. {e.enterprise.name}（月度配合评分平均 {e.cooperation_average} 分）" for place, e in entries]
    if note:
        lines += ["", note]
    return "\n".join(lines)
