"""The steps of a quality incident after its registration (services/quality_incidents.py), one at a time:
登记 → 调查中 → 已处置 → 已通报 → 关闭; a step out of order is a Conflict (409).

- investigate: starts the investigation; a 重大 incident names its special investigation group (专项调查组, 000 L939) of
  at least two members of staff; any other may name one.
- handle (已处置): the investigation's findings, the cause and the remedy plan (补救方案), all required; a 重大 incident
  also needs at least one recording of the investigation attached (调查过程全程录音录像: a video or audio file, which
  the upload sniffs as video/*). Handled after its limit is "handled late" (shown so, and in the audit row).
- notify (已通报): the accountability (追责) of every responsible person — at least one measure each (免予追责 is one) — and
  the lesson (案例教训), which goes as an in-app notice to every active member of the company (全公司通报, 000 L941;
  quality_incidents.COMPANY_ROLES). At least one responsible person must be named by then.
- close (关闭): the learning (组织学习): an internal training session (内部培训, services/trainings.py) held after the
  incident was found, linked by its id; the training itself is recorded on the training pages by whoever records them.
- urge_overdue (hourly job `urge_quality_incidents`): an incident past its limit and not handled: the quality
  supervisors and the project leads told once (claimed by a conditional UPDATE so two runs tell nobody twice)."""
from sqlalchemy import update as sql_update

from ..clock import clock
from ..errors import Conflict, ValidationFailed
from ..models import (ACCOUNTABILITY_MEASURES, INCIDENT_GRADES, Attachment, QualityIncident, QualityIncidentPerson,
                      TrainingSession)
from . import audit, notifications
from .field_rules import clean_text, raise_if, row_id
from .quality_incidents import (COMPANY_ROLES, MANAGERS, MAX_TEXT, SUBJECT, check_may_manage, details, get,
                                set_people, snapshot, staff_ids, training_label)

MIN_GROUP = 2  # a 重大 incident's investigation group


def _step(uow, user, incident_id, status):
    row = get(uow.session, user, incident_id, for_update=True)
    check_may_manage(user)
    if row.status != status:
        raise Conflict("事故当前状态不能进行此操作 / the incident is not at that step")
    return row


def _text(values, name, errors, missing):
    text = clean_text(values.get(name), MAX_TEXT, name, errors)
    if not text and name not in errors:
        errors[name] = missing
    return text


def investigate(uow, user, incident_id, values):
    row = _step(uow, user, incident_id, "registered")
    errors = {}
    group = staff_ids(uow.session, values.get("investigator_ids") or [], "investigator_ids", errors, "调查组成员")
    if row.grade == "major" and len(group) < MIN_GROUP and "investigator_ids" not in errors:
        errors["investigator_ids"] = f"重大质量事故须成立专项调查组（至少 {MIN_GROUP} 人）/ a major incident needs an " \
                                     f"investigation group of at least {MIN_GROUP}"
    raise_if(errors)
    before = snapshot(uow.session, row)
    set_people(uow, row, "investigator", group)
    now = clock.now()
    row.status, row.investigation_started_at, row.updated_at = "investigating", now, now
    after = snapshot(uow.session, row)
    audit.record(uow, None, user, "quality_incident_investigation_started",
                 changes={"qi_status": ["registered", "investigating"],
                          **{k: [before[k], v] for k, v in after.items() if before[k] != v}},
                 details=details(row), subject=(SUBJECT, row.id))
    return row


def recordings(session, row):
    return session.query(Attachment).filter(Attachment.quality_incident_id == row.id,
                                            Attachment.content_type.like("video/%")).count()


def handle(uow, user, incident_id, values):
    row = _step(uow, user, incident_id, "investigating")
    errors = {}
    findings = _text(values, "findings", errors, "请填写调查情况 / write what the investigation found")
    cause = _text(values, "cause", errors, "请填写事故原因 / write the cause")
    remedy = _text(values, "remedy", errors, "请填写补救方案 / write the remedy plan")
    if row.grade == "major" and not recordings(uow.session, row):
        errors["files"] = "重大质量事故的调查过程须全程录音录像，请先上传录像 / a major incident's investigation is " \
                          "recorded: attach the recording first"
    raise_if(errors)
    now = clock.now()
    changes = {"qi_findings": [row.findings, findings], "qi_cause": [row.cause, cause],
               "qi_remedy": [row.remedy, remedy], "qi_status": ["investigating", "handled"]}
    row.findings, row.cause, row.remedy = findings, cause, remedy
    row.status, row.handled_at, row.handled_by_id, row.updated_at = "handled", now, user.id, now
    audit.record(uow, None, user, "quality_incident_handled", changes=changes,
                 details={**details(row), "due_at": row.due_at.isoformat(), "late": row.handled_late},
                 subject=(SUBJECT, row.id))
    return row


def _accountability(row, values, errors):
    """{person id: (measures, note)} of every responsible person from values["accountability"]: {user id: {"measures":
    [...], "note": ""}} (keys as ints or strings)."""
    given = {row_id(k): v for k, v in (values.get("accountability") or {}).items()}
    chosen = {}
    for person in row.responsible:
        entry = given.get(person.user_id) or {}
        raw = entry.get("measures") or []
        measures = [m for m in ACCOUNTABILITY_MEASURES if m in (raw if isinstance(raw, (list, tuple)) else [raw])]
        name = f"measures_{person.user_id}"
        if not measures or len(measures) != len(set(raw if isinstance(raw, (list, tuple)) else [raw])):
            errors[name] = "请为该责任人选择追责措施 / choose the measures for this person"
        elif "none" in measures and len(measures) > 1:
            errors[name] = "“免予追责”不能与其他措施同选 / “no measure” goes alone"
        note = clean_text(entry.get("note"), MAX_TEXT, f"note_{person.user_id}", errors)
        chosen[person.id] = (measures, note)
    return chosen


