"""The risk register from the outside: the enterprise's form (bad input beside its fields, nothing lost), a point's
page with the contractor's review, another enterprise's staff (404) and roles without business (403) in the pages,
files, plan and API, a township office's area, the 一表 as CSV / Excel / PDF, the checklist and its files, the map
(plan upload, markers 0–1 with errors beside them), the county view, a hazard registered at a risk point."""
import io

import openpyxl

from app.extensions import db
from app.models import Attachment, HazardCase, RiskPoint
from tests.pdf_support import missing
from tests.risk_support import add, plan, review, township_user, values
from tests.test_web_support import PNG, csv_rows, registration, text, upload


def form(**changes):
    return values(**changes)


def test_the_enterprise_adds_a_point_and_the_contractor_reviews_it(people, login):
    ent = login("ent_a")
    enterprise_id = people.enterprise_a.id
    page = text(ent.get(f"/enterprises/{enterprise_id}/risk-points"))
    assert 'id="no-points"' in page and f"/enterprises/{enterprise_id}/risk-points/new" in page
    assert 'name="likelihood"' in text(ent.get(f"/enterprises/{enterprise_id}/risk-points/new"))
    done = ent.post(f"/enterprises/{enterprise_id}/risk-points/new", data=form(likelihood="4", severity="5",
                                                                                control_level="company"))
    assert done.status_code == 302, text(done)
    row = db.session.query(RiskPoint).one()
    assert done.headers["Location"].endswith(f"/enterprises/{enterprise_id}/risk-points/{row.id}")
    assert row.colour == "red" and row.accident_types == ["fire_explosion"]
    inspector = login("inspector")
    page = text(inspector.get(f"/enterprises/{enterprise_id}/risk-points/{row.id}"))
    assert 'id="review"' in page and "L 4 × S 5 = R 20" in page and "重大风险点审核通过后将通知应急管理局" in page
    bad = inspector.post(f"/enterprises/{enterprise_id}/risk-points/{row.id}/review",
                         data={"decision": "returned", "review_note": "", "version": "1"})
    assert bad.status_code == 400 and "退回须写明原因" in text(bad)
    done = inspector.post(f"/enterprises/{enterprise_id}/risk-points/{row.id}/review",
                          data={"decision": "returned", "review_note": "应急处置措施缺失", "version": "1"})
    assert done.status_code == 302
    shown = text(ent.get(f"/enterprises/{enterprise_id}/risk-points/{row.id}"))
    assert 'id="returned"' in shown and "应急处置措施缺失" in shown and "退回风险点" in shown  # the history
    notes = text(ent.get("/notifications"))
    assert "风险点被退回" in notes and f"/enterprises/{enterprise_id}/risk-points/{row.id}" in notes
    stale = inspector.post(f"/enterprises/{enterprise_id}/risk-points/{row.id}/review",
                           data={"decision": "reviewed", "version": "1"})
    assert stale.status_code == 409
    edit = ent.post(f"/enterprises/{enterprise_id}/risk-points/{row.id}/edit",
                    data={**form(likelihood="4", severity="5", control_level="company",
                                 emergency_measures="泄漏时切断物料"), "version": "2"})
    assert edit.status_code == 302
    assert inspector.post(f"/enterprises/{enterprise_id}/risk-points/{row.id}/review",
                          data={"decision": "reviewed", "version": "3"}).status_code == 302
    bureau_notes = text(login("bureau").get("/notifications"))
    assert "重大风险点" in bureau_notes and f"/enterprises/{enterprise_id}/risk-points/{row.id}" in bureau_notes


def test_bad_input_comes_back_beside_its_fields_and_nothing_is_lost(people, login):
    ent = login("ent_a")
    url = f"/enterprises/{people.enterprise_a.id}/risk-points/new"
    bad = ent.post(url, data=form(likelihood="9", accident_types=[], responsible_person="",
                                  place="二号库房西侧", engineering_measures="喷淋系统"))
    page = text(bad)
    assert bad.status_code == 400
    for name in ("likelihood", "accident_types", "responsible_person"):
        assert f'id="err-{name}"' in page, name
    assert 'value="二号库房西侧"' in page and "喷淋系统" in page and 'value="key_part" selected' in page
    assert 'value="fire_explosion" checked' in page  # the key link stays ticked
    red_low = ent.post(url, data=form(likelihood="5", severity="5", control_level="team"))
    assert red_low.status_code == 400 and 'id="err-control_level"' in text(red_low)
    assert db.session.query(RiskPoint).count() == 0


