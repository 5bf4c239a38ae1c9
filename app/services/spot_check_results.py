"""The public part of 双随机一公开 (the tender: 检查结果面向社会公开): the results of a random draw of site checks
(services/site_check_draws.py), published by the bureau once every drawn case was checked on site.

A drawn case's result is the first site check recorded for it at or after the draw (services/rectification_checks.py).
What the public sees is about the enterprise and the check, never about people: the enterprise's name, unified social
credit code and township, the hazard's type and grade, when it was checked, the progress found and the conclusion.
The checkers' names, the findings' text and the case codes stay inside (the findings may name people or trade
details). A publication can be withdrawn with a reason (a wrong result, a court order); both are audited, and the
seed is published so that the draw can be shown fair.
"""
from dataclasses import dataclass

from sqlalchemy import func

from ..clock import clock
from ..errors import Conflict, NotAllowed, NotFound
from ..models import Enterprise, HazardCase, RectificationCheck, SiteCheckDraw
from . import audit
from .field_rules import raise_if

PUBLISHERS = ("bureau",)
PUBLIC_PAGE_SIZE = 20
REASON_MAX = 500


@dataclass
class Result:
    """One drawn case's result. `check` is None while the case was not checked since the draw."""
    case: HazardCase
    enterprise: Enterprise
    checker: str  # the supervision-group member the draw sent (inside only)
    check: RectificationCheck = None

    def public(self):
        """The row as the public sees it (the public page, its CSV and the public API)."""
        check = self.check
        return {"enterprise": self.enterprise.name, "credit_code": self.enterprise.credit_code,
                "township": self.enterprise.township, "hazard_type": self.case.hazard_type, "grade": self.case.grade,
                "checked_at": check.checked_at if check else None,
                "progress_percent": check.progress_percent if check else None,
                "conclusion": check.conclusion if check else None}


def may_publish(user):
    return user.has_role(*PUBLISHERS)


def results(session, draw):
    """[Result] of the draw, in draw order."""
    case_ids = [p["case_id"] for p in draw.picks]
    cases = {c.id: c for c in session.query(HazardCase).filter(HazardCase.id.in_(case_ids))}
    enterprises = {e.id: e for e in session.query(Enterprise)
                   .filter(Enterprise.id.in_({c.enterprise_id for c in cases.values()}))}
    # Checks are recorded to the minute: one entered right after the draw, in the same minute, is its result.
    since = draw.drawn_at.replace(second=0, microsecond=0)
    first = session.query(RectificationCheck.case_id, func.min(RectificationCheck.id).label("id")) \
        .filter(RectificationCheck.case_id.in_(case_ids), RectificationCheck.checked_at >= since) \
        .group_by(RectificationCheck.case_id).subquery()
    checks = {c.case_id: c for c in session.query(RectificationCheck).join(first, first.c.id == RectificationCheck.id)}
    out = []
    for pick in draw.picks:
        case = cases.get(pick["case_id"])
        if case is not None:
            out.append(Result(case, enterprises[case.enterprise_id], pick["checker"], checks.get(case.id)))
    return out


def draw_for_staff(session, draw_id):
    draw = session.get(SiteCheckDraw, draw_id) if isinstance(draw_id, int) else None
    if draw is None:
        raise NotFound("没有这次抽查 / no such draw")
    return draw


def publish(uow, actor, draw_id):
    """Publish the draw's results; Conflict while a drawn case is unchecked or when already published."""
    if not may_publish(actor):
        raise NotAllowed("只有应急管理局可以公开抽查结果 / only the bureau publishes spot-check results")
    draw = draw_for_staff(uow.session, draw_id)
    if draw.published_at is not None:
        raise Conflict("这次抽查的结果已经公开 / these results are already published")
    rows = results(uow.session, draw)
    unchecked = [r.case.code for r in rows if r.check is None]
    if unchecked:
        raise Conflict(f"还有 {len(unchecked)} 件抽中的隐患未作督导检查：{'、'.join(unchecked)} / "
                       f"{len(unchecked)} drawn case(s) not checked on site yet: {', '.join(unchecked)}")
    draw.published_at, draw.published_by_id = clock.now(), actor.id
    draw.withdrawn_at, draw.withdrawn_reason = None, None
    audit.record(uow, None, actor, "spot_check_results_published",
                 details={"draw_id": draw.id, "seed": draw.seed, "cases": [r.case.code for r in rows],
                          "conclusions": {r.case.code: r.check.conclusion for r in rows}})
    return draw


def withdraw(uow, actor, draw_id, reason):
    """Take published results off the public page; the reason is required and kept."""
    if not may_publish(actor):
        raise NotAllowed("只有应急管理局可以撤回公开的抽查结果 / only the bureau withdraws published results")
    draw = draw_for_staff(uow.session, draw_id)
    reason = (reason or "").strip()
    if not reason:
        raise_if({"reason": "请填写撤回原因 / give the reason for the withdrawal"})
    if len(reason) > REASON_MAX:
        raise_if({"reason": f"撤回原因不超过 {REASON_MAX} 字 / at most {REASON_MAX} characters"})
    if draw.published_at is None:
        raise Conflict("这次抽查的结果没有公开 / these results are not published")
    published_at = draw.published_at
    draw.published_at, draw.published_by_id = None, None
    draw.withdrawn_at, draw.withdrawn_reason = clock.now(), reason
    audit.record(uow, None, actor, "spot_check_results_withdrawn",
                 details={"draw_id": draw.id, "reason": reason, "published_at": published_at})
    return draw


def published(session, page=1):
    """(published draws on the page, newest publication first; their total)."""
    query = session.query(SiteCheckDraw).filter(SiteCheckDraw.published_at.isnot(None))
    total = query.count()
    rows = query.order_by(SiteCheckDraw.published_at.desc(), SiteCheckDraw.id.desc()) \
        .offset((max(page, 1) - 1) * PUBLIC_PAGE_SIZE).limit(PUBLIC_PAGE_SIZE).all()
    return rows, total


def published_draw(session, draw_id):
    """A published draw, else NotFound (an unpublished or withdrawn one is not there for the public)."""
    draw = session.get(SiteCheckDraw, draw_id) if isinstance(draw_id, int) else None
    if draw is None or draw.published_at is None:
        raise NotFound("没有公开的这次抽查结果 / no published results of that draw")
    return draw


def public_summary(draw):
    """The draw itself as the public sees it: when, from how many, how many, the seed that reproduces it."""
    return {"id": draw.id, "drawn_at": draw.drawn_at, "published_at": draw.published_at,
            "population": draw.population, "drawn": len(draw.picks), "seed": draw.seed}
