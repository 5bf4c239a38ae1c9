"""Inspection visits (排查记录): recorded by the inspection team (inspectors, project leads) for each visit to an
enterprise, whether or not it found hazards; the hazards found are the cases registered at that enterprise on
that day. Everyone who sees cases sees the visits; an enterprise's staff see their own enterprise's.

Each visit has a kind (检查方式, models VISIT_KINDS: 常规 / 专项 / 夜查 / 四不两直 / 联合检查; 常规 unless said) and may name
a started campaign (专项行动, services/campaigns.py) whose period holds its day and whose targets hold its enterprise.
The time the check began is optional, except for a night check (夜查): required, and at night — from 18:00 to 06:00
(NIGHT_FROM / NIGHT_UNTIL) —, and never later than now."""
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import contains_eager

from ..clock import SHANGHAI, clock
from ..errors import NotAllowed, NotFound
from ..models import VISIT_KINDS, Enterprise, HazardCase, InspectionVisit
from . import audit, campaigns
from .access import covered_townships, enterprise_condition, sees_all_cases
from .sql_dates import local_day
from .field_rules import aware_moment, clean_text, past_date, raise_if, row_id

RECORDERS = ("inspector", "project_lead")
MAX_INSPECTORS, MAX_TEXT = 200, 4000
NIGHT_FROM, NIGHT_UNTIL = time(18, 0), time(6, 0)  # 夜查: a check begun in the evening or the night
_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)(?::[0-5]\d)?")


@dataclass
class VisitFilter:
    enterprise_id: int = None
    township: str = ""
    since: date = None
    until: date = None
    flagged: bool = False  # 打卡异常: services/visit_checkins.flagged_condition
    kind: str = ""  # a key of VISIT_KINDS
    campaign_id: int = None
    review_status: str = ""  # a key of VISIT_REVIEW_STATUSES (services/visit_review.py)


EDITABLE = ("draft", "returned")  # the report's text and checklist change only before it is submitted


def may_record(user):
    return user.has_role(*RECORDERS)


def report_editable(visit):
    return visit.review_status in EDITABLE


def clean_report_text(inspectors, scope, findings):
    """The report's text fields cleaned; ValidationFailed names each wrong one (inspectors and scope required)."""
    errors = {}
    values = {"inspectors": clean_text(inspectors, MAX_INSPECTORS, "inspectors", errors),
              "scope": clean_text(scope, MAX_TEXT, "scope", errors),
              "findings": clean_text(findings, MAX_TEXT, "findings", errors)}
    _require_text(values, errors)
    raise_if(errors)
    return values


def _require_text(values, errors):
    for name, message in (("inspectors", "请填写排查人员 / name the inspectors"),
                          ("scope", "请填写检查内容 / say what was checked")):
        if not values[name] and name not in errors:
            errors[name] = message


def clean_kind(value, errors):
    """A kind from a form or a body: empty is 常规 (routine); an unknown one is put in `errors`."""
    kind = (value or "routine").strip() if isinstance(value, str) else value or "routine"
    if kind not in VISIT_KINDS:
        errors["kind"] = "请选择检查方式 / choose the kind of visit"
    return kind


def is_night(moment):
    return moment >= NIGHT_FROM or moment < NIGHT_UNTIL


def _clean_time(value, kind, day, errors):
    """The time of day the check began, required for a night check (and at night then); not after now."""
    text = value.strftime("%H:%M") if isinstance(value, time) else str(value or "").strip()
    match = _TIME.fullmatch(text)
    if not text:
        if kind == "night":
            errors["visit_time"] = "夜查须填写检查时间 / a night check records the time it began"
        return None
    if match is None:
        errors["visit_time"] = "请填写时间，如 21:30 / enter a time such as 21:30"
        return None
    moment = time(int(match.group(1)), int(match.group(2)))
    if kind == "night" and not is_night(moment):
        errors["visit_time"] = "夜查的检查时间应在 18:00 至次日 06:00 之间 / a night check begins between 18:00 and 06:00"
    elif isinstance(day, date) and datetime.combine(day, moment, SHANGHAI) > clock.now():
        errors["visit_time"] = "检查时间不能晚于现在 / the time cannot be in the future"
    return moment


