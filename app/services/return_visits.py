"""Return visits to enterprises (回访记录, seed 000 "定期回访重点企业了解整改成效与安全管理现状" and "通过问卷、电话回访等方式
收集企业对整改服务的意见建议"): the enterprise, the way (电话 / 现场 / 线上), the day, the enterprise's contact and who made
the visit; the rectification effect (整改成效) of each case of the enterprise closed in the twelve months before —
holds or regressed (the re-inspections' words, services/followups.py; those are case-level and scheduled, a return
visit is enterprise-level and periodic); the safety management status (安全管理现状: free text and yes / no items); the
enterprise's opinions and a three-question survey on the visit ratings' 1–5 scale (整改响应速度, 服务质量, 沟通效率; all or
none); the problems it raised and the team's follow-up action; and an internal note.

A regressed case tells the bureau and the project leads, and may be registered as a new hazard from the visit's page
(`cases.register` with `?return_visit=&finding=`, as a drill's problem is), once. A survey score of 2 or less tells
the quality supervisors and the project leads (the visit ratings' LOW_SCORE).

Who: the project team (project leads, the project team, inspectors) records; they, the bureau and managers read all;
an enterprise's staff read their own enterprise's return visits without the internal note (another's: NotFound);
other roles: NotAllowed. Records are not edited afterwards (what the enterprise said on a day stays as said)."""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import or_, select, update

from ..clock import SHANGHAI, clock
from ..errors import Conflict, NotAllowed, NotFound, ValidationFailed
from ..models import (EFFECT_RESULTS, RETURN_VISIT_WAYS, SAFETY_ITEMS, SURVEY_DIMENSIONS, Enterprise, HazardCase,
                      ReturnVisit, ReturnVisitFinding, User, UserRole)
from ..models.rating import HIGHEST_SCORE, LOWEST_SCORE
from . import audit, notifications
from .field_rules import clean_text, past_date, raise_if, row_id, whole_number
from .key_enterprises import READERS, STAFF, day_start, months_before
from .visit_ratings import LOW_SCORE

SUBJECT = "return_visit"
RECENT_MONTHS = 12  # closed cases whose effect a return visit looks at
MAX_CASES = 30
MAX_TEXT, MAX_NAME, MAX_PHONE = 4000, 64, 32
TEXT_FIELDS = ("safety_status", "opinions", "problems", "follow_up_action", "internal_note")
FIELDS = ("enterprise_id", "way", "visited_on", "contact_person", "contact_phone", "visitor_id") + TEXT_FIELDS


def may_record(user):
    return user.has_role(*STAFF)


def reads_all(user):
    return user.has_role(*READERS)


def own_enterprise(user):
    return user.enterprise_id if "enterprise" in user.roles and user.enterprise_id else None


def may_read(user):
    return reads_all(user) or own_enterprise(user) is not None


def check_may_read(user):
    if not may_read(user):
        raise NotAllowed("回访记录供项目负责人、项目执行小组、排查人员、应急管理局、管理人员和企业本身查看 / return visits "
                         "are for the project team, the bureau, managers and the enterprise itself")


def check_may_record(user):
    check_may_read(user)
    if not may_record(user):
        raise NotAllowed("只有项目负责人、项目执行小组和排查人员可以登记回访 / only the project team records return "
                         "visits")


def _visible(session, user):
    query = session.query(ReturnVisit)
    if not reads_all(user):
        query = query.filter(ReturnVisit.enterprise_id == own_enterprise(user))
    return query


def get(session, user, visit_id):
    check_may_read(user)
    number = row_id(visit_id)
    row = _visible(session, user).filter(ReturnVisit.id == number).first() if number is not None else None
    if row is None:
        raise NotFound("回访记录不存在 / return visit not found")
    return row


@dataclass
class VisitFilter:
    enterprise_id: int = None
    way: str = ""
    township: str = ""
    date_from: object = None
    date_to: object = None
    regressed: bool = False
    text: str = ""
    limit: int = 50
    offset: int = 0


def listing(session, user, flt):
    """(a page of return visits, how many match), the latest first."""
    check_may_read(user)
    query = _visible(session, user)
    if flt.enterprise_id:
        query = query.filter(ReturnVisit.enterprise_id == flt.enterprise_id)
    if flt.way:
        query = query.filter(ReturnVisit.way == flt.way)
    if flt.township:
        query = query.filter(ReturnVisit.enterprise_id.in_(
            select(Enterprise.id).where(Enterprise.township == flt.township)))
    if flt.date_from:
        query = query.filter(ReturnVisit.visited_on >= flt.date_from)
    if flt.date_to:
        query = query.filter(ReturnVisit.visited_on <= flt.date_to)
    if flt.regressed:
        query = query.filter(ReturnVisit.id.in_(select(ReturnVisitFinding.visit_id).where(
            ReturnVisitFinding.result == "recurred")))
    if flt.text:
        like = f"%{flt.text}%"
        fields = [ReturnVisit.opinions, ReturnVisit.problems, ReturnVisit.safety_status, ReturnVisit.contact_person]
        query = query.filter(or_(*(f.ilike(like) for f in fields)))
    total = query.count()
    query = query.order_by(ReturnVisit.visited_on.desc(), ReturnVisit.id.desc())
    if flt.limit:
        query = query.limit(flt.limit).offset(flt.offset)
    return query.all(), total


