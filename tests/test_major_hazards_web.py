"""Major hazards over HTTP: the pages (the overview with filters and CSV, one case's record, the report, plan, decision
and listing forms), the two PDFs read back, access from outside (another enterprise 404, a township office reads its
area only), the API with its 409s, and the English pages."""
import io
import re
from datetime import timedelta

import pytest

from app.clock import clock
from app.extensions import db
from app.models import MajorHazardPlan, UserTownship
from app.services import major_hazards
from app.services.demo import PNG_1X1
from pdf_support import pdf_text
from tests.major_hazard_support import LISTING, PLAN, REPORT, decide, list_case, record, submit_plan, submit_report
from tests.test_lifecycle_service import case_row, register
from tests.test_web_i18n_coverage import leftover_chinese, without_user_data
from tests.test_web_support import compile_translations, csv_rows, text


def flat(value):
    return re.sub(r"\s+", "", value)


@pytest.fixture
def town(people, make_user):
    """A township office covering enterprise A's township (城关镇) and one covering another."""
    people.enterprise_b.township = "南湖镇"
    db.session.commit()
    for username, township in (("town_a", "城关镇"), ("town_b", "南湖镇")):
        user = make_user(username, "township")
        user.townships_rel = [UserTownship(township=township)]
        db.session.commit()
    return people


def test_the_case_page_shows_the_card_and_the_overview_lists_major_cases_only(people, login):
    major, general = register(people, score=60), register(people, score=90)
    bureau = login("bureau")
    assert 'id="major-hazard-card"' in text(bureau.get(f"/cases/{major}"))
    assert 'id="major-hazard-card"' not in text(bureau.get(f"/cases/{general}"))
    page = text(bureau.get("/major-hazards"))
    assert f'data-case="{major}"' in page and f'data-case="{general}"' not in page
    assert bureau.get(f"/major-hazards/{general}").status_code == 404


def test_filters_overdue_flags_and_csv(people, login):
    late, listed = register(people, score=60), register(people, score=40, legal_major=True)
    clock.advance(hours=1)
    submit_report(people.project_lead, listed)
    list_case(people.bureau, listed)
    clock.advance(hours=48)  # `late` is past its 48 hours for both; `listed` only for its plan
    bureau = login("bureau")
    page = text(bureau.get("/major-hazards?due=report_overdue"))
    assert f'data-case="{late}"' in page and f'data-case="{listed}"' not in page
    page = text(bureau.get("/major-hazards?listing=listed"))
    assert f'data-case="{listed}"' in page and f'data-case="{late}"' not in page
    page = text(bureau.get("/major-hazards?grade=especially_major"))
    assert f'data-case="{listed}"' in page and f'data-case="{late}"' not in page
    assert 'data-flag="plan_overdue"' in text(bureau.get("/major-hazards?due=plan_overdue"))
    rows = csv_rows(bureau.get("/major-hazards?format=csv"))
    assert rows[0][0] == "案件编号" and len(rows) == 3
    by_code = {r[0]: r for r in rows[1:]}
    late_row, listed_row = by_code[case_row(late).code], by_code[case_row(listed).code]
    assert late_row[8] == "是" and late_row[12] == "未挂牌"
    assert listed_row[8] == "否" and listed_row[12] == "督办中" and listed_row[13] == LISTING["supervisor_unit"]


