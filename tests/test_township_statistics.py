"""Township-scoped statistics (属地统计): a township / park safety office reads the statistics of the townships it
covers — the page, its CSV / Excel / PDF files, the API, the monthly report and the weekly briefing — counted over
its area's cases only; asking for another area (a township, an enterprise) is 404 without data; the bureau keeps
the county with its per-township table. Everything from the outside, over HTTP, against figures counted here from
the cases themselves."""
from datetime import datetime
from urllib.parse import quote

import pytest
from sqlalchemy import update

from app.clock import SHANGHAI, clock
from app.extensions import db
from app.models import Enterprise, HazardCase, Notification, User
from scheduler import jobs
from tests.pdf_support import flat, pdf_text
from tests.test_lifecycle_service import ASSIGN, case_row, complete, open_tasks, rectify_data, register
from tests.test_township_role import TOWN_A, TOWN_B, area  # noqa: F401 (fixture)
from tests.test_web_support import csv_rows, text
from tests.test_web_xlsx_exports import Workbook

PERIOD = "start=2026-11-01&end=2026-11-30"


def at(day, month=11):
    clock.set(datetime(2026, month, day, 9, 0, tzinfo=SHANGHAI))


def close(people, case_id, staff):
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    complete(staff, open_tasks(case_id)["rectification"], rectify_data(staff))
    complete(people.project_team, open_tasks(case_id)["verification"], {"passed": True, "opinion": "合格"})
    assert case_row(case_id).status == "closed"


@pytest.fixture
def two_areas(area):  # noqa: F811
    """November cases in two townships, with different figures. 城关镇 (enterprise A): three — one closed, one
    assigned (overdue on Dec 10), one major — and one of October 31 that makes the first recur. 南湖镇 (B): two,
    both open, one assigned (overdue), one of another hazard type."""
    clock.set(datetime(2026, 10, 31, 23, 30, tzinfo=SHANGHAI))
    register(area)
    at(2)
    first = register(area)
    at(4)
    close(area, first, area.ent_a)
    at(5)
    assigned_a = register(area)
    complete(area.project_lead, open_tasks(assigned_a)["assignment"], ASSIGN)
    register(area, score=60)
    at(6)
    fire_b = register(area, enterprise=area.enterprise_b)
    assigned_b = register(area, enterprise=area.enterprise_b)
    complete(area.project_lead, open_tasks(assigned_b)["assignment"], ASSIGN)
    db.session.execute(update(HazardCase).where(HazardCase.id == fire_b).values(hazard_type="fire"))
    db.session.commit()
    clock.set(datetime(2026, 12, 10, 9, 0, tzinfo=SHANGHAI))
    return area


def counted(townships):
    """The figures of the November cases of `townships`, counted here case by case."""
    cases = db.session.query(HazardCase).join(Enterprise, Enterprise.id == HazardCase.enterprise_id).filter(
        Enterprise.township.in_(townships), HazardCase.registered_at >= datetime(2026, 11, 1, tzinfo=SHANGHAI),
        HazardCase.registered_at < datetime(2026, 12, 1, tzinfo=SHANGHAI)).all()
    now = clock.now()
    closed = [c for c in cases if c.status == "closed"]
    overdue = [c for c in cases if c.status != "closed" and c.rectification_due and c.rectification_due < now]

    def by(key):
        groups = {}
        for c in cases:
            groups[key(c)] = groups.get(key(c), 0) + 1
        return groups
    return {"registered": len(cases), "closed": len(closed), "open": len(cases) - len(closed),
            "overdue": len(overdue), "rate": round(100 * len(closed) / len(cases), 1) if cases else None,
            "by_grade": by(lambda c: c.grade), "by_type": by(lambda c: c.hazard_type),
            "by_industry": by(lambda c: c.enterprise.industry), "enterprises": by(lambda c: c.enterprise.name)}


def figures(body):
    """The same figures from a /api/v1/statistics answer."""
    total = body["total"]

    def groups(name):
        return {g["key"]: g["registered"] for g in body[name]}
    return {"registered": total["registered"], "closed": total["closed"], "open": total["open"],
            "overdue": total["overdue"], "rate": total["rate"], "by_grade": groups("by_grade"),
            "by_type": groups("by_type"), "by_industry": groups("by_industry"),
            "enterprises": {e["name"]: e["registered"] for e in body["enterprises"]}}


