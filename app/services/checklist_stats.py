"""The industry common-problem list (行业共性问题清单): per checklist item, how many visits checked it, how many found
it nonconforming and at how many distinct enterprises, for the visits of a period, an industry or a list; the items
failing most often first. It tells the next round of inspections where to look harder (the seed: 纳入下一轮隐患
排查清单的重点关注范畴). For those who see every enterprise's visits."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, distinct, func

from ..errors import NotAllowed
from ..models import ChecklistItem, ChecklistResult, Enterprise, InspectionVisit
from .access import enterprise_condition, sees_all_cases


@dataclass
class StatsFilter:
    industry: str = ""  # the enterprises' industry (the register's text)
    checklist_id: int = None
    since: date = None  # visited on or after
    until: date = None  # visited on or before


@dataclass
class ItemStat:
    item: ChecklistItem
    checked: int  # visits that found it conforming or not
    nonconform: int
    not_applicable: int
    enterprises: int  # distinct enterprises where it did not conform

    @property
    def rate(self):
        """Per cent of the checks that found it nonconforming, None when nobody checked it."""
        return round(100 * self.nonconform / self.checked, 1) if self.checked else None


def may_read(user):
    return sees_all_cases(user)


def common_problems(session, user, flt=StatsFilter()):
    """(the items with results in the filter, most often nonconforming first; visits counted; enterprises
    counted)."""
    if not may_read(user):
        raise NotAllowed("共性问题清单供排查、监管和管理人员查看 / the common-problem list is for the inspection "
                         "team, supervisors and managers")
    failed = ChecklistResult.result == "nonconform"
    query = session.query(
        ChecklistResult.item_id,
        func.sum(case((ChecklistResult.result.in_(("conform", "nonconform")), 1), else_=0)),
        func.sum(case((failed, 1), else_=0)),
        func.sum(case((ChecklistResult.result == "not_applicable", 1), else_=0)),
        func.count(distinct(case((failed, InspectionVisit.enterprise_id)))))
    query = _filtered(query, user, flt).group_by(ChecklistResult.item_id)
    counts = {row[0]: row[1:] for row in query}
    items = {i.id: i for i in session.query(ChecklistItem).filter(ChecklistItem.id.in_(counts))} if counts else {}
    stats = [ItemStat(items[item_id], int(checked or 0), int(nonconform or 0), int(na or 0), int(enterprises or 0))
             for item_id, (checked, nonconform, na, enterprises) in counts.items()]
    stats.sort(key=lambda s: (-s.nonconform, -(s.rate or 0), s.item.code))
    visits, enterprises = _filtered(session.query(func.count(distinct(ChecklistResult.visit_id)),
                                                  func.count(distinct(InspectionVisit.enterprise_id))),
                                    user, flt).one()
    return stats, visits or 0, enterprises or 0


def _filtered(query, user, flt):
    query = query.select_from(ChecklistResult) \
        .join(InspectionVisit, InspectionVisit.id == ChecklistResult.visit_id) \
        .join(ChecklistItem, ChecklistItem.id == ChecklistResult.item_id) \
        .filter(enterprise_condition(user, InspectionVisit.enterprise_id))
    if flt.industry:
        query = query.join(Enterprise, Enterprise.id == InspectionVisit.enterprise_id) \
            .filter(Enterprise.industry == flt.industry)
    if flt.checklist_id:
        query = query.filter(ChecklistItem.checklist_id == flt.checklist_id)
    if flt.since:
        query = query.filter(InspectionVisit.visited_on >= flt.since)
    if flt.until:
        query = query.filter(InspectionVisit.visited_on <= flt.until)
    return query


def industries_visited(session):
    """The industries of enterprises with recorded checklist results, for the filter."""
    rows = session.query(distinct(Enterprise.industry)) \
        .join(InspectionVisit, InspectionVisit.enterprise_id == Enterprise.id) \
        .join(ChecklistResult, ChecklistResult.visit_id == InspectionVisit.id) \
        .filter(Enterprise.industry != "")
    return sorted(value for (value,) in rows)

