"""Enterprise service reports (企业服务情况报告和结论性意见) through the service layer: the facts over a period, drafting
and issuing, frozen facts, overlapping periods, field errors, who may do what, and withdrawing an issued report."""
from datetime import date, datetime

import pytest

from app.clock import SHANGHAI, clock
from app.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, Notification, ServiceReport
from app.services import service_report_facts, service_reports
from app.services.uow import UnitOfWork
from tests.service_report_support import WRITTEN, create, issue, served_in_november, withdraw
from tests.test_lifecycle_service import register


def test_the_facts_of_a_period(people):
    ids = served_in_november(people)
    facts = service_report_facts.compute(db.session, people.enterprise_a, date(2026, 11, 1), date(2026, 11, 30))
    assert facts["enterprise"]["name"] == "甲化工有限公司" and facts["enterprise"]["township"] == "城关镇"
    assert [v["inspectors"] for v in facts["visits"]] == ["王排查、李排查"]
    assert facts["visits"][0]["checked"] == 3 and facts["visits"][0]["nonconform"] == 1
    assert facts["checklist"] == [{"dimension": "management", "conform": 2, "nonconform": 1, "not_applicable": 0}]
    hazards = facts["hazards"]
    # The October case is outside the period; of November's two, one closed after two rounds, one open and overdue.
    assert {c["id"] for c in hazards["cases"]} == {ids["closed"], ids["overdue"]}
    assert (hazards["total"], hazards["closed"], hazards["open"], hazards["overdue"]) == (2, 1, 1, 1)
    assert hazards["rectification_rate"] == 50.0 and hazards["by_grade"] == [["general", 2]]
    assert hazards["by_type"] == [["electrical", 2]]
    assert hazards["rounds"] == {"total": 3, "returned": 1, "most": 2}
    assert facts["follow_ups"] == {"held": 0, "recurred": 0, "pending": 2, "done": 0}
    assert facts["site_checks"]["lagging"] == 1 and facts["site_checks"]["total"] == 1
    assert [r["case_id"] for r in facts["referrals"]] == [ids["overdue"]]
    october = service_report_facts.compute(db.session, people.enterprise_a, date(2026, 10, 1), date(2026, 10, 31))
    assert october["hazards"]["total"] == 1 and october["visits"] == [] and october["referrals"] == []
    other = service_report_facts.compute(db.session, people.enterprise_b, date(2026, 11, 1), date(2026, 11, 30))
    assert other["hazards"]["total"] == 0 and other["hazards"]["rectification_rate"] is None


def test_a_draft_is_issued_once_with_its_facts_frozen_told_and_audited(people):
    served_in_november(people)
    report_id = create(people.project_lead, people.enterprise_a)
    report = db.session.get(ServiceReport, report_id)
    assert report.status == "draft" and report.facts is None and report.drafted_by_id == people.project_lead.id
    assert not db.session.query(Notification).count()
    issue(people.project_lead, report_id)
    db.session.expire_all()
    report = db.session.get(ServiceReport, report_id)
    assert report.status == "issued" and report.issued_by_id == people.project_lead.id
    assert report.facts["hazards"]["overdue"] == 1
    told = {n.user_id for n in db.session.query(Notification).filter_by(kind="service_report_issued")}
    assert told == {people.ent_a.id, people.bureau.id}
    actions = [e.action for e in db.session.query(AuditEvent).filter_by(subject_type="service_report",
                                                                       subject_id=report_id).order_by(AuditEvent.id)]
    assert actions == ["service_report_drafted", "service_report_issued"]
    # A hazard found later in the period does not change what was issued; the live facts would.
    clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI))
    register(people)
    clock.set(datetime(2026, 12, 10, 9, 0, tzinfo=SHANGHAI))
    assert service_reports.facts(db.session, report)["hazards"]["total"] == 2
    live = service_report_facts.compute(db.session, people.enterprise_a, report.period_start, report.period_end)
    assert live["hazards"]["total"] == 3
    with pytest.raises(Conflict):
        issue(people.project_lead, report_id)
    with pytest.raises(Conflict):
        with UnitOfWork() as uow:
            service_reports.update(uow, people.project_lead, report_id, WRITTEN)


def test_issued_reports_may_not_overlap(people):
    served_in_november(people)
    create(people.project_lead, people.enterprise_a, issue=True)
    with pytest.raises(Conflict) as refused:
        create(people.project_lead, people.enterprise_a, period_start="2026-11-30", period_end="2026-12-05")
    assert "2026-11-01～2026-11-30" in refused.value.message
    # Another enterprise, or the days after: fine; a draft that comes to overlap is refused when issued.
    create(people.project_lead, people.enterprise_b, issue=True)
    draft = create(people.project_lead, people.enterprise_a, period_start="2026-12-01", period_end="2026-12-05")
    other = create(people.project_lead, people.enterprise_a, period_start="2026-12-03", period_end="2026-12-09")
    issue(people.project_lead, draft)
    with pytest.raises(Conflict):
        issue(people.project_lead, other)


