"""Campaigns (专项行动) over HTTP: creating with errors beside their fields, starting, the campaign's page with its
progress and 清单台账, the ledger as CSV and Excel, the list's filters, the API and its OpenAPI entries, who may open
and do what (enterprise staff and township offices: 403; inspectors read), and the pages in English."""
from datetime import date

from app.extensions import db
from app.models import InspectionCampaign, InspectionPlan, InspectionVisit, Notification, UserTownship
from app.services import campaign_progress, campaigns
from pdf_support import pdf_text
from tests.campaign_support import WINTER, hazard_on, make_campaign, started_campaign, visit
from tests.test_web_i18n_coverage import leftover_chinese, without_user_data
from tests.test_web_support import csv_rows, text
from tests.test_web_xlsx_exports import Workbook

FORM = {**WINTER, "target_industries": "化工"}


def test_a_lead_creates_and_starts_a_campaign_from_the_pages(people, login):
    lead = login("project_lead")
    assert 'name="target_industries"' in text(lead.get("/campaigns/new"))
    refused = lead.post("/campaigns/new", data={**FORM, "name": "", "end_on": "2026-11-01", "target_industries": ""})
    page = text(refused)
    assert refused.status_code == 400 and all(f'id="err-{f}"' in page for f in ("name", "end_on",
                                                                                 "target_enterprise_ids"))
    assert WINTER["description"] in page
    made = lead.post("/campaigns/new", data={**FORM, "target_enterprise_ids": str(people.enterprise_b.id)})
    campaign = db.session.query(InspectionCampaign).one()
    assert made.status_code == 302 and made.headers["Location"].endswith(f"/campaigns/{campaign.id}")
    page = text(lead.get(f"/campaigns/{campaign.id}"))
    assert "启动专项行动" in page and "清单台账" not in page
    assert lead.post(f"/campaigns/{campaign.id}/start").status_code == 302
    page = text(lead.get(f"/campaigns/{campaign.id}"))
    assert "清单台账" in page and page.count('data-enterprise=') == 4  # two not visited, two ledger rows
    again = lead.post(f"/campaigns/{campaign.id}/start", follow_redirects=True)
    assert "已经启动" in text(again)
    form = text(lead.get(f"/campaigns/{campaign.id}/edit"))
    assert 'name="target_industries"' not in form  # kept once started
    edited = lead.post(f"/campaigns/{campaign.id}/edit", data={**FORM, "description": "加查消防通道"})
    assert edited.status_code == 302 and db.session.get(InspectionCampaign, campaign.id).description == "加查消防通道"
    assert db.session.get(InspectionCampaign, campaign.id).target_industries == ["化工"]


def test_the_page_shows_progress_and_the_ledger_exports(people, login):
    campaign_id = started_campaign(people, end_on="2026-12-31")
    night = visit(people, people.enterprise_a, date(2026, 11, 20), kind="night", visit_time="21:30",
                  campaign_id=campaign_id)
    hazard_on(people, night, status="closed")
    hazard_on(people, night, overdue=True)
    reader = login("inspector")
    page = text(reader.get(f"/campaigns/{campaign_id}"))
    assert 'data-kind="night"><td>夜查</td><td class="num">1</td>' in page
    assert '<tr data-count="overdue"><td>其中逾期</td><td class="num">1</td>' in page
    assert "检查对象 1 家，已检查 1 家" in page and "检查对象均已检查" in page
    rows = csv_rows(reader.get(f"/campaigns/{campaign_id}/ledger.csv"))
    assert rows[0][:2] == ["企业名称", "统一社会信用代码"] and len(rows) == 2
    assert rows[1][0] == "甲化工有限公司" and rows[1][5:] == ["1", "2026-11-20", "2", "1", "1", "1"]
    book = Workbook(reader.get(f"/campaigns/{campaign_id}/ledger.xlsx").get_data())
    assert book.rows[0] == rows[0] and book.rows[1][0] == "甲化工有限公司"
    # The list and its filters
    draft = make_campaign(people.bureau, name="汛期防洪专项检查", theme="flood")
    listed = text(reader.get("/campaigns"))
    assert f'data-campaign="{campaign_id}"' in listed and f'data-campaign="{draft}"' in listed
    assert f'data-campaign="{campaign_id}"' not in text(reader.get("/campaigns?theme=flood"))
    assert f'data-campaign="{draft}"' not in text(reader.get("/campaigns?state=current"))
    assert f'data-campaign="{draft}"' in text(reader.get("/campaigns?state=draft&q=防洪"))
    assert 'href="/campaigns"' in text(reader.get("/inspections"))  # the menu


