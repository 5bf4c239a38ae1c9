"""Alerts raised by the enabled alert rules (hourly job `evaluate_alert_rules`), their notices, the list and the
acknowledgement.

Once per rule and subject: a subject matched again while its alert is current (cleared_at None, acknowledged or not)
raises nothing; an evaluation that no longer finds it clears the alert; a later match raises a new alert (the next
sequence number). Each new alert tells the rule's roles in the app — the township offices only of the enterprise's
own township / park, as the diagram's township notices do — and through the outbox on the rule's channels (those the
deployment has on, NOTIFY_CHANNELS) where the user has an address; more than DIGEST_OVER new alerts of a rule in one
run make one notice per recipient instead. Everything in sets: one statement for which subjects match, one for the
rule's current alerts, one to clear, then per 500 new ones: their text, their insert, their notices, the outbox rows.

Readers: the bureau, administrators, managers, quality supervisors, project leads (every alert) and township
offices (their area's); anyone else NotAllowed (an enterprise's staff too: alerts are the supervisors' tool).
Acknowledging needs a note, is audited on the alert, and does not clear it."""
from flask import current_app
from sqlalchemy import func, insert, select
from sqlalchemy.orm import joinedload

from ..clock import clock
from ..errors import Conflict, NotAllowed, NotFound, ValidationFailed
from ..models import Alert, AlertRule, Enterprise, Notification
from . import audit, outbox
from .access import enterprise_condition, sees_all_cases
from .alert_evaluation import keys, matches
from .users import holders_of_role, township_offices

READERS = ("bureau", "admin", "manager", "quality", "project_lead", "township")
NOTICE_KIND = "alert_raised"
DIGEST_OVER = 20  # new alerts of one rule in one run beyond which a recipient gets one notice for all
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
    found = keys(session, rule, now)
    current = {(t, s): i for i, t, s in session.execute(
        select(Alert.id, Alert.subject_type, Alert.subject_id).where(Alert.rule_id == rule.id,
                                                                     Alert.cleared_at.is_(None)))}
    gone = [i for key, i in current.items() if key not in found]
    for start in range(0, len(gone), _CHUNK):
        session.query(Alert).filter(Alert.id.in_(gone[start:start + _CHUNK])) \
            .update({"cleared_at": now}, synchronize_session=False)
    new = sorted(key[1] for key in found if key not in current)  # one subject type per rule
    raised = []
    for start in range(0, len(new), _CHUNK):  # the alert's text only for the new subjects
        raised += matches(session, rule, now, within=new[start:start + _CHUNK])
    if raised:
        _raise(uow, rule, raised, now)
    return len(raised), len(gone)


def _raise(uow, rule, new, now):
    session = uow.session
    last = {}
    ids = [m.subject_id for m in new]
    for start in range(0, len(ids), _CHUNK):
        last.update({(t, s): n for t, s, n in session.execute(
            select(Alert.subject_type, Alert.subject_id, func.max(Alert.sequence))
            .where(Alert.rule_id == rule.id, Alert.subject_id.in_(ids[start:start + _CHUNK]))
            .group_by(Alert.subject_type, Alert.subject_id))})
    rows = [{"rule_id": rule.id, "subject_type": m.subject_type, "subject_id": m.subject_id,
             "sequence": last.get((m.subject_type, m.subject_id), 0) + 1, "enterprise_id": m.enterprise_id,
             "case_id": m.case_id, "summary": m.summary[:300], "status": "open", "raised_at": now,
             "cleared_at": None, "acknowledged_at": None, "acknowledged_by_id": None, "note": ""} for m in new]
    for start in range(0, len(rows), _CHUNK):
        session.connection().execute(_ALERTS, rows[start:start + _CHUNK])
    # the notice's dedup key names the alert by its unique key, not its id (which SQLite may reuse)
    _notify(uow, rule, [(f"alert:{rule.id}:{m.subject_type}:{m.subject_id}:{row['sequence']}", m)
                        for row, m in zip(rows, new)], now)


def _notify(uow, rule, raised, now):
    """Every new alert to the rule's roles (township offices: their area's), in the app and on its channels; a
    recipient with more than DIGEST_OVER new alerts of the rule in one run gets one notice saying how many (a new
    rule over a county's backlog would otherwise send thousands), the list being on the alerts page."""
    session = uow.session
    county = [u for u in {u.id: u for role in rule.roles if role != "township"
                          for u in holders_of_role(session, role)}.values()]
    offices = township_offices(session) if "township" in rule.roles else []
    places = _enterprises(session, {m.enterprise_id for _, m in raised})
    told = {u.id: (u, list(raised)) for u in county}
    for office in offices:
        if office.id not in told:
            area = set(office.townships)
            told[office.id] = (office, [(k, m) for k, m in raised if places.get(m.enterprise_id, ("", ""))[1] in area])
    rows, people = [], []
    for user, items in told.values():
        if len(items) > DIGEST_OVER:
            lines = [f"{places.get(m.enterprise_id, ('', ''))[0]}：{m.summary}" for _, m in items[:5]]
            rows.append(_row(None, user, f"预警：{rule.name}（新增 {len(items)} 条）",
                             "\n".join(lines) + "\n……详见预警页面", f"alert-digest:{rule.id}:{now.isoformat()}", now))
            people.append(user)
            continue
        for key, match in items:
            rows.append(_row(match.case_id, user, f"预警：{rule.name}",
                             f"{places.get(match.enterprise_id, ('', ''))[0]}：{match.summary}", key, now))
            people.append(user)
    notice_ids = []
    for start in range(0, len(rows), _CHUNK):
        notice_ids += session.connection().execute(_NOTICES, rows[start:start + _CHUNK]).scalars().all()
    channels = [c for c in rule.channels if c in current_app.config["NOTIFY_CHANNELS"]]
    if channels and rows:
        outbox.enqueue(uow, [(i, row["title"], row["body"], user) for i, row, user in zip(notice_ids, rows, people)],
                       channels)


def _row(case_id, user, title, body, key, now):
    return {"case_id": case_id, "user_id": user.id, "kind": NOTICE_KIND, "title": title[:200], "body": body,
            "dedup_key": key[:200], "created_at": now, "read_at": None}


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
    return query.options(joinedload(Alert.rule), joinedload(Alert.enterprise), joinedload(Alert.case),
                         joinedload(Alert.acknowledged_by)) \
        .order_by(Alert.raised_at.desc(), Alert.id.desc()).limit(limit).offset(offset).all(), total


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
