"""Enterprise service reports with a conclusion (企业服务情况报告和结论性意见, seed 001 §六(三)): at acceptance (复查验收)
the contractor issues each enterprise a report of what the service found over a period and how it ended, with its
conclusion (合格 / 基本合格 / 不合格) and recommendations.

Who: project leads draft and issue (the contractor issues it); the bureau, managers, quality supervisors and
administrators read every report, drafts included; an enterprise's staff read their own enterprise's issued reports
and are told any other one does not exist (NotFound), as for another enterprise's case. Issuing freezes the facts
(services/service_report_facts.py) into the row, tells the enterprise's staff and the bureau, and is audited; two
issued reports of one enterprise may not cover the same day (Conflict).

A wrong issued report is never changed: a project lead withdraws it (撤回) with a reason, once (Conflict after; a
draft is edited instead, Conflict). It stays readable, marked withdrawn with who, when and why — enterprise staff may
still open it from the issuing notice — but no longer counts as the enterprise's report for its days: it leaves the
staff's lists and the overlap rule, so a corrected report may be issued for the same period. Withdrawing tells the
same people as issuing and is audited."""
from dataclasses import dataclass
from datetime import date

from ..clock import SHANGHAI, clock
from ..errors import Conflict, NotAllowed, NotFound
from ..models import CONCLUSION_GRADES, Enterprise, HazardCase, InspectionVisit, ServiceReport
from . import audit, notifications, service_report_facts
from .field_rules import clean_text, raise_if
from .users import holders_of_role

WRITERS = ("project_lead",)
READERS = ("bureau", "manager", "quality", "admin", "project_lead")
SUBJECT = "service_report"
NOTICE_KIND = "service_report_issued"
WITHDRAWN_KIND = "service_report_withdrawn"
MAX_CONCLUSION, MAX_RECOMMENDATIONS, MAX_REASON = 4000, 4000, 500
EXPORT_LIMIT = 5000
FIELDS = ("period_start", "period_end", "grade", "conclusion", "recommendations")


# ---- who ---------------------------------------------------------------------------------------------------------
def may_write(user):
    return user.has_role(*WRITERS)


def reads_all(user):
    return user.has_role(*READERS)


def may_read(user):
    """Whether the user reads any report at all (enterprise staff: their own enterprise's issued ones)."""
    return reads_all(user) or _own_enterprise(user) is not None


def _own_enterprise(user):
    return user.enterprise_id if "enterprise" in user.roles and user.enterprise_id else None


def check_may_read(user):
    if not may_read(user):
        raise NotAllowed("企业服务情况报告供项目负责人、应急管理局、管理人员、质量监督专员、系统管理员和企业本身查看 / service "
                         "reports are for project leads, the bureau, managers, quality supervisors, administrators "
                         "and the enterprise itself")


def check_may_write(user):
    check_may_read(user)
    if not may_write(user):
        raise NotAllowed("只有项目负责人可以出具企业服务情况报告 / only project leads draft and issue service reports")


def _visible(user, report):
    if reads_all(user):
        return True
    # Enterprise staff: issued ones, and withdrawn ones (marked so) for the notices that link to them.
    return not report.is_draft and report.enterprise_id == _own_enterprise(user)


# ---- reading -----------------------------------------------------------------------------------------------------
def enterprise_for(session, user, enterprise_id):
    """The enterprise whose reports the user asks for; NotFound for an unknown one and, for enterprise staff,
    another enterprise."""
    check_may_read(user)
    company = session.get(Enterprise, enterprise_id) if isinstance(enterprise_id, int) else None
    if company is None or not (reads_all(user) or company.id == _own_enterprise(user)):
        raise NotFound("企业不存在 / enterprise not found")
    return company


def get(session, user, report_id, for_update=False):
    check_may_read(user)
    query = session.query(ServiceReport).filter_by(id=report_id)
    report = (query.with_for_update() if for_update else query).first() if isinstance(report_id, int) else None
    if report is None or not _visible(user, report):
        raise NotFound("服务情况报告不存在 / service report not found")
    return report


