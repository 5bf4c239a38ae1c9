"""The quarterly return-visit summary report from the outside: its figures (coverage of the key enterprises, visits
by way, effects held / regressed, the survey's averages per dimension, the opinions listed), drafting and submitting
after the quarter has ended (frozen figures, the bureau told), the bureau's return with a reason (400 without) and
acknowledgement (the leads told), who reads what (drafts hidden from the bureau, enterprise 403), the PDF, audit."""
from datetime import datetime

from app.clock import SHANGHAI, clock
from app.extensions import db
from app.models import AuditEvent, Notification, ReturnVisit, ReturnVisitReport
from app.services import return_visit_reports
from app.services.training_targets import Quarter
from tests.pdf_support import missing
from tests.return_visit_support import flag, record
from tests.test_follow_ups import closed_case
from tests.test_lifecycle_service import register
from tests.test_web_i18n_coverage import UI_WORDS, leftover_chinese, without_user_data
from tests.test_web_support import text


def _quarter_with_visits(people, make_enterprise):
    """Q4 2026: 甲 (major case) and 乙 (flagged) key, 丙 not; 甲 visited twice (one regressed case, two surveys),
    丙 once without a survey; 乙 not visited."""
    case_id = closed_case(people)
    register(people, score=60)
    flag(people.project_lead, people.enterprise_b)
    third = make_enterprise("丙仓储公司")
    record(people.project_team, people.enterprise_a, findings={case_id: ("recurred", "又见私拉电线")},
           scores={"response_speed": "5", "service_quality": "4", "communication": "3"}, opinions="希望提前告知")
    record(people.inspector, people.enterprise_a, findings={case_id: ("held", "")}, way="onsite",
           scores={"response_speed": "4", "service_quality": "4", "communication": "4"}, opinions="")
    record(people.inspector, third, scores={}, way="online", opinions="线上方便", problems="不会填整改台账",
           follow_up_action="寄送台账模板")
    return third


def test_the_quarter_figures(people, make_enterprise):
    _quarter_with_visits(people, make_enterprise)
    facts = return_visit_reports.compute(db.session, Quarter(2026, 4), 1)
    assert facts["coverage"] == {"due": 2, "visited": 1, "rate": 50.0}
    assert [r["name"] for r in facts["not_visited"]] == ["乙机械制造厂"]
    assert facts["visits"] == {"total": 3, "enterprises": 2, "by_way": {"phone": 1, "onsite": 1, "online": 1}}
    assert facts["effects"] == {"held": 1, "recurred": 1, "registered": 0}
    assert facts["satisfaction"]["surveyed"] == 2
    assert facts["satisfaction"]["averages"] == {"response_speed": 4.5, "service_quality": 4.0, "communication": 3.5}
    assert facts["satisfaction"]["overall"] == 4.0
    assert facts["safety_no"]["ledger"] == 3 and facts["safety_no"]["training"] == 0
    assert [o["text"] for o in facts["opinions"]] == ["希望提前告知", "线上方便"]
    assert facts["problems"][0]["action"] == "寄送台账模板"
    two = return_visit_reports.compute(db.session, Quarter(2026, 4), 2)  # two visits due per quarter
    assert two["coverage"] == {"due": 2, "visited": 1, "rate": 50.0}
    assert return_visit_reports.compute(db.session, Quarter(2026, 3), 1)["visits"]["total"] == 0


