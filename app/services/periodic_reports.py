"""The contractor's written periodic reports to the bureau (定期报告, models/periodic_report.py): a project lead drafts a
report of a kind for a period — the narrative sections the kind calls for, and for the analysis of typical cases the
library entries to show — and issues it; issuing freezes the period's figures (services/periodic_report_facts.py)
and the text into a new numbered version and tells the bureau and the managers. The bureau's answer (签收 / 退回) and
the public annual edition are in services/periodic_report_review.py; due dates in services/periodic_report_due.py.

These are not the enterprise service reports (services/service_reports.py): those are one enterprise's conclusion at
acceptance, issued to the enterprise; these are the county-wide reports of the project's progress, issued to the
bureau, with a return-and-revise loop the others do not have. What they share is the rule that figures are computed
while drafting and frozen at issuing, and the figures come from the statistics already there.

Who: project leads draft and issue; the bureau and managers read (drafts included) and answer; every other staff
role is refused (NotAllowed); enterprise staff are told the reports do not exist (NotFound)."""
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.exc import IntegrityError

from ..clock import clock
from ..errors import Conflict, NotAllowed, NotFound
from ..models import PERIODIC_REPORT_KINDS, PeriodicReport, PeriodicReportVersion, ServiceProject, TypicalCase
from . import audit, notifications, periodic_report_due as due, periodic_report_facts
from .field_rules import clean_text, raise_if, row_id

WRITERS = ("project_lead",)
ANSWERERS = ("bureau", "manager")
SUBJECT = "periodic_report"
ISSUED_KIND = "periodic_report_issued"
MAX_SECTION, MAX_TYPICAL_CASES, MAX_PHASE_DAYS = 8000, 5, 366 * 3
# kind -> (sections required before issuing, sections that may be written), in the order the report reads.
KIND_SECTIONS = {
    # seed 000 line 596: 本周完成整改数量、存在问题、建议措施 (the figures give the counts)
    "weekly": (("progress", "problems", "suggestions"), ()),
    # seed 000 line 636: 典型案例分析、整改措施有效性评估以及下阶段工作重点
    "monthly": (("summary", "case_analysis", "effectiveness", "next_focus"), ("problems",)),
    "phase": (("achievements", "problems", "next_focus"), ("effectiveness", "case_analysis")),
    # seed 000 lines 100, 608, 917: 年度整改成果、年度隐患趋势分析、典型案例分析、下一步工作计划
    "annual": (("achievements", "trend_analysis", "next_plan"), ("case_analysis", "problems")),
}


def sections_of(kind):
    required, optional = KIND_SECTIONS[kind]
    return [(code, code in required) for code in required + optional]


def takes_typical_cases(kind):
    return any(code == "case_analysis" for code, _ in sections_of(kind))


# ---- who ---------------------------------------------------------------------------------------------------------
def may_write(user):
    return user.has_role(*WRITERS)


def may_answer(user):
    return user.has_role(*ANSWERERS)


def may_read(user):
    return may_write(user) or may_answer(user)


def check_may_read(user):
    if may_read(user):
        return
    if "enterprise" in user.roles:
        raise NotFound("页面不存在 / not found")
    raise NotAllowed("定期报告供项目负责人、应急管理局和管理人员查看 / periodic reports are for project leads, the "
                     "bureau and managers")


def check_may_write(user):
    check_may_read(user)
    if not may_write(user):
        raise NotAllowed("只有项目负责人可以起草和报送定期报告 / only project leads draft and issue periodic reports")


# ---- reading -----------------------------------------------------------------------------------------------------
def get(session, user, report_id, for_update=False):
    check_may_read(user)
    query = session.query(PeriodicReport).filter_by(id=report_id)
    report = (query.with_for_update() if for_update else query).first() if isinstance(report_id, int) else None
    if report is None:
        raise NotFound("定期报告不存在 / periodic report not found")
    return report


def version_of(report, number=None):
    """The issued version `number` (the latest when None; None for a report never issued); NotFound for another."""
    if number is None:
        return report.latest
    found = next((v for v in report.versions if v.number == number), None)
    if found is None:
        raise NotFound("该版本不存在 / no such version")
    return found


def facts(session, report, version=None):
    """A version's frozen figures; a report being written (never issued, or returned) the figures as they are now."""
    if version is not None:
        return version.facts
    return periodic_report_facts.compute(session, report.kind, report.period_start, report.period_end,
                                         report.typical_case_ids)


@dataclass
class ReportFilter:
    kind: str = ""
    status: str = ""
    year: int = None  # periods ending in this year
    limit: int = 50
    offset: int = 0


