"""Regional risk levels (services/region_risk.py): the score's factors, the four levels, the enterprises due for
inspection, the recorded changes and their notices, the page /supervision/regions and the hourly job."""
from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from app.clock import clock
from app.extensions import db
from app.models import Notification, RegionRiskChange, SchedulerHeartbeat
from app.services import accidents, region_risk
from app.services.uow import UnitOfWork
from scheduler import jobs
from tests.test_inspection_priority import record as record_accident
from tests.test_inspections import visit
from tests.test_lifecycle_service import ASSIGN, case_row, complete, open_tasks, register
from tests.test_web_support import csv_rows, text


def areas():
    return {a.township: a for a in region_risk.grade_areas(db.session)}


def record_changes():
    with UnitOfWork() as uow:
        changes = region_risk.record_changes(uow)
        uow.commit()
        return [(c.township, c.level_before, c.level_after) for c in changes]


def test_each_factor_scores_and_sets_the_level(people, make_enterprise):
    make_enterprise("丙厂").township = "南湖镇"
    db.session.commit()
    assert {t: (a.score, a.level) for t, a in areas().items()} == {"城关镇": (0, "blue"), "南湖镇": (0, "blue")}
    people.enterprise_a.major_hazard_sources = "液氨储罐"
    db.session.commit()
    register(people, score=60)  # an open 重大: 10
    register(people, score=90)  # an open 一般: 1
    record_accident(people.bureau, people.enterprise_b, level="larger")  # 30
    town = areas()["城关镇"]
    assert town.factors == {"major_hazard_sources": 5, "open_hazards": 11, "accidents": 30}
    assert (town.score, town.level, town.inspection_days) == (23.0, "red", 90)  # 46 points, 2 enterprises
    assert areas()["南湖镇"].level == "blue"


def test_overdue_hazards_and_a_low_closing_rate_add_points(people):
    cases = [register(people) for _ in range(5)]  # five open 一般 hazards: 5 points; none closed: rate 0 %
    town = areas()["城关镇"]
    assert town.closed_rate == 0.0 and town.factors == {"open_hazards": 5, "low_closed_rate": 4}  # 2 per enterprise
    assert (town.score, town.level) == (4.5, "orange")
    complete(people.project_lead, open_tasks(cases[0])["assignment"], ASSIGN)
    clock.set(case_row(cases[0]).rectification_due + timedelta(minutes=1))
    assert areas()["城关镇"].factors["overdue_hazards"] == 5


def test_enterprises_not_inspected_within_the_level_s_interval_are_due(people):
    town = areas()["城关镇"]
    assert [(e.name, last) for e, last in town.due_inspection] == [("乙机械制造厂", None), ("甲化工有限公司", None)]
    visit(people.inspector, people.enterprise_a)
    assert [e.name for e, _ in areas()["城关镇"].due_inspection] == ["乙机械制造厂"]
    clock.set(clock.now() + timedelta(days=366))  # a blue area's yearly visit is due again
    assert [e.name for e, _ in areas()["城关镇"].due_inspection] == ["乙机械制造厂", "甲化工有限公司"]


def test_changes_are_recorded_once_and_a_rise_to_red_notifies(people):
    assert record_changes() == [("城关镇", None, "blue")]  # the first grading, no notice
    assert record_changes() == []
    for _ in range(2):
        record_accident(people.bureau, people.enterprise_a, level="major",
                        occurred_on=(clock.local_now().date() - timedelta(days=_ + 1)).isoformat())
    assert record_changes() == [("城关镇", "blue", "red")]
    notices = db.session.query(Notification).filter_by(kind=region_risk.NOTICE_KIND).all()
    assert sorted(n.user_id for n in notices) == sorted([people.bureau.id, people.project_lead.id])
    assert "城关镇" in notices[0].title and "每 90 天" in notices[0].body
    change = db.session.query(RegionRiskChange).order_by(RegionRiskChange.id.desc()).first()
    assert change.factors == {"accidents": 120} and change.score == 60.0


