"""The hazard map (一张图, the tender's "对重点隐患点位设置 GPS 定位标记…在地图界面中以颜色区分隐患等级"): the visible
cases that carry the coordinates taken at registration, as GeoJSON points with grade, status and whether their
running deadline has passed, under the case list's filters (open cases unless a status is chosen). Cases without
coordinates are counted, so the map never hides that it shows only part of the list."""
from dataclasses import dataclass

from sqlalchemy.orm import joinedload

from ..clock import clock
from ..models import HazardCase
from .hazards import filtered_cases

MAX_POINTS = 5000  # a county's open hazards are hundreds; beyond this the newest are drawn
_DUE = {"assigning": "assignment_due", "rectifying": "rectification_due", "verifying": "verification_due"}


@dataclass
class MapPoints:
    cases: list  # HazardCase with coordinates, newest first, at most MAX_POINTS
    matching: int  # cases matching the filters, with or without coordinates
    located: int  # of them, with coordinates


def points(session, user, flt):
    query = filtered_cases(session, user, flt)
    if not flt.status:
        query = query.filter(HazardCase.status != "closed")
    located = query.filter(HazardCase.latitude.is_not(None), HazardCase.longitude.is_not(None))
    cases = located.options(joinedload(HazardCase.enterprise)) \
        .order_by(HazardCase.registered_at.desc(), HazardCase.id.desc()).limit(MAX_POINTS).all()
    return MapPoints(cases, query.count(), located.count())


def is_overdue(case, now=None):
    """The case's running deadline has passed (the rule of the case list's overdue filter)."""
    due = getattr(case, _DUE[case.status]) if case.status in _DUE else None
    return due is not None and due < (now or clock.now())


def feature_collection(result, describe):
    """GeoJSON of `result`; `describe(case)` gives the display properties (names in the reader's language)."""
    now = clock.now()
    features = [{"type": "Feature", "id": case.id,
                 "geometry": {"type": "Point", "coordinates": [case.longitude, case.latitude]},
                 "properties": {"id": case.id, "code": case.code, "grade": case.grade, "status": case.status,
                                "overdue": is_overdue(case, now), "enterprise": case.enterprise.name,
                                "place": case.place, **describe(case)}}
                for case in result.cases]
    return {"type": "FeatureCollection", "features": features,
            "matching": result.matching, "located": result.located, "shown": len(features)}
