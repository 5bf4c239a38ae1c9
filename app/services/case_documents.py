"""The documents of a case, drawn from its row and its audit trail (so they say what the history says):

- 整改通知书 (rectification notice) of the current round: the requirements, the deadline, whom to contact;
- 整改验收意见书 (verification opinions): every verification's conclusion and opinion, round by round;
- 销号电子回执 (receipt of closure): the hazard, the last round's rectification and sign-offs, the closing time.

Each submitted form is read from its `task_completed` audit row: the whole submission and its form key (rows of
cases from before those were recorded give their changed values, and the form is recognised by its fields). A
round ends where the case's `round` changed: the failed verification's step records that.
"""
from dataclasses import dataclass, field
from datetime import datetime

from ..errors import Conflict
from ..models import AuditEvent, NoticeReceipt, User
from .access import get_visible_case

VERIFICATION_FORMS = {  # form key -> (passed field, opinion, added requirements, new deadline in working days)
    "verification": ("passed", "opinion", "added_requirements", "new_deadline_days"),
    "joint_verification_bureau": ("bureau_passed", "bureau_opinion", "bureau_added_requirements",
                                  "bureau_new_deadline_days"),
    "joint_verification_expert": ("expert_passed", "expert_opinion", "expert_added_requirements", None),
}
RECTIFICATION_FIELDS = ("measures", "responsible_person", "completed_on", "funds")


@dataclass
class Submission:
    form_key: str
    step: str
    by: str
    at: datetime
    values: dict
    round: int


@dataclass
class Verification:
    step: str
    by: str
    at: datetime
    passed: bool
    opinion: str
    added_requirements: str = ""
    new_deadline_days: int = None
    round: int = 1


@dataclass
class Receipt:
    number: str
    case: object  # the HazardCase (its enterprise, grade, dates)
    inspector: str
    rounds: int
    rectification: dict = field(default_factory=dict)  # the last submission's values of RECTIFICATION_FIELDS
    rectified_by: str = ""
    rectified_at: datetime = None
    sign_offs: list = field(default_factory=list)  # [Verification] that passed in the last round


@dataclass
class Notice:
    number: str
    case: object
    round: int
    requirements: list  # [(who asked, text)]: the assignment's, or the added ones of the failed verifications
    deadline: datetime
    contact_person: str = ""
    contact_phone: str = ""
    issued_by: str = ""
    issued_at: datetime = None
    signed_by: str = ""  # the enterprise's acknowledgement (签收) of this round's notice, if given
    signed_at: datetime = None


def submissions(session, case):
    """Every form submitted on the case, in order, each with the round it belongs to."""
    events = session.query(AuditEvent).filter(AuditEvent.case_id == case.id,
                                              AuditEvent.action.in_(("task_completed", "case_updated"))) \
        .order_by(AuditEvent.created_at, AuditEvent.id).all()
    names = dict(session.query(User.id, User.display_name)
                 .filter(User.id.in_({e.actor_id for e in events if e.actor_id})))
    result, round_no = [], 1
    for event in events:
        changes, details = event.changes or {}, event.details or {}
        if event.action == "case_updated":
            if isinstance(changes.get("round"), list) and changes["round"][1]:
                round_no = int(changes["round"][1])
            continue
        values = details.get("submitted")
        if values is None:
            values = {name: pair[1] for name, pair in changes.items() if isinstance(pair, list) and len(pair) == 2}
        result.append(Submission(details.get("form_key") or _recognised(values), event.task_name,
                                 names.get(event.actor_id) or event.actor_name, event.created_at, values, round_no))
    return result


def _recognised(values):
    for form_key, (passed, *_rest) in VERIFICATION_FORMS.items():
        if passed in values:
            return form_key
    if "measures" in values or "completed" in values:
        return "rectification"
    if "rectification_requirements" in values:
        return "assignment"
    return ""


def _verification(item):
    passed, opinion, added, days = VERIFICATION_FORMS[item.form_key]
    values = item.values
    return Verification(item.step, item.by, item.at, values.get(passed) is True, values.get(opinion) or "",
                        values.get(added) or "", values.get(days) if days else None, item.round)


def closure_receipt(session, user, case_id):
    """The receipt of a closed case the user may see: 404 for cases they may not see, 409 while it is open."""
    case = get_visible_case(session, user, case_id)
    if case.status != "closed":
        raise Conflict("案件尚未销号，没有电子回执 / the case is not closed yet, so it has no receipt")
    items = submissions(session, case)
    receipt = Receipt(number=f"{case.code}-HZ", case=case, inspector=case.inspector.display_name,
                      rounds=case.round or 1)
    for item in items:
        if item.form_key == "rectification":
            receipt.rectification.update({k: item.values[k] for k in RECTIFICATION_FIELDS if k in item.values})
            receipt.rectified_by, receipt.rectified_at = item.by, item.at
        elif item.form_key in VERIFICATION_FORMS and item.round == receipt.rounds:
            verification = _verification(item)
            if verification.passed:
                receipt.sign_offs.append(verification)
    return receipt


def rectification_notice(session, user, case_id):
    """The notice of the current round: 409 before the case is assigned."""
    case = get_visible_case(session, user, case_id)
    items = submissions(session, case)
    assignment = next((s for s in items if s.form_key == "assignment"), None)
    if assignment is None or case.rectification_due is None:
        raise Conflict("案件尚未指派，还没有整改通知书 / the case is not assigned yet, so there is no notice")
    round_no = case.round or 1
    notice = Notice(number=f"{case.code}-TZ{round_no}", case=case, round=round_no, requirements=[],
                    deadline=case.rectification_due, contact_person=assignment.values.get("contact_person") or "",
                    contact_phone=assignment.values.get("contact_phone") or "", issued_by=assignment.by,
                    issued_at=assignment.at)
    if round_no == 1:
        notice.requirements.append((assignment.by, assignment.values.get("rectification_requirements") or ""))
    for item in items:
        if item.form_key in VERIFICATION_FORMS and item.round == round_no - 1:
            verification = _verification(item)
            if not verification.passed:
                notice.requirements.append((verification.by, verification.added_requirements))
                notice.issued_by, notice.issued_at = verification.by, verification.at
    receipt = session.query(NoticeReceipt).filter_by(case_id=case.id, round=round_no).first()
    if receipt is not None:
        notice.signed_by, notice.signed_at = receipt.signed_by.display_name, receipt.signed_at
    return notice


def verification_opinions(session, user, case_id):
    """(case, [Verification] in order): 409 before the first verification."""
    case = get_visible_case(session, user, case_id)
    found = verifications(session, case)
    if not found:
        raise Conflict("案件尚未复核，还没有整改验收意见书 / the case has not been verified yet")
    return case, found


def verifications(session, case):
    """[Verification] of every verification submitted on the case, in order (the caller has checked that the user
    may see the case)."""
    return [_verification(s) for s in submissions(session, case) if s.form_key in VERIFICATION_FORMS]


def available(case, events):
    """Which documents the case has now, {"notice", "verification", "receipt"}, from its audit rows (`events`,
    as its page already holds them)."""
    keys = set()
    for event in events:
        if event.action == "task_completed":
            details = event.details or {}
            keys.add(details.get("form_key") or _recognised(
                {name: pair[1] for name, pair in (event.changes or {}).items() if isinstance(pair, list)}))
    result = set()
    if "assignment" in keys and case.rectification_due is not None:
        result.add("notice")
    if keys & set(VERIFICATION_FORMS):
        result.add("verification")
    if case.status == "closed":
        result.add("receipt")
    return result
