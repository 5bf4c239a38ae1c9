"""Statistics of the hazards registered in a period (/reports): what became of them, grouped by grade, type,
industry, township and enterprise, the rectification and recurrence rates; for managers, the bureau and admins;
as a page, a CSV file for Excel and a PDF."""
from datetime import date, datetime

import pytest

from app.clock import SHANGHAI, clock
from app.errors import NotAllowed
from app.extensions import db
from app.services import reports
from tests.test_lifecycle_service import ASSIGN, case_row, complete, open_tasks, rectify_data, register
from tests.test_web_support import compile_translations, csv_rows, text


def at(day, hour=9, minute=0):
    clock.set(datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI))


def close(people, case_id):
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    complete(people.ent_a, open_tasks(case_id)["rectification"], rectify_data(people.ent_a))
    complete(people.project_team, open_tasks(case_id)["verification"], {"passed": True, "opinion": "合格"})
    assert case_row(case_id).status == "closed"


@pytest.fixture
def november(people):
    """Four November cases: enterprise A (化工) has two electrical ones (the second recurs) and one major case;
    enterprise B (机械) one. The first is closed two days after registration; on Dec 10 the two A cases still
    being rectified are past their deadline (7 working days for 一般)."""
    clock.set(datetime(2026, 10, 31, 23, 30, tzinfo=SHANGHAI))
    register(people)  # the evening before the period: not counted
    at(2)
    first = register(people)
    at(4)
    close(people, first)
    at(5)
    second = register(people)
    complete(people.project_lead, open_tasks(second)["assignment"], ASSIGN)
    major = register(people, score=60)
    other = register(people, enterprise=people.enterprise_b)
    clock.set(datetime(2026, 12, 10, 9, 0, tzinfo=SHANGHAI))
    return {"first": first, "second": second, "major": major, "other": other}


def test_the_cohort_and_what_became_of_it(people, november):
    report = reports.build(db.session, people.manager, date(2026, 11, 1), date(2026, 11, 30))
    t = report.total
    assert (t.registered, t.closed, t.open, t.overdue) == (4, 1, 3, 1)  # only the assigned case has a deadline
    assert t.rate == 25.0
    assert report.average_days_to_close == 2.0
    assert {grade: x.registered for grade, x in report.by_grade.items()} == {"general": 3, "major": 1}
    assert list(report.by_grade) == ["general", "major"]  # in the grades' order
    assert report.by_type["electrical"].registered == 4
    assert {k: v.registered for k, v in report.by_industry.items()} == {"化工": 3, "机械": 1}
    assert [(e.name, x.registered, x.overdue) for e, x in report.enterprises] == [
        ("甲化工有限公司", 3, 1), ("乙机械制造厂", 1, 0)]
    assert report.open_major == {people.enterprise_a.id}  # its 重大 case is still open
    assert {month: x.registered for month, x in report.by_month.items()} == {"2026-11": 4}
    two_months = reports.build(db.session, people.manager, date(2026, 10, 1), date(2026, 11, 30))
    assert {month: x.registered for month, x in two_months.by_month.items()} == {"2026-10": 1, "2026-11": 4}
    # A's electrical hazards of Oct 31, Nov 2 and Nov 5 each had one before them within six months: the first of
    # the period recurs the October one, which is outside the period but inside the window.
    assert report.recurring == 3 and report.recurrence_rate == 75.0


def test_the_period_is_in_shanghai_days_both_ends_included(people, november):
    assert reports.build(db.session, people.manager, date(2026, 10, 31), date(2026, 10, 31)).total.registered == 1
    assert reports.build(db.session, people.manager, date(2026, 11, 5), date(2026, 11, 5)).total.registered == 3
    assert reports.build(db.session, people.manager, date(2026, 11, 6), date(2026, 11, 30)).total.registered == 0


def test_only_managers_the_bureau_and_admins(people):
    for name in ("inspector", "ent_a", "project_lead", "quality"):
        with pytest.raises(NotAllowed):
            reports.build(db.session, people[name], date(2026, 11, 1), date(2026, 11, 30))


@pytest.mark.parametrize("role", ["manager", "bureau", "admin"])
def test_the_page_defaults_to_this_month(november, login, role):
    at(20)
    page = text(login(role).get("/reports"))
    assert 'value="2026-11-01"' in page and 'value="2026-11-20"' in page
    assert '<span class="kpi-value">4</span>' in page and "25.0 %" in page and "75.0 %" in page
    assert "甲化工有限公司" in page and "电气安全" in page and "重大隐患" in page
    assert "重大隐患未销号" in page and "2026-11" in page
    assert 'href="/reports"' in page  # the nav link


