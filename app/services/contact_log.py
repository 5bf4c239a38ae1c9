"""The contact log (企业配合全过程电子档案, seed 000 line 782: 记录每次沟通内容、整改承诺及完成情况): each call, visit,
WeChat exchange or meeting with an enterprise, entered by the staff member who had it; the commitments the enterprise
made in it (整改承诺, each with the day it is due), later marked kept or broken; and whether the enterprise refused to
cooperate — the facts the non-cooperation report draws on (services/noncooperation.py).

Entries are not edited or deleted: the log is an archive (可追溯、可核查); a wrong entry is corrected by a further one.
Who reads and writes: services/liaisons.py."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, true
from sqlalchemy.orm import selectinload

from ..clock import SHANGHAI, clock
from ..errors import Conflict, NotFound
from ..models import CONTACT_WAYS, ContactCommitment, ContactEntry, Enterprise
from . import audit, liaisons
from .field_rules import aware_moment, clean_text, parse_date, raise_if, row_id

MAX_TEXT = 2000
MAX_COUNTERPART = 100
MAX_COMMITMENT = 500
MAX_COMMITMENTS = 3  # per entry: the form's rows
CLOCK_SKEW = timedelta(minutes=5)  # a contact "now" typed on a device whose clock runs a little ahead
SETTLE_OUTCOMES = ("kept", "broken")


def clean_entry(form, errors):
    """The entry's values from a form (or a JSON body): {contacted_at, way, counterpart, content, follow_up,
    refused, commitments: [(text, due_on)]}; each wrong field named in `errors` (commitments as commitment_<n> and
    commitment_due_<n>)."""
    values = {}
    moment = form.get("contacted_at")
    moment = moment if hasattr(moment, "tzinfo") else aware_moment(moment)
    if moment is None:
        errors["contacted_at"] = "请填写沟通时间，如 2026-11-23T09:30 / enter when, such as 2026-11-23T09:30"
    elif moment > clock.now() + CLOCK_SKEW:
        errors["contacted_at"] = "沟通时间不能晚于现在 / the contact cannot be in the future"
    values["contacted_at"] = moment
    values["way"] = form.get("way") or ""
    if values["way"] not in CONTACT_WAYS:
        errors["way"] = "请选择沟通方式 / choose how"
    for name, longest, title in (("counterpart", MAX_COUNTERPART, "企业对接人"), ("content", MAX_TEXT, "沟通内容")):
        values[name] = clean_text(form.get(name), longest, name, errors)
        if not values[name] and name not in errors:
            errors[name] = f"请填写{title} / required"
    values["follow_up"] = clean_text(form.get("follow_up"), MAX_TEXT, "follow_up", errors)
    values["refused"] = str(form.get("refused") or "").lower() in ("1", "true", "on", "yes")
    values["commitments"] = _commitments(form, moment, errors)
    return values


def _commitments(form, contacted_at, errors):
    found = []
    for n in range(MAX_COMMITMENTS):
        text_name, due_name = f"commitment_{n}", f"commitment_due_{n}"
        text = clean_text(form.get(text_name), MAX_COMMITMENT, text_name, errors)
        due = parse_date(form.get(due_name), due_name, errors)
        if due_name in errors or text_name in errors:
            continue
        if text and due is None:
            errors[due_name] = "请填写承诺完成日期 / enter the day it is due"
        elif due is not None and not text:
            errors[text_name] = "请写明承诺内容 / say what was committed"
        elif text and contacted_at and due < contacted_at.astimezone(SHANGHAI).date():
            errors[due_name] = "承诺完成日期不能早于沟通日期 / due on or after the contact's day"
        elif text:
            found.append((text, due))
    return found


def record(uow, user, enterprise_id, form):
    """A contact with the enterprise, entered by `user` (a liaison role), with its commitments."""
    liaisons.check_may_write_log(user)
    enterprise = liaisons.get_enterprise(uow.session, user, enterprise_id)
    errors = {}
    values = clean_entry(form, errors)
    raise_if(errors)
    entry = ContactEntry(enterprise_id=enterprise.id, contacted_at=values["contacted_at"], way=values["way"],
                         staff_id=user.id, counterpart=values["counterpart"], content=values["content"],
                         follow_up=values["follow_up"], refused=values["refused"], recorded_at=clock.now())
    uow.session.add(entry)
    uow.session.flush()
    for text, due in values["commitments"]:
        uow.session.add(ContactCommitment(entry_id=entry.id, enterprise_id=enterprise.id, text=text, due_on=due,
                                          status="open"))
    uow.session.flush()
    audit.record(uow, None, user, "contact_recorded", changes={
        "contacted_at": [None, entry.contacted_at], "way": [None, entry.way], "counterpart": [None, entry.counterpart],
        "content": [None, entry.content], "follow_up": [None, entry.follow_up], "refused": [None, entry.refused],
        "commitments": [None, [f"{due.isoformat()} {text}" for text, due in values["commitments"]]]},
        details={"enterprise_id": enterprise.id, "name": enterprise.name, "entry_id": entry.id},
        subject=("enterprise", enterprise.id))
    return entry


def settle(uow, user, commitment_id, outcome, note="", enterprise_id=None):
    """Mark an open commitment kept or broken (a liaison role); a broken one says what happened. Conflict when it
    was settled already; NotFound outside the user's area (or not of `enterprise_id`, when given)."""
    liaisons.check_may_write_log(user)
    number = row_id(commitment_id)
    row = uow.session.query(ContactCommitment).filter(
        ContactCommitment.id == number, liaisons.log_condition(user, ContactCommitment.enterprise_id),
        ContactCommitment.enterprise_id == enterprise_id if enterprise_id else true()) \
        .with_for_update().first() if number else None
    if row is None:
        raise NotFound("承诺不存在 / commitment not found")
    errors = {}
    if outcome not in SETTLE_OUTCOMES:
        errors["outcome"] = "请选择已兑现或未兑现 / choose kept or broken"
    note = clean_text(note, MAX_COMMITMENT, "note", errors)
    if outcome == "broken" and not note and "note" not in errors:
        errors["note"] = "请写明未兑现的情况 / say what happened"
    raise_if(errors)
    if row.status != "open":
        raise Conflict("该承诺已确认过 / the commitment was settled already")
    row.status, row.settled_at, row.settled_by_id, row.settle_note = outcome, clock.now(), user.id, note
    audit.record(uow, None, user, "commitment_settled", changes={"commitment_status": ["open", outcome],
                                                                 "settle_note": [None, note]},
                 details={"enterprise_id": row.enterprise_id, "commitment_id": row.id, "text": row.text,
                          "due_on": row.due_on.isoformat()}, subject=("enterprise", row.enterprise_id))
    return row


