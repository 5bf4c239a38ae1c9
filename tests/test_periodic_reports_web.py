"""Periodic reports to the bureau (定期报告) over HTTP: the writer's form with its errors next to the fields and the
input kept, issuing, the bureau's sign / return from the report page and the notices' links, the versions and the
PDF's text, the due list, who opens what, and the public annual edition (白皮书) on the /public pages."""
from datetime import datetime

from app.clock import SHANGHAI, clock
from app.extensions import db
from app.models import PeriodicReport
from tests.pdf_support import missing
from tests.periodic_report_support import (ANNUAL_TEXT, MONTHLY_TEXT, create, issue, november, project, return_,
                                           sign)
from tests.test_web_support import text

FORM = {"kind": "monthly", "period_start": "2026-11-01", "period_end": "2026-11-30", **MONTHLY_TEXT}


def test_a_lead_drafts_issues_and_the_bureau_signs_from_the_pages(people, login):
    cases, entry = november(people)
    lead = login("project_lead")
    assert "/periodic-reports" in text(lead.get("/inbox"))
    choose = text(lead.get("/periodic-reports/new"))
    assert "/periodic-reports/new?kind=monthly" in choose
    form = text(lead.get("/periodic-reports/new?kind=monthly"))
    assert 'value="2026-11-01"' in form and 'value="2026-11-30"' in form  # last month by default
    assert "接地不规范反复整改" in form and "化工（危险化学品）行业" in form  # the library to choose from, the figures
    refused = lead.post("/periodic-reports/new", data={**FORM, "effectiveness": "", "action": "issue",
                                                        "typical_case_ids": [str(entry)]})
    page = text(refused)
    assert refused.status_code == 400 and 'id="err-effectiveness"' in page
    assert MONTHLY_TEXT["next_focus"] in page and f'value="{entry}" checked' in page  # everything typed kept
    assert not db.session.query(PeriodicReport).count()
    bad_period = lead.post("/periodic-reports/new", data={**FORM, "period_start": "2026-11-02", "action": "draft"})
    assert bad_period.status_code == 400 and 'id="err-period_start"' in text(bad_period)
    saved = lead.post("/periodic-reports/new", data={**FORM, "action": "issue", "typical_case_ids": [str(entry)]})
    report = db.session.query(PeriodicReport).one()
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"/periodic-reports/{report.id}")
    assert report.status == "issued" and report.latest.facts["typical_cases"][0]["id"] == entry
    assert lead.get(f"/periodic-reports/{report.id}/edit").status_code == 409

    bureau = login("bureau")
    notices = text(bureau.get("/notifications"))
    assert "2026年11月月度综合评估简报已报送" in notices and f"/periodic-reports/{report.id}" in notices
    page = text(bureau.get(f"/periodic-reports/{report.id}"))
    assert MONTHLY_TEXT["case_analysis"] in page and "甲化工有限公司" in page and 'id="answer"' in page
    assert "报送期限 2026-12-07" in page and "逾期报送" in page  # issued on the 10th
    assert bureau.post(f"/periodic-reports/{report.id}/sign").status_code == 302
    assert db.session.get(PeriodicReport, report.id).status == "signed"
    assert 'id="answer"' not in text(bureau.get(f"/periodic-reports/{report.id}"))
    assert "已签收" in text(lead.get("/notifications"))
    assert bureau.post(f"/periodic-reports/{report.id}/sign").status_code == 409


def test_a_returned_report_is_revised_and_each_version_keeps_its_pdf(people, login):
    november(people)
    report_id = create(people.project_lead, issue=True)
    manager = login("manager")
    too_long = "改" * 2001
    refused = manager.post(f"/periodic-reports/{report_id}/return", data={"comments": too_long})
    assert refused.status_code == 400 and 'id="err-comments"' in text(refused) and too_long in text(refused)
    assert manager.post(f"/periodic-reports/{report_id}/return", data={"comments": "请补充整改效果评估的数据"}) \
        .status_code == 302
    being_revised = login("bureau").get(f"/periodic-reports/{report_id}.pdf")  # the text as it stands, not issued
    assert being_revised.status_code == 200 and not missing(being_revised.data, "未报送的稿本", "第1版报送")
    lead = login("project_lead")
    edit = text(lead.get(f"/periodic-reports/{report_id}/edit"))
    assert "请补充整改效果评估的数据" in edit and 'name="period_start"' in edit and 'type="hidden"' in edit
    revised = lead.post(f"/periodic-reports/{report_id}/edit",
                        data={**FORM, "effectiveness": "一次复核通过率为零，已约谈企业", "action": "issue"})
    assert revised.status_code == 302
    page = text(login("bureau").get(f"/periodic-reports/{report_id}"))
    assert "一次复核通过率为零" in page and 'data-version="1"' in page and 'data-version="2"' in page
    assert "请补充整改效果评估的数据" in page
    first = login("bureau").get(f"/periodic-reports/{report_id}.pdf?version=1")
    second = login("bureau").get(f"/periodic-reports/{report_id}.pdf")
    assert first.status_code == second.status_code == 200 and first.mimetype == "application/pdf"
    assert not missing(first.data, "2026年11月月度综合评估简报", "第1版", MONTHLY_TEXT["effectiveness"],
                       "化工（危险化学品）行业", "请补充整改效果评估的数据", "典型案例分析")
    assert not missing(second.data, "第2版", "一次复核通过率为零，已约谈企业")
    assert missing(second.data, MONTHLY_TEXT["effectiveness"])  # the new text only
    assert login("bureau").get(f"/periodic-reports/{report_id}.pdf?version=3").status_code == 404


