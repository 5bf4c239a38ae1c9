"""Effect evaluations over HTTP (pages and API): who reads what (another enterprise 404, other roles 403, the
enterprise without the internal note), the forms' 400 with field errors, the 409 before three months, the cards on
the case and major hazard pages, the report PDF, the register of evaluation bodies, the registration drafted from an
ineffective evaluation, and the OpenAPI document."""
from datetime import datetime

from app.clock import SHANGHAI, clock
from app.extensions import db
from app.models import EvaluationBody
from tests.effect_evaluation_support import (SCORES, closed_major, commission, conclude, evaluation, pool_expert,
                                             visit)
from tests.test_web_i18n_coverage import UI_WORDS, leftover_chinese, without_user_data
from tests.test_web_support import text

INTERNAL = "内部意见：企业制度落实一般"


def concluded(people, conclusion="basically_effective"):
    case_id = closed_major(people)
    commission(people.bureau, case_id, expert_ids=[pool_expert(people.expert).id], note="委托说明：内部")
    clock.set(datetime(2027, 3, 1, 9, 0, tzinfo=SHANGHAI))
    conclude(people.expert, case_id, **SCORES, conclusion=conclusion, summary="整改基本到位", internal_note=INTERNAL)
    return case_id


def test_pages_by_role(people, login):
    case_id = concluded(people)
    url = f"/effect-evaluations/{case_id}"
    bureau = login("bureau").get(url)
    assert bureau.status_code == 200 and INTERNAL in bureau.get_data(as_text=True)
    own = login("ent_a").get(url)
    page = own.get_data(as_text=True)
    assert own.status_code == 200 and "整改基本到位" in page and INTERNAL not in page and "委托说明：内部" not in page
    assert login("ent_b").get(url).status_code == 404  # another enterprise's: nothing to see
    for role in ("inspector", "quality", "manager", "project_team"):
        assert login(role).get(url).status_code == 403, role
    assert login("inspector").get("/effect-evaluations").status_code == 403
    listing = login("ent_b").get("/effect-evaluations?state=all")
    assert listing.status_code == 200 and f'data-evaluation="{evaluation(case_id).id}"' not in listing.get_data(as_text=True)
    assert f'data-evaluation="{evaluation(case_id).id}"' in login("ent_a").get("/effect-evaluations?state=all") \
        .get_data(as_text=True)
    # the cards
    assert 'id="effect-evaluation-card"' in login("bureau").get(f"/cases/{case_id}").get_data(as_text=True)
    assert 'id="effect-evaluation-card"' in login("bureau").get(f"/major-hazards/{case_id}").get_data(as_text=True)
    assert 'id="effect-evaluation-card"' not in login("inspector").get(f"/cases/{case_id}").get_data(as_text=True)
    # the report
    pdf = login("ent_a").get(f"{url}/report.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert login("inspector").get(f"{url}/report.pdf").status_code == 403


def test_forms_refuse_bad_input_and_the_early_conclusion(people, login):
    case_id = closed_major(people)
    lead = login("project_lead")
    empty = lead.post(f"/effect-evaluations/{case_id}/commission", data={"body_id": "", "note": "x"})
    assert empty.status_code == 400 and 'id="err-body_id"' in empty.get_data(as_text=True)
    expert = pool_expert(people.expert)
    assert lead.post(f"/effect-evaluations/{case_id}/commission",
                     data={"expert_ids": [str(expert.id)]}).status_code == 302
    assert login("ent_a").post(f"/effect-evaluations/{case_id}/commission",
                               data={"expert_ids": [str(expert.id)]}).status_code == 403
    early = login("expert").post(f"/effect-evaluations/{case_id}/conclusion",
                                 data={**SCORES, "conclusion": "effective", "summary": "x"})
    assert early.status_code == 409 and "2027-02-23" in early.get_data(as_text=True)
    clock.set(datetime(2027, 2, 23, 9, 0, tzinfo=SHANGHAI))
    bad = login("expert").post(f"/effect-evaluations/{case_id}/conclusion",
                               data={"quality_score": "120", "conclusion": "", "summary": ""})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 400
    for name in ("quality_score", "equipment_score", "conclusion", "summary"):
        assert f'id="err-{name}"' in text, name
    assert 'value="120"' in text  # the input kept
    visit = login("expert").post(f"/effect-evaluations/{case_id}/visits/new", data={"visited_on": "2020-01-01"})
    assert visit.status_code == 400 and 'id="err-visited_on"' in visit.get_data(as_text=True)
    done = login("expert").post(f"/effect-evaluations/{case_id}/conclusion",
                                data={**SCORES, "conclusion": "effective", "summary": "整改到位"})
    assert done.status_code == 302 and evaluation(case_id).conclusion == "effective"


def test_the_api(people, api):
    case_id = closed_major(people)
    path = f"/api/v1/hazards/{case_id}/effect-evaluation"
    assert api("ent_b").get(path).status_code == 404
    assert api("inspector").get(path).status_code == 403
    assert api("inspector").get("/api/v1/effect-evaluations").status_code == 403
    assert api("ent_a").post(path, json={"expert_ids": []}).status_code == 403
    bad = api("bureau").post(path, json={"body_id": None, "expert_ids": []})
    assert bad.status_code == 400 and "body_id" in bad.get_json()["fields"]
    expert = pool_expert(people.expert)
    done = api("bureau").post(path, json={"expert_ids": [expert.id], "note": "内部说明"})
    assert done.status_code == 200 and done.get_json()["experts"][0]["name"] == "周建国"
    early = api("expert").post(f"{path}/conclusion", json={**SCORES, "conclusion": "effective", "summary": "x"})
    assert early.status_code == 409
    clock.set(datetime(2027, 2, 23, 9, 0, tzinfo=SHANGHAI))
    visit = api("expert").post(f"{path}/visits", json={"visited_on": "2027-01-10", "findings": "设备已更换"})
    assert visit.status_code == 201
    bad = api("expert").post(f"{path}/conclusion", json={**SCORES, "quality_score": -5, "conclusion": "no",
                                                         "summary": ""})
    assert bad.status_code == 400 and {"quality_score", "conclusion", "summary"} <= set(bad.get_json()["fields"])
    ok = api("expert").post(f"{path}/conclusion", json={**SCORES, "conclusion": "ineffective", "summary": "未落实",
                                                        "internal_note": INTERNAL})
    assert ok.status_code == 200 and ok.get_json()["conclusion"] == "ineffective"
    mine = api("ent_a").get(path).get_json()
    assert mine["conclusion"] == "ineffective" and mine["scores"]["quality_score"] == 85
    assert not {"internal_note", "commission_note", "visits", "files"} & set(mine)
    staff = api("project_lead").get(path).get_json()
    assert staff["internal_note"] == INTERNAL and len(staff["visits"]) == 1
    listing = api("bureau").get("/api/v1/effect-evaluations?state=concluded").get_json()
    assert listing["total"] == 1 and listing["items"][0]["code"] == staff["code"]
    assert api("bureau").get("/api/v1/effect-evaluations?state=nonsense").status_code == 400
    document = api("bureau").get("/api/v1/openapi.json").get_json()
    assert "/api/v1/hazards/{case_id}/effect-evaluation" in document["paths"]
    assert "/api/v1/effect-evaluations" in document["paths"]


def test_ineffective_drafts_the_registration_for_the_inspector(people, login):
    case_id = concluded(people, conclusion="ineffective")
    page = login("inspector").get(f"/hazards/new?effect_evaluation={evaluation(case_id).id}").get_data(as_text=True)
    assert "整改效果评估无效" in page and "整改基本到位" in page
    assert "整改效果评估无效" not in login("inspector").get("/hazards/new?effect_evaluation=999").get_data(as_text=True)


def test_the_register_of_evaluation_bodies(people, login):
    lead = login("project_lead")
    assert lead.post("/effect-evaluations/bodies/new", data={"name": "", "qualification": ""}).status_code == 400
    assert lead.post("/effect-evaluations/bodies/new",
                     data={"name": "省安全评价中心", "qualification": "APJ-(省)-001", "contact_person": "王",
                           "phone": "0571-1"}).status_code == 302
    again = lead.post("/effect-evaluations/bodies/new", data={"name": "省安全评价中心", "qualification": "x"})
    assert again.status_code == 400 and 'id="err-name"' in again.get_data(as_text=True)
    assert "省安全评价中心" in lead.get("/effect-evaluations/bodies").get_data(as_text=True)
    for role in ("inspector", "ent_a", "expert"):
        assert login(role).get("/effect-evaluations/bodies").status_code == 403, role
        assert login(role).post("/effect-evaluations/bodies/new", data={"name": "x", "qualification": "y"}) \
            .status_code == 403, role
    case_id = closed_major(people)
    body = db.session.query(EvaluationBody).one()
    assert login("bureau").post(f"/effect-evaluations/{case_id}/commission",
                                data={"body_id": str(body.id)}).status_code == 302
    assert evaluation(case_id).body_id == body.id
    assert lead.post(f"/effect-evaluations/bodies/{body.id}/edit",
                     data={"name": "省安全评价中心", "qualification": "APJ-(省)-001"}).status_code == 302
    assert db.session.get(EvaluationBody, body.id).active is False  # unchecked: no longer offered


def test_english_pages_show_no_chinese_outside_user_data(people, login):
    case_id = closed_major(people)
    commission(people.bureau, case_id, expert_ids=[pool_expert(people.expert).id])
    clock.set(datetime(2027, 2, 23, 9, 0, tzinfo=SHANGHAI))
    visit(people.expert, case_id, visited_on="2027-01-05", findings="设备已更换")
    conclude(people.expert, case_id, **SCORES, conclusion="ineffective", summary="未落实", internal_note="内部")
    lead = login("project_lead")
    lead.post("/effect-evaluations/bodies/new", data={"name": "省安全评价中心", "qualification": "APJ-001"})
    body = db.session.query(EvaluationBody).one()
    for who, urls in (("project_lead", ("/effect-evaluations?state=all", f"/effect-evaluations/{case_id}",
                                        f"/effect-evaluations/{case_id}/commission", "/effect-evaluations/bodies",
                                        "/effect-evaluations/bodies/new", f"/effect-evaluations/bodies/{body.id}/edit",
                                        f"/cases/{case_id}", f"/major-hazards/{case_id}")),
                      ("bureau", ("/audit",)),
                      ("ent_a", (f"/effect-evaluations/{case_id}", "/effect-evaluations?state=all"))):
        client = login(who)
        client.get("/lang/en")
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            page = without_user_data(text(response))
            assert [w for w in UI_WORDS if w in page] == [], url
            assert leftover_chinese(page) == {}, url
    client = login("expert")
    client.get("/lang/en")
    for url in (f"/effect-evaluations/{case_id}/visits/new", f"/effect-evaluations/{case_id}/conclusion"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert leftover_chinese(without_user_data(text(response))) == {}, url
