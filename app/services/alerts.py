"""Alerts raised by the enabled alert rules (hourly job `evaluate_alert_rules`), their notices, the list and the
acknowledgement.

Once per rule and subject: a subject matched again while its alert is current (cleared_at None, acknowledged or not)
raises nothing; an evaluation that no longer finds it clears the alert; a later match raises a new alert (the next
sequence number). Each new alert tells the rule's roles in the app — the township offices only of the enterprise's
own township / park, as the diagram's township notices do — and through the outbox on the rule's channels (those the
deployment has on, NOTIFY_CHANNELS) where the user has an address. Everything in sets: one statement for the current
alerts of a rule, one to clear, one to insert the new ones, one for their notices, one for the outbox rows.

Readers: the bureau, administrators, managers, quality supervisors, project leads (every alert) and township
offices (their area's); anyone else NotAllowed (an enterprise's staff too: alerts are the supervisors' tool).
Acknowledging needs a note, is audited on the alert, and does not clear it."""
from flask import current_app
from sqlalchemy import func, insert, select

from ..clock import clock
from ..errors import Conflict, NotAllowed, NotFound, ValidationFailed
from ..models import Alert, AlertRule, Enterprise, Notification
from . import audit, outbox
from .access import enterprise_condition, sees_all_cases
from .alert_evaluation import matches
from .users import holders_of_role, township_offices

READERS = ("bureau", "admin", "manager", "quality", "project_lead", "township")
NOTICE_KIND = "alert_raised"
MAX_NOTE = 500
_CHUNK = 500
_ALERTS = insert(Alert.__table__)
_NOTICES = insert(Notification.__table__).returning(Notification.__table__.c.id, sort_by_parameter_order=True)


def may_read(user):
    return user.has_role(*READERS)


def evaluate_all(uow, now=None):
    """Evaluate every enabled rule: {"raised": n, "cleared": n}."""
    totals = {"raised": 0, "cleared": 0}
    for rule in uow.session.query(AlertRule).filter(AlertRule.enabled.is_(True)).order_by(AlertRule.id):
        raised, cleared = evaluate(uow, rule, now)
        totals["raised"] += raised
        totals["cleared"] += cleared
    return totals


def evaluate(uow, rule, now=None):
    """(raised, cleared) for one rule."""
    session, now = uow.session, now or clock.now()
    found = {(m.subject_type, m.subject_id): m for m in matches(session, rule, now)}
    current = {(t, s): i for i, t, s in session.execute(
        select(Alert.id, Alert.subject_type, Alert.subject_id).where(Alert.rule_id == rule.id,
                                                                     Alert.cleared_at.is_(None)))}
    gone = [i for key, i in current.items() if key not in found]
    for start in range(0, len(gone), _CHUNK):
        session.query(Alert).filter(Alert.id.in_(gone[start:start + _CHUNK])) \
            .update({"cleared_at": now}, synchronize_session=False)
    new = [m for key, m in found.items() if key not in current]
    if new:
        _raise(uow, rule, new, now)
    return len(new), len(gone)


def _raise(uow, rule, new, now):
    session = uow.session
    last = {}
    ids = sorted({m.subject_id for m in new})
    for start in range(0, len(ids), _CHUNK):
        last.update({(t, s): n for t, s, n in session.execute(
            select(Alert.subject_type, Alert.subject_id, func.max(Alert.sequence))
            .where(Alert.rule_id == rule.id, Alert.subject_id.in_(ids[start:start + _CHUNK]))
            .group_by(Alert.subject_type, Alert.subject_id))})
    rows = [{"rule_id": rule.id, "subject_type": m.subject_type, "subject_id": m.subject_id,
             "sequence": last.get((m.subject_type, m.subject_id), 0) + 1, "enterprise_id": m.enterprise_id,
             "case_id": m.case_id, "summary": m.summary[:300], "status": "open", "raised_at": now,
             "cleared_at": None, "acknowledged_at": None, "acknowledged_by_id": None, "note": ""} for m in new]
    session.connection().execute(_ALERTS, rows)
    # the notice's dedup key names the alert by its unique key, not its id (which SQLite may reuse)
    _notify(uow, rule, [(f"alert:{rule.id}:{m.subject_type}:{m.subject_id}:{row['sequence']}", m)
                        for row, m in zip(rows, new)], now)


