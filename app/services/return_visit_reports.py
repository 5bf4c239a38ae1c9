"""The quarterly return-visit summary report (季度回访汇总报告, seed 000 "每季度向应急管理局提交一次回访汇总报告"): for a
calendar quarter, the coverage of the key enterprises (visited as often as due / due), the return visits by way, the
rectification effects seen (held, regressed, registered again), the survey's average per dimension, the safety
management items answered no, and the enterprises' opinions and problems listed — with the project lead's summary.

One report per quarter. A project lead drafts it (the figures live) and submits it once the quarter has ended; the
figures are frozen then (`facts`) and the bureau told. The bureau acknowledges it (确认接收) or returns it with a
reason; a returned report is corrected and submitted again (figures frozen anew). Every step is audited and tells the
other side. The bureau and managers read reports that have been submitted; the project team reads drafts too."""
from ..clock import clock
from ..errors import Conflict, NotAllowed, NotFound
from ..models import (EFFECT_RESULTS, RETURN_VISIT_WAYS, SAFETY_ITEMS, SURVEY_DIMENSIONS, AuditEvent, ReturnVisit,
                      ReturnVisitReport)
from . import audit, key_enterprises, notifications
from .field_rules import clean_text, raise_if, row_id
from .training_targets import Quarter

WRITERS = ("project_lead",)
DECIDERS = ("bureau",)
STAFF = ("project_lead", "project_team", "inspector")  # read drafts
READERS = STAFF + ("bureau", "manager")
SUBJECT = "return_visit_report"
MAX_SUMMARY, MAX_REASON = 8000, 1000
LISTED = 200  # opinions and problems listed in the report


def may_read(user):
    return user.has_role(*READERS)


def may_write(user):
    return user.has_role(*WRITERS)


def may_decide(user):
    return user.has_role(*DECIDERS)


def check_may_read(user):
    if not may_read(user):
        raise NotAllowed("季度回访汇总报告供项目组、应急管理局和管理人员查看 / the quarterly return-visit reports are "
                         "for the project team, the bureau and managers")


def _sees_drafts(user):
    return user.has_role(*STAFF)


def _visible(session, user):
    query = session.query(ReturnVisitReport)
    if not _sees_drafts(user):
        query = query.filter(ReturnVisitReport.submitted_at.isnot(None))
    return query


def get(session, user, report_id, for_update=False):
    check_may_read(user)
    number = row_id(report_id)
    query = _visible(session, user).filter(ReturnVisitReport.id == number) if number is not None else None
    row = (query.with_for_update() if for_update else query).first() if query is not None else None
    if row is None:
        raise NotFound("回访汇总报告不存在 / report not found")
    return row


def listing(session, user):
    check_may_read(user)
    return _visible(session, user).order_by(ReturnVisitReport.year.desc(), ReturnVisitReport.quarter.desc()).all()


def quarter_of(report):
    return Quarter(report.year, report.quarter)


def facts(session, report):
    """A submitted or acknowledged report's frozen figures; a draft's or returned one's as they are now."""
    if report.facts is not None and report.status in ("submitted", "acknowledged"):
        return report.facts
    return compute(session, quarter_of(report))


