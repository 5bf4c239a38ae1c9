"""Acknowledging the rectification notice (整改通知书签收): once a round's notice exists (the case was assigned, or
sent back to rectification with added requirements), one of the enterprise's staff signs for it; the case page, the
notice's PDF and the API show who and when. The deadline runs from the assignment either way: signing proves
service, it does not start the clock."""
from sqlalchemy.exc import IntegrityError

from ..clock import clock
from ..errors import Conflict, NotAllowed
from ..models import NoticeReceipt
from . import audit
from .access import get_visible_case

NOTICE_STATUSES = ("rectifying", "verifying", "stop_work", "enforcement")


def notice_round(case):
    """The round whose notice the enterprise can sign for now, or None (not assigned yet, or closed)."""
    return case.round if case.status in NOTICE_STATUSES and case.rectification_due is not None else None


def may_acknowledge(user, case):
    return "enterprise" in user.roles and user.enterprise_id == case.enterprise_id and notice_round(case) is not None


def acknowledge(uow, user, case_id):
    case = get_visible_case(uow.session, user, case_id)  # 404 for another enterprise's case
    if "enterprise" not in user.roles or user.enterprise_id != case.enterprise_id:
        raise NotAllowed("只有案件所属企业可以签收整改通知书 / only the case's enterprise signs for the notice")
    round_no = notice_round(case)
    if round_no is None:
        raise Conflict("本案目前没有待签收的整改通知书 / the case has no rectification notice to sign for now")
    try:
        with uow.session.begin_nested():
            row = NoticeReceipt(case_id=case.id, round=round_no, signed_by_id=user.id, signed_at=clock.now())
            uow.session.add(row)
    except IntegrityError:
        raise Conflict(f"第 {round_no} 轮整改通知书已签收 / this round's notice has been signed for") from None
    audit.record(uow, case.id, user, "notice_acknowledged", details={"round": round_no})
    return row


def for_case(session, case_id):
    """{round: NoticeReceipt} of the case."""
    return {r.round: r for r in session.query(NoticeReceipt).filter_by(case_id=case_id)}
