"""Quality incidents of the contractor's own service (质量事故分类分级处置, seed 000 L937–L943; models/quality_incident.py):
registering and changing one, who may see it, and what it says in the audit log. The steps after registration
(investigation, handling, the company-wide notice, the learning, the overdue urging) are in
quality_incident_handling.py; its files in quality_incident_files.py.

Rules chosen:
- The handling limit is 48 / 24 / 12 clock hours (not working hours) from the registration, by grade 一般 / 较大 / 重大;
  the incident is handled when it reaches 已处置 (cause and remedy recorded). A grade changed before that moves the
  limit (from the same registration time).
- The source names the record it came from: a quality sample of a closed case (reviewed), a quality sample of a visit
  (graded), a complaint concluded 投诉属实, a confirmed evaluation of the bureau, a supervision record; 其他 names none.
- A 重大 incident is told to the bureau at once — on registration or when it is raised to 重大 — once.
- Who: quality supervisors and project leads register and handle; the bureau reads; enterprise staff: NotFound (they
  never learn an incident exists); every other role: NotAllowed. Every write is audited with before → after values on
  the subject ("quality_incident", id)."""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, insert, select

from ..clock import clock
from ..errors import Conflict, NotAllowed, NotFound
from ..models import (INCIDENT_GRADES, INCIDENT_LIMIT_HOURS, INCIDENT_SOURCES, SOURCE_COLUMNS, ContractorEvaluation,
                      HazardCase, InspectionVisit, QualityIncident, QualityIncidentPerson, QualitySample,
                      ServiceComplaint, StaffSupervision, TrainingSession, User, UserRole, VisitQualitySample)
from . import audit, notifications
from .field_rules import aware_moment, clean_text, raise_if, row_id
from .trainings import STAFF_ROLES

MANAGERS = ("quality", "project_lead")
READERS = MANAGERS + ("bureau",)
# The company (全公司) told of an incident's lesson: the contractor's own staff (the trainings' staff) and its managers.
COMPANY_ROLES = STAFF_ROLES + ("manager",)
SUBJECT = "quality_incident"
MAX_TITLE, MAX_TEXT, MAX_PEOPLE, MAX_LINKS = 200, 4000, 30, 50
FIELDS = ("title", "description", "found_at", "source", "source_id", "case_codes", "visit_ids", "grade",
          "responsible_ids")
OPEN_FOR_CHANGES = ("registered", "investigating")


# ---- who ---------------------------------------------------------------------------------------------------------
def may_manage(user):
    return user.has_role(*MANAGERS)


def may_read(user):
    return user.has_role(*READERS)


def check_may_read(user):
    if may_read(user):
        return
    if "enterprise" in user.roles:
        raise NotFound("页面不存在 / not found")
    raise NotAllowed("质量事故供质量监督专员、项目负责人和应急管理局查看 / quality incidents are for quality supervisors, "
                     "project leads and the bureau")


def check_may_manage(user):
    check_may_read(user)
    if not may_manage(user):
        raise NotAllowed("只有质量监督专员和项目负责人可以处置质量事故 / only quality supervisors and project leads handle "
                         "quality incidents")


# ---- reading -----------------------------------------------------------------------------------------------------
def get(session, user, incident_id, for_update=False):
    check_may_read(user)
    number = row_id(incident_id)
    row = None
    if number is not None:
        query = session.query(QualityIncident).filter(QualityIncident.id == number)
        row = (query.with_for_update() if for_update else query).first()
    if row is None:
        raise NotFound("质量事故不存在 / quality incident not found")
    return row


@dataclass
class IncidentFilter:
    status: str = ""
    grade: str = ""
    overdue: bool = False
    limit: int = 50
    offset: int = 0


def listing(session, user, flt):
    """(a page of incidents, how many match), the latest registered first."""
    check_may_read(user)
    query = session.query(QualityIncident)
    if flt.status:
        query = query.filter(QualityIncident.status == flt.status)
    if flt.grade:
        query = query.filter(QualityIncident.grade == flt.grade)
    if flt.overdue:
        query = query.filter(QualityIncident.handled_at.is_(None), QualityIncident.due_at < clock.now())
    total = query.count()
    query = query.order_by(QualityIncident.registered_at.desc(), QualityIncident.id.desc())
    if flt.limit:
        query = query.limit(flt.limit).offset(flt.offset)
    return query.all(), total