def test_other_enterprises_see_nothing_and_roles_without_business_are_refused(people, login, api, make_user):
    enterprise_id = people.enterprise_a.id
    point_id = add(people.ent_a)
    public_id = plan(people.ent_a)
    paths = [f"/enterprises/{enterprise_id}/risk-points", f"/enterprises/{enterprise_id}/risk-points/{point_id}",
             f"/enterprises/{enterprise_id}/risk-points/{point_id}/edit", f"/enterprises/{enterprise_id}/risk-map",
             f"/enterprises/{enterprise_id}/risk-points.csv", f"/enterprises/{enterprise_id}/risk-points.xlsx",
             f"/enterprises/{enterprise_id}/risk-points.pdf", f"/enterprises/{enterprise_id}/risk-checklist",
             f"/enterprises/{enterprise_id}/risk-checklist.csv", f"/attachments/{public_id}"]
    other = login("ent_b")
    for path in paths:
        assert other.get(path).status_code == 404, path
    assert other.post(f"/enterprises/{enterprise_id}/risk-points/new", data=form()).status_code == 404
    assert other.post(f"/enterprises/{enterprise_id}/risk-map/markers",
                      data={f"x_{point_id}": "0.5", f"y_{point_id}": "0.5"}).status_code == 404
    assert api("ent_b").get(f"/api/v1/enterprises/{enterprise_id}/risk-points").status_code == 404
    assert api("ent_b").get(f"/api/v1/attachments/{public_id}").status_code == 404
    owner = login("process_owner")
    assert owner.get(f"/enterprises/{enterprise_id}/risk-points").status_code == 403
    assert owner.get("/risk-register").status_code == 403
    assert api("process_owner").get(f"/api/v1/enterprises/{enterprise_id}/risk-points").status_code == 403
    inspector = login("inspector")  # reads and reviews, never writes
    assert inspector.get(f"/enterprises/{enterprise_id}/risk-points/new").status_code == 403
    assert inspector.post(f"/enterprises/{enterprise_id}/risk-map/plan").status_code == 403
    assert login("bureau").post(f"/enterprises/{enterprise_id}/risk-points/{point_id}/review",
                                data={"decision": "reviewed"}).status_code == 403
    township_user(make_user, "别的镇")
    far = login("town")
    assert far.get(f"/enterprises/{enterprise_id}/risk-points").status_code == 404
    assert people.enterprise_a.name not in text(far.get("/risk-register"))
    township_user(make_user, people.enterprise_a.township, "near")
    near = login("near")
    assert near.get(f"/enterprises/{enterprise_id}/risk-map").status_code == 200
    assert near.get(f"/attachments/{public_id}").status_code == 200
    assert near.post(f"/enterprises/{enterprise_id}/risk-points/{point_id}/review",
                     data={"decision": "reviewed"}).status_code == 403


def test_the_register_as_csv_excel_and_pdf(people, login):
    enterprise_id = people.enterprise_a.id
    add(people.ent_a)
    add(people.ent_a, name="甲醇储罐区", likelihood="4", severity="5", control_level="company")
    client = login("project_team")
    header, *rows = csv_rows(client.get(f"/enterprises/{enterprise_id}/risk-points.csv"))
    assert header[:4] == ["序号", "风险点名称", "单元类型", "所在区域/装置/岗位"] and "R" in header
    assert [r[1] for r in rows] == ["甲醇储罐区", "一号仓库"]  # worst first
    assert rows[1][header.index("R")] == "12" and rows[1][header.index("风险等级")] == "一般风险（黄）"
    assert rows[1][header.index("工程技术措施")].startswith("1. 自动喷淋")
    workbook = client.get(f"/enterprises/{enterprise_id}/risk-points.xlsx")
    assert workbook.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.data)).active
    assert sheet.title == "风险分级管控清单" and sheet.cell(2, 2).value == "甲醇储罐区" and sheet.cell(2, 11).value == 20
    pdf = client.get(f"/enterprises/{enterprise_id}/risk-points.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert missing(pdf.data, "风险分级管控清单", people.enterprise_a.name, "甲醇储罐区", "4 × 5 = 20",
                   "重大风险（红）", "自动喷淋系统完好", "车间级") == []
    english = client.get(f"/enterprises/{enterprise_id}/risk-points.csv?lang=en")
    assert csv_rows(english)[0][1] == "Risk point"


def test_the_checklist_drawn_from_the_measures_and_the_ledger_link(people, login):
    enterprise_id = people.enterprise_a.id
    add(people.ent_a)
    client = login("ent_a")
    page = text(client.get(f"/enterprises/{enterprise_id}/risk-checklist"))
    assert "自动喷淋系统完好" in page and "禁止吸烟和动火" in page and f"/cases?enterprise_id={enterprise_id}" in page
    header, *rows = csv_rows(client.get(f"/enterprises/{enterprise_id}/risk-checklist.csv"))
    assert header[5] == "排查内容" and [r[5] for r in rows] == ["自动喷淋系统完好", "防爆灯具", "禁止吸烟和动火"]
    assert rows[0][6] == "每日"
    assert client.get(f"/enterprises/{enterprise_id}/risk-checklist.xlsx").status_code == 200


