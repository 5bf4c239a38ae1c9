"""Verifications passed at their first round (二次核查通过率, seed 000 line 112: ≥ 98 %). A case is closed (销号) when
its verification passes; a failed one sends the case back to rectification with the diagram's round counter raised
(`hazard_case.round`, 1 for the first; re-grading does not raise it). So the cases closed in a period are the
verifications completed in it, and those closed in round 1 passed the first time they were checked.

One grouped query, shared by the monthly cooperation score (per enterprise, services/cooperation_measures.py) and
the project KPIs (per month of closing, in an area, services/kpi.py)."""
from sqlalchemy import case, func, select, true

from ..models import HazardCase


def closures(session, begin, finish, key, condition=None):
    """[(key, closed, first_round)] of the cases closed from the moment `begin` (included) to `finish` (excluded),
    grouped by `key` (a column or an expression); `condition` narrows the cases (an area)."""
    first_round = case((func.coalesce(HazardCase.round, 1) == 1, 1), else_=0)
    rows = session.execute(
        select(key.label("key"), func.count().label("closed"), func.sum(first_round).label("first_round"))
        .where(HazardCase.closed_at >= begin, HazardCase.closed_at < finish,
               true() if condition is None else condition)
        .group_by(key))
    return [(row.key, row.closed, int(row.first_round or 0)) for row in rows]