def test_field_errors(people):
    served_in_november(people)
    with pytest.raises(ValidationFailed) as refused:
        create(people.project_lead, people.enterprise_a, conclusion="  ", grade="excellent",
               period_start="2026-11-30", period_end="2026-11-01")
    assert set(refused.value.fields) == {"conclusion", "grade", "period_end"}
    with pytest.raises(ValidationFailed) as refused:
        create(people.project_lead, people.enterprise_a, period_start="30.11.2026", period_end="2026-12-31")
    assert set(refused.value.fields) == {"period_start", "period_end"}
    assert "future" in refused.value.fields["period_end"]
    with pytest.raises(ValidationFailed) as refused:  # 合格 with a hazard of the period still open
        create(people.project_lead, people.enterprise_a, issue=True, grade="qualified")
    assert set(refused.value.fields) == {"grade"}
    assert not db.session.query(ServiceReport).count()


def test_who_may(people):
    served_in_november(people)
    for role in ("bureau", "manager", "quality", "admin", "inspector", "project_team", "supervision", "expert"):
        with pytest.raises(NotAllowed):
            create(people[role], people.enterprise_a)
    with pytest.raises(NotAllowed):
        create(people.ent_a, people.enterprise_a)  # enterprise staff read their reports, never write them
    draft = create(people.project_lead, people.enterprise_a)
    issued = create(people.project_lead, people.enterprise_b, issue=True)
    for role in ("bureau", "manager", "quality", "admin", "project_lead"):
        assert service_reports.get(db.session, people[role], draft).id == draft
        assert len(service_reports.of_enterprise(db.session, people[role], people.enterprise_a.id)) == 1
    for role in ("inspector", "project_team", "supervision", "expert", "process_owner"):
        with pytest.raises(NotAllowed):
            service_reports.get(db.session, people[role], issued)
    assert service_reports.get(db.session, people.ent_b, issued).id == issued
    for user, report_id in ((people.ent_a, issued), (people.ent_a, draft), (people.ent_b, draft)):
        with pytest.raises(NotFound):
            service_reports.get(db.session, user, report_id)
    assert service_reports.of_enterprise(db.session, people.ent_a, people.enterprise_a.id) == []
    with pytest.raises(NotFound):
        service_reports.of_enterprise(db.session, people.ent_a, people.enterprise_b.id)
    rows, total = service_reports.listing(db.session, people.ent_b, service_reports.ReportFilter())
    assert total == 1 and rows[0].id == issued
    with pytest.raises(NotAllowed):
        issue(people.bureau, draft)


def test_the_list_filters(people):
    served_in_november(people)
    people.enterprise_b.township = "开发区"
    db.session.commit()
    a = create(people.project_lead, people.enterprise_a, issue=True)
    b = create(people.project_lead, people.enterprise_b, grade="qualified", period_start="2026-12-01",
               period_end="2026-12-09")

    def ids(**flt):
        return [r.id for r in service_reports.listing(db.session, people.bureau,
                                                      service_reports.ReportFilter(**flt))[0]]
    assert ids() == [b, a]
    assert ids(township="开发区") == [b] and ids(grade="basically_qualified") == [a]
    assert ids(status="issued") == [a]
    assert ids(start=date(2026, 11, 15), end=date(2026, 11, 20)) == [a]
    assert ids(start=date(2026, 12, 9)) == [b]


