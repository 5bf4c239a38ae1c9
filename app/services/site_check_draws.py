"""Random draws of site checks (双随机抽查, the tender's 采用"双随机一公开"方式开展抽查：随机抽取检查对象、随机选派检查
人员): a project lead or the bureau draws some of the cases under rectification and gives each to a member of the
supervision group picked at random. The seed is kept with the draw, so the same population, count and seed give the
same draw again (anyone can check it was fair); each checker is told their cases. The checks themselves are
recorded as any site check (services/rectification_checks.py)."""
import random
import secrets

from ..clock import clock
from ..errors import Conflict, NotAllowed
from ..models import HazardCase, SiteCheckDraw
from . import audit, notifications
from .field_rules import raise_if
from .users import holders_of_role

DRAWERS = ("project_lead", "bureau")
MAX_DRAW = 50


def may_draw(user):
    return user.has_role(*DRAWERS)


def draw(uow, actor, count, seed=None):
    """A new draw of `count` cases (at most those under rectification); ValidationFailed for a wrong count,
    Conflict when there is nothing to draw from or nobody to send."""
    if not may_draw(actor):
        raise NotAllowed("只有项目负责人和应急管理局可以随机抽取督导检查 / only project leads and the bureau draw site checks")
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_DRAW:
        raise_if({"count": f"抽取数量为 1–{MAX_DRAW} / draw 1 to {MAX_DRAW} cases"})
    session = uow.session
    cases = session.query(HazardCase).filter(HazardCase.status == "rectifying").order_by(HazardCase.id).all()
    checkers = sorted(holders_of_role(session, "supervision"), key=lambda u: u.id)
    if not cases:
        raise Conflict("没有整改中的隐患可供抽取 / no case is under rectification")
    if not checkers:
        raise Conflict("督导组没有可指派的人员 / the supervision group has nobody to send")
    seed = seed or secrets.token_hex(8)
    picks = pick(cases, checkers, count, seed)
    row = SiteCheckDraw(drawn_at=clock.now(), drawn_by_id=actor.id, seed=seed, requested=count,
                        population=len(cases), picks=picks)
    session.add(row)
    session.flush()
    audit.record(uow, None, actor, "site_checks_drawn",
                 details={"draw_id": row.id, "seed": seed, "requested": count, "population": len(cases),
                          "cases": [p["code"] for p in picks]})
    by_checker = {}
    for p in picks:
        by_checker.setdefault(p["checker_id"], []).append(p["code"])
    for checker in checkers:
        codes = by_checker.get(checker.id)
        if codes:
            notifications.send(uow, [checker], "site_checks_drawn", "双随机抽查：请现场督导检查",
                               "、".join(codes), f"site-check-draw:{row.id}:{checker.id}")
    return row


def pick(cases, checkers, count, seed):
    """The draw itself, a pure function of its inputs (cases and checkers in id order, the count, the seed)."""
    rng = random.Random(seed)
    chosen = rng.sample(cases, min(count, len(cases)))
    picks = []
    for case in chosen:
        checker = rng.choice(checkers)
        picks.append({"case_id": case.id, "code": case.code, "checker_id": checker.id,
                      "checker": checker.display_name})
    return picks


def recent(session, limit=10):
    return session.query(SiteCheckDraw).order_by(SiteCheckDraw.drawn_at.desc(), SiteCheckDraw.id.desc()) \
        .limit(limit).all()