def listing(session, user, flt):
    """(a page of the reports matching the filter, the latest period first; how many match)."""
    check_may_read(user)
    query = session.query(PeriodicReport)
    if flt.kind:
        query = query.filter(PeriodicReport.kind == flt.kind)
    if flt.status:
        query = query.filter(PeriodicReport.status == flt.status)
    if flt.year:
        query = query.filter(PeriodicReport.period_end >= date(flt.year, 1, 1),
                             PeriodicReport.period_end <= date(flt.year, 12, 31))
    total = query.count()
    rows = query.order_by(PeriodicReport.period_end.desc(), PeriodicReport.kind, PeriodicReport.id.desc()) \
        .limit(flt.limit).offset(flt.offset).all()
    return rows, total


def library_choices(session, chosen=()):
    """(id, title, case code) of the library's entries a lead may choose from: the newest 50 and those chosen."""
    rows = session.query(TypicalCase).order_by(TypicalCase.created_at.desc(), TypicalCase.id.desc()).limit(50).all()
    ids = {r.id for r in rows}
    extra = [i for i in chosen if i not in ids]
    if extra:
        rows += session.query(TypicalCase).filter(TypicalCase.id.in_(extra)).all()
    return [(r.id, r.title, r.case.code) for r in rows]


# ---- periods -----------------------------------------------------------------------------------------------------
def default_period(session, kind, today=None):
    """A new report's period: last week, last month, last year; a phase from the day after the last phase report
    (or the first service project's start) to yesterday."""
    today = today or clock.local_now().date()
    if kind == "weekly":
        return due.week_of(today - timedelta(days=7))
    if kind == "monthly":
        return due.month_of(today.replace(day=1) - timedelta(days=1))
    if kind == "annual":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    yesterday = today - timedelta(days=1)
    last = session.query(PeriodicReport.period_end).filter_by(kind="phase") \
        .order_by(PeriodicReport.period_end.desc()).limit(1).scalar()
    first = last + timedelta(days=1) if last else \
        session.query(ServiceProject.start_on).order_by(ServiceProject.start_on).limit(1).scalar()
    return min(first or yesterday.replace(day=1), yesterday), yesterday


def read_period(kind, values, errors):
    """(start, end) of the typed period, checked against the kind's shape; wrong ones go into `errors`."""
    start, end = (_day(values.get(name), name, errors) for name in ("period_start", "period_end"))
    if not (start and end):
        return start, end
    if end < start:
        errors["period_end"] = "结束日期不能早于开始日期 / the period cannot end before it starts"
    elif end >= clock.local_now().date():
        errors["period_end"] = "期间结束后才能起草报告 / a report is written once its period has ended"
    elif kind == "weekly" and (start.weekday() != 0 or end != start + timedelta(days=6)):
        errors["period_start"] = "周报的期间为周一至周日 / a weekly report covers Monday to Sunday"
    elif kind == "monthly" and (start.day != 1 or (start, end) != due.month_of(start)):
        errors["period_start"] = "月报的期间为一个自然月 / a monthly report covers a calendar month"
    elif kind == "annual" and (start != date(start.year, 1, 1) or end != date(start.year, 12, 31)):
        errors["period_start"] = "年度报告的期间为1月1日至12月31日 / an annual report covers a calendar year"
    elif kind == "phase" and (end - start).days >= MAX_PHASE_DAYS:
        errors["period_end"] = "阶段报告的期间最长三年 / a phase report covers at most three years"
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


# ---- writing -----------------------------------------------------------------------------------------------------
def _clean(session, kind, values, errors, with_period=True):
    clean = {}
    if with_period:
        clean["period_start"], clean["period_end"] = read_period(kind, values, errors)
    typed = values.get("sections") if isinstance(values.get("sections"), dict) else {}
    clean["sections"] = {code: clean_text(typed.get(code), MAX_SECTION, code, errors) for code, _ in sections_of(kind)}
    clean["typical_case_ids"] = _typical_cases(session, kind, values.get("typical_case_ids"), errors)
    return clean


def _typical_cases(session, kind, given, errors):
    if not given or not takes_typical_cases(kind):
        return []
    ids = list(dict.fromkeys(row_id(v) for v in (given if isinstance(given, (list, tuple)) else [given])))
    if None in ids:
        errors["typical_case_ids"] = "请选择案例库中的案例 / choose entries of the case library"
        return [i for i in ids if i is not None]
    if len(ids) > MAX_TYPICAL_CASES:
        errors["typical_case_ids"] = f"最多选择 {MAX_TYPICAL_CASES} 个典型案例 / at most {MAX_TYPICAL_CASES} cases"
    found = {i for (i,) in session.query(TypicalCase.id).filter(TypicalCase.id.in_(ids))}
    if set(ids) - found:
        errors["typical_case_ids"] = "所选典型案例不存在 / a chosen case is not in the library"
    return ids


