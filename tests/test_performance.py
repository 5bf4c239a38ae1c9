"""Staff scorecards (services/performance.py): each figure of November (tests/performance_support.py) counted by hand,
the weights' validation at start, and the deductions of supervision records and upheld complaints."""
from fractions import Fraction

import pytest

from app import create_app
from app.config import PERFORMANCE_DEFAULTS, check_performance_weights, performance_weights
from app.models import AuditEvent, Notification, ServiceComplaint
from app.services import performance, staff_supervision
from app.services.performance_signals import Month
from tests.performance_support import NOW, build, run, supervision_records

NOVEMBER = Month(2026, 11)
RULES = performance.Rules(dict(PERFORMANCE_DEFAULTS), 8, 10, 5, 5)


@pytest.fixture
def november(people, make_user):
    return build(people, make_user)


def cards(people, month=NOVEMBER):
    from app.extensions import db
    return {c.user.username: c for c in performance.ranking(db.session, people.project_lead, month, RULES)}


def test_each_figure_of_the_month_counted_by_hand(people, november):
    found = cards(people)
    assert set(found) == {"inspector", "inspector2", "project_team", "project_lead"}
    inspector = found["inspector"]
    s = inspector.signals
    # visits V1 (in order) and V2 (2 h on site); c1 clean, c2 re-graded, c3 found wanting; c0 is October's
    assert [(v.visit.id, v.flags) for v in s.visits] == [(november["V1"], []), (november["V2"], ["short"])]
    assert [(c.id, c.regraded, c.quality_problem) for c in s.cases] == [
        (november["c1"], False, False), (november["c3"], False, True), (november["c2"], True, False)]
    assert s.verifications == []
    assert [c.id for c in s.complaints] == [november["complaint_upheld"]]  # the V1 complaint was not upheld
    parts = {k: (p.numerator, p.denominator, p.value) for k, p in inspector.parts.items()}
    assert parts == {"workload": (2, 8, 25), "accuracy": (1, 3, Fraction(100, 3)), "timeliness": (0, 0, None),
                     "satisfaction": (4.0, 1, 80), "discipline": (1, 2, 50)}
    weighted = (20 * 25 + 25 * Fraction(100, 3) + 20 * 80 + 15 * 50) / 80  # timeliness has nothing to count
    assert inspector.weighted == weighted
    assert [(d.kind, d.points) for d in inspector.deductions] == [("complaint", 5)]
    assert inspector.score == round(float(weighted - 5), 1) == 41.0

    team = found["project_team"]
    assert [(v.case_id, v.on_time, v.passed) for v in team.signals.verifications] == [
        (november["c1"], True, True), (november["c3"], False, True)]
    assert team.parts["workload"].value == 25 and team.parts["timeliness"].value == 50
    assert [k for k, p in team.parts.items() if p.value is None] == ["accuracy", "satisfaction", "discipline"]
    assert team.score == (20 * 25 + 20 * 50) / 40 == 37.5

    second = found["inspector2"]
    assert [(v.visit.id, v.flags) for v in second.signals.visits] == [(november["V1"], ["no_check_in"])]
    assert second.signals.satisfaction is None  # the recorder's ratings, not the team's
    assert second.score == round((20 * 12.5 + 15 * 0) / 35, 1) == 7.1
    assert found["project_lead"].score == 0.0
    assert [(c.user.username, c.rank) for c in cards(people).values()] == [
        ("inspector", 1), ("project_team", 2), ("inspector2", 3), ("project_lead", 4)]


def test_the_month_bounds_the_counts(people, november):
    october = cards(people, Month(2026, 10))["inspector"]
    assert [c.id for c in october.signals.cases] == [november["c0"]] and october.signals.visits == []
    assert october.score == round(25 * 100 / 45, 1) == 55.6  # workload 0 of 8, accuracy 1 of 1
    assert performance.read_month("2026-10").label == "2026-10"
    assert performance.read_month("").label == "2026-11"


@pytest.mark.parametrize("text", ["2026-13", "2026/11", "11-2026", "2026-12", "1999-01", "x"])
def test_a_wrong_or_future_month_is_refused_with_its_field(people, text):
    from app.errors import ValidationFailed
    with pytest.raises(ValidationFailed) as caught:
        performance.read_month(text)
    assert set(caught.value.fields) == {"month"}


def test_a_failed_supervision_deducts_points_and_tells_the_inspector_and_the_leads(people, november):
    from app.extensions import db
    supervision_records(people, november)
    inspector = cards(people)["inspector"]
    assert [(d.kind, d.points, d.record.id) for d in inspector.deductions] == [
        ("failed_check", 10, november["S1"]), ("criticism", 5, november["S1"]),
        ("complaint", 5, november["complaint_upheld"])]
    assert inspector.score == round(float(inspector.weighted) - 20, 1) == 26.0
    assert cards(people)["inspector2"].deductions == []  # S2 passed
    told = db.session.query(Notification.user_id).filter_by(kind="staff_supervision_failed").all()
    assert sorted(u for (u,) in told) == sorted([people.inspector.id, people.project_lead.id])
    # Changed to 合格: the deduction goes; the audit row says before → after
    body = {"kind": "unannounced", "checked_on": "2026-11-10", "checkers": "督查组 王", "findings": "复查后合格",
            "result": "pass", "measures": [], "staff_ids": [people.inspector.id], "visit_id": november["V2"]}
    run(lambda uow: staff_supervision.update(uow, people.project_lead, november["S1"], body))
    assert [d.kind for d in cards(people)["inspector"].deductions] == ["complaint"]
    event = db.session.query(AuditEvent).filter_by(action="staff_supervision_updated").one()
    assert event.changes["supervision_result"] == ["fail", "pass"]
    assert event.changes["supervision_measures"] == [["criticism"], []]
    assert event.changes["supervision_findings"] == ["未逐项检查", "复查后合格"]
    assert (event.subject_type, event.subject_id) == ("staff_supervision", november["S1"])


