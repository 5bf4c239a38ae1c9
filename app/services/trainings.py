"""Training sessions (培训记录, seed 000 line 269 "定期组织培训…培训内容包括标准解读、案例分析、现场实操等模块", line 738
"每季度安排不少于 2 次现场培训，结合典型案例讲解排查要点", line 94 "开展全员安全培训与考核"; seed 001 line 40 "指导企业建立全员岗位
培训档案"): recording a session held, its attendees and their assessment (考核), its materials.

Two kinds: internal (内部培训) for the project's own staff, picked from the users; on-site at enterprises (企业现场培训)
for one or more enterprises, whose people mostly have no login: their names and positions are typed, one per line,
and the head count may be larger than the names typed.

Who: project leads and the project team record and edit; the bureau, managers and administrators read everything;
an enterprise's staff read the on-site trainings given to their enterprise (any other session does not exist for
them: NotFound); every other role: NotAllowed. Every change is audited on the session (subject "training") with
before → after values. The materials (training_files.py), the plan (training_plans.py), the targets
(training_targets.py)."""
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import delete, insert, or_, select

from ..clock import SHANGHAI, clock
from ..errors import NotAllowed, NotFound
from ..models import (ASSESSMENT_RESULTS, TRAINING_KINDS, TRAINING_MODULES, Enterprise, TrainingAttendee,
                      TrainingEnterprise, TrainingPlanItem, TrainingSession, User, UserRole)
from ..models.user import ROLES
from . import audit, training_files
from .field_rules import aware_moment, clean_count, clean_text, raise_if, row_id

WRITERS = ("project_lead", "project_team")
READERS = WRITERS + ("bureau", "manager", "admin")
# Whose hours count against the annual minimum, and who can be picked as attendees of an internal training: the
# contractor's people who inspect, verify and supervise (experts are invited specialists, often the trainers).
STAFF_ROLES = ("inspector", "project_lead", "project_team", "supervision", "quality", "technical_lead")
SUBJECT = "training"
MAX_TOPIC, MAX_TEXT, MAX_TRAINER, MAX_LOCATION, MAX_NAME, MAX_LINES = 200, 4000, 100, 200, 64, 500
MAX_HOURS = 24
FIELDS = ("kind", "held_at", "hours", "topic", "modules", "content", "trainer", "location", "attendee_count",
          "plan_item_id", "staff_ids", "enterprise_ids", "attendees")


# ---- who ---------------------------------------------------------------------------------------------------------
def may_write(user):
    return user.has_role(*WRITERS)


def reads_all(user):
    return user.has_role(*READERS)


def own_enterprise(user):
    return user.enterprise_id if "enterprise" in user.roles and user.enterprise_id else None


def may_read(user):
    return reads_all(user) or own_enterprise(user) is not None


def check_may_read(user):
    if not may_read(user):
        raise NotAllowed("培训记录供项目负责人、项目执行小组、应急管理局、管理人员和参训企业查看 / training records are for "
                         "project leads, the project team, the bureau, managers and the enterprises trained")


def check_may_write(user):
    check_may_read(user)
    if not may_write(user):
        raise NotAllowed("只有项目负责人和项目执行小组可以登记培训 / only project leads and the project team record "
                         "trainings")


# ---- reading -----------------------------------------------------------------------------------------------------
def _visible(session, user):
    query = session.query(TrainingSession)
    if not reads_all(user):
        query = query.filter(TrainingSession.kind == "enterprise", TrainingSession.id.in_(
            select(TrainingEnterprise.training_id).where(TrainingEnterprise.enterprise_id == own_enterprise(user))))
    return query


def get(session, user, training_id, for_update=False):
    """The session if the user may read it; NotFound otherwise."""
    check_may_read(user)
    number = row_id(training_id)
    query = _visible(session, user).filter(TrainingSession.id == number) if number is not None else None
    row = (query.with_for_update() if for_update else query).first() if query is not None else None
    if row is None:
        raise NotFound("培训记录不存在 / training not found")
    return row


@dataclass
class TrainingFilter:
    kind: str = ""
    enterprise_id: int = None
    date_from: object = None  # Shanghai days, both included
    date_to: object = None
    text: str = ""
    limit: int = 50
    offset: int = 0


