"""Enterprise service reports (企业服务情况报告) in the browser's pages over HTTP: the enterprise page's card, the form
with the facts previewed and its errors next to the fields, issuing, the report page and its PDF, the bureau's list
and CSV, the notice's link, who may open what, and the pages in English."""
import re

from app.extensions import db
from app.models import ServiceReport
from tests.service_report_support import WRITTEN, create, served_in_november
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
    issued = create(people.project_lead, people.enterprise_a, issue=True)
    own = ("王排查、李排查", WRITTEN["conclusion"], WRITTEN["recommendations"])
    for user, urls in (("project_lead", [f"/supervision/enterprises/{people.enterprise_a.id}",
                                         f"/supervision/enterprises/{people.enterprise_a.id}/service-reports/new",
                                         f"/service-reports/{draft}", f"/service-reports/{draft}/edit",
                                         f"/service-reports/{issued}", "/service-reports"]),
                       ("ent_a", ["/notifications", f"/service-reports/{issued}", "/service-reports"]),
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
