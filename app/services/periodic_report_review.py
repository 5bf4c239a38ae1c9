"""The bureau's answer to an issued periodic report (services/periodic_reports.py) and the public annual edition.

The bureau or a manager signs for the latest version (签收, the read receipt: who and when), or returns it with
comments (退回, required); a returned report goes back to the project lead, who revises the text and issues a new
version — the returned one stays with its comments. Either answer is given once per version (Conflict after) and
tells the project leads.

The public annual edition (年度整改白皮书, seed 000 line 608): the bureau publishes a signed annual report's public
sections (整改成果, 年度隐患趋势分析, 下一步工作计划) with its anonymised figures on /public/white-papers. Figures name no
enterprise (services/periodic_report_facts.py); the text is the lead's, so publishing is refused while a public
section names an enterprise of the register (or its credit code), next to that section. The bureau may take the
edition down with a reason; publishing again shows the signed version of the moment."""
from dataclasses import dataclass
from datetime import datetime

from ..clock import clock
from ..errors import Conflict, NotAllowed, NotFound
from ..models import Enterprise, PeriodicReport
from . import audit, notifications, periodic_report_facts
from .field_rules import clean_text, raise_if
from .periodic_reports import ANSWERERS, SUBJECT, WRITERS, _details, check_may_read, get, notice_key, title

PUBLISHERS = ("bureau",)
PUBLIC_SECTIONS = ("achievements", "trend_analysis", "next_plan")
SIGNED_KIND, RETURNED_KIND = "periodic_report_signed", "periodic_report_returned"
MAX_COMMENTS, MAX_REASON = 2000, 500


def check_may_answer(user):
    check_may_read(user)
    if not user.has_role(*ANSWERERS):
        raise NotAllowed("只有应急管理局和管理人员可以签收或退回定期报告 / only the bureau and managers sign for or return "
                         "periodic reports")


def _waiting(uow, user, report_id):
    report = get(uow.session, user, report_id, for_update=True)
    check_may_answer(user)
    if report.status != "issued":
        raise Conflict("报告不在待签收状态 / the report is not waiting for the bureau's answer")
    return report


def sign(uow, user, report_id):
    """Sign for the latest version (签收): recorded with who and when, the project leads told."""
    report = _waiting(uow, user, report_id)
    version = report.latest
    now = clock.now()
    version.signed_by, version.signed_at = user, now
    report.status, report.updated_at = "signed", now
    uow.session.flush()
    audit.record(uow, None, user, "periodic_report_signed", changes={"status": ["issued", "signed"]},
                 details={**_details(report), "version": version.number}, subject=(SUBJECT, report.id))
    notifications.send(uow, notifications.role_holders(uow, WRITERS), SIGNED_KIND, f"{title(report)}已签收",
                       f"{user.display_name}已签收{title(report)}（第{version.number}版）。",
                       notice_key(report.id, "signed", version.number))
    return report


def return_for_revision(uow, user, report_id, comments):
    """Return the latest version with comments (required): the project lead revises and issues the next version."""
    report = _waiting(uow, user, report_id)
    errors = {}
    comments = clean_text(comments, MAX_COMMENTS, "comments", errors)
    if not comments and "comments" not in errors:
        errors["comments"] = "请填写退回意见 / write what should be revised"
    raise_if(errors)
    version = report.latest
    now = clock.now()
    version.returned_by, version.returned_at, version.return_comments = user, now, comments
    report.status, report.updated_at = "returned", now
    uow.session.flush()
    audit.record(uow, None, user, "periodic_report_returned", changes={"status": ["issued", "returned"]},
                 details={**_details(report), "version": version.number, "comments": comments},
                 subject=(SUBJECT, report.id))
    notifications.send(uow, notifications.role_holders(uow, WRITERS), RETURNED_KIND,
                       f"{title(report)}被退回修改", f"{user.display_name}退回了第{version.number}版：{comments[:150]}",
                       notice_key(report.id, "returned", version.number))
    return report


