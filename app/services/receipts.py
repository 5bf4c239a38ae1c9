"""The electronic receipt of closure (销号电子回执): what a closed case's enterprise keeps on file — the hazard,
how it was rectified, who verified and signed it off, when it was closed.

Everything comes from the case row and its audit trail, so the receipt says what the history says. Sign-offs
are the passing verifications of the last round (a joint verification has two: bureau and expert); a round
begins where the case's `round` changed (the failed verification's step records it).
"""
from dataclasses import dataclass, field
from datetime import datetime

from ..errors import Conflict
from ..models import AuditEvent, User
from .access import get_visible_case

PASSING_FIELDS = {"passed": "opinion", "bureau_passed": "bureau_opinion", "expert_passed": "expert_opinion"}
RECTIFICATION_FIELDS = ("measures", "responsible_person", "completed_on", "funds")


@dataclass
class SignOff:
    step: str
    by: str
    at: datetime
    opinion: str


@dataclass
class Receipt:
    number: str
    case: object  # the HazardCase (its enterprise, grade, dates)
    inspector: str
    rounds: int
    rectification: dict = field(default_factory=dict)  # the last submission's values of RECTIFICATION_FIELDS
    rectified_by: str = ""
    rectified_at: datetime = None
    sign_offs: list = field(default_factory=list)


def closure_receipt(session, user, case_id):
    """The receipt of a closed case the user may see: 404 for cases they may not see, 409 while it is open."""
    case = get_visible_case(session, user, case_id)
    if case.status != "closed":
        raise Conflict("案件尚未销号，没有电子回执 / the case is not closed yet, so it has no receipt")
    events = session.query(AuditEvent).filter(AuditEvent.case_id == case.id,
                                              AuditEvent.action.in_(("task_completed", "case_updated"))) \
        .order_by(AuditEvent.created_at, AuditEvent.id).all()
    names = dict(session.query(User.id, User.display_name)
                 .filter(User.id.in_({e.actor_id for e in events if e.actor_id} | {case.inspector_id})))
    receipt = Receipt(number=f"{case.code}-HZ", case=case, inspector=names.get(case.inspector_id, ""),
                      rounds=case.round or 1)
    for event in events:
        changes = event.changes or {}
        if event.action == "case_updated":
            if "round" in changes:
                receipt.sign_offs = []  # a new round: its verifications start over
            continue
        after = {name: pair[1] for name, pair in changes.items() if isinstance(pair, list) and len(pair) == 2}
        who = names.get(event.actor_id) or event.actor_name
        if any(name in after for name in RECTIFICATION_FIELDS):
            receipt.rectification.update({name: after[name] for name in RECTIFICATION_FIELDS if name in after})
            receipt.rectified_by, receipt.rectified_at = who, event.created_at
        for passed, opinion in PASSING_FIELDS.items():
            if after.get(passed) is True:
                receipt.sign_offs.append(SignOff(event.task_name, who, event.created_at, after.get(opinion) or ""))
    return receipt
