"""Enterprise service reports (企业服务情况报告) in the browser's pages over HTTP: the enterprise page's card, the form
with the facts previewed and its errors next to the fields, issuing, the report page and its PDF, the bureau's list
and CSV, the notice's link, who may open what, withdrawing an issued report, and the pages in English."""
import re

from app.extensions import db
from app.models import ServiceReport
from tests.service_report_support import WRITTEN, create, served_in_november, withdraw
from tests.test_web_support import csv_rows, text


def test_a_lead_previews_saves_and_issues_from_the_enterprise_page(people, login):
    served_in_november(people)
    lead = login("project_lead")
    page = text(lead.get(f"/supervision/enterprises/{people.enterprise_a.id}"))
    new_url = f"/supervision/enterprises/{people.enterprise_a.id}/service-reports/new"
    assert "出具服务情况报告" in page and new_url in page
    form = lead.get(new_url)
    assert form.status_code == 200 and 'name="_csrf"' in text(form)
    preview = text(lead.post(new_url, data={**WRITTEN, "action": "preview"}))
    assert "王排查、李排查" in preview and 'data-count="overdue">1<' in preview
    assert WRITTEN["conclusion"] in preview and not db.session.query(ServiceReport).count()
    refused = lead.post(new_url, data={**WRITTEN, "conclusion": "", "period_end": "2026-10-01", "action": "issue"})
    page = text(refused)
    assert refused.status_code == 400 and 'id="err-conclusion"' in page and 'id="err-period_end"' in page
    assert WRITTEN["recommendations"] in page  # nothing typed is lost
    saved = lead.post(new_url, data={**WRITTEN, "action": "draft"})
    report = db.session.query(ServiceReport).one()
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"/service-reports/{report.id}")
    assert report.status == "draft"
    edited = lead.post(f"/service-reports/{report.id}/edit", data={**WRITTEN, "conclusion": "改后的结论",
                                                                   "action": "draft"})
    assert edited.status_code == 302 and db.session.get(ServiceReport, report.id).conclusion == "改后的结论"
    assert lead.post(f"/service-reports/{report.id}/issue").status_code == 302
    assert db.session.get(ServiceReport, report.id).status == "issued"
    assert lead.get(f"/service-reports/{report.id}/edit").status_code == 409
    again = lead.post(new_url, data={**WRITTEN, "action": "issue"})
    assert again.status_code == 409 and "2026-11-01～2026-11-30" in text(again)


def test_who_opens_what(people, login):
    served_in_november(people)
    draft = create(people.project_lead, people.enterprise_a)
    issued = create(people.project_lead, people.enterprise_b, issue=True)
    for role in ("bureau", "manager", "quality", "admin", "project_lead"):
        client = login(role)
        for report_id in (draft, issued):
            assert client.get(f"/service-reports/{report_id}").status_code == 200, role
        assert client.get("/service-reports").status_code == 200
        new = client.get(f"/supervision/enterprises/{people.enterprise_a.id}/service-reports/new").status_code
        assert new == (200 if role == "project_lead" else 403), role
    for role in ("inspector", "project_team", "supervision", "expert"):
        client = login(role)
        assert client.get(f"/service-reports/{issued}").status_code == 403, role
        assert client.get("/service-reports").status_code == 403, role
    ent_b, ent_a = login("ent_b"), login("ent_a")
    assert ent_b.get(f"/service-reports/{issued}").status_code == 200
    assert ent_b.get(f"/service-reports/{issued}.pdf").status_code == 200
    assert ent_b.post(f"/service-reports/{issued}/issue").status_code in (403, 404)
    for client, report_id in ((ent_a, issued), (ent_a, draft), (ent_b, draft)):
        assert client.get(f"/service-reports/{report_id}").status_code == 404
        assert client.get(f"/service-reports/{report_id}.pdf").status_code == 404
    listing = text(ent_b.get("/service-reports"))
    assert f'data-report="{issued}"' in listing and f'data-report="{draft}"' not in listing
    assert f'data-report="{issued}"' not in text(ent_a.get("/service-reports"))
    assert login("bureau").post(f"/service-reports/{draft}/issue").status_code == 403