@pytest.mark.parametrize("role", ["inspector", "ent_a", "project_lead", "expert"])
def test_other_roles_get_403(people, login, role):
    user = login(role)
    for path in ("/reports", "/reports/export.csv", "/reports/export.pdf"):
        assert user.get(path).status_code == 403
    assert 'href="/reports"' not in text(user.get("/"))


def test_bad_periods_are_400_with_the_error_next_to_the_field(people, login):
    manager = login("manager")
    response = manager.get("/reports?start=2026-02-30")
    assert response.status_code == 400 and 'id="err-start"' in text(response) and "日期格式应为" in text(response)
    response = manager.get("/reports?start=2026-11-20&end=2026-11-01")
    assert response.status_code == 400 and 'id="err-end"' in text(response) and "结束日期早于开始日期" in text(response)
    response = manager.get("/reports?start=2020-01-01&end=2026-11-01")
    assert response.status_code == 400 and "统计期间最长" in text(response)
    assert manager.get("/reports/export.csv?end=tomorrow").status_code == 400
    assert manager.get("/reports/export.pdf?start=2026-11-20&end=2026-11-01").status_code == 400


def test_csv_for_excel_and_pdf(november, login):
    manager = login("manager")
    response = manager.get("/reports/export.csv?start=2026-11-01&end=2026-11-30")
    assert 'filename="hazard-statistics-20261101-20261130.csv"' in response.headers["Content-Disposition"]
    rows = csv_rows(response)
    assert ["登记隐患数", "4"] in rows and ["整改率", "25.0 %"] in rows
    assert ["甲化工有限公司", "化工", "城关镇", "3", "1", "2", "1", "33.3 %", "是"] in rows
    assert ["乙机械制造厂", "机械", "城关镇", "1", "0", "1", "0", "0.0 %", "否"] in rows
    assert ["按月份（登记时间）"] in rows and ["2026-11", "4", "1", "3", "1", "25.0 %"] in rows
    heat = rows.index(["区域隐患热力图（乡镇/园区 × 隐患类型）"])
    assert rows[heat + 1:heat + 3] == [["乡镇/园区", "电气安全"], ["城关镇", "4"]]
    assert ["按隐患类型"] in rows and ["电气安全", "4", "1", "3", "1", "25.0 %"] in rows
    pdf = manager.get("/reports/export.pdf?start=2026-11-01&end=2026-11-30")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.get_data().startswith(b"%PDF-")


def test_an_empty_period(people, login):
    page = text(login("manager").get("/reports?start=2026-01-01&end=2026-01-31"))
    assert "本期没有登记隐患" in page and '<span class="kpi-value">0</span>' in page


def test_the_page_in_english(november, login):
    compile_translations()
    manager = login("manager")
    manager.get("/lang/en")
    page = text(manager.get("/reports?start=2026-11-01&end=2026-11-30"))
    assert "Statistics" in page and "Rectification rate" in page and "Electrical safety" in page


def test_recurrence_looks_back_six_months_only(people, november):
    clock.set(datetime(2026, 5, 1, 9, 0, tzinfo=SHANGHAI))  # 188 days before B's case of Nov 5
    register(people, enterprise=people.enterprise_b)
    assert reports.build(db.session, people.manager, date(2026, 11, 1), date(2026, 11, 30)).recurring == 3
    clock.set(datetime(2026, 5, 20, 9, 0, tzinfo=SHANGHAI))  # 169 days before
    register(people, enterprise=people.enterprise_b)
    assert reports.build(db.session, people.manager, date(2026, 11, 1), date(2026, 11, 30)).recurring == 4


def test_the_heat_map_counts_hazards_by_township_and_type(people, november):
    people.enterprise_b.township = "孟庄镇"
    db.session.commit()
    report = reports.build(db.session, people.manager, date(2026, 11, 1), date(2026, 11, 30))
    assert report.heat == {"城关镇": {"electrical": 3}, "孟庄镇": {"electrical": 1}}
    assert list(report.heat) == ["城关镇", "孟庄镇"]  # most hazards first, as the township table
    assert (report.heat_types, report.heat_max) == (["electrical"], 3)


def test_the_page_shows_the_heat_map_and_offers_excel(people, november, login):
    people.enterprise_b.township = "孟庄镇"
    db.session.commit()
    page = text(login("manager").get("/reports?start=2026-11-01&end=2026-11-30"))
    assert "区域隐患热力图" in page
    assert '<td class="heat-4">3</td>' in page and '<td class="heat-2">1</td>' in page  # 3 of 3, 1 of 3
    assert 'href="/reports/export.xlsx?start=2026-11-01&amp;end=2026-11-30"' in page
    empty = text(login("manager").get("/reports?start=2026-01-01&end=2026-01-31"))
    assert "区域隐患热力图" not in empty