def test_the_map_takes_a_plan_and_markers_from_0_to_1(people, login):
    enterprise_id = people.enterprise_a.id
    first, second = add(people.ent_a), add(people.ent_a, name="配电室")
    ent = login("ent_a")
    page = text(ent.get(f"/enterprises/{enterprise_id}/risk-map"))
    assert 'id="no-plan"' in page and 'id="place-markers"' not in page  # a colour-grouped list instead
    assert page.count('class="risk-group"') == 4
    wrong = ent.post(f"/enterprises/{enterprise_id}/risk-map/plan",
                     data={"upload": (io.BytesIO(b"%PDF-1.4 x"), "plan.pdf")}, content_type="multipart/form-data")
    assert wrong.status_code == 400 and 'id="err-plan"' in text(wrong)
    done = ent.post(f"/enterprises/{enterprise_id}/risk-map/plan",
                    data={"upload": (io.BytesIO(PNG), "plan.png")}, content_type="multipart/form-data")
    assert done.status_code == 302
    page = text(ent.get(f"/enterprises/{enterprise_id}/risk-map"))
    assert 'id="risk-plan"' in page and 'id="place-markers"' in page and "risk_map.js" in page
    bad = ent.post(f"/enterprises/{enterprise_id}/risk-map/markers",
                   data={f"x_{first}": "0.25", f"y_{first}": "0.5", f"x_{second}": "1.5", f"y_{second}": "0.2"})
    page = text(bad)
    assert bad.status_code == 400 and f'id="err-x_{second}"' in page and f'id="err-y_{second}"' not in page
    assert 'value="1.5"' in page and 'value="0.25"' in page  # the input kept
    assert db.session.get(RiskPoint, first).map_x is None  # nothing moved
    done = ent.post(f"/enterprises/{enterprise_id}/risk-map/markers",
                    data={f"x_{first}": "0.25", f"y_{first}": "0.5", f"x_{second}": "", f"y_{second}": ""})
    assert done.status_code == 302
    page = text(login("bureau").get(f"/enterprises/{enterprise_id}/risk-map"))
    assert f'id="marker-{first}"' in page and "left: 25.00%; top: 50.00%" in page
    assert 'id="place-markers"' not in page and "risk_map.js" not in page  # readers see the map only
    body = login("bureau").get(f"/enterprises/{enterprise_id}/risk-points/{first}")
    assert "已标注" in text(body) and "标注风险点位置" in text(body)  # the history names the marker's move


def test_the_county_view_and_its_csv(people, login, make_enterprise):
    add(people.ent_a, likelihood="4", severity="5", control_level="company")
    bare = make_enterprise("丙食品厂", industry="食品")
    client = login("bureau")
    page = text(client.get("/risk-register"))
    assert "1 家企业已建立风险分级管控清单，2 家尚未建立" in page
    assert f'data-enterprise="{bare.id}"' in page and 'data-township="城关镇"' in page
    header, *rows = csv_rows(client.get("/risk-register.csv"))
    assert header[4] == "重大风险（红）" and rows[0][0] == people.enterprise_a.name and rows[0][4] == "1"
    assert {r[0] for r in rows} == {people.enterprise_a.name, people.enterprise_b.name, "丙食品厂"}
    assert login("ent_a").get("/risk-register").headers["Location"].endswith(
        f"/enterprises/{people.enterprise_a.id}/risk-points")
    nav = text(login("ent_a").get("/"))
    assert "/risk-register/mine" in nav and "风险分级管控" in nav


def test_the_api_lists_the_points_with_counts_and_plan(people, api):
    enterprise_id = people.enterprise_a.id
    point_id = add(people.ent_a)
    add(people.ent_a, name="储罐区", likelihood="4", severity="5", control_level="company")
    public_id = plan(people.ent_a)
    body = api("supervision").get(f"/api/v1/enterprises/{enterprise_id}/risk-points").get_json()
    assert [i["name"] for i in body["items"]] == ["储罐区", "一号仓库"]
    assert body["counts"] == {"red": 1, "orange": 0, "yellow": 1, "blue": 0}
    assert body["site_plan"]["public_id"] == public_id
    item = body["items"][1]
    assert (item["id"], item["score"], item["colour"], item["status"]) == (point_id, 12, "yellow", "pending")
    only = api("ent_a").get(f"/api/v1/enterprises/{enterprise_id}/risk-points?colour=red").get_json()
    assert [i["colour"] for i in only["items"]] == ["red"]
    assert api("ent_a").get(f"/api/v1/enterprises/{enterprise_id}/risk-points?colour=pink").status_code == 400
    assert "/api/v1/enterprises/{enterprise_id}/risk-points" in api("ent_a").get("/api/v1/openapi.json").get_json()[
        "paths"]