def test_the_notice_links_to_the_report(people, login):
    served_in_november(people)
    report_id = create(people.project_lead, people.enterprise_a, issue=True)
    for user in ("ent_a", "bureau"):
        page = text(login(user).get("/notifications"))
        assert "企业服务情况报告已出具" in page and f"/service-reports/{report_id}" in page


def test_the_pdf(people, login):
    served_in_november(people)
    report_id = create(people.project_lead, people.enterprise_a, issue=True)
    response = login("bureau").get(f"/service-reports/{report_id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    body = response.get_data()
    assert body.startswith(b"%PDF") and re.search(rb"/Type\s*/Page\b", body)
    english = login("manager")
    english.get("/lang/en")
    assert english.get(f"/service-reports/{report_id}.pdf").get_data().startswith(b"%PDF")


def test_the_list_and_its_csv(people, login):
    served_in_november(people)
    people.enterprise_b.township = "开发区"
    db.session.commit()
    a = create(people.project_lead, people.enterprise_a, issue=True)
    b = create(people.project_lead, people.enterprise_b, grade="unqualified")
    bureau = login("bureau")
    page = text(bureau.get("/service-reports?township=开发区"))
    assert f'data-report="{b}"' in page and f'data-report="{a}"' not in page
    assert bureau.get("/service-reports?start=30.11.2026").status_code == 400
    rows = csv_rows(bureau.get("/service-reports/export.csv?grade=basically_qualified"))
    assert rows[0][:3] == ["报告编号", "企业", "乡镇/园区"] and len(rows) == 2
    assert rows[1][0] == str(a) and rows[1][7] == "基本合格" and rows[1][8:13] == ["2", "1", "1", "1", "50.0%"]


def test_the_pages_in_english_show_no_chinese_outside_user_data(people, login):
    from flask_babel import get_domain
    from test_web_i18n_coverage import leftover_chinese, without_user_data
    from test_web_support import compile_translations
    compile_translations()
    get_domain().cache.clear()
    served_in_november(people)
    draft = create(people.project_lead, people.enterprise_b)
    withdrawn = create(people.project_lead, people.enterprise_a, issue=True)
    withdraw(people.project_lead, withdrawn)
    issued = create(people.project_lead, people.enterprise_a, issue=True)
    own = ("王排查、李排查", WRITTEN["conclusion"], WRITTEN["recommendations"], "结论等级写错，重新出具")
    for user, urls in (("project_lead", [f"/supervision/enterprises/{people.enterprise_a.id}",
                                         f"/supervision/enterprises/{people.enterprise_a.id}/service-reports/new",
                                         f"/service-reports/{draft}", f"/service-reports/{draft}/edit",
                                         f"/service-reports/{issued}", f"/service-reports/{withdrawn}",
                                         "/service-reports", "/service-reports?status=withdrawn"]),
                       ("ent_a", ["/notifications", f"/service-reports/{issued}", f"/service-reports/{withdrawn}",
                                  "/service-reports"]),
                       ("bureau", ["/notifications", "/audit"])):
        client = login(user)
        client.get("/lang/en")
        for url in urls:
            response = client.get(url)
            page = without_user_data(text(response))  # the notices' text first, whole
            for value in own:
                page = page.replace(value, "")
            assert response.status_code == 200 and '<html lang="en">' in page, url
            assert leftover_chinese(page) == {}, url


def test_a_lead_withdraws_an_issued_report_from_its_page(people, login):
    served_in_november(people)
    report_id = create(people.project_lead, people.enterprise_a, issue=True)
    lead = login("project_lead")
    url = f"/service-reports/{report_id}/withdraw"
    page = text(lead.get(f"/service-reports/{report_id}"))
    assert f'action="{url}"' in page and 'name="reason"' in page and 'name="_csrf"' in page
    refused = lead.post(url, data={"reason": "  "})
    page = text(refused)
    assert refused.status_code == 400 and 'id="err-reason"' in page and 'aria-invalid="true"' in page
    too_long = "错" * 501
    page = text(lead.post(url, data={"reason": too_long}))
    assert 'id="err-reason"' in page and too_long in page  # what was typed is kept
    assert db.session.get(ServiceReport, report_id).status == "issued"
    done = lead.post(url, data={"reason": "结论等级写错，重新出具"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/service-reports/{report_id}")
    db.session.expire_all()
    assert db.session.get(ServiceReport, report_id).status == "withdrawn"
    page = text(lead.get(f"/service-reports/{report_id}"))
    assert 'id="withdrawal"' in page and "已撤回" in page and "结论等级写错，重新出具" in page
    assert f'action="{url}"' not in page  # once
    again = lead.post(url, data={"reason": "再撤一次"})
    assert again.status_code == 409 and "已撤回" in text(again)
    # The same period is free: the corrected report is issued from the enterprise page.
    new_url = f"/supervision/enterprises/{people.enterprise_a.id}/service-reports/new"
    assert lead.post(new_url, data={**WRITTEN, "action": "issue"}).status_code == 302
    listing = text(login("bureau").get("/service-reports?status=withdrawn"))
    assert f'data-report="{report_id}"' in listing and listing.count('data-report="') == 1
    assert 'value="withdrawn"' in listing


def test_who_may_withdraw(people, login):
    served_in_november(people)
    draft = create(people.project_lead, people.enterprise_a)
    issued = create(people.project_lead, people.enterprise_b, issue=True)
    lead = login("project_lead")
    assert "/withdraw" not in text(lead.get(f"/service-reports/{draft}"))
    assert lead.post(f"/service-reports/{draft}/withdraw", data={"reason": "写错了"}).status_code == 409
    for role in ("bureau", "manager", "quality", "admin"):
        client = login(role)
        assert "/withdraw" not in text(client.get(f"/service-reports/{issued}")), role
        assert client.post(f"/service-reports/{issued}/withdraw", data={"reason": "写错了"}).status_code == 403
    for role in ("inspector", "project_team", "supervision", "expert"):
        assert login(role).post(f"/service-reports/{issued}/withdraw", data={"reason": "写错了"}).status_code == 403
    ent_b, ent_a = login("ent_b"), login("ent_a")
    assert "/withdraw" not in text(ent_b.get(f"/service-reports/{issued}"))
    assert ent_b.post(f"/service-reports/{issued}/withdraw", data={"reason": "写错了"}).status_code == 403
    assert ent_a.post(f"/service-reports/{issued}/withdraw", data={"reason": "写错了"}).status_code == 404
    assert ent_a.post(f"/service-reports/{draft}/withdraw", data={"reason": "写错了"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(ServiceReport, issued).status == "issued"


def test_enterprise_staff_open_a_withdrawn_report_from_its_notice_marked_withdrawn(people, login):
    served_in_november(people)
    report_id = create(people.project_lead, people.enterprise_b, issue=True)
    withdraw(people.project_lead, report_id)
    ent_b = login("ent_b")
    notices = text(ent_b.get("/notifications"))
    assert "企业服务情况报告已撤回" in notices and f"/service-reports/{report_id}" in notices
    page = ent_b.get(f"/service-reports/{report_id}")
    assert page.status_code == 200 and 'id="withdrawal"' in text(page) and "结论等级写错，重新出具" in text(page)
    assert f'data-report="{report_id}"' not in text(ent_b.get("/service-reports"))
    assert ent_b.get(f"/service-reports/{report_id}.pdf").status_code == 200
    assert login("ent_a").get(f"/service-reports/{report_id}").status_code == 404
    bureau = login("bureau")
    assert f'data-report="{report_id}"' in text(bureau.get(f"/supervision/enterprises/{people.enterprise_b.id}"))
    assert "撤回企业服务情况报告" in text(bureau.get("/audit"))


def test_the_pdf_of_a_withdrawn_report_says_so_in_its_header(people, login, monkeypatch):
    from app.web import service_report_pdf
    served_in_november(people)
    report_id = create(people.project_lead, people.enterprise_a, issue=True)
    withdraw(people.project_lead, report_id)
    built = {}
    monkeypatch.setattr(service_report_pdf.st, "build", lambda story, title: built.setdefault("story", story) and b"%PDF")
    assert login("bureau").get(f"/service-reports/{report_id}.pdf").status_code == 200
    header = [p.text for p in built["story"][:3]]
    assert header[2].startswith("已撤回：") and "结论等级写错，重新出具" in header[2]