def test_who_may_open_what(people, login, make_user):
    campaign_id = started_campaign(people)
    town = make_user("town", "township")
    town.townships_rel = [UserTownship(township=people.enterprise_a.township)]
    db.session.commit()
    for username in ("ent_a", "ent_b", "town"):
        client = login(username)
        for url in ("/campaigns", f"/campaigns/{campaign_id}", f"/campaigns/{campaign_id}/ledger.csv",
                    f"/campaigns/{campaign_id}/ledger.xlsx", "/campaigns/new"):
            assert client.get(url).status_code == 403, (username, url)
        assert client.post(f"/campaigns/{campaign_id}/start").status_code == 403
        assert 'href="/campaigns"' not in text(client.get("/notifications"))
    inspector = login("inspector")
    assert inspector.get(f"/campaigns/{campaign_id}").status_code == 200
    assert inspector.get("/campaigns/new").status_code == 403
    assert inspector.post(f"/campaigns/{campaign_id}/edit", data=FORM).status_code == 403
    assert inspector.get(f"/campaigns/{campaign_id + 1}").status_code == 404


def test_the_api_lists_and_details_campaigns(people, api):
    campaign_id = started_campaign(people, end_on="2026-12-31")
    night = visit(people, people.enterprise_a, date(2026, 11, 20), kind="night", visit_time="21:30",
                  campaign_id=campaign_id)
    hazard_on(people, night)
    draft = make_campaign(people.bureau, name="高温防暑专项检查", theme="heat")
    staff = api("supervision")
    items = staff.get("/api/v1/campaigns").get_json()["items"]
    assert sorted(c["id"] for c in items) == sorted([campaign_id, draft])
    current = [c for c in items if c["id"] == campaign_id][0]
    assert current["state"] == "current" and current["progress"]["visits_by_kind"]["night"] == 1
    assert current["progress"]["targets"] == 1 and current["progress"]["hazards"]["found"] == 1
    assert [c["id"] for c in staff.get("/api/v1/campaigns?theme=heat").get_json()["items"]] == [draft]
    assert staff.get("/api/v1/campaigns?state=soon").status_code == 400
    detail = staff.get(f"/api/v1/campaigns/{campaign_id}").get_json()
    assert detail["ledger"][0]["name"] == "甲化工有限公司" and detail["ledger"][0]["visits"] == 1
    assert detail["not_visited"] == [] and detail["target_rule"]["industries"] == ["化工"]
    assert staff.get(f"/api/v1/campaigns/{campaign_id + 99}").status_code == 404
    for username in ("ent_a", "ent_b"):
        assert api(username).get("/api/v1/campaigns").status_code == 403
        assert api(username).get(f"/api/v1/campaigns/{campaign_id}").status_code == 403
    paths = staff.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/api/v1/campaigns", "/api/v1/campaigns/{campaign_id}", "/api/v1/inspection-plans"} <= set(paths)
    visit_props = staff.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert any("campaign_id" in (s.get("properties") or {}) and "visit_time" in (s.get("properties") or {})
               for s in visit_props.values())


def test_the_pages_in_english_show_no_chinese_outside_user_data(people, login):
    campaign_id = started_campaign(people, end_on="2026-12-31")
    night = visit(people, people.enterprise_a, date(2026, 11, 20), kind="night", visit_time="21:30",
                  campaign_id=campaign_id)
    hazard_on(people, night)
    draft = make_campaign(people.bureau, name="汛期防洪专项检查", theme="flood", target_scales=["above"])
    client = login("project_lead")
    client.get("/lang/en")
    for url in ("/campaigns", "/campaigns?state=draft", "/campaigns/new", f"/campaigns/{campaign_id}",
                f"/campaigns/{campaign_id}/edit", f"/campaigns/{draft}", f"/campaigns/{draft}/edit",
                f"/inspections?campaign_id={campaign_id}", f"/inspections/{night}",
                "/inspections/plans/new", "/inspections/plans?state=all&kind=night"):
        response = client.get(url)
        assert response.status_code == 200, url
        page = without_user_data(text(response))
        assert '<html lang="en">' in page and leftover_chinese(page) == {}, (url, leftover_chinese(page))
    shown = without_user_data(pdf_text(client.get(f"/inspections/{night}/report.pdf").get_data()))
    assert "Night check" in shown and leftover_chinese(shown) == {}


def test_the_demo_has_a_current_winter_campaign_with_a_night_check(app):
    assert app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"]).exit_code == 0
    campaign = db.session.query(InspectionCampaign).one()
    assert campaigns.state(campaign) == "current" and campaign.theme == "winter"
    progress = campaign_progress.compute(db.session, campaign)
    assert progress.by_kind == {"night": 1} and progress.visited == 1 and progress.target_count > 1
    night = db.session.query(InspectionVisit).filter_by(campaign_id=campaign.id).one()
    assert night.kind == "night" and night.visit_time.hour == 21
    surprise = db.session.query(InspectionPlan).filter_by(kind="unannounced").one()
    assert surprise.campaign_id == campaign.id
    assert not db.session.query(Notification).filter(Notification.body.contains(surprise.areas)).count()
