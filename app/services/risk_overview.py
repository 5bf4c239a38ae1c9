"""What the risk registers add up to: an enterprise's 隐患排查清单 drawn from its risk points (seed 001 §六 第二阶段
“建立隐患排查清单与台账”), and the county's view of the registers — enterprises by their red and orange points, those
without a register, the colours per township / park.

The checklist is derived, not kept: each control measure of each point in the register (one line of a measure field
is one measure) is one thing to check, as often as the point says, by the level and person that control it. A point
edited changes its items at once; a retired one drops out. Points awaiting review are in it too: the enterprise
checks what it identified while the contractor reviews it."""
import re
from dataclasses import dataclass, field

from sqlalchemy import func

from ..models import MEASURE_KINDS, Enterprise, RiskPoint
from . import risk_levels
from .access import enterprise_condition, visible_enterprises
from .risk_points import points_of

# A bullet or a number a measure was typed with: "- ", "• ", "1. ", "2、", "3）", "（4）".
NUMBERING = re.compile(r"^\s*(?:[-–—•·*]|\d{1,2}[.．、)）]|[（(]\d{1,2}[)）])\s*")


@dataclass
class CheckItem:
    number: int
    point: RiskPoint
    measure_kind: str
    content: str


def check_items(session, enterprise_id):
    """The enterprise's 隐患排查清单: one item per control measure of each active point, worst colour first."""
    items = []
    for point in points_of(session, enterprise_id):
        for kind in MEASURE_KINDS:
            for line in (getattr(point, kind) or "").splitlines():
                content = _without_numbering(line)
                if content:
                    items.append(CheckItem(len(items) + 1, point, kind, content))
    return items


def _without_numbering(line):
    """A measure without the bullet or number it was typed with ("1. 定期检测" → "定期检测"; "3号罐 …" stays)."""
    return NUMBERING.sub("", line, count=1).strip()


@dataclass
class EnterpriseRisk:
    enterprise: Enterprise
    counts: dict = field(default_factory=lambda: dict.fromkeys(risk_levels.COLOUR_ORDER, 0))
    pending: int = 0
    returned: int = 0

    @property
    def total(self):
        return sum(self.counts.values())


@dataclass
class CountyView:
    enterprises: list  # [EnterpriseRisk] with a register, most red then orange points first
    without: list  # [Enterprise] with no point in a register
    townships: list  # [(township, {colour: count}, enterprises with a register)]
    totals: dict


def county(session, user, township="", name=""):
    """The registers of the enterprises the user sees (a township office: its area), narrowed to a township / park
    and a part of the name."""
    query = visible_enterprises(session, user)
    if township:
        query = query.filter(Enterprise.township == township)
    if name:
        query = query.filter(Enterprise.name.contains(name, autoescape=True))
    by_id = {e.id: EnterpriseRisk(e) for e in query.order_by(Enterprise.name, Enterprise.id)}
    counted = session.query(RiskPoint.enterprise_id, RiskPoint.colour, RiskPoint.status, func.count()) \
        .filter(RiskPoint.retired_at.is_(None), enterprise_condition(user, RiskPoint.enterprise_id)) \
        .group_by(RiskPoint.enterprise_id, RiskPoint.colour, RiskPoint.status)
    for enterprise_id, colour, status, count in counted:
        row = by_id.get(enterprise_id)
        if row is None or colour not in row.counts:
            continue
        row.counts[colour] += count
        row.pending += count if status == "pending" else 0
        row.returned += count if status == "returned" else 0
    with_register = sorted((r for r in by_id.values() if r.total),
                           key=lambda r: (-r.counts["red"], -r.counts["orange"], -r.total, r.enterprise.name))
    townships, totals = {}, dict.fromkeys(risk_levels.COLOUR_ORDER, 0)
    for row in with_register:
        counts, registers = townships.setdefault(row.enterprise.township or "", (
            dict.fromkeys(risk_levels.COLOUR_ORDER, 0), []))
        registers.append(row.enterprise.id)
        for colour, count in row.counts.items():
            counts[colour] += count
            totals[colour] += count
    return CountyView(with_register, [r.enterprise for r in by_id.values() if not r.total],
                      [(t, counts, len(ids)) for t, (counts, ids) in sorted(townships.items())], totals)
