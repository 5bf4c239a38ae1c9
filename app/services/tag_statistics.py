"""The statistics by risk tag (企业风险标签, services/enterprise_tags.py) on /reports: the period's hazards by the tags
of their enterprise, and each tag's coverage (the tender's "两重点一重大…必须全覆盖": of the area's enterprises with
the tag, how many had an inspection visit in the year).

An enterprise may have several tags, so a hazard is counted under each tag of its enterprise: the rows do not add
up to the total, and the page says so. Hazards of enterprises without a tag are in no row.

Coverage counts inspection visits (排查记录) dated in the calendar year of the period's end, as the service project's
coverage counts visits: a visit is the on-site check the tender asks to cover every such enterprise."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ..models import EnterpriseTag, InspectionVisit
from .enterprise_tags import ordered


@dataclass
class TagCoverage:
    tag: str
    enterprises: int = 0  # the area's enterprises with the tag
    visited: int = 0  # of those, visited in the year

    @property
    def percent(self):
        return round(100 * self.visited / self.enterprises, 1) if self.enterprises else None

    @property
    def not_visited(self):
        return self.enterprises - self.visited


def coverage(session, year, area_condition):
    """[TagCoverage] of every tag some enterprise of the area has, in the tags' order: its enterprises, and how many
    of them had an inspection visit in `year`. `area_condition(column)` keeps the area's enterprises."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    visited = select(InspectionVisit.enterprise_id).where(InspectionVisit.visited_on >= start,
                                                          InspectionVisit.visited_on <= end)
    totals = dict(session.execute(
        select(EnterpriseTag.tag, func.count(EnterpriseTag.enterprise_id))
        .where(area_condition(EnterpriseTag.enterprise_id)).group_by(EnterpriseTag.tag)).all())
    seen = dict(session.execute(
        select(EnterpriseTag.tag, func.count(EnterpriseTag.enterprise_id))
        .where(area_condition(EnterpriseTag.enterprise_id), EnterpriseTag.enterprise_id.in_(visited))
        .group_by(EnterpriseTag.tag)).all())
    return [TagCoverage(tag, totals[tag], seen.get(tag, 0)) for tag in ordered(totals)]