# ---- what the form asks about ------------------------------------------------------------------------------------
def recent_closed_cases(session, enterprise_id, day):
    """The enterprise's cases closed in the RECENT_MONTHS before `day` (and on it), the latest first."""
    return session.query(HazardCase).filter(
        HazardCase.enterprise_id == enterprise_id, HazardCase.status == "closed",
        HazardCase.closed_at >= day_start(months_before(day, RECENT_MONTHS)),
        HazardCase.closed_at < day_start(day + timedelta(days=1))) \
        .order_by(HazardCase.closed_at.desc(), HazardCase.id.desc()).limit(MAX_CASES).all()


def visitor_choices(session):
    """The active users who make return visits (STAFF), by name."""
    return session.query(User).filter(User.active.is_(True), User.id.in_(
        select(UserRole.user_id).where(UserRole.role.in_(STAFF)))).order_by(User.display_name, User.id).all()


# ---- recording -----------------------------------------------------------------------------------------------------
def clean(session, values, findings, checks, scores):
    """The record's columns and its findings from the typed values; ValidationFailed names each wrong field.
    `findings`: {case id: (result or "" for not looked at, note)}; `checks`: {SAFETY_ITEMS code: "yes" / "no"};
    `scores`: {SURVEY_DIMENSIONS code: typed score}."""
    errors = {}
    enterprise_id = row_id(values.get("enterprise_id"))
    if enterprise_id is None or session.get(Enterprise, enterprise_id) is None:
        errors["enterprise_id"] = "请选择企业 / choose the enterprise"
    way = values.get("way")
    if way not in RETURN_VISIT_WAYS:
        errors["way"] = "请选择回访方式 / choose how the return visit was made"
    visited_on = past_date(values.get("visited_on"), "visited_on", errors, "回访日期")
    contact = clean_text(values.get("contact_person"), MAX_NAME, "contact_person", errors)
    if not contact and "contact_person" not in errors:
        errors["contact_person"] = "请填写企业联系人 / name the enterprise's contact"
    phone = clean_text(values.get("contact_phone"), MAX_PHONE, "contact_phone", errors)
    visitor_id = row_id(values.get("visitor_id"))
    if visitor_id is None or visitor_id not in {u.id for u in visitor_choices(session)}:
        errors["visitor_id"] = "请选择回访人员 / choose who made the return visit"
    texts = {name: clean_text(values.get(name), MAX_TEXT, name, errors) for name in TEXT_FIELDS}
    safety = {}
    for code, (zh, _en) in SAFETY_ITEMS.items():
        answer = (checks or {}).get(code)
        if answer not in ("yes", "no"):
            errors[f"check_{code}"] = f"请选择“{zh}”是或否 / answer yes or no"
        safety[code] = answer == "yes"
    survey = _survey(scores or {}, errors)
    rows = []
    if enterprise_id is not None and "enterprise_id" not in errors and "visited_on" not in errors:
        rows = _findings(session, enterprise_id, visited_on, findings or {}, errors)
    raise_if(errors)
    return {"enterprise_id": enterprise_id, "way": way, "visited_on": visited_on, "contact_person": contact,
            "contact_phone": phone, "visitor_id": visitor_id, "safety_checks": safety, **texts, **survey}, rows


def _survey(scores, errors):
    """{dimension: 1–5} for all three, or None for each when none was given."""
    typed = {name: scores.get(name) for name in SURVEY_DIMENSIONS}
    if all(v is None or (isinstance(v, str) and not v.strip()) for v in typed.values()):
        return dict.fromkeys(SURVEY_DIMENSIONS)
    result = {}
    for name, value in typed.items():
        number = whole_number(value)
        if number is None or not LOWEST_SCORE <= number <= HIGHEST_SCORE:
            zh, en = SURVEY_DIMENSIONS[name]
            errors[f"score_{name}"] = f"请为{zh}打分（1–5分，或三项都不填） / rate {en.lower()} from 1 to 5 (or none)"
        result[name] = number
    return result


def _findings(session, enterprise_id, day, findings, errors):
    """[(case, result, note)] of the cases looked at; a regressed one needs a note; a case not among the enterprise's
    recently closed ones is refused."""
    cases = {c.id: c for c in recent_closed_cases(session, enterprise_id, day)}
    rows = []
    for case_id, (result, note) in findings.items():
        if not result:
            continue
        name = f"finding_{case_id}"
        case = cases.get(row_id(case_id))
        if case is None:
            errors["findings"] = "只能登记该企业近12个月销号隐患的整改成效 / only cases of the enterprise closed in the " \
                                 "last 12 months"
            continue
        if result not in EFFECT_RESULTS:
            errors[name] = "请选择整改成效 / choose the effect"
            continue
        note = clean_text(note, MAX_TEXT, f"finding_note_{case_id}", errors)
        if result == "recurred" and not note and f"finding_note_{case_id}" not in errors:
            errors[f"finding_note_{case_id}"] = "请说明反弹情况 / describe what came back"
        rows.append((case, result, note))
    return rows


