"""The project KPIs (项目绩效指标) through the JSON API, from the outside: each indicator's value on the small county
of tests/kpi_support.py, counted here by hand from what was done to each case; met / not met at the exact target;
the periods (project, phase, quarter, custom range); a township office's area; who may read; wrong parameters."""
import pytest

from app.config import KPI_DEFAULTS, kpi_targets
from tests.kpi_support import build
from tests import test_township_role


def indicators(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    return {item["key"]: item for item in response.get_json()["indicators"]}


def figures(item):
    """(numerator, denominator, met) of the period, then of each month."""
    return (item["numerator"], item["denominator"], item["met"]), \
        [(m["month"], m["numerator"], m["denominator"]) for m in item["months"]]


area = test_township_role.area  # the fixture: enterprise B in 南湖镇, township offices for each area


@pytest.fixture
def county(area):
    area.ids = build(area)
    return area


def test_each_indicator_over_the_project_counted_by_hand(county, api):
    body = api("bureau").get("/api/v1/kpi")  # no parameter: the project running today, its whole period
    data = body.get_json()
    assert data["project"]["id"] == county.ids["project"]
    assert (data["period"]["start"], data["period"]["end"], data["period"]["kind"]) == \
        ("2026-10-01", "2026-12-31", "project")
    found = indicators(body)
    assert list(found) == ["coverage", "accuracy", "rectification", "verification", "initial_review", "certification",
                           "calibration"]
    # 排查覆盖率: of the roster's two enterprises only A was visited (Oct 12); the project's own target, 85 %.
    assert figures(found["coverage"]) == ((1, 2, False), [("2026-10", 1, 2), ("2026-11", 1, 2), ("2026-12", None, None)])
    assert found["coverage"]["target"] == 0.85 and found["coverage"]["as_of"] == "2026-11-23"
    assert [b["name"] for b in found["coverage"]["behind"]] == ["乙机械制造厂"]
    # 隐患识别准确率: six registered; c2 (graded again at assignment), c4 (re-graded), c6 (quality problem) were not
    # identified right: 3 of 6. October: c1, c2 → 1 of 2; November: c3–c6 → 2 of 4 (c3's sample was 整改属实).
    assert figures(found["accuracy"]) == ((3, 6, False), [("2026-10", 1, 2), ("2026-11", 2, 4), ("2026-12", 0, 0)])
    assert found["accuracy"]["percent"] == 50.0 and found["accuracy"]["behind_total"] == 3
    behind = {b["id"]: b["why"] for b in found["accuracy"]["behind"]}
    assert behind == {county.ids["c2"]: ["regraded"], county.ids["c4"]: ["regraded"],
                      county.ids["c6"]: ["quality_problem"]}
    # 整改完成率 (the statistics' 整改率): c1, c3, c6 closed of six; by month of registration.
    assert figures(found["rectification"]) == ((3, 6, False), [("2026-10", 1, 2), ("2026-11", 2, 4), ("2026-12", 0, 0)])
    # 二次核查通过率: closed in the period c1 (Oct, round 1), c3 (Nov, round 2), c6 (Nov, round 1): 2 of 3.
    assert figures(found["verification"]) == ((2, 3, False), [("2026-10", 1, 1), ("2026-11", 1, 2), ("2026-12", 0, 0)])
    assert found["verification"]["percent"] == 66.7
    assert [(b["id"], b["round"]) for b in found["verification"]["behind"]] == [(county.ids["c3"], 2)]
    # 人员持证率: five staff, all but the quality supervisor certified; December has not begun.
    assert figures(found["certification"]) == ((4, 5, False), [("2026-10", 4, 5), ("2026-11", 4, 5),
                                                                ("2026-12", None, None)])
    # 设备校准合格率: SB-2 was valid through November 1: on October 31 two of two, today one of two.
    assert figures(found["calibration"]) == ((1, 2, False), [("2026-10", 2, 2), ("2026-11", 1, 2),
                                                              ("2026-12", None, None)])
    assert [m["met"] for m in found["calibration"]["months"]] == [True, False, None]


def test_met_at_the_exact_target_and_not_a_hair_below(county, api, app, monkeypatch):
    targets = dict(app.config["KPI_TARGETS"], accuracy=0.5, certification=0.8, verification=0.6667)
    monkeypatch.setitem(app.config, "KPI_TARGETS", targets)
    found = indicators(api("manager").get("/api/v1/kpi"))
    assert found["accuracy"]["met"] is True  # 3 / 6 = 0.5
    assert found["certification"]["met"] is True  # 4 / 5 = 0.8
    assert found["verification"]["met"] is False  # 2 / 3 = 0.6666… < 0.6667
    monkeypatch.setitem(app.config, "KPI_TARGETS", dict(targets, accuracy=0.5001, certification=0.81,
                                                        verification=0.6666))
    found = indicators(api("manager").get("/api/v1/kpi"))
    assert (found["accuracy"]["met"], found["certification"]["met"], found["verification"]["met"]) == \
        (False, False, True)
    assert [m["met"] for m in found["accuracy"]["months"]] == [False, False, None]  # 1/2, 2/4 < 0.5001; Dec: none


def test_phases_quarters_and_ranges(county, api):
    reader = api("project_lead")
    project = county.ids["project"]
    prep = reader.get(f"/api/v1/kpi?project_id={project}&phase=prep")
    assert prep.get_json()["period"] == {"start": "2026-10-01", "end": "2026-11-30", "kind": "phase", "phase": "prep",
                                         "quarter": None, "key_indicators": ["certification", "calibration"]}
    assert figures(indicators(prep)["accuracy"])[0] == (3, 6, False)
    implement = indicators(reader.get(f"/api/v1/kpi?project_id={project}&phase=implement"))  # December only
    assert figures(implement["accuracy"]) == ((0, 0, None), [("2026-12", 0, 0)])
    assert implement["coverage"]["numerator"] is None  # a month not begun is no figure
    quarter = reader.get("/api/v1/kpi?quarter=2026Q4").get_json()["period"]
    assert (quarter["start"], quarter["end"], quarter["quarter"]) == ("2026-10-01", "2026-12-31", "2026Q4")
    november = indicators(reader.get("/api/v1/kpi?from=2026-11-01&to=2026-11-30&quarter=2026Q4"))  # range first
    assert [figures(november[k])[0] for k in ("accuracy", "rectification", "verification")] == \
        [(2, 4, False), (2, 4, False), (1, 2, False)]
    # coverage counts from the project's start to the range's end, as the project page does
    assert figures(november["coverage"])[0] == (1, 2, False)
    october = indicators(reader.get("/api/v1/kpi?from=2026-10-01&to=2026-10-31"))
    assert figures(october["verification"])[0] == (1, 1, True)
    assert figures(october["calibration"])[0] == (2, 2, True)  # counted on the range's last day


def test_a_township_office_reads_the_case_figures_of_its_area(county, api):
    town_a = indicators(api("town_a").get("/api/v1/kpi"))
    assert list(town_a) == ["accuracy", "rectification", "verification", "initial_review"]  # no roster, staff, kit
    # 城关镇 is enterprise A's: c1, c2, c4, c6 — only c1 identified right; c1 and c6 closed, both at round 1.
    assert figures(town_a["accuracy"])[0] == (1, 4, False)
    assert figures(town_a["rectification"])[0] == (2, 4, False)
    assert figures(town_a["verification"])[0] == (2, 2, True)
    assert {b["id"] for b in town_a["accuracy"]["behind"]} == {county.ids[c] for c in ("c2", "c4", "c6")}
    town_b = indicators(api("town_b").get("/api/v1/kpi?from=2026-10-01&to=2026-12-31"))  # B: c3, c5
    assert [figures(town_b[k])[0] for k in ("accuracy", "rectification", "verification")] == \
        [(2, 2, True), (1, 2, False), (0, 1, False)]
    assert figures(indicators(api("town_none").get("/api/v1/kpi?quarter=2026Q4"))["accuracy"])[0] == (0, 0, None)
    default = api("town_a").get("/api/v1/kpi").get_json()
    assert default["project"] is None and default["period"]["quarter"] == "2026Q4"
    assert default["area"] == {"townships": ["城关镇"]}
    refused = api("town_a").get(f"/api/v1/kpi?project_id={county.ids['project']}")
    assert refused.status_code == 403


def test_who_may_read(people, api, make_user):
    for role in ("bureau", "manager", "project_lead", "quality", "admin"):
        assert api(role).get("/api/v1/kpi").status_code == 200, role
    for role in ("inspector", "project_team", "supervision", "expert", "process_owner"):
        assert api(role).get("/api/v1/kpi").status_code == 403, role
    assert api("ent_a").get("/api/v1/kpi").status_code == 404
    assert api("ent_a").get("/api/v1/kpi?project_id=1").status_code == 404


def test_no_project_at_all_reads_the_quarter_without_coverage(people, api):
    found = api("bureau").get("/api/v1/kpi").get_json()
    assert found["project"] is None and found["period"]["quarter"] == "2026Q4"
    coverage = indicators(api("bureau").get("/api/v1/kpi"))["coverage"]
    assert (coverage["numerator"], coverage["met"], coverage["months"]) == (None, None, [])


@pytest.mark.parametrize("query, field", [
    ("from=2026-13-01&to=2026-12-31", "from"), ("from=2026-11-01", "to"), ("to=2026-11-01", "from"),
    ("from=2026-11-30&to=2026-11-01", "to"), ("from=2020-01-01&to=2026-11-01", "to"), ("phase=middle", "phase"),
    ("quarter=2026Q5", "quarter"), ("project_id=abc", "project_id"), ("phase=prep", "phase")])
def test_wrong_parameters_are_400_with_the_field_named(people, api, query, field):
    response = api("bureau").get(f"/api/v1/kpi?{query}")
    assert response.status_code == 400, query
    body = response.get_json()
    assert body["error"] == "validation_failed" and field in body["fields"], body


def test_an_unknown_project_is_404_and_a_too_short_one_has_no_late_phase(people, api):
    from tests.service_project_support import make_project
    assert api("bureau").get("/api/v1/kpi?project_id=999999").status_code == 404
    short = make_project(people.project_lead)  # June 1 to August 31: 准备 and a one-month 实施
    assert api("bureau").get(f"/api/v1/kpi?project_id={short}&phase=implement").get_json()["period"]["end"] == \
        "2026-08-31"
    response = api("bureau").get(f"/api/v1/kpi?project_id={short}&phase=rectify")
    assert response.status_code == 400 and "phase" in response.get_json()["fields"]


def test_targets_are_configuration_with_the_seed_values():
    assert kpi_targets({}) == {"coverage": 0.85, "accuracy": 0.9, "rectification": 0.95, "verification": 0.98,
                               "initial_review": 1.0, "certification": 1.0, "calibration": 1.0}
    assert set(KPI_DEFAULTS) == set(kpi_targets({}))
    assert kpi_targets({"KPI_TARGET_COVERAGE": "0.9", "KPI_TARGET_ACCURACY": ""})["coverage"] == 0.9
    for wrong in ("85", "0", "-0.1", "nan", "九成"):
        with pytest.raises(RuntimeError, match="KPI_TARGET_RECTIFICATION"):
            kpi_targets({"KPI_TARGET_RECTIFICATION": wrong})


def test_the_initial_reviews_on_time_rate_is_an_indicator_with_a_target_of_100_percent(county, api):
    """线上初审按时率: the verification rounds' initial reviews (c1; c3 twice; c6), by the month their 48 hours ended;
    c1 reviewed within them, c3's first round after them, the others never."""
    from datetime import timedelta
    from app.extensions import db
    from app.models import InitialReview
    reviews = {(r.case_id, r.round): r for r in db.session.query(InitialReview)}
    assert set(reviews) == {(county.ids["c1"], 1), (county.ids["c3"], 1), (county.ids["c3"], 2),
                            (county.ids["c6"], 1)}
    on_time, late = reviews[(county.ids["c1"], 1)], reviews[(county.ids["c3"], 1)]
    on_time.first_reviewed_at = on_time.due_at - timedelta(hours=1)
    late.first_reviewed_at = late.due_at + timedelta(minutes=1)
    db.session.commit()
    found = indicators(api("bureau").get("/api/v1/kpi"))["initial_review"]
    assert figures(found) == ((1, 4, False), [("2026-10", 1, 1), ("2026-11", 0, 3), ("2026-12", 0, 0)])
    assert found["target"] == 1.0 and found["behind_total"] == 3
    assert figures(indicators(api("bureau").get("/api/v1/kpi?from=2026-10-01&to=2026-10-31"))["initial_review"])[0] \
        == (1, 1, True)
    # a township office: its area's cases only (B: c3's two rounds)
    assert figures(indicators(api("town_b").get("/api/v1/kpi?quarter=2026Q4"))["initial_review"])[0] == (0, 2, False)
