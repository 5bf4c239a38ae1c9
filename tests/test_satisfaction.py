"""The satisfaction report (满意度评价统计, services/satisfaction.py): visits, ratings and the response rate, averages
per dimension and overall, per month and per recorder, the distribution of overall scores and the low-score ratings
(anonymous ones without a name), for a range of visit days and a township; its page, CSV file and who reads them."""
from datetime import date, timedelta

import pytest

from app.clock import clock
from app.extensions import db
from app.models import InspectionVisit
from app.services import satisfaction
from tests.test_visit_ratings import GOOD, LOW, rate, visit
from tests.test_web_support import csv_rows, text

READERS = ("bureau", "manager", "quality", "project_lead", "admin")
OTHERS = ("inspector", "ent_a", "project_team", "supervision", "expert", "process_owner")


def move(visit_id, day):
    db.session.get(InspectionVisit, visit_id).visited_on = day
    db.session.commit()


@pytest.fixture
def rated(people, make_user):
    """Four visits: October by the inspector (rated good by A, low and anonymously by A's colleague), November by
    the inspector (rated low by B, openly) and by the project lead (not rated), and one in 2025 (rated, outside the
    year)."""
    colleague = make_user("ent_a2", "enterprise", enterprise=people.enterprise_a)
    october = visit(people.inspector, people.enterprise_a)
    rate(people.ent_a, october, GOOD, "很专业")
    rate(colleague, october, {**LOW, "service_quality": 1}, "十月的低分", anonymous=True)
    november = visit(people.inspector, people.enterprise_b)
    clock.set(clock.now() + timedelta(hours=1))
    rate(people.ent_b, november, LOW, "十一月的低分")
    visit(people.project_lead, people.enterprise_a)
    old = visit(people.inspector, people.enterprise_a)
    rate(people.ent_a, old, GOOD)
    move(october, date(2026, 10, 20))
    move(old, date(2025, 12, 31))
    return people


def test_the_numbers(rated):
    report = satisfaction.build(db.session, rated.bureau,
                                satisfaction.SatisfactionFilter(date(2026, 1, 1), date(2026, 11, 23)))
    t = report.total
    assert (t.visits, t.rated, t.ratings, t.response_rate) == (3, 2, 3, 66.7)
    # service quality 5 + 1 + 3, professional level 4 + 4 + 4, communication 4 + 2 + 2, response speed 5 + 3 + 3
    assert t.averages == {"service_quality": 3.0, "professional_level": 4.0, "communication": 2.67,
                          "response_speed": 3.67}
    assert t.overall == round(40 / 12, 2)
    assert list(report.by_month) == ["2026-10", "2026-11"]
    assert (report.by_month["2026-10"].visits, report.by_month["2026-10"].ratings) == (1, 2)
    assert (report.by_month["2026-11"].visits, report.by_month["2026-11"].rated, report.by_month["2026-11"]
            .response_rate) == (2, 1, 50.0)
    assert [(name, r.visits, r.rated) for name, r in report.by_recorder] == [("inspector", 2, 2),
                                                                           ("project_lead", 1, 0)]
    # overall of each: GOOD 4.5 -> 5 (half up), the anonymous 2.75 -> 3, LOW 3.0 -> 3
    assert report.distribution == {1: 0, 2: 0, 3: 2, 4: 0, 5: 1}
    assert [r.comment for r in report.low] == ["十一月的低分", "十月的低分"] and report.low_total == 2
    assert [r.shown_rater.username if r.shown_rater else None for r in report.low] == ["ent_b", None]


def test_the_filters(rated):
    town = satisfaction.build(db.session, rated.quality, satisfaction.SatisfactionFilter(
        date(2026, 1, 1), date(2026, 12, 31), township="城关镇"))
    assert (town.total.visits, town.total.ratings) == (3, 3)  # the fixtures' enterprises are all in 城关镇
    assert satisfaction.build(db.session, rated.quality, satisfaction.SatisfactionFilter(
        date(2026, 1, 1), date(2026, 12, 31), township="南湖镇")).total.visits == 0
    last_year = satisfaction.build(db.session, rated.quality, satisfaction.SatisfactionFilter(
        date(2025, 1, 1), date(2025, 12, 31)))
    assert (last_year.total.visits, last_year.total.ratings, last_year.low) == (1, 1, [])
    empty = satisfaction.build(db.session, rated.quality, satisfaction.SatisfactionFilter(
        date(2024, 1, 1), date(2024, 12, 31)))
    assert (empty.total.response_rate, empty.total.overall, empty.by_month) == (None, None, {})


def test_the_page_and_its_file(rated, login):
    quality = login("quality")
    page = text(quality.get("/inspections/satisfaction"))  # this year by default
    assert 'value="2026-01-01"' in page and 'value="2026-11-23"' in page
    assert '<span class="kpi-value" id="response-rate">66.7 %</span>' in page
    assert "十月的低分" in page and "十一月的低分" in page and "匿名" in page
    assert page.index("十一月的低分") < page.index("十月的低分")  # newest first
    assert ">ent_a2<" not in page  # the anonymous rater is named nowhere
    rows = csv_rows(quality.get("/inspections/satisfaction/export.csv?since=2026-01-01&until=2026-12-31"))
    flat = [cell for row in rows for cell in row]
    assert "满意度评价统计" in flat and "十月的低分" in flat and "ent_a2" not in flat and "匿名" in flat
    assert ["2026-10", "1", "1", "2", "100.0 %"] == next(r for r in rows if r and r[0] == "2026-10")[:5]
    low = next(i for i, r in enumerate(rows) if r and r[0].startswith("低分评价"))
    assert rows[low + 2][-1] == "十一月的低分" and rows[low + 3][4] == "匿名"
    filtered = text(quality.get("/inspections/satisfaction?township=南湖镇"))
    assert "十月的低分" not in filtered and "所选范围内没有低分评价" in filtered


def test_bad_dates(people, login):
    lead = login("project_lead")
    bad = lead.get("/inspections/satisfaction?since=2026-13-01")
    assert bad.status_code == 400 and "日期格式应为" in text(bad)
    backwards = lead.get("/inspections/satisfaction?since=2026-11-20&until=2026-11-01")
    assert backwards.status_code == 400 and "结束日期不能早于开始日期" in text(backwards)
    assert lead.get("/inspections/satisfaction/export.csv?until=bad").status_code == 400


def test_who_reads_the_report(people, login, client):
    for who in READERS:
        user = login(who)
        assert user.get("/inspections/satisfaction").status_code == 200, who
        assert user.get("/inspections/satisfaction/export.csv").status_code == 200, who
        assert 'href="/inspections/satisfaction"' in text(user.get("/inspections")), who
    for who in OTHERS:
        user = login(who)
        assert user.get("/inspections/satisfaction").status_code == 403, who
        assert user.get("/inspections/satisfaction/export.csv").status_code == 403, who
        assert 'href="/inspections/satisfaction"' not in text(user.get("/inspections")), who
    for path in ("/inspections/satisfaction", "/inspections/satisfaction/export.csv"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
