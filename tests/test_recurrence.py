"""Recurring hazard types (重复出现隐患类型分析): the statistics' rule (same enterprise, same type, within six months of
the one before) gives known recurrences and pairs — counted alike by the statistics — where they recur most, the
chart, the drill-down list with links, the files, the API, a township office's own area and English."""
from datetime import date

import pytest

from app.extensions import db
from app.services import recurrence, report_area, reports
from tests.pdf_support import flat, pdf_text
from tests.rankings_support import add_case, enterprise, office
from tests.test_web_support import compile_translations, csv_rows, text
from tests.test_web_xlsx_exports import Workbook


@pytest.fixture
def recurring(people, make_enterprise, make_user):
    """Today 2026-11-23; the default period is 2026-06-01 — 2026-11-23.
    R1 (城关镇): fire Jun 1, Aug 1 (recurs), Nov 10 (recurs); electrical Jan 5 and Sep 1 (239 days apart: no).
    R2 (南湖镇): fire Oct 1, Oct 5 (recurs); machinery May 20 (before the period) and Jun 10 (recurs)."""
    r1 = enterprise(make_enterprise, "甲重复厂", "城关镇", "化工")
    r2 = enterprise(make_enterprise, "乙重复厂", "南湖镇", "机械")
    add = lambda owner, month, day, kind: add_case(people.inspector, owner, month, day, kind)  # noqa: E731
    cases = {"r1_fire_jun": add(r1, 6, 1, "fire_safety"), "r1_fire_aug": add(r1, 8, 1, "fire_safety"),
             "r1_fire_nov": add(r1, 11, 10, "fire_safety"), "r1_el_jan": add(r1, 1, 5, "electrical"),
             "r1_el_sep": add(r1, 9, 1, "electrical"), "r2_fire_oct1": add(r2, 10, 1, "fire_safety"),
             "r2_fire_oct5": add(r2, 10, 5, "fire_safety"), "r2_mech_may": add(r2, 5, 20, "mechanical"),
             "r2_mech_jun": add(r2, 6, 10, "mechanical")}
    office(make_user, "town_nh", "南湖镇")
    people.update(cases, r1=r1, r2=r2)
    return people


def test_known_recurrences_by_type_place_and_the_statistics_agree(recurring):
    start, end = recurrence.default_period()
    assert (start, end) == (date(2026, 6, 1), date(2026, 11, 23))
    analysis = recurrence.compute(db.session, start, end)
    assert (analysis.registered, analysis.recurrences, analysis.rate) == (7, 4, 57.1)
    assert analysis.recurrences == reports.compute(db.session, start, end).recurring
    fire, mech = analysis.by_type
    assert (fire.hazard_type, fire.registered, fire.recurrences, fire.rate) == ("fire_safety", 5, 3, 60.0)
    assert analysis.top_enterprises(fire) == [("甲重复厂", 2), ("乙重复厂", 1)]
    assert fire.townships == {"城关镇": 2, "南湖镇": 1}
    assert (mech.hazard_type, mech.registered, mech.recurrences) == ("mechanical", 1, 1)
    assert [(p.name, p.recurrences, p.types) for p in analysis.townships] == [  # equal counts: by name
        ("南湖镇", 2, {"fire_safety": 1, "mechanical": 1}), ("城关镇", 2, {"fire_safety": 2})]
    assert [(p.name, p.recurrences) for p in analysis.enterprises] == [("乙重复厂", 2), ("甲重复厂", 2)]


def test_the_pairs_name_the_earlier_case_and_the_recurrence(recurring):
    analysis = recurrence.compute(db.session, date(2026, 6, 1), date(2026, 11, 23))
    pairs, total = recurrence.pairs(db.session, analysis)
    c = recurring
    assert total == 4
    assert [(p.first_id, p.case_id) for p in pairs] == [
        (c.r1_fire_aug.id, c.r1_fire_nov.id), (c.r2_fire_oct1.id, c.r2_fire_oct5.id),
        (c.r1_fire_jun.id, c.r1_fire_aug.id), (c.r2_mech_may.id, c.r2_mech_jun.id)]
    assert pairs[1].days == 4 and pairs[1].enterprise == "乙重复厂" and pairs[1].township == "南湖镇"
    only_mech, n = recurrence.pairs(db.session, analysis, "mechanical")
    assert n == 1 and only_mech[0].first_code == c.r2_mech_may.code
    one_town = recurrence.compute(db.session, date(2026, 6, 1), date(2026, 11, 23), report_area.of_townships(["城关镇"]))
    assert one_town.recurrences == 2 and recurrence.pairs(db.session, one_town)[1] == 2