def test_draft_submit_return_and_acknowledge(people, make_enterprise, login):
    _quarter_with_visits(people, make_enterprise)
    lead, bureau = login("project_lead"), login("bureau")
    assert login("project_team").post("/return-visits/reports", data={"quarter": "2026Q4"}).status_code == 403
    future = lead.post("/return-visits/reports", data={"quarter": "2027Q1"})
    assert future.status_code == 400 and 'id="err-quarter"' in text(future)
    assert lead.post("/return-visits/reports", data={"quarter": "2026Q4"}).status_code == 302
    assert lead.post("/return-visits/reports", data={"quarter": "2026Q4"}).status_code == 409
    row = db.session.query(ReturnVisitReport).one()
    page = text(lead.get(f"/return-visits/reports/{row.id}"))
    assert "乙机械制造厂" in page and "希望提前告知" in page and "实时数据" in page
    assert bureau.get(f"/return-visits/reports/{row.id}").status_code == 404  # a draft: not the bureau's yet
    early = lead.post(f"/return-visits/reports/{row.id}/summary", data={"summary": "本季度总体良好", "submit": "1"})
    assert early.status_code == 409 and "本季度总体良好" in text(early)  # the quarter has not ended; input kept
    clock.set(datetime(2027, 1, 5, 9, 0, tzinfo=SHANGHAI))
    empty = lead.post(f"/return-visits/reports/{row.id}/summary", data={"summary": " ", "submit": "1"})
    assert empty.status_code == 400 and 'id="err-summary"' in text(empty)
    assert lead.post(f"/return-visits/reports/{row.id}/summary",
                     data={"summary": "本季度总体良好", "submit": "1"}).status_code == 302
    db.session.expire_all()
    row = db.session.get(ReturnVisitReport, row.id)
    assert row.status == "submitted" and row.facts["coverage"]["visited"] == 1
    told = db.session.query(Notification).filter_by(kind="return_visit_report_submitted").all()
    assert [n.user_id for n in told] == [people.bureau.id] and "2026Q4" in told[0].title
    record(people.inspector, people.enterprise_b, visited_on="2026-12-30")  # late entry: the frozen figures stay
    assert "提交时的数据" in text(bureau.get(f"/return-visits/reports/{row.id}"))
    assert return_visit_reports.facts(db.session, row)["coverage"]["visited"] == 1
    assert lead.post(f"/return-visits/reports/{row.id}/summary", data={"summary": "改"}).status_code == 409
    assert lead.post(f"/return-visits/reports/{row.id}/decision", data={"decision": "acknowledge"}).status_code == 403
    no_reason = bureau.post(f"/return-visits/reports/{row.id}/decision", data={"decision": "return", "reason": ""})
    assert no_reason.status_code == 400 and 'id="err-reason"' in text(no_reason)
    nothing = bureau.post(f"/return-visits/reports/{row.id}/decision", data={"decision": ""})
    assert nothing.status_code == 400 and 'id="err-decision"' in text(nothing)
    assert bureau.post(f"/return-visits/reports/{row.id}/decision",
                       data={"decision": "return", "reason": "请补充未回访企业的原因"}).status_code == 302
    returned = db.session.query(Notification).filter_by(kind="return_visit_report_returned").all()
    assert {n.user_id for n in returned} == {people.project_lead.id} and "请补充" in returned[0].body
    assert "请补充未回访企业的原因" in text(lead.get(f"/return-visits/reports/{row.id}"))
    assert lead.post(f"/return-visits/reports/{row.id}/summary",
                     data={"summary": "本季度总体良好；乙因停产未能回访", "submit": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(ReturnVisitReport, row.id).facts["coverage"]["visited"] == 2  # figures frozen anew
    assert bureau.post(f"/return-visits/reports/{row.id}/decision", data={"decision": "acknowledge"}).status_code == 302
    assert bureau.post(f"/return-visits/reports/{row.id}/decision", data={"decision": "acknowledge"}).status_code == 409
    db.session.expire_all()
    assert db.session.get(ReturnVisitReport, row.id).status == "acknowledged"
    actions = [e.action for e in db.session.query(AuditEvent).filter_by(subject_type="return_visit_report")
               .order_by(AuditEvent.id)]
    assert actions == ["return_visit_report_drafted", "return_visit_report_updated", "return_visit_report_submitted",
                       "return_visit_report_returned", "return_visit_report_updated",
                       "return_visit_report_submitted", "return_visit_report_acknowledged"]
    status = db.session.query(AuditEvent).filter_by(action="return_visit_report_returned").one()
    assert status.changes == {"status": ["submitted", "returned"]} and status.reason == "请补充未回访企业的原因"
    assert "2026Q4" in text(login("manager").get("/return-visits/reports"))
    assert login("ent_a").get(f"/return-visits/reports/{row.id}").status_code == 403
    assert login("ent_a").get(f"/return-visits/reports/{row.id}.pdf").status_code == 403


def test_the_pdf_shows_the_figures_and_the_summary(people, make_enterprise, login):
    _quarter_with_visits(people, make_enterprise)
    lead = login("project_lead")
    lead.post("/return-visits/reports", data={"quarter": "2026Q4"})
    row = db.session.query(ReturnVisitReport).one()
    lead.post(f"/return-visits/reports/{row.id}/summary", data={"summary": "下季度对乙机械制造厂电话回访"})
    response = lead.get(f"/return-visits/reports/{row.id}.pdf")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    assert missing(response.data, "2026Q4重点企业回访汇总报告", "覆盖率", "50.0%", "乙机械制造厂", "又见私拉电线",
                   "希望提前告知", "寄送台账模板", "下季度对乙机械制造厂电话回访", "4.5") == []


def test_english_pages_of_return_visits_show_no_chinese_outside_user_data(people, make_enterprise, login):
    _quarter_with_visits(people, make_enterprise)
    lead, bureau = login("project_lead"), login("bureau")
    lead.get("/lang/en")
    bureau.get("/lang/en")
    lead.post("/return-visits/reports", data={"quarter": "2026Q4"})
    row = db.session.query(ReturnVisitReport).one()
    lead.post(f"/return-visits/reports/{row.id}/summary", data={"summary": "下季度电话回访"})
    visit_id = db.session.query(ReturnVisit.id).order_by(ReturnVisit.id).first()[0]
    for url in ("/return-visits", f"/return-visits/{visit_id}", "/return-visits/due", "/return-visits/key-enterprises",
                f"/return-visits/new?enterprise_id={people.enterprise_a.id}", "/return-visits/reports",
                f"/return-visits/reports/{row.id}", "/notifications", "/audit"):
        response = (bureau if url == "/audit" else lead).get(url)
        assert response.status_code == 200, url
        page = without_user_data(text(response))
        assert [w for w in UI_WORDS if w in page] == [], url
        assert leftover_chinese(page) == {}, url


def test_the_demo_has_return_visits_a_flag_and_a_submitted_report(app):
    assert app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"]).exit_code == 0
    assert db.session.query(ReturnVisit).count() == 4
    (report,) = db.session.query(ReturnVisitReport).all()
    assert report.status == "submitted" and report.facts["visits"]["total"] == 3
