"""The industry common-problem list (行业共性问题清单): per checklist item, the visits that checked it, those that found it
nonconforming and at how many enterprises, filtered by industry, list and days, most failing first; its CSV; who
reads it. And the checklist API: the items by industry, a visit's results read and recorded."""
import pytest

from app.errors import NotAllowed
from app.extensions import db
from app.models import Checklist
from app.services import checklist_stats
from tests.test_checklist_results import record
from tests.test_checklists import item, load_standard
from tests.test_inspections import visit
from tests.visit_review_support import released
from tests.test_web_support import csv_rows, text


@pytest.fixture(autouse=True)
def standard(app):
    load_standard()


@pytest.fixture
def checked(people, make_enterprise):
    """Three enterprises' visits: TY-24 (electrical) fails at two enterprises (twice at A), TY-01 once, HG-24 once."""
    third = make_enterprise("丙化工厂")
    a1 = visit(people.inspector, people.enterprise_a, visited_on="2026-11-02")
    a2 = visit(people.inspector, people.enterprise_a, visited_on="2026-11-20")
    b1 = visit(people.inspector, people.enterprise_b, visited_on="2026-11-10")
    c1 = visit(people.project_lead, third, visited_on="2026-11-21")
    record(people.inspector, a1, ("TY-24", "nonconform", "配电箱未接地"), ("TY-01", "conform", ""),
           ("HG-24", "nonconform", "超量储存"))
    record(people.inspector, a2, ("TY-24", "nonconform", "线路老化"), ("TY-01", "nonconform", "未公示"))
    record(people.inspector, b1, ("TY-24", "nonconform", "私拉乱接"), ("TY-01", "conform", ""),
           ("TY-29", "not_applicable", ""))
    record(people.project_lead, c1, ("TY-24", "conform", ""), ("HG-24", "conform", ""))
    return a1, a2, b1, c1


def stats(user, **filters):
    return checklist_stats.common_problems(db.session, user, checklist_stats.StatsFilter(**filters))


def test_the_most_frequent_problems_come_first(people, checked):
    rows, visits, enterprises = stats(people.bureau)
    assert (visits, enterprises) == (4, 3)
    summary = [(s.item.code, s.checked, s.nonconform, s.enterprises, s.not_applicable) for s in rows]
    assert summary == [("TY-24", 4, 3, 2, 0), ("HG-24", 2, 1, 1, 0), ("TY-01", 3, 1, 1, 0), ("TY-29", 0, 0, 0, 1)]
    assert rows[0].rate == 75.0 and rows[-1].rate is None


def test_filters_by_industry_list_and_days(people, checked):
    rows = stats(people.manager, industry="机械")[0]
    assert [(s.item.code, s.nonconform) for s in rows] == [("TY-24", 1), ("TY-01", 0), ("TY-29", 0)]
    chemical = db.session.query(Checklist).filter_by(code="chemical").one()
    assert [s.item.code for s in stats(people.manager, checklist_id=chemical.id)[0]] == ["HG-24"]
    from datetime import date
    rows, visits, _ = stats(people.inspector, since=date(2026, 11, 15), until=date(2026, 11, 30))
    assert visits == 2 and [(s.item.code, s.nonconform) for s in rows][:2] == [("TY-01", 1), ("TY-24", 1)]
    with pytest.raises(NotAllowed):
        stats(people.ent_a)


def test_the_page_its_file_and_who_reads_it(people, checked, login):
    lead = login("project_lead")
    assert "/inspections/checklist-stats" in text(lead.get("/inspections"))
    page = text(lead.get("/inspections/checklist-stats"))
    assert "4 次排查，3 家企业" in page and page.index("TY-24") < page.index("TY-01") and "75.0%" in page
    page = text(lead.get("/inspections/checklist-stats?industry=机械"))
    assert "HG-24" not in page and '<option value="机械" selected>' in page
    rows = csv_rows(lead.get("/inspections/checklist-stats.csv?industry=化工"))
    assert rows[0][:3] == ["编号", "检查表", "检查维度"]
    assert [r[0] for r in rows[1:]] == ["TY-24", "HG-24", "TY-01"] and rows[1][5:9] == ["3", "2", "66.7", "1"]
    bad = lead.get("/inspections/checklist-stats?since=2026-13-01")
    assert bad.status_code == 400 and "日期格式应为" in text(bad)
    assert lead.get("/inspections/checklist-stats.csv?since=bad").status_code == 400
    assert lead.get("/inspections/checklist-stats?since=2026-11-20&until=2026-11-01").status_code == 400
    for username in ("bureau", "manager", "inspector", "supervision", "quality"):
        assert login(username).get("/inspections/checklist-stats").status_code == 200, username
    own = login("ent_a")
    assert own.get("/inspections/checklist-stats").status_code == 403
    assert own.get("/inspections/checklist-stats.csv").status_code == 403
    assert "/inspections/checklist-stats" not in text(own.get("/inspections"))


