"""Monthly cooperation scores (services/cooperation.py, cooperation_measures.py): each factor from real records
(cases walked through the services, notice receipts, visit confirmations), the classes, the ranking, an idempotent
recompute, the two-months-C list for 专项督导 with its one notice per month, and the scheduler's monthly job."""
from datetime import date, datetime

import pytest

from app.clock import SHANGHAI, clock
from app.errors import ValidationFailed
from app.extensions import db
from app.models import AuditEvent, CooperationScore, HazardCase, Notification
from app.services import cooperation, notice_receipts, visit_reports
from app.services.uow import UnitOfWork
from scheduler.jobs import score_cooperation
from tests.test_inspections import visit
from tests.visit_review_support import released
from tests.test_lifecycle_service import ASSIGN, complete, open_tasks, rectify_data, register

NOVEMBER, OCTOBER = date(2026, 11, 1), date(2026, 10, 1)
FULL_PROFILE = dict(main_products="涂料", employees=120, safety_managers=2, special_workers=6, main_risks="动火作业",
                    contact_person="陈", contact_phone="13800000000")


def at(day, hour=9, month=11):
    clock.set(datetime(2026, month, day, hour, 0, tzinfo=SHANGHAI))


def score(month=NOVEMBER):
    with UnitOfWork() as uow:
        rows = cooperation.score_month(uow, month)
        uow.commit()
    return {row.enterprise.name: row for row in rows}


def assigned(people, enterprise=None):
    case_id = register(people, enterprise=enterprise)
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    return case_id


def sign(user, case_id):
    with UnitOfWork() as uow:
        notice_receipts.acknowledge(uow, user, case_id)
        uow.commit()


def rectify(people, case_id):
    complete(people.ent_a, open_tasks(case_id)["rectification"], rectify_data(people.ent_a))


def verify(people, case_id, passed):
    complete(people.project_team, open_tasks(case_id)["verification"],
             {"passed": passed, "opinion": "合格" if passed else "不合格", "added_requirements": "" if passed else "接地"})


def test_profile_completeness_is_the_share_of_the_register_fields_filled(people):
    for name, value in FULL_PROFILE.items():
        setattr(people.enterprise_a, name, value)
    people.enterprise_b.special_workers = 0  # a number counts when above 0
    db.session.commit()
    at(1, month=12)
    rows = score()
    a, b = rows["甲化工有限公司"], rows["乙机械制造厂"]
    assert a.profile_score == 20 and a.factors["profile"]["missing"] == []
    assert b.profile_score == 6  # address, township and industry: 3 of 10 fields
    assert b.factors["profile"]["filled"] == 3 and "special_workers" in b.factors["profile"]["missing"]
    # nothing to measure in the other two factors: their full points
    assert (a.feedback_score, a.rectification_score, a.score, a.cooperation_class) == (30, 50, 100, "A")
    assert (b.feedback_score, b.rectification_score, b.score, b.cooperation_class) == (30, 50, 86, "A")


def test_notices_signed_within_one_working_day_of_the_round_s_issue(people):
    at(5)  # Thursday: due Friday 09:00
    on_time, late = assigned(people), assigned(people)
    at(6, hour=8)
    sign(people.ent_a, on_time)
    at(9)  # Monday: the other is signed after its working day
    sign(people.ent_a, late)
    at(27)  # Friday 27th: its day for signing ends Monday 30th, still November
    assigned(people)
    at(30)  # Monday 30th: due Tuesday 1 December, so it counts in December
    assigned(people)
    at(1, month=12)
    found = score()["甲化工有限公司"].factors["feedback"]
    assert (found["notices"], found["notices_on_time"], found["visits"]) == (3, 1, 0)
    assert len(found["late_notices"]) == 2
    assert found["points"] == round(15 * 1 / 3 + 15, 1)


def test_visits_confirmed_within_three_days_of_being_recorded(people):
    """The three days run from the report's release (三级审核): the review's own time is not the enterprise's."""
    at(1)
    quick, slow, never = (visit(people.inspector, people.enterprise_a) for _n in range(3))
    at(2)
    quick, slow, never = (released(v) for v in (quick, slow, never))
    at(5, hour=8)  # 2 days 23 hours later
    with UnitOfWork() as uow:
        visit_reports.acknowledge(uow, people.ent_a, quick.id)
        uow.commit()
    at(5, hour=10)  # 3 days and an hour
    with UnitOfWork() as uow:
        visit_reports.acknowledge(uow, people.ent_a, slow.id)
        uow.commit()
    at(29)  # its three days end on 2 December: next month's
    released(visit(people.inspector, people.enterprise_a))
    at(1, month=12)
    rows = score()
    found = rows["甲化工有限公司"].factors["feedback"]
    late = ["2026-11-01", "2026-11-01"]  # named by the visit's day
    assert (found["visits"], found["visits_on_time"], found["late_visits"]) == (3, 1, late)
    assert rows["甲化工有限公司"].feedback_score == 15 + 5
    assert rows["乙机械制造厂"].factors["feedback"]["visits"] == 0


