"""The credit evaluation from the outside: the county list with its filters and CSV, the enterprise's page with the
records behind its grade and its history, the bureau's confirmation over HTTP, the API; who sees what (another
enterprise's or another area's page is 404, other roles 403), bad input 400, the navigation."""
import pytest

from app.extensions import db
from app.models import AuditEvent
from tests import test_township_role
from tests.credit_support import at, entry, months, shanghai
from tests.test_web_support import csv_rows, text

area = test_township_role.area  # the fixture: A in 城关镇, B in 南湖镇, the township offices

READERS = ("bureau", "manager", "project_lead", "quality", "admin")
OTHERS = ("inspector", "project_team", "supervision", "expert", "process_owner")


@pytest.fixture
def year(request):
    """2026: 甲 (城关镇, 化工) an interview and a penalty, months averaging 80 → 100 − 20 + 5 = 85 (B);
    乙 (南湖镇, 机械) nothing, months averaging 40 → 100 − 5 = 95 (A). The clock on 2026-12-01."""
    area = request.getfixturevalue("area")
    entry(area.enterprise_a, "interview", shanghai(2026, 4, 2, 10), note="隐患 X 整改不力，督导检查启动约谈 / interview")
    entry(area.enterprise_a, "enforcement_penalty", shanghai(2026, 9, 9, 10), note="罚款 2 万元 / fined")
    months(area.enterprise_a, 2026, {9: 70, 10: 80, 11: 90})
    months(area.enterprise_b, 2026, {10: 40})
    at(2026, 12, 1)
    return area


def test_the_county_list_for_the_readers(year, login):
    for role in READERS:
        page = text(login(role).get("/credit"))
        assert "2026 年度" in page and "甲化工有限公司" in page and "乙机械制造厂" in page, role
    page = text(login("manager").get("/credit"))
    listing = page[page.index('class="table credit-list"'):]
    assert listing.index("乙机械制造厂") < listing.index("甲化工有限公司")  # 95 before 85
    assert f'data-enterprise="{year.enterprise_a.id}" data-grade="B"' in listing
    assert f'data-enterprise="{year.enterprise_b.id}" data-grade="A"' in listing
    assert "试算" in page and 'id="confirm-year"' not in page  # the year is not over
    assert "信用得分 = 100 分" in page  # the method, with the constants


def test_the_filters_and_the_csv(year, login):
    manager = login("manager")
    assert "乙机械制造厂" not in text(manager.get("/credit?grade=B"))
    assert "甲化工有限公司" not in text(manager.get("/credit?township=南湖镇"))
    assert "乙机械制造厂" not in text(manager.get("/credit?industry=化工"))
    rows = csv_rows(manager.get("/credit/export.csv?year=2026"))
    assert rows[0][:7] == ["企业名称", "统一社会信用代码", "乡镇/园区", "行业", "年度", "信用得分", "信用等级"]
    assert [(r[0], r[5], r[6], r[7], r[9], r[11]) for r in rows[1:]] == [
        ("乙机械制造厂", "95.0", "A", "0", "40.0", "-5.0"), ("甲化工有限公司", "85.0", "B", "20", "80.0", "5.0")]
    assert [r[0] for r in csv_rows(manager.get("/credit/export.csv?grade=a"))[1:]] == ["乙机械制造厂"]
    assert csv_rows(manager.get("/credit/export.csv?year=2026"))[1][-1] == "试算（年度未确认）"


@pytest.mark.parametrize("query", ["year=2026x", "year=1999", "year=2027", "year=26", "grade=E"])
def test_bad_input_is_400(year, login, api, query):
    assert login("manager").get(f"/credit?{query}").status_code == 400
    assert login("manager").get(f"/credit/export.csv?{query}").status_code == 400
    body = api("manager").get(f"/api/v1/credit?{query}")
    assert body.status_code == 400 and body.get_json()["fields"]
    if query.startswith("year"):
        page = login("ent_a").get(f"/credit/enterprises/{year.enterprise_a.id}?{query}")
        assert page.status_code == 400


def test_the_enterprise_sees_its_own_grade_and_records_only(year, login):
    own = login("ent_a").get("/credit")
    assert own.status_code == 302 and own.headers["Location"].endswith(f"/credit/enterprises/{year.enterprise_a.id}")
    page = text(login("ent_a").get(f"/credit/enterprises/{year.enterprise_a.id}"))
    assert 'data-grade="B" data-score="85.0"' in page and "−20" in page and "+5.0" in page
    records = page[page.index('id="records"'):page.index('id="months"')]
    assert "整改不力约谈" in records and "行政处罚" in records and "-5" in records and "-15" in records
    assert "罚款 2 万元" in records
    assert 'data-month="2026-11"' in page and 'data-year="2026"' in page
    assert "乙机械制造厂" not in page
    assert login("ent_a").get(f"/credit/enterprises/{year.enterprise_b.id}").status_code == 404
    assert login("ent_a").get("/credit/enterprises/99999").status_code == 404
    assert login("ent_a").get("/credit/export.csv").status_code == 200  # its own row only
    assert [r[0] for r in csv_rows(login("ent_a").get("/credit/export.csv"))[1:]] == ["甲化工有限公司"]


