"""The map of enterprises (重点监管点位; seed 000: "利用 GIS 地理信息系统标注重点监管点位", "采用 GIS 地图叠加技术，直观显示
各乡镇、园区的安全风险等级"): every enterprise the user may see that has a position (企业位置), coloured by one chosen
attribute, with the facts a popup shows; those without a position are listed, so the map never hides that it shows
only part of the register.

Who: those who see enterprises beyond their own — every role that sees all cases, and township / park safety offices
(属地监管) for their area (services/access.py). Enterprise staff do not get the layer: it would show them one point,
their own, and the colours are the supervisors' assessments (the priority list, the regional levels) that their
pages do not show; the API answers them 403. Department users see no enterprise.

The colour attributes (`COLOUR_BY`), each offered only to those who may read what it is computed from:
- priority: the band of the inspection priority list (services/inspection_priority.py) by its number of reasons —
  high 3 or more, medium 2, low 1, none (not on the list); the roles of the priority list;
- area_risk: the regional risk level (services/region_risk.py) of the enterprise's township / park — the
  tender's 各乡镇、园区的安全风险等级 without the county's boundary files; the roles of the priority list;
- cooperation: the class (A / B / C) of its latest monthly cooperation score, none before the first (the oversight
  roles of services/cooperation.py; not township offices, who do not read the scores);
- open_major: an open 重大 / 特别重大 case (everyone who gets the layer: they see those cases);
- hazard_sources: major hazard sources on file, structured or in the register's old text
  (services/hazard_source_presence.py; the readers of the 重大危险源 register);
- tag: the first of its risk tags in the register's order (两重点一重大 first), none without; every tag is in the popup,
  and the tag filter shows all the enterprises with one.
"""
from dataclasses import dataclass, field

from sqlalchemy import case, func
from sqlalchemy.orm import selectinload

from ..errors import NotAllowed, ValidationFailed
from ..models import ENTERPRISE_TAGS, Enterprise, HazardCase, IotDevice
from . import cooperation, hazard_sources, iot_access
from .access import sees_all_cases, visible_enterprises
from .enterprise_tags import tagged
from .hazard_source_presence import enterprises_with_sources
from .inspection_priority import priority_list
from .region_risk import LEVELS as AREA_LEVELS, NO_TOWNSHIP, grade_areas

COLOUR_BY = ("priority", "area_risk", "cooperation", "open_major", "hazard_sources", "tag")
# The categories of each attribute, in the legend's order.
CATEGORIES = {
    "priority": ("high", "medium", "low", "none"),
    "area_risk": AREA_LEVELS,
    "cooperation": ("A", "B", "C", "none"),
    "open_major": ("yes", "no"),
    "hazard_sources": ("yes", "no"),
    "tag": (*ENTERPRISE_TAGS, "none"),
}
# The roles of the inspection priority list and the regional levels (web/priorities.ROLES).
PRIORITY_READERS = ("bureau", "manager", "admin", "quality", "project_lead", "inspector", "supervision", "expert",
                    "township")
MAX_TOWNSHIP = 100
MAX_UNLOCATED = 300  # listed under the map; the count covers all
MAJOR_GRADES = ("major", "especially_major")


@dataclass
class EnterprisePoint:
    """One enterprise with its facts. A fact the user may not read is None (and so is not shown)."""
    enterprise: Enterprise
    category: str  # of CATEGORIES[by]
    open_cases: int = 0
    open_major: int = 0
    reasons: list = None  # the priority reasons' codes (inspection_priority.REASONS)
    band: str = None
    area_level: str = None
    cooperation_class: str = None  # "A" / "B" / "C", "" before the first score
    hazard_sources: int = None  # structured sources not retired; 0 when only the old text names some; -1: none
    iot_devices: int = None  # devices in use


@dataclass
class EnterpriseLayer:
    by: str
    points: list  # [EnterprisePoint] of the matching enterprises with a position, by name
    unlocated: list  # [Enterprise] matching without one, by name, at most MAX_UNLOCATED
    matching: int  # enterprises matching the filters
    unlocated_total: int
    counts: dict = field(default_factory=dict)  # category: points of it

    @property
    def located(self):
        return len(self.points)


def may_see_layer(user):
    return sees_all_cases(user) or "township" in user.roles


def colour_choices(user):
    """The attributes this user may colour by, in COLOUR_BY's order (empty: no layer)."""
    if not may_see_layer(user):
        return []
    allowed = {"open_major", "tag"}
    if user.has_role(*PRIORITY_READERS):
        allowed |= {"priority", "area_risk"}
    if cooperation.is_oversight(user):
        allowed.add("cooperation")
    if hazard_sources.may_read(user):
        allowed.add("hazard_sources")
    return [code for code in COLOUR_BY if code in allowed]