def test_the_page_chart_drill_down_and_files(recurring, login):
    manager = login("manager")
    page = text(manager.get("/reports/recurrence"))
    assert "重复出现隐患类型分析图" in page and 'class="hbar"' in page and "seg-0" in page
    assert "重复隐患明细（共 4 对）" in page
    assert f'href="/cases/{recurring.r2_fire_oct1.id}"' in page and f'href="/cases/{recurring.r2_fire_oct5.id}"' in page
    narrowed = text(manager.get("/reports/recurrence?hazard_type=mechanical"))
    assert "重复隐患明细（共 1 对）" in narrowed
    rows = csv_rows(manager.get("/reports/recurrence/export.csv?start=2026-06-01&end=2026-11-23"))
    assert ["消防安全", "5", "3", "60.0 %", "2", "甲重复厂 2、乙重复厂 1", "城关镇 2、南湖镇 1"] in rows
    assert any(row[:4] == ["乙重复厂", "南湖镇", "消防安全", recurring.r2_fire_oct1.code] and row[-1] == "4"
               for row in rows)
    sheet = Workbook(manager.get("/reports/recurrence/export.xlsx").get_data())
    assert any("消防安全" in row for row in sheet.rows)
    pdf = manager.get("/reports/recurrence/export.pdf")
    assert pdf.status_code == 200 and "重复出现隐患类型分析" in flat(pdf_text(pdf.get_data()))
    assert manager.get("/reports/recurrence?start=2026-11-30&end=2026-11-01").status_code == 400


def test_a_township_office_sees_its_own_area_only(recurring, login, api):
    town = login("town_nh")
    page = text(town.get("/reports/recurrence"))
    assert "乙重复厂" in page and "甲重复厂" not in page and "重复隐患明细（共 2 对）" in page
    assert town.get("/reports/recurrence?township=城关镇").status_code == 404
    assert town.get(f"/reports/recurrence?enterprise_id={recurring.r1.id}").status_code == 404
    body = api("town_nh").get("/api/v1/statistics/recurrence").get_json()
    assert body["recurrences"] == 2 and {p["enterprise"] for p in body["pairs"]} == {"乙重复厂"}
    assert api("town_nh").get("/api/v1/statistics/recurrence?township=城关镇").status_code == 404


def test_enterprise_staff_are_refused(recurring, login, api):
    assert login("ent_a").get("/reports/recurrence").status_code == 403
    assert api("ent_a").get("/api/v1/statistics/recurrence").status_code == 403


def test_the_api(recurring, api):
    body = api("bureau").get("/api/v1/statistics/recurrence?from=2026-06-01&to=2026-11-23&limit=2").get_json()
    assert (body["registered"], body["recurrences"], body["pairs_total"], len(body["pairs"])) == (7, 4, 4, 2)
    assert body["by_type"][0]["hazard_type"] == "fire_safety" and body["by_type"][0]["enterprises"][0]["recurrences"] == 2
    assert body["pairs"][0]["first_code"] == recurring.r1_fire_aug.code
    assert api("bureau").get("/api/v1/statistics/recurrence?from=2026-11-30&to=2026-11-01").status_code == 400
    spec = api("bureau").get("/api/v1/openapi.json").get_json()
    assert "/api/v1/statistics/recurrence" in spec["paths"] and "/api/v1/statistics/rankings" in spec["paths"]


def test_the_page_in_english(recurring, login):
    compile_translations()
    manager = login("manager")
    manager.get("/lang/en")
    page = text(manager.get("/reports/recurrence"))
    assert "Recurring hazard types" in page and "Fire safety" in page and "Recurring pairs" in page