def cases_of(session, row):
    return session.query(HazardCase).filter(HazardCase.id.in_(row.case_ids or [0])).order_by(HazardCase.code).all()


def visits_of(session, row):
    return session.query(InspectionVisit).filter(InspectionVisit.id.in_(row.visit_ids or [0])) \
        .order_by(InspectionVisit.visited_on, InspectionVisit.id).all()


def source_record(row):
    column = SOURCE_COLUMNS.get(row.source)
    return getattr(row, column.removesuffix("_id")) if column else None


def company_staff(session):
    """The active holders of COMPANY_ROLES: who may be named responsible or investigator, and who is told."""
    return session.query(User).filter(User.active.is_(True), User.id.in_(
        select(UserRole.user_id).where(UserRole.role.in_(COMPANY_ROLES)))).order_by(User.display_name, User.id).all()


def source_choices(session, limit=50):
    """{source: [(id, label)]}: the latest records each source may name, for the form."""
    samples = session.query(QualitySample).filter(QualitySample.reviewed_at.isnot(None)) \
        .order_by(QualitySample.reviewed_at.desc()).limit(limit).all()
    visit_samples = session.query(VisitQualitySample).filter(VisitQualitySample.grade.isnot(None)) \
        .order_by(VisitQualitySample.reviewed_at.desc()).limit(limit).all()
    complaints = session.query(ServiceComplaint).filter(ServiceComplaint.upheld.is_(True)) \
        .order_by(ServiceComplaint.raised_at.desc()).limit(limit).all()
    evaluations = session.query(ContractorEvaluation).filter(ContractorEvaluation.confirmed_at.isnot(None)) \
        .order_by(ContractorEvaluation.year.desc(), ContractorEvaluation.quarter.desc()).limit(limit).all()
    supervisions = session.query(StaffSupervision).order_by(StaffSupervision.checked_on.desc()).limit(limit).all()
    return {
        "case_sample": [(s.id, f"#{s.id} {s.case.code} {s.result or ''}") for s in samples],
        "visit_sample": [(s.id, f"#{s.id} {s.visit.enterprise.name} {s.visit.visited_on.isoformat()} {s.grade}")
                         for s in visit_samples],
        "complaint": [(c.id, f"#{c.id} {c.enterprise.name} {c.text[:30]}") for c in complaints],
        "evaluation": [(e.id, f"{e.year}Q{e.quarter} {e.average}") for e in evaluations],
        "supervision": [(r.id, f"#{r.id} {r.checked_on.isoformat()} {r.findings[:30]}") for r in supervisions],
    }


# ---- checking ----------------------------------------------------------------------------------------------------
_SOURCE_MODELS = {"case_sample": (QualitySample, lambda r: r.reviewed_at is not None, "抽查样本尚未评定 / the sample "
                                  "was not reviewed yet"),
                  "visit_sample": (VisitQualitySample, lambda r: r.grade is not None, "排查抽查样本尚未评定 / the "
                                   "visit sample was not graded yet"),
                  "complaint": (ServiceComplaint, lambda r: r.upheld is True, "只能关联结论为投诉属实的投诉 / only a "
                                "complaint concluded upheld"),
                  "evaluation": (ContractorEvaluation, lambda r: r.confirmed_at is not None, "只能关联已确认的局方评价 "
                                 "/ only a confirmed evaluation"),
                  "supervision": (StaffSupervision, lambda r: True, "")}


def _source(session, source, value, errors):
    if source not in INCIDENT_SOURCES:
        errors["source"] = "请选择事故来源 / choose where it was found"
        return None
    if source == "other":
        if value not in (None, ""):
            errors["source_id"] = "来源为“其他”时不关联记录 / “other” names no record"
        return None
    number = row_id(value)
    model, fits, why = _SOURCE_MODELS[source]
    record = session.get(model, number) if number is not None else None
    if record is None:
        errors["source_id"] = "请选择来源记录 / choose the record it came from"
    elif not fits(record):
        errors["source_id"] = why
    return record.id if record is not None else None


def _split(value):
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v for v in str(value or "").replace(",", " ").replace("，", " ").replace("、", " ").split() if v]


