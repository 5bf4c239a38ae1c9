"""Helpers the periodic report tests share (no tests here): November 2026 of the service report tests (a visit at the
chemical enterprise, one case closed after a second round, one open and overdue), a service project from Monday
2 November 2026, a library entry of the closed case, and the writing, issuing and answering of a report."""
from datetime import date

from app.clock import clock
from app.extensions import db
from app.models import ServiceProject
from app.services import periodic_report_review as review, periodic_reports, typical_cases
from app.services.uow import UnitOfWork
from tests.service_report_support import served_in_november

NOVEMBER = {"kind": "monthly", "period_start": "2026-11-01", "period_end": "2026-11-30"}
MONTHLY_TEXT = {"summary": "11月完成化工行业全覆盖排查", "case_analysis": "接地问题反复出现，源于巡检制度执行不到位",
                "effectiveness": "一次复核通过率偏低，需加强整改指导", "next_focus": "12月聚焦逾期隐患督办"}
WEEKLY_TEXT = {"progress": "本周完成整改1项", "problems": "1项隐患逾期", "suggestions": "下发督办通知"}
ANNUAL_TEXT = {"achievements": "全年排查企业全覆盖", "trend_analysis": "隐患总体呈下降趋势",
               "next_plan": "明年重点关注用电安全"}


def project(people, start=date(2026, 11, 2), end=date(2026, 12, 31)):
    row = ServiceProject(name="2026年安全生产社会化服务", start_on=start, end_on=end, target_percent=85,
                         created_at=clock.now(), created_by_id=people.project_lead.id, updated_at=clock.now())
    db.session.add(row)
    db.session.commit()
    return row


def november(people):
    """The service report tests' November, and a library entry of its closed case; returns (case ids, entry id)."""
    cases = served_in_november(people)
    with UnitOfWork() as uow:
        entry = typical_cases.create(uow, people.quality, cases["closed"], {
            "title": "接地不规范反复整改", "problem_description": "配电柜接地不规范",
            "cause_analysis": "巡检制度执行不到位", "measures": "重新接地并检测", "effect": "复核合格"})
        uow.commit()
        return cases, entry.id


def create(user, values=None, text=None, issue=False, **changes):
    values = {**(values or NOVEMBER), **changes}
    values["sections"] = dict(text if text is not None else MONTHLY_TEXT)
    with UnitOfWork() as uow:
        report = periodic_reports.create(uow, user, values, issue_now=issue)
        uow.commit()
        return report.id


def update(user, report_id, values):
    with UnitOfWork() as uow:
        periodic_reports.update(uow, user, report_id, values)
        uow.commit()


def issue(user, report_id):
    with UnitOfWork() as uow:
        periodic_reports.issue(uow, user, report_id)
        uow.commit()


def sign(user, report_id):
    with UnitOfWork() as uow:
        review.sign(uow, user, report_id)
        uow.commit()


def return_(user, report_id, comments="请补充典型案例的整改效果"):
    with UnitOfWork() as uow:
        review.return_for_revision(uow, user, report_id, comments)
        uow.commit()