def test_the_due_list_and_the_reminders_link(people, login):
    project(people)
    clock.set(datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI))
    from scheduler.jobs import remind_periodic_reports
    assert remind_periodic_reports() == 3
    lead = login("project_lead")
    page = text(lead.get("/periodic-reports/due"))
    assert 'data-due="weekly:2026-11-16" data-state="overdue"' in page and "2026-11-23 12:00" in page
    assert "/periodic-reports/new?kind=weekly" in page
    assert "逾期未报送" in text(lead.get("/periodic-reports"))
    notices = text(lead.get("/notifications"))
    assert "周报逾期未报送（2026-11-16～2026-11-22）" in notices and "/periodic-reports/due" in notices


def test_who_opens_what(people, login, api):
    november(people)
    report_id = create(people.project_lead, issue=True)
    for role in ("project_lead", "bureau", "manager"):
        client = login(role)
        for url in ("/periodic-reports", "/periodic-reports/due", f"/periodic-reports/{report_id}",
                    f"/periodic-reports/{report_id}.pdf"):
            assert client.get(url).status_code == 200, (role, url)
        assert api(role).get("/api/v1/periodic-reports").status_code == 200
    for role in ("inspector", "project_team", "supervision", "expert", "quality", "admin"):
        client = login(role)
        for url in ("/periodic-reports", f"/periodic-reports/{report_id}", f"/periodic-reports/{report_id}.pdf",
                    "/periodic-reports/new?kind=weekly"):
            assert client.get(url).status_code == 403, (role, url)
        assert client.post(f"/periodic-reports/{report_id}/sign").status_code == 403
        assert api(role).get("/api/v1/periodic-reports").status_code == 403
    for user in ("ent_a", "ent_b"):
        client = login(user)
        for url in ("/periodic-reports", f"/periodic-reports/{report_id}", f"/periodic-reports/{report_id}.pdf",
                    "/periodic-reports/due"):
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(f"/periodic-reports/{report_id}/sign").status_code == 404
        assert "/periodic-reports" not in text(client.get("/inbox"))
        assert api(user).get(f"/api/v1/periodic-reports/{report_id}").status_code == 404
    assert login("bureau").get("/periodic-reports/new?kind=weekly").status_code == 403
    assert login("project_lead").post(f"/periodic-reports/{report_id}/sign").status_code == 403
    assert login("bureau").get("/periodic-reports/999999").status_code == 404


def test_the_public_annual_edition(people, login, client):
    november(people)
    named = {**ANNUAL_TEXT, "achievements": "甲化工有限公司完成全部整改"}
    report_id = create(people.project_lead, {"kind": "annual", "period_start": "2025-01-01",
                                             "period_end": "2025-12-31"}, named, issue=True)
    bureau = login("bureau")
    assert bureau.post(f"/periodic-reports/{report_id}/publish").status_code == 409  # not signed yet
    sign(people.bureau, report_id)
    refused = bureau.post(f"/periodic-reports/{report_id}/publish")
    assert refused.status_code == 400 and "甲化工有限公司" in text(refused)
    assert db.session.get(PeriodicReport, report_id).published_version is None
    assert login("manager").post(f"/periodic-reports/{report_id}/publish").status_code == 403
    # A signed report is not reopened, so this year's stays internal. Another year's, returned and revised before
    # the bureau signed it, is published.
    other = create(people.project_lead, {"kind": "annual", "period_start": "2024-01-01",
                                         "period_end": "2024-12-31"}, ANNUAL_TEXT, issue=True)
    return_(people.bureau, other, "请补充隐患数据")
    issue(people.project_lead, other)
    sign(people.manager, other)
    assert bureau.post(f"/periodic-reports/{other}/publish").status_code == 302
    listing = text(client.get("/public/white-papers"))
    assert "2024年度隐患排查整改白皮书" in listing and "2025" not in listing
    paper = client.get(f"/public/white-papers/{other}")
    page = text(paper)
    assert paper.status_code == 200 and ANNUAL_TEXT["trend_analysis"] in page and ANNUAL_TEXT["next_plan"] in page
    assert "甲化工有限公司" not in page and "乙机械制造厂" not in page and 'id="typical-cases"' not in page
    assert client.get(f"/public/white-papers/{report_id}").status_code == 404  # never published
    assert "/public/white-papers" in text(client.get("/login"))
    refused = bureau.post(f"/periodic-reports/{other}/unpublish", data={"reason": ""})
    assert refused.status_code == 400 and 'id="err-reason"' in text(refused)
    assert bureau.post(f"/periodic-reports/{other}/unpublish", data={"reason": "数据需复核"}).status_code == 302
    assert client.get(f"/public/white-papers/{other}").status_code == 404
    assert bureau.post(f"/periodic-reports/{report_id}/sign").status_code == 409


def test_pages_in_english(people, login):
    november(people)
    report_id = create(people.project_lead, issue=True)
    bureau = login("bureau")
    bureau.get("/lang/en")
    page = text(bureau.get(f"/periodic-reports/{report_id}"))
    assert "Monthly assessment briefing" in page and "Analysis of typical cases" in page
    assert "Sign for version 1" in page


def test_the_demo_has_last_months_briefing_signed_by_the_bureau(app, login):
    assert app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"]).exit_code == 0
    (report,) = db.session.query(PeriodicReport).all()
    assert report.kind == "monthly" and report.status == "signed" and report.versions_issued == 1
    assert report.latest.signed_by.username == "bureau" and report.latest.facts["typical_cases"]
    assert report.period_start.isoformat() == "2026-10-01"  # the month before the tests' clock
