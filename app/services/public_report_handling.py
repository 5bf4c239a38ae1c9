"""The handling of a report from the public (services/public_reports.py), each step once and in order, each audited
on the report (subject "public_report"):

    received ─accept→ accepted ─assign→ verifying ─verify→ confirmed ─link case→ case_opened
        └─reject (reason = public reply)        └─→ unfounded

The bureau accepts or rejects, and assigns the verification to an inspector or a supervision user (due in 3 working
days); the assigned verifier records the result (属实 / 不属实, internal notes, photos, the reply the reporter reads);
the bureau or the verifier links the hazard case it led to (an existing one, or one the verifier registers from
the report). A true report's reward (at most 10,000 yuan) is proposed by the bureau or the verifier, approved by
the bureau and its payment recorded by the bureau. Every step is a compare-and-set UPDATE: of two doing the same
step at once one wins, the other gets Conflict (409) — as does a step out of order."""
from sqlalchemy import update

from ..clock import SHANGHAI, clock
from ..errors import Conflict, NotAllowed, NotFound
from ..models import HazardCase, PublicReport, User
from . import audit, notifications
from .calendar import add_workdays
from .field_rules import clean_text, raise_if, row_id, whole_number
from .public_reports import MAX_REPLY, MAX_TEXT, VERIFIER_ROLES, get_visible, is_bureau
from .users import holders_of_role

VERIFY_WORKDAYS = 3
MAX_REWARD = 10_000  # yuan: 最高可达一万元
TRUE_STATUSES = ("confirmed", "case_opened")


def check_bureau(user):
    if not is_bureau(user):
        raise NotAllowed("只有应急管理局可以办理这一步 / only the bureau takes this step")


def is_verifier(user, row):
    return row.verifier_id == user.id


def check_verifier(user, row):
    if not is_verifier(user, row):
        raise NotAllowed("只有受指派的核查人员可以登记核查结果 / only the assigned verifier records the result")


def check_bureau_or_verifier(user, row):
    if not (is_bureau(user) or is_verifier(user, row)):
        raise NotAllowed("只有应急管理局或受指派的核查人员可以办理这一步 / only the bureau or the assigned verifier "
                         "takes this step")


def _compare_and_set(session, row, conditions, values):
    done = session.execute(update(PublicReport).where(PublicReport.id == row.id, *conditions)
                           .values(**values).execution_options(synchronize_session=False))
    session.refresh(row)
    return done.rowcount == 1


def _audit(uow, user, row, action, changes=None, **details):
    audit.record(uow, row.case_id, user, action, changes=changes, details={"report": row.code, **details},
                 subject=("public_report", row.id))


def _in_status(status):
    return [PublicReport.status == status]


def _wrong_order(row, wanted):
    return Conflict(f"举报当前状态为 {row.status}，不能办理这一步（应为 {wanted}） / the report is {row.status}, this "
                    f"step needs {wanted}")


def _text(value, longest, name, errors, message):
    text = clean_text(value, longest, name, errors)
    if not text and name not in errors:
        errors[name] = message
    return text


def accept(uow, user, report_id):
    row = get_visible(uow.session, user, report_id)
    check_bureau(user)
    if not _compare_and_set(uow.session, row, _in_status("received"),
                            {"status": "accepted", "decided_at": clock.now(), "decided_by_id": user.id}):
        raise _wrong_order(row, "received")
    _audit(uow, user, row, "public_report_accepted", {"report_status": ["received", "accepted"]})
    return row


def reject(uow, user, report_id, reason):
    """Not accepted (outside the bureau's remit, no usable facts…): the reason is what the reporter reads."""
    row = get_visible(uow.session, user, report_id)
    check_bureau(user)
    errors = {}
    reason = _text(reason, MAX_REPLY, "reason", errors, "请写明不予受理的理由（举报人可见） / give the reason (the "
                                                         "reporter reads it)")
    raise_if(errors)
    if not _compare_and_set(uow.session, row, _in_status("received"),
                            {"status": "rejected", "decided_at": clock.now(), "decided_by_id": user.id,
                             "public_reply": reason}):
        raise _wrong_order(row, "received")
    _audit(uow, user, row, "public_report_rejected", {"report_status": ["received", "rejected"], "public_reply": [None, reason]})
    return row


def verifier_choices(session):
    """Active inspectors and supervision users, by name."""
    found = {u.id: u for role in VERIFIER_ROLES for u in holders_of_role(session, role)}
    return sorted(found.values(), key=lambda u: (u.display_name, u.id))


def assign(uow, user, report_id, verifier_id):
    """The bureau has an accepted report verified on site by an inspector or a supervision user, within 3 working
    days (the calendar's)."""
    row = get_visible(uow.session, user, report_id)
    check_bureau(user)
    verifier = uow.session.get(User, row_id(verifier_id)) if row_id(verifier_id) else None
    if verifier is None or not verifier.active or not verifier.has_role(*VERIFIER_ROLES):
        raise_if({"verifier_id": "请选择核查人员（现场排查人员或督导组） / choose an inspector or a supervision user"})
    now = clock.now()
    due = add_workdays(now, VERIFY_WORKDAYS).moment
    if not _compare_and_set(uow.session, row, _in_status("accepted"),
                            {"status": "verifying", "verifier_id": verifier.id, "assigned_at": now,
                             "assigned_by_id": user.id, "verify_due": due}):
        raise _wrong_order(row, "accepted")
    _audit(uow, user, row, "public_report_assigned", {"report_status": ["accepted", "verifying"]},
           verifier=verifier.username, due=due)
    notifications.send(uow, [verifier], "public_report_assigned", f"群众举报待核查：{row.place}"[:200],
                       row.text[:200], f"public_report:{row.id}:assigned")
    return row