def of_enterprise(session, user, enterprise_id):
    """The enterprise's reports the user may read, the latest period first."""
    company = enterprise_for(session, user, enterprise_id)
    query = session.query(ServiceReport).filter_by(enterprise_id=company.id)
    if not reads_all(user):
        query = query.filter_by(status="issued")
    return query.order_by(ServiceReport.period_end.desc(), ServiceReport.id.desc()).all()


def facts(session, report):
    """An issued report's frozen facts; a draft's as they are now."""
    if report.facts is not None:
        return report.facts
    return service_report_facts.compute(session, report.enterprise, report.period_start, report.period_end)


def preview(session, user, enterprise_id, values):
    """The facts of the period typed in the writer's form, before anything is saved; ValidationFailed names a
    wrong date."""
    check_may_write(user)
    company = enterprise_for(session, user, enterprise_id)
    errors = {}
    start, end = read_period(values, errors)
    raise_if(errors)
    return service_report_facts.compute(session, company, start, end)


def default_period(session, enterprise_id):
    """A new report's period: from the day after the last issued report's (or the enterprise's first visit or hazard)
    to today."""
    today = clock.local_now().date()
    last = session.query(ServiceReport.period_end).filter_by(enterprise_id=enterprise_id, status="issued") \
        .order_by(ServiceReport.period_end.desc()).limit(1).scalar()
    if last is not None:
        return min(date.fromordinal(last.toordinal() + 1), today), today
    first_visit = session.query(InspectionVisit.visited_on).filter_by(enterprise_id=enterprise_id) \
        .order_by(InspectionVisit.visited_on).limit(1).scalar()
    first_case = session.query(HazardCase.registered_at).filter_by(enterprise_id=enterprise_id) \
        .order_by(HazardCase.registered_at).limit(1).scalar()
    firsts = [d for d in (first_visit, first_case.astimezone(SHANGHAI).date()
                          if first_case else None) if d is not None]
    return min(firsts + [today]), today


@dataclass
class ReportFilter:
    """`start`..`end`: reports whose period overlaps these days."""
    township: str = ""
    grade: str = ""
    status: str = ""
    start: date = None
    end: date = None
    limit: int = 50
    offset: int = 0


def _filtered(session, user, flt):
    check_may_read(user)
    query = session.query(ServiceReport).join(Enterprise, Enterprise.id == ServiceReport.enterprise_id)
    if not reads_all(user):
        query = query.filter(ServiceReport.enterprise_id == _own_enterprise(user), ServiceReport.status == "issued")
    if flt.township:
        query = query.filter(Enterprise.township == flt.township)
    if flt.grade:
        query = query.filter(ServiceReport.grade == flt.grade)
    if flt.status:
        query = query.filter(ServiceReport.status == flt.status)
    if flt.start:
        query = query.filter(ServiceReport.period_end >= flt.start)
    if flt.end:
        query = query.filter(ServiceReport.period_start <= flt.end)
    return query.order_by(ServiceReport.period_end.desc(), Enterprise.name, ServiceReport.id.desc())


def listing(session, user, flt):
    """(a page of the reports matching the filter, how many match)."""
    query = _filtered(session, user, flt)
    return query.limit(flt.limit).offset(flt.offset).all(), query.order_by(None).count()


def export(session, user, flt, limit=EXPORT_LIMIT):
    return _filtered(session, user, flt).limit(limit).all()


def townships(session):
    return [t for (t,) in session.query(Enterprise.township).join(
        ServiceReport, ServiceReport.enterprise_id == Enterprise.id).filter(Enterprise.township != "")
        .distinct().order_by(Enterprise.township)]


# ---- writing -----------------------------------------------------------------------------------------------------
def read_period(values, errors):
    """(start, end) of the typed period (ISO dates, or dates); wrong ones go into `errors`."""
    start, end = (_day(values.get(name), name, errors) for name in ("period_start", "period_end"))
    if start and end and end < start:
        errors["period_end"] = "结束日期不能早于开始日期 / the period cannot end before it starts"
    if end and end > clock.local_now().date():
        errors["period_end"] = "服务期间不能在将来，请在期间结束后出具 / the period cannot end in the future"
    return start, end


