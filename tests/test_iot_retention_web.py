"""The daily roll-up from the outside: the device page's 90-day chart is drawn from the daily rows, so it survives the
pruning of the raw readings; in English without leftover Chinese; the API's device detail with `?days=` (bounded,
400 on a wrong value, 404 for another enterprise's device before the query is looked at)."""
import re

from app.clock import clock
from app.extensions import db
from app.models import IotReading
from app.services import iot_retention
from tests.iot_support import register
from tests.test_iot_retention import around_midnight, local, send_at
from tests.test_web_i18n_coverage import leftover_chinese, without_user_data
from tests.test_web_support import text


def daily_section(page):
    return re.search(r'<section class="card" id="daily">(.*?)</section>', page, re.S).group(1)


def test_the_device_page_draws_the_last_90_days_from_the_daily_rows_after_pruning(people, login):
    device_id, key = around_midnight(people)
    send_at(key, "2027-01-20T10:00", h2s=4, o2=20.8)
    send_at(key, "2027-01-21T10:00", h2s=6, o2=20.9)
    clock.set(local("2027-02-15T03:30"))
    outcome = iot_retention.roll_up_and_prune(90)
    assert outcome.readings_deleted == 6 and db.session.query(IotReading).count() == 4  # November's are gone
    clock.set(local("2027-02-15T09:00"))
    lead = login("project_lead")
    section = daily_section(text(lead.get(f"/iot/devices/{device_id}")))
    # the window is 17 November to 14 February: the pruned days of 9-10 November are older than the chart
    assert 'data-day="2026-11-10"' not in section
    assert section.count('class="band"') == 2  # one run of two days per parameter
    assert 'data-day="2027-01-20"' in section and 'data-day="2027-01-21"' in section
    assert "最小 4，平均 5，最大 6" not in section  # per day, not over the run
    assert "2027-01-21 · 最小 6，平均 6，最大 6；1 条读数" in section
    assert section.count('class="mark mark-') == 0 and "原始读数保留 90 天" in section

    clock.set(local("2026-12-01T09:00"))  # as seen in December, 9 and 10 November are in the window, from the rows
    section = daily_section(text(lead.get(f"/iot/devices/{device_id}")))
    assert "2026-11-10 · 最小 3，平均 14，最大 25；2 条读数，其中告警级 1 条" in section
    assert "2026-11-09 · 最小 5，平均 8.5，最大 12；2 条读数，预警级 1 条" in section
    assert 'class="mark mark-alarm"' in section and 'class="mark mark-warning"' in section
    assert section.count("<polygon") == 2 and 'data-day="2027-01-20"' not in section  # not yet come


def test_a_device_without_daily_rows_says_so_and_english_has_no_chinese(people, login):
    device_id, key = around_midnight(people)
    lead = login("project_lead")
    clock.set(local("2026-11-23T09:00"))
    assert "最近90天没有日统计数据" in daily_section(text(lead.get(f"/iot/devices/{device_id}")))
    iot_retention.roll_up_and_prune(90)
    for user in ("project_lead", "ent_a"):
        client = login(user)
        client.get("/lang/en")
        page = text(client.get(f"/iot/devices/{device_id}"))
        section = daily_section(page)
        assert "Last 90 days (daily figures)" in page and "2026-11-10 · min 3, average 14, max 25; 2 readings, 1 at " \
            "alarm level" in section
        assert leftover_chinese(without_user_data(page)) == {}


def test_the_api_gives_the_daily_rows_of_a_device_with_days(people, api):
    device_id, _key = around_midnight(people)
    other_id, _ = register(people.project_lead, people.enterprise_b, "GD-B")
    clock.set(local("2026-11-23T09:00"))
    iot_retention.roll_up_and_prune(90)
    ent = api("ent_a")
    plain = ent.get(f"/api/v1/iot/devices/{device_id}").get_json()
    assert "daily" not in plain and plain["code"] == "GD-001"
    found = ent.get(f"/api/v1/iot/devices/{device_id}?days=30").get_json()["daily"]
    assert [(d["parameter"], d["day"]) for d in found] == [("h2s", "2026-11-09"), ("h2s", "2026-11-10"),
                                                           ("o2", "2026-11-09"), ("o2", "2026-11-10")]
    assert found[1] == {"parameter": "h2s", "day": "2026-11-10", "count": 2, "min": 3.0, "max": 25.0, "avg": 14.0,
                        "sum": 28.0, "first_at": "2026-11-10T00:01:00+08:00", "last_at": "2026-11-10T08:00:00+08:00",
                        "warning_count": 1, "alarm_count": 1, "warn_high": 10.0, "alarm_high": 20.0,
                        "warn_low": None, "alarm_low": None, "final": False}
    assert ent.get(f"/api/v1/iot/devices/{device_id}?days=12").get_json()["daily"] == []  # 11 to 22 November
    assert [d["day"] for d in ent.get(f"/api/v1/iot/devices/{device_id}?days=13").get_json()["daily"]] == \
        ["2026-11-10", "2026-11-10"]
    for wrong in ("0", "367", "abc", "-1", "1.5"):
        response = ent.get(f"/api/v1/iot/devices/{device_id}?days={wrong}")
        assert response.status_code == 400 and "days" in response.get_json()["fields"], wrong
    assert ent.get(f"/api/v1/iot/devices/{device_id}?days=366").status_code == 200
    assert ent.get(f"/api/v1/iot/devices/{other_id}?days=abc").status_code == 404
    doc = api("bureau").get("/api/v1/openapi.json").get_json()
    parameters = doc["paths"]["/api/v1/iot/devices/{device_id}"]["get"]["parameters"]
    assert any(p["name"] == "days" for p in parameters)
