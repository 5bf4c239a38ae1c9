"""The month's rectification-rate rankings (本月隐患整改率排行榜): known cases give known ranks — equal rates share a rank,
an enterprise with fewer than three cases is listed but not ranked, the change against the month before — over
HTTP (page, CSV, Excel, PDF, API), scoped to a township office's own area, closed to enterprise staff."""
from datetime import date, datetime

import pytest

from app.clock import SHANGHAI, clock
from app.extensions import db
from app.models import Notification, User
from app.services import rankings, reports
from scheduler import jobs
from tests.pdf_support import flat, pdf_text
from tests.rankings_support import add_case, enterprise, office
from tests.test_web_support import compile_translations, csv_rows, text
from tests.test_web_xlsx_exports import Workbook


@pytest.fixture
def ranked(people, make_enterprise, make_user):
    """October and November (today: 2026-11-23) at five enterprises of three townships and three industries.

    November: E1 城关镇 化工 3/4 closed (2, 4, 6 days), E2 城关镇 机械 2/2 (too few to rank), E3 南湖镇 化工 3/4,
    E4 滨江园区 食品 1/3 (one open past its deadline), E5 南湖镇 机械 3/3.
    October: E1 1/3, E4 3/3, E5 0/3."""
    e = {1: enterprise(make_enterprise, "一号化工", "城关镇", "化工"),
         2: enterprise(make_enterprise, "二号机械", "城关镇", "机械"),
         3: enterprise(make_enterprise, "三号化工", "南湖镇", "化工"),
         4: enterprise(make_enterprise, "四号食品", "滨江园区", "食品"),
         5: enterprise(make_enterprise, "五号机械", "南湖镇", "机械")}
    inspector = people.inspector
    for days in (2, 4, 6, None):
        add_case(inspector, e[1], 11, 3, closed_after=days)
    for _ in range(2):
        add_case(inspector, e[2], 11, 5, closed_after=1)
    for days in (1, 1, 1, None):
        add_case(inspector, e[3], 11, 6, closed_after=days)
    add_case(inspector, e[4], 11, 2, closed_after=3)
    add_case(inspector, e[4], 11, 2)  # due Nov 12: overdue today
    add_case(inspector, e[4], 11, 20)  # due Nov 30
    for _ in range(3):
        add_case(inspector, e[5], 11, 9, closed_after=2)
    for days in (5, None, None):
        add_case(inspector, e[1], 10, 10, closed_after=days, due_days=60)
    for _ in range(3):
        add_case(inspector, e[4], 10, 10, closed_after=2)
        add_case(inspector, e[5], 10, 10, due_days=60)
    office(make_user, "town_nh", "南湖镇")
    people["e"] = e
    return people


def by_name(ranking):
    return {s.name: s for s in ranking.ranked + ranking.unranked}


def test_known_data_gives_known_ranks_ties_minimum_and_change(ranked):
    result = rankings.compute(db.session, date(2026, 11, 1))
    enterprises = result["enterprise"]
    assert [(s.name, s.rank) for s in enterprises.ranked] == [
        ("五号机械", 1), ("一号化工", 2), ("三号化工", 2), ("四号食品", 4)]  # 3/4 = 3/4: one rank, the next is 4
    assert [(s.name, s.rank, s.registered) for s in enterprises.unranked] == [("二号机械", None, 2)]  # 2/2 < 3 cases
    e = by_name(enterprises)
    assert (e["五号机械"].previous_rank, e["五号机械"].change) == (3, 2)
    assert (e["一号化工"].previous_rank, e["一号化工"].change) == (2, 0)
    assert (e["三号化工"].previous_rank, e["三号化工"].change) == (None, None)  # no October cases: new
    assert (e["四号食品"].previous_rank, e["四号食品"].change) == (1, -3)
    assert e["一号化工"].rate == 75.0 and e["一号化工"].average_days_to_close == 4.0
    assert (e["四号食品"].overdue, e["四号食品"].open, e["四号食品"].rate) == (1, 2, 33.3)
    towns = {s.name: (s.rank, s.previous_rank, s.registered, s.closed) for s in result["township"].ranked}
    assert towns == {"南湖镇": (1, 3, 7, 6), "城关镇": (2, 2, 6, 5), "滨江园区": (3, 1, 3, 1)}
    assert [(s.name, s.rank) for s in result["industry"].ranked] == [("机械", 1), ("化工", 2), ("食品", 3)]
    assert rankings.MIN_CASES["enterprise"] == 3 and result["township"].unranked == []


def test_the_rates_are_the_statistics_rates(ranked):
    """A ranking's row reads as the statistics of that month read (same cohort, same rate)."""
    report = reports.compute(db.session, date(2026, 11, 1), date(2026, 11, 30))
    towns = {s.name: s for s in rankings.compute(db.session, date(2026, 11, 1))["township"].ranked}
    for town, tally in report.by_township.items():
        assert (towns[town].registered, towns[town].closed, towns[town].overdue, towns[town].rate) == \
            (tally.registered, tally.closed, tally.overdue, tally.rate)


