"""Staff performance from the outside: the ranking page, a scorecard with the lists behind its figures, the CSV and
the PDF, the supervision records' pages and form (wrong input kept beside its field), who may open what, the API,
and the complaint's upheld conclusion on the complaint page and in the API."""
import re

import pytest

from app.extensions import db
from app.models import StaffSupervision
from tests.pdf_support import missing
from tests.performance_support import build, supervision_records
from tests.test_web_support import csv_rows, text


@pytest.fixture
def november(people, make_user):
    ids = build(people, make_user)
    return supervision_records(people, ids)


def ranking_row(page, username):
    match = re.search(rf'<tr data-staff="{username}" data-score="([^"]*)" data-rank="(\d+)">(.*?)</tr>', page, re.S)
    return match.groups() if match else None


def test_the_ranking_page_for_readers(november, login):
    page = text(login("project_lead").get("/performance?month=2026-11"))
    assert ranking_row(page, "project_team")[:2] == ("37.5", "1")
    assert ranking_row(page, "inspector")[:2] == ("26.0", "2")
    assert ranking_row(page, "inspector2")[:2] == ("7.1", "3")
    assert ranking_row(page, "project_lead")[:2] == ("0.0", "4")
    assert f'href="/performance/{november["inspector2"].id}?month=2026-11"' in page
    assert 'data-period="2026-11" data-state="met"' in page and 'data-period="2026-10" data-state="missed"' in page
    summary = text(login("bureau").get("/performance?month=2026-11"))  # the summary: no scorecards behind it
    assert ranking_row(summary, "inspector")[:2] == ("26.0", "2")
    assert "/performance/" + str(november["inspector2"].id) not in summary
    assert "人员考核" in summary


def test_a_scorecard_shows_each_figure_and_the_lists_behind_it(people, november, login):
    page = text(login("inspector").get("/performance/%d?month=2026-11" % people.inspector.id))
    assert 'data-score="26.0"' in page and "我的绩效" in page
    assert re.search(r'data-part="accuracy">.*?href="#cases">1 / 3</a>.*?33.3', page, re.S)
    assert re.search(r'data-part="discipline">.*?href="#visits">1 / 2</a>.*?50.0', page, re.S)
    assert re.search(r'data-part="satisfaction">.*?1 条评价，平均 4.0 分.*?80.0', page, re.S)
    assert f'href="/inspections/{november["V2"]}"' in page and "在场不足 4 小时" in page
    assert f'href="/cases/{november["c2"]}"' in page and "等级经复核改变" in page and "抽查发现问题" in page
    assert f'href="/performance/supervision/{november["S1"]}"' in page
    assert 'data-deduction="failed_check"' in page and 'data-deduction="criticism"' in page
    assert 'data-deduction="complaint"' in page
    assert f'href="/complaints/{november["complaint_upheld"]}"' not in page  # inspectors do not read complaints
    team = text(login("quality").get("/performance/%d?month=2026-11" % people.project_team.id))
    assert re.search(r'data-part="timeliness">.*?href="#verifications">1 / 2</a>.*?50.0', team, re.S)
    assert "逾期" in team and f'href="/cases/{november["c3"]}"' in team