def record(uow, actor, enterprise_id, visited_on, inspectors, scope, findings="", kind="routine", campaign_id=None,
           visit_time=None):
    """A new visit from the form's values; ValidationFailed names each wrong field."""
    if not may_record(actor):
        raise NotAllowed("只有排查人员和项目负责人可以登记排查记录 / only inspectors and project leads record visits")
    errors = {}
    enterprise = uow.session.get(Enterprise, enterprise_id) if isinstance(enterprise_id, int) else None
    if enterprise is None:
        errors["enterprise_id"] = "请选择企业 / choose the enterprise"
    day = past_date(visited_on, "visited_on", errors, "排查日期")
    values = {"inspectors": clean_text(inspectors, MAX_INSPECTORS, "inspectors", errors),
              "scope": clean_text(scope, MAX_TEXT, "scope", errors),
              "findings": clean_text(findings, MAX_TEXT, "findings", errors)}
    _require_text(values, errors)
    kind = clean_kind(kind, errors)
    moment = _clean_time(visit_time, kind, day if "visited_on" not in errors else None, errors)
    campaign = campaigns.for_record(uow.session, campaign_id, enterprise.id if enterprise else None,
                                    day if "visited_on" not in errors else None, errors)
    raise_if(errors)
    visit = InspectionVisit(enterprise_id=enterprise.id, visited_on=day, created_at=clock.now(),
                            created_by_id=actor.id, kind=kind, visit_time=moment,
                            campaign_id=campaign.id if campaign else None, **values)
    uow.session.add(visit)
    uow.session.flush()
    extra = {"kind": [None, kind]} if kind != "routine" else {}
    if moment is not None:
        extra["visit_time"] = [None, moment.strftime("%H:%M")]
    if campaign is not None:
        extra["campaign"] = [None, campaign.name]
    audit.record(uow, None, actor, "inspection_recorded",
                 changes={"visited_on": [None, day.isoformat()], **{k: [None, v] for k, v in values.items()},
                          **extra},
                 details={"visit_id": visit.id, "enterprise_id": enterprise.id, "name": enterprise.name})
    # The enterprise is told once the report passed its review (services/visit_review.py).
    return visit


def visit_for_hazard(session, visit_id, enterprise_id, found_at=None):
    """The visit a hazard being registered at `enterprise_id` was found on; ValidationFailed names the field when
    there is no such visit, it was at another enterprise, or the hazard's `found_at` is not on the visit's day."""
    number = row_id(visit_id)
    visit = session.get(InspectionVisit, number) if number is not None else None
    if visit is None:
        raise_if({"inspection_visit_id": "排查记录不存在 / unknown inspection visit"})
    if visit.enterprise_id != enterprise_id:
        raise_if({"inspection_visit_id": "该排查记录属于另一家企业 / that visit was at another enterprise"})
    found = aware_moment(found_at)
    if found is not None and found.astimezone(SHANGHAI).date() != visit.visited_on:
        day = visit.visited_on.isoformat()
        raise_if({"found_at": f"发现时间应在排查当天（{day}） / the hazard was found on the visit's day ({day})"})
    return visit


def visible_visits(session, user, filters=VisitFilter()):
    query = session.query(InspectionVisit).join(Enterprise, Enterprise.id == InspectionVisit.enterprise_id) \
        .options(contains_eager(InspectionVisit.enterprise))  # the list shows each visit's enterprise
    query = query.filter(visit_condition(user))
    if filters.review_status:
        query = query.filter(InspectionVisit.review_status == filters.review_status)
    if filters.enterprise_id:
        query = query.filter(InspectionVisit.enterprise_id == filters.enterprise_id)
    if filters.township:
        query = query.filter(Enterprise.township == filters.township)
    if filters.since:
        query = query.filter(InspectionVisit.visited_on >= filters.since)
    if filters.until:
        query = query.filter(InspectionVisit.visited_on <= filters.until)
    if filters.kind:
        query = query.filter(InspectionVisit.kind == filters.kind)
    if filters.campaign_id:
        query = query.filter(InspectionVisit.campaign_id == filters.campaign_id)
    if filters.flagged:
        from .visit_checkins import flagged_condition  # visit_checkins builds on this module
        query = query.filter(flagged_condition())
    return query.order_by(InspectionVisit.visited_on.desc(), InspectionVisit.id.desc())


def visit_condition(user):
    """The rule of cases (access.enterprise_condition), except that an enterprise's staff see their enterprise's
    visits only once the report passed its final review (三级审核, services/visit_review.py)."""
    if sees_all_cases(user) or "enterprise" not in user.roles:
        return enterprise_condition(user, InspectionVisit.enterprise_id)
    parts = [and_(InspectionVisit.enterprise_id == user.enterprise_id, InspectionVisit.review_status == "released")] \
        if user.enterprise_id else []
    townships = covered_townships(user)
    if townships:
        parts.append(InspectionVisit.enterprise_id.in_(select(Enterprise.id).where(Enterprise.township.in_(townships))))
    return or_(*parts) if parts else false()


