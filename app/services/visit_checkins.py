"""On-site check-in at inspection visits (到场打卡 / 离场打卡; the tender: 位置打卡系统, 定位打卡…实现排查过程可视化留痕,
每次排查时间不少于 4 小时): the cheapest proof that the team was at the enterprise, and for how long.

Rules:
- Each member of the visit's team checks in and out for themselves, once each (one row per user per visit). The
  team is the user who recorded the visit and the users whose display name is one of the visit's inspectors (the
  names as typed, split at 、 , ; and spaces); they must hold a recording role (inspector, project lead). Anyone
  else who sees the visit gets 403; another enterprise's staff get 404, as for the visit itself.
- Arrival only on the visit's day, departure only on the day of the arrival (Shanghai dates): a stamp taken days
  later proves nothing. A second arrival or departure, or a departure before the arrival, is a 409.
- The time is the app clock's, never the device's. The position is the browser's (latitude, longitude, accuracy);
  none when the user refused it or the device had no fix — recorded as "no position", which is itself flagged.
- The enterprise's position: its own coordinates when it has them (企业位置, set on the register), else the median
  latitude and longitude of its cases' recorded positions, else unknown (no distance, no "far" flag). The distance
  is worked out when each stamp is taken and kept with it, with which of the two it was measured from (the
  stamp's `*_site_source`), so a record stays readable after the enterprise is placed or moved.
- Flags: arrival or departure farther than 500 m (photo_metadata.FAR_METERS, as for photos), on site under 4 hours,
  no position, no departure once the arrival's day is over, and (for the visit) nobody checked in.
"""
import math
import re
import statistics
from dataclasses import dataclass, field
from datetime import datetime, time

from sqlalchemy import and_, exists, or_, update
from sqlalchemy.exc import IntegrityError

from ..clock import SHANGHAI, clock
from ..errors import Conflict, NotAllowed, ValidationFailed
from ..models import Enterprise, HazardCase, InspectionVisit, VisitCheckin
from . import audit, inspections, photo_metadata
from .photo_metadata import FAR_METERS

MIN_MINUTES_ON_SITE = 4 * 60  # 每次排查时间不少于 4 小时 (seed 000)
MAX_ACCURACY_M = 100_000
FLAGS = ("no_check_in", "far", "no_position", "short", "no_check_out")
_NAME_SEPARATORS = re.compile(r"[、,，;；/\s]+")


@dataclass
class Site:
    """Where the enterprise is, and where that comes from: "enterprise" (its own coordinates) or "cases" (the
    median of its cases' positions)."""
    latitude: float
    longitude: float
    source: str


@dataclass
class CheckinView:
    """One check-in row as the pages and the API show it."""
    row: VisitCheckin
    flags: list = field(default_factory=list)  # codes of FLAGS
    on_site: bool = False  # arrived today and not yet departed: no "no check-out" flag yet


@dataclass
class VisitSummary:
    """A visit's check-ins in one line for the list: the shortest stay of those who left, the farthest known
    arrival, and every flag of its rows (or "no_check_in")."""
    count: int = 0
    shortest_minutes: int = None
    farthest_m: float = None
    flags: list = field(default_factory=list)


def team_names(visit):
    return {name for name in _NAME_SEPARATORS.split(visit.inspectors or "") if name}


def on_team(user, visit):
    return user.id == visit.created_by_id or user.display_name in team_names(visit)


def may_check_in(user, visit):
    return inspections.may_record(user) and on_team(user, visit)


def read_position(latitude, longitude, accuracy=None):
    """(latitude, longitude, accuracy in metres) sent by the browser, or (None, None, None) when it sent no
    position; ValidationFailed for numbers out of range."""
    position, errors = photo_metadata.device_position(latitude, longitude)
    if errors:
        raise ValidationFailed(errors["device_latitude"], fields={"latitude": errors["device_latitude"]})
    if position is None:
        return None, None, None
    metres = None
    if accuracy not in (None, ""):
        try:
            metres = float(accuracy)
        except (TypeError, ValueError):
            metres = -1.0
        if not (math.isfinite(metres) and 0 <= metres <= MAX_ACCURACY_M):
            raise ValidationFailed("定位精度应为 0 到 100000 米 / the accuracy must be 0 to 100000 metres",
                                   fields={"accuracy": "out of range"})
        metres = round(metres, 1)
    return position[0], position[1], metres