def default_colour(user):
    choices = colour_choices(user)
    return choices[0] if choices else None


def check_filters(user, by, township, tag):
    """The filters as given, or ValidationFailed naming each wrong one; NotAllowed for a user without the layer
    or an attribute they may not read."""
    if not may_see_layer(user):
        raise NotAllowed("企业分布图供监管、排查和属地监管人员查看 / the map of enterprises is for the supervising, "
                         "inspecting and township staff")
    errors = {}
    if by not in COLOUR_BY:
        errors["by"] = "未知的着色依据 / unknown attribute to colour by"
    if tag and tag not in ENTERPRISE_TAGS:
        errors["tag"] = "未知的风险标签 / unknown risk tag"
    if len(township) > MAX_TOWNSHIP:
        errors["township"] = f"最多 {MAX_TOWNSHIP} 个字符 / at most {MAX_TOWNSHIP} characters"
    if errors:
        raise ValidationFailed(next(iter(errors.values())), fields=errors)
    if by not in colour_choices(user):
        raise NotAllowed("你的角色不能按此着色 / your role may not colour the map by this attribute")


def layer(session, user, by, township="", tag=""):
    """The enterprises the user may see, in `township` and with the risk `tag` when given, coloured `by`."""
    check_filters(user, by, township, tag)
    query = visible_enterprises(session, user).options(selectinload(Enterprise.tag_rows))
    if township:
        query = query.filter(Enterprise.township == township)
    if tag:
        query = query.filter(tagged(Enterprise.id, [tag]))
    enterprises = query.order_by(Enterprise.name, Enterprise.id).all()
    located = [e for e in enterprises if e.latitude is not None and e.longitude is not None]
    unlocated = [e for e in enterprises if e.latitude is None or e.longitude is None]
    points = _points(session, user, located, by)
    counts = {code: 0 for code in CATEGORIES[by]}
    for point in points:
        counts[point.category] += 1
    return EnterpriseLayer(by, points, unlocated[:MAX_UNLOCATED], len(enterprises), len(unlocated), counts)


def _points(session, user, enterprises, by):
    if not enterprises:
        return []
    ids = [e.id for e in enterprises]
    choices = set(colour_choices(user))
    open_cases, open_major = _open_cases(session, ids)
    points = [EnterprisePoint(e, "", open_cases.get(e.id, 0), open_major.get(e.id, 0)) for e in enterprises]
    if "priority" in choices:
        reasons = {p.enterprise.id: [r.code for r in p.reasons] for p in priority_list(session, user=user)}
        levels = {area.township: area.level for area in grade_areas(session)}
        for point in points:
            point.reasons = reasons.get(point.enterprise.id, [])
            point.band = band_of(len(point.reasons))
            point.area_level = levels.get(point.enterprise.township or NO_TOWNSHIP)
    if "cooperation" in choices:
        classes = cooperation.latest_classes(session)
        for point in points:
            scored = classes.get(point.enterprise.id)
            point.cooperation_class = scored.cooperation_class if scored else ""
    if "hazard_sources" in choices:
        sources = enterprises_with_sources(session)
        for point in points:
            point.hazard_sources = sources.get(point.enterprise.id, -1)
    if iot_access.may_read(user):
        devices = dict(session.query(IotDevice.enterprise_id, func.count(IotDevice.id))
                       .filter(IotDevice.enterprise_id.in_(ids), IotDevice.status == "active")
                       .group_by(IotDevice.enterprise_id).all())
        for point in points:
            point.iot_devices = devices.get(point.enterprise.id, 0)
    for point in points:
        point.category = category_of(point, by)
    return points


def band_of(reasons):
    """The priority band of an enterprise with this many reasons on the priority list."""
    return "high" if reasons >= 3 else "medium" if reasons == 2 else "low" if reasons == 1 else "none"


def category_of(point, by):
    if by == "priority":
        return point.band
    if by == "area_risk":
        return point.area_level or "blue"
    if by == "cooperation":
        return point.cooperation_class or "none"
    if by == "open_major":
        return "yes" if point.open_major else "no"
    if by == "hazard_sources":
        return "yes" if point.hazard_sources is not None and point.hazard_sources >= 0 else "no"
    tags = point.enterprise.tags
    return tags[0] if tags else "none"


def _open_cases(session, ids):
    """({enterprise id: cases not closed}, {enterprise id: of them 重大 / 特别重大})."""
    major = func.sum(case((HazardCase.grade.in_(MAJOR_GRADES), 1), else_=0))
    rows = session.query(HazardCase.enterprise_id, func.count(HazardCase.id), major) \
        .filter(HazardCase.enterprise_id.in_(ids), HazardCase.status != "closed") \
        .group_by(HazardCase.enterprise_id).all()
    return {eid: count for eid, count, _m in rows}, {eid: int(m or 0) for eid, _c, m in rows}