def hazards_found(session, visits):
    """{visit id: [case codes]}: the cases registered from each visit, and those registered at its enterprise on its
    day (Shanghai dates) without naming a visit (registered before visits could be named, or outside one)."""
    if not visits:
        return {}
    found = {v.id: [] for v in visits}
    for visit_id, code in session.query(HazardCase.inspection_visit_id, HazardCase.code) \
            .filter(HazardCase.inspection_visit_id.in_(found)):
        found[visit_id].append(code)
    day = local_day(session.get_bind().dialect.name, HazardCase.registered_at)
    wanted = {(v.enterprise_id, v.visited_on.isoformat()) for v in visits}
    rows = session.query(HazardCase.enterprise_id, day, HazardCase.code) \
        .filter(HazardCase.inspection_visit_id.is_(None), HazardCase.enterprise_id.in_({e for e, _ in wanted}),
                day.in_({d for _, d in wanted}))
    by_day = {}
    for enterprise_id, registered_on, code in rows:
        by_day.setdefault((enterprise_id, str(registered_on)), []).append(code)
    for v in visits:
        found[v.id] = sorted(found[v.id] + by_day.get((v.enterprise_id, v.visited_on.isoformat()), []))
    return found


def hazards_of_visit(session, visit):
    """The cases of `visit` as `hazards_found` counts them, as objects (for the visit's page), by code."""
    codes = hazards_found(session, [visit])[visit.id]
    return session.query(HazardCase).filter(HazardCase.code.in_(codes)).order_by(HazardCase.code).all() \
        if codes else []


def get_visible_visit(session, user, visit_id):
    """The visit if `user` may see it, else NotFound (also for another enterprise's staff)."""
    visit = visible_visits(session, user).filter(InspectionVisit.id == visit_id).first() \
        if isinstance(visit_id, int) else None
    if visit is None:
        raise NotFound("排查记录不存在 / inspection visit not found")
    return visit


def coverage(session, since, until, township="", enterprise_id=None):
    """(enterprises inspected from `since` to `until` — a visit recorded or a hazard registered there —, enterprises
    on the register), both within the township / enterprise when given."""
    register = session.query(Enterprise.id)
    if township:
        register = register.filter(Enterprise.township == township)
    if enterprise_id:
        register = register.filter(Enterprise.id == enterprise_id)
    ids = register.subquery()
    visited = session.query(InspectionVisit.enterprise_id).filter(
        InspectionVisit.enterprise_id.in_(select(ids.c.id)), InspectionVisit.visited_on >= since,
        InspectionVisit.visited_on <= until)
    start = datetime.combine(since, time.min, SHANGHAI)
    end = datetime.combine(until + timedelta(days=1), time.min, SHANGHAI)
    registered = session.query(HazardCase.enterprise_id).filter(
        HazardCase.enterprise_id.in_(select(ids.c.id)), HazardCase.registered_at >= start,
        HazardCase.registered_at < end)
    inspected = session.query(func.count()).select_from(visited.union(registered).subquery()).scalar()
    return inspected or 0, session.query(func.count()).select_from(ids).scalar() or 0


def last_inspected(session, enterprise_ids=None):
    """{enterprise id: the Shanghai day it was last inspected — its latest visit or hazard registration}, for the
    given enterprises (None: all). The priority list shows it; the regional grading finds who is due with it."""
    visits = session.query(InspectionVisit.enterprise_id, func.max(InspectionVisit.visited_on)) \
        .group_by(InspectionVisit.enterprise_id)
    registrations = session.query(HazardCase.enterprise_id, func.max(HazardCase.registered_at)) \
        .group_by(HazardCase.enterprise_id)
    if enterprise_ids is not None:
        if not enterprise_ids:
            return {}
        visits = visits.filter(InspectionVisit.enterprise_id.in_(enterprise_ids))
        registrations = registrations.filter(HazardCase.enterprise_id.in_(enterprise_ids))
    days = dict(visits.all())
    for enterprise_id, moment in registrations:
        day = moment.astimezone(SHANGHAI).date()
        days[enterprise_id] = max(days.get(enterprise_id, day), day)
    return days
