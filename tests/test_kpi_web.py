"""The project KPI page (/kpi), its CSV and its PDF for the acceptance meeting, from the outside: the figures of the
county of tests/kpi_support.py with the links to the lists behind them, the trend table, a township office's page,
wrong input kept beside its field (400), who may open it, and the page in English."""
import re

import pytest

from tests.kpi_support import build
from tests.pdf_support import missing
from tests import test_township_role
from tests.test_web_i18n_coverage import UI_WORDS, leftover_chinese, without_user_data
from tests.test_web_support import csv_rows, text


area = test_township_role.area  # the fixture: enterprise B in 南湖镇, township offices for each area


@pytest.fixture
def county(area):
    area.ids = build(area)
    return area


def row(page, key):
    match = re.search(rf'<tr data-kpi="{key}"[^>]*>(.*?)</tr>', page, re.S)
    return match.group(1) if match else None


def test_the_page_shows_each_figure_with_its_target_and_the_lists_behind(county, login):
    response = login("bureau").get("/kpi")
    assert response.status_code == 200
    page = text(response)
    assert "2026年第四季度安全生产社会化服务" in page
    accuracy = row(page, "accuracy")
    assert 'data-value="50.0"' in accuracy and 'data-target="90"' in accuracy and 'data-met="no"' in accuracy
    rectification = row(page, "rectification")
    assert '<a href="/cases?status=closed&amp;since=2026-10-01&amp;until=2026-12-31" data-part="numerator">3</a>' \
        in rectification
    assert '<a href="/cases?since=2026-10-01&amp;until=2026-12-31" data-part="denominator">6</a>' in rectification
    assert f'href="/service-projects/{county.ids["project"]}" data-part="numerator">1</a>' in row(page, "coverage")
    assert 'href="/equipment?calibration=overdue" data-part="denominator">2</a>' in row(page, "calibration")
    assert 'href="/training/targets" data-part="numerator">4</a>' in row(page, "certification")
    trend = re.search(r'<tr data-month="2026-10">(.*?)</tr>', page, re.S).group(1)
    assert '100.0 % <small class="muted">(1/1)</small>' in trend  # October's verifications
    assert f'href="/cases/{county.ids["c6"]}"' in page  # a misidentified case is named
    assert 'id="help-accuracy"' in page  # the definitions are on the page
    # a quality supervisor may not open the training targets: the figure is there, the link is not
    quality = text(login("quality").get("/kpi"))
    assert 'data-part="numerator">4</span>' in row(quality, "certification")
    assert "/kpi" in text(login("manager").get("/cases"))  # the navigation offers it


def test_a_phase_is_chosen_on_the_page_and_its_key_indicators_marked(county, login):
    page = text(login("project_lead").get(f"/kpi?project_id={county.ids['project']}&phase=implement"))
    assert '<option value="implement" selected>' in page  # December: the three-month project's month 3
    assert '<tr data-kpi="accuracy" class="key-indicator">' in page
    assert '<tr data-kpi="verification">' in page
    assert '<option value="rectify"' not in page  # it ends before a 整改阶段


def test_a_township_office_sees_its_area_and_no_project(county, login):
    client = login("town_a")
    page = text(client.get("/kpi"))
    assert row(page, "coverage") is None and row(page, "certification") is None and row(page, "calibration") is None
    assert 'data-value="25.0"' in row(page, "accuracy")  # c1 right of c1, c2, c4, c6
    assert 'name="project_id"' not in page and "2026年第四季度" not in page
    assert "城关镇" in page
    assert client.get(f"/kpi?project_id={county.ids['project']}").status_code == 403
    assert csv_rows(client.get("/kpi/export.csv?quarter=2026Q4"))[3] == ["范围", "城关镇"]


def test_wrong_input_comes_back_beside_its_field(people, login):
    client = login("bureau")
    response = client.get("/kpi?from=2026-11-30&to=2026-11-01")
    assert response.status_code == 400
    page = text(response)
    assert 'id="err-to"' in page and 'value="2026-11-30"' in page and 'value="2026-11-01"' in page
    bad = client.get("/kpi?quarter=2026Q9")
    assert bad.status_code == 400 and 'id="err-quarter"' in text(bad)
    assert client.get("/kpi/export.csv?from=2026-11-01").status_code == 400
    assert client.get("/kpi/export.pdf?phase=nothing").status_code == 400
    assert client.get("/kpi?project_id=424242").status_code == 404


def test_who_may_open_the_page_and_its_files(people, login):
    for role in ("bureau", "manager", "project_lead", "quality", "admin"):
        assert login(role).get("/kpi").status_code == 200, role
    for role in ("inspector", "project_team", "supervision", "expert"):
        client = login(role)
        assert [client.get(u).status_code for u in ("/kpi", "/kpi/export.csv", "/kpi/export.pdf")] == [403] * 3
        assert 'href="/kpi"' not in text(client.get("/cases"))
    enterprise = login("ent_a")
    assert [enterprise.get(u).status_code for u in ("/kpi", "/kpi/export.csv", "/kpi/export.pdf")] == [404] * 3


def test_the_csv_and_the_acceptance_pdf(county, login):
    client = login("manager")
    rows = csv_rows(client.get("/kpi/export.csv"))
    assert rows[1] == ["服务项目", "2026年第四季度安全生产社会化服务"]
    assert rows[2] == ["期间", "2026-10-01 — 2026-12-31"]
    by_name = {r[0]: r for r in rows if r}
    assert by_name["隐患识别准确率"][1:6] == ["≥ 90 %", "3", "6", "50.0 %", "未达标"]
    assert by_name["二次核查通过率"][1:6] == ["≥ 98 %", "2", "3", "66.7 %", "未达标"]
    assert by_name["2026-11"][1:4] == ["50.0 % (1/2)", "50.0 % (2/4)", "50.0 % (2/4)"]
    response = client.get(f"/kpi/export.pdf?project_id={county.ids['project']}&phase=prep")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert missing(response.data, "项目绩效指标考核表", "2026年第四季度安全生产社会化服务（KPI-2026-04）", "准备阶段",
                   "2026-10-01—2026-11-30", "隐患识别准确率", "识别无误的隐患3", "本期登记隐患6", "未达标",
                   "2026-10", "应急管理局（签字）") == []


def test_the_page_in_english(county, login):
    client = login("bureau")
    client.get("/lang/en")
    for url in ("/kpi", f"/kpi?project_id={county.ids['project']}&phase=prep", "/kpi?from=2026-11-30&to=2026-11-01"):
        page = without_user_data(text(client.get(url)))
        assert [w for w in UI_WORDS if w in page] == [], url
        assert leftover_chinese(page) == {}, url
    town = login("town_a")
    town.get("/lang/en")
    assert leftover_chinese(without_user_data(text(town.get("/kpi")))) == {}