def compute(session, quarter, required=None):
    """The quarter's figures as JSON-native values (what submitting freezes)."""
    due = key_enterprises.quarter_due(session, None, quarter, required)
    visits = session.query(ReturnVisit).filter(ReturnVisit.visited_on >= quarter.start,
                                               ReturnVisit.visited_on < quarter.end) \
        .order_by(ReturnVisit.visited_on, ReturnVisit.id).all()
    covered = sum(1 for r in due.rows if not r.missing)
    effects = dict.fromkeys(EFFECT_RESULTS, 0)
    registered, regressed = 0, []
    sums, surveyed = dict.fromkeys(SURVEY_DIMENSIONS, 0), 0
    safety_no = dict.fromkeys(SAFETY_ITEMS, 0)
    for visit in visits:
        for finding in visit.findings:
            effects[finding.result] += 1
            if finding.result == "recurred":
                registered += finding.new_case_id is not None
                regressed.append({"enterprise": visit.enterprise.name, "case": finding.case.code,
                                  "note": finding.note,
                                  "new_case": finding.new_case.code if finding.new_case_id else None})
        if visit.scores:
            surveyed += 1
            for name, score in visit.scores.items():
                sums[name] += score
        for code, yes in (visit.safety_checks or {}).items():
            if code in safety_no and not yes:
                safety_no[code] += 1
    averages = {name: round(total / surveyed, 2) if surveyed else None for name, total in sums.items()}
    return {
        "quarter": quarter.code, "start": quarter.start.isoformat(), "end": due.last_day.isoformat(),
        "as_of": clock.now().isoformat(), "required": due.required,
        "coverage": {"due": len(due.rows), "visited": covered,
                     "rate": round(100 * covered / len(due.rows), 1) if due.rows else None},
        "not_visited": [{"name": r.key.enterprise.name, "visits": r.visits,
                         "reasons": [x.kind for x in r.key.reasons]} for r in due.remaining],
        "visits": {"total": len(visits), "enterprises": len({v.enterprise_id for v in visits}),
                   "by_way": {way: sum(1 for v in visits if v.way == way) for way in RETURN_VISIT_WAYS}},
        "effects": {**effects, "registered": registered},
        "regressed": regressed,
        "satisfaction": {"surveyed": surveyed, "averages": averages,
                         "overall": round(sum(sums.values()) / (surveyed * len(sums)), 2) if surveyed else None},
        "safety_no": safety_no,
        "opinions": [{"enterprise": v.enterprise.name, "visited_on": v.visited_on.isoformat(), "text": v.opinions}
                     for v in visits if v.opinions][:LISTED],
        "problems": [{"enterprise": v.enterprise.name, "visited_on": v.visited_on.isoformat(), "text": v.problems,
                      "action": v.follow_up_action} for v in visits if v.problems][:LISTED],
    }


# ---- writing -------------------------------------------------------------------------------------------------------
def _check_may_write(user):
    check_may_read(user)
    if not may_write(user):
        raise NotAllowed("只有项目负责人可以起草和提交季度回访汇总报告 / only project leads draft and submit the report")


def _summary(value, errors):
    return clean_text(value, MAX_SUMMARY, "summary", errors)


def create(uow, user, quarter_text, summary=""):
    """A draft for the quarter (begun already); Conflict when the quarter has one."""
    _check_may_write(user)
    errors = {}
    quarter = Quarter.parse(quarter_text)
    if quarter is None:
        errors["quarter"] = "请选择季度，如 2026Q4 / choose the quarter, such as 2026Q4"
    elif quarter.start > clock.local_now().date():
        errors["quarter"] = "该季度尚未开始 / that quarter has not begun"
    summary = _summary(summary, errors)
    raise_if(errors)
    session = uow.session
    if session.query(ReturnVisitReport.id).filter_by(year=quarter.year, quarter=quarter.number).first():
        raise Conflict(f"{quarter.code} 的回访汇总报告已经存在 / the report of {quarter.code} exists already")
    now = clock.now()
    row = ReturnVisitReport(year=quarter.year, quarter=quarter.number, status="draft", summary=summary,
                            drafted_by_id=user.id, drafted_at=now, updated_at=now)
    session.add(row)
    session.flush()
    audit.record(uow, None, user, "return_visit_report_drafted", changes={"summary": [None, summary]},
                 details={"quarter": quarter.code}, subject=(SUBJECT, row.id))
    return row