def _notify(uow, rule, raised, now):
    """Every new alert to the rule's roles (township offices: their area's), in the app and on its channels."""
    session = uow.session
    county = {u.id: u for role in rule.roles if role != "township" for u in holders_of_role(session, role)}
    offices = township_offices(session) if "township" in rule.roles else []
    places = _enterprises(session, {m.enterprise_id for _, m in raised})
    rows, people = [], []
    for key, match in raised:
        name, township = places.get(match.enterprise_id, ("", ""))
        recipients = dict(county)
        recipients.update({u.id: u for u in offices if township and township in u.townships})
        title, body = f"预警：{rule.name}"[:200], f"{name}：{match.summary}"
        for user in recipients.values():
            rows.append({"case_id": match.case_id, "user_id": user.id, "kind": NOTICE_KIND, "title": title,
                         "body": body, "dedup_key": key, "created_at": now, "read_at": None})
            people.append(user)
    if not rows:
        return
    notice_ids = []
    for start in range(0, len(rows), _CHUNK):
        notice_ids += session.connection().execute(_NOTICES, rows[start:start + _CHUNK]).scalars().all()
    channels = [c for c in rule.channels if c in current_app.config["NOTIFY_CHANNELS"]]
    if channels:
        outbox.enqueue(uow, [(i, row["title"], row["body"], user) for i, row, user in zip(notice_ids, rows, people)],
                       channels)


def _enterprises(session, ids):
    found, ids = {}, sorted(ids)
    for start in range(0, len(ids), _CHUNK):
        found.update({i: (n, t) for i, n, t in session.query(Enterprise.id, Enterprise.name, Enterprise.township)
                      .filter(Enterprise.id.in_(ids[start:start + _CHUNK]))})
    return found


# ---- reading and acknowledging -------------------------------------------------------------------------------
def _require(user):
    if not may_read(user):
        raise NotAllowed("预警供监管人员查看 / alerts are for the supervisors")


def visible(session, user, status="open", rule_id=None, current_only=False, limit=200, offset=0):
    """([Alert], total) the user may see, newest first; status "open" | "acknowledged" | "" (both)."""
    _require(user)
    query = session.query(Alert).filter(enterprise_condition(user, Alert.enterprise_id))
    if status:
        query = query.filter(Alert.status == status)
    if rule_id:
        query = query.filter(Alert.rule_id == rule_id)
    if current_only:
        query = query.filter(Alert.cleared_at.is_(None))
    total = query.count()
    return query.order_by(Alert.raised_at.desc(), Alert.id.desc()).limit(limit).offset(offset).all(), total


def get_visible(session, user, alert_id):
    _require(user)
    alert = session.get(Alert, alert_id)
    if alert is None or not (sees_all_cases(user) or session.query(Enterprise.id).filter(
            Enterprise.id == alert.enterprise_id, enterprise_condition(user, Enterprise.id)).first()):
        raise NotFound("没有这条预警 / no such alert")
    return alert


def acknowledge(uow, user, alert_id, note):
    alert = get_visible(uow.session, user, alert_id)
    note = str(note or "").strip()
    if not note or len(note) > MAX_NOTE:
        message = "请填写处理说明 / enter a note" if not note else \
            f"最多 {MAX_NOTE} 个字符 / at most {MAX_NOTE} characters"
        raise ValidationFailed(message, fields={"note": message})
    if alert.status == "acknowledged":
        raise Conflict("该预警已确认 / the alert was acknowledged already")
    alert.status, alert.note = "acknowledged", note
    alert.acknowledged_at, alert.acknowledged_by_id = clock.now(), user.id
    audit.record(uow, alert.case_id, user, "alert_acknowledged",
                 changes={"status": ["open", "acknowledged"], "note": ["", note]},
                 details={"rule_id": alert.rule_id, "subject_type": alert.subject_type,
                          "subject_id": alert.subject_id}, subject=("alert", alert.id))
    return alert
