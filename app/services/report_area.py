"""The part of the county a statistic counts (属地统计): the whole county, the enterprises of some townships / parks,
or one enterprise. Managers, the bureau and administrators count the county and may narrow it to any township on
the register or any enterprise; a township / park safety office counts the townships it covers and may narrow it to
one of them or to one of their enterprises — asking for another area is 404, as its cases are (services/access.py).

The area is a SQL condition on a case's enterprise id, added to every grouped query of the statistics, the trend and
the periodic reports: the database counts only the area's cases (one indexed IN over the enterprise ids of the
townships), nothing is read into Python to be filtered."""
from dataclasses import dataclass

from sqlalchemy import false, select, true

from ..errors import NotFound
from ..models import Enterprise
from .access import covered_townships, get_visible_enterprise, sees_all_cases, township_choices


@dataclass(frozen=True)
class Area:
    townships: tuple = None  # None: the whole county; () counts nothing (an office covering no township)
    enterprise_id: int = None
    enterprise_name: str = ""

    @property
    def is_county(self):
        return self.townships is None and self.enterprise_id is None

    def condition(self, column):
        """SQL condition for rows of the area's enterprises, by their enterprise id `column`."""
        if self.enterprise_id is not None:
            return column == self.enterprise_id
        if self.townships is None:
            return true()
        if not self.townships:
            return false()
        return column.in_(select(Enterprise.id).where(Enterprise.township.in_(self.townships)))

    def name(self, county, joiner="、"):
        """The area in words, for titles: the enterprise, the townships, or `county` for the whole county."""
        if self.enterprise_id is not None:
            return self.enterprise_name
        return county if self.townships is None else joiner.join(self.townships)


COUNTY = Area()


def of_townships(townships):
    return Area(tuple(sorted(townships)))


def default_for(user):
    """The area a user's statistics count when they ask for none: the county, or the townships they cover."""
    return COUNTY if sees_all_cases(user) else of_townships(covered_townships(user))


def chosen(session, user, township=None, enterprise_id=None):
    """The area a user asks for: their default, narrowed to one township / park and / or one enterprise. 404 for a
    township the user does not cover (or not on the register) and for an enterprise outside their area or the
    chosen township — the same answer whether or not it exists."""
    area = default_for(user)
    if township:
        if township not in township_choices(session, user):
            raise NotFound("township not found")
        area = of_townships([township])
    if enterprise_id is not None:
        enterprise = get_visible_enterprise(session, user, enterprise_id)
        if area.townships is not None and enterprise.township not in area.townships:
            raise NotFound("enterprise not found")  # visible by another role, or outside the chosen township
        area = Area(area.townships, enterprise.id, enterprise.name)
    return area