def test_an_issued_report_is_withdrawn_once_with_a_reason_freeing_its_period(people):
    served_in_november(people)
    report_id = create(people.project_lead, people.enterprise_a, issue=True)
    for reason in ("", "   ", None, "长" * (service_reports.MAX_REASON + 1)):
        with pytest.raises(ValidationFailed) as refused:
            withdraw(people.project_lead, report_id, reason)
        assert set(refused.value.fields) == {"reason"}
    assert db.session.get(ServiceReport, report_id).status == "issued"
    withdraw(people.project_lead, report_id, "  结论等级写错，重新出具  ")
    db.session.expire_all()
    report = db.session.get(ServiceReport, report_id)
    assert (report.status, report.withdrawn_by_id, report.withdrawn_reason) == (
        "withdrawn", people.project_lead.id, "结论等级写错，重新出具")
    assert report.withdrawn_at == clock.now() and report.facts["hazards"]["overdue"] == 1  # kept as issued
    assert report.issued_by_id == people.project_lead.id and not report.is_issued
    with pytest.raises(Conflict):  # once
        withdraw(people.project_lead, report_id)
    with pytest.raises(Conflict):  # still never changed or issued again
        issue(people.project_lead, report_id)
    with pytest.raises(Conflict):
        with UnitOfWork() as uow:
            service_reports.update(uow, people.project_lead, report_id, WRITTEN)
    # The period is free again: a corrected report is issued for the very same days.
    corrected = create(people.project_lead, people.enterprise_a, issue=True, grade="unqualified")
    rows = db.session.query(ServiceReport.id, ServiceReport.status).filter_by(
        enterprise_id=people.enterprise_a.id).order_by(ServiceReport.id).all()
    assert rows == [(report_id, "withdrawn"), (corrected, "issued")]
    with pytest.raises(Conflict):  # and the corrected one holds the period as before
        create(people.project_lead, people.enterprise_a, period_start="2026-11-30", period_end="2026-12-05")
    # The next report starts after the corrected one's period (a withdrawn one does not count there either).
    assert service_reports.default_period(db.session, people.enterprise_a.id)[0] == date(2026, 12, 1)


def test_withdrawing_tells_those_told_of_issuing_and_is_audited(people):
    served_in_november(people)
    report_id = create(people.project_lead, people.enterprise_a, issue=True)
    withdraw(people.project_lead, report_id)
    issued = [n.user_id for n in db.session.query(Notification).filter_by(kind="service_report_issued")
              .order_by(Notification.user_id)]
    told = db.session.query(Notification).filter_by(kind="service_report_withdrawn").order_by(Notification.user_id).all()
    assert [n.user_id for n in told] == issued == sorted([people.ent_a.id, people.bureau.id])
    assert all("结论等级写错，重新出具" in n.body and n.dedup_key == f"service_report:{report_id}:withdrawn"
               for n in told)
    events = db.session.query(AuditEvent).filter_by(subject_type="service_report", subject_id=report_id) \
        .order_by(AuditEvent.id).all()
    assert [e.action for e in events] == ["service_report_drafted", "service_report_issued",
                                          "service_report_withdrawn"]
    assert events[-1].actor_id == people.project_lead.id and events[-1].details["reason"] == "结论等级写错，重新出具"
    assert events[-1].changes == {"status": ["issued", "withdrawn"]}


def test_a_draft_is_not_withdrawn_and_only_project_leads_withdraw(people):
    served_in_november(people)
    draft = create(people.project_lead, people.enterprise_a)
    with pytest.raises(Conflict) as refused:
        withdraw(people.project_lead, draft)
    assert "edit it" in refused.value.message
    issued = create(people.project_lead, people.enterprise_b, issue=True)
    for role in ("bureau", "manager", "quality", "admin"):
        with pytest.raises(NotAllowed):
            withdraw(people[role], issued)
    for role in ("inspector", "project_team", "supervision", "expert"):
        with pytest.raises(NotAllowed):
            withdraw(people[role], issued)
    with pytest.raises(NotAllowed):
        withdraw(people.ent_b, issued)  # reads it, never withdraws it
    with pytest.raises(NotFound):
        withdraw(people.ent_a, issued)  # another enterprise's: does not exist for them
    assert db.session.get(ServiceReport, issued).status == "issued"
    assert not db.session.query(AuditEvent).filter_by(action="service_report_withdrawn").count()


def test_a_withdrawn_report_stays_readable_but_is_not_the_staffs_current_one(people):
    served_in_november(people)
    report_id = create(people.project_lead, people.enterprise_b, issue=True)
    withdraw(people.project_lead, report_id)
    # Enterprise staff still open it by its id (the notice links to it); their lists no longer show it.
    assert service_reports.get(db.session, people.ent_b, report_id).is_withdrawn
    with pytest.raises(NotFound):
        service_reports.get(db.session, people.ent_a, report_id)
    assert service_reports.of_enterprise(db.session, people.ent_b, people.enterprise_b.id) == []
    assert service_reports.listing(db.session, people.ent_b, service_reports.ReportFilter()) == ([], 0)
    # Those who read every report see it in both, and the list filters by it.
    assert [r.id for r in service_reports.of_enterprise(db.session, people.bureau, people.enterprise_b.id)] == \
        [report_id]
    rows, total = service_reports.listing(db.session, people.bureau, service_reports.ReportFilter(status="withdrawn"))
    assert total == 1 and rows[0].id == report_id
    assert service_reports.listing(db.session, people.bureau, service_reports.ReportFilter(status="issued"))[1] == 0