def notify(uow, user, incident_id, values):
    row = _step(uow, user, incident_id, "handled")
    errors = {}
    lesson = _text(values, "lesson", errors, "请填写通报内容和案例教训 / write the lesson to be told")
    if not row.responsible:
        errors["accountability"] = "请先在登记信息中指定责任人 / name the responsible staff first"
    chosen = _accountability(row, values, errors)
    raise_if(errors)
    session, before, after = uow.session, {}, {}
    for person in row.responsible:
        measures, note = chosen[person.id]
        before[person.user.display_name] = [person.measures or [], person.measure_note]
        after[person.user.display_name] = [measures, note]
        session.execute(sql_update(QualityIncidentPerson).where(QualityIncidentPerson.id == person.id)
                        .values(measures=measures, measure_note=note))
    session.expire(row, ["people"])
    now = clock.now()
    key = f"{SUBJECT}:{row.id}:notice"
    recipients = notifications.not_yet_given(uow, notifications.role_holders(uow, COMPANY_ROLES), key)
    grade = INCIDENT_GRADES[row.grade][0]
    notifications.send(uow, recipients, "quality_incident_notice", f"质量事故通报（{grade}）：{row.title}"[:200],
                       f"{lesson}\n原因：{row.cause}"[:2000], key)
    changes = {"qi_accountability": [before, after], "qi_lesson": [row.lesson, lesson],
               "qi_status": ["handled", "notified"]}
    row.lesson, row.status, row.notified_at, row.notified_by_id = lesson, "notified", now, user.id
    row.notice_count, row.updated_at = len(recipients), now
    audit.record(uow, None, user, "quality_incident_notified", changes=changes,
                 details={**details(row), "recipients": len(recipients)}, subject=(SUBJECT, row.id))
    return row


def close(uow, user, incident_id, values):
    row = _step(uow, user, incident_id, "notified")
    errors = {}
    number = row_id(values.get("training_id"))
    training = uow.session.get(TrainingSession, number) if number is not None else None
    if training is None:
        errors["training_id"] = "请选择组织学习的内部培训 / choose the internal training where the lesson was learnt"
    elif training.kind != "internal":
        errors["training_id"] = "只能关联内部培训 / only an internal training"
    elif training.held_at < row.found_at:
        errors["training_id"] = "培训须在事故发现之后举行 / the training must come after the incident was found"
    raise_if(errors)
    now = clock.now()
    row.training_id, row.status, row.closed_at, row.closed_by_id = training.id, "closed", now, user.id
    row.updated_at = now
    audit.record(uow, None, user, "quality_incident_closed",
                 changes={"qi_training": [None, training_label(uow.session, training.id)],
                          "qi_status": ["notified", "closed"]}, details=details(row), subject=(SUBJECT, row.id))
    return row


def training_choices(session, row, limit=50):
    """The internal trainings held after the incident was found, the latest first."""
    return session.query(TrainingSession).filter(TrainingSession.kind == "internal",
                                                 TrainingSession.held_at >= row.found_at) \
        .order_by(TrainingSession.held_at.desc()).limit(limit).all()


def urge_overdue(uow):
    """Tell the quality supervisors and project leads of each incident past its limit and not handled, once each.
    Returns how many incidents were told about."""
    now, sent = clock.now(), 0
    rows = uow.session.query(QualityIncident).filter(QualityIncident.handled_at.is_(None),
                                                     QualityIncident.overdue_told_at.is_(None),
                                                     QualityIncident.due_at < now).all()
    for row in rows:
        taken = uow.session.execute(sql_update(QualityIncident).where(QualityIncident.id == row.id,
                                                                      QualityIncident.overdue_told_at.is_(None))
                                    .values(overdue_told_at=now).execution_options(synchronize_session=False))
        if taken.rowcount != 1:
            continue
        key = f"{SUBJECT}:{row.id}:overdue"
        recipients = notifications.not_yet_given(uow, notifications.role_holders(uow, MANAGERS), key)
        notifications.send(uow, recipients, "quality_incident_overdue", f"质量事故超过处置时限：{row.title}"[:200],
                           f"{INCIDENT_GRADES[row.grade][0]}质量事故须在登记后 {row.limit_hours} 小时内处置，已超时，"
                           "请尽快查明原因并提出补救方案。", key)
        audit.record(uow, None, None, "quality_incident_overdue",
                     details={**details(row), "due_at": row.due_at.isoformat(), "recipients": len(recipients)},
                     subject=(SUBJECT, row.id))
        sent += 1
    return sent


def check_files_allowed(row):
    if row.status == "closed":
        raise Conflict("事故已关闭，不能再上传文件 / the incident was closed")


def refuse_unknown_files(refused):
    if refused:
        raise ValidationFailed("附件无效 / unknown attachment", fields={"files": f"unknown attachment {refused[0]}"})