def verify(uow, user, report_id, result, note, reply, photo_attachments=()):
    """The verifier's result: 属实 (`result` "true") or 不属实 ("false"), internal notes, the reply the reporter
    reads, photos (stored already by the caller, the verifier's own)."""
    row = get_visible(uow.session, user, report_id)
    check_verifier(user, row)
    errors = {}
    if result not in ("true", "false"):
        errors["result"] = "请选择核查结论：属实或不属实 / choose true or not true"
    note = _text(note, MAX_TEXT, "note", errors, "请填写核查情况 / describe what the verification found")
    reply = _text(reply, MAX_REPLY, "reply", errors, "请填写给举报人的答复 / write the reply to the reporter")
    raise_if(errors)
    status = "confirmed" if result == "true" else "unfounded"
    if not _compare_and_set(uow.session, row, _in_status("verifying"),
                            {"status": status, "verified_at": clock.now(), "verified_by_id": user.id,
                             "verification_note": note, "public_reply": reply}):
        raise _wrong_order(row, "verifying")
    for attachment in photo_attachments:
        attachment.report_id, attachment.field = row.id, "verification"
    _audit(uow, user, row, "public_report_verified", {"report_status": ["verifying", status], "public_reply": [None, reply]},
           photos=len(photo_attachments))
    return row


def case_by_code(session, code):
    case = session.query(HazardCase).filter(HazardCase.code == (code or "").strip()[:32]).first()
    if case is None:
        raise_if({"case_code": "没有这个编号的隐患 / no hazard case with this code"})
    return case


def check_may_link(session, user, report_id):
    """The report a case may be registered from (the registration form's `?public_report=`): a true one without
    a case, for the bureau or its verifier; 404 / 403 / 409 otherwise."""
    row = get_visible(session, user, report_id)
    check_bureau_or_verifier(user, row)
    if row.status != "confirmed":
        raise _wrong_order(row, "confirmed")
    return row


def link_case(uow, user, report_id, case):
    """The hazard case the true report led to (an existing one, or one registered from it in the same
    transaction); once."""
    row = get_visible(uow.session, user, report_id)
    check_bureau_or_verifier(user, row)
    if case is None:
        raise NotFound("隐患不存在 / case not found")
    values = {"status": "case_opened", "case_id": case.id, "case_linked_at": clock.now(),
              "case_linked_by_id": user.id}
    if not row.township:
        values["township"] = case.enterprise.township
    if not _compare_and_set(uow.session, row, _in_status("confirmed"), values):
        raise _wrong_order(row, "confirmed")
    _audit(uow, user, row, "public_report_case_linked", {"report_status": ["confirmed", "case_opened"]}, case=case.code)
    return row


def propose_reward(uow, user, report_id, amount, note):
    row = get_visible(uow.session, user, report_id)
    check_bureau_or_verifier(user, row)
    errors = {}
    yuan = whole_number(amount)
    if yuan is None or not 1 <= yuan <= MAX_REWARD:
        errors["amount"] = f"奖励金额为 1–{MAX_REWARD} 元的整数 / the reward is a whole number of 1 to {MAX_REWARD} yuan"
    note = _text(note, MAX_TEXT, "reward_note", errors, "请写明奖励依据 / say why this amount")
    raise_if(errors)
    if row.status not in TRUE_STATUSES:
        raise Conflict("只有经查属实的举报才给予奖励 / only a report verified as true is rewarded")
    if not _compare_and_set(uow.session, row, [PublicReport.status.in_(TRUE_STATUSES),
                                               PublicReport.reward_proposed_at.is_(None)],
                            {"reward_amount": yuan, "reward_note": note, "reward_proposed_at": clock.now(),
                             "reward_proposed_by_id": user.id}):
        raise Conflict("奖励已经提出 / a reward was already proposed")
    _audit(uow, user, row, "public_report_reward_proposed", {"reward_amount": [None, yuan]})
    return row


def approve_reward(uow, user, report_id):
    row = get_visible(uow.session, user, report_id)
    check_bureau(user)
    if not _compare_and_set(uow.session, row, [PublicReport.reward_proposed_at.isnot(None),
                                               PublicReport.reward_approved_at.is_(None)],
                            {"reward_approved_at": clock.now(), "reward_approved_by_id": user.id}):
        raise Conflict("没有待批准的奖励 / no reward awaits approval" if row.reward_proposed_at is None else
                       "奖励已经批准 / the reward was already approved")
    _audit(uow, user, row, "public_report_reward_approved", amount=row.reward_amount)
    return row


def record_payment(uow, user, report_id, paid_on):
    """The day the approved reward was paid (not in the future, not before the approval)."""
    row = get_visible(uow.session, user, report_id)
    check_bureau(user)
    today = clock.local_now().date()
    if paid_on is None or paid_on > today or (row.reward_approved_at is not None and
                                              paid_on < row.reward_approved_at.astimezone(SHANGHAI).date()):
        raise_if({"paid_on": "发放日期不能晚于今天，也不能早于批准日期 / the day paid is neither in the future nor "
                             "before the approval"})
    if not _compare_and_set(uow.session, row, [PublicReport.reward_approved_at.isnot(None),
                                               PublicReport.reward_paid_on.is_(None)],
                            {"reward_paid_on": paid_on, "reward_paid_recorded_at": clock.now(),
                             "reward_paid_by_id": user.id}):
        raise Conflict("奖励尚未批准 / the reward is not approved yet" if row.reward_approved_at is None else
                       "奖励已登记发放 / the payment was already recorded")
    _audit(uow, user, row, "public_report_reward_paid", amount=row.reward_amount, paid_on=paid_on)
    return row