# ---- the public annual edition -----------------------------------------------------------------------------------
def may_publish(user):
    return user.has_role(*PUBLISHERS)


def publish(uow, user, report_id):
    """Publish a signed annual report's public edition; ValidationFailed names a public section that names an
    enterprise, Conflict for another kind, an unsigned report or one already public."""
    report = get(uow.session, user, report_id, for_update=True)
    if not may_publish(user):
        raise NotAllowed("只有应急管理局可以发布白皮书 / only the bureau publishes the white paper")
    if report.kind != "annual" or report.status != "signed":
        raise Conflict("只有已签收的年度总结报告可以发布白皮书 / only a signed annual report is published as a white "
                       "paper")
    if report.published_version is not None:
        raise Conflict("白皮书已发布 / the white paper is public already")
    version = report.latest
    raise_if(_names_found(uow.session, version.sections))
    now = clock.now()
    report.published_version, report.published_at, report.published_by = version.number, now, user
    uow.session.flush()
    audit.record(uow, None, user, "periodic_report_published", changes={"published_version": [None, version.number]},
                 details=_details(report), subject=(SUBJECT, report.id))
    return report


def unpublish(uow, user, report_id, reason):
    """Take the public edition down with a reason (required); it may be published again."""
    report = get(uow.session, user, report_id, for_update=True)
    if not may_publish(user):
        raise NotAllowed("只有应急管理局可以撤下白皮书 / only the bureau takes the white paper down")
    if report.published_version is None:
        raise Conflict("白皮书未发布 / the white paper is not public")
    errors = {}
    reason = clean_text(reason, MAX_REASON, "reason", errors)
    if not reason and "reason" not in errors:
        errors["reason"] = "请填写撤下原因 / give the reason"
    raise_if(errors)
    before = report.published_version
    report.published_version, report.published_at, report.published_by = None, None, None
    uow.session.flush()
    audit.record(uow, None, user, "periodic_report_unpublished", changes={"published_version": [before, None]},
                 details={**_details(report), "reason": reason}, subject=(SUBJECT, report.id))
    return report


def _names_found(session, sections):
    """{section: message} for each public section naming an enterprise of the register or its credit code."""
    register = session.query(Enterprise.name, Enterprise.credit_code).all()
    errors = {}
    for code in PUBLIC_SECTIONS:
        text = sections.get(code) or ""
        named = [name for name, credit in register if (name and name in text) or (credit and credit in text)]
        if named:
            errors[code] = (f"公开内容不能出现企业名称：{'、'.join(named[:3])}，请改为匿名表述（退回修改后重新报送）/ the "
                            "public text may not name enterprises: return it for revision first")
    return errors


@dataclass
class WhitePaper:
    report_id: int
    year: int
    published_at: datetime
    sections: dict  # the public sections, {code: text}
    figures: dict  # periodic_report_facts.public_part


def public_papers(session):
    """The published annual editions, the newest year first."""
    rows = session.query(PeriodicReport).filter(PeriodicReport.kind == "annual",
                                                PeriodicReport.published_version.isnot(None)) \
        .order_by(PeriodicReport.period_start.desc()).all()
    return [_paper(r) for r in rows]


def public_paper(session, report_id):
    """One published edition, for anyone; NotFound for anything else (unknown, not annual, not or no longer public)."""
    report = session.get(PeriodicReport, report_id) if isinstance(report_id, int) else None
    if report is None or report.kind != "annual" or report.published_version is None:
        raise NotFound("白皮书不存在 / white paper not found")
    return _paper(report)


def _paper(report):
    version = next(v for v in report.versions if v.number == report.published_version)
    return WhitePaper(report.id, report.period_start.year, report.published_at,
                      {code: version.sections.get(code, "") for code in PUBLIC_SECTIONS if version.sections.get(code)},
                      periodic_report_facts.public_part(version.facts))