def test_report_plan_decision_and_listing_through_the_pages(people, login):
    case_id = register(people, score=60)
    lead = login("project_lead")
    form = lead.get(f"/major-hazards/{case_id}/report")
    assert form.status_code == 200 and 'name="photos"' in text(form)
    invalid = lead.post(f"/major-hazards/{case_id}/report", data={"confirmation": "", "analysis": "x", "measures": "y"})
    assert invalid.status_code == 400 and 'id="err-confirmation"' in text(invalid)
    photos = re.findall(r'name="photos" value="([^"]+)"', text(form))
    response = lead.post(f"/major-hazards/{case_id}/report", data={**REPORT, "photos": photos})
    assert response.status_code == 302
    assert record(case_id).report_photos == photos
    ent = login("ent_a")
    assert ent.get(f"/major-hazards/{case_id}/report").status_code == 403
    upload = (io.BytesIO(PNG_1X1), "方案附图.png")
    response = ent.post(f"/major-hazards/{case_id}/plan", data={**PLAN, "upload": upload},
                        content_type="multipart/form-data")
    assert response.status_code == 302, text(response)
    plan = db.session.query(MajorHazardPlan).filter_by(case_id=case_id).one()
    assert len(plan.files) == 1
    assert ent.post(f"/major-hazards/{case_id}/plan", data=PLAN).status_code == 409  # awaiting the decision
    bureau = login("bureau")
    assert bureau.post(f"/major-hazards/{case_id}/plan/decision", data={"decision": "return"}).status_code == 400
    assert bureau.post(f"/major-hazards/{case_id}/plan/decision",
                       data={"decision": "return", "opinion": "请补充应急预案"}).status_code == 302
    assert record(case_id).plan_status == "returned"
    assert "请补充应急预案" in text(ent.get(f"/major-hazards/{case_id}/plan"))
    assert ent.post(f"/major-hazards/{case_id}/plan", data=PLAN).status_code == 302
    assert bureau.post(f"/major-hazards/{case_id}/plan/decision", data={"decision": "approve"}).status_code == 302
    assert record(case_id).plan_status == "approved"
    assert lead.post(f"/major-hazards/{case_id}/plan/decision", data={"decision": "approve"}).status_code == 403
    assert bureau.get(f"/major-hazards/{case_id}/listing").status_code == 200
    bad = bureau.post(f"/major-hazards/{case_id}/listing", data={**LISTING, "due_date": "2020-01-01"})
    assert bad.status_code == 400 and 'id="err-due_date"' in text(bad)
    assert bureau.post(f"/major-hazards/{case_id}/listing", data=LISTING).status_code == 302
    assert bureau.post(f"/major-hazards/{case_id}/listing", data=LISTING).status_code == 409
    page = text(bureau.get(f"/major-hazards/{case_id}"))
    assert "第 2 版" in page and "请补充应急预案" in page and LISTING["supervisor_name"] in page
    assert bureau.post(f"/major-hazards/{case_id}/delisting", data={"reason": ""}).status_code == 400
    assert bureau.post(f"/major-hazards/{case_id}/delisting", data={"reason": "转常规监管"}).status_code == 302
    assert not record(case_id).is_listed
    assert bureau.post(f"/major-hazards/{case_id}/delisting", data={"reason": "再次"}).status_code == 409