def site_positions(session, enterprise_ids):
    """{enterprise id: Site or None} for the given enterprises (see the module's rules)."""
    ids = sorted(set(enterprise_ids))
    sites = dict.fromkeys(ids)
    if not ids:
        return sites
    for eid, lat, lng in session.query(Enterprise.id, Enterprise.latitude, Enterprise.longitude) \
            .filter(Enterprise.id.in_(ids), Enterprise.latitude.isnot(None), Enterprise.longitude.isnot(None)):
        sites[eid] = Site(lat, lng, "enterprise")
    missing = [eid for eid in ids if sites[eid] is None]
    if missing:
        points = {}
        for eid, lat, lng in session.query(HazardCase.enterprise_id, HazardCase.latitude, HazardCase.longitude) \
                .filter(HazardCase.enterprise_id.in_(missing), HazardCase.latitude.isnot(None),
                        HazardCase.longitude.isnot(None)):
            points.setdefault(eid, []).append((lat, lng))
        for eid, pairs in points.items():
            sites[eid] = Site(statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs), "cases")
    return sites


def _distance(site, latitude, longitude):
    """(metres from the site, where the site's position came from), or (None, None) when either is unknown."""
    if site is None or latitude is None:
        return None, None
    return round(photo_metadata.distance_m(latitude, longitude, site.latitude, site.longitude), 1), site.source


def check_in(uow, actor, visit_id, latitude=None, longitude=None, accuracy=None):
    """The actor's arrival at the visit's enterprise, now."""
    session = uow.session
    visit = _visit_for_stamp(session, actor, visit_id)
    now = clock.now()
    if now.astimezone(SHANGHAI).date() != visit.visited_on:
        day = visit.visited_on.isoformat()
        raise Conflict(f"只能在排查当天（{day}）到场打卡 / check in on the visit's day ({day})")
    if session.query(VisitCheckin.id).filter_by(visit_id=visit.id, user_id=actor.id).first() is not None:
        raise Conflict("你已经到场打卡 / you have already checked in at this visit")
    lat, lng, acc = read_position(latitude, longitude, accuracy)
    distance, source = _distance(site_positions(session, [visit.enterprise_id])[visit.enterprise_id], lat, lng)
    row = VisitCheckin(visit_id=visit.id, user_id=actor.id, arrived_at=now, arrival_latitude=lat,
                       arrival_longitude=lng, arrival_accuracy_m=acc, arrival_distance_m=distance,
                       arrival_site_source=source)
    session.add(row)
    try:
        session.flush()
    except IntegrityError:  # a second tap at the same moment: the unique (visit, user) row stops it
        raise Conflict("你已经到场打卡 / you have already checked in at this visit") from None
    audit.record(uow, None, actor, "visit_checked_in", details={
        "visit_id": visit.id, "enterprise_id": visit.enterprise_id, "name": visit.enterprise.name,
        "distance_m": distance, "site_source": source, "position": lat is not None})
    return row