def listing(session, user, flt):
    """(a page of sessions, how many match), the latest first."""
    check_may_read(user)
    query = _visible(session, user)
    if flt.kind:
        query = query.filter(TrainingSession.kind == flt.kind)
    if flt.enterprise_id:
        query = query.filter(TrainingSession.id.in_(select(TrainingEnterprise.training_id).where(
            TrainingEnterprise.enterprise_id == flt.enterprise_id)))
    if flt.date_from:
        query = query.filter(TrainingSession.held_at >= day_start(flt.date_from))
    if flt.date_to:
        query = query.filter(TrainingSession.held_at < day_start(flt.date_to + timedelta(days=1)))
    if flt.text:
        like = f"%{flt.text}%"
        query = query.filter(or_(TrainingSession.topic.ilike(like), TrainingSession.trainer.ilike(like),
                                 TrainingSession.content.ilike(like)))
    total = query.count()
    query = query.order_by(TrainingSession.held_at.desc(), TrainingSession.id.desc())
    if flt.limit:
        query = query.limit(flt.limit).offset(flt.offset)
    return query.all(), total


def day_start(day):
    """The moment a Shanghai day begins."""
    return datetime.combine(day, time(0), tzinfo=SHANGHAI)


def staff_choices(session):
    """The active users who can attend an internal training (STAFF_ROLES), by name."""
    return session.query(User).filter(User.active.is_(True), User.id.in_(
        select(UserRole.user_id).where(UserRole.role.in_(STAFF_ROLES)))).order_by(User.display_name, User.id).all()


def enterprise_choices(session):
    return session.query(Enterprise).order_by(Enterprise.name, Enterprise.id).all()


def plan_choices(session, year=None):
    query = session.query(TrainingPlanItem)
    if year is not None:
        query = query.filter(TrainingPlanItem.year.in_((year - 1, year, year + 1)))
    return query.order_by(TrainingPlanItem.year, TrainingPlanItem.month, TrainingPlanItem.id).all()


# ---- checking ----------------------------------------------------------------------------------------------------
def _ids(value):
    values = value if isinstance(value, (list, tuple)) else ([] if value in (None, "") else [value])
    ids = [row_id(v) for v in values]
    return sorted({i for i in ids if i is not None}) if all(i is not None for i in ids) else None


def clean_hours(value, errors):
    text = str(value).strip() if value is not None else ""
    try:
        hours = float(text) if text else None
    except ValueError:
        hours = None
    if hours is None or not (0.5 <= hours <= MAX_HOURS) or (hours * 2) != int(hours * 2):
        errors["hours"] = (f"学时为 0.5 至 {MAX_HOURS} 之间、以 0.5 为单位的数字 / hours are a number from 0.5 to "
                           f"{MAX_HOURS} in steps of 0.5")
        return value
    return hours


def parse_attendees(text, errors):
    """Typed attendees, one per line: a name, then optionally the position after a space, comma or 、."""
    people = []
    for line in str(text or "").splitlines():
        parts = line.replace("，", " ").replace(",", " ").replace("、", " ").replace("\t", " ").split(None, 1)
        if not parts:
            continue
        name, position = parts[0], (parts[1].strip() if len(parts) > 1 else "")
        if len(name) > MAX_NAME or len(position) > MAX_NAME:
            errors["attendees"] = f"姓名和职务各最多 {MAX_NAME} 个字符 / at most {MAX_NAME} characters for a name " \
                                  f"or a position"
        people.append((name[:MAX_NAME], position[:MAX_NAME]))
    if len(people) > MAX_LINES:
        errors["attendees"] = f"最多 {MAX_LINES} 人 / at most {MAX_LINES} people"
    return people


def clean(session, values):
    """The stored values from a form's or a body's `values`, plus the attendees (("user", id) or (name, position)
    pairs) and the enterprises; ValidationFailed names every wrong field."""
    errors = {}
    kind = values.get("kind")
    if kind not in TRAINING_KINDS:
        errors["kind"] = "请选择培训类别 / choose the kind of training"
    held_at = aware_moment(values.get("held_at")) if isinstance(values.get("held_at"), str) else values.get("held_at")
    if held_at is None:
        errors["held_at"] = "请填写培训时间，如 2026-11-20T09:00 / enter when it was held, e.g. 2026-11-20T09:00"
    elif held_at > clock.now() + timedelta(minutes=5):
        errors["held_at"] = "培训时间不能晚于现在：这里登记已举办的培训，计划在年度培训计划中 / a training is recorded " \
                            "once held; planned ones belong in the annual plan"
    hours = clean_hours(values.get("hours"), errors)
    topic = clean_text(values.get("topic"), MAX_TOPIC, "topic", errors)
    if not topic and "topic" not in errors:
        errors["topic"] = "请填写培训主题 / the topic is required"
    modules = [m for m in dict.fromkeys(values.get("modules") or []) if m]
    if not modules or any(m not in TRAINING_MODULES for m in modules):
        errors["modules"] = "请选择培训内容模块 / choose the content modules"
    content = clean_text(values.get("content"), MAX_TEXT, "content", errors)
    trainer = clean_text(values.get("trainer"), MAX_TRAINER, "trainer", errors)
    if not trainer and "trainer" not in errors:
        errors["trainer"] = "请填写授课人 / the trainer is required"
    location = clean_text(values.get("location"), MAX_LOCATION, "location", errors)
    plan_item_id = _plan_item(session, values.get("plan_item_id"), kind, held_at, errors)
    people, enterprise_ids, count = _who(session, values, kind, errors)
    raise_if(errors)
    return {"kind": kind, "held_at": held_at, "hours": hours, "topic": topic, "modules": modules, "content": content,
            "trainer": trainer, "location": location, "attendee_count": count, "plan_item_id": plan_item_id}, \
        people, enterprise_ids