def create(uow, user, values, findings=None, checks=None, scores=None):
    check_may_record(user)
    session = uow.session
    fields, found = clean(session, values, findings, checks, scores)
    row = ReturnVisit(recorded_by_id=user.id, recorded_at=clock.now(), **fields)
    session.add(row)
    session.flush()
    for case, result, note in found:
        session.add(ReturnVisitFinding(visit_id=row.id, case_id=case.id, result=result, note=note))
    session.flush()
    session.refresh(row)
    effects = {case.code: [None, result] for case, result, _note in found}
    audit.record(uow, None, user, "return_visit_recorded",
                 changes={**{k: [None, v] for k, v in fields.items() if v not in (None, "")}, **effects},
                 details=_details(row), subject=(SUBJECT, row.id))
    _tell(uow, row, found)
    return row


def _tell(uow, row, found):
    """A regressed case: the bureau and the leads; a low survey score: the quality supervisors and the leads."""
    name = row.enterprise.name
    regressed = [(case, note) for case, result, note in found if result == "recurred"]
    if regressed:
        key = f"return_visit:{row.id}:regressed"
        body = "；".join(f"{case.code}：{note[:100]}" for case, note in regressed)
        notifications.send(uow, notifications.role_holders_without(uow, ("bureau", "project_lead"), key),
                           "return_visit_regressed", f"回访发现整改成效反弹（{name}）", body[:400], key)
    low = {n: s for n, s in row.scores.items() if s is not None and s <= LOW_SCORE}
    if low:
        key = f"return_visit:{row.id}:low_score"
        scores = "，".join(f"{SURVEY_DIMENSIONS[n][0]} {s} 分" for n, s in row.scores.items())
        notifications.send(uow, notifications.role_holders_without(uow, ("quality", "project_lead"), key),
                           "return_visit_low_score", f"回访满意度低分（{name}，{row.visited_on.isoformat()}）",
                           f"{scores}；意见：{row.opinions[:200] or '（无）'}", key)


def _details(row):
    return {"return_visit_id": row.id, "enterprise_id": row.enterprise_id, "name": row.enterprise.name,
            "visited_on": row.visited_on.isoformat(), "way": row.way}


# ---- a regressed case registered as a new hazard -------------------------------------------------------------------
def finding_of(session, user, visit_id, finding_id):
    """(the visit, its regressed finding) to register as a hazard; NotFound for a visit the user does not see,
    NotAllowed for those who do not record, ValidationFailed for no such regressed finding, Conflict when it was
    registered already."""
    row = get(session, user, visit_id)
    check_may_record(user)
    number = row_id(finding_id)
    finding = next((f for f in row.findings if f.id == number and f.result == "recurred"), None)
    if finding is None:
        raise ValidationFailed("回访没有这一项反弹的整改 / the return visit has no such regressed case",
                               fields={"finding": "unknown"})
    if finding.new_case_id is not None:
        code = finding.new_case.code
        raise Conflict(f"已登记为隐患 {code} / registered already as hazard {code}")
    return row, finding


def hazard_prefill(session, user, visit_id, finding_id):
    """(the visit, the finding, the registration form's values drafted from them)."""
    row, finding = finding_of(session, user, visit_id, finding_id)
    old = finding.case
    description = (f"回访（{row.visited_on:%Y-%m-%d}）发现已销号隐患 {old.code} 整改成效反弹：{finding.note}\n"
                   f"原隐患：{old.description}")
    found = clock.now().astimezone(SHANGHAI)
    return row, finding, {"enterprise_id": str(row.enterprise_id), "description": description[:4000],
                          "hazard_type": old.hazard_type, "place": old.place[:200],
                          "found_at": found.strftime("%Y-%m-%dT%H:%M")}


def link_case(uow, user, visit_id, finding_id, case):
    """The new case recorded on the finding (in the registration's transaction); Conflict when one was already."""
    row, finding = finding_of(uow.session, user, visit_id, finding_id)
    done = uow.session.execute(update(ReturnVisitFinding).where(ReturnVisitFinding.id == finding.id,
                                                                ReturnVisitFinding.new_case_id.is_(None))
                               .values(new_case_id=case.id))
    if done.rowcount != 1:
        raise Conflict("已登记为隐患 / registered already")
    audit.record(uow, None, user, "return_visit_regression_registered",
                 details={**_details(row), "closed_case": finding.case.code, "case": case.code},
                 subject=(SUBJECT, row.id))