def test_a_check_failed_later_or_of_someone_added_tells_only_those_not_told_yet(people, november):
    from app.extensions import db
    supervision_records(people, november)
    body = {"kind": "cross_check", "checked_on": "2026-11-12", "checkers": "北片区 李", "findings": "漏查配电房",
            "result": "fail", "measures": [], "staff_ids": [november["inspector2"].id, people.inspector.id]}
    run(lambda uow: staff_supervision.update(uow, people.quality, november["S2"], body))
    told = db.session.query(Notification.user_id, Notification.dedup_key).filter_by(kind="staff_supervision_failed")
    s2 = sorted(u for u, key in told if key == f"staff_supervision:{november['S2']}:failed")
    assert s2 == sorted([november["inspector2"].id, people.inspector.id, people.project_lead.id])
    run(lambda uow: staff_supervision.update(uow, people.quality, november["S2"], {**body, "findings": "补充"}))
    assert db.session.query(Notification).filter_by(dedup_key=f"staff_supervision:{november['S2']}:failed").count() \
        == 3


def test_complaint_conclusion_is_kept_and_audited(people, november):
    from app.extensions import db
    row = db.session.get(ServiceComplaint, november["complaint_upheld"])
    assert row.upheld is True and row.approved_at == NOW
    assert db.session.get(ServiceComplaint, november["complaint_rejected"]).upheld is False
    event = db.session.query(AuditEvent).filter_by(action="complaint_answer_drafted",
                                                   subject_id=november["complaint_upheld"]).one()
    assert event.changes["complaint_upheld"] == [None, True]


@pytest.mark.parametrize("weights, message", [
    ({**PERFORMANCE_DEFAULTS, "workload": 21}, "add up to 100"),
    ({"workload": 50, "accuracy": 10, "timeliness": 10, "satisfaction": 9, "discipline": 21}, "at least 30"),
    ({**PERFORMANCE_DEFAULTS, "workload": -5, "discipline": 40}, "0 or more"),
    ({**PERFORMANCE_DEFAULTS, "workload": 20.5}, "whole numbers"),
    ({"workload": 100}, "exactly the keys"),
])
def test_weights_are_checked(weights, message):
    with pytest.raises(RuntimeError, match=message):
        check_performance_weights(weights)


def test_weights_from_the_environment_and_at_start():
    assert performance_weights({}) == PERFORMANCE_DEFAULTS
    moved = {"PERFORMANCE_WEIGHT_WORKLOAD": "10", "PERFORMANCE_WEIGHT_DISCIPLINE": "25"}
    assert performance_weights(moved)["discipline"] == 25
    assert check_performance_weights({"workload": 40, "accuracy": 10, "timeliness": 10, "satisfaction": 10,
                                      "discipline": 30})  # exactly 30 quality points pass
    with pytest.raises(RuntimeError, match="PERFORMANCE_WEIGHT_ACCURACY"):
        performance_weights({"PERFORMANCE_WEIGHT_ACCURACY": "25%"})
    with pytest.raises(RuntimeError, match="at least 30"):
        performance_weights({"PERFORMANCE_WEIGHT_ACCURACY": "0", "PERFORMANCE_WEIGHT_TIMELINESS": "5",
                             "PERFORMANCE_WEIGHT_SATISFACTION": "5", "PERFORMANCE_WEIGHT_WORKLOAD": "75"})
    with pytest.raises(RuntimeError, match="add up to 100"):
        create_app({"PERFORMANCE_WEIGHTS": {**PERFORMANCE_DEFAULTS, "accuracy": 5}, "SQLALCHEMY_DATABASE_URI":
                    "sqlite://"})
    with pytest.raises(RuntimeError, match="PERFORMANCE_MONTHLY_WORKLOAD"):
        create_app({"PERFORMANCE_MONTHLY_WORKLOAD": 0, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_other_weights_move_the_score(people, november):
    from app.extensions import db
    rules = performance.Rules({"workload": 0, "accuracy": 30, "timeliness": 0, "satisfaction": 0, "discipline": 70},
                              8, 10, 5, 5)
    card = performance.scorecard(db.session, people.inspector, people.inspector.id, NOVEMBER, rules)
    assert card.score == round((30 * 100 / 3 + 70 * 50) / 100 - 5, 1) == 40.0


def test_the_demo_has_a_failed_spot_check_and_this_months_cross_check(app):
    from app.extensions import db
    from app.models import StaffSupervision, User
    assert app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"]).exit_code == 0
    rows = db.session.query(StaffSupervision).order_by(StaffSupervision.id).all()
    assert [(r.kind, r.result, [u.username for u in r.staff]) for r in rows] == [
        ("unannounced", "fail", ["inspector"]), ("cross_check", "pass", ["project_team"])]
    lead = db.session.query(User).filter_by(username="project_lead").one()
    month = Month.of(rows[0].checked_on)
    found = {c.user.username: c for c in performance.ranking(db.session, lead, month, RULES)}
    assert ("failed_check", 10) in [(d.kind, d.points) for d in found["inspector"].deductions]
    assert "short" in [f for v in found["inspector"].signals.visits for f in v.flags]