# ---- the figures -----------------------------------------------------------------------------------------------------
def test_a_township_offices_figures_are_those_of_its_area_only(two_areas, api):
    a, b = counted([TOWN_A]), counted([TOWN_B])
    assert (a["registered"], a["closed"], a["overdue"], b["registered"], b["overdue"]) == (3, 1, 1, 2, 1)
    body = api("town_a").get(f"/api/v1/statistics?{PERIOD}").get_json()
    assert figures(body) == a
    assert body["area"] == {"townships": [TOWN_A], "enterprise_id": None, "enterprise_name": None}
    assert [g["key"] for g in body["by_township"]] == [TOWN_A]
    assert {cell["township"] for cell in body["heat"]} == {TOWN_A}
    assert (body["recurring"], body["recurrence_rate"]) == (3, 100.0)  # each of A's had one before it (Oct 31 first)
    assert sum(body["trend"]["total"]["counts"]) == 4  # Oct 31 and three in November: A's only
    of_b = api("town_b").get(f"/api/v1/statistics?{PERIOD}").get_json()
    assert figures(of_b) == b and (of_b["recurring"], of_b["recurrence_rate"]) == (0, 0.0)
    both = api("town_ab").get(f"/api/v1/statistics?{PERIOD}").get_json()
    assert figures(both) == counted([TOWN_A, TOWN_B]) and both["area"]["townships"] == sorted([TOWN_A, TOWN_B])
    assert figures(api("town_ab").get(f"/api/v1/statistics?{PERIOD}&township={TOWN_B}").get_json()) == b
    nothing = api("town_none").get(f"/api/v1/statistics?{PERIOD}").get_json()
    assert nothing["total"]["registered"] == 0 and nothing["enterprises"] == [] and nothing["area"]["townships"] == []


def test_the_bureau_keeps_the_county_and_may_look_at_one_area(two_areas, api):
    bureau = api("bureau")
    county = bureau.get(f"/api/v1/statistics?{PERIOD}").get_json()
    assert figures(county) == counted([TOWN_A, TOWN_B]) and county["area"]["townships"] is None
    assert (county["recurring"], county["recurrence_rate"]) == (3, 60.0)
    assert sum(county["trend"]["total"]["counts"]) == 6
    per_township = {g["key"]: (g["registered"], g["open"], g["overdue"], g["rate"]) for g in county["by_township"]}
    assert per_township == {TOWN_A: (3, 2, 1, 33.3), TOWN_B: (2, 2, 1, 0.0)}
    assert figures(bureau.get(f"/api/v1/statistics?{PERIOD}&township={TOWN_B}").get_json()) == counted([TOWN_B])
    one = bureau.get(f"/api/v1/statistics?{PERIOD}&enterprise_id={two_areas.enterprise_b.id}").get_json()
    assert one["total"]["registered"] == 2 and one["area"]["enterprise_name"] == two_areas.enterprise_b.name
    assert bureau.get(f"/api/v1/statistics?{PERIOD}&township=无此镇").status_code == 404


def test_another_areas_township_or_enterprise_is_404_without_data(two_areas, api, login):
    client, page = api("town_a"), login("town_a")
    b = two_areas.enterprise_b
    for query in (f"township={TOWN_B}", f"enterprise_id={b.id}", f"township={TOWN_A}&enterprise_id={b.id}",
                  "township=无此镇", "enterprise_id=999999"):
        response = client.get(f"/api/v1/statistics?{PERIOD}&{query}")
        assert response.status_code == 404 and response.get_json()["error"] == "not_found", query
        assert "registered" not in response.get_data(as_text=True)
        for path in ("/reports", "/reports/export.csv", "/reports/export.xlsx", "/reports/export.pdf"):
            response = page.get(f"{path}?{PERIOD}&{query}")
            assert response.status_code == 404, (path, query)
            assert b.name not in response.get_data(as_text=True)
    # The own area's enterprise is allowed, so is the own township named explicitly.
    own = client.get(f"/api/v1/statistics?{PERIOD}&enterprise_id={two_areas.enterprise_a.id}").get_json()
    assert figures(own) == counted([TOWN_A])
    assert figures(client.get(f"/api/v1/statistics?{PERIOD}&township={TOWN_A}").get_json()) == counted([TOWN_A])


