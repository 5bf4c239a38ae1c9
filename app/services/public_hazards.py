"""The public query of hazard rectification (the tender: 开通隐患整改公众查询通道，市民可…查看整改进展与成效。平台支持
关键字搜索、地图定位展示).

Only cases the bureau chose are public (a major hazard under 挂牌督办, say): it gives each a public title, which the
public reads instead of the internal description. What the public sees of such a case is where and what kind of
hazard it is and how its rectification stands: the enterprise, township, hazard type and grade, the public title,
when it was registered, the rectification deadline and whether it passed, the stage, the round, when it was closed.
Never people, photos, findings or the forms' text. Publishing and withdrawing (with a reason) are audited on the case.
"""
from dataclasses import dataclass

from sqlalchemy import or_
from sqlalchemy.orm import joinedload

from ..clock import clock
from ..errors import Conflict, NotAllowed, NotFound
from ..models import Enterprise, HazardCase, PublicCase
from . import audit
from .access import get_visible_case
from .field_rules import raise_if
from .hazard_map import is_overdue

PUBLISHERS = ("bureau",)
PAGE_SIZE = 20
TITLE_MIN, TITLE_MAX, REASON_MAX = 4, 200, 500
MAX_MAP_POINTS = 2000
# What the public reads as a case's stage (coarser than the internal statuses).
PUBLIC_STAGES = {"registered": "assigning", "assigning": "assigning", "rectifying": "rectifying",
                 "verifying": "verifying", "stop_work": "rectifying", "enforcement": "enforcement",
                 "closed": "closed"}


def may_publish(user):
    return user.has_role(*PUBLISHERS)


def publication(session, case_id):
    return session.get(PublicCase, case_id)


def publish(uow, actor, case_id, title):
    """Open the case to the public under `title`; Conflict when it already is."""
    if not may_publish(actor):
        raise NotAllowed("只有应急管理局可以向社会公开隐患 / only the bureau opens a hazard to the public")
    case = get_visible_case(uow.session, actor, case_id)
    title = (title or "").strip()
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        raise_if({"title": f"公开标题为 {TITLE_MIN}–{TITLE_MAX} 字 / the public title takes {TITLE_MIN} to "
                           f"{TITLE_MAX} characters"})
    if publication(uow.session, case.id) is not None:
        raise Conflict("这个隐患已经向社会公开 / this hazard is already public")
    row = PublicCase(case_id=case.id, title=title, published_at=clock.now(), published_by_id=actor.id)
    uow.session.add(row)
    uow.session.flush()
    audit.record(uow, case.id, actor, "case_made_public", details={"title": title})
    return row


def withdraw(uow, actor, case_id, reason):
    """Take the case off the public query; the reason is required (kept in the case's history)."""
    if not may_publish(actor):
        raise NotAllowed("只有应急管理局可以撤回公开的隐患 / only the bureau withdraws a public hazard")
    case = get_visible_case(uow.session, actor, case_id)
    reason = (reason or "").strip()
    if not reason:
        raise_if({"reason": "请填写撤回原因 / give the reason for the withdrawal"})
    if len(reason) > REASON_MAX:
        raise_if({"reason": f"撤回原因不超过 {REASON_MAX} 字 / at most {REASON_MAX} characters"})
    row = publication(uow.session, case.id)
    if row is None:
        raise Conflict("这个隐患没有公开 / this hazard is not public")
    uow.session.delete(row)
    audit.record(uow, case.id, actor, "case_withdrawn_from_public", details={"title": row.title, "reason": reason})


@dataclass
class PublicHazard:
    """A public case as the public sees it (the pages, the CSV-free API, the map)."""
    row: PublicCase
    case: HazardCase

    def facts(self, now=None):
        case, enterprise = self.case, self.case.enterprise
        return {"code": case.code, "title": self.row.title, "enterprise": enterprise.name,
                "township": enterprise.township, "hazard_type": case.hazard_type, "grade": case.grade,
                "stage": PUBLIC_STAGES.get(case.status, case.status), "round": case.round,
                "registered_at": case.registered_at, "rectification_due": case.rectification_due,
                "overdue": is_overdue(case, now), "closed_at": case.closed_at,
                "published_at": self.row.published_at,
                "latitude": case.latitude, "longitude": case.longitude}


def _published(session):
    return session.query(PublicCase, HazardCase).join(HazardCase, HazardCase.id == PublicCase.case_id) \
        .join(Enterprise, Enterprise.id == HazardCase.enterprise_id).options(joinedload(HazardCase.enterprise))


def search(session, q="", stage="", page=1):
    """(PublicHazards on the page, newest publication first; their total). `q` matches the public title, the
    enterprise's name, its township or the case code; `stage`: "open" or "closed"."""
    query = _published(session)
    q = (q or "").strip()[:100]
    if q:
        like = f"%{q}%"
        query = query.filter(or_(PublicCase.title.ilike(like), Enterprise.name.ilike(like),
                                 Enterprise.township.ilike(like), HazardCase.code.ilike(like)))
    if stage == "open":
        query = query.filter(HazardCase.status != "closed")
    elif stage == "closed":
        query = query.filter(HazardCase.status == "closed")
    total = query.count()
    rows = query.order_by(PublicCase.published_at.desc(), PublicCase.case_id.desc()) \
        .offset((max(page, 1) - 1) * PAGE_SIZE).limit(PAGE_SIZE).all()
    return [PublicHazard(row, case) for row, case in rows], total


def by_code(session, code):
    """The public case with this code, else NotFound (a case not made public is not there for the public)."""
    found = _published(session).filter(HazardCase.code == (code or "")[:32]).first()
    if found is None:
        raise NotFound("没有这个公开的隐患 / no public hazard with that code")
    return PublicHazard(*found)


def map_points(session):
    """The public cases with coordinates (open and closed), newest publication first."""
    rows = _published(session).filter(HazardCase.latitude.is_not(None), HazardCase.longitude.is_not(None)) \
        .order_by(PublicCase.published_at.desc()).limit(MAX_MAP_POINTS).all()
    return [PublicHazard(row, case) for row, case in rows]