def test_rectification_on_time_first_round_and_overdue_at_the_month_s_end(people):
    at(2)  # Monday; 7 working days: deadline Wednesday 11th 09:00
    passed_first, passed_second, left = assigned(people), assigned(people), assigned(people)
    at(4)
    rectify(people, passed_second)
    at(5)
    rectify(people, passed_first)
    verify(people, passed_second, False)  # round 2, due 16th
    at(6)
    verify(people, passed_first, True)
    at(20)
    rectify(people, passed_second)  # four days late
    at(23)
    verify(people, passed_second, True)
    at(1, month=12)
    a = score()["甲化工有限公司"]
    found = a.factors["rectification"]
    # due: both first rounds on time and the untouched one late, the second round late
    assert (found["due"], found["on_time"], found["closed"], found["first_round"], found["overdue_open"]) == \
        (4, 2, 2, 1, 1)
    code = db.session.get(HazardCase, left).code
    assert found["overdue_cases"] == [code] and code in found["late"]
    assert a.rectification_score == round(30 * 2 / 4 + 20 * 1 / 2 - 10, 1) == 15


def test_a_deadline_missed_before_the_month_is_owed_in_it_until_rectified(people):
    at(12, month=10)  # due 21 October, never rectified
    assigned(people)
    at(1, month=11)
    october = score(OCTOBER)["甲化工有限公司"].factors["rectification"]
    assert (october["due"], october["on_time"], october["overdue_open"]) == (1, 0, 1)
    at(1, month=12)
    november = score()["甲化工有限公司"]
    assert (november.factors["rectification"]["due"], november.factors["rectification"]["overdue_open"]) == (1, 1)
    assert november.rectification_score == 0 + 20 - 10


def test_classes_and_ranking(people, make_enterprise):
    assert [cooperation.class_of(s) for s in (100, 85, 84.9, 60, 59.9, 0)] == ["A", "A", "B", "B", "C", "C"]
    make_enterprise("丙仓储公司")
    for name, value in FULL_PROFILE.items():
        setattr(people.enterprise_a, name, value)
    db.session.commit()
    at(12, month=10)
    for _n in range(3):  # three cases at B overdue since October: rectification 0 (their notices were October's)
        assigned(people, enterprise=people.enterprise_b)
    at(1, month=12)
    rows = score()
    assert [(n, r.score, r.cooperation_class, r.rank) for n, r in sorted(rows.items(), key=lambda i: i[1].rank)] \
        == [("甲化工有限公司", 100, "A", 1), ("丙仓储公司", 86, "A", 2), ("乙机械制造厂", 6 + 30 + 0, "C", 3)]
    assert cooperation.class_counts(list(rows.values())) == {"A": 2, "B": 0, "C": 1}
    tie = make_enterprise("丁物流公司")
    assert tie.id
    rows = score()
    assert (rows["丙仓储公司"].rank, rows["丁物流公司"].rank, rows["乙机械制造厂"].rank) == (2, 2, 4)


def test_recomputing_a_month_replaces_its_rows_with_the_same_scores(people):
    at(2)
    assigned(people)
    at(1, month=12)
    first = {name: (r.score, r.rank, r.factors) for name, r in score().items()}
    again = {name: (r.score, r.rank, r.factors) for name, r in score().items()}
    assert first == again
    assert db.session.query(CooperationScore).count() == 2
    events = db.session.query(AuditEvent).filter_by(action="cooperation_scored").all()
    assert len(events) == 2 and events[0].details["month"] == "2026-11" and events[0].details["enterprises"] == 2


def test_two_months_in_class_c_list_the_enterprise_and_notify_once(people):
    at(12, month=10)
    for _n in range(3):
        assigned(people, enterprise=people.enterprise_b)
    at(1, month=11)
    score(OCTOBER)
    assert cooperation.supervision_list(db.session, OCTOBER) == []  # one month only
    at(1, month=12)
    rows = score()
    flagged = cooperation.supervision_list(db.session, NOVEMBER)
    assert [(row.enterprise.name, before.month) for row, before in flagged] == [("乙机械制造厂", OCTOBER)]
    assert rows["乙机械制造厂"].cooperation_class == "C"
    score()  # recomputed: no second notice
    notices = db.session.query(Notification).filter_by(kind=cooperation.NOTICE_KIND).all()
    assert sorted(n.user_id for n in notices) == sorted([people.bureau.id, people.quality.id])
    assert "乙机械制造厂" in notices[0].body and "专项督导" in notices[0].title
    events = db.session.query(AuditEvent).filter_by(action="cooperation_scored").all()
    assert events[-1].details["special_supervision"] == [people.enterprise_b.id]


def test_an_empty_register_is_not_scored(app):
    at(1, hour=1, month=12)
    assert score_cooperation() is None
    assert db.session.query(AuditEvent).filter_by(action="cooperation_scored").count() == 0


def test_the_monthly_job_scores_last_month_once(app, people):
    at(1, hour=1, month=12)
    rows = score_cooperation()
    assert {r.month for r in rows} == {NOVEMBER} and len(rows) == 2
    assert score_cooperation() is None  # already scored this month
    assert db.session.query(CooperationScore).count() == 2


def test_months_are_read_strictly():
    assert cooperation.parse_month("2026-02") == date(2026, 2, 1)
    for text in ("2026-13", "2026-2", "26-02", "", "2026-02-01", None):
        with pytest.raises(ValidationFailed):
            cooperation.parse_month(text)
    assert cooperation.previous_month(date(2026, 1, 15)) == date(2025, 12, 1)