def test_who_may_open_what(people, november, login):
    own = f"/performance/{people.inspector.id}"
    other = f"/performance/{november['inspector2'].id}"
    inspector = login("inspector")
    assert inspector.get(own).status_code == 200
    assert inspector.get(other).status_code == 403
    assert inspector.get(f"{other}/scorecard.pdf?month=2026-11").status_code == 403
    redirected = inspector.get("/performance?month=2026-11")
    assert redirected.status_code == 302 and redirected.headers["Location"].endswith(f"{own}?month=2026-11")
    assert inspector.get("/performance/export.csv?month=2026-11").status_code == 403
    for role in ("project_lead", "quality"):
        assert login(role).get(other).status_code == 200, role
    for role in ("bureau", "manager", "admin"):
        client = login(role)
        assert client.get("/performance").status_code == 200, role
        assert client.get(own).status_code == 403, role
    for role in ("supervision", "expert", "process_owner"):
        assert login(role).get("/performance").status_code == 403, role
        assert login(role).get(own).status_code == 403, role
    enterprise = login("ent_a")
    for url in ("/performance", own, f"{own}/scorecard.pdf", "/performance/export.csv", "/performance/supervision",
                f"/performance/supervision/{november['S1']}"):
        assert enterprise.get(url).status_code == 404, url
    assert login("project_lead").get(f"/performance/{people.bureau.id}").status_code == 404  # not field staff
    assert login("project_lead").get("/performance/999999").status_code == 404
    # supervision records: those checked see theirs, nobody else's
    assert inspector.get(f"/performance/supervision/{november['S1']}").status_code == 200
    assert inspector.get(f"/performance/supervision/{november['S2']}").status_code == 404
    assert inspector.get(f"/performance/supervision/{november['S1']}/edit").status_code == 403
    assert inspector.get("/performance/supervision/new").status_code == 403
    listed = text(inspector.get("/performance/supervision"))
    assert f'data-record="{november["S1"]}"' in listed and f'data-record="{november["S2"]}"' not in listed
    assert login("bureau").get(f"/performance/supervision/{november['S1']}").status_code == 403
    bureau_list = text(login("bureau").get("/performance/supervision"))
    assert 'data-period="2026-11" data-state="met"' in bureau_list and "data-record=" not in bureau_list


def test_csv_and_pdf(people, november, login):
    rows = csv_rows(login("quality").get("/performance/export.csv?month=2026-11"))
    by_name = {r[1]: r for r in rows if len(r) > 6}
    assert by_name["inspector"][:6] == ["2", "inspector", "现场排查人员", "26.0", "46.0", "20"]
    assert by_name["project_team"][3] == "37.5"
    response = login("inspector").get(f"/performance/{people.inspector.id}/scorecard.pdf?month=2026-11")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert missing(response.data, "排查人员月度绩效考核表", "inspector", "2026-11", "26.0", "报告合格率", "1 / 3",
                   "督查不合格", "通报批评", "属实投诉", "被考核人（签字）") == []
    assert login("quality").get("/performance/export.csv?month=2030-01").status_code == 400


def test_a_wrong_month_comes_back_beside_its_field(people, november, login):
    for url in ("/performance?month=2026-13", f"/performance/{people.inspector.id}?month=next"):
        response = login("project_lead").get(url)
        assert response.status_code == 400, url
        page = text(response)
        assert 'id="err-month"' in page and 'aria-invalid="true"' in page
        assert re.search(r'name="month" value="(2026-13|next)"', page)


def test_recording_a_supervision_check_with_wrong_input_keeps_it(people, november, login):
    client = login("quality")
    response = client.post("/performance/supervision/new", data={
        "kind": "cross_check", "checked_on": "2026-12-01", "area": "东片区", "checkers": "", "findings": "",
        "result": "pass", "measures": ["criticism"], "visit_id": "999999"})
    assert response.status_code == 400
    page = text(response)
    for name in ("checked_on", "checkers", "findings", "staff_ids", "measures", "visit_id"):
        assert f'id="err-{name}"' in page, name
    assert 'value="东片区"' in page and 'value="2026-12-01"' in page
    assert re.search(r'<option value="cross_check" selected>', page)
    assert db.session.query(StaffSupervision).count() == 2
    done = client.post("/performance/supervision/new", data={
        "kind": "special", "checked_on": "2026-11-20", "checkers": "专项督查组", "findings": "检查表漏项",
        "result": "fail", "measures": ["interview", "retraining"], "staff_ids": [str(people.project_team.id)]})
    assert done.status_code == 302
    row = db.session.query(StaffSupervision).filter_by(kind="special").one()
    assert (row.result, row.measures, [u.username for u in row.staff]) == ("fail", ["interview", "retraining"],
                                                                           ["project_team"])
    shown = text(client.get(done.headers["Location"]))
    assert "约谈提醒" in shown and "限期整改并重新培训" in shown and "登记督查记录" in shown
    team = text(login("project_team").get("/notifications"))
    assert f'href="/performance/supervision/{row.id}"' in team