def create(uow, user, values, issue_now=False):
    """A draft of the kind and period in `values` (issued at once with `issue_now`); ValidationFailed names each wrong
    field, Conflict when the period has its report already."""
    session = uow.session
    check_may_write(user)
    kind = values.get("kind")
    if kind not in PERIODIC_REPORT_KINDS:
        raise_if({"kind": "请选择报告类型 / choose the kind of report"})
    errors = {}
    clean = _clean(session, kind, values, errors)
    raise_if(errors)
    _check_free(session, kind, clean["period_start"], clean["period_end"])
    now = clock.now()
    report = PeriodicReport(kind=kind, status="draft", drafted_by=user, drafted_at=now, updated_at=now,
                            versions_issued=0, **clean)
    session.add(report)
    try:
        session.flush()
    except IntegrityError:  # another lead started the same report a moment ago: theirs is the period's report
        session.rollback()
        _check_free(session, kind, clean["period_start"], clean["period_end"])
        raise
    audit.record(uow, None, user, "periodic_report_drafted",
                 changes={k: [None, v] for k, v in {"kind": kind, **clean}.items() if v},
                 details=_details(report), subject=(SUBJECT, report.id))
    return _issue(uow, user, report) if issue_now else report


def _check_free(session, kind, start, end, exclude_id=None):
    other = session.query(PeriodicReport).filter_by(kind=kind, period_start=start, period_end=end).first()
    if other is not None and other.id != exclude_id:
        raise Conflict(f"该期间的{PERIODIC_REPORT_KINDS[kind][0]}已有（#{other.id}），请在原报告上修改 / that period's "
                       f"report exists already (#{other.id}): edit it instead")


def update(uow, user, report_id, values):
    """Rewrite a report being written (a draft, or a returned version being revised); its period may change until
    its first issue. Conflict once it is issued and waiting, or signed."""
    session = uow.session
    report = get(session, user, report_id, for_update=True)
    check_may_write(user)
    if not report.editable:
        raise Conflict("报告已报送，等待签收或已签收，不能修改 / the report is issued or signed and cannot be changed")
    errors = {}
    clean = _clean(session, report.kind, values, errors, with_period=not report.versions_issued)
    raise_if(errors)
    if "period_start" in clean:
        _check_free(session, report.kind, clean["period_start"], clean["period_end"], report.id)
    changes = {k: [getattr(report, k), v] for k, v in clean.items() if getattr(report, k) != v}
    if changes:
        for name, (_before, after) in changes.items():
            setattr(report, name, after)
        report.updated_at = clock.now()
        session.flush()
        audit.record(uow, None, user, "periodic_report_updated", changes=changes, details=_details(report),
                     subject=(SUBJECT, report.id))
    return report


def issue(uow, user, report_id):
    """Issue the report being written as its next version: figures and text frozen, the bureau and the managers told."""
    report = get(uow.session, user, report_id, for_update=True)
    check_may_write(user)
    if not report.editable:
        raise Conflict("报告已报送，等待应急管理局签收 / the report has been issued and awaits the bureau")
    return _issue(uow, user, report)


def _issue(uow, user, report):
    session = uow.session
    errors = {code: "请填写此部分 / this section is required"
              for code, required in sections_of(report.kind) if required and not report.sections.get(code)}
    raise_if(errors)
    now = clock.now()
    number = report.versions_issued + 1
    version = PeriodicReportVersion(
        report=report, number=number, sections=dict(report.sections), issued_by=user, issued_at=now,
        facts=periodic_report_facts.compute(session, report.kind, report.period_start, report.period_end,
                                            report.typical_case_ids, as_of=now))
    session.add(version)
    before = report.status
    report.status, report.versions_issued, report.updated_at = "issued", number, now
    report.first_issued_at = report.first_issued_at or now
    session.flush()
    audit.record(uow, None, user, "periodic_report_issued", changes={"status": [before, "issued"],
                                                                     "version": [number - 1 or None, number]},
                 details=_details(report), subject=(SUBJECT, report.id))
    recipients = notifications.role_holders(uow, ANSWERERS)
    revised = f"（修订第{number}版）" if number > 1 else ""
    notifications.send(uow, recipients, ISSUED_KIND, f"{title(report)}已报送{revised}",
                       f"项目负责人{user.display_name}报送了{title(report)}{revised}，请查阅并签收。",
                       notice_key(report.id, "issued", number))
    return report


# ---- words -------------------------------------------------------------------------------------------------------
def title(report):
    """"2026年11月月度综合评估简报" and the like, in Chinese (notices and the audit log are written in Chinese)."""
    start, end = report.period_start, report.period_end
    if report.kind == "weekly":
        return f"周报（{start:%Y年%m月%d日}至{end:%m月%d日}）"
    if report.kind == "monthly":
        return f"{start:%Y年%m月}月度综合评估简报"
    if report.kind == "annual":
        return f"{start.year}年度总结报告"
    return f"阶段报告（{start.isoformat()}至{end.isoformat()}）"


def notice_key(report_id, event, number):
    return f"periodic_report:{report_id}:{event}:{number}"


def _details(report):
    return {"periodic_report_id": report.id, "kind": report.kind, "title": title(report),
            "period": f"{report.period_start.isoformat()}～{report.period_end.isoformat()}"}