def _plan_item(session, value, kind, held_at, errors):
    if value in (None, ""):
        return None
    item = session.get(TrainingPlanItem, row_id(value)) if row_id(value) is not None else None
    if item is None:
        errors["plan_item_id"] = "计划项不存在 / unknown plan item"
    elif kind in TRAINING_KINDS and item.kind != kind:
        errors["plan_item_id"] = "计划项的培训类别与本次不同 / the plan item is of another kind"
    elif held_at is not None and held_at.astimezone(SHANGHAI).year != item.year:
        errors["plan_item_id"] = "计划项不是培训当年的 / the plan item is of another year"
    return item.id if item is not None else None


def _role_of(user):
    """The first staff role a user holds, in Chinese: their position on the sign-in sheet."""
    return next((ROLES[r][0] for r in STAFF_ROLES if r in user.roles), "")


def _who(session, values, kind, errors):
    """(attendees, enterprise ids, head count) by kind: picked staff, or enterprises with typed people."""
    if kind == "internal":
        ids = _ids(values.get("staff_ids"))
        staff = {u.id: u for u in staff_choices(session)}
        if not ids:
            errors["staff_ids"] = "请选择参训人员 / choose the staff who attended"
            return [], [], 0
        if any(i not in staff for i in ids):
            errors["staff_ids"] = "参训人员须为在职的项目人员 / attendees are active project staff"
            return [], [], 0
        return [("user", i, staff[i].display_name, _role_of(staff[i])) for i in ids], [], len(ids)
    if kind != "enterprise":
        return [], [], 0
    enterprise_ids = _ids(values.get("enterprise_ids"))
    if not enterprise_ids:
        errors["enterprise_ids"] = "请选择受训企业 / choose the enterprises trained"
    elif session.query(Enterprise).filter(Enterprise.id.in_(enterprise_ids)).count() != len(enterprise_ids):
        errors["enterprise_ids"] = "企业不存在 / unknown enterprise"
    typed = parse_attendees(values.get("attendees"), errors)
    count = clean_count(values.get("attendee_count"), "attendee_count", errors)
    if "attendee_count" not in errors:
        count = count or len(typed)
        if count < 1:
            errors["attendee_count"] = "请填写参训人数或参训人员 / enter the head count or the attendees"
        elif count < len(typed):
            errors["attendee_count"] = f"参训人数不能少于填写的参训人员（{len(typed)} 人） / the head count cannot be " \
                                       f"below the {len(typed)} people listed"
    return [("typed", None, name, position) for name, position in typed], enterprise_ids or [], count


# ---- writing -----------------------------------------------------------------------------------------------------
def create(uow, user, values, file_ids=()):
    check_may_write(user)
    fields, people, enterprise_ids = clean(uow.session, values)
    now = clock.now()
    row = TrainingSession(recorded_by_id=user.id, recorded_at=now, updated_at=now, **fields)
    uow.session.add(row)
    uow.session.flush()
    _set_enterprises(uow, row, enterprise_ids)
    _set_attendees(uow, row, people)
    training_files.attach(uow, user, row, file_ids)
    audit.record(uow, None, user, "training_recorded", changes={k: [None, v] for k, v in _snapshot(
        fields, people, enterprise_ids).items()}, details=_details(row), subject=(SUBJECT, row.id))
    return row


