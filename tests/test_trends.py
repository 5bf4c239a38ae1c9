"""Trends and the next month's forecast (趋势分析与预测): hazards registered in each of the last six whole months,
a least-squares line through them, its value for the next month; on the statistics page and in its files."""
from datetime import date, datetime

from app.clock import SHANGHAI, clock
from app.extensions import db
from app.services import trends
from tests.test_lifecycle_service import register
from tests.test_web_support import text


def test_the_line_and_its_direction():
    rising = trends.fit([1, 2, 3, 4, 5, 6])
    assert (rising.slope, rising.forecast, rising.direction) == (1.0, 7, "rising")
    falling = trends.fit([6, 5, 4, 3, 2, 1])
    assert (falling.forecast, falling.direction) == (0, "falling")  # never below zero
    steady = trends.fit([10, 11, 10, 10, 11, 10])
    assert steady.direction == "steady" and steady.forecast == 10
    assert trends.fit([0] * 6).direction == "steady"
    assert trends.fit([0, 0, 0, 0, 1, 0]).direction == "steady"  # one hazard in a quiet type is no trend


def test_whole_months_only():
    clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI))
    assert trends.last_whole_month(date(2026, 11, 30)) == date(2026, 10, 1)  # November is not over yet
    assert trends.last_whole_month(date(2026, 10, 31)) == date(2026, 10, 1)
    assert trends.last_whole_month(date(2026, 10, 15)) == date(2026, 9, 1)
    clock.set(datetime(2026, 12, 1, 0, 5, tzinfo=SHANGHAI))
    assert trends.last_whole_month(date(2026, 11, 30)) == date(2026, 11, 1)


def a_rising_half_year(people):
    """Electrical hazards: 1 in June, 2 in July ... 6 in November; one gas hazard in August."""
    for k, month in enumerate(range(6, 12)):
        for n in range(k + 1):
            clock.set(datetime(2026, month, 10 + n, 9, 0, tzinfo=SHANGHAI))
            register(people)
    clock.set(datetime(2026, 8, 20, 9, 0, tzinfo=SHANGHAI))
    from app.models import HazardCase
    db.session.get(HazardCase, register(people)).hazard_type = "gas"
    db.session.commit()
    clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=SHANGHAI))


def test_six_months_by_type_and_the_forecast(people):
    a_rising_half_year(people)
    trend = trends.compute(db.session, date(2026, 11, 30))
    assert trend.months == ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]
    assert trend.next_month == "2026-12"
    assert trend.total.counts == [1, 2, 4, 4, 5, 6]
    electrical = trend.by_type["electrical"]
    assert (electrical.counts, electrical.forecast, electrical.direction) == ([1, 2, 3, 4, 5, 6], 7, "rising")
    assert list(trend.by_type) == ["electrical", "gas"]  # most hazards first
    assert trend.by_type["gas"].counts == [0, 0, 1, 0, 0, 0]


def test_the_statistics_page_and_csv_show_it(people, login):
    a_rising_half_year(people)
    manager = login("manager")
    page = text(manager.get("/reports?start=2026-11-01&end=2026-11-30"))
    assert "趋势与预测" in page and "2026-12 预计" in page and "上升" in page
    body = manager.get("/reports/export.csv?start=2026-11-01&end=2026-11-30").get_data(as_text=True)
    assert "电气安全,1,2,3,4,5,6,上升,7" in body
    pdf = manager.get("/reports/export.pdf?start=2026-11-01&end=2026-11-30")
    assert pdf.status_code == 200 and pdf.get_data().startswith(b"%PDF")
    manager.get("/lang/en")
    assert "Rising" in text(manager.get("/reports?start=2026-11-01&end=2026-11-30"))


def test_the_statistics_api_carries_the_trend_and_the_heat_map(people, api):
    a_rising_half_year(people)
    body = api("manager").get("/api/v1/statistics?start=2026-06-01&end=2026-11-30").get_json()
    assert body["trend"]["months"][-1] == "2026-11" and body["trend"]["next_month"] == "2026-12"
    assert body["trend"]["by_type"][0] == {"key": "electrical", "counts": [1, 2, 3, 4, 5, 6], "slope": 1.0,
                                           "forecast": 7, "direction": "rising"}
    assert {"township": "城关镇", "hazard_type": "electrical", "registered": 21} in body["heat"]