def test_a_hazard_is_registered_at_a_risk_point_of_its_enterprise(people, login):
    point_id = add(people.ent_a)
    other = add(people.ent_b, name="冲床")
    inspector = login("inspector")
    page = text(inspector.get(f"/hazards/new?risk_point={point_id}"))
    assert f'<option value="{point_id}" selected' in page and "risk_point_pick.js" in page
    photo = upload(inspector)
    wrong = inspector.post("/hazards/new", data={**registration(people.enterprise_a, photo), "risk_point_id": other})
    page = text(wrong)
    assert wrong.status_code == 400 and 'id="err-risk_point_id"' in page
    assert db.session.query(HazardCase).count() == 0
    done = inspector.post("/hazards/new", data={**registration(people.enterprise_a, photo), "risk_point_id": point_id})
    assert done.status_code == 302, text(done)
    case = db.session.query(HazardCase).one()
    assert case.risk_point_id == point_id
    shown = text(inspector.get(f"/cases/{case.id}"))
    assert 'id="case-risk-point"' in shown and "一号仓库" in shown
    assert case.code in text(inspector.get(f"/enterprises/{people.enterprise_a.id}/risk-points/{point_id}"))
    no_point = inspector.post("/hazards/new", data=registration(people.enterprise_a, upload(inspector)))
    assert no_point.status_code == 302
    assert db.session.query(Attachment).filter(Attachment.case_id.isnot(None)).count() == 2


def test_english_pages_show_no_chinese_outside_user_data(people, login):
    import re
    enterprise_id = people.enterprise_a.id
    point_id = add(people.ent_a, likelihood="4", severity="5", control_level="company")
    review(people.project_team, enterprise_id, point_id, "returned", "措施不具体")
    plan(people.ent_a)
    row = db.session.get(RiskPoint, point_id)
    data = [row.name, row.place, row.hazard_description, row.engineering_measures, row.management_measures,
            row.operating_rules, row.responsible_person, row.review_note, people.enterprise_a.name,
            people.enterprise_b.name, people.enterprise_a.township, people.enterprise_a.industry,
            people.enterprise_b.industry, "自动喷淋系统完好", "防爆灯具", "禁止吸烟和动火", ">中文<"]
    cjk = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]+")
    base = f"/enterprises/{enterprise_id}"
    pages = {"ent_a": [f"{base}/risk-points", f"{base}/risk-points/new", f"{base}/risk-points/{point_id}",
                       f"{base}/risk-points/{point_id}/edit", f"{base}/risk-map", f"{base}/risk-checklist"],
             "bureau": ["/risk-register", f"{base}/risk-points/{point_id}", f"{base}/risk-map"],
             "inspector": [f"/hazards/new?risk_point={point_id}"]}
    for username, urls in pages.items():
        client = login(username)
        client.get("/lang/en")
        for url in urls:
            page = text(client.get(url))
            page = re.sub(r"<script\b.*?</script>", "", page, flags=re.S)
            for value in sorted(data, key=len, reverse=True):
                page = page.replace(value, "")
            leftover = {m.group(): page[max(0, m.start() - 60):m.end() + 20] for m in cjk.finditer(page)}
            assert leftover == {}, (username, url, leftover)


def test_the_api_registers_a_hazard_at_a_risk_point(people, api):
    from tests.test_api_support import registration as api_registration
    point_id = add(people.ent_a)
    other = add(people.ent_b, name="冲床")
    inspector = api("inspector")
    wrong = inspector.post("/api/v1/hazards", json=api_registration(inspector, people.enterprise_a.id,
                                                                     risk_point_id=other))
    assert wrong.status_code == 400 and "risk_point_id" in wrong.get_json()["fields"]
    done = inspector.post("/api/v1/hazards", json=api_registration(inspector, people.enterprise_a.id,
                                                                    risk_point_id=point_id))
    assert done.status_code == 201 and done.get_json()["risk_point_id"] == point_id


def test_the_audit_log_names_the_point_and_its_changes(people, login):
    point_id = add(people.ent_a)
    review(people.inspector, people.enterprise_a.id, point_id, "returned", "责任人不明确")
    page = text(login("manager").get("/audit"))
    assert f"风险点 #{point_id}" in page and "添加风险点" in page and "退回风险点" in page
    lines = csv_rows(login("manager").get("/audit/export.csv"))
    added = next(line for line in lines if "添加风险点" in line)
    assert "风险点名称: 一号仓库" in added[7] and "风险等级: 一般风险（黄）" in added[7]