def entries(session, enterprise_id, limit=200):
    """The enterprise's contacts, the latest first, with their commitments."""
    return session.query(ContactEntry) \
        .options(selectinload(ContactEntry.commitments), selectinload(ContactEntry.staff)) \
        .filter_by(enterprise_id=enterprise_id) \
        .order_by(ContactEntry.contacted_at.desc(), ContactEntry.id.desc()).limit(limit).all()


# ---- the overview ------------------------------------------------------------------------------------------------
def overview(session, user, township="", scope="", q="", limit=50, offset=0):
    """(rows, total) of the enterprises whose log the user reads, by name: each (enterprise, current assignment or
    None, last contact moment or None, open commitments, overdue commitments). `scope`: "mine" — the user's
    enterprises as liaison —, "none" — without a liaison —, or all."""
    liaisons.check_may_read_log(user)
    query = session.query(Enterprise).filter(liaisons.log_condition(user, Enterprise.id))
    if township:
        query = query.filter(Enterprise.township == township)
    if q:
        query = query.filter(Enterprise.name.contains(q.strip()[:100], autoescape=True))
    current_ids = session.query(liaisons.LiaisonAssignment.enterprise_id).filter(
        liaisons.LiaisonAssignment.ended_at.is_(None))
    if scope == "mine":
        query = query.filter(Enterprise.id.in_(current_ids.filter(liaisons.LiaisonAssignment.liaison_id == user.id)))
    elif scope == "none":
        query = query.filter(Enterprise.id.not_in(current_ids))
    total = query.count()
    rows = query.order_by(Enterprise.name, Enterprise.id).limit(limit).offset(offset).all()
    ids = [e.id for e in rows]
    assignments = liaisons.current_by_enterprise(session, ids)
    last = dict(session.query(ContactEntry.enterprise_id, func.max(ContactEntry.contacted_at))
                .filter(ContactEntry.enterprise_id.in_(ids or [0])).group_by(ContactEntry.enterprise_id))
    today = clock.local_now().date()
    open_counts = dict(session.query(ContactCommitment.enterprise_id, func.count(ContactCommitment.id))
                       .filter(ContactCommitment.enterprise_id.in_(ids or [0]), ContactCommitment.status == "open")
                       .group_by(ContactCommitment.enterprise_id))
    overdue_counts = dict(session.query(ContactCommitment.enterprise_id, func.count(ContactCommitment.id))
                          .filter(ContactCommitment.enterprise_id.in_(ids or [0]), ContactCommitment.status == "open",
                                  ContactCommitment.due_on < today).group_by(ContactCommitment.enterprise_id))
    return [(e, assignments.get(e.id), _aware(last.get(e.id)), open_counts.get(e.id, 0), overdue_counts.get(e.id, 0))
            for e in rows], total


def _aware(moment):
    """An aggregate's moment (SQLite returns max() of a timestamp as naive UTC, or even as text)."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