def test_a_township_office_sees_its_area(year, login):
    page = text(login("town_a").get("/credit"))
    assert "甲化工有限公司" in page and "乙机械制造厂" not in page
    assert login("town_a").get(f"/credit/enterprises/{year.enterprise_a.id}").status_code == 200
    assert login("town_a").get(f"/credit/enterprises/{year.enterprise_b.id}").status_code == 404
    assert "甲化工有限公司" not in text(login("town_none").get("/credit"))
    both = text(login("town_ab").get("/credit"))
    assert "甲化工有限公司" in both and "乙机械制造厂" in both


def test_other_roles_and_anonymous_are_kept_out(year, client, login, api):
    for url in ("/credit", "/credit/export.csv", f"/credit/enterprises/{year.enterprise_a.id}"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/api/v1/credit").status_code == 401
    for role in OTHERS:
        assert login(role).get("/credit").status_code == 403, role
        assert login(role).get(f"/credit/enterprises/{year.enterprise_a.id}").status_code == 403, role
        assert api(role).get("/api/v1/credit").status_code == 403, role


def test_the_navigation_links_the_page(year, login):
    for role in READERS + ("ent_a", "town_a"):
        assert 'href="/credit"' in text(login(role).get("/")), role
    for role in OTHERS:
        assert 'href="/credit"' not in text(login(role).get("/")), role
    supervision = text(login("bureau").get(f"/supervision/enterprises/{year.enterprise_a.id}"))
    assert f'href="/credit/enterprises/{year.enterprise_a.id}"' in supervision and "整改不力约谈" in supervision


def test_the_bureau_confirms_the_closed_year_over_http(year, login):
    at(2027, 1, 1, 0, 0, 0)
    page = text(login("bureau").get("/credit?year=2026"))
    assert 'id="confirm-year"' in page
    assert 'id="confirm-year"' not in text(login("manager").get("/credit?year=2026"))
    assert login("manager").post("/credit/years/2026/confirm").status_code == 403
    assert login("ent_a").post("/credit/years/2026/confirm").status_code == 403
    assert login("bureau").post("/credit/years/2027/confirm").status_code == 409  # not over
    assert login("bureau").post("/credit/years/2026/confirm").status_code == 302
    again = login("bureau").post("/credit/years/2026/confirm")
    assert again.status_code == 409
    assert db.session.query(AuditEvent).filter_by(action="credit_year_confirmed").count() == 1
    entry(year.enterprise_b, "enforcement_referral", shanghai(2026, 12, 31, 12))  # after the confirmation
    page = text(login("manager").get("/credit?year=2026"))
    assert "已确认" in page and f'data-enterprise="{year.enterprise_b.id}" data-grade="A"' in page
    assert csv_rows(login("manager").get("/credit/export.csv?year=2026"))[1][-1] == "已确认"
    history = text(login("ent_b").get(f"/credit/enterprises/{year.enterprise_b.id}"))
    assert 'data-year="2027"' in history and 'data-year="2026" data-grade="A"' in history


def test_the_api_gives_the_same_numbers_scoped(year, api):
    body = api("quality").get("/api/v1/credit?year=2026").get_json()
    assert body["year"] == 2026 and body["confirmed"] is False and body["confirmed_at"] is None
    a = next(i for i in body["items"] if i["enterprise"] == "甲化工有限公司")
    assert (a["score"], a["grade"], a["deductions"], a["cooperation_average"], a["cooperation_points"]) == \
        (85, "B", 20, 80, 5)
    assert [r["kind"] for r in a["records"]] == ["interview", "enforcement_penalty"]
    assert a["records"][0]["points"] == -5 and a["records"][0]["created_at"].startswith("2026-04-02T10:00:00+08:00")
    assert a["months"] == {"2026-09": 70, "2026-10": 80, "2026-11": 90}
    own = api("ent_b").get("/api/v1/credit").get_json()
    assert [i["enterprise"] for i in own["items"]] == ["乙机械制造厂"]
    assert [i["enterprise"] for i in api("town_a").get("/api/v1/credit").get_json()["items"]] == ["甲化工有限公司"]
    assert [i["grade"] for i in api("bureau").get("/api/v1/credit?grade=A").get_json()["items"]] == ["A"]


def test_the_pages_in_english(year, login):
    manager = login("manager")
    page = text(manager.get("/credit?lang=en"))
    assert "Enterprise credit evaluation" in page and "Grade B (mostly trustworthy)" in page
    assert "Interview for poor rectification -5 points" in page  # the method's points table
    own = text(login("ent_a").get(f"/credit/enterprises/{year.enterprise_a.id}?lang=en"))
    assert "Credit grades by year" in own and "Administrative penalty" in own and "Provisional" in own
    awards = text(manager.get("/credit/awards?year=2025&lang=en"))
    assert "Best cooperating enterprises" in awards and "Proposed by the system" in awards