def test_editing_a_record_is_audited_before_and_after(people, november, login):
    client = login("project_lead")
    response = client.post(f"/performance/supervision/{november['S2']}/edit", data={
        "kind": "cross_check", "checked_on": "2026-11-12", "checkers": "北片区 李", "findings": "按标准执行",
        "area": "北片区", "result": "pass", "staff_ids": [str(november["inspector2"].id)]})
    assert response.status_code == 302
    page = text(client.get(f"/performance/supervision/{november['S2']}"))
    assert "南片区 → 北片区" in page and "修改督查记录" in page
    audit = text(login("manager").get("/audit?action=staff_supervision_updated"))
    assert f'督查记录 #{november["S2"]}' in audit and "北片区" in audit  # managers do not open the records


def test_the_api(people, november, api, make_user):
    body = api("project_lead").get("/api/v1/performance?month=2026-11").get_json()
    items = {i["username"]: i for i in body["items"]}
    assert body["weights"]["accuracy"] == 25
    assert (items["inspector"]["score"], items["inspector"]["weighted"], items["inspector"]["deducted"]) == \
        (26.0, 46.0, 20)
    assert items["inspector"]["counts"]["regraded"] == 1 and items["inspector"]["counts"]["upheld_complaints"] == 1
    assert {d["kind"] for d in items["inspector"]["deductions"]} == {"failed_check", "criticism", "complaint"}
    for role in ("quality", "bureau", "manager", "admin"):
        assert api(role).get("/api/v1/performance").status_code == 200, role
    for role in ("inspector", "project_team", "expert"):
        assert api(role).get("/api/v1/performance").status_code == 403, role
    assert api("ent_a").get("/api/v1/performance").status_code == 404
    bad = api("quality").get("/api/v1/performance?month=2026-13")
    assert bad.status_code == 400 and "month" in bad.get_json()["fields"]
    own = api("inspector").get(f"/api/v1/performance/{people.inspector.id}?month=2026-11").get_json()
    assert own["score"] == 26.0 and [c["code"] for c in own["cases"] if c["regraded"]]
    assert [v["flags"] for v in own["visits"]] == [[], ["short"]]
    assert api("inspector").get(f"/api/v1/performance/{november['inspector2'].id}").status_code == 403
    assert api("ent_a").get(f"/api/v1/performance/{people.inspector.id}").status_code == 404
    team = api("quality").get(f"/api/v1/performance/{people.project_team.id}?month=2026-11").get_json()
    assert [v["on_time"] for v in team["verifications"]] == [True, False]


def test_the_complaint_conclusion_on_the_page_and_in_the_api(people, login, api):
    from tests.performance_support import run
    from app.services import complaints, complaint_handling
    first = run(lambda uow: complaints.raise_complaint(uow, people.ent_a, "conduct", "态度差")).id
    run(lambda uow: complaint_handling.start_investigation(uow, people.quality, first, "调查"))
    desk = login("quality")
    wrong = desk.post(f"/complaints/{first}/answer", data={"answer": "已核实", "upheld": "maybe"})
    assert wrong.status_code == 400 and 'id="err-upheld"' in text(wrong) and "已核实" in text(wrong)
    assert desk.post(f"/complaints/{first}/answer", data={"answer": "已核实", "upheld": "yes"}).status_code == 302
    assert "投诉属实" in text(desk.get(f"/complaints/{first}"))
    reply = api("quality").post(f"/api/v1/complaints/{first}/answer", json={"answer": "重新核实", "upheld": False})
    assert reply.status_code == 200 and reply.get_json()["upheld"] is False
    assert api("ent_a").get(f"/api/v1/complaints/{first}").get_json()["upheld"] is None  # not approved yet


def test_the_pages_in_english(people, november, login):
    from tests.test_web_i18n_coverage import UI_WORDS, leftover_chinese, without_user_data
    client = login("project_lead")
    client.get("/lang/en")
    for url in ("/performance?month=2026-11", f"/performance/{people.inspector.id}?month=2026-11",
                "/performance/supervision", f"/performance/supervision/{november['S1']}",
                "/performance/supervision/new", f"/performance/supervision/{november['S1']}/edit",
                "/performance?month=2026-13"):
        page = without_user_data(text(client.get(url)))
        assert [w for w in UI_WORDS if w in page] == [], url
        assert leftover_chinese(page) == {}, url