def _day(value, name, errors):
    if isinstance(value, date):
        return value
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        errors[name] = "请填写日期 / give the date"
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[name] = "日期格式应为 2026-11-30 / a date reads like 2026-11-30"
        return None


def _clean(values, errors):
    start, end = read_period(values, errors)
    grade = values.get("grade")
    if grade not in CONCLUSION_GRADES:
        errors["grade"] = "请选择结论等级：合格、基本合格或不合格 / choose qualified, basically qualified or unqualified"
    conclusion = clean_text(values.get("conclusion"), MAX_CONCLUSION, "conclusion", errors)
    if not conclusion and "conclusion" not in errors:
        errors["conclusion"] = "请填写结论性意见 / write the conclusion"
    recommendations = clean_text(values.get("recommendations"), MAX_RECOMMENDATIONS, "recommendations", errors)
    return {"period_start": start, "period_end": end, "grade": grade, "conclusion": conclusion,
            "recommendations": recommendations}


def _check_no_overlap(session, enterprise_id, start, end, exclude_id=None):
    query = session.query(ServiceReport).filter(
        ServiceReport.enterprise_id == enterprise_id, ServiceReport.status == "issued",
        ServiceReport.period_start <= end, ServiceReport.period_end >= start)
    if exclude_id is not None:
        query = query.filter(ServiceReport.id != exclude_id)
    other = query.order_by(ServiceReport.period_start).first()
    if other is not None:
        span = f"{other.period_start.isoformat()}～{other.period_end.isoformat()}"
        raise Conflict(f"该企业 {span} 的服务情况报告已出具，期间不能重叠 / the report for {span} has been issued "
                       "already; periods of issued reports may not overlap")


def _lock_enterprise(session, enterprise_id):
    """Two leads issuing reports of one enterprise at once: the second waits here and then sees the first's
    (PostgreSQL; SQLite serialises writers anyway)."""
    session.query(Enterprise.id).filter_by(id=enterprise_id).with_for_update().first()


def create(uow, user, enterprise_id, values, issue_now=False):
    """A draft (or, `issue_now`, an issued report) for the enterprise from the written `values`; ValidationFailed
    names each wrong field, Conflict when an issued report covers one of the period's days."""
    session = uow.session
    company = enterprise_for(session, user, enterprise_id)  # first: 404 for another enterprise's staff
    check_may_write(user)
    errors = {}
    clean = _clean(values, errors)
    raise_if(errors)
    _lock_enterprise(session, company.id)
    # A draft that could never be issued is refused at once rather than at issuing.
    _check_no_overlap(session, company.id, clean["period_start"], clean["period_end"])
    now = clock.now()
    report = ServiceReport(enterprise_id=company.id, enterprise=company, status="draft", drafted_by=user,
                           drafted_at=now, updated_at=now, **clean)
    session.add(report)
    session.flush()
    audit.record(uow, None, user, "service_report_drafted", changes={k: [None, v] for k, v in clean.items() if v},
                 details=_details(report), subject=(SUBJECT, report.id))
    return _issue(uow, user, report) if issue_now else report


def update(uow, user, report_id, values):
    """Rewrite a draft; an issued report is never changed (Conflict)."""
    session = uow.session
    report = get(session, user, report_id, for_update=True)  # first: 404 for what the user may not see
    check_may_write(user)
    if not report.is_draft:
        raise Conflict("报告已出具，不能修改 / the report has been issued and cannot be changed")
    errors = {}
    clean = _clean(values, errors)
    raise_if(errors)
    _lock_enterprise(session, report.enterprise_id)
    _check_no_overlap(session, report.enterprise_id, clean["period_start"], clean["period_end"], report.id)
    changes = {k: [getattr(report, k), v] for k, v in clean.items() if getattr(report, k) != v}
    if changes:
        for name, (_before, after) in changes.items():
            setattr(report, name, after)
        report.updated_at = clock.now()
        session.flush()
        audit.record(uow, None, user, "service_report_updated", changes=changes, details=_details(report),
                     subject=(SUBJECT, report.id))
    return report