def update(uow, user, training_id, values, file_ids=(), removed_file_ids=()):
    row = get(uow.session, user, training_id, for_update=True)
    check_may_write(user)
    fields, people, enterprise_ids = clean(uow.session, values)
    before = _snapshot({k: getattr(row, k) for k in fields}, _people_of(row), [e.id for e in row.enterprises])
    after = _snapshot(fields, people, enterprise_ids)
    for name, value in fields.items():
        setattr(row, name, value)
    row.updated_at = clock.now()
    _set_enterprises(uow, row, enterprise_ids)
    _set_attendees(uow, row, people)
    removed = training_files.detach(uow, row, removed_file_ids)
    added = training_files.attach(uow, user, row, file_ids)
    uow.session.flush()
    uow.session.expire(row, ["attachments", "attendees", "enterprises"])
    changes = {k: [before[k], v] for k, v in after.items() if before[k] != v}
    if added or removed:
        changes["files"] = [removed, added]
    audit.record(uow, None, user, "training_updated", changes=changes, details=_details(row),
                 subject=(SUBJECT, row.id))
    return row


def _snapshot(fields, people, enterprise_ids):
    shown = dict(fields)
    shown["held_at"] = fields["held_at"].astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    shown["attendees"] = [name + (f"（{position}）" if position else "") for _k, _i, name, position in people]
    shown["enterprise_ids"] = sorted(enterprise_ids)
    return shown


def _people_of(row):
    return [("user" if a.user_id else "typed", a.user_id, a.name, a.position) for a in row.attendees]


def _set_enterprises(uow, row, enterprise_ids):
    session = uow.session
    session.execute(delete(TrainingEnterprise).where(TrainingEnterprise.training_id == row.id,
                                                     TrainingEnterprise.enterprise_id.not_in(enterprise_ids or [0])))
    have = {e for (e,) in session.query(TrainingEnterprise.enterprise_id).filter_by(training_id=row.id)}
    new = [{"training_id": row.id, "enterprise_id": e} for e in enterprise_ids if e not in have]
    if new:
        session.execute(insert(TrainingEnterprise), new)


def _set_attendees(uow, row, people):
    """Keep the rows (and their assessment) of the people still listed, drop the others, add the new ones."""
    session = uow.session
    existing = session.query(TrainingAttendee).filter_by(training_id=row.id).order_by(TrainingAttendee.id).all()
    wanted = [(("user", i) if kind == "user" else ("typed", name, position), name, position, i)
              for kind, i, name, position in people]
    keys = {key for key, *_rest in wanted}
    kept = {}
    for attendee in existing:
        key = ("user", attendee.user_id) if attendee.user_id else ("typed", attendee.name, attendee.position)
        if key in keys and key not in kept:
            kept[key] = attendee
        else:
            session.delete(attendee)
    for key, name, position, user_id in wanted:
        if key not in kept:
            kept[key] = TrainingAttendee(training_id=row.id, user_id=user_id, name=name, position=position, result="")
            session.add(kept[key])
    session.flush()


def assess(uow, user, training_id, results):
    """Record the assessment (考核): `results` maps an attendee id to (result, score); result "" is not assessed,
    a score 0-100 or empty. Every wrong row is named (`result_<id>` / `score_<id>`)."""
    row = get(uow.session, user, training_id, for_update=True)
    check_may_write(user)
    attendees = {a.id: a for a in row.attendees}
    errors, cleaned = {}, {}
    for key, (result, score) in results.items():
        attendee = attendees.get(row_id(key))
        if attendee is None:
            errors[f"result_{key}"] = "参训人员不存在 / unknown attendee"
            continue
        result = (result or "").strip()
        if result and result not in ASSESSMENT_RESULTS:
            errors[f"result_{key}"] = "考核结果为合格或不合格 / the result is passed or failed"
        number = None
        if score not in (None, ""):
            number = row_id(score)
            if number is None or number > 100:
                errors[f"score_{key}"] = "分数为 0 至 100 的整数 / a score is a whole number from 0 to 100"
        cleaned[attendee.id] = (result, number)
    raise_if(errors)
    changes = {}
    for attendee_id, (result, score) in cleaned.items():
        attendee = attendees[attendee_id]
        if (attendee.result, attendee.score) != (result, score):
            changes[attendee.name] = [_assessment_text(attendee.result, attendee.score), _assessment_text(result, score)]
            attendee.result, attendee.score = result, score
    if changes:
        audit.record(uow, None, user, "training_assessed", changes=changes, details=_details(row),
                     subject=(SUBJECT, row.id))
    return row


def _assessment_text(result, score):
    return " ".join(p for p in (ASSESSMENT_RESULTS.get(result, ("",))[0], "" if score is None else str(score)) if p)


def _details(row):
    return {"training_id": row.id, "topic": row.topic, "kind": row.kind}