# ---- the API ------------------------------------------------------------------------------------------------------
def test_api_lists_items_by_industry(api, people):
    client = api("ent_a")  # the standard lists are no secret: any user may read them
    body = client.get("/api/v1/checklists?industry=化工").get_json()
    codes = [i["code"] for i in body["items"]]
    assert codes[0] == "TY-01" and "HG-01" in codes and not any(c.startswith("JT-") for c in codes)
    first = body["items"][0]
    assert first["checklist"] == "general" and first["dimension"] == "management" and first["basis"]
    assert {i["checklist"] for i in client.get("/api/v1/checklists").get_json()["items"]} == {
        "general", "chemical", "metallurgy", "construction", "transport"}
    only = client.get("/api/v1/checklists?checklist=transport").get_json()["items"]
    assert len(only) >= 30 and {i["checklist"] for i in only} == {"transport"}
    bad = client.get("/api/v1/checklists?include_inactive=maybe")
    assert bad.status_code == 400 and "include_inactive" in bad.get_json()["fields"]


def test_api_reads_and_records_a_visit_s_results(api, people):
    row = visit(people.inspector, people.enterprise_a)
    inspector = api("inspector")
    ty01, hg24 = item("TY-01").id, item("HG-24").id
    done = inspector.put(f"/api/v1/inspections/{row.id}/checks", json={"results": [
        {"item_id": ty01, "result": "conform"}, {"item_id": hg24, "result": "nonconform", "note": "超量储存"}]})
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert (body["visit_id"], body["total"], body["checked"], body["nonconform"]) == (row.id, 70, 2, 1)
    by_code = {i["code"]: i for i in body["items"]}
    assert by_code["HG-24"]["result"] == "nonconform" and by_code["HG-24"]["note"] == "超量储存"
    assert by_code["HG-24"]["recorded_at"].endswith("+08:00") and by_code["TY-02"]["result"] is None
    bad = inspector.put(f"/api/v1/inspections/{row.id}/checks", json={"results": [
        {"item_id": ty01, "result": "nonconform"}, {"item_id": 99999, "result": "conform"}]})
    assert bad.status_code == 400 and bad.get_json()["error"] == "validation_failed"
    assert set(bad.get_json()["fields"]) == {f"results.{ty01}.note", "results.99999.result"}
    shape = inspector.put(f"/api/v1/inspections/{row.id}/checks", json={"results": [{"result": "conform"}]})
    assert shape.status_code == 400 and "results" in shape.get_json()["fields"]
    assert inspector.put(f"/api/v1/inspections/{row.id}/checks", json=[]).status_code == 400
    own = api("ent_a")
    assert own.get(f"/api/v1/inspections/{row.id}/checks").status_code == 404  # until the report passed its review
    released(row)
    assert own.get(f"/api/v1/inspections/{row.id}/checks").get_json()["checked"] == 2
    refused = own.put(f"/api/v1/inspections/{row.id}/checks", json={"results": []})
    assert refused.status_code == 403 and refused.get_json()["error"] == "forbidden"
    assert api("bureau").put(f"/api/v1/inspections/{row.id}/checks", json={"results": []}).status_code == 403
    other = api("ent_b")
    assert other.get(f"/api/v1/inspections/{row.id}/checks").status_code == 404
    assert other.put(f"/api/v1/inspections/{row.id}/checks", json={"results": []}).status_code == 404
    assert inspector.get("/api/v1/inspections/99999/checks").status_code == 404


def test_the_openapi_document_describes_the_checklist_routes(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert {"get"} == set(doc["paths"]["/api/v1/checklists"])
    assert {"get", "put"} == set(doc["paths"]["/api/v1/inspections/{visit_id}/checks"])
    params = {p["name"] for p in doc["paths"]["/api/v1/checklists"]["get"]["parameters"]}
    assert params == {"industry", "checklist", "include_inactive"}
    schemas = doc["components"]["schemas"]
    assert schemas["ChecksRequest"]["required"] == ["results"]
    assert "checklist_item_id" in schemas["HazardRegistration"]["properties"]