def test_the_pdfs_show_the_report_and_the_supervision_notice(people, login):
    case_id = register(people, score=60)
    bureau = login("bureau")
    assert bureau.get(f"/major-hazards/{case_id}/report.pdf").status_code == 404  # not sent yet
    assert bureau.get(f"/major-hazards/{case_id}/listing.pdf").status_code == 404  # not listed
    photos = [a.public_id for a in major_hazards.case_photos(db.session, case_id)]
    submit_report(people.project_lead, case_id, photos=photos)
    submit_plan(people.ent_a, case_id)
    decide(people.bureau, case_id, True, "同意")
    list_case(people.bureau, case_id)
    response = login("ent_a").get(f"/major-hazards/{case_id}/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    shown = flat(pdf_text(response.get_data()))
    code = case_row(case_id).code
    for fact in ("重大隐患专报", code, REPORT["confirmation"], REPORT["detection"], REPORT["analysis"],
                 REPORT["measures"], "现场照片", "已批准", "project_lead（项目负责人）"):
        assert flat(fact) in shown, fact
    notice = flat(pdf_text(bureau.get(f"/major-hazards/{case_id}/listing.pdf").get_data()))
    for fact in ("重大事故隐患挂牌督办通知书", code, LISTING["supervisor_unit"], LISTING["supervisor_name"], "2026-12-31",
                 LISTING["note"], "已批准（第1版）", "甲化工有限公司"):
        assert flat(fact) in notice, fact


def test_another_enterprise_gets_404_and_a_township_office_reads_its_area_only(town, login):
    people = town
    case_id = register(people, score=60)
    outsider = login("ent_b")
    for url in (f"/major-hazards/{case_id}", f"/major-hazards/{case_id}/report", f"/major-hazards/{case_id}/plan",
                f"/major-hazards/{case_id}/report.pdf", f"/major-hazards/{case_id}/listing.pdf",
                f"/major-hazards/{case_id}/listing"):
        assert outsider.get(url).status_code == 404, url
    assert outsider.post(f"/major-hazards/{case_id}/plan", data=PLAN).status_code == 404
    assert f'data-case="{case_id}"' not in text(outsider.get("/major-hazards"))
    assert f'data-case="{case_id}"' in text(login("ent_a").get("/major-hazards"))
    other_area = login("town_b")
    assert other_area.get(f"/major-hazards/{case_id}").status_code == 404
    assert f'data-case="{case_id}"' not in text(other_area.get("/major-hazards"))
    own_area = login("town_a")
    assert own_area.get(f"/major-hazards/{case_id}").status_code == 200
    assert f'data-case="{case_id}"' in text(own_area.get("/major-hazards"))
    assert own_area.post(f"/major-hazards/{case_id}/listing", data=LISTING).status_code == 403
    assert own_area.post(f"/major-hazards/{case_id}/plan/decision", data={"decision": "approve"}).status_code == 403
    assert own_area.get(f"/major-hazards/{case_id}/plan").status_code == 403


def test_the_api(people, api):
    case_id = register(people, score=60)
    general = register(people, score=90)
    lead, ent, bureau, outsider = api("project_lead"), api("ent_a"), api("bureau"), api("ent_b")
    assert outsider.get(f"/api/v1/hazards/{case_id}/major").status_code == 404
    assert bureau.get(f"/api/v1/hazards/{general}/major").status_code == 404
    body = bureau.get(f"/api/v1/hazards/{case_id}/major").get_json()
    assert body["plan_status"] == "pending" and body["reported_at"] is None and body["flags"]["report_overdue"] is False
    assert ent.post(f"/api/v1/hazards/{case_id}/major/report", json=REPORT).status_code == 403
    assert lead.post(f"/api/v1/hazards/{case_id}/major/report", json={"confirmation": "x"}).status_code == 400
    assert lead.post(f"/api/v1/hazards/{case_id}/major/report", json=REPORT).status_code == 200
    assert lead.post(f"/api/v1/hazards/{case_id}/major/report", json=REPORT).status_code == 409
    assert bureau.post(f"/api/v1/hazards/{case_id}/major/plan/decision", json={"approved": True}).status_code == 409
    assert outsider.post(f"/api/v1/hazards/{case_id}/major/plan", json=PLAN).status_code == 404
    created = ent.post(f"/api/v1/hazards/{case_id}/major/plan", json=PLAN)
    assert created.status_code == 201 and created.get_json()["version"] == 1
    assert ent.post(f"/api/v1/hazards/{case_id}/major/plan", json=PLAN).status_code == 409
    returned = bureau.post(f"/api/v1/hazards/{case_id}/major/plan/decision",
                           json={"approved": False, "opinion": "补充经费"})
    assert returned.status_code == 200 and returned.get_json()["decision"] == "returned"
    assert ent.post(f"/api/v1/hazards/{case_id}/major/plan", json=PLAN).get_json()["version"] == 2
    assert bureau.post(f"/api/v1/hazards/{case_id}/major/plan/decision", json={"approved": True}).status_code == 200
    assert bureau.post(f"/api/v1/hazards/{case_id}/major/delisting", json={"reason": "x"}).status_code == 409
    listed = bureau.post(f"/api/v1/hazards/{case_id}/major/listing", json=LISTING)
    assert listed.status_code == 200 and listed.get_json()["listed"] is True
    assert lead.post(f"/api/v1/hazards/{case_id}/major/listing", json=LISTING).status_code == 403
    assert bureau.post(f"/api/v1/hazards/{case_id}/major/listing", json=LISTING).status_code == 409
    record_json = bureau.get(f"/api/v1/hazards/{case_id}/major").get_json()
    assert [(p["version"], p["decision"]) for p in record_json["plans"]] == [(1, "returned"), (2, "approved")]
    items = bureau.get("/api/v1/major-hazards?listing=listed").get_json()["items"]
    assert [i["case_id"] for i in items] == [case_id]
    assert outsider.get("/api/v1/major-hazards").get_json()["items"] == []
    assert bureau.get("/api/v1/major-hazards?due=bogus").status_code == 400
    ended = bureau.post(f"/api/v1/hazards/{case_id}/major/delisting", json={"reason": "已治理完毕"})
    assert ended.status_code == 200 and ended.get_json()["listed"] is False
    paths = bureau.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/hazards/{case_id}/major/plan/decision" in paths and "/api/v1/major-hazards" in paths


def test_english_pages_and_documents_show_no_chinese_outside_user_data(people, login):
    compile_translations()
    case_id = register(people, score=60)
    submit_report(people.project_lead, case_id)
    submit_plan(people.ent_a, case_id)
    decide(people.bureau, case_id, False, "补充应急预案")
    submit_plan(people.ent_a, case_id)
    list_case(people.bureau, case_id)
    clock.advance(hours=60)
    typed = [*REPORT.values(), *PLAN.values(), *LISTING.values(), "补充应急预案"]
    pages = {"bureau": ["/major-hazards", "/major-hazards?closed=1&due=any_overdue", f"/major-hazards/{case_id}",
                        f"/cases/{case_id}", f"/major-hazards/{case_id}/report.pdf",
                        f"/major-hazards/{case_id}/listing.pdf"],
             "project_lead": [f"/major-hazards/{case_id}"],
             "ent_a": [f"/major-hazards/{case_id}/plan", f"/major-hazards/{case_id}"]}
    other = register(people, score=60)
    pages["project_lead"].append(f"/major-hazards/{other}/report")
    pages["bureau"].append(f"/major-hazards/{other}/listing")
    pages["ent_a"].append(f"/major-hazards/{other}/plan")
    for username, urls in pages.items():
        client = login(username)
        client.get("/lang/en")
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            shown = pdf_text(response.get_data()) if url.endswith(".pdf") else text(response)
            for value in typed:
                shown = shown.replace(value, "")
            assert leftover_chinese(without_user_data(shown)) == {}, url


def test_the_deadline_shown_is_48_clock_hours(people, login):
    clock.set(clock.now().replace(hour=18))
    case_id = register(people, score=60)
    due = (clock.now() + timedelta(hours=48)).isoformat()
    assert f'datetime="{due}"' in text(login("project_lead").get(f"/major-hazards/{case_id}"))