def update(uow, user, report_id, summary):
    row = get(uow.session, user, report_id, for_update=True)
    _check_may_write(user)
    if not row.editable:
        raise Conflict("报告已提交，不能修改 / the report has been submitted and cannot be changed")
    errors = {}
    summary = _summary(summary, errors)
    raise_if(errors)
    if summary != row.summary:
        audit.record(uow, None, user, "return_visit_report_updated", changes={"summary": [row.summary, summary]},
                     details={"quarter": row.code}, subject=(SUBJECT, row.id))
        row.summary, row.updated_at = summary, clock.now()
    return row


def submit(uow, user, report_id):
    """Submit a draft or a returned report once the quarter has ended: figures frozen, the bureau told."""
    row = get(uow.session, user, report_id, for_update=True)
    _check_may_write(user)
    if not row.editable:
        raise Conflict("报告已提交 / the report has been submitted already")
    quarter = quarter_of(row)
    if clock.local_now().date() < quarter.end:
        raise Conflict(f"{quarter.code} 尚未结束，季度结束后提交 / submit after the quarter has ended")
    if not row.summary.strip():
        raise_if({"summary": "请填写总体情况与下一步工作 / write the summary"})
    before, now = row.status, clock.now()
    row.facts = compute(uow.session, quarter)
    row.status, row.submitted_by_id, row.submitted_at, row.updated_at = "submitted", user.id, now, now
    row.decided_by_id = row.decided_at = None
    uow.session.flush()
    audit.record(uow, None, user, "return_visit_report_submitted", changes={"status": [before, "submitted"]},
                 details={"quarter": row.code, "coverage": row.facts["coverage"]}, subject=(SUBJECT, row.id))
    cover = row.facts["coverage"]
    key = f"return_visit_report:{row.id}:submitted:{_round(uow.session, row)}"
    notifications.send(uow, notifications.role_holders(uow, DECIDERS), "return_visit_report_submitted",
                       f"{row.code} 季度回访汇总报告已提交",
                       f"重点企业 {cover['due']} 家，已回访 {cover['visited']} 家；回访 {row.facts['visits']['total']} 次。",
                       key)
    return row


def decide(uow, user, report_id, acknowledged, reason=""):
    """The bureau acknowledges a submitted report, or returns it with a reason; the project leads are told."""
    row = get(uow.session, user, report_id, for_update=True)
    if not may_decide(user):
        raise NotAllowed("只有应急管理局可以确认接收或退回回访汇总报告 / only the bureau acknowledges or returns the "
                         "report")
    errors = {}
    reason = clean_text(reason, MAX_REASON, "reason", errors)
    if not isinstance(acknowledged, bool):
        errors["decision"] = "请选择确认接收或退回 / acknowledge or return the report"
    elif not acknowledged and not reason and "reason" not in errors:
        errors["reason"] = "退回时请说明原因 / give the reason for returning it"
    raise_if(errors)
    if row.status != "submitted":
        raise Conflict("该报告不在待接收状态 / the report is not awaiting the bureau")
    now = clock.now()
    status = "acknowledged" if acknowledged else "returned"
    row.status, row.decided_by_id, row.decided_at, row.updated_at = status, user.id, now, now
    row.return_reason = None if acknowledged else reason
    uow.session.flush()
    audit.record(uow, None, user, f"return_visit_report_{status}", changes={"status": ["submitted", status]},
                 reason=reason, details={"quarter": row.code}, subject=(SUBJECT, row.id))
    title = f"{row.code} 季度回访汇总报告已确认接收" if acknowledged else f"{row.code} 季度回访汇总报告被退回"
    notifications.send(uow, notifications.role_holders(uow, WRITERS), f"return_visit_report_{status}", title,
                       reason[:300], f"return_visit_report:{row.id}:{status}:{_round(uow.session, row)}")
    return row


def _round(session, row):
    """Which submission of the report this is (1, 2, … after returns): the notices' keys tell them apart."""
    return session.query(AuditEvent).filter_by(subject_type=SUBJECT, subject_id=row.id,
                                               action="return_visit_report_submitted").count()