def _cases(session, value, errors):
    codes = sorted(set(_split(value)))
    if len(codes) > MAX_LINKS:
        errors["case_codes"] = f"最多 {MAX_LINKS} 个 / at most {MAX_LINKS}"
        return []
    found = dict(session.query(HazardCase.code, HazardCase.id).filter(HazardCase.code.in_(codes or [""])).all())
    unknown = [c for c in codes if c not in found]
    if unknown:
        errors["case_codes"] = f"隐患编号不存在：{unknown[0]} / no such case: {unknown[0]}"
    return sorted(found.values())


def _visits(session, value, errors):
    numbers = [row_id(v) for v in _split(value)]
    if any(n is None for n in numbers) or len(numbers) > MAX_LINKS:
        errors["visit_ids"] = "排查记录编号无效 / unknown visit number"
        return []
    ids = sorted(set(numbers))
    known = {i for (i,) in session.query(InspectionVisit.id).filter(InspectionVisit.id.in_(ids or [0]))}
    if set(ids) - known:
        errors["visit_ids"] = f"排查记录不存在：{min(set(ids) - known)} / no such visit"
    return ids


def staff_ids(session, value, name, errors, title):
    """Distinct ids of active company staff (COMPANY_ROLES), or an error on `name`."""
    numbers = [row_id(v) for v in (value if isinstance(value, (list, tuple)) else _split(value))]
    if any(n is None for n in numbers):
        errors[name] = f"{title}无效 / unknown member of staff"
        return []
    ids = sorted(set(numbers))
    if len(ids) > MAX_PEOPLE:
        errors[name] = f"最多 {MAX_PEOPLE} 人 / at most {MAX_PEOPLE} people"
    elif ids and len({u.id for u in company_staff(session)} & set(ids)) != len(ids):
        errors[name] = f"{title}须为在职的本公司人员 / only active staff of the company"
    return ids


def clean(session, values):
    """The stored values and the responsible staff's ids of a form or a body; ValidationFailed names every field."""
    errors = {}
    title = clean_text(values.get("title"), MAX_TITLE, "title", errors)
    if not title and "title" not in errors:
        errors["title"] = "请填写事故概要 / give the incident a title"
    description = clean_text(values.get("description"), MAX_TEXT, "description", errors)
    if not description and "description" not in errors:
        errors["description"] = "请填写事故经过 / describe what happened"
    raw_found = values.get("found_at")
    found_at = raw_found if hasattr(raw_found, "tzinfo") and raw_found.tzinfo else aware_moment(raw_found)
    if found_at is None:
        errors["found_at"] = "请填写发现时间 / when was it found"
    elif found_at > clock.now() + timedelta(minutes=5):
        errors["found_at"] = "发现时间不能晚于现在 / it cannot be found in the future"
    source = values.get("source")
    source_id = _source(session, source, values.get("source_id"), errors)
    grade = values.get("grade")
    if grade not in INCIDENT_GRADES:
        errors["grade"] = "请选择事故级别 / choose the grade"
    case_ids = _cases(session, values.get("case_codes"), errors)
    visit_ids = _visits(session, values.get("visit_ids"), errors)
    responsible = staff_ids(session, values.get("responsible_ids"), "responsible_ids", errors, "责任人")
    raise_if(errors)
    links = {column: None for column in SOURCE_COLUMNS.values() if column}
    if SOURCE_COLUMNS[source]:
        links[SOURCE_COLUMNS[source]] = source_id
    return {"title": title, "description": description, "found_at": found_at, "source": source, "grade": grade,
            "case_ids": case_ids, "visit_ids": visit_ids, **links}, responsible


# ---- writing -----------------------------------------------------------------------------------------------------
def register(uow, user, values):
    check_may_manage(user)
    fields, responsible = clean(uow.session, values)
    now = clock.now()
    row = QualityIncident(created_by_id=user.id, registered_at=now, updated_at=now, status="registered",
                          due_at=now + timedelta(hours=INCIDENT_LIMIT_HOURS[fields["grade"]]), findings="", cause="",
                          remedy="", lesson="", notice_count=0, **fields)
    uow.session.add(row)
    uow.session.flush()
    set_people(uow, row, "responsible", responsible)
    after = snapshot(uow.session, row)
    audit.record(uow, None, user, "quality_incident_registered",
                 changes={k: [None, v] for k, v in after.items() if v not in (None, "", [])},
                 details=details(row), subject=(SUBJECT, row.id))
    tell_bureau_if_major(uow, row)
    return row