# ---- the page and its files ------------------------------------------------------------------------------------------
def test_the_page_is_titled_with_the_area_and_offers_only_its_choices(two_areas, login):
    page = text(login("town_a").get(f"/reports?{PERIOD}"))
    assert f"统计报表 — {TOWN_A}" in page
    assert '<span class="kpi-value">3</span>' in page and "33.3 %" in page
    assert two_areas.enterprise_a.name in page and two_areas.enterprise_b.name not in page
    assert f'<option value="{TOWN_A}"' in page and f'<option value="{TOWN_B}"' not in page
    assert f'<option value="{two_areas.enterprise_b.id}"' not in page
    assert f"township={quote(TOWN_A)}" not in page  # no link to the township already shown
    assert 'href="/reports"' in text(login("town_a").get("/"))  # the nav link
    nothing = login("town_none").get(f"/reports?{PERIOD}")  # an office covering no township: nothing, not all
    assert nothing.status_code == 200 and '<span class="kpi-value">5</span>' not in text(nothing)
    assert two_areas.enterprise_a.name not in text(nothing)
    several = text(login("town_ab").get(f"/reports?{PERIOD}&township={TOWN_B}"))
    assert f"统计报表 — {TOWN_B}" in several and '<span class="kpi-value">2</span>' in several
    assert f'export.csv?start=2026-11-01&amp;end=2026-11-30&amp;township={quote(TOWN_B)}"' in several


def test_the_bureaus_page_has_the_county_and_a_row_per_township_linking_to_it(two_areas, login):
    page = text(login("bureau").get(f"/reports?{PERIOD}"))
    assert "统计报表 — 全县" in page and '<span class="kpi-value">5</span>' in page
    assert two_areas.enterprise_a.name in page and two_areas.enterprise_b.name in page
    for town in (TOWN_A, TOWN_B):
        assert f'href="/reports?start=2026-11-01&amp;end=2026-11-30&amp;township={quote(town)}">{town}</a>' in page


def test_the_files_are_scoped_too(two_areas, login):
    client = login("town_a")
    rows = csv_rows(client.get(f"/reports/export.csv?{PERIOD}"))
    assert ["统计范围", TOWN_A] in rows and ["登记隐患数", "3"] in rows and ["逾期未整改", "1"] in rows
    assert not [row for row in rows if two_areas.enterprise_b.name in row or TOWN_B in row]
    cells = [cell for row in Workbook(client.get(f"/reports/export.xlsx?{PERIOD}").get_data()).rows for cell in row]
    assert TOWN_A in cells and two_areas.enterprise_a.name in cells and two_areas.enterprise_b.name not in cells
    pdf = client.get(f"/reports/export.pdf?{PERIOD}")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    shown = flat(pdf_text(pdf.get_data()))
    assert f"{TOWN_A}隐患排查治理统计报表" in shown and two_areas.enterprise_b.name not in shown
    county = csv_rows(login("bureau").get(f"/reports/export.csv?{PERIOD}"))
    assert ["统计范围", "全县"] in county and ["登记隐患数", "5"] in county


# ---- the periodic reports --------------------------------------------------------------------------------------------
def notices(kind):
    return {db.session.get(User, n.user_id).username: n for n in db.session.query(Notification).filter_by(kind=kind)}


def test_the_monthly_report_tells_each_office_its_areas_figures(two_areas, login):
    at(1, month=12)
    assert jobs.deliver_monthly_report() == 5  # manager, bureau, town_a, town_b, town_ab; town_none nothing
    assert jobs.deliver_monthly_report() == 0
    sent = notices("monthly_report")
    assert set(sent) == {"manager", "bureau", "town_a", "town_b", "town_ab"}
    assert sent["bureau"].title == "2026年11月隐患排查治理月报" and "本月登记隐患 5 件" in sent["bureau"].body
    assert sent["town_a"].title == f"2026年11月{TOWN_A}隐患排查治理月报"
    assert "本月登记隐患 3 件，已销号 1 件，未销号 2 件" in sent["town_a"].body and "整改率 33.3%" in sent["town_a"].body
    assert "本月登记隐患 2 件" in sent["town_b"].body and "本月登记隐患 5 件" in sent["town_ab"].body
    page = text(login("town_a").get("/notifications"))
    assert 'href="/reports?start=2026-11-01&amp;end=2026-11-30"' in page


def test_the_weekly_briefing_too(two_areas):
    at(9)  # Monday after the week of Nov 2 - 8
    assert jobs.deliver_weekly_report() == 6  # manager, bureau, project_lead and three offices
    sent = notices("weekly_report")
    assert "本周新登记隐患 5 件" in sent["bureau"].body and "本周新登记隐患 5 件" in sent["town_ab"].body
    assert sent["town_a"].title.startswith(TOWN_A) and "本周新登记隐患 3 件" in sent["town_a"].body
    assert "完成整改销号 1 件" in sent["town_a"].body and "完成整改销号 0 件" in sent["town_b"].body
    assert "town_none" not in sent