def test_the_page_its_files_and_who_sees_them(people, login):
    record_accident(people.bureau, people.enterprise_a, level="general")
    record_changes()
    page = text(login("inspector").get("/supervision/regions"))
    assert 'data-township="城关镇" data-level="orange"' in page and "近三年生产安全事故 10 分" in page
    assert "首次定级" in page and "每 180 天至少排查一次" in page and "每家平均 5.0 分" in page
    rows = csv_rows(login("manager").get("/supervision/regions.csv"))
    assert rows[0][:3] == ["乡镇/园区", "风险等级", "每家平均分"] and rows[1][:3] == ["城关镇", "橙色", "5.0"]
    assert login("bureau").get("/supervision/regions.xlsx").status_code == 200
    for who in ("ent_a", "project_team"):
        assert login(who).get("/supervision/regions").status_code == 403
        assert login(who).get("/supervision/regions.csv").status_code == 403


def test_the_hourly_job_records_and_beats(people):
    assert [(c.township, c.level_after) for c in jobs.grade_regions()] == [("城关镇", "blue")]
    assert db.session.get(SchedulerHeartbeat, "grade_regions").ok


def test_a_big_area_is_not_red_for_its_size_alone(people, make_enterprise):
    for n in range(38):  # 40 enterprises in 城关镇, one open 一般 hazard each: 1 point per enterprise
        make_enterprise(f"小厂{n}")
    for enterprise in db.session.query(type(people.enterprise_a)).all():
        register(people, enterprise=enterprise)
    town = areas()["城关镇"]
    # 40 points of hazards and 80 for closing none of 40 (2 per enterprise): 3.0, orange; summed, 120 would be red
    assert (town.enterprises, town.factors, town.score, town.level) == \
        (40, {"open_hazards": 40, "low_closed_rate": 80}, 3.0, "orange")


def test_a_change_is_recorded_once_even_by_two_schedulers(people, monkeypatch):
    record_changes()
    record_accident(people.bureau, people.enterprise_a, level="major")
    assert len(jobs.grade_regions()) == 1
    # A second scheduler that graded at the same moment inserts the same (township, sequence): refused.
    db.session.add(RegionRiskChange(township="城关镇", sequence=2, level_before="blue", level_after="red", score=1.0,
                                    factors={}, changed_at=clock.now()))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()

    def clash(uow):
        raise IntegrityError("INSERT", {}, Exception("duplicate key"))
    monkeypatch.setattr(region_risk, "record_changes", clash)
    assert jobs.grade_regions() == []  # the job steps aside instead of failing
    assert db.session.get(SchedulerHeartbeat, "grade_regions").message == "another scheduler recorded the changes"


def test_the_demo_areas_are_graded_per_enterprise(app):
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    graded = {t: (a.enterprises, a.score, a.level) for t, a in areas().items()}
    # 滨江工业园区: 15.3 with the demo's open pressure-vessel case (referred to the market regulator, referral_demo)
    # and the chemical plant's self-reported case (self_check_demo), which lowers the area's closed rate too
    assert graded == {"滨江工业园区": (3, 15.3, "red"), "南湖镇": (3, 7.0, "red"), "城关镇": (3, 3.0, "orange")}



def test_an_area_hovering_at_a_threshold_is_recorded_each_time_but_notified_once_a_week(people):
    record_changes()
    accident = record_accident(people.bureau, people.enterprise_a, level="larger")  # 30 / 2 = 15: red
    assert record_changes() == [("城关镇", "blue", "red")]
    with UnitOfWork() as uow:
        accidents.remove(uow, people.bureau, people.enterprise_a.id, accident.id, "录错")
        uow.commit()
    assert record_changes() == [("城关镇", "red", "blue")]
    record_accident(people.bureau, people.enterprise_a, level="larger")
    assert record_changes() == [("城关镇", "blue", "red")]
    notices = db.session.query(Notification).filter_by(kind=region_risk.NOTICE_KIND, user_id=people.bureau.id)
    assert notices.count() == 1  # the second rise within the week is on record, not notified again