def check_out(uow, actor, visit_id, latitude=None, longitude=None, accuracy=None):
    """The actor's departure, now; once, after their arrival and on its day."""
    session = uow.session
    visit = _visit_for_stamp(session, actor, visit_id)
    row = session.query(VisitCheckin).filter_by(visit_id=visit.id, user_id=actor.id).first()
    if row is None:
        raise Conflict("请先到场打卡 / check in before checking out")
    if row.departed_at is not None:
        raise Conflict("你已经离场打卡 / you have already checked out of this visit")
    now = clock.now()
    if now.astimezone(SHANGHAI).date() != row.arrived_at.astimezone(SHANGHAI).date():
        raise Conflict("到场当天已过，不能再离场打卡 / the day of the check-in is over: the check-out stays missing")
    lat, lng, acc = read_position(latitude, longitude, accuracy)
    distance, source = _distance(site_positions(session, [visit.enterprise_id])[visit.enterprise_id], lat, lng)
    minutes = int((now - row.arrived_at).total_seconds() // 60)
    # Compare-and-set: of two check-outs at once, one wins and the other is told.
    done = session.execute(update(VisitCheckin).where(VisitCheckin.id == row.id, VisitCheckin.departed_at.is_(None))
                           .values(departed_at=now, departure_latitude=lat, departure_longitude=lng,
                                   departure_accuracy_m=acc, departure_distance_m=distance,
                                   departure_site_source=source, minutes_on_site=minutes)
                           .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise Conflict("你已经离场打卡 / you have already checked out of this visit")
    session.refresh(row)
    audit.record(uow, None, actor, "visit_checked_out", details={
        "visit_id": visit.id, "enterprise_id": visit.enterprise_id, "name": visit.enterprise.name,
        "distance_m": distance, "site_source": source, "position": lat is not None, "minutes_on_site": minutes})
    return row


def _visit_for_stamp(session, actor, visit_id):
    visit = inspections.get_visible_visit(session, actor, visit_id)  # another enterprise's staff: 404
    if not inspections.may_record(actor):
        raise NotAllowed("只有排查人员和项目负责人可以打卡 / only inspectors and project leads check in")
    if not on_team(actor, visit):
        raise NotAllowed("你不在本次排查的人员名单中 / you are not on this visit's team")
    return visit


def row_flags(row, today):
    flags = []
    if max(row.arrival_distance_m or 0, row.departure_distance_m or 0) > FAR_METERS:
        flags.append("far")
    if row.arrival_latitude is None or (row.departed_at is not None and row.departure_latitude is None):
        flags.append("no_position")
    if row.minutes_on_site is not None and row.minutes_on_site < MIN_MINUTES_ON_SITE:
        flags.append("short")
    if row.departed_at is None and row.arrived_at.astimezone(SHANGHAI).date() < today:
        flags.append("no_check_out")
    return flags


def for_visit(session, visit):
    """The visit's check-ins, first arrival first, with their flags."""
    today = clock.local_now().date()
    rows = session.query(VisitCheckin).filter_by(visit_id=visit.id) \
        .order_by(VisitCheckin.arrived_at, VisitCheckin.id).all()
    return [CheckinView(row, row_flags(row, today), row.departed_at is None
                        and row.arrived_at.astimezone(SHANGHAI).date() == today) for row in rows]


def visit_flags(views):
    if not views:
        return ["no_check_in"]
    found = {flag for view in views for flag in view.flags}
    return [flag for flag in FLAGS if flag in found]


def summaries(session, visits):
    """{visit id: VisitSummary} for the list's rows."""
    today = clock.local_now().date()
    result = {v.id: VisitSummary() for v in visits}
    if not result:
        return result
    rows = session.query(VisitCheckin).filter(VisitCheckin.visit_id.in_(result)) \
        .order_by(VisitCheckin.visit_id, VisitCheckin.arrived_at, VisitCheckin.id)
    views = {}
    for row in rows:
        views.setdefault(row.visit_id, []).append(CheckinView(row, row_flags(row, today)))
        summary = result[row.visit_id]
        summary.count += 1
        summary.shortest_minutes = _least(summary.shortest_minutes, row.minutes_on_site)
        if row.arrival_distance_m is not None:
            summary.farthest_m = max(summary.farthest_m or 0, row.arrival_distance_m)
    for visit_id, summary in result.items():
        summary.flags = visit_flags(views.get(visit_id, []))
    return result


def _least(a, b):
    return b if a is None else a if b is None else min(a, b)


def flagged_condition():
    """SQL condition for visits with a flag (打卡异常): nobody checked in, or a row with a flag (row_flags)."""
    start_of_today = datetime.combine(clock.local_now().date(), time.min, SHANGHAI)
    c = VisitCheckin
    own = c.visit_id == InspectionVisit.id
    flagged_row = exists().where(own, or_(
        c.arrival_distance_m > FAR_METERS, c.departure_distance_m > FAR_METERS, c.arrival_latitude.is_(None),
        and_(c.departed_at.isnot(None), c.departure_latitude.is_(None)), c.minutes_on_site < MIN_MINUTES_ON_SITE,
        and_(c.departed_at.is_(None), c.arrived_at < start_of_today)))
    return or_(~exists().where(own), flagged_row)