def test_the_current_month_counts_up_to_today_and_the_last_full_month(ranked):
    now = rankings.compute(db.session, rankings.current_month())["enterprise"]
    assert (now.month, now.end, now.is_partial) == (date(2026, 11, 1), date(2026, 11, 23), True)
    october = rankings.compute(db.session, date(2026, 10, 1))["enterprise"]
    assert october.end == date(2026, 10, 31) and not october.is_partial
    assert [(s.name, s.rank, s.previous_rank) for s in october.ranked] == [
        ("四号食品", 1, None), ("一号化工", 2, None), ("五号机械", 3, None)]


def test_the_page_and_its_files(ranked, login):
    manager = login("manager")
    page = text(manager.get("/reports/rankings"))
    assert "2026-11 隐患整改率排行榜 — 全县" in page and "样本不足" in page and "新上榜" in page
    assert "↑2" in page and "↓3" in page and "整改率排行榜" in page
    rows = csv_rows(manager.get("/reports/rankings/export.csv?month=2026-11"))
    assert ["1", "↑2", "五号机械", "南湖镇", "机械", "3", "3", "0", "100.0 %", "2.0"] in rows
    assert ["样本不足", "—", "二号机械", "城关镇", "机械", "2", "2", "0", "100.0 %", "1.0"] in rows
    assert ["2", "→", "城关镇", "6", "5", "1", "83.3 %", "2.8"] in rows
    sheet = Workbook(manager.get("/reports/rankings/export.xlsx?month=2026-11").get_data())
    assert any(row[:3] == [1.0, "↑2", "五号机械"] or row[:3] == ["1", "↑2", "五号机械"] for row in sheet.rows)
    pdf = manager.get("/reports/rankings/export.pdf?month=2026-10")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    body = flat(pdf_text(pdf.get_data()))
    assert "2026-10隐患整改率排行榜" in body and "四号食品" in body
    assert manager.get("/reports/rankings?month=2026-13").status_code == 400
    assert manager.get("/reports/rankings?month=2026-12").status_code == 400  # not begun


def test_a_township_office_ranks_its_own_area_only(ranked, login, api):
    town = login("town_nh")
    page = text(town.get("/reports/rankings?month=2026-11"))
    assert "南湖镇" in page and "五号机械" in page and "三号化工" in page
    assert "城关镇" not in page and "一号化工" not in page and "四号食品" not in page
    assert town.get("/reports/rankings?township=城关镇").status_code == 404
    body = api("town_nh").get("/api/v1/statistics/rankings?month=2026-11&by=enterprise").get_json()
    assert [(r["name"], r["rank"]) for r in body["items"]] == [("五号机械", 1), ("三号化工", 2)]
    assert body["area"]["townships"] == ["南湖镇"]
    towns = api("town_nh").get("/api/v1/statistics/rankings?month=2026-11&by=township").get_json()["items"]
    assert [(r["name"], r["rank"], r["previous_rank"]) for r in towns] == [("南湖镇", 1, 1)]


def test_enterprise_staff_and_other_roles_are_refused(ranked, login, api):
    assert login("ent_a").get("/reports/rankings").status_code == 403
    assert login("inspector").get("/reports/rankings/export.csv").status_code == 403
    assert api("ent_a").get("/api/v1/statistics/rankings").status_code == 403


def test_the_api(ranked, api):
    bureau = api("bureau")
    body = bureau.get("/api/v1/statistics/rankings?month=2026-11&by=enterprise").get_json()
    assert body["month"] == "2026-11" and body["by"] == "enterprise" and body["minimum_cases"] == 3
    first = body["items"][0]
    assert (first["name"], first["rank"], first["previous_rank"], first["change"], first["rate"]) == \
        ("五号机械", 1, 3, 2, 100.0)
    assert body["items"][-1]["name"] == "二号机械" and body["items"][-1]["rank"] is None
    default = bureau.get("/api/v1/statistics/rankings").get_json()
    assert default["month"] == "2026-11" and default["by"] == "township"
    assert bureau.get("/api/v1/statistics/rankings?by=street").status_code == 400
    assert bureau.get("/api/v1/statistics/rankings?month=11-2026").status_code == 400


def test_the_page_in_english(ranked, login):
    compile_translations()
    manager = login("manager")
    manager.get("/lang/en")
    page = text(manager.get("/reports/rankings?month=2026-11"))
    assert "Rectification rate rankings" in page and "Too few cases" in page and "Township / park" in page


def test_an_empty_month(people, login):
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI))
    page = text(login("bureau").get("/reports/rankings?month=2026-01"))
    assert page.count("本月没有登记隐患") == 3


def test_the_monthly_report_names_the_first_and_last_township_and_the_most_recurring_type(ranked):
    """October (delivered on November 23): 滨江园区 3/3 first, 南湖镇 0/3 last; 一号化工's electrical cases of
    October 10 recur (the second and third had the first before them), as do 四号食品's and 五号机械's."""
    assert jobs.deliver_monthly_report() == 3  # manager, bureau, the 南湖镇 office
    notes = {n.user_id: n for n in db.session.query(Notification).filter_by(kind="monthly_report")}
    county = notes[ranked.bureau.id].body
    assert "整改率排行首位 滨江园区（100.0%），末位 南湖镇（0.0%）。" in county
    assert "重复出现最多的隐患类型：电气安全（6 次）。" in county
    town = notes[db.session.query(User.id).filter_by(username="town_nh").scalar()].body
    assert "整改率排行" not in town and "电气安全（2 次）" in town  # one township: no first and last