def update(uow, user, incident_id, values):
    """The registration's facts, while the incident is registered or under investigation."""
    row = get(uow.session, user, incident_id, for_update=True)
    check_may_manage(user)
    if row.status not in OPEN_FOR_CHANGES:
        raise Conflict("事故已处置，登记信息不能再修改 / the incident was handled; its registration cannot change")
    fields, responsible = clean(uow.session, values)
    before = snapshot(uow.session, row)
    for name, value in fields.items():
        setattr(row, name, value)
    row.due_at = row.registered_at + timedelta(hours=INCIDENT_LIMIT_HOURS[row.grade])
    row.updated_at = clock.now()
    set_people(uow, row, "responsible", responsible)
    after = snapshot(uow.session, row)
    audit.record(uow, None, user, "quality_incident_updated",
                 changes={k: [before[k], v] for k, v in after.items() if before[k] != v}, details=details(row),
                 subject=(SUBJECT, row.id))
    tell_bureau_if_major(uow, row)
    return row


def set_people(uow, row, part, user_ids):
    """The incident's responsible staff or investigation group becomes exactly `user_ids` (measures kept)."""
    session = uow.session
    session.execute(delete(QualityIncidentPerson).where(QualityIncidentPerson.incident_id == row.id,
                                                        QualityIncidentPerson.part == part,
                                                        QualityIncidentPerson.user_id.not_in(user_ids or [0])))
    have = {i for (i,) in session.query(QualityIncidentPerson.user_id).filter_by(incident_id=row.id, part=part)}
    new = [{"incident_id": row.id, "user_id": i, "part": part, "measures": [], "measure_note": ""}
           for i in user_ids if i not in have]
    if new:
        session.execute(insert(QualityIncidentPerson), new)
    session.expire(row, ["people"])


def tell_bureau_if_major(uow, row):
    """重大: the bureau told once, at once (000 L939 一旦发生重大质量问题，立即…)."""
    if row.grade != "major" or row.bureau_told_at is not None:
        return
    row.bureau_told_at = clock.now()
    key = f"quality_incident:{row.id}:major"
    recipients = notifications.not_yet_given(uow, notifications.role_holders(uow, ("bureau",)), key)
    notifications.send(uow, recipients, "quality_incident_major", f"重大质量事故：{row.title}"[:200],
                       f"{row.description[:300]}（须在 {INCIDENT_LIMIT_HOURS['major']} 小时内处置）", key)


# ---- what the audit log says -------------------------------------------------------------------------------------
def _names(session, ids):
    return sorted(n for (n,) in session.query(User.display_name).filter(User.id.in_(ids))) if ids else []


def snapshot(session, row):
    """The audited values of the registration (keys "qi_<field>", named in the audit log)."""
    column = SOURCE_COLUMNS.get(row.source)
    people = session.query(QualityIncidentPerson).filter_by(incident_id=row.id).all() if row.id else []
    return {"qi_title": row.title, "qi_description": row.description,
            "qi_found_at": row.found_at.isoformat() if row.found_at else None, "qi_source": row.source,
            "qi_source_id": getattr(row, column) if column else None,
            "qi_cases": [c.code for c in cases_of(session, row)], "qi_visits": list(row.visit_ids or []),
            "qi_grade": row.grade, "qi_due_at": row.due_at.isoformat() if row.due_at else None,
            "qi_responsible": _names(session, [p.user_id for p in people if p.part == "responsible"]),
            "qi_investigators": _names(session, [p.user_id for p in people if p.part == "investigator"])}


def details(row):
    return {"incident_id": row.id, "grade": row.grade, "status": row.status}


def training_label(session, training_id):
    training = session.get(TrainingSession, training_id) if training_id else None
    return f"#{training.id} {training.topic}" if training else ""


def of_notice_key(key):
    """The incident a notification's dedup key names, or None."""
    parts = (key or "").split(":")
    return int(parts[1]) if len(parts) == 3 and parts[0] == SUBJECT and parts[1].isdigit() else None