def issue(uow, user, report_id):
    """Issue a draft: its facts are frozen, the enterprise's staff and the bureau told; Conflict when it is issued
    already or an issued report of the enterprise covers one of its days."""
    report = get(uow.session, user, report_id, for_update=True)  # first: 404 for what the user may not see
    check_may_write(user)
    if not report.is_draft:
        raise Conflict("报告已出具 / the report has been issued already")
    _lock_enterprise(uow.session, report.enterprise_id)
    return _issue(uow, user, report)


def _issue(uow, user, report):
    session = uow.session
    _check_no_overlap(session, report.enterprise_id, report.period_start, report.period_end, report.id)
    frozen = service_report_facts.compute(session, report.enterprise, report.period_start, report.period_end)
    # 合格 says every hazard found was rectified and verified: the facts must agree when the report is issued.
    if report.grade == "qualified" and frozen["hazards"]["open"]:
        raise_if({"grade": f"期间发现的隐患还有 {frozen['hazards']['open']} 项未销号，不能评为合格 / "
                           f"{frozen['hazards']['open']} hazards of the period are not closed: not qualified"})
    now = clock.now()
    report.facts, report.status, report.issued_by, report.issued_at, report.updated_at = frozen, "issued", user, now, now
    session.flush()
    audit.record(uow, None, user, "service_report_issued", changes={"status": ["draft", "issued"]},
                 details=_details(report), subject=(SUBJECT, report.id))
    company = report.enterprise
    grade = CONCLUSION_GRADES[report.grade][0]
    notifications.send(uow, _recipients(session, company), NOTICE_KIND, f"企业服务情况报告已出具（{company.name}）",
                       f"{company.name} {_span(report)}：{grade}。{report.conclusion[:150]}",
                       notice_key(report.id))
    return report


def withdraw(uow, user, report_id, reason):
    """Withdraw an issued report with a reason (required): kept and readable, marked withdrawn, no longer counted
    for the overlap rule; the enterprise's staff and the bureau told, audited. Conflict for a draft (edit it instead)
    or a report withdrawn already."""
    session = uow.session
    report = get(session, user, report_id, for_update=True)  # first: 404 for what the user may not see
    check_may_write(user)
    if report.is_draft:
        raise Conflict("草稿尚未出具，不需要撤回，请直接编辑草稿 / a draft is not issued: edit it instead of "
                       "withdrawing it")
    if report.is_withdrawn:
        raise Conflict("报告已撤回 / the report has been withdrawn already")
    errors = {}
    reason = clean_text(reason, MAX_REASON, "reason", errors)
    if not reason and "reason" not in errors:
        errors["reason"] = "请填写撤回原因 / give the reason for the withdrawal"
    raise_if(errors)
    now = clock.now()
    report.status, report.withdrawn_by, report.withdrawn_at, report.withdrawn_reason = "withdrawn", user, now, reason
    report.updated_at = now
    session.flush()
    audit.record(uow, None, user, "service_report_withdrawn", changes={"status": ["issued", "withdrawn"]},
                 details={**_details(report), "reason": reason}, subject=(SUBJECT, report.id))
    company = report.enterprise
    notifications.send(uow, _recipients(session, company), WITHDRAWN_KIND,
                       f"企业服务情况报告已撤回（{company.name}）",
                       f"{company.name} {_span(report)} 的服务情况报告已撤回，原因：{reason[:150]}",
                       notice_key(report.id, "withdrawn"))
    return report


def _recipients(session, company):
    """Who is told of issuing and withdrawing: the enterprise's staff and the bureau."""
    return list({u.id: u for u in holders_of_role(session, "enterprise", company.id)
                 + holders_of_role(session, "bureau")}.values())


def notice_key(report_id, event="issued"):
    return f"service_report:{report_id}:{event}"


def _span(report):
    return f"{report.period_start.isoformat()}～{report.period_end.isoformat()}"


def _details(report):
    return {"service_report_id": report.id, "enterprise_id": report.enterprise_id, "name": report.enterprise.name,
            "period": _span(report), "grade": report.grade}
